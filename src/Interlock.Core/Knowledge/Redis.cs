using Interlock.Core.Sql;

namespace Interlock.Core.Knowledge;

/// <summary><c>redis-cli</c>: a command in the arguments, or one command per line on standard input.</summary>
public sealed class Redis : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["redis-cli", "valkey-cli", "keydb-cli"];

    /// <summary>redis-cli takes REDISCLI_AUTH from its environment and prints none of it.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly HashSet<string> ValuedOptions =
        ["-h", "-p", "-s", "-a", "--user", "--pass", "-u", "-r", "-i", "-n", "-d", "-D", "--pattern", "--count", "--cacert", "--cert", "--key", "--sni", "--tls-ciphers", "--rdb", "--functions-rdb", "--eval", "--memkeys-samples", "--quoted-pattern", "--cluster"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        string? host = null, hostSource = null;
        string? database = null;
        var command = new List<Arg>();
        var args = inv.Args;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (command.Count == 0 && t.StartsWith('-') && args[i].Known)
            {
                if (t is "--help" or "--version" or "-v") return;
                if (ValuedOptions.Contains(t) && i + 1 < args.Count)
                {
                    var value = args[++i].Text;
                    if (t == "-h") host = value;
                    if (t == "-n") database = value;
                    if (t == "-u" && value.Contains("://")) host = SqlClients.ParseUrl(value, host).Host;
                    // `-u "$REDIS_URL"`: the shell expands it from the hook's environment.
                    else if (t == "-u" && Environments.DatabaseTargets.FromReference(ctx, inv, args[i]) is { Host: { } h } r) (host, hostSource) = (h, r.Source);
                }
                continue;
            }
            command.Add(args[i]);
        }
        var env = ctx.InferEnvironment("redis host", host, hostSource);
        var where = host is null ? "the local Redis server" : $"Redis `{host}`" + (database is null ? "" : $" database {database}");
        IReadOnlyList<SqlStatementInfo> statements;
        if (command.Count > 0)
        {
            if (command.Any(a => !a.Known))
            {
                effects.Add(new Effect(EffectKind.Indeterminate, where, PathClass.Unknown, false, false, $"the Redis command is built at run time: {string.Join(' ', command.Select(a => a.Text))}", inv)
                { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
                return;
            }
            statements = NoSqlClassifier.AnalyzeRedis(command.Select(a => a.Text).ToList());
        }
        else if (inv.Stdin is { } script) statements = NoSqlClassifier.AnalyzeRedisScript(script);
        else if (inv.StdinFromUnknown is { } producer)
        {
            effects.Add(new Effect(EffectKind.Indeterminate, where, PathClass.Unknown, false, false, $"redis-cli runs commands read from {producer}, which cannot be known in advance", inv)
            { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
            return;
        }
        else return; // interactive
        SqlClients.AddSqlEffects(new SqlAnalysis(statements, false, null), inv, where, env, effects);
    }
}
