namespace Interlock.Core.Knowledge;

/// <summary>The AWS CLI. A general rule by operation name: delete-, terminate-, remove-, deregister-, purge-, destroy- and a few
/// others destroy (data in data services, infrastructure elsewhere); describe-, list-, get- and friends read; everything else
/// changes state (asking only in production). <c>aws s3</c> is handled by its paths; <c>--dryrun</c>/<c>--dry-run</c> are safe.</summary>
public sealed class Aws : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["aws"];

    /// <summary>The AWS CLI takes credentials from AWS_* variables and prints none of them.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly HashSet<string> GlobalValued =
    [
        "--profile", "--region", "--output", "--endpoint-url", "--query", "--color", "--ca-bundle", "--cli-read-timeout",
        "--cli-connect-timeout", "--cli-binary-format",
    ];

    private static readonly HashSet<string> S3Valued =
    [
        .. GlobalValued, "--exclude", "--include", "--acl", "--storage-class", "--sse-c", "--sse-c-key", "--sse-kms-key-id",
        "--sse-c-copy-source", "--sse-c-copy-source-key", "--content-type", "--cache-control", "--content-disposition", "--content-encoding",
        "--content-language", "--expires", "--metadata", "--metadata-directive", "--grants", "--website-redirect", "--expected-size",
        "--page-size", "--source-region", "--request-payer", "--checksum-mode", "--checksum-algorithm", "--copy-props", "--expires-in",
        "--index-document", "--error-document",
    ];

    /// <summary>Options whose values are not the resource acted on.</summary>
    private static readonly HashSet<string> NotTargets =
    [
        "region", "profile", "output", "query", "endpoint-url", "cli-input-json", "cli-input-yaml", "color", "ca-bundle", "role-arn",
        "final-db-snapshot-identifier", "kms-key-id", "client-request-token", "pending-window-in-days", "recovery-window-in-days",
        "final-snapshot-identifier", "final-cluster-snapshot-identifier", "retain-resources", "max-items", "page-size", "starting-token",
        "sse-kms-key-id", "instance-type", "iam-instance-profile",
    ];

    private static readonly string[] DataServices =
    [
        "s3api", "dynamodb", "backup", "secretsmanager", "kms", "glacier", "efs", "ecr", "ecr-public", "logs", "timestream-write",
        "ssm", "sqs", "kinesis", "opensearch", "es", "fsx", "dax", "memorydb", "keyspaces", "qldb", "rds", "ec2", "redshift", "docdb",
        "neptune", "lightsail",
    ];

    private static readonly string[] ConfigWords =
    [
        "policy", "tagging", "tag", "lifecycle", "cors", "encryption", "website", "public-access-block", "notification", "replication",
        "ownership", "metrics", "analytics", "inventory", "tiering", "logging", "alias", "permission", "grant", "accelerate",
        "subscription-filter", "retention", "metric-filter", "parameter-group", "subnet-group", "option-group", "security-group",
        "mount-target", "access-point", "association", "document",
    ];

    /// <summary>Operations whose output holds credentials (AWS CLI reference: configure export-credentials, sts
    /// get-session-token/assume-role return an access key, secret key and session token; codeartifact
    /// get-authorization-token a repository token; secretsmanager get-secret-value the secret; ssm
    /// get-parameter(s) a SecureString only --with-decryption; ecr get-login-password a registry password, whose documented
    /// use, piped into `docker login --password-stdin`, prints nothing: see <see cref="KnowledgeContext.OutputKeptFromAgent"/>).</summary>
    private static readonly Credentials.Printer[] CredentialPrinters =
    [
        new(["configure", "export-credentials"], "the profile's access key, secret key and session token"),
        new(["configure", "get"], "a value from the AWS configuration, such as a secret access key", args => args.Any(a => a.Text.Contains("secret", StringComparison.OrdinalIgnoreCase) || a.Text.Contains("session_token", StringComparison.OrdinalIgnoreCase) || !a.Known)),
        new(["sts", "get-session-token"], "temporary credentials (access key, secret key and session token)"),
        new(["sts", "assume-role"], "temporary credentials (access key, secret key and session token) for the role"),
        new(["sts", "assume-role-with-web-identity"], "temporary credentials for the role"),
        new(["sts", "assume-role-with-saml"], "temporary credentials for the role"),
        new(["sts", "get-federation-token"], "temporary credentials (access key, secret key and session token)"),
        new(["ecr", "get-login-password"], "a registry password"),
        new(["ecr-public", "get-login-password"], "a registry password"),
        new(["codeartifact", "get-authorization-token"], "a repository authorization token"),
        new(["secretsmanager", "get-secret-value"], "the secret's value"),
        new(["secretsmanager", "batch-get-secret-value"], "the secrets' values"),
        new(["ssm", "get-parameter"], "the decrypted SecureString parameter", Credentials.With("--with-decryption")),
        new(["ssm", "get-parameters"], "the decrypted SecureString parameters", Credentials.With("--with-decryption")),
        new(["ssm", "get-parameters-by-path"], "the decrypted SecureString parameters", Credentials.With("--with-decryption")),
        new(["iam", "create-access-key"], "a new access key and its secret"),
        new(["sso", "get-role-credentials"], "temporary credentials for the role"),
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        // aws [globals] <service> <operation> [options]
        var positions = new List<int>();
        for (var i = 0; i < args.Count && positions.Count < 2; i++)
        {
            var t = args[i].Text;
            if (args[i].Known && t.StartsWith('-'))
            {
                if (t is "--version" or "--help") return;
                if (GlobalValued.Contains(t)) i++;
                continue;
            }
            positions.Add(i);
        }
        if (positions.Count == 0) return;
        var serviceArg = args[positions[0]];
        var opArg = positions.Count > 1 ? args[positions[1]] : null;
        if (!serviceArg.Known || opArg is { Known: false })
        {
            effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                $"runs `aws {serviceArg.Text} {opArg?.Text}` where the service or operation is computed at run time (it could delete)", inv));
            return;
        }
        var svc = serviceArg.Text;
        if (opArg is not null && Credentials.Check(inv, ctx, [svc, opArg.Text], CredentialPrinters, effects)) return;
        if (opArg is null || svc is "help" or "configure" or "sts" or "sso" or "sso-oidc" or "pricing" or "history") return;
        var op = opArg.Text;
        var rest = args.Skip(positions[1] + 1).ToList();
        if (op == "help" || rest is [{ Text: "help", Known: true }]) return;
        if (CloudArgs.Has(args, "--dryrun", "--dry-run", "--generate-cli-skeleton")) return;

        var hints = new List<(string, string?)>
        {
            ("AWS profile", CloudArgs.Value(args, "--profile")?.Text), ("endpoint", CloudArgs.Value(args, "--endpoint-url")?.Text),
            ("role", CloudArgs.Value(args, "--role-arn")?.Text),
            ("AWS_PROFILE", inv.GetEnvironment("AWS_PROFILE")), ("AWS_DEFAULT_PROFILE", inv.GetEnvironment("AWS_DEFAULT_PROFILE")),
        };

        // The profile's account and role, from where the CLI looks (read only for commands that change something).
        List<Environments.EnvironmentHint> Sourced() => Environments.AwsConfig.Hints(ctx, inv, CloudArgs.Value(args, "--profile")?.Text);
        if (svc == "s3")
        {
            S3(inv, ctx, effects, op, rest, hints, Sourced);
            return;
        }
        if (IsReadOnly(svc, op)) return;

        var ids = Identifiers(rest);
        hints.AddRange(ids.Select(x => (Label(x.Flag), (string?)x.Value.Text)));
        var env = CloudArgs.Environment(ctx, hints, Sourced());
        var groups = ids.GroupBy(x => x.Flag).Select(g => (Flag: g.Key, Values: Render(g.Select(x => x.Value).ToList()))).ToList();
        var shown = groups.Count > 0 ? groups[0].Values : null;
        var labelled = string.Join(", ", groups.Select(g => $"{Label(g.Flag)} {g.Values}"));
        var target = ids.Count > 0 ? string.Join(", ", ids.Take(3).Select(x => x.Value.Text)) : $"{svc} {Noun(op)}";
        var command = $"`aws {svc} {op}`";

        if (Destroys(op) is not { } verb)
        {
            CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"{command} changes AWS resources{(groups.Count > 0 ? $" ({labelled})" : "")}", inv, env);
            return;
        }

        var noun = Noun(op);
        var thing = groups.Count == 0 ? $"the {noun} (none named)" : groups.Count == 1 ? $"{noun} {shown}" : $"{noun} ({labelled})";
        var skipFinal = CloudArgs.Has(rest, "--skip-final-snapshot", "--skip-final-cluster-snapshot");
        var data = IsData(svc, op, skipFinal);
        var kind = data ? EffectKind.DestroyData : EffectKind.DestroyInfrastructure;
        var reversible = false;
        string description;
        switch (svc, op)
        {
            case ("cloudformation", "delete-stack"):
                description = $"{command} deletes stack {shown ?? "(unnamed)"} and every resource it created, except those set to be retained";
                break;
            case ("cloudformation", "delete-stack-set" or "delete-stack-instances"):
                description = $"{command} deletes {thing}{(CloudArgs.Has(rest, "--no-retain-stacks") ? " and the stacks (with their resources) in every target account" : "")}";
                break;
            case ("rds" or "docdb" or "neptune", "delete-db-instance" or "delete-db-cluster"):
            case ("redshift", "delete-cluster"):
            {
                var finalName = CloudArgs.Value(rest, "--final-db-snapshot-identifier", "--final-snapshot-identifier", "--final-cluster-snapshot-identifier");
                var skipFlag = CloudArgs.Has(rest, "--skip-final-cluster-snapshot") ? "--skip-final-cluster-snapshot" : "--skip-final-snapshot";
                description = $"{command} deletes {thing}" + (skipFinal
                    ? $" without a final snapshot ({skipFlag}): its data is gone unless another backup exists"
                    : $", keeping a final snapshot{(finalName is not null ? $" `{CloudArgs.Show(finalName)}`" : "")}") +
                    (CloudArgs.Has(rest, "--delete-automated-backups") ? ", and deletes its automated backups" : "");
                break;
            }
            case ("dynamodb", "delete-table"):
                description = $"{command} deletes table {shown ?? "(unnamed)"} and every item in it";
                break;
            case ("ec2", "terminate-instances"):
                description = $"{command} terminates instance(s) {shown ?? "(none named)"}; their instance-store data and volumes set to delete on termination are lost";
                break;
            case ("secretsmanager", "delete-secret"):
                var force = CloudArgs.Has(rest, "--force-delete-without-recovery");
                reversible = !force;
                description = force
                    ? $"{command} deletes secret {shown ?? "(unnamed)"} immediately, with no recovery window (--force-delete-without-recovery)"
                    : $"{command} schedules secret {shown ?? "(unnamed)"} for deletion (`restore-secret` can undo it during the recovery window)";
                break;
            case ("kms", "schedule-key-deletion"):
                reversible = true;
                var days = CloudArgs.Value(rest, "--pending-window-in-days")?.Text ?? "30";
                description = $"{command} schedules KMS key {shown ?? "(unnamed)"} for deletion in {days} days; once deleted, everything encrypted with it can never be decrypted (`cancel-key-deletion` undoes it until then)";
                break;
            case ("sqs", "purge-queue"):
                description = $"{command} deletes every message in queue {shown ?? "(unnamed)"}";
                break;
            case ("s3api", "delete-object"):
            {
                var b = CloudArgs.Value(rest, "--bucket");
                var k = CloudArgs.Value(rest, "--key");
                target = $"s3://{b?.Text}/{k?.Text}";
                description = $"{command} deletes the object `{target}`{(CloudArgs.Has(rest, "--version-id") ? " version permanently" : "")}";
                break;
            }
            case ("s3api", "delete-objects"):
                description = $"{command} deletes the objects listed in --delete from bucket {shown ?? "(unnamed)"}";
                break;
            default:
                description = $"{command} {verb} {thing}";
                break;
        }
        if (CloudArgs.Has(rest, "--force-delete-without-recovery") && !description.Contains("--force-delete-without-recovery"))
            description += ", with no recovery window (--force-delete-without-recovery)";
        CloudArgs.Add(effects, kind, target, description, inv, env, recursive: op.Contains("stack") || op.Contains("bucket") || op.Contains("table") || op.Contains("cluster"), reversible: reversible);
    }

    private static void S3(Invocation inv, KnowledgeContext ctx, List<Effect> effects, string op, List<Arg> rest, List<(string, string?)> hints, Func<List<Environments.EnvironmentHint>> sourced)
    {
        var paths = CloudArgs.Operands(rest, S3Valued.Contains);
        hints.AddRange(paths.Where(p => p.Text.StartsWith("s3://")).Select(p => ("bucket", CloudArgs.Bucket(p.Text))));
        var env = CloudArgs.Environment(ctx, hints, sourced());
        var recursive = CloudArgs.Has(rest, "--recursive");
        var filtered = CloudArgs.Has(rest, "--exclude", "--include") ? " (filtered by --include/--exclude)" : "";
        static bool IsS3(Arg a) => a.Text.StartsWith("s3://", StringComparison.Ordinal) || !a.Known;
        switch (op)
        {
            case "rm":
                foreach (var p in paths.DefaultIfEmpty(Arg.Literal("s3://(no path given)")))
                {
                    var what = recursive
                        ? CloudArgs.IsWholeBucket(p.Text) ? $"every object in bucket `{CloudArgs.Bucket(p.Text) ?? p.Text}`" : $"every object under `{CloudArgs.Show(p)}`"
                        : $"the object `{CloudArgs.Show(p)}`";
                    CloudArgs.Add(effects, EffectKind.DestroyData, p.Text, $"`aws s3 rm` deletes {what}{filtered}", inv, env, recursive: recursive);
                }
                break;
            case "rb":
                var force = CloudArgs.Has(rest, "--force");
                foreach (var p in paths.DefaultIfEmpty(Arg.Literal("s3://(no bucket given)")))
                    CloudArgs.Add(effects, EffectKind.DestroyData, p.Text,
                        force ? $"`aws s3 rb --force` deletes every object in bucket `{CloudArgs.Bucket(p.Text) ?? p.Text}` and then the bucket"
                              : $"`aws s3 rb` deletes the bucket `{CloudArgs.Bucket(p.Text) ?? p.Text}` (only if it is empty)", inv, env, recursive: force);
                break;
            case "sync" or "cp" or "mv":
            {
                if (paths.Count < 2) break;
                var src = paths[0];
                var dst = paths[^1];
                if (op == "sync" && CloudArgs.Has(rest, "--delete"))
                {
                    if (IsS3(dst))
                        CloudArgs.Add(effects, EffectKind.DestroyData, dst.Text,
                            $"`aws s3 sync --delete` deletes every object under `{CloudArgs.Show(dst)}` that is not in `{CloudArgs.Show(src)}`{filtered}", inv, env, recursive: true);
                    else
                        ctx.AddPathEffects(effects, EffectKind.DeletePath, dst, true, inv,
                            t => $"`aws s3 sync --delete` deletes files under {t.Path} that are not in `{CloudArgs.Show(src)}`");
                }
                if (IsS3(dst))
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, dst.Text,
                        $"`aws s3 {op}` writes objects to `{CloudArgs.Show(dst)}`, replacing any with the same key", inv, env, recursive: recursive || op == "sync");
                if (op == "mv" && IsS3(src))
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, src.Text, $"`aws s3 mv` removes the source objects `{CloudArgs.Show(src)}` after copying them", inv, env, recursive: recursive);
                break;
            }
            case "mb" or "website":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, paths.FirstOrDefault()?.Text ?? "s3", $"`aws s3 {op}` changes bucket `{paths.FirstOrDefault()?.Text}`", inv, env);
                break;
        }
    }

    private static bool IsReadOnly(string svc, string op)
    {
        if (op is "wait" or "ls" or "presign" or "scan" or "query" or "tail" or "decrypt" or "encrypt" or "verify" or "sign" or "re-encrypt"
            or "receive-message" or "update-kubeconfig" or "get-login-password" or "get-login" or "login" or "logout" or "select-object-content"
            or "filter-log-events" or "detect-stack-drift" or "detect-stack-resource-drift" or "get-authorization-token")
            return true;
        if (svc == "logs" && op is "start-query" or "stop-query" or "start-live-tail") return true;
        foreach (var p in new[] { "describe-", "list-", "get-", "head-", "batch-get-", "search-", "lookup-", "validate-", "estimate-", "simulate-", "preview-", "decode-", "generate-", "test-", "assume-role", "check-", "view-" })
            if (op.StartsWith(p, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>The verb for a destructive operation ("deletes", "terminates"...), or null.</summary>
    private static string? Destroys(string op)
    {
        if (op.Contains("-tag") || op.StartsWith("untag")) return null;
        if (op.StartsWith("delete-") || op.StartsWith("batch-delete-") || op == "delete") return "deletes";
        if (op.StartsWith("terminate-")) return "terminates";
        if (op.StartsWith("remove-")) return "removes";
        if (op.StartsWith("deregister-")) return "deregisters";
        if (op.StartsWith("purge-")) return "purges";
        if (op.StartsWith("destroy-")) return "destroys";
        if (op is "schedule-key-deletion") return "schedules for deletion";
        if (op is "close-account") return "closes";
        if (op is "release-address" or "release-hosts") return "releases";
        if (op.StartsWith("force-delete-")) return "deletes";
        return null;
    }

    private static bool IsData(string svc, string op, bool skipFinal)
    {
        if (Array.IndexOf(DataServices, svc) < 0) return false;
        if (ConfigWords.Any(w => op.Contains(w, StringComparison.Ordinal))) return false;
        return svc switch
        {
            "rds" or "docdb" or "neptune" or "redshift" or "lightsail" => op.Contains("snapshot") || (skipFinal && (op.Contains("instance") || op.Contains("cluster") || op.Contains("database"))),
            "ec2" => op.Contains("volume") || op.Contains("snapshot"),
            "ssm" => op.StartsWith("delete-parameter"),
            "backup" => op.Contains("recovery-point") || op.Contains("vault"),
            "efs" => op.Contains("file-system"),
            _ => true,
        };
    }

    private static string Render(List<Arg> values) =>
        string.Join(", ", values.Take(3).Select(v => $"`{CloudArgs.Show(v)}`")) + (values.Count > 3 ? $" and {values.Count - 3} more" : "");

    /// <summary><c>table-name</c> → "table", <c>instance-ids</c> → "instance", <c>db-instance-identifier</c> → "db instance".</summary>
    private static string Label(string flag)
    {
        foreach (var suffix in new[] { "-identifier", "-names", "-name", "-ids", "-id", "-arns", "-arn", "-url" })
            if (flag.EndsWith(suffix, StringComparison.Ordinal) && flag.Length > suffix.Length) return flag[..^suffix.Length].Replace('-', ' ');
        return flag.Replace('-', ' ');
    }

    private static string Noun(string op)
    {
        foreach (var p in new[] { "batch-delete-", "force-delete-", "delete-", "terminate-", "remove-", "deregister-", "purge-", "destroy-", "release-", "close-" })
            if (op.StartsWith(p, StringComparison.Ordinal)) return op[p.Length..].Replace('-', ' ');
        if (op == "schedule-key-deletion") return "key";
        var dash = op.IndexOf('-');
        return dash > 0 ? op[(dash + 1)..].Replace('-', ' ') : op;
    }

    /// <summary>The values of options that name the resources acted on (--stack-name, --bucket, --instance-ids...).</summary>
    private static List<(string Flag, Arg Value)> Identifiers(List<Arg> rest)
    {
        var result = new List<(string, Arg)>();
        for (var i = 0; i < rest.Count; i++)
        {
            var t = rest[i].Text;
            if (!rest[i].Known || !t.StartsWith("--")) continue;
            var eq = t.IndexOf('=');
            var name = eq > 0 ? t[2..eq] : t[2..];
            if (NotTargets.Contains(name)) continue;
            var plural = name.EndsWith("-ids") || name.EndsWith("-names") || name.EndsWith("-arns") || name is "names" or "services";
            var named = plural || name.EndsWith("-name") || name.EndsWith("-id") || name.EndsWith("-identifier") || name.EndsWith("-arn") ||
                        name.EndsWith("-url") || name is "bucket" or "cluster" or "key" or "name" or "service" or "id" or "arn" or "rule" or "repository" or "vault";
            if (!named) continue;
            if (eq > 0) { result.Add((name, rest[i] with { Text = t[(eq + 1)..] })); continue; }
            for (var j = i + 1; j < rest.Count && !(rest[j].Known && rest[j].Text.StartsWith("--")); j++)
            {
                result.Add((name, rest[j]));
                if (!plural) break;
            }
        }
        return result;
    }
}
