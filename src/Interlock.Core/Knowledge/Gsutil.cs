namespace Interlock.Core.Knowledge;

/// <summary>gsutil: <c>rm</c>, <c>rb</c> and <c>rsync -d</c> delete Cloud Storage data; uploads and bucket settings change it.</summary>
public sealed class Gsutil : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["gsutil"];

    /// <summary>gsutil takes its settings from its environment and prints none of them.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly HashSet<string> TopValued = ["-u", "-o", "-h", "-i"];

    private static readonly HashSet<string> Mutating =
    [
        "mb", "acl", "iam", "setmeta", "lifecycle", "defacl", "versioning", "web", "cors", "label", "retention", "ubla", "pap", "kms",
        "notification", "logging", "requesterpays", "autoclass", "rpo", "defstorageclass", "compose", "rewrite", "bucketpolicyonly", "hmac",
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var i = 0;
        string? project = null;
        while (i < args.Count && args[i].Known && args[i].Text.StartsWith('-'))
        {
            if (args[i].Text == "-u" && i + 1 < args.Count) project = args[i + 1].Text;
            i += TopValued.Contains(args[i].Text) ? 2 : 1;
        }
        if (i >= args.Count) return;
        if (!args[i].Known)
        {
            effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                $"runs `gsutil {args[i].Text}`, a command computed at run time (it could be rm)", inv));
            return;
        }
        var cmd = args[i].Text;
        var rest = args.Skip(i + 1).ToList();
        var (flags, urls) = Options.Split(rest, f => cmd == "rsync" && f is "-a" or "-j" or "-x" or "-y" || cmd is "cp" or "mv" && f is "-a" or "-j" or "-z" or "-p" or "-s" or "-L");
        var hints = new List<(string, string?)> { ("GCP project", project) };
        hints.AddRange(urls.Where(u => u.Text.StartsWith("gs://")).Select(u => ("bucket", CloudArgs.Bucket(u.Text))));
        var env = CloudArgs.Environment(ctx, hints);
        static bool IsRemote(Arg a) => a.Text.Contains("://") || !a.Known;

        switch (cmd)
        {
            case "rm":
            {
                var recursive = Options.Has(flags, 'r') || Options.Has(flags, 'R');
                var allVersions = Options.Has(flags, 'a') ? " including every noncurrent version" : "";
                var targets = urls.Count == 0 && Options.Has(flags, 'I') ? [Arg.Literal("(URLs read from standard input)")] : urls;
                foreach (var u in targets.DefaultIfEmpty(Arg.Literal("gs://(no URL given)")))
                {
                    var what = recursive
                        ? CloudArgs.IsWholeBucket(u.Text) ? $"every object in bucket `{CloudArgs.Bucket(u.Text)}` and the bucket itself" : $"every object under `{CloudArgs.Show(u)}`"
                        : u.Glob || u.Text.Contains('*') ? $"every object matching `{CloudArgs.Show(u)}`" : $"the object `{CloudArgs.Show(u)}`";
                    CloudArgs.Add(effects, EffectKind.DestroyData, u.Text, $"`gsutil rm` deletes {what}{allVersions}", inv, env, recursive: recursive || u.Text.Contains('*'));
                }
                break;
            }
            case "rb":
                foreach (var u in urls.DefaultIfEmpty(Arg.Literal("gs://(no bucket given)")))
                    CloudArgs.Add(effects, EffectKind.DestroyData, u.Text, $"`gsutil rb` deletes the bucket `{CloudArgs.Bucket(u.Text) ?? u.Text}` (only if it is empty)", inv, env);
                break;
            case "rsync" or "cp" or "mv":
            {
                if (cmd == "rsync" && Options.Has(flags, 'n')) return; // dry run
                if (urls.Count < 2) return;
                var src = urls[0];
                var dst = urls[^1];
                if (cmd == "rsync" && Options.Has(flags, 'd'))
                {
                    if (IsRemote(dst))
                        CloudArgs.Add(effects, EffectKind.DestroyData, dst.Text,
                            $"`gsutil rsync -d` deletes every object under `{CloudArgs.Show(dst)}` that is not in `{CloudArgs.Show(src)}`", inv, env, recursive: true);
                    else
                        ctx.AddPathEffects(effects, EffectKind.DeletePath, dst, true, inv, t => $"`gsutil rsync -d` deletes files under {t.Path} that are not in `{CloudArgs.Show(src)}`");
                }
                if (IsRemote(dst))
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, dst.Text, $"`gsutil {cmd}` writes objects to `{CloudArgs.Show(dst)}`, replacing any with the same name", inv, env, recursive: true);
                if (cmd == "mv" && IsRemote(src))
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, src.Text, $"`gsutil mv` removes the source objects `{CloudArgs.Show(src)}` after copying them", inv, env);
                break;
            }
            default:
                if (!Mutating.Contains(cmd)) return;
                if (urls.FirstOrDefault()?.Text is "get" or "list" or "serviceaccount") return;
                var bucket = urls.LastOrDefault(u => u.Text.StartsWith("gs://"));
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, bucket?.Text ?? "Cloud Storage",
                    $"`gsutil {cmd}` changes {(bucket is not null ? $"`{CloudArgs.Show(bucket)}`" : "Cloud Storage settings")}", inv, env);
                break;
        }
    }
}
