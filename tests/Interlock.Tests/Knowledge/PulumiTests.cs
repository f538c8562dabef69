using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.CloudChecks;

namespace Interlock.Tests.Knowledge;

public sealed class PulumiTests
{
    [Theory]
    [InlineData("pulumi destroy")]
    [InlineData("pulumi destroy --yes")]
    [InlineData("pulumi destroy -y -s dev")]
    [InlineData("pulumi stack rm dev")]
    [InlineData("pulumi stack rm --force --yes")]
    [InlineData("pulumi up --replace urn:pulumi:dev::app::aws:s3/bucket:Bucket::b")]
    public void Destructive_forms_ask(string command) => Asks(command, EffectKind.DestroyInfrastructure);

    [Theory]
    [InlineData("pulumi destroy --stack prod --yes", "stack `prod`")]
    [InlineData("pulumi destroy -s acme/api/production -y", "stack `acme/api/production`")]
    [InlineData("pulumi stack rm prod --yes", "stack `prod`")]
    [InlineData("pulumi -C infra/prod destroy", "directory `infra/prod`")]
    public void Production_destroys_need_two_approvers(string command, string evidence) =>
        AsksInProduction(command, EffectKind.DestroyInfrastructure, evidence);

    [Theory]
    [InlineData("pulumi up --yes -s prod")]
    [InlineData("pulumi up -y --stack=org/app/prod")]
    [InlineData("pulumi refresh -s prod --yes")]
    [InlineData("pulumi state delete urn:x -s prod")]
    [InlineData("pulumi cancel --stack prod")]
    public void Production_changes_need_two_approvers(string command) =>
        AsksInProduction(command, EffectKind.ChangeInfrastructure, "prod");

    [Theory]
    [InlineData("pulumi up --yes")]
    [InlineData("pulumi up --skip-preview -s staging")]
    [InlineData("pulumi refresh --yes")]
    [InlineData("pulumi state delete urn:x")]
    public void Changes_outside_production_are_allowed(string command) => AllowedChange(command);

    [Theory]
    [InlineData("pulumi preview")]
    [InlineData("pulumi preview -s prod --diff")]
    [InlineData("pulumi stack ls")]
    [InlineData("pulumi stack select prod")]
    [InlineData("pulumi stack output")]
    [InlineData("pulumi config set x 1")]
    [InlineData("pulumi destroy --preview-only")]
    [InlineData("pulumi refresh --preview-only -s prod")]
    [InlineData("pulumi whoami")]
    [InlineData("pulumi destroy --help")]
    public void Read_only_forms_have_no_effects(string command) => NoEffects(command);

    [Fact]
    public void State_delete_says_the_resource_keeps_running()
    {
        var e = AllowedChange("pulumi state delete urn:pulumi:dev::a::b::c");
        Assert.Contains("forget", e.Description);
    }

    [Fact]
    public void Stack_rm_force_is_explained()
    {
        var e = Asks("pulumi stack rm dev --force", EffectKind.DestroyInfrastructure);
        Assert.Contains("--force", e.Description);
        Assert.Contains("stack `dev`", e.Description);
    }
}
