namespace Interlock.Core.Knowledge;

/// <summary>Terraform, OpenTofu and Terragrunt: destroy, applies that destroy or replace, taint, state surgery,
/// workspace deletion. Plans, validation and other read-only subcommands produce no effects.</summary>
public sealed class Terraform : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["terraform", "tofu", "opentofu", "terragrunt"];

    /// <summary>terraform, tofu and terragrunt take provider credentials and TF_VAR_* from their environment; a variable not
    /// marked sensitive is shown in a plan, which is the configuration's own choice (as for a value written in a file).</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    // Terragrunt options that take a separate value (old and new spellings).
    private static readonly HashSet<string> TerragruntValued =
    [
        "--terragrunt-working-dir", "--working-dir", "--terragrunt-config", "--config", "--terragrunt-iam-role", "--iam-assume-role",
        "--terragrunt-source", "--source", "--terragrunt-log-level", "--log-level", "--terragrunt-download-dir", "--download-dir",
        "--terragrunt-parallelism", "--parallelism", "--terragrunt-include-dir", "--queue-include-dir", "--terragrunt-exclude-dir",
        "--queue-exclude-dir", "--terragrunt-tfpath", "--tf-path", "--log-format", "--filter",
    ];

    // Terraform subcommand options that take a separate value.
    private static readonly HashSet<string> TerraformValued =
    [
        "-var", "-var-file", "-target", "-replace", "-state", "-state-out", "-backup", "-lock-timeout", "-parallelism", "-out",
        "-generate-config-out", "-config", "-provider", "-exclude",
    ];

    /// <summary>Effect details the policy rules on: an apply nobody reviewed, and edits of the state itself.</summary>
    public const string UnreviewedApply = "unreviewed-apply", StateSurgery = "state-surgery";

    /// <summary>
    /// Who made the saved plan <paramref name="plan"/>, when it was <c>plan -destroy</c> (or <c>-destroy</c> through
    /// TF_CLI_ARGS): an earlier part of this command (<see cref="Analysis.WrittenFiles"/>), or an earlier action of this
    /// session (<see cref="IWorldView.WrittenInSession"/>, which records the command that wrote it). Null otherwise.
    /// </summary>
    private static string? DestroyPlan(KnowledgeContext ctx, Invocation inv, Arg plan, string? chdir)
    {
        if (!plan.Known) return null;
        foreach (var cwd in inv.Context.Cwds)
        {
            var dir = chdir is null ? cwd : Analysis.PathResolver.Combine(cwd, chdir);
            if (Analysis.PathResolver.Combine(dir, plan.Text) is not { } path) continue;
            var writer = inv.Context.Written.Lookup(path)?.Writer ?? ctx.World.WrittenInSession(path);
            if (writer is null) continue;
            var words = writer.Split([' ', '\t', '`', '\''], StringSplitOptions.RemoveEmptyEntries);
            if (words.Any(w => w is "plan") && words.Any(w => w is "-destroy" or "--destroy" || w.EndsWith("=-destroy", StringComparison.Ordinal)))
                return $"`{(writer.Length > 80 ? writer[..77] + "..." : writer.Trim('`'))}`";
        }
        return null;
    }

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var tool = inv.Name ?? "terraform";
        var grunt = tool == "terragrunt";
        string? chdir = null;
        var runAll = false;
        var i = 0;
        // Global options, then (terragrunt) `run-all` / `run [--all] [--]`, then the subcommand.
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t is "-help" or "-h" or "--help" or "-version" or "--version" or "-v") return;
            if (t.StartsWith("-chdir=", StringComparison.Ordinal)) { chdir = t["-chdir=".Length..]; i++; continue; }
            if (grunt && (t is "run-all" or "run" or "--" or "--all" || t == "--terragrunt-non-interactive" || t == "--non-interactive"))
            {
                if (t is "run-all" or "--all") runAll = true;
                i++;
                continue;
            }
            if (grunt && TerragruntValued.Contains(t))
            {
                if (t is "--terragrunt-working-dir" or "--working-dir" && i + 1 < args.Count) chdir = args[i + 1].Text;
                i += 2;
                continue;
            }
            if (t.StartsWith('-') && args[i].Known) { i++; continue; }
            break;
        }
        if (i >= args.Count) return;
        var subArg = args[i];
        if (CloudArgs.IsUnknownSubcommand(subArg, tool, "destroy", inv, effects)) return;
        var sub = subArg.Text;
        var rest = args.Skip(i + 1).ToList();
        // TF_CLI_ARGS and TF_CLI_ARGS_<subcommand> add arguments after the subcommand (from the command or the hook's
        // environment): `TF_CLI_ARGS_apply=-destroy terraform apply` is a destroy.
        var cliArgs = new List<string>();
        foreach (var name in new[] { "TF_CLI_ARGS", "TF_CLI_ARGS_" + sub })
        {
            var value = inv.Environment.TryGetValue(name, out var inline) ? inline : ctx.World.GetEnvironmentVariable(name);
            if (inv.Environment.ContainsKey(name) && inline is null)
            {
                EmbeddedCode.Indeterminate(inv, $"`{tool} {sub}` reads extra arguments from ${name}, which is set to a value that cannot be known in advance", effects);
                continue;
            }
            if (string.IsNullOrWhiteSpace(value)) continue;
            cliArgs.Add($"{name}={value}");
            rest.AddRange(value.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Select(Arg.Literal));
        }
        if (rest.Any(a => a.Text is "-help" or "-h" or "--help")) return;
        if (grunt)
        {
            chdir ??= CloudArgs.Value(rest, "--terragrunt-working-dir", "--working-dir")?.Text;
            runAll |= CloudArgs.Has(rest, "--all");
        }

        var operands = CloudArgs.Operands(rest, t => TerraformValued.Contains(t) || (grunt && TerragruntValued.Contains(t)));
        var targets = CloudArgs.Values(rest, "-target", "--target");
        var replaces = CloudArgs.Values(rest, "-replace", "--replace");
        var autoApprove = CloudArgs.Has(rest, "-auto-approve", "--auto-approve") ||
                          (grunt && CloudArgs.Has(args, "--terragrunt-non-interactive", "--non-interactive"));

        var dirHint = CloudArgs.DirectoryHint(ctx, inv, chdir);
        var where = chdir is not null ? $"`{chdir}`" : dirHint is not null ? $"`{dirHint}`" : "the current directory";
        var scope = runAll ? $"every module under {where}" : $"the configuration in {where}";
        var hints = new List<(string, string?)> { ("directory", dirHint), ("TF_WORKSPACE", inv.GetEnvironment("TF_WORKSPACE")) };
        // The workspace from where the tool looks ($TF_WORKSPACE, .terraform/environment), read only when an effect needs it.
        List<Environments.EnvironmentHint>? workspace = null;
        hints.AddRange(CloudArgs.Values(rest, "-var-file", "--var-file").Select(v => ("var file", (string?)v.Text)));
        hints.AddRange(CloudArgs.Values(rest, "-var", "--var").Select(v => ("variable", (string?)v.Text)));
        hints.AddRange(targets.Concat(replaces).Select(v => ("resource", (string?)v.Text)));
        hints.AddRange(CloudArgs.Values(rest, "-state", "-backend-config").Select(v => ("state", (string?)v.Text)));
        if (grunt) hints.AddRange(CloudArgs.Values(args, "--terragrunt-config", "--config").Select(v => ("terragrunt config", (string?)v.Text)));

        var noPrompt = (autoApprove ? ", without asking for confirmation (-auto-approve)" : "") + (cliArgs.Count > 0 ? $" (with {string.Join(", ", cliArgs.Select(a => "$" + a))})" : "");
        var command = $"`{tool}{(runAll ? " run-all" : "")} {sub}`";

        switch (sub)
        {
            case "destroy":
                Destroy();
                break;
            case "apply":
                if (CloudArgs.Has(rest, "-destroy", "--destroy")) { Destroy(); break; }
                if (replaces.Count > 0)
                {
                    var env = Env();
                    CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, CloudArgs.List(replaces),
                        $"{command} -replace destroys and recreates {CloudArgs.List(replaces)} in {scope}{noPrompt}; whatever lives in it (data, IP addresses) is lost", inv, env);
                    break;
                }
                {
                    var plan = operands.FirstOrDefault();
                    if (plan is not null && DestroyPlan(ctx, inv, plan, chdir) is { } madeBy)
                    {
                        // A saved plan that `plan -destroy` made deletes everything it covers when applied (no prompt).
                        CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, where,
                            $"{command} applies the saved plan `{CloudArgs.Show(plan)}`, which {madeBy} made: it deletes every resource managed by {scope}, without asking for confirmation", inv, Env(), recursive: true, detail: "auto-approve");
                        break;
                    }
                    var what = plan is not null
                        ? $"{command} applies the saved plan `{CloudArgs.Show(plan)}` (which may create, change or delete resources)"
                        : $"{command} creates, changes or deletes resources to match {scope}";
                    // -auto-approve without a saved plan applies changes nobody has seen (the plan is computed and applied at once).
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where, what + noPrompt, inv, Env(),
                        detail: autoApprove && plan is null ? UnreviewedApply : autoApprove ? "auto-approve" : null);
                }
                break;
            case "refresh":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where, $"{command} rewrites the Terraform state of {scope} to match the real infrastructure", inv, Env());
                break;
            case "taint":
            {
                var addr = operands.FirstOrDefault();
                var name = addr is null ? "a resource" : $"`{CloudArgs.Show(addr)}`";
                hints.Add(("resource", addr?.Text));
                CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, addr?.Text ?? where,
                    $"{command} marks {name} as tainted: the next apply destroys and recreates it (in {scope})", inv, Env());
                break;
            }
            case "untaint":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, operands.FirstOrDefault()?.Text ?? where,
                    $"{command} clears the taint on {(operands.Count > 0 ? $"`{CloudArgs.Show(operands[0])}`" : "a resource")} in {scope}", inv, Env());
                break;
            case "import":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, operands.FirstOrDefault()?.Text ?? where,
                    $"{command} adopts an existing resource{(operands.Count > 1 ? $" (`{CloudArgs.Show(operands[1])}`)" : "")} into the state of {scope}{(operands.Count > 0 ? $" as `{CloudArgs.Show(operands[0])}`" : "")}", inv, Env());
                break;
            case "force-unlock":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where,
                    $"{command} removes the state lock of {scope}; if another run still holds it, both may write the state and corrupt it", inv, Env(), detail: StateSurgery);
                break;
            case "state":
                State(operands);
                break;
            case "workspace" or "env":
                if (operands.FirstOrDefault()?.Text == "delete")
                {
                    var ws = operands.Skip(1).FirstOrDefault();
                    hints.Add(("workspace", ws?.Text));
                    var force = CloudArgs.Has(rest, "-force", "--force");
                    CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, $"workspace {ws?.Text ?? "(none given)"}",
                        $"`{tool} workspace delete` deletes workspace {(ws is null ? "(none given)" : $"`{CloudArgs.Show(ws)}`")} and its state{(force ? " even though it still tracks resources (-force)" : "")}: " +
                        "Terraform loses track of every resource in it, which keep running unmanaged", inv, Env());
                }
                break;
        }

        (TargetEnvironment, string?) Env() => CloudArgs.Environment(ctx, hints, workspace ??= Environments.TerraformWorkspace.Hints(ctx, inv, chdir, readDataDirectory: !grunt));

        void Destroy()
        {
            var env = Env();
            var what = targets.Count > 0
                ? $"{command} deletes {CloudArgs.List(targets)} and everything that depends on it, in {scope}"
                : $"{command} deletes every resource managed by {scope}";
            CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, targets.Count > 0 ? CloudArgs.List(targets) : where,
                what + noPrompt, inv, env, recursive: targets.Count == 0, detail: autoApprove ? "auto-approve" : null);
        }

        void State(List<Arg> ops)
        {
            var action = ops.FirstOrDefault()?.Text;
            var items = ops.Skip(1).ToList();
            hints.AddRange(items.Select(a => ("resource", (string?)a.Text)));
            switch (action)
            {
                case "rm":
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, items.Count > 0 ? CloudArgs.List(items) : where,
                        $"`{tool} state rm` makes Terraform forget {(items.Count > 0 ? CloudArgs.List(items) : "resources")} in {scope}: the real resources keep running unmanaged, and a later apply may create duplicates", inv, Env(), detail: StateSurgery);
                    break;
                case "mv":
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, items.Count > 0 ? CloudArgs.List(items) : where,
                        $"`{tool} state mv` renames {(items.Count > 0 ? $"`{CloudArgs.Show(items[0])}`" : "a resource")}{(items.Count > 1 ? $" to `{CloudArgs.Show(items[1])}`" : "")} in the state of {scope}; a wrong address makes the next apply destroy and recreate it", inv, Env(), detail: StateSurgery);
                    break;
                case "push":
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where,
                        $"`{tool} state push` overwrites the state of {scope}{(items.Count > 0 ? $" with `{CloudArgs.Show(items[0])}`" : "")}{(CloudArgs.Has(rest, "-force") ? " even if it is older (-force)" : "")}", inv, Env(), detail: StateSurgery);
                    break;
                case "replace-provider":
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where, $"`{tool} state replace-provider` rewrites provider references in the state of {scope}", inv, Env(), detail: StateSurgery);
                    break;
            }
        }
    }
}
