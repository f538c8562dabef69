namespace Interlock.Core.Knowledge;

/// <summary>Ansible: playbook runs change the hosts of their inventory; ad-hoc <c>ansible</c> commands run shell code
/// (analysed like ssh) or modules on every host the pattern matches. <c>--check</c> is a dry run.</summary>
public sealed class Ansible : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["ansible", "ansible-playbook"];

    private static readonly HashSet<string> Valued =
    [
        "-i", "--inventory", "--inventory-file", "-l", "--limit", "-e", "--extra-vars", "-u", "--user", "-t", "--tags", "--skip-tags",
        "-f", "--forks", "--private-key", "--key-file", "-M", "--module-path", "--vault-id", "--vault-password-file", "--vault-pass-file",
        "--become-user", "--become-method", "-c", "--connection", "-T", "--timeout", "--start-at-task", "--ssh-common-args",
        "--ssh-extra-args", "--scp-extra-args", "--sftp-extra-args", "-m", "--module-name", "-a", "--args", "-B", "--background",
        "-P", "--poll", "-o", "--one-line", "--tree", "--playbook-dir", "--task-timeout", "-R", "--become-password-file", "--connection-password-file",
    ];

    private static readonly HashSet<string> ReadOnlyModules =
    [
        "ping", "setup", "gather_facts", "debug", "stat", "slurp", "fetch", "service_facts", "package_facts", "find", "assert",
        "win_ping", "mount_facts", "getent", "listen_ports_facts", "wait_for", "wait_for_connection", "set_fact", "include_vars",
    ];

    private const string RemoteHome = "/home/~remote";

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "--version")) return;
        var (flags, _) = Options.Split(args, Valued.Contains);
        var dryRun = flags.Any(f => f is "--check" or "--syntax-check" or "--list-hosts" or "--list-tasks" or "--list-tags") ||
                     Options.Has(flags.Where(f => !Valued.Contains(f)).ToList(), 'C');
        if (dryRun) return;
        var operands = CloudArgs.Operands(args, Valued.Contains);
        var inventories = CloudArgs.Values(args, "-i", "--inventory", "--inventory-file");
        var limits = CloudArgs.Values(args, "-l", "--limit");
        var extraVars = CloudArgs.Values(args, "-e", "--extra-vars");
        var become = CloudArgs.Has(args, "-b", "--become") || flags.Any(f => f.Length > 2 && f[0] == '-' && f[1] != '-' && !Valued.Contains(f) && f.Contains('b'));
        var hints = new List<(string, string?)>();
        hints.AddRange(inventories.Select(v => ("inventory", (string?)v.Text)));
        hints.AddRange(limits.Select(v => ("host limit", (string?)v.Text)));
        hints.AddRange(extraVars.Where(v => !v.Text.StartsWith('@')).Select(v => ("extra var", (string?)v.Text)));
        hints.AddRange(extraVars.Where(v => v.Text.StartsWith('@')).Select(v => ("vars file", (string?)v.Text[1..])));
        var inventory = inventories.Count > 0 ? $"inventory {CloudArgs.List(inventories)}" : "the default inventory";
        var limit = limits.Count > 0 ? $" (limited to {CloudArgs.List(limits)})" : "";

        if (inv.Name == "ansible-playbook")
        {
            hints.AddRange(operands.Select(p => ("playbook", (string?)p.Text)));
            var env = CloudArgs.Environment(ctx, hints);
            var books = operands.Count > 0 ? CloudArgs.List(operands) : "the playbook";
            CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, $"{inventory}{limit}",
                $"`ansible-playbook {books}` changes the hosts of {inventory}{limit}{(become ? " as root (--become)" : "")}", inv, env);
            return;
        }

        // Ad hoc: ansible PATTERN [-m MODULE] [-a ARGS]
        var pattern = operands.FirstOrDefault();
        hints.Add(("host pattern", pattern?.Text));
        var hostEnv = CloudArgs.Environment(ctx, hints);
        var moduleArg = CloudArgs.Value(args, "-m", "--module-name");
        var module = moduleArg?.Text ?? "command";
        foreach (var prefix in new[] { "ansible.builtin.", "ansible.legacy.", "ansible.posix.", "community.general." })
            if (module.StartsWith(prefix, StringComparison.Ordinal)) module = module[prefix.Length..];
        var moduleArgs = CloudArgs.Value(args, "-a", "--args");
        var hosts = pattern is null ? "the hosts" : pattern.Known ? $"the hosts matching `{pattern.Text}`" : $"hosts chosen at run time ({pattern.Text})";
        var where = $"{hosts} in {inventory}{limit}";
        var target = $"{pattern?.Text ?? "hosts"} ({inventory})";

        if (moduleArg is { Known: false })
        {
            effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                $"runs an Ansible module chosen at run time ({moduleArg.Text}) on {where}", inv) { Environment = hostEnv.Environment, EnvironmentEvidence = hostEnv.Evidence });
            return;
        }
        if (ReadOnlyModules.Contains(module)) return;

        var remote = new ExecContext([RemoteHome], RemoteHome, pattern is null ? "the Ansible hosts" : $"{pattern.Text} (Ansible hosts)",
            [.. inv.Context.Via, $"ansible {pattern?.Text ?? ""}".TrimEnd(), .. (become ? new[] { "sudo" } : Array.Empty<string>())]);
        switch (module)
        {
            case "command" or "shell" or "raw" or "win_shell" or "win_command":
                if (moduleArgs is null) return;
                if (!moduleArgs.Known)
                {
                    effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                        $"runs shell code computed at run time ({moduleArgs.Text}) on {where}", inv) { Environment = hostEnv.Environment, EnvironmentEvidence = hostEnv.Evidence });
                    return;
                }
                AddRemote(ctx.AnalyzeShellCode(StripCommandOptions(moduleArgs.Text), remote, inv), $"`ansible -m {module}` runs `{moduleArgs.Text}` on {where}");
                return;
            case "script":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target,
                    $"`ansible -m script` runs the local script {(moduleArgs is null ? "" : $"`{CloudArgs.Show(moduleArgs)}` ")}on {where}{(become ? " as root" : "")}", inv, hostEnv);
                return;
        }

        var kv = ParseKeyValues(moduleArgs?.Text);
        var state = kv.GetValueOrDefault("state");
        switch (module)
        {
            case "file" when state == "absent":
            {
                var path = kv.GetValueOrDefault("path") ?? kv.GetValueOrDefault("dest") ?? kv.GetValueOrDefault("name");
                if (path is null) break;
                AddRemote(ctx.AnalyzeShellCode("rm -rf -- " + CloudArgs.Quote(path), remote, inv), $"`ansible -m file state=absent` deletes {path} on {where}");
                return;
            }
            case "service" or "systemd" or "systemd_service" or "sysvinit" or "win_service" when state is "stopped" or "restarted" or "reloaded" || kv.GetValueOrDefault("enabled") is "no" or "false":
                CloudArgs.Add(effects, EffectKind.DisruptSystem, target,
                    $"`ansible -m {module}` {state switch { "stopped" => "stops", "restarted" => "restarts", "reloaded" => "reloads", _ => "disables" }} service `{kv.GetValueOrDefault("name") ?? "?"}` on {where}", inv, hostEnv);
                return;
            case "reboot" or "win_reboot":
                CloudArgs.Add(effects, EffectKind.DisruptSystem, target, $"`ansible -m reboot` reboots {where}", inv, hostEnv);
                return;
            case "user" or "group" when state == "absent":
                CloudArgs.Add(effects, EffectKind.DisruptSystem, target,
                    $"`ansible -m {module}` deletes the {module} `{kv.GetValueOrDefault("name") ?? "?"}` on {where}{(kv.GetValueOrDefault("remove") is "yes" or "true" ? ", with its home directory" : "")}", inv, hostEnv);
                return;
        }
        CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target,
            $"`ansible -m {module}` changes {where}{(become ? " as root (--become)" : "")}", inv, hostEnv);

        // What the code does on each host, plus (in production) the change to production itself, so that the
        // two-person rule applies even where the nested effect's own rule does not consider environments.
        void AddRemote(List<Effect> nested, string description)
        {
            CloudArgs.AddNested(effects, nested, hostEnv);
            if (nested.Count > 0 && hostEnv.Environment == TargetEnvironment.Production)
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, description + (become ? " as root" : ""), inv, hostEnv);
        }
    }

    /// <summary>The command module's free-form options (<c>chdir=/x creates=/y</c>) are not part of the command.</summary>
    private static string StripCommandOptions(string code)
    {
        var words = code.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var kept = words.Where(w => !(w.StartsWith("chdir=") || w.StartsWith("creates=") || w.StartsWith("removes=") || w.StartsWith("executable=") || w.StartsWith("warn=")));
        return words.Length == kept.Count() ? code : string.Join(' ', kept);
    }

    private static Dictionary<string, string> ParseKeyValues(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return result;
        foreach (var word in text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = word.IndexOf('=');
            if (eq <= 0) continue;
            result[word[..eq]] = word[(eq + 1)..].Trim('\'', '"');
        }
        return result;
    }
}
