using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class KubectlTests
{
    private static Decision Check(string command) => TestWorld.Check(command);

    private static Effect Single(Decision d, EffectKind kind) => Assert.Single(d.Effects, e => e.Kind == kind);

    [Fact]
    public void Deleting_a_namespace_names_it_and_the_context_and_needs_two_approvers_in_production()
    {
        var d = Check("kubectl --context prod-eu delete ns payments");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        var e = Single(d, EffectKind.DeleteClusterResources);
        Assert.StartsWith("deletes namespace `payments` in cluster context `prod-eu`", e.Description);
        Assert.Equal(TargetEnvironment.Production, e.Environment);
        Assert.Contains("prod-eu", e.EnvironmentEvidence);
        Assert.Contains("cluster.delete.production", d.RuleId);
    }

    [Theory]
    [InlineData("kubectl delete ns production")]
    [InlineData("kubectl -n prod delete deploy web")]
    [InlineData("kubectl delete deploy web --namespace=live")]
    [InlineData("kubectl --cluster prd-1 delete pod x")]
    [InlineData("kubectl delete pods -l env=prod")]
    [InlineData("kubectl delete -f k8s/production/")]
    [InlineData("kubectl --context prod scale deploy web --replicas=0")]
    [InlineData("kubectl --context prod apply -f k8s/")]
    [InlineData("kubectl --context prod rollout undo deploy/web")]
    [InlineData("oc delete project payments-prod")]
    public void Production_names_anywhere_require_two_approvers(string command)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Fact]
    public void The_strictest_name_wins()
    {
        var d = Check("kubectl --context kind-dev -n production delete pod web-0");
        Assert.Equal(2, d.RequiredApprovals);
        Assert.Contains("namespace `production`", Single(d, EffectKind.DeleteClusterResources).EnvironmentEvidence);
    }

    [Theory]
    [InlineData("kubectl delete pvc data-0", EffectKind.DestroyData)]
    [InlineData("kubectl delete pv pvc-123", EffectKind.DestroyData)]
    [InlineData("kubectl delete persistentvolumeclaims --all -n db", EffectKind.DestroyData)]
    [InlineData("kubectl delete crd widgets.example.com", EffectKind.DeleteClusterResources)]
    [InlineData("kubectl delete node n1", EffectKind.DeleteClusterResources)]
    [InlineData("kubectl delete secret s", EffectKind.DeleteClusterResources)]
    [InlineData("kubectl drain n1 --ignore-daemonsets", EffectKind.DeleteClusterResources)]
    [InlineData("kubectl scale sts db --replicas 0", EffectKind.DeleteClusterResources)]
    [InlineData("kubectl replace --force -f x.yaml", EffectKind.DeleteClusterResources)]
    [InlineData("kubectl apply --prune -l app=x -f k8s/", EffectKind.DeleteClusterResources)]
    public void Destructive_forms_have_their_kind_and_ask(string command, EffectKind kind)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == kind);
        Assert.Equal(1, d.RequiredApprovals);
    }

    [Fact]
    public void Crd_deletion_says_every_custom_resource_goes()
    {
        var e = Single(Check("kubectl delete crd widgets.example.com"), EffectKind.DeleteClusterResources);
        Assert.Contains("every custom resource of that kind", e.Description);
    }

    [Fact]
    public void Pvc_deletion_mentions_the_data()
    {
        var e = Single(Check("kubectl delete pvc data-0 -n db"), EffectKind.DestroyData);
        Assert.Equal("deletes persistent volume claim `data-0` in namespace `db`; with the usual Delete reclaim policy the volume and its data are destroyed", e.Description);
    }

    [Fact]
    public void Every_name_is_its_own_effect()
    {
        var d = Check("kubectl delete deploy a b c");
        Assert.Equal(3, d.Effects.Count(e => e.Kind == EffectKind.DeleteClusterResources));
    }

    [Theory]
    [InlineData("kubectl delete ns x --dry-run")]
    [InlineData("kubectl delete ns x --dry-run=client")]
    [InlineData("kubectl delete ns x --dry-run=server")]
    [InlineData("kubectl --context prod apply -f k8s/ --dry-run=server")]
    [InlineData("kubectl get pods -A")]
    [InlineData("kubectl describe ns prod")]
    [InlineData("kubectl logs deploy/web")]
    [InlineData("kubectl top pods")]
    [InlineData("kubectl explain pods")]
    [InlineData("kubectl auth can-i delete ns")]
    [InlineData("kubectl config view")]
    [InlineData("kubectl config use-context prod")]
    [InlineData("kubectl config delete-context prod")]
    [InlineData("kubectl diff -f k8s/")]
    [InlineData("kubectl delete --help")]
    public void Read_only_and_dry_run_forms_have_no_effects(string command)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Empty(d.Effects);
    }

    [Fact]
    public void Dry_run_none_is_not_a_dry_run()
    {
        Assert.Equal(Verdict.Ask, Check("kubectl delete ns x --dry-run=none").Verdict);
    }

    [Theory]
    [InlineData("kubectl apply -f k8s/")]
    [InlineData("kubectl create ns feature-x")]
    [InlineData("kubectl set image deploy/web web=web:2")]
    [InlineData("kubectl patch deploy web -p '{\"spec\":{\"replicas\":2}}'")]
    [InlineData("kubectl label pod x a=b")]
    [InlineData("kubectl cordon n1")]
    [InlineData("kubectl rollout undo deploy/web")]
    public void State_changes_outside_production_are_allowed_but_recorded(string command)
    {
        var d = Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.ChangeInfrastructure);
    }

    [Fact]
    public void A_patch_to_zero_replicas_takes_the_workload_down()
    {
        var d = Check("kubectl patch deploy web -p '{\"spec\": {\"replicas\": 0}}'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DeleteClusterResources);
    }

    [Fact]
    public void Unknown_replica_counts_and_targets_count_as_destructive()
    {
        Assert.Equal(Verdict.Ask, Check("kubectl scale deploy web --replicas=$N").Verdict);
        Assert.Equal(Verdict.Ask, Check("kubectl delete ns \"$NS\"").Verdict);
        Assert.Equal(Verdict.Ask, Check("kubectl delete $(kubectl get ns -o name)").Verdict);
    }

    [Fact]
    public void Exec_analyses_the_command_in_the_pod()
    {
        var d = Check("kubectl exec -it web-0 -c app -- rm -rf /");
        Assert.Equal(Verdict.Deny, d.Verdict);
        var e = Assert.Single(d.Effects, x => x.Kind == EffectKind.DeletePath);
        Assert.Equal("pod web-0", e.Source.Context.RemoteHost);
        Assert.Contains("kubectl exec", e.Source.Context.Via);
        Assert.Contains("pod web-0", d.Reason);
    }

    [Fact]
    public void Exec_keeps_quoted_words_together()
    {
        var d = Check("kubectl exec web-0 -- sh -c 'rm -rf /var/lib/data'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DeletePath && e.Target == "/var/lib/data");
    }

    [Fact]
    public void Exec_of_harmless_commands_is_allowed()
    {
        Assert.Equal(Verdict.Allow, Check("kubectl exec -it web-0 -- bash").Verdict);
        Assert.Equal(Verdict.Allow, Check("kubectl exec web-0 -- ls /app").Verdict);
        Assert.Equal(Verdict.Allow, Check("kubectl exec web-0 -- rm -rf /tmp/x").Verdict);
    }

    [Fact]
    public void Exec_of_code_built_at_run_time_asks()
    {
        Assert.Equal(Verdict.Ask, Check("kubectl exec web-0 -- sh -c \"$CMD\"").Verdict);
    }

    [Fact]
    public void Effects_inside_a_production_pod_carry_its_environment()
    {
        var d = Check("kubectl --context prod exec web-0 -- kubectl delete ns x");
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Fact]
    public void Oc_rsh_runs_the_command_after_the_pod()
    {
        var d = Check("oc rsh web-0 rm -rf /");
        Assert.Equal(Verdict.Deny, d.Verdict);
    }

    [Theory]
    [InlineData("kubectl")]
    [InlineData("kubectl delete")]
    [InlineData("kubectl delete deploy")]
    [InlineData("kubectl --context")]
    [InlineData("kubectl exec")]
    [InlineData("kubectl exec pod --")]
    [InlineData("kubectl scale --replicas")]
    [InlineData("kubectl -n")]
    [InlineData("kubectl delete -f")]
    [InlineData("kubectl patch -p")]
    [InlineData("oc adm")]
    [InlineData("kubectl delete ns/")]
    public void Odd_arguments_never_throw(string command)
    {
        var d = Check(command);
        Assert.NotEqual("internal-error", d.RuleId);
    }
}
