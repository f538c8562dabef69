namespace Interlock.Core.Knowledge;

/// <summary>AWS SAM CLI: <c>sam delete</c> removes a stack; <c>sam deploy</c> and <c>sam sync</c> change one.</summary>
public sealed class Sam : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["sam"];

    private static readonly HashSet<string> Valued =
    [
        "--stack-name", "--profile", "--region", "--config-env", "--config-file", "--s3-bucket", "--s3-prefix", "--parameter-overrides",
        "-t", "--template", "--template-file", "--capabilities", "--tags", "--role-arn", "--kms-key-id", "--image-repository",
        "--image-repositories", "--signing-profiles", "--notification-arns", "--resource-id", "--resource", "--base-dir", "-s",
        "--beta-features", "--event", "-e", "--event-file", "--output", "--parameter",
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "--version")) return;
        var words = CloudArgs.Operands(args, Valued.Contains);
        if (words.Count == 0) return;
        if (CloudArgs.IsUnknownSubcommand(words[0], "sam", "delete", inv, effects)) return;
        var sub = words[0].Text;
        var stackArg = CloudArgs.Value(args, "--stack-name");
        var hints = new List<(string, string?)>
        {
            ("stack", stackArg?.Text), ("AWS profile", CloudArgs.Value(args, "--profile")?.Text), ("SAM config env", CloudArgs.Value(args, "--config-env")?.Text),
        };
        hints.AddRange(CloudArgs.Values(args, "--parameter-overrides").Select(v => ("parameter", (string?)v.Text)));
        var env = CloudArgs.Environment(ctx, hints);
        var stack = stackArg is not null ? $"stack `{CloudArgs.Show(stackArg)}`" : "the stack named in samconfig.toml";
        var target = stackArg?.Text ?? "samconfig stack";

        switch (sub)
        {
            case "delete":
                var noPrompts = CloudArgs.Has(args, "--no-prompts");
                CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, target,
                    $"`sam delete` deletes {stack}, every resource in it and its deployment artifacts{(noPrompts ? ", without asking for confirmation (--no-prompts)" : "")}",
                    inv, env, recursive: true, detail: noPrompts ? "auto-approve" : null);
                break;
            case "deploy":
                if (CloudArgs.Has(args, "--no-execute-changeset")) return;
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target,
                    $"`sam deploy` creates, changes or deletes resources in {stack}", inv, env);
                break;
            case "sync":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target,
                    $"`sam sync` deploys local changes straight to {stack}{(CloudArgs.Has(args, "--watch") ? " as they happen" : "")}", inv, env);
                break;
            case "remote" when words.Count > 1 && words[1].Text == "invoke":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`sam remote invoke` runs a deployed function of {stack}", inv, env);
                break;
            case "publish":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, "`sam publish` publishes the application to the Serverless Application Repository", inv, env);
                break;
            case "pipeline" when words.Count > 1 && words[1].Text == "bootstrap":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, "`sam pipeline bootstrap` creates pipeline resources (roles, buckets) in the account", inv, env);
                break;
        }
    }
}
