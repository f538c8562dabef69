using System.Diagnostics;
using System.Text;
using Interlock.Core.Policy;
using Interlock.Policy;

namespace Interlock.Bench;

/// <summary>A realistic large policy: 100 rules (path, executable, environment, target, branch, repository, agent and
/// amount conditions, some shadow), 20 overrides, 10 custom command rules, protected paths and production names.</summary>
internal static class RealisticPolicy
{
    public static string Yaml()
    {
        var sb = new StringBuilder("version: 1\nsettings:\n  production_names: { add: [prd1, blue, green] }\n  protected_paths: [\"services/*/db/migrations/**\", infra/prod/**, ~/.aws/**]\nrules:\n");
        string[] effects = ["delete-path", "destroy-data", "destroy-infrastructure", "delete-cluster-resources", "change-infrastructure", "force-push-remote", "rewrite-file", "disrupt-system"];
        string[] tools = ["kubectl", "terraform", "helm", "aws", "gcloud", "psql", "mysql", "redis-cli", "docker", "git"];
        for (var i = 0; i < 100; i++)
        {
            sb.Append($"  - id: team.rule-{i}\n    match:\n      effect: {effects[i % effects.Length]}\n");
            switch (i % 6)
            {
                case 0: sb.Append($"      path: \"services/svc{i}/**\"\n"); break;
                case 1: sb.Append($"      executable: {tools[i % tools.Length]}\n      environment: production\n"); break;
                case 2: sb.Append($"      target: \"team{i}-*\"\n"); break;
                case 3: sb.Append($"      branch: \"release/{i}.*\"\n"); break;
                case 4: sb.Append($"      repository: \"payments-{i}\"\n      agent: codex\n"); break;
                default: sb.Append($"      amount: \">= {100 + i}\"\n      tool: Write\n"); break;
            }
            sb.Append($"    verdict: {(i % 3 == 0 ? "deny" : "ask")}\n    message: rule {i} of the team policy\n");
            if (i % 3 != 0) sb.Append("    approval: { approvers: 2, group: sre, expiry: 30m }\n");
            if (i % 10 == 9) sb.Append("    mode: shadow\n");
        }
        sb.Append("overrides:\n");
        string[] ids = ["git.discard-changes", "git.clean", "git.stash-drop", "git.force-push", "git.rewrite-history", "fs.delete-source-tree", "fs.delete-project",
            "fs.delete-outside-project", "data.destroy", "data.destroy.production", "infra.destroy", "infra.destroy.production", "cluster.delete", "cluster.delete.production",
            "production.change", "system.disrupt", "publish.delete", "edit.replace-file", "edit.remove-most", "secrets.read"];
        foreach (var id in ids) sb.Append($"  {id}: {{ approval: {{ approvers: 2, group: platform }} }}\n");
        sb.Append("commands:\n");
        for (var i = 0; i < 10; i++)
            sb.Append($"  - id: ourctl{i}.wipe\n    executable: ourctl{i}\n    subcommand: wipe\n    args: {{ none_of: [--dry-run] }}\n    effect: destroy-data\n    environment_from: --env\n");
        return sb.ToString();
    }

    public static CompiledPolicy Compile()
    {
        var yaml = Yaml();
        var start = Stopwatch.GetTimestamp();
        var file = PolicyParser.Parse(yaml, "bench.yaml", PolicyLayer.User);
        if (file.HasErrors) throw new InvalidOperationException(string.Join("\n", file.Diagnostics));
        var parsed = Stopwatch.GetElapsedTime(start);
        var (set, _) = PolicyMerger.Merge([file]);
        var policy = CompiledPolicy.Compile(set);
        Console.WriteLine($"parse {parsed.TotalMilliseconds:F2} ms, parse+merge+compile {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F2} ms ({Encoding.UTF8.GetByteCount(yaml)} bytes of YAML; first call, JIT included)");
        return policy;
    }
}
