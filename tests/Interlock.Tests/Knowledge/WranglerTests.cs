using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Wrangler's D1 commands run SQL (issue 19, item 3): classified like any SQL client, local unless --remote.</summary>
public sealed class WranglerTests
{
    [Theory]
    [InlineData("wrangler d1 execute shop --command \"DROP TABLE users\"")]
    [InlineData("wrangler d1 execute shop --command \"DELETE FROM orders\"")]
    [InlineData("npx wrangler d1 execute shop --remote --command \"TRUNCATE orders\"")]
    public void Wipes_ask(string command) => EffectAssertions.WipeAsks(command);

    [Theory]
    [InlineData("wrangler d1 execute shop-prod --remote --command \"DROP TABLE users\"")]
    [InlineData("wrangler d1 execute shop --remote --env production --command \"DELETE FROM users\"")]
    public void In_production_they_need_two_approvers(string command) => EffectAssertions.ProductionAsksTwo(command);

    [Theory]
    [InlineData("wrangler d1 execute shop --command \"SELECT count(*) FROM users\"")]
    [InlineData("wrangler d1 list")]
    [InlineData("wrangler dev")]
    [InlineData("wrangler d1 execute shop --remote --command \"SELECT 1\"")]
    public void Reads_and_other_commands_pass(string command) => EffectAssertions.Allows(command);

    [Fact]
    public void The_local_copy_is_development_and_says_so()
    {
        var e = EffectAssertions.Single("wrangler d1 execute shop-prod --command \"DROP TABLE users\"", EffectKind.DestroyData);
        Assert.Equal(TargetEnvironment.Development, e.Environment);
        Assert.Contains("no --remote", e.EnvironmentEvidence);
    }

    [Fact]
    public void Sql_from_a_file_is_read()
    {
        var world = new TestWorld().WithFile(TestWorld.Project + "/wipe.sql", "DROP TABLE users;");
        var d = new Engine().Evaluate(new ActionRequest("Bash", "wrangler d1 execute shop --remote --file wipe.sql", TestWorld.Project), world);
        Assert.Equal("data.destroy", d.RuleId);
        world = new TestWorld().WithFile(TestWorld.Project + "/read.sql", "SELECT 1;");
        Assert.Equal(Verdict.Allow, new Engine().Evaluate(new ActionRequest("Bash", "wrangler d1 execute shop --remote --file read.sql", TestWorld.Project), world).Verdict);
    }
}
