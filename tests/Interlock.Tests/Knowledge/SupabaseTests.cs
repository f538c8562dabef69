using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>`supabase db reset` (issue 19, item 3): the local stack by default, the linked project with --linked, a server with --db-url.</summary>
public sealed class SupabaseTests
{
    [Theory]
    [InlineData("supabase db reset")]
    [InlineData("npx supabase db reset --linked")]
    [InlineData("supabase db reset --db-url postgres://postgres@db.example.com:5432/postgres")]
    public void Wipes_ask(string command) => EffectAssertions.WipeAsks(command);

    [Theory]
    [InlineData("supabase db reset --db-url postgres://postgres@db.prod.example.com/postgres")]
    public void In_production_they_need_two_approvers(string command) => EffectAssertions.ProductionAsksTwo(command);

    [Theory]
    [InlineData("supabase db diff")]
    [InlineData("supabase start")]
    [InlineData("supabase db reset --help")]
    [InlineData("supabase status")]
    public void Reads_and_other_commands_pass(string command) => EffectAssertions.Allows(command);

    [Fact]
    public void The_linked_project_ref_is_read_for_the_environment()
    {
        var world = new TestWorld().WithFile(TestWorld.Project + "/supabase/.temp/project-ref", "shop-prod-abcd\n");
        var d = new Engine().Evaluate(new ActionRequest("Bash", "supabase db reset --linked", TestWorld.Project), world);
        Assert.Equal(2, d.RequiredApprovals);
        Assert.Contains("supabase/.temp/project-ref", d.Effects.Single(e => e.Kind == EffectKind.DestroyData).EnvironmentEvidence);
        // The local stack is development.
        Assert.Equal(TargetEnvironment.Development, EffectAssertions.Single("supabase db reset", EffectKind.DestroyData).Environment);
    }
}
