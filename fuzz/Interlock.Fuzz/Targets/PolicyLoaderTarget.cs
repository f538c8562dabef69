using System.Text;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;

namespace Interlock.Fuzz.Targets;

/// <summary>The policy loader on arbitrary YAML: <see cref="PolicyParser.Parse"/> must return a file with diagnostics
/// or a policy, never throw; a file without errors must merge, compile, and decide its own tests and a few fixed
/// actions without an internal error (a policy that loads but breaks the engine would fail every hook call).</summary>
/// <remarks>The first byte selects the layer (system, user, project: the project layer has the "only tighten"
/// checks); the rest is the file's text.</remarks>
public sealed class PolicyLoaderTarget : IFuzzTarget
{
    private static readonly PolicyLayer[] Layers = [PolicyLayer.System, PolicyLayer.User, PolicyLayer.Project];
    private const string Cwd = "/home/dev/project";

    public string Name => "policy-loader";
    public string Description => "PolicyParser.Parse on the input after its first byte (which selects the layer), then merge, compile and evaluate";

    public IEnumerable<string> Seeds(SeedSources sources)
    {
        yield return "\u0001" + StarterPolicy.Text;
        foreach (var example in sources.PolicyExamples()) yield return "\u0001" + example;
        yield return "\u0002version: 1\nrules:\n  - id: p.x\n    match: { effect: delete-files, path: \"**/*.py\" }\n    verdict: allow\n";
        yield return "\u0000version: 1\ncommands:\n  - id: c.deploy\n    executable: ./deploy.sh\n    args: { any_of: [--prod, \"-e=prod*\"] }\n    effect: deploy\n    environment_from: \"$1\"\n    amount_from: --count\n    verdict: ask\n";
        yield return "\u0001version: 1\nsettings:\n  edit_thresholds: { min_lines: 3, removed_fraction: 0.5 }\n  protected_paths: [\"~/.ssh/**\"]\n  fail_closed: deny\n";
        yield return "\u0001a: &x [*x]\n";
        yield return "\u0001version: 1\n---\nversion: 2\n";
        yield return "\u0001{version: 1, rules: [{id: a, verdict: deny, match: {tool: \"mcp__*\"}}]}";
    }

    public void Run(byte[] input)
    {
        if (input.Length == 0) return;
        var file = PolicyParser.Parse(Encoding.UTF8.GetString(input, 1, input.Length - 1), "/fuzz/policy.yaml", Layers[input[0] % Layers.Length]);
        foreach (var d in file.Diagnostics)
            if (string.IsNullOrWhiteSpace(d.Message)) throw new FuzzFinding("a diagnostic without a message at " + d.Location);
        if (file.HasErrors) return;
        var (set, diagnostics) = PolicyMerger.Merge([file]);
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return;
        var engine = new Engine(CompiledPolicy.Compile(set));
        var world = new FuzzWorld();
        foreach (var r in PolicyTestRunner.Run(engine, set.Tests.Take(20), world, Cwd))
            EngineTarget.Check(r.Decision);
        foreach (var command in (string[])["rm -rf ~", "git push --force origin main", "kubectl --context prod delete ns x", "ls"])
            EngineTarget.Check(engine.Evaluate(new ActionRequest("Bash", command, Cwd), world));
        EngineTarget.Check(engine.Evaluate(new ActionRequest("Write", null, Cwd) { File = new FileAction(FileToolKind.Write, "src/app.py") { Content = "" } }, world));
        EngineTarget.Check(engine.Evaluate(new ActionRequest("mcp__db__query", null, Cwd) { ToolArguments = "{\"sql\":\"DELETE FROM users\"}" }, world));
    }
}
