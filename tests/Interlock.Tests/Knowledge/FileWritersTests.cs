using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

public sealed class FileWritersTests
{
    [Theory]
    [InlineData(": > README.md")]
    [InlineData("> package.json")]
    [InlineData("truncate -s 0 src/app.py")]
    [InlineData("cat /dev/null > src/app.py")]
    [InlineData("cp /dev/null Makefile")]
    [InlineData("install /dev/null Makefile")]
    [InlineData("mv /dev/null Makefile")]
    [InlineData("ln -sf /dev/null Makefile")]
    [InlineData("ln -sf /dev/zero Makefile")]
    public void Emptying_existing_files_asks(string command)
    {
        Single(command, EffectKind.EmptyFile);
        Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);
    }

    [Theory]
    [InlineData("mv src/app.py /dev/null", "rm src/app.py", "/dev/null")]
    [InlineData("mv -f src/app.py /dev/zero", "rm -f src/app.py", "/dev/zero")]
    [InlineData("mv -t /dev/null src/app.py", "rm src/app.py", "/dev/null")]
    [InlineData("mv src /dev/null", "rm -r src", "/dev/null")]
    public void A_move_onto_a_device_is_decided_and_described_as_deleting_the_source(string move, string rm, string device)
    {
        var e = Single(move, EffectKind.DeletePath);
        Assert.Contains($"onto the device {device}, which deletes it", e.Description);
        var (moved, removed) = (TestWorld.Check(move), TestWorld.Check(rm));
        Assert.Equal((removed.Verdict, removed.RuleId), (moved.Verdict, moved.RuleId));
    }

    [Theory]
    [InlineData("cp /dev/zero src/app.py", "/dev/zero")]
    [InlineData("cp /dev/urandom Makefile", "/dev/urandom")]
    public void Copying_an_endless_device_over_a_file_destroys_its_contents(string command, string device)
    {
        var e = Single(command, EffectKind.DestroyContents);
        Assert.Contains($"endless bytes from {device}", e.Description);
        Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);
    }

    [Theory]
    [InlineData("cp src/app.py /dev/null")]
    [InlineData("cp src/app.py /dev/zero")]
    [InlineData("echo x > /dev/zero")]
    public void Copying_or_redirecting_into_a_device_changes_nothing(string command) => None(command);

    [Theory]
    [InlineData("echo x > new-file.txt")]
    [InlineData("echo x >> README.md")]
    [InlineData("echo hi > /tmp/x")]
    [InlineData("cat <<'EOF' > notes.md\nrm -rf /\nEOF")]
    [InlineData("truncate -s 0 /tmp/app.log")]
    [InlineData("dd if=/dev/zero of=/tmp/blob bs=1M count=1")]
    [InlineData("mv a.txt b.txt")]
    [InlineData("cp -r src /tmp/backup")]
    [InlineData("ls > /dev/null 2>&1")]
    public void Ordinary_writes_are_allowed(string command) => None(command);

    [Theory]
    [InlineData("echo x > /etc/hosts", Verdict.Deny)]
    [InlineData("sudo tee /etc/passwd < x", Verdict.Deny)]
    [InlineData("echo x > ~/.bashrc", Verdict.Deny)] // a protected shell start-up file
    [InlineData("echo x > ~/notes.txt", Verdict.Ask)]
    [InlineData("dd if=/dev/zero of=/dev/sda", Verdict.Deny)]
    [InlineData("cat /dev/urandom > /dev/nvme0n1", Verdict.Deny)]
    [InlineData("mv /etc /tmp/etc", Verdict.Deny)]
    [InlineData("mv ~ /tmp/x", Verdict.Deny)]
    [InlineData("mv src /dev/null", Verdict.Ask)]
    [InlineData("shred -u src/app.py", Verdict.Ask)]
    [InlineData("chmod -R 777 /", Verdict.Deny)]
    [InlineData("chown -R nobody ~", Verdict.Deny)]
    [InlineData("mkfs.ext4 /dev/sdb1", Verdict.Deny)]
    [InlineData("wipefs -a /dev/sdb", Verdict.Deny)]
    [InlineData("mkfs.ext4 -F /tmp/disk.img", Verdict.Allow)]
    public void Writes_outside_the_project_are_judged_by_where_they_land(string command, Verdict expected)
    {
        var d = TestWorld.Check(command);
        Assert.True(expected == d.Verdict, $"{command}: expected {expected}, got {d.Verdict} ({d.Reason})");
    }
}
