namespace Interlock.Core.Knowledge;

/// <summary>
/// Management CLIs of data, secret, backup, messaging, feature-flag and platform services, described as data:
/// which verbs destroy what. One rule serves them all: a destructive verb among the command words (before the
/// first option) deletes the named object, and names in the arguments give the environment.
/// </summary>
public sealed class ServiceClis : ICommandKnowledge
{
    /// <param name="Kind">What deleting means for this tool: data, infrastructure, or published artefacts.</param>
    /// <param name="Verbs">Command words that destroy (matched anywhere before the first option, or as `--verb` flags).</param>
    /// <param name="Describe">What the tool manages, for messages ("secrets in Vault").</param>
    private sealed record Tool(EffectKind Kind, string Describe, string[] Verbs);

    // Verbs shared by most tools; a tool's own list adds to these.
    private static readonly string[] CommonVerbs = ["delete", "destroy", "remove", "rm", "del", "purge", "drop", "flush", "wipe", "erase", "terminate", "deregister", "uninstall", "rb"];

    private static readonly Dictionary<string, Tool> Tools = new(StringComparer.Ordinal)
    {
        // secrets
        ["vault"] = new(EffectKind.DestroyData, "secrets and auth configuration in Vault", ["disable", "revoke", "delete-version"]),
        ["op"] = new(EffectKind.DestroyData, "items in 1Password", []),
        ["doppler"] = new(EffectKind.DestroyData, "secrets in Doppler", []),
        ["infisical"] = new(EffectKind.DestroyData, "secrets in Infisical", []),
        // backups and object storage
        ["rclone"] = new(EffectKind.DestroyData, "files in remote storage", ["deletefile", "rmdir", "rmdirs", "cleanup", "sync", "move", "--delete-before", "--delete-during", "--delete-after", "--delete-excluded"]),
        ["restic"] = new(EffectKind.DestroyData, "backup snapshots (restic)", ["forget", "prune"]),
        ["borg"] = new(EffectKind.DestroyData, "backup archives (borg)", ["prune", "compact", "rdelete", "repo-delete", "recreate"]),
        ["velero"] = new(EffectKind.DestroyData, "cluster backups (Velero)", []),
        ["mc"] = new(EffectKind.DestroyData, "objects in MinIO/S3 storage", ["--remove", "disable"]),
        ["azcopy"] = new(EffectKind.DestroyData, "Azure storage blobs", ["--delete-destination=true", "--delete-destination"]),
        // messaging and search
        ["kafka-topics"] = new(EffectKind.DestroyData, "Kafka topics", ["--delete"]),
        ["kafka-topics.sh"] = new(EffectKind.DestroyData, "Kafka topics", ["--delete"]),
        ["kafka-consumer-groups"] = new(EffectKind.DestroyData, "Kafka consumer groups", ["--delete", "--delete-offsets"]),
        ["kafka-consumer-groups.sh"] = new(EffectKind.DestroyData, "Kafka consumer groups", ["--delete", "--delete-offsets"]),
        ["kafka-delete-records"] = new(EffectKind.DestroyData, "Kafka records", ["--offset-json-file"]),
        ["kafka-delete-records.sh"] = new(EffectKind.DestroyData, "Kafka records", ["--offset-json-file"]),
        ["kafka-acls"] = new(EffectKind.DestroyData, "Kafka ACLs", ["--remove"]),
        ["kafka-configs"] = new(EffectKind.DestroyData, "Kafka configuration", ["--delete-config"]),
        ["rpk"] = new(EffectKind.DestroyData, "Redpanda topics and groups", ["trim-prefix"]),
        ["rabbitmqctl"] = new(EffectKind.DestroyData, "RabbitMQ users, vhosts and queues", ["delete_user", "delete_vhost", "clear_permissions", "purge_queue", "delete_queue", "reset", "force_reset", "forget_cluster_node"]),
        ["rabbitmqadmin"] = new(EffectKind.DestroyData, "RabbitMQ queues and exchanges", []),
        ["nats"] = new(EffectKind.DestroyData, "NATS streams, consumers and key-value data", ["rmv"]),
        ["algolia"] = new(EffectKind.DestroyData, "Algolia indices and rules", ["clear"]),
        ["meilisearch"] = new(EffectKind.DestroyData, "Meilisearch indexes", []),
        ["elasticdump"] = new(EffectKind.DestroyData, "Elasticsearch data", []),
        ["splunk"] = new(EffectKind.DestroyData, "Splunk data and users", ["clean"]),
        // feature flags, observability, incident tools
        ["ldcli"] = new(EffectKind.DestroyInfrastructure, "LaunchDarkly flags and environments", ["archive"]),
        ["flipt"] = new(EffectKind.DestroyInfrastructure, "Flipt flags and rules", []),
        ["unleash"] = new(EffectKind.DestroyInfrastructure, "Unleash feature toggles", ["archive"]),
        ["split"] = new(EffectKind.DestroyInfrastructure, "Split feature flags", ["kill"]),
        ["newrelic"] = new(EffectKind.DestroyInfrastructure, "New Relic entities", []),
        ["pd"] = new(EffectKind.DestroyInfrastructure, "PagerDuty schedules, teams and services", []),
        ["datadog-ci"] = new(EffectKind.DestroyInfrastructure, "Datadog resources", []),
        // edge, API gateways and hosting platforms
        ["fastly"] = new(EffectKind.DestroyInfrastructure, "Fastly services and configuration", []),
        ["wrangler"] = new(EffectKind.DestroyInfrastructure, "Cloudflare Workers, KV and R2 data", []),
        ["flarectl"] = new(EffectKind.DestroyInfrastructure, "Cloudflare zones and DNS records", []),
        ["apigeecli"] = new(EffectKind.DestroyInfrastructure, "Apigee organisations, products and targets", []),
        ["deck"] = new(EffectKind.DestroyInfrastructure, "Kong gateway configuration", ["reset"]),
        ["stripe"] = new(EffectKind.DestroyData, "Stripe objects", []),
        ["square"] = new(EffectKind.DestroyData, "Square catalog objects", []),
        ["heroku"] = new(EffectKind.DestroyInfrastructure, "Heroku apps and add-ons", ["apps:destroy", "addons:destroy", "pg:reset", "pg:killall"]),
        ["flyctl"] = new(EffectKind.DestroyInfrastructure, "Fly.io apps, machines and volumes", []),
        ["fly"] = new(EffectKind.DestroyInfrastructure, "Fly.io apps, machines and volumes", []),
        ["vercel"] = new(EffectKind.DestroyInfrastructure, "Vercel projects and deployments", []),
        ["netlify"] = new(EffectKind.DestroyInfrastructure, "Netlify sites", ["sites:delete"]),
        ["doctl"] = new(EffectKind.DestroyInfrastructure, "DigitalOcean resources", []),
        ["hcloud"] = new(EffectKind.DestroyInfrastructure, "Hetzner Cloud resources", []),
        ["linode-cli"] = new(EffectKind.DestroyInfrastructure, "Linode resources", []),
        ["firebase"] = new(EffectKind.DestroyInfrastructure, "Firebase projects and data", ["firestore:delete", "database:remove", "hosting:disable", "functions:delete"]),
        ["supabase"] = new(EffectKind.DestroyInfrastructure, "Supabase projects and databases", []), // `db reset`: Supabase.cs
        ["jenkins-cli"] = new(EffectKind.DestroyInfrastructure, "Jenkins jobs and builds", ["delete-job", "delete-builds", "delete-node", "delete-view", "delete-credentials"]),
        ["circleci"] = new(EffectKind.DestroyInfrastructure, "CircleCI contexts and secrets", ["remove-secret"]),
        ["gitlab-runner"] = new(EffectKind.DestroyInfrastructure, "GitLab runner registrations", ["unregister"]),
    };

