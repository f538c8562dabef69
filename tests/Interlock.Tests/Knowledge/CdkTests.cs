using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class CdkTests
{
    [Theory]
    [InlineData("cdk destroy")]
    [InlineData("cdk destroy --force")]
    [InlineData("cdk destroy --all -f")]
    [InlineData("cdk destroy DevStack")]
    public void Destroy_asks(string command) => Asks(command, EffectKind.DestroyInfrastructure);

    [Theory]
    [InlineData("cdk destroy ProdStack", "stack `ProdStack`")]
    [InlineData("cdk destroy MyApp-Prod --force", "stack `MyApp-Prod`")]
    [InlineData("cdk destroy --all --profile production", "AWS profile `production`")]
    [InlineData("cdk destroy -c stage=prod", "context `stage=prod`")]
    public void Production_destroys_need_two_approvers(string command, string evidence) =>
        AsksInProduction(command, EffectKind.DestroyInfrastructure, evidence);

    [Fact]
    public void Force_is_stated()
    {
        var e = Asks("cdk destroy --force", EffectKind.DestroyInfrastructure);
        Assert.Contains("--force", e.Description);
    }

    [Fact]
    public void Product_names_are_not_production()
    {
        var e = Asks("cdk destroy ProductCatalogStack", EffectKind.DestroyInfrastructure);
        Assert.NotEqual(TargetEnvironment.Production, e.Environment);
    }

    [Theory]
    [InlineData("cdk deploy --profile production")]
    [InlineData("cdk deploy ProdApiStack --require-approval never")]
    [InlineData("cdk watch --profile prod")]
    public void Production_deploys_need_two_approvers(string command) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, "prod");

    [Theory]
    [InlineData("cdk deploy")]
    [InlineData("cdk deploy DevStack --hotswap")]
    [InlineData("cdk bootstrap")]
    public void Deploys_outside_production_are_allowed(string command) => AllowedChange(command);

    [Theory]
    [InlineData("cdk diff")]
    [InlineData("cdk diff ProdStack")]
    [InlineData("cdk synth --profile prod")]
    [InlineData("cdk ls")]
    [InlineData("cdk list --long")]
    [InlineData("cdk doctor")]
    [InlineData("cdk deploy ProdStack --method=prepare-change-set")]
    [InlineData("cdk gc --unstable=gc --action=print")]
    [InlineData("cdk destroy --help")]
    public void Read_only_forms_have_no_effects(string command) => NoEffects(command);

    [Fact]
    public void Gc_deletes_assets() => Asks("cdk gc --unstable=gc", EffectKind.DestroyData);
}
