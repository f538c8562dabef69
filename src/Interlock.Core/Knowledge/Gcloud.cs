namespace Interlock.Core.Knowledge;

/// <summary>Google Cloud CLI: <c>... delete</c> (projects, SQL instances, GKE clusters, VMs), <c>storage rm</c>, KMS key
/// destruction; mutating verbs change state (asking only in production); list/describe/get are read-only.
/// <c>gcloud compute ssh --command</c> is analysed like ssh.</summary>
public sealed class Gcloud : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["gcloud"];

    /// <summary>gcloud takes CLOUDSDK_* settings from its environment and prints none of them.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly HashSet<string> Valued =
    [
        "--project", "--account", "--configuration", "--format", "--verbosity", "--impersonate-service-account", "--billing-project",
        "--flags-file", "--flatten", "--trace-token", "--zone", "--region", "--location", "--filter", "--limit", "--sort-by", "--page-size",
        "--cluster", "--instance", "--keyring", "--key", "--member", "--role", "--database", "--node-pool", "--command", "--ssh-flag",
        "--image", "--service", "--platform", "--source", "--machine-type", "--num-nodes", "--subnet", "--network", "--scopes",
        "--tags", "--labels", "--update-labels", "--service-account", "--topic", "--subscription", "--runtime", "--entry-point",
        "--memory", "--timeout", "--set-env-vars", "--env-vars-file", "--min-instances", "--max-instances", "--keep-disks",
        "--delete-disks", "--version", "--tier", "--database-version", "--secret", "--data-file", "--port", "--ssh-key-file",
        "--destination", "--trigger-topic", "--trigger-bucket", "--worker-pool", "--config", "--substitutions", "--tag",
    ];

    private static readonly HashSet<string> LocalGroups =
    [
        "config", "auth", "components", "topic", "init", "info", "version", "help", "feedback", "cheat-sheet", "emulators", "survey",
        "interactive", "meta", "docker",
    ];

    private static readonly HashSet<string> DataGroups =
    [
        "storage", "sql", "spanner", "bigtable", "firestore", "datastore", "filestore", "secrets", "redis", "memcache", "alloydb",
        "artifacts", "logging", "backup-dr", "netapp",
    ];

    private static readonly HashSet<string> MutatingVerbs =
    [
        "create", "update", "deploy", "patch", "resize", "start", "stop", "restart", "reset", "suspend", "resume", "enable", "disable",
        "import", "export", "apply", "cp", "mv", "rsync", "run", "submit", "execute", "connect", "promote-replica", "failover",
        "restore", "clone", "upgrade", "rollback", "move", "rename", "undelete", "publish", "pull", "ack", "seek", "call", "migrate",
        "set", "unset", "replace", "cancel", "approve", "reject", "scp", "rolling-action", "add", "remove", "attach", "detach", "promote",
        "switchover", "trigger", "invoke", "write", "sign-url",
    ];

    private static readonly string[] MutatingPrefixes = ["add-", "set-", "remove-", "attach-", "detach-", "update-", "create-", "import-", "export-", "enable-", "disable-", "abandon-", "recreate-", "reset-"];

    private const string RemoteHome = "/home/~remote";

    /// <summary>Google's APIs and registries take an access token (<c>curl -H "Authorization: Bearer $(gcloud auth
    /// print-access-token)" https://storage.googleapis.com/...</c>, as Google's documentation writes it).</summary>
    private static readonly Func<string, bool> GoogleApis = Credentials.Hosts(".googleapis.com", ".pkg.dev", "gcr.io", ".gcr.io");

    /// <summary>An identity token is for the account's Cloud Run services and Cloud Functions (Google's documented
    /// `curl -H "Authorization: Bearer $(gcloud auth print-identity-token)" https://SERVICE.run.app`) and Google's APIs.</summary>
    private static readonly Func<string, bool> GoogleServices = Credentials.Hosts(".googleapis.com", ".run.app", ".cloudfunctions.net");

    /// <summary>Commands whose output is a credential (gcloud reference): access and identity tokens, the config
    /// helper's credential block, a Secret Manager secret's payload, a Cloud SQL login token.</summary>
    private static readonly Credentials.Printer[] CredentialPrinters =
    [
        new(["auth", "print-access-token"], "an OAuth access token for the active account", Issuer: GoogleApis),
        new(["auth", "print-identity-token"], "an identity token for the active account", Issuer: GoogleServices),
        new(["auth", "application-default", "print-access-token"], "an OAuth access token for the application default credentials", Issuer: GoogleApis),
        new(["config", "config-helper"], "the active account's access token"),
        new(["secrets", "versions", "access"], "the secret's payload"),
        new(["sql", "generate-login-token"], "a database login token"),
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h")) return;
        var words = CloudArgs.Operands(args.TakeWhile(a => a.Text != "--").ToList(), Valued.Contains);
        while (words.Count > 0 && words[0].Text is "alpha" or "beta" or "preview") words.RemoveAt(0);
        if (words.Count == 0) return;
        var unknown = words.FindIndex(w => !w.Known);
        var verbIndex = -1;
        for (var k = 1; k < words.Count && verbIndex < 0; k++)
        {
            if (!words[k].Known) break;
            if (Classify(words[k].Text) is not Verb.None) verbIndex = k;
        }
        if (unknown >= 0 && (verbIndex < 0 || unknown < verbIndex))
        {
            effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                $"runs `gcloud {string.Join(' ', words.Take(unknown + 1).Select(w => w.Text))}`, a command computed at run time (it could delete)", inv));
            return;
        }
        if (Credentials.Check(inv, ctx, words.TakeWhile(w => w.Known).Select(w => w.Text).ToList(), CredentialPrinters, effects)) return;
        var group = words[0].Text;
        if (LocalGroups.Contains(group)) return;
        if (verbIndex < 0) verbIndex = words.Count - 1;
        var verb = words[verbIndex].Text;
        var path = words.Take(verbIndex).Select(w => w.Text).ToList();
        var names = words.Skip(verbIndex + 1).ToList();
        var project = CloudArgs.Value(args, "--project");
        var hints = new List<(string, string?)>
        {
            ("GCP project", project?.Text), ("gcloud configuration", CloudArgs.Value(args, "--configuration")?.Text),
            ("CLOUDSDK_CORE_PROJECT", inv.GetEnvironment("CLOUDSDK_CORE_PROJECT")), ("CLOUDSDK_ACTIVE_CONFIG_NAME", inv.GetEnvironment("CLOUDSDK_ACTIVE_CONFIG_NAME")),
            ("account", CloudArgs.Value(args, "--account")?.Text), ("GKE cluster", CloudArgs.Value(args, "--cluster")?.Text),
            ("SQL instance", CloudArgs.Value(args, "--instance")?.Text), ("key ring", CloudArgs.Value(args, "--keyring")?.Text),
        };
        var kindWord = verb == "ssh" ? "VM" : Singular(path.Count > 1 ? path[^1] : group);
        hints.AddRange(names.Select(n => (n.Text.Contains("://") ? "bucket" : kindWord, n.Text.Contains("://") ? CloudArgs.Bucket(n.Text) : n.Text)));
        var env = CloudArgs.Environment(ctx, hints, Environments.GcloudConfig.Hints(ctx, inv, project?.Text, CloudArgs.Value(args, "--configuration")?.Text));
        var quiet = CloudArgs.Has(args, "--quiet", "-q") ? ", without asking for confirmation (--quiet)" : "";
        var where = project is not null ? $" in project `{CloudArgs.Show(project)}`" : "";
        var command = $"`gcloud {string.Join(' ', path)} {verb}`";
        var shown = names.Count > 0 ? string.Join(", ", names.Take(3).Select(n => $"`{CloudArgs.Show(n)}`")) + (names.Count > 3 ? $" and {names.Count - 3} more" : "") : "(none named)";
        var target = names.Count > 0 ? string.Join(", ", names.Select(n => n.Text)) : string.Join(' ', path);
        if (CloudArgs.Has(args, "--dry-run", "--dryrun") || CloudArgs.Values(args, "--validate-only").Count > 0 || CloudArgs.Has(args, "--validate-only")) return;

        if (verb == "ssh")
        {
            Ssh(inv, ctx, effects, args, names, env);
            return;
        }

        // Storage: paths rather than resource names.
        if (group == "storage" && verb is "rm" or "rsync" or "cp" or "mv")
        {
            Storage(inv, ctx, effects, verb, args, names, env);
            return;
        }

        switch (Classify(verb))
        {
            case Verb.ReadOnly:
                return;
            case Verb.Destroy:
                break;
            default:
                if (verb is "resize" && path.Contains("clusters") && CloudArgs.Value(args, "--num-nodes")?.Text == "0")
                {
                    CloudArgs.Add(effects, EffectKind.DeleteClusterResources, target, $"{command} --num-nodes 0 removes every node of cluster {shown}{where}; its workloads stop", inv, env);
                    return;
                }
                if (verb is "reset")
                {
                    CloudArgs.Add(effects, EffectKind.DisruptSystem, target, $"{command} hard-resets {shown}{where} like pulling the power cord", inv, env);
                    return;
                }
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"{command} changes {(names.Count > 0 ? $"{kindWord} {shown}" : $"{string.Join(' ', path)} resources")}{where}", inv, env);
                return;
        }

        var resource = path.Count > 1 ? string.Join(' ', path.Skip(1).SkipLast(1).Append(kindWord)) : group;
        var data = DataGroups.Contains(group) || (group == "compute" && (path.Contains("disks") || path.Contains("snapshots"))) ||
                   (group == "kms" && verb == "destroy") || (group == "container" && path.Contains("images"));
        var reversible = false;
        string description;
        switch (group)
        {
            case "projects":
                reversible = true;
                description = $"{command} shuts down project {shown}: everything in it stops at once and is deleted after 30 days (`gcloud projects undelete` restores it until then)";
                break;
            case "sql" when path.Contains("instances"):
                description = $"{command} deletes Cloud SQL instance {shown}{where} with all its databases and its automated backups";
                break;
            case "sql" when path.Contains("databases"):
                description = $"{command} deletes database {shown} of instance `{CloudArgs.Value(args, "--instance")?.Text ?? "?"}`{where} and all its data";
                break;
            case "container" when path.Contains("clusters"):
                description = $"{command} deletes GKE cluster {shown}{where} with every workload running on it";
                break;
            case "compute" when path.Contains("instances") && verb == "delete":
                description = $"{command} deletes VM instance(s) {shown}{where}" +
                              (CloudArgs.Value(args, "--keep-disks") is { } keep ? $" (keeping {keep.Text} disks)" : ", with their boot disks");
                break;
            case "storage" when path.Contains("buckets"):
                description = $"{command} deletes bucket {shown}{where}";
                break;
            case "kms" when verb == "destroy":
                description = $"{command} destroys key version {shown}; data encrypted with it can no longer be decrypted";
                break;
            case "secrets":
                description = $"{command} deletes secret {shown}{where} with all its versions";
                break;
            default:
                description = $"{command} deletes {resource} {shown}{where}";
                break;
        }
        CloudArgs.Add(effects, data ? EffectKind.DestroyData : EffectKind.DestroyInfrastructure, target, description + quiet, inv, env,
            recursive: group is "projects" || path.Contains("clusters") || path.Contains("instances") || path.Contains("buckets"), reversible: reversible);
    }

    /// <summary><c>node-pools</c> → <c>node-pool</c>, <c>policies</c> → <c>policy</c>; other words unchanged.</summary>
    private static string Singular(string w) =>
        w.EndsWith("ies", StringComparison.Ordinal) ? w[..^3] + "y"
        : w.EndsWith("sses", StringComparison.Ordinal) ? w[..^2]
        : w.EndsWith('s') && !w.EndsWith("ss", StringComparison.Ordinal) && w.Length > 3 ? w[..^1] : w;

    private enum Verb { None, ReadOnly, Destroy, Mutate }

    private static Verb Classify(string w)
    {
        if (w is "delete" or "destroy" or "rm" || w.StartsWith("delete-", StringComparison.Ordinal)) return Verb.Destroy;
        if (w is "list" or "describe" or "ls" or "cat" or "du" or "read" or "tail" or "lookup" or "get-credentials" or "search" or "hash" or "full-path" or "wait" or "ssh" ||
            w.StartsWith("list-", StringComparison.Ordinal) || w.StartsWith("describe-", StringComparison.Ordinal) || w.StartsWith("get-", StringComparison.Ordinal) ||
            w.StartsWith("print-", StringComparison.Ordinal) || w.StartsWith("search-", StringComparison.Ordinal) || w.StartsWith("show-", StringComparison.Ordinal) ||
            w.StartsWith("test-", StringComparison.Ordinal) || w.StartsWith("check-", StringComparison.Ordinal))
            return w == "ssh" ? Verb.Mutate : Verb.ReadOnly;
        if (MutatingVerbs.Contains(w) || MutatingPrefixes.Any(p => w.StartsWith(p, StringComparison.Ordinal))) return Verb.Mutate;
        return Verb.None;
    }

    private static void Storage(Invocation inv, KnowledgeContext ctx, List<Effect> effects, string verb, IReadOnlyList<Arg> args, List<Arg> urls, (TargetEnvironment, string?) env)
    {
        static bool IsRemote(Arg a) => a.Text.Contains("://") || !a.Known;
        var quiet = CloudArgs.Has(args, "--quiet", "-q") ? ", without asking for confirmation (--quiet)" : "";
        switch (verb)
        {
            case "rm":
            {
                var recursive = CloudArgs.Has(args, "-r", "-R", "--recursive");
                var allVersions = CloudArgs.Has(args, "-a", "--all-versions") ? " including every noncurrent version" : "";
                foreach (var u in urls.DefaultIfEmpty(Arg.Literal("gs://(no URL given)")))
                {
                    var what = recursive
                        ? CloudArgs.IsWholeBucket(u.Text) ? $"every object in bucket `{CloudArgs.Bucket(u.Text)}` and the bucket itself" : $"every object under `{CloudArgs.Show(u)}`"
                        : $"`{CloudArgs.Show(u)}`";
                    CloudArgs.Add(effects, EffectKind.DestroyData, u.Text, $"`gcloud storage rm` deletes {what}{allVersions}{quiet}", inv, env, recursive: recursive || u.Glob);
                }
                return;
            }
            case "rsync" or "cp" or "mv":
            {
                if (urls.Count < 2) return;
                var src = urls[0];
                var dst = urls[^1];
                if (verb == "rsync" && CloudArgs.Has(args, "--delete-unmatched-destination-objects"))
                {
                    if (IsRemote(dst))
                        CloudArgs.Add(effects, EffectKind.DestroyData, dst.Text,
                            $"`gcloud storage rsync --delete-unmatched-destination-objects` deletes every object under `{CloudArgs.Show(dst)}` that is not in `{CloudArgs.Show(src)}`", inv, env, recursive: true);
                    else
                        ctx.AddPathEffects(effects, EffectKind.DeletePath, dst, true, inv, t => $"`gcloud storage rsync` deletes files under {t.Path} that are not in `{CloudArgs.Show(src)}`");
                }
                if (IsRemote(dst))
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, dst.Text, $"`gcloud storage {verb}` writes objects to `{CloudArgs.Show(dst)}`, replacing any with the same name", inv, env, recursive: true);
                if (verb == "mv" && IsRemote(src))
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, src.Text, $"`gcloud storage mv` removes the source objects `{CloudArgs.Show(src)}` after copying them", inv, env);
                return;
            }
        }
    }

    private static void Ssh(Invocation inv, KnowledgeContext ctx, List<Effect> effects, IReadOnlyList<Arg> args, List<Arg> names, (TargetEnvironment, string?) env)
    {
        var code = CloudArgs.Value(args, "--command");
        var dashDash = -1;
        for (var k = 0; k < args.Count; k++) if (args[k].Text == "--") { dashDash = k; break; }
        var after = dashDash >= 0 ? args.Skip(dashDash + 1).SkipWhile(a => a.Known && a.Text.StartsWith('-')).ToList() : [];
        string? text = code?.Known == true ? code.Text : after.Count > 0 && after.All(a => a.Known) ? string.Join(' ', after.Select(a => a.Text)) : null;
        var host = names.FirstOrDefault()?.Text ?? "the VM";
        if (text is null)
        {
            if (code is not null || after.Count > 0)
                effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                    $"runs a command computed at run time on {host}", inv) { Environment = env.Item1, EnvironmentEvidence = env.Item2 });
            return; // an interactive session
        }
        var remote = new ExecContext([RemoteHome], RemoteHome, host, [.. inv.Context.Via, "gcloud compute ssh " + host]);
        var nested = ctx.AnalyzeShellCode(text, remote, inv);
        CloudArgs.AddNested(effects, nested, env);
        // In production the remote command is also a change to production (so the two-person rule applies).
        if (nested.Count > 0 && env.Item1 == TargetEnvironment.Production)
            CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, host, $"`gcloud compute ssh` runs `{text}` on {host}", inv, env);
    }
}
