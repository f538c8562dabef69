using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class PowerTests
{
    [Theory]
    [InlineData("shutdown -h now", "shuts the machine down")]
    [InlineData("sudo shutdown now", "shuts the machine down")]
    [InlineData("poweroff", "shuts the machine down")]
    [InlineData("sudo init 0", "shuts the machine down")]
    [InlineData("telinit 0", "shuts the machine down")]
    [InlineData("systemctl poweroff", "shuts the machine down")]
    [InlineData("sudo reboot", "reboots the machine")]
    [InlineData("shutdown -r +5", "reboots the machine")]
    [InlineData("init 6", "reboots the machine")]
    [InlineData("systemctl reboot", "reboots the machine")]
    [InlineData("systemctl kexec", "reboots the machine straight into another kernel")]
    [InlineData("halt", "halts the machine")]
    [InlineData("systemctl halt", "halts the machine")]
    [InlineData("systemctl suspend", "puts the machine to sleep")]
    [InlineData("sudo telinit 1", "rescue mode")]
    [InlineData("sudo systemctl isolate rescue", "rescue mode")]
    [InlineData("sudo systemctl start poweroff.target", "shuts the machine down")]
    [InlineData("loginctl poweroff", "shuts the machine down")]
    [InlineData("kexec -e", "another kernel")]
    public void Power_actions_disrupt_the_system(string command, string words)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects, x => x.Kind == EffectKind.DisruptSystem);
        Assert.Contains(words, e.Description);
    }

    [Theory]
    [InlineData("shutdown -c")]
    [InlineData("sudo shutdown -c 'never mind'")]
    [InlineData("shutdown --help")]
    [InlineData("reboot --help")]
    [InlineData("poweroff --version")]
    [InlineData("shutdown -k +10 'going down soon'")]
    [InlineData("halt -w")]
    [InlineData("init q")]
    [InlineData("init")]
    [InlineData("systemctl poweroff --when=cancel")]
    [InlineData("systemctl reboot --dry-run")]
    [InlineData("kexec -l /boot/vmlinuz")]
    [InlineData("loginctl list-sessions")]
    public void Cancels_help_and_loading_are_allowed(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.DoesNotContain(d.Effects, e => e.Kind == EffectKind.DisruptSystem);
    }

    [Fact]
    public void A_scheduled_shutdown_says_when()
    {
        var e = Assert.Single(TestWorld.Check("shutdown -h 22:00").Effects);
        Assert.Contains("scheduled: 22:00", e.Description);
    }

    [Theory]
    [InlineData("ssh prod-web1 'sudo reboot'")]
    [InlineData("ssh deploy@live-api sudo shutdown -h now")]
    [InlineData("sudo systemctl -H db-prod-1 poweroff")]
    public void Production_hosts_need_two_approvers(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        Assert.Equal(TargetEnvironment.Production, d.Effects.Single(e => e.Kind == EffectKind.DisruptSystem).Environment);
    }

    [Fact]
    public void A_remote_reboot_names_the_host()
    {
        var d = TestWorld.Check("ssh web1 sudo reboot");
        Assert.Equal(1, d.RequiredApprovals);
        Assert.Contains("on web1", d.Reason);
        Assert.Equal("web1", d.Effects.Single().Target);
    }

    [Fact]
    public void Logging_out_users_disrupts()
    {
        var e = TestWorld.Check("loginctl terminate-user bob").Effects.Single();
        Assert.Equal(EffectKind.DisruptSystem, e.Kind);
        Assert.Contains("`bob`", e.Description);
    }
}
