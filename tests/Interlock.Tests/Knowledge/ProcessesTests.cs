using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class ProcessesTests
{
    [Theory]
    [InlineData("kill -9 -1", "every process the user can signal")]
    [InlineData("kill -KILL -1", "SIGKILL")]
    [InlineData("kill -SIGKILL -1", "SIGKILL")]
    [InlineData("kill -s KILL -1", "SIGKILL")]
    [InlineData("kill -- -1", "SIGTERM")]
    [InlineData("kill -1 -1", "SIGHUP")]
    [InlineData("sudo kill -9 -1", "every process on the machine")]
    [InlineData("kill 1", "PID 1")]
    [InlineData("sudo kill -9 1", "PID 1")]
    [InlineData("killall5", "every process on the machine")]
    [InlineData("killall5 -9", "SIGKILL")]
    [InlineData("pkill -9 -u dev", "every process of user(s) dev")]
    [InlineData("pkill -KILL -u www-data", "www-data")]
    [InlineData("pkill --euid dev", "every process of user(s) dev")]
    [InlineData("pkill -U 1000", "1000")]
    [InlineData("killall -u dev", "every process of user(s) dev")]
    [InlineData("killall --user dev", "dev")]
    [InlineData("pkill -f .", "matches every process")]
    [InlineData("pkill sshd", "SSH access")]
    [InlineData("killall -9 sshd", "SSH access")]
    [InlineData("pkill -x systemd", "service manager")]
    [InlineData("killall dockerd", "every container")]
    public void Killing_everything_or_critical_daemons_disrupts(string command, string words)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects);
        Assert.Equal(EffectKind.DisruptSystem, e.Kind);
        Assert.Contains(words, e.Description);
    }

    [Theory]
    [InlineData("kill 1234")]
    [InlineData("kill -9 4242")]
    [InlineData("kill -TERM 4242 4243")]
    [InlineData("kill %1")]
    [InlineData("kill -9 %2")]
    [InlineData("kill -1")]
    [InlineData("kill -HUP 1")]
    [InlineData("kill -0 1")]
    [InlineData("kill -s 0 -1")]
    [InlineData("kill -l")]
    [InlineData("kill -l 9")]
    [InlineData("kill -9 -4242")]
    [InlineData("kill $(cat server.pid)")]
    [InlineData("kill -9 $PID")]
    [InlineData("pkill -f myserver")]
    [InlineData("pkill -9 -u dev node")]
    [InlineData("pkill -0 -u dev")]
    [InlineData("pkill -HUP nginx")]
    [InlineData("killall node")]
    [InlineData("killall -9 python3")]
    [InlineData("killall -l")]
    [InlineData("killall Dock")]
    [InlineData("killall")]
    public void Ordinary_process_management_is_allowed(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void Killing_everything_on_a_production_host_needs_two_approvers()
    {
        var d = TestWorld.Check("ssh prod-app 'kill -9 -1'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }
}
