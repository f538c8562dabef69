using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

internal static class EffectAssertions
{
    public static Effect Single(string command, EffectKind kind, string cwd = TestWorld.Project)
    {
        var d = TestWorld.Check(command, cwd);
        var matching = d.Effects.Where(e => e.Kind == kind).ToList();
        Assert.True(matching.Count == 1, $"expected one {kind} effect for `{command}`, got: {string.Join("; ", d.Effects.Select(e => $"{e.Kind} {e.Target}"))}");
        return matching[0];
    }

    /// <summary>A data wipe outside production: asks one approver, rule data.destroy.</summary>
    public static void WipeAsks(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("data.destroy", d.RuleId);
        Assert.Equal(1, d.RequiredApprovals);
    }

    /// <summary>In production: asks two approvers, by a `.production` rule or production.change.</summary>
    public static void ProductionAsksTwo(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.True(d.RuleId!.EndsWith(".production", StringComparison.Ordinal) || d.RuleId == "production.change", d.RuleId);
        Assert.Equal(2, d.RequiredApprovals);
    }

    public static void Allows(string command) => Assert.Equal(Verdict.Allow, TestWorld.Check(command).Verdict);

    public static void None(string command, string cwd = TestWorld.Project)
    {
        var d = TestWorld.Check(command, cwd);
        Assert.True(d.Verdict == Verdict.Allow, $"`{command}` should be allowed but got {d.Verdict}: {d.Reason}");
    }
}

public sealed class KnowledgeCatalogTests
{
    [Fact]
    public void Each_knowledge_file_is_listed_once()
    {
        var twice = Interlock.Core.Knowledge.KnowledgeCatalog.All().GroupBy(k => k.GetType().Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, "knowledge listed twice in the catalog (its effects would be reported twice): " + string.Join(", ", twice));
    }

    [Fact]
    public void Every_file_that_knows_an_executable_runs()
    {
        // npm: Publishing and PackageScripts; python: Interpreters and Django.
        var engine = new Interlock.Core.Engine();
        Assert.Contains(engine.Evaluate(new ActionRequest("Bash", "npm unpublish pkg --force", TestWorld.Project), new TestWorld()).Effects, e => e.Kind == EffectKind.DeletePublished);
        var world = new TestWorld().WithFile(TestWorld.Project + "/package.json", "{\"scripts\":{\"reset\":\"rm -rf ~\"}}");
        Assert.Equal(Verdict.Deny, engine.Evaluate(new ActionRequest("Bash", "npm run reset", TestWorld.Project), world).Verdict);
        Assert.Contains(engine.Evaluate(new ActionRequest("Bash", "python3 manage.py flush --noinput", TestWorld.Project), new TestWorld()).Effects, e => e.Kind == EffectKind.DestroyData);
        Assert.Contains(engine.Evaluate(new ActionRequest("Bash", "python3 -c 'import shutil; shutil.rmtree(\"/\")'", TestWorld.Project), new TestWorld()).Effects, e => e.Kind == EffectKind.DeletePath);
    }
}
