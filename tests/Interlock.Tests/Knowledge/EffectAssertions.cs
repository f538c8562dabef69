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

    public static void None(string command, string cwd = TestWorld.Project)
    {
        var d = TestWorld.Check(command, cwd);
        Assert.True(d.Verdict == Verdict.Allow, $"`{command}` should be allowed but got {d.Verdict}: {d.Reason}");
    }
}

public sealed class KnowledgeCatalogTests
{
    [Fact]
    public void Each_executable_is_owned_by_exactly_one_knowledge_file()
    {
        var owners = Interlock.Core.Knowledge.KnowledgeCatalog.All()
            .SelectMany(k => k.Executables.Select(e => (Executable: e, Owner: k.GetType().Name)))
            .GroupBy(x => x.Executable)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(x => x.Owner))}")
            .ToList();
        Assert.True(owners.Count == 0, "executables claimed twice (one would silently replace the other): " + string.Join("; ", owners));
    }
}
