using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class AccountsTests
{
    [Theory]
    [InlineData("userdel bob", EffectKind.DisruptSystem, "deletes the user account `bob`")]
    [InlineData("userdel -r bob", EffectKind.DestroyData, "home directory")]
    [InlineData("userdel --remove --force alice", EffectKind.DestroyData, "even while the user is logged in")]
    [InlineData("userdel -rf alice", EffectKind.DestroyData, "home directory")]
    [InlineData("deluser bob", EffectKind.DisruptSystem, "deletes the user account `bob`")]
    [InlineData("deluser --remove-home bob", EffectKind.DestroyData, "home directory")]
    [InlineData("deluser --remove-all-files carol", EffectKind.DestroyData, "every file it owns")]
    [InlineData("groupdel developers", EffectKind.DisruptSystem, "deletes the group `developers`")]
    [InlineData("delgroup docker", EffectKind.DisruptSystem, "deletes the group `docker`")]
    [InlineData("deluser --group docker", EffectKind.DisruptSystem, "deletes the group `docker`")]
    [InlineData("passwd -d root", EffectKind.DisruptSystem, "removes the password of `root`")]
    [InlineData("passwd --delete bob", EffectKind.DisruptSystem, "removes the password")]
    [InlineData("passwd -l dev", EffectKind.DisruptSystem, "locks the password of `dev`")]
    [InlineData("usermod -L bob", EffectKind.DisruptSystem, "locks the account `bob`")]
    [InlineData("usermod --lock alice", EffectKind.DisruptSystem, "locks the account `alice`")]
    [InlineData("usermod -s /usr/sbin/nologin dev", EffectKind.DisruptSystem, "nobody can log in")]
    [InlineData("usermod -e 1 bob", EffectKind.DisruptSystem, "expires the account")]
    [InlineData("usermod -G docker dev", EffectKind.DisruptSystem, "without -a")]
    [InlineData("chage -E 0 bob", EffectKind.DisruptSystem, "expires the account")]
    [InlineData("userdel $USERNAME", EffectKind.DisruptSystem, "named at run time")]
    public void Deleting_and_locking_accounts_asks(string command, EffectKind kind, string words)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects);
        Assert.Equal(kind, e.Kind);
        Assert.Contains(words, e.Description);
    }

    [Theory]
    [InlineData("useradd -m bob")]
    [InlineData("adduser dev docker")]
    [InlineData("usermod -aG docker dev")]
    [InlineData("usermod -a -G docker,wheel dev")]
    [InlineData("usermod -U bob")]
    [InlineData("echo 'bob:s3cret' | chpasswd")]
    [InlineData("passwd")]
    [InlineData("passwd bob")]
    [InlineData("passwd -e bob")]
    [InlineData("groupadd developers")]
    [InlineData("deluser bob docker")]
    public void Creating_and_changing_accounts_are_changes(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Equal(EffectKind.ChangeInfrastructure, Assert.Single(d.Effects).Kind);
    }

    [Theory]
    [InlineData("passwd -S bob")]
    [InlineData("chage -l dev")]
    [InlineData("userdel --help")]
    public void Reading_has_no_effect(string command) => Assert.Empty(TestWorld.Check(command).Effects);

    [Fact]
    public void Chpasswd_names_the_accounts_it_changes()
    {
        var e = TestWorld.Check("printf 'bob:x\\nalice:y\\n' | chpasswd").Effects.Single();
        Assert.Contains("`bob`, `alice`", e.Description);
    }

    [Fact]
    public void Production_hosts_need_two_approvers()
    {
        var d = TestWorld.Check("ssh prod-bastion 'sudo userdel -r bob'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        d = TestWorld.Check("ssh prod-bastion sudo chpasswd");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }
}
