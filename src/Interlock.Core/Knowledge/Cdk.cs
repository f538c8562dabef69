namespace Interlock.Core.Knowledge;

/// <summary>AWS CDK: destroy and deploy of CloudFormation stacks. diff, synth and ls are read-only.</summary>
public sealed class Cdk : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["cdk", "cdk8s-cli"];

    private static readonly HashSet<string> Valued =
    [
        "--profile", "-a", "--app", "-c", "--context", "-r", "--role-arn", "-o", "--output", "--toolkit-stack-name", "--require-approval",
        "-m", "--method", "--concurrency", "--parameters", "-O", "--outputs-file", "--change-set-name", "-p", "--plugin", "--ca-bundle-path",
        "--unstable", "-E", "--build-exclude", "-t", "--tags", "--progress", "--build", "--proxy", "--action", "--asset-parallelism",
        "--rollback-buffer-days", "--created-buffer-days", "--type", "--resource-mapping", "--record-resource-mapping", "--language",
        "--bootstrap-bucket-name", "-b", "--bootstrap-kms-key-id", "--qualifier", "--trust", "--cloudformation-execution-policies",
        "--custom-permissions-boundary", "--termination-protection", "--public-access-block-configuration", "--stack-name", "--from-path",
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (inv.Name == "cdk8s-cli") return; // cdk8s only synthesises manifests
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "--version")) return;
        var words = CloudArgs.Operands(args, Valued.Contains);
        if (words.Count == 0) return;
        if (CloudArgs.IsUnknownSubcommand(words[0], "cdk", "destroy", inv, effects)) return;
        var sub = words[0].Text;
        var stacks = words.Skip(1).ToList();
        var all = CloudArgs.Has(args, "--all");
        var hints = new List<(string, string?)> { ("AWS profile", CloudArgs.Value(args, "--profile")?.Text) };
        hints.AddRange(stacks.Select(s => ("stack", (string?)s.Text)));
        hints.AddRange(CloudArgs.Values(args, "-c", "--context").Select(v => ("context", (string?)v.Text)));
        hints.AddRange(CloudArgs.Values(args, "--parameters").Select(v => ("parameter", (string?)v.Text)));
        var env = CloudArgs.Environment(ctx, hints);
        var which = stacks.Count > 0 ? $"stack{(stacks.Count > 1 ? "s" : "")} {CloudArgs.List(stacks)}" : all ? "every stack in the app" : "the app's stack";
        var target = stacks.Count > 0 ? CloudArgs.List(stacks) : all ? "all stacks" : "the app's stack";

        switch (sub)
        {
            case "destroy":
                var force = CloudArgs.Has(args, "-f", "--force");
                CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, target,
                    $"`cdk destroy` deletes {which} and every resource in {(stacks.Count > 1 || all ? "them" : "it")} that is not retained" +
                    (force ? ", without asking for confirmation (--force)" : ""), inv, env, recursive: true, detail: force ? "auto-approve" : null);
                break;
            case "deploy":
                if (CloudArgs.Values(args, "-m", "--method").Any(v => v.Text == "prepare-change-set") || CloudArgs.Has(args, "--no-execute") ||
                    CloudArgs.Values(args, "--execute").Any(v => v.Text == "false"))
                    return; // only creates a change set for review
                var approvalOff = CloudArgs.Values(args, "--require-approval").Any(v => v.Text == "never");
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target,
                    $"`cdk deploy` creates, changes or deletes resources in {which}{(CloudArgs.Has(args, "--hotswap", "--hotswap-fallback") ? " (hotswapping resources in place, bypassing CloudFormation)" : "")}" +
                    (approvalOff ? ", without asking to approve security changes (--require-approval never)" : ""), inv, env);
                break;
            case "watch":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`cdk watch` deploys every code change to {which} as it happens", inv, env);
                break;
            case "bootstrap":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, "CDKToolkit", "`cdk bootstrap` creates or updates the CDK toolkit stack in the account", inv, env);
                break;
            case "import" or "migrate" or "rollback":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`cdk {sub}` changes {which}", inv, env);
                break;
            case "refactor":
                if (CloudArgs.Has(args, "--dry-run")) return;
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`cdk refactor` moves resources between stacks in {which}", inv, env);
                break;
            case "gc":
                var action = CloudArgs.Value(args, "--action")?.Text;
                if (action is "print") return;
                CloudArgs.Add(effects, EffectKind.DestroyData, "bootstrap assets",
                    $"`cdk gc` deletes assets (files in the staging bucket, images in the ECR repository) that no deployed stack references{(action is "tag" ? " after tagging them" : "")}", inv, env, recursive: true);
                break;
        }
    }
}
