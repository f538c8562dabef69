using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class SamTests
{
    [Fact]
    public void Delete_asks_and_names_the_stack()
    {
        var e = Asks("sam delete --stack-name my-app --no-prompts", EffectKind.DestroyInfrastructure);
        Assert.Contains("stack `my-app`", e.Description);
        Assert.Contains("--no-prompts", e.Description);
    }

    [Theory]
    [InlineData("sam delete --stack-name api-prod", "stack `api-prod`")]
    [InlineData("sam delete --config-env production", "SAM config env `production`")]
    [InlineData("sam delete --stack-name api --profile prod", "AWS profile `prod`")]
    public void Production_deletes_need_two_approvers(string command, string evidence) =>
        AsksInProduction(command, EffectKind.DestroyInfrastructure, evidence);

    [Theory]
    [InlineData("sam deploy --stack-name api-prod")]
    [InlineData("sam deploy --config-env prod")]
    [InlineData("sam sync --stack-name api-prod --watch")]
    public void Production_deploys_need_two_approvers(string command) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, "prod");

    [Theory]
    [InlineData("sam deploy")]
    [InlineData("sam deploy --guided")]
    [InlineData("sam sync --stack-name api-dev")]
    public void Deploys_outside_production_are_allowed(string command) => AllowedChange(command);

    [Theory]
    [InlineData("sam build")]
    [InlineData("sam validate --lint")]
    [InlineData("sam local invoke Fn")]
    [InlineData("sam logs -n Fn --stack-name api-prod")]
    [InlineData("sam deploy --stack-name api-prod --no-execute-changeset")]
    [InlineData("sam delete --help")]
    public void Read_only_forms_have_no_effects(string command) => NoEffects(command);
}
