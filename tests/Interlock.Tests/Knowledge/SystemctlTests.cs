using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class SystemctlTests
{
    [Theory]
    [InlineData("sudo systemctl stop nginx", "nginx", "stops the service `nginx`")]
    [InlineData("systemctl stop postgresql.service", "postgresql.service", "stops the service")]
    [InlineData("systemctl disable docker", "docker", "no longer starts at boot")]
    [InlineData("systemctl disable --now docker", "docker", "stops the service `docker`")]
    [InlineData("systemctl mask apache2", "apache2", "can no longer be started")]
    [InlineData("systemctl kill redis", "redis", "kills the processes")]
    [InlineData("systemctl kill -s SIGKILL redis", "redis", "with SIGKILL")]
    [InlineData("systemctl isolate multi-user.target", "multi-user.target", "stopping every unit")]
    [InlineData("systemctl --user stop pipewire", "pipewire", "stops the user service `pipewire`")]
    [InlineData("systemctl stop --user syncthing", "syncthing", "user service")]
    [InlineData("sudo systemctl stop sshd", "sshd", "cuts off SSH access")]
    [InlineData("sudo systemctl stop NetworkManager", "NetworkManager", "off the network")]
    [InlineData("sudo service nginx stop", "nginx", "stops the service `nginx`")]
    [InlineData("rc-service nginx stop", "nginx", "stops the service")]
    [InlineData("launchctl bootout system/com.example.agent", "system/com.example.agent", "launchd service")]
    public void Stopping_services_disrupts_the_system(string command, string unit, string words)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects);
        Assert.Equal(EffectKind.DisruptSystem, e.Kind);
        Assert.Equal(unit, e.Target);
        Assert.Contains(words, e.Description);
    }

    [Fact]
    public void Every_unit_is_named()
    {
        var d = TestWorld.Check("systemctl stop nginx php-fpm mysql");
        Assert.Equal(["nginx", "php-fpm", "mysql"], d.Effects.Select(e => e.Target));
    }

    [Theory]
    [InlineData("systemctl restart nginx")]
    [InlineData("systemctl reload nginx")]
    [InlineData("systemctl try-reload-or-restart nginx")]
    [InlineData("systemctl start postgresql")]
    [InlineData("systemctl enable --now docker")]
    [InlineData("systemctl daemon-reload")]
    [InlineData("systemctl --user restart pipewire")]
    [InlineData("service apache2 reload")]
    [InlineData("service ssh restart")]
    [InlineData("systemctl kill -s HUP nginx")]
    public void Starting_and_restarting_are_changes(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.All(d.Effects, e => Assert.Equal(EffectKind.ChangeInfrastructure, e.Kind));
        Assert.NotEmpty(d.Effects);
    }

    [Theory]
    [InlineData("systemctl status nginx")]
    [InlineData("systemctl is-active docker")]
    [InlineData("systemctl show -p MainPID nginx")]
    [InlineData("systemctl cat nginx.service")]
    [InlineData("systemctl list-units --type=service --state=running")]
    [InlineData("systemctl -t service list-units")]
    [InlineData("systemctl --failed")]
    [InlineData("systemctl")]
    [InlineData("service --status-all")]
    [InlineData("service nginx status")]
    [InlineData("service nginx")]
    [InlineData("launchctl list")]
    public void Reading_has_no_effect(string command) => Assert.Empty(TestWorld.Check(command).Effects);

    [Theory]
    [InlineData("systemctl restart nginx-prod", "unit")]
    [InlineData("ssh prod-web1 'sudo systemctl restart nginx'", "host")]
    [InlineData("ssh prod-web1 'sudo systemctl stop nginx'", "host")]
    [InlineData("systemctl -H live-db1 stop postgresql", "host")]
    [InlineData("service api-production stop", "unit")]
    public void Production_needs_two_approvers(string command, string evidence)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        Assert.StartsWith(evidence, d.Effects.Single().EnvironmentEvidence);
    }

    [Fact]
    public void Cleaning_state_destroys_data()
    {
        var e = TestWorld.Check("systemctl clean --what=state myapp").Effects.Single();
        Assert.Equal(EffectKind.DestroyData, e.Kind);
        Assert.Equal(EffectKind.ChangeInfrastructure, TestWorld.Check("systemctl clean myapp").Effects.Single().Kind);
    }

    [Fact]
    public void Odd_arguments_do_not_throw()
    {
        foreach (var c in new[] { "systemctl stop", "systemctl -H", "systemctl kill -s", "service", "service x", "systemctl --signal", "launchctl", "rc-service -Z x stop" })
            Assert.NotEqual("internal-error", TestWorld.Check(c).RuleId);
    }
}
