using Interlock.Core.Environments;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Laravel's Artisan database commands, through <c>php artisan</c> or <c>./artisan</c>: <c>migrate:fresh</c> and
/// <c>db:wipe</c> drop every table, <c>migrate:refresh</c> and <c>migrate:reset</c> roll back every migration (their
/// tables go with their data); <c>migrate</c>, <c>migrate:rollback</c> and <c>db:seed</c> change the database (asked in
/// production). <c>--force</c> skips Laravel's own production confirmation, which the message says. The environment
/// is <c>--env</c>, else APP_ENV (the command, the hook's environment, the project's .env, as Laravel reads it), and
/// the server is DB_HOST / DB_DATABASE or DATABASE_URL / DB_URL from the same places.
/// </summary>
public sealed class Laravel : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["php", "artisan"];

    private static readonly Dictionary<string, (EffectKind Kind, string What)> Commands = new(StringComparer.Ordinal)
    {
        ["migrate:fresh"] = (EffectKind.DestroyData, "drops every table and re-runs every migration: all data is lost"),
        ["db:wipe"] = (EffectKind.DestroyData, "drops every table, view and type of the database: all data is lost"),
        ["migrate:refresh"] = (EffectKind.DestroyData, "rolls back every migration and runs them again: the tables they create lose their data"),
        ["migrate:reset"] = (EffectKind.DestroyData, "rolls back every migration, dropping the tables they created with their data"),
        ["migrate:rollback"] = (EffectKind.ChangeInfrastructure, "rolls back the last batch of migrations (their down steps may drop tables or columns)"),
        ["migrate"] = (EffectKind.ChangeInfrastructure, "runs the pending migrations"),
        ["db:seed"] = (EffectKind.ChangeInfrastructure, "loads the seeders' rows into the database"),
    };

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var start = 0;
        if (inv.Name == "php")
        {
            var script = args.ToList().FindIndex(a => !a.Text.StartsWith('-'));
            if (script < 0 || !args[script].Known || Path.GetFileName(args[script].Text) != "artisan") return;
            start = script + 1;
        }
        string? envOption = null, connection = null;
        var words = new List<Arg>();
        for (var i = start; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--env" && i + 1 < args.Count) { envOption = args[++i].Text; continue; }
            if (t.StartsWith("--env=", StringComparison.Ordinal)) { envOption = t[6..]; continue; }
            if (t == "--database" && i + 1 < args.Count) { connection = args[++i].Text; continue; }
            if (t.StartsWith("--database=", StringComparison.Ordinal)) { connection = t[11..]; continue; }
            if (t is "--help" or "-h" or "--version" or "-V" or "--pretend") return;
            if (t.StartsWith('-') && args[i].Known) continue;
            words.Add(args[i]);
        }
        if (words.Count == 0) return;
        if (CloudArgs.IsUnknownSubcommand(words[0], "artisan", "db:wipe", inv, effects)) return;
        if (!Commands.TryGetValue(words[0].Text, out var command)) return;

        var hints = new List<EnvironmentHint>();
        if (envOption is not null) hints.Add(new("Laravel environment", envOption, "--env"));
        else hints.AddRange(FrameworkEnvironment.Hints(ctx, inv, "APP_ENV"));
        var target = DatabaseTargets.Url(ctx, inv, "DATABASE_URL", "DB_URL");
        string? host = target?.Host, database = target?.Database;
        if (target is not null) hints.AddRange(target.Hints());
        else
        {
            // The variable, else the project's .env, as for APP_ENV.
            if (FrameworkEnvironment.Hints(ctx, inv, "DB_HOST") is [var h]) { host = h.Name; hints.Add(h with { What = "database host" }); }
            if (FrameworkEnvironment.Hints(ctx, inv, "DB_DATABASE") is [var d]) { database = d.Name; hints.Add(d with { What = "database" }); }
        }
        var env = CloudArgs.Environment(ctx, connection is null ? [] : [("database connection", connection)], hints);
        var where = host is null && database is null ? (connection is null ? "the app's default database" : $"the `{connection}` connection") : SqlClients.Where(host, database);
        var forced = CloudArgs.Has(args, "--force") ? ", with --force (no confirmation, even in production)" : "";
        CloudArgs.Add(effects, command.Kind, where, $"`artisan {words[0].Text}` {command.What} ({where}){forced}", inv, env, recursive: command.Kind == EffectKind.DestroyData);
    }
}