    public IReadOnlyList<string> Executables { get; } = [.. Tools.Keys];

    /// <summary>vault, op and doppler take their tokens (VAULT_TOKEN, OP_SERVICE_ACCOUNT_TOKEN, DOPPLER_TOKEN) from their
    /// environment and print none of them; what they print is the secrets they are asked for (the printer table).</summary>
    public InputUse Environment(Invocation inv) => inv.Name is "vault" or "op" or "doppler" ? InputUse.KeepsToItself : InputUse.Unknown;

    /// <summary>Secret stores' commands that print what they hold (each CLI's reference): vault read / kv get and
    /// token creation; 1Password `op read`, `op item get --reveal`; doppler and infisical secrets.</summary>
    private static readonly Dictionary<string, Credentials.Printer[]> SecretPrinters = new()
    {
        ["vault"] =
        [
            new(["read"], "the secret stored at that path"), new(["kv", "get"], "the secret's value"),
            new(["token", "create"], "a new Vault token"), new(["print", "token"], "the Vault token in use"),
            new(["login"], "a new Vault token", args => !args.Any(a => a.Text is "-no-print" or "--no-print" or "-no-print=true")),
        ],
        ["op"] = [new(["read"], "the 1Password secret"), new(["item", "get"], "the item's concealed fields", Credentials.With("--reveal")), new(["inject"], "a file with 1Password secrets filled in")],
        ["doppler"] = [new(["secrets", "get"], "the secrets' values"), new(["secrets", "download"], "every secret of the config")],
        ["infisical"] = [new(["secrets", "get"], "the secrets' values"), new(["export"], "every secret of the environment")],
    };

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var tool = Tools[inv.Name!];
        var args = inv.Args;
        if (args.Any(a => a.Text is "--help" or "-h" or "help")) return;
        if (args.Any(a => a.Text is "--dry-run" or "--dryrun" or "-n" && inv.Name is "rclone" or "restic" or "borg" or "mc")) return;

