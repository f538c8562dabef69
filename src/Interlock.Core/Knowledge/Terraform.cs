namespace Interlock.Core.Knowledge;

/// <summary>Terraform, OpenTofu and Terragrunt: destroy, applies that destroy or replace, taint, state surgery,
/// workspace deletion. Plans, validation and other read-only subcommands produce no effects.</summary>
public sealed class Terraform : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["terraform", "tofu", "opentofu", "terragrunt"];

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

        var noPrompt = autoApprove ? ", without asking for confirmation (-auto-approve)" : "";
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
                    var what = plan is not null
                        ? $"{command} applies the saved plan `{CloudArgs.Show(plan)}` (which may create, change or delete resources)"
                        : $"{command} creates, changes or deletes resources to match {scope}";
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where, what + noPrompt, inv, Env(), detail: autoApprove ? "auto-approve" : null);
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
                    $"{command} removes the state lock of {scope}; if another run still holds it, both may write the state and corrupt it", inv, Env());
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
                        $"`{tool} state rm` makes Terraform forget {(items.Count > 0 ? CloudArgs.List(items) : "resources")} in {scope}: the real resources keep running unmanaged, and a later apply may create duplicates", inv, Env());
                    break;
                case "mv":
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, items.Count > 0 ? CloudArgs.List(items) : where,
                        $"`{tool} state mv` renames {(items.Count > 0 ? $"`{CloudArgs.Show(items[0])}`" : "a resource")}{(items.Count > 1 ? $" to `{CloudArgs.Show(items[1])}`" : "")} in the state of {scope}; a wrong address makes the next apply destroy and recreate it", inv, Env());
                    break;
                case "push":
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where,
                        $"`{tool} state push` overwrites the state of {scope}{(items.Count > 0 ? $" with `{CloudArgs.Show(items[0])}`" : "")}{(CloudArgs.Has(rest, "-force") ? " even if it is older (-force)" : "")}", inv, Env());
                    break;
                case "replace-provider":
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where, $"`{tool} state replace-provider` rewrites provider references in the state of {scope}", inv, Env());
                    break;
            }
        }
    }
}
