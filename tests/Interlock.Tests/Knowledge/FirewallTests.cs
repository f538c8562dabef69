using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class FirewallTests
{
    [Theory]
    [InlineData("iptables -F", "removes every firewall rule in every chain of the filter table")]
    [InlineData("iptables --flush INPUT", "the chain INPUT")]
    [InlineData("iptables -t nat -F", "every NAT rule")]
    [InlineData("iptables --table=nat --flush", "every NAT rule")]
    [InlineData("ip6tables -F", "removes every firewall rule")]
    [InlineData("iptables -X", "every user-defined chain")]
    [InlineData("iptables -P INPUT DROP", "default policy of INPUT to DROP")]
    [InlineData("iptables --policy OUTPUT REJECT", "default policy of OUTPUT to REJECT")]
    [InlineData("iptables -A INPUT -j DROP", "drops ALL traffic in INPUT")]
    [InlineData("iptables -I INPUT 1 -p tcp -j REJECT", "drops ALL traffic in INPUT")]
    [InlineData("iptables-restore < /tmp/rules.v4", "/tmp/rules.v4")]
    [InlineData("iptables-restore rules.txt", "rules.txt")]
    [InlineData("ip6tables-restore", "standard input")]
    [InlineData("nft flush ruleset", "the whole firewall")]
    [InlineData("nft 'flush ruleset'", "the whole firewall")]
    [InlineData("nft delete table inet filter", "deletes the table")]
    [InlineData("nft flush chain inet filter input", "every rule in the chain")]
    [InlineData("nft 'add chain inet filter input { type filter hook input priority 0; policy drop; }'", "policy drops")]
    [InlineData("nft -f /etc/nftables.conf", "replaces the whole firewall")]
    [InlineData("ufw disable", "turns the firewall off")]
    [InlineData("ufw --force reset", "deletes every ufw rule")]
    [InlineData("ufw enable", "unless SSH is allowed first")]
    [InlineData("ufw default deny incoming", "blocks all incoming")]
    [InlineData("ufw deny ssh", "blocks SSH")]
    [InlineData("firewall-cmd --panic-on", "drops all network traffic")]
    [InlineData("firewall-cmd --set-default-zone=drop", "blocks all incoming")]
    [InlineData("pfctl -d", "disables the packet filter")]
    [InlineData("pfctl -F all", "flushes")]
    [InlineData("pfctl -Fa", "flushes")]
    public void Rules_that_lock_out_or_open_up_disrupt(string command, string words)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects, x => x.Kind == EffectKind.DisruptSystem);
        Assert.Contains(words, e.Description);
    }

    [Theory]
    [InlineData("iptables -L")]
    [InlineData("iptables -L -n -v")]
    [InlineData("iptables -nvL INPUT")]
    [InlineData("iptables -S")]
    [InlineData("iptables -t nat -L --line-numbers")]
    [InlineData("iptables -C INPUT -p tcp --dport 22 -j ACCEPT")]
    [InlineData("iptables -Z")]
    [InlineData("iptables-save")]
    [InlineData("iptables-restore --test < rules.v4")]
    [InlineData("nft list ruleset")]
    [InlineData("nft -a list table inet filter")]
    [InlineData("nft -c -f /etc/nftables.conf")]
    [InlineData("ufw status verbose")]
    [InlineData("ufw --dry-run reset")]
    [InlineData("ufw app list")]
    [InlineData("firewall-cmd --list-all")]
    [InlineData("firewall-cmd --state")]
    [InlineData("pfctl -s rules")]
    [InlineData("pfctl -nf /etc/pf.conf")]
    public void Listing_has_no_effect(string command) => Assert.Empty(TestWorld.Check(command).Effects);

    [Theory]
    [InlineData("iptables -A INPUT -p tcp --dport 443 -j ACCEPT")]
    [InlineData("iptables -I INPUT -s 10.0.0.0/8 -j DROP")]
    [InlineData("iptables -A INPUT -m conntrack --ctstate INVALID -j DROP")]
    [InlineData("iptables -D INPUT 3")]
    [InlineData("iptables -P INPUT ACCEPT")]
    [InlineData("iptables-restore -n < extra.rules")]
    [InlineData("nft add rule inet filter input tcp dport 22 accept")]
    [InlineData("ufw allow 8080/tcp")]
    [InlineData("ufw deny from 203.0.113.4")]
    [InlineData("ufw delete allow 80")]
    [InlineData("firewall-cmd --add-port=8080/tcp --permanent")]
    [InlineData("firewall-cmd --reload")]
    [InlineData("pfctl -f /etc/pf.conf")]
    public void Single_rules_are_changes(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Equal(EffectKind.ChangeInfrastructure, Assert.Single(d.Effects).Kind);
    }

    [Fact]
    public void Rules_from_a_here_document_are_read()
    {
        var d = TestWorld.Check("nft -f - <<'EOF'\nadd rule inet filter input tcp dport 80 accept\nEOF");
        Assert.Equal(EffectKind.ChangeInfrastructure, Assert.Single(d.Effects).Kind);
        d = TestWorld.Check("nft -f - <<'EOF'\nflush ruleset\nEOF");
        Assert.Equal(EffectKind.DisruptSystem, Assert.Single(d.Effects).Kind);
    }

    [Fact]
    public void A_production_gateway_needs_two_approvers()
    {
        var d = TestWorld.Check("ssh prod-gw 'sudo iptables -F'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        d = TestWorld.Check("ssh prod-gw 'sudo ufw allow 443'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Fact]
    public void Odd_arguments_do_not_throw()
    {
        foreach (var c in new[] { "iptables -t", "iptables -P", "iptables -j", "nft", "nft -f", "ufw", "ufw default", "firewall-cmd", "pfctl -F", "iptables-restore -t", "nft '{'", "nft $CMD" })
            Assert.NotEqual("internal-error", TestWorld.Check(c).RuleId);
    }
}
