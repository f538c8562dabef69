using Interlock.Core.Analysis;
using Interlock.Core.Sql;

namespace Interlock.Core.Knowledge;

/// <summary><c>mongosh</c> and the legacy <c>mongo</c> shell: JavaScript from --eval, script files or standard input.</summary>
public sealed class Mongo : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["mongosh", "mongo"];

    private static readonly HashSet<string> ValuedOptions =
        ["--host", "--port", "-u", "--username", "-p", "--password", "--authenticationDatabase", "--authenticationMechanism", "--tlsCAFile", "--tlsCertificateKeyFile", "--apiVersion"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        string? host = null, database = null, urlSource = null;
        var scripts = new List<(string? Js, string Source)>();
        var args = inv.Args;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t is "--help" or "--version") return;
            if (t is "--eval" && i + 1 < args.Count) { scripts.Add((args[i + 1].Known ? args[++i].Text : null, "--eval")); if (!args[i].Known) i++; continue; }
            if (t.StartsWith("--eval=")) { scripts.Add((args[i].Known ? t[7..] : null, "--eval")); continue; }
            if (t == "--host" && i + 1 < args.Count) { host = args[++i].Text; continue; }
            if (ValuedOptions.Contains(t)) { i++; continue; }
            if (t.StartsWith('-')) continue;
            if (t.StartsWith("mongodb://") || t.StartsWith("mongodb+srv://")) { (host, database) = SqlClients.ParseUrl(t, host); continue; }
            // `mongosh "$MONGODB_URI"`: the shell expands it from the hook's environment.
            if (Environments.DatabaseTargets.FromReference(ctx, inv, args[i]) is { } r) { (host, database, urlSource) = (r.Host ?? host, r.Database, r.Source); continue; }
            if (t.EndsWith(".js"))
            {
                var abs = inv.Context.RemoteHost is null ? PathResolver.Combine(KnowledgeContext.Cwd(inv), t) : null;
                scripts.Add((abs is null ? null : ctx.World.ReadTextFile(abs, 1024 * 1024), $"the file {t}"));
                continue;
            }
            // `mongosh host/db` or `mongosh db`
            if (t.Contains('/')) { host = t[..t.IndexOf('/')]; database = t[(t.IndexOf('/') + 1)..]; }
            else database ??= t;
        }
        if (scripts.Count == 0)
        {
            if (inv.Stdin is { } text) scripts.Add((text, "standard input"));
            else if (inv.StdinFromUnknown is { } producer) scripts.Add((null, producer));
        }
        var env = KnowledgeContext.Strictest(ctx.InferEnvironment("MongoDB host", host, urlSource), ctx.InferEnvironment("database", database, urlSource));
        var where = SqlClients.Where(host, database);
        foreach (var (js, source) in scripts)
        {
            if (js is null)
            {
                effects.Add(new Effect(EffectKind.Indeterminate, where, PathClass.Unknown, false, false, $"`{inv.Name}` runs JavaScript from {source}, which cannot be read in advance", inv)
                { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
                continue;
            }
            SqlClients.AddSqlEffects(new SqlAnalysis(NoSqlClassifier.AnalyzeMongo(js), false, null), inv, where, env, effects);
        }
    }
}
