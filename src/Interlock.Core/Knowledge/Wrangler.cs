using Interlock.Core.Sql;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Cloudflare Wrangler's D1 commands: <c>d1 execute &lt;db&gt;</c> runs the SQL of <c>--command</c> or <c>--file</c>
/// (classified like any SQL client's, SQLite dialect), <c>d1 migrations apply</c> changes the schema. Against the
/// real database only with <c>--remote</c> (the default is the local copy, which is development); the database name
/// and <c>--env</c> are read for the environment. Deletes of Workers, KV, R2 and D1 databases themselves are the
/// generic service rules' (<see cref="ServiceClis"/>).
/// </summary>
public sealed class Wrangler : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["wrangler"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "--version")) return;
        var words = CloudArgs.Operands(args, o => o is "--command" or "--file" or "--env" or "-e" or "--config" or "-c" or "--persist-to" or "--batch-size");
        if (words.Count < 3 || words[0].Text != "d1") return;
        // `d1 execute <db>`, `d1 migrations apply <db>`.
        var migrations = words[1].Text == "migrations";
        if (migrations && (words.Count < 4 || words[2].Text != "apply")) return;
        var database = words[migrations ? 3 : 2].Text;
        var remote = CloudArgs.Has(args, "--remote");
        var named = new List<(string, string?)> { ("database", database), ("Wrangler environment", CloudArgs.Value(args, "--env", "-e")?.Text) };
        var env = remote
            ? CloudArgs.Environment(ctx, named)
            : (TargetEnvironment.Development, "the local copy of the database (no --remote)");
        var where = remote ? $"the D1 database `{database}`" : $"the local copy of the D1 database `{database}`";
        switch (words[1].Text)
        {
            case "execute":
                if (CloudArgs.Value(args, "--command")?.Text is { } sql)
                    SqlClients.AddSqlEffects(SqlClassifier.Analyze(sql, SqlDialect.Sqlite), inv, where, env, effects);
                else if (CloudArgs.Value(args, "--file") is { } file)
                {
                    var text = file.Known ? SqlClients.ReadFile(file.Text, inv, ctx) : null;
                    if (text is null)
                        CloudArgs.Add(effects, EffectKind.Indeterminate, where, $"`wrangler d1 execute` runs SQL from the file {file.Text}, which cannot be read in advance", inv, env);
                    else SqlClients.AddSqlEffects(SqlClassifier.Analyze(text, SqlDialect.Sqlite), inv, where, env, effects);
                }
                break;
        }
        if (migrations)
            CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where, $"`wrangler d1 migrations apply` applies the pending migrations to {where}", inv, env);
    }
}
