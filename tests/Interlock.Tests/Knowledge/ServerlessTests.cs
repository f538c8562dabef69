using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class ServerlessTests
{
    [Theory]
    [InlineData("serverless remove")]
    [InlineData("sls remove --stage dev")]
    [InlineData("sls remove -s staging")]
    public void Remove_asks(string command) => Asks(command, EffectKind.DestroyInfrastructure);

    [Theory]
    [InlineData("sls remove --stage prod", "stage `prod`")]
    [InlineData("serverless remove -s production", "stage `production`")]
    [InlineData("sls remove --aws-profile prod-admin", "AWS profile `prod-admin`")]
    [InlineData("sls -s prd remove", "stage `prd`")]
    public void Production_removes_need_two_approvers(string command, string evidence) =>
        AsksInProduction(command, EffectKind.DestroyInfrastructure, evidence);

    [Theory]
    [InlineData("sls deploy --stage prod")]
    [InlineData("sls deploy function -f api --stage prod")]
    [InlineData("sls rollback -t 1700000000 --stage prod")]
    [InlineData("sls invoke -f api --stage prod")]
    public void Production_changes_need_two_approvers(string command) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, "stage `prod`");

    [Theory]
    [InlineData("sls deploy")]
    [InlineData("serverless deploy -s staging -v")]
    public void Deploys_outside_production_are_allowed(string command) => AllowedChange(command);

    [Theory]
    [InlineData("sls package --stage prod")]
    [InlineData("sls print --stage prod")]
    [InlineData("sls info --stage prod")]
    [InlineData("sls invoke local -f hello")]
    [InlineData("sls logs -f hello --stage prod")]
    [InlineData("sls deploy list --stage prod")]
    [InlineData("sls remove --help")]
    public void Read_only_forms_have_no_effects(string command) => NoEffects(command);
}