        // Command words are the leading non-option arguments (`vault kv destroy`, `op item delete`); flag-style
        // verbs (`kafka-topics --delete`) count anywhere.
        var commandWords = CommandWords(args);
        if (Credentials.Check(inv, ctx, commandWords, SecretPrinters.GetValueOrDefault(inv.Name!) ?? [], effects)) return;
        var verb = commandWords.FirstOrDefault(w => CommonVerbs.Contains(w) || tool.Verbs.Contains(w) || w.EndsWith(":delete") || w.EndsWith(":destroy"))
                   ?? args.Select(a => a.Text).FirstOrDefault(t => t.StartsWith('-') && tool.Verbs.Contains(t));
        if (verb is null) return;
        if (verb == "--delete-destination" && args.SkipWhile(a => a.Text != verb).Skip(1).FirstOrDefault()?.Text is not ("true" or "prompt")) return;
        if (inv.Name == "rclone" && verb is "sync" && !args.Any(a => a.Known && a.Text.Contains(':') && !a.Text.StartsWith('-')))
            return; // local-to-local sync is rsync-like; only remote destinations are storage we know nothing about
        var objectWords = args.Where(a => !a.Text.StartsWith('-') && !commandWords.Contains(a.Text.ToLowerInvariant())).Select(a => a.Text).ToList();
        var target = objectWords.Count > 0 ? string.Join(' ', objectWords.Take(3)) : tool.Describe;
        var env = KnowledgeContext.Strictest([.. args.Select(a => ctx.InferEnvironment("argument", a.Known ? a.Text : null))]);
        var what = string.Join(' ', commandWords.Take(3));
        effects.Add(new Effect(tool.Kind, target, PathClass.Unknown, true, false,
            $"`{inv.Name} {(what.Length > 0 ? what : verb)}` {Phrase(verb)} {tool.Describe}{(objectWords.Count > 0 ? $": {target}" : "")}", inv)
        { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
    }

    private static readonly HashSet<string> GlobalValuedOptions =
        ["--namespace", "--address", "--account", "--config", "--project", "--profile", "--context", "--host", "--env"];

    /// <summary>The leading non-option words (at most four), after global options such as `vault --namespace admin`.</summary>
    private static List<string> CommandWords(IReadOnlyList<Arg> args)
    {
        var i = 0;
        while (i < args.Count && args[i].Text.StartsWith('-'))
            i += GlobalValuedOptions.Contains(args[i].Text) ? 2 : 1;
        var words = new List<string>(4);
        for (; i < args.Count && words.Count < 4 && !args[i].Text.StartsWith('-'); i++)
            words.Add(args[i].Text.ToLowerInvariant());
        return words;
    }

    private static string Phrase(string verb) => verb.TrimStart('-') switch
    {
        "forget" or "prune" or "compact" => "permanently removes",
        "disable" or "revoke" or "kill" or "archive" => "disables",
        "sync" or "move" => "replaces or removes",
        "reset" or "force_reset" => "resets (erasing)",
        _ => "deletes",
    };
}
