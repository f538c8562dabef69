namespace Interlock.Core.Knowledge;

/// <summary>Serverless Framework: <c>serverless remove</c> deletes the service's stack; deploys change it.</summary>
public sealed class Serverless : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["serverless", "sls", "osls"];

    private static readonly HashSet<string> Valued =
    [
        "-s", "--stage", "-r", "--region", "--aws-profile", "--profile", "-c", "--config", "--param", "--app", "--org", "-f", "--function",
        "-t", "--type", "-d", "--data", "-p", "--path", "--timestamp", "-n", "--name", "--template", "--template-url", "--template-path",
        "--startTime", "--endTime", "--interval", "--filter", "--package", "--update-config", "--context", "--contextPath",
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var tool = inv.Name ?? "serverless";
        if (CloudArgs.Has(args, "--help", "-h", "--version")) return;
        var words = CloudArgs.Operands(args, Valued.Contains);
        if (words.Count == 0) return;
        if (CloudArgs.IsUnknownSubcommand(words[0], tool, "remove", inv, effects)) return;
        var sub = words[0].Text;
        var stageArg = CloudArgs.Value(args, "-s", "--stage");
        var hints = new List<(string, string?)>
        {
            ("stage", stageArg?.Text), ("AWS profile", CloudArgs.Value(args, "--aws-profile", "--profile")?.Text),
            ("config", CloudArgs.Value(args, "-c", "--config")?.Text), ("directory", CloudArgs.DirectoryHint(ctx, inv, null)),
        };
        hints.AddRange(CloudArgs.Values(args, "--param").Select(v => ("parameter", (string?)v.Text)));
        var env = CloudArgs.Environment(ctx, hints);
        var stage = stageArg is not null ? $"stage `{CloudArgs.Show(stageArg)}`" : "the default stage (dev unless serverless.yml says otherwise)";
        var target = $"service stack ({(stageArg is not null ? "stage " + stageArg.Text : "default stage")})";

        switch (sub)
        {
            case "remove":
                CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, target,
                    $"`{tool} remove` deletes the service's CloudFormation stack in {stage}: every function, API, table and bucket it created that is not retained", inv, env, recursive: true);
                break;
            case "deploy":
                if (words.Count > 1 && words[1].Text == "list") return;
                var function = CloudArgs.Value(args, "-f", "--function");
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target,
                    function is not null || (words.Count > 1 && words[1].Text == "function")
                        ? $"`{tool} deploy function` replaces the code of function `{function?.Text ?? "?"}` in {stage}"
                        : $"`{tool} deploy` creates, changes or deletes the service's resources in {stage}", inv, env);
                break;
            case "rollback":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`{tool} rollback` rolls the service in {stage} back to an earlier deployment", inv, env);
                break;
            case "invoke":
                if (words.Count > 1 && words[1].Text == "local") return;
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target,
                    $"`{tool} invoke` runs the deployed function `{CloudArgs.Value(args, "-f", "--function")?.Text ?? "?"}` in {stage}", inv, env);
                break;
        }
    }
}
