using Xunit;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;

namespace Interlock.Tests.Policy;

/// <summary>Builds layered policies from YAML text (no files) and decides actions with them in the fixed test world.</summary>
internal static class P
{
    public static (CompiledPolicy Policy, List<PolicyDiagnostic> Diagnostics) Build(params (PolicyLayer Layer, string Yaml)[] layers)
    {
        var files = layers.Select(l => PolicyParser.Parse(l.Yaml, l.Layer.ToString().ToLowerInvariant() + ".yaml", l.Layer)).ToList();
        var (set, diagnostics) = PolicyMerger.Merge(files);
        return (CompiledPolicy.Compile(set), diagnostics);
    }

    /// <summary>A policy that must have no errors.</summary>
    public static CompiledPolicy Valid(params (PolicyLayer Layer, string Yaml)[] layers)
    {
        var (policy, diagnostics) = Build(layers);
        var errors = diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return policy;
    }

    public static CompiledPolicy User(string yaml) => Valid((PolicyLayer.User, yaml));

    public static Decision Check(CompiledPolicy policy, string command, string cwd = TestWorld.Project, IWorldView? world = null) =>
        new Engine(policy).Evaluate(new ActionRequest("Bash", command, cwd), world ?? new TestWorld());

    public static Decision Evaluate(CompiledPolicy policy, ActionRequest request, IWorldView? world = null) =>
        new Engine(policy).Evaluate(request, world ?? new TestWorld());

    public static List<PolicyDiagnostic> Errors(string yaml, PolicyLayer layer = PolicyLayer.User) =>
        PolicyParser.Parse(yaml, "p.yaml", layer).Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
}
