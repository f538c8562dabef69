namespace Interlock.Core.Knowledge;

/// <summary>Pulumi: destroy, stack removal, updates, refreshes and state surgery. Preview and listing are read-only.</summary>
public sealed class Pulumi : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["pulumi"];

    /// <summary>pulumi takes PULUMI_ACCESS_TOKEN and provider credentials from its environment and prints none of them.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly HashSet<string> Valued =
    [
        "-C", "--cwd", "-s", "--stack", "--color", "-v", "--verbose", "--profiling", "--tracing", "--config-file", "-m", "--message",
        "-t", "--target", "--replace", "--exclude", "-c", "--config", "-p", "--parallel", "--secrets-provider", "--plan", "--policy-pack",
        "--policy-pack-config", "--exec-kind", "--exec-agent", "--client", "--import-file", "--from", "--out", "--file", "--stack-name",
        "--copy-config-from", "--teams", "--otel-traces",
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "--version")) return;
        var words = CloudArgs.Operands(args, Valued.Contains);
        if (words.Count == 0) return;
        if (CloudArgs.IsUnknownSubcommand(words[0], "pulumi", "destroy", inv, effects)) return;
        var sub = words[0].Text;
        var stackArg = CloudArgs.Value(args, "-s", "--stack");
        var cwd = CloudArgs.Value(args, "-C", "--cwd");
        var dirHint = CloudArgs.DirectoryHint(ctx, inv, cwd?.Text);
        var hints = new List<(string, string?)> { ("stack", stackArg?.Text), ("directory", dirHint) };
        var sourced = new List<Environments.EnvironmentHint>();
        if (stackArg is null && Environments.PulumiStack.Selected(ctx, inv, cwd?.Text) is { } selected) sourced.Add(selected);
        hints.AddRange(CloudArgs.Values(args, "--config-file").Select(v => ("config file", (string?)v.Text)));
        var stack = stackArg is not null ? $"stack `{CloudArgs.Show(stackArg)}`" : "the selected stack";
        var yes = CloudArgs.Has(args, "--yes", "-y", "-f", "--skip-preview");
        var noPrompt = yes ? ", without asking for confirmation" : "";
        var previewOnly = CloudArgs.Has(args, "--preview-only");
        var targets = CloudArgs.Values(args, "-t", "--target");
        var replaces = CloudArgs.Values(args, "--replace");
        hints.AddRange(targets.Concat(replaces).Select(v => ("resource", (string?)v.Text)));
        (TargetEnvironment, string?) Env() => CloudArgs.Environment(ctx, hints, sourced);

        switch (sub)
        {
            case "destroy":
                if (previewOnly) return;
                CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, targets.Count > 0 ? CloudArgs.List(targets) : stack,
                    (targets.Count > 0 ? $"`pulumi destroy` deletes {CloudArgs.List(targets)} in {stack}" : $"`pulumi destroy` deletes every resource in {stack}") +
                    (CloudArgs.Has(args, "--remove") ? " and then removes the stack itself" : "") + noPrompt, inv, Env(), recursive: targets.Count == 0);
                break;
            case "up" or "update":
                if (replaces.Count > 0)
                    CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, CloudArgs.List(replaces),
                        $"`pulumi {sub} --replace` destroys and recreates {CloudArgs.List(replaces)} in {stack}{noPrompt}; whatever lives in it is lost", inv, Env());
                else
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, stack,
                        $"`pulumi {sub}` creates, changes or deletes resources in {stack} to match the program{noPrompt}", inv, Env(), detail: yes ? "auto-approve" : null);
                break;
            case "refresh":
                if (previewOnly) return;
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, stack, $"`pulumi refresh` rewrites the state of {stack} to match the real resources{noPrompt}", inv, Env());
                break;
            case "watch":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, stack, $"`pulumi watch` deploys every program change to {stack} as it happens", inv, Env());
                break;
            case "import":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, stack, $"`pulumi import` adopts existing resources into {stack}", inv, Env());
                break;
            case "cancel":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, stack, $"`pulumi cancel` cancels the update running on {stack}, which may leave resources half-changed", inv, Env());
                break;
            case "stack":
            {
                var action = words.Count > 1 ? words[1].Text : null;
                var named = words.Count > 2 ? words[2] : null;
                if (named is not null) { hints.Add(("stack", named.Text)); stack = $"stack `{CloudArgs.Show(named)}`"; }
                switch (action)
                {
                    case "rm" or "remove":
                        var force = CloudArgs.Has(args, "--force", "-f");
                        CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, stack,
                            $"`pulumi stack rm` deletes {stack}, its configuration and its update history" +
                            (force ? " even if it still has resources, which are left running unmanaged (--force)" : "") + noPrompt, inv, Env());
                        break;
                    case "import":
                        CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, stack, $"`pulumi stack import` overwrites the state of {stack}", inv, Env());
                        break;
                    case "rename":
                        CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, stack, $"`pulumi stack rename` renames {stack}", inv, Env());
                        break;
                }
                break;
            }
            case "state":
            {
                var action = words.Count > 1 ? words[1].Text : null;
                var items = words.Skip(2).ToList();
                hints.AddRange(items.Select(a => ("resource", (string?)a.Text)));
                var what = items.Count > 0 ? CloudArgs.List(items) : "resources";
                var description = action switch
                {
                    "delete" => $"`pulumi state delete` makes Pulumi forget {what} in {stack}: the cloud resource keeps running unmanaged",
                    "unprotect" => $"`pulumi state unprotect` removes the protection that stops {what} in {stack} from being deleted",
                    "rename" => $"`pulumi state rename` renames {what} in the state of {stack}",
                    "move" => $"`pulumi state move` moves {what} from {stack} to another stack",
                    "edit" => $"`pulumi state edit` hand-edits the state of {stack}",
                    "repair" => $"`pulumi state repair` rewrites the state of {stack}",
                    "upgrade" => $"`pulumi state upgrade` upgrades the state format of {stack}",
                    _ => null,
                };
                if (description is not null)
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, items.Count > 0 ? what : stack, description, inv, Env());
                break;
            }
        }
    }
}
