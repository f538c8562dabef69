using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class HelmTests
{
    private static Decision Check(string command) => TestWorld.Check(command);

    [Theory]
    [InlineData("helm uninstall web")]
    [InlineData("helm delete web")]
    [InlineData("helm del web")]
    [InlineData("helm un web")]
    [InlineData("helm uninstall web --keep-history")]
    [InlineData("helm uninstall web --dry-run=none")]
    public void Uninstall_deletes_cluster_resources(string command)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects);
        Assert.Equal(EffectKind.DeleteClusterResources, e.Kind);
        Assert.Contains("`web`", e.Description);
    }

    [Fact]
    public void Uninstall_in_production_needs_two_approvers_and_says_where()
    {
        var d = Check("helm uninstall web -n shop --kube-context prod-eu");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        var e = Assert.Single(d.Effects);
        Assert.Equal("uninstalls Helm release `web` in namespace `shop` in cluster context `prod-eu`, deleting every Kubernetes resource it installed", e.Description);
        Assert.Equal(TargetEnvironment.Production, e.Environment);
    }

    [Theory]
    [InlineData("helm upgrade web ./chart --kube-context prod")]
    [InlineData("helm install web ./chart -n production")]
    [InlineData("helm upgrade --install web ./chart -f values-prod.yaml")]
    [InlineData("helm rollback web 3 --kube-context prod")]
    [InlineData("helm uninstall payments-prod")]
    public void Changes_in_production_need_two_approvers(string command)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Theory]
    [InlineData("helm upgrade --install web ./chart")]
    [InlineData("helm install web ./chart -n dev")]
    [InlineData("helm rollback web 2")]
    public void Changes_outside_production_are_allowed(string command)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.ChangeInfrastructure);
    }

    [Theory]
    [InlineData("helm list -A")]
    [InlineData("helm status web")]
    [InlineData("helm template web ./chart")]
    [InlineData("helm lint ./chart")]
    [InlineData("helm show values x/y")]
    [InlineData("helm get values web")]
    [InlineData("helm diff upgrade web ./chart")]
    [InlineData("helm uninstall web --dry-run")]
    [InlineData("helm --kube-context prod upgrade --install web ./chart --dry-run=server")]
    [InlineData("helm uninstall --help")]
    public void Read_only_and_dry_run_forms_have_no_effects(string command)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Empty(d.Effects);
    }

    [Theory]
    [InlineData("helm")]
    [InlineData("helm uninstall")]
    [InlineData("helm install")]
    [InlineData("helm rollback")]
    [InlineData("helm -n")]
    [InlineData("helm upgrade -f")]
    public void Odd_arguments_never_throw(string command)
    {
        Assert.NotEqual("internal-error", Check(command).RuleId);
    }
}
