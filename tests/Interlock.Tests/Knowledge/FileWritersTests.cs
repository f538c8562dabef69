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
    public void Emptying_existing_files_asks(string command)
    {
        Single(command, EffectKind.EmptyFile);
        Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);
    }

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
