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
