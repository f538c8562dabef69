using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Assertions shared by the cloud and infrastructure-as-code knowledge tests.</summary>
internal static class CloudChecks
{
    /// <summary>The command produces no effect at all (read-only, dry run, help).</summary>
    public static void NoEffects(string command)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Effects.Count == 0, $"{command}: expected no effects, got {string.Join("; ", d.Effects.Select(e => $"{e.Kind}: {e.Description}"))}");
        Assert.Equal(Verdict.Allow, d.Verdict);
    }

    /// <summary>The command has an effect of <paramref name="kind"/>; returns it with the decision.</summary>
    public static (Decision Decision, Effect Effect) Has(string command, EffectKind kind)
    {
        var d = TestWorld.Check(command);
        var e = d.Effects.FirstOrDefault(x => x.Kind == kind);
        Assert.True(e is not null, $"{command}: expected a {kind} effect, got {string.Join("; ", d.Effects.Select(x => $"{x.Kind}: {x.Description}"))}");
        return (d, e!);
    }

    /// <summary>Destructive outside production: ask, one approver, environment not production.</summary>
    public static Effect Asks(string command, EffectKind kind)
    {
        var (d, e) = Has(command, kind);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(1, d.RequiredApprovals);
        Assert.NotEqual(TargetEnvironment.Production, e.Environment);
        return e;
    }

    /// <summary>In production: ask with two approvers, and the evidence names the production hint.</summary>
    public static Effect AsksInProduction(string command, EffectKind kind, string evidence)
    {
        var (d, e) = Has(command, kind);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        Assert.Equal(TargetEnvironment.Production, e.Environment);
        Assert.Contains(evidence, e.EnvironmentEvidence);
        return e;
    }

    /// <summary>A change outside production: the effect is there, but it is allowed.</summary>
    public static Effect AllowedChange(string command)
    {
        var (d, e) = Has(command, EffectKind.ChangeInfrastructure);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.NotEqual(TargetEnvironment.Production, e.Environment);
        return e;
    }
}
