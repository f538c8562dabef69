using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class EksctlTests
{
    [Theory]
    [InlineData("eksctl delete cluster --name dev-cluster")]
    [InlineData("eksctl delete cluster dev-cluster")]
    [InlineData("eksctl delete nodegroup --cluster dev --name ng-1")]
    [InlineData("eksctl delete ng ng-1 --cluster dev")]
    [InlineData("eksctl delete iamserviceaccount --cluster dev --name s3")]
    [InlineData("eksctl delete cluster --name=staging-eks")]
    public void Deletes_ask(string command) => Asks(command, EffectKind.DestroyInfrastructure);

    [Theory]
    [InlineData("eksctl delete cluster prod-eu", "EKS cluster `prod-eu`")]
    [InlineData("eksctl delete cluster --name prod-eu --wait", "EKS cluster `prod-eu`")]
    [InlineData("eksctl delete cluster -f cluster-prod.yaml", "config file `cluster-prod.yaml`")]
    [InlineData("eksctl delete nodegroup --cluster prod --name ng-1", "EKS cluster `prod`")]
    [InlineData("eksctl delete cluster --name main --profile production", "AWS profile `production`")]
    public void Production_deletes_need_two_approvers(string command, string evidence) =>
        AsksInProduction(command, EffectKind.DestroyInfrastructure, evidence);

    [Theory]
    [InlineData("eksctl drain nodegroup --cluster dev --name ng-1")]
    [InlineData("eksctl scale nodegroup --cluster dev --name ng-1 --nodes 0")]
    public void Draining_and_scaling_to_zero_delete_cluster_workloads(string command) => Asks(command, EffectKind.DeleteClusterResources);

    [Theory]
    [InlineData("eksctl create cluster --name prod-us")]
    [InlineData("eksctl upgrade cluster --name prod --approve")]
    [InlineData("eksctl scale nodegroup --cluster prod --name ng --nodes 5")]
    public void Production_changes_need_two_approvers(string command) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, "prod");

    [Theory]
    [InlineData("eksctl create cluster -f cluster.yaml")]
    [InlineData("eksctl scale nodegroup --cluster dev --name ng --nodes 3")]
    public void Changes_outside_production_are_allowed(string command) => AllowedChange(command);

    [Theory]
    [InlineData("eksctl get clusters")]
    [InlineData("eksctl get nodegroup --cluster prod")]
    [InlineData("eksctl create cluster --name x --dry-run")]
    [InlineData("eksctl upgrade cluster --name prod")]
    [InlineData("eksctl delete nodegroup -f cluster.yaml --only-missing")]
    [InlineData("eksctl utils describe-stacks --cluster prod")]
    [InlineData("eksctl version")]
    [InlineData("eksctl delete cluster --help")]
    public void Read_only_and_plan_forms_have_no_effects(string command) => NoEffects(command);
}
