using Interlock.Core.Environments;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Django's management commands that wipe a database, through <c>python manage.py</c>, <c>./manage.py</c> or
/// <c>django-admin</c>: <c>flush</c> deletes every row of every table, <c>reset_db</c> (django-extensions) drops and
/// recreates the database, <c>migrate &lt;app&gt; zero</c> reverts an app's migrations and drops its tables; other
/// migrations change the schema (asked in production). The environment is <c>--settings</c>, else
/// DJANGO_SETTINGS_MODULE (the command, the hook's environment, the project's .env), and DATABASE_URL (django-environ,
/// dj-database-url) names the server.
/// </summary>
public sealed class Django : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["python", "python3", "manage.py", "django-admin", "django-admin.py"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var start = 0;
        if (inv.Name is "python" or "python3")
        {
            // The script is the first operand after the interpreter's own options (-u, -W arg, -X arg).
            var script = -1;
            for (var i = 0; i < args.Count; i++)
            {
                var t = args[i].Text;
                if (t is "-c" or "-m" or "-") return;
                if (t is "-W" or "-X" or "-Q") { i++; continue; }
                if (t.StartsWith('-')) continue;
                script = i;
                break;
            }
            if (script < 0 || !args[script].Known || Path.GetFileName(args[script].Text) != "manage.py") return;
            start = script + 1;
        }
        var words = new List<Arg>();
        string? settings = null, database = null;
        for (var i = start; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--settings" && i + 1 < args.Count) { settings = args[++i].Text; continue; }
            if (t.StartsWith("--settings=", StringComparison.Ordinal)) { settings = t["--settings=".Length..]; continue; }
            if (t == "--database" && i + 1 < args.Count) { database = args[++i].Text; continue; }
            if (t.StartsWith("--database=", StringComparison.Ordinal)) { database = t["--database=".Length..]; continue; }
            if (t is "--help" or "-h" or "--version") return;
            if (t.StartsWith('-') && args[i].Known) continue;
            words.Add(args[i]);
        }
        if (words.Count == 0) return;
        if (CloudArgs.IsUnknownSubcommand(words[0], inv.Name!, "flush", inv, effects)) return;
        var command = words[0].Text;
        (EffectKind Kind, string What)? effect = command switch
        {
            "flush" => (EffectKind.DestroyData, "deletes every row of every table (the schema stays, the data does not)"),
            "reset_db" => (EffectKind.DestroyData, "drops the database and creates it empty: all data is lost"),
            "reset_schema" => (EffectKind.DestroyData, "drops the database schema with every table in it"),
            "migrate" when words.Count >= 3 && words[2].Text == "zero" =>
                (EffectKind.DestroyData, $"reverts every migration of `{words[1].Text}`, dropping its tables with their data"),
            "migrate" => (EffectKind.ChangeInfrastructure, "applies migrations to the database (a migration back to an earlier one drops what later ones added)"),
            "loaddata" => (EffectKind.ChangeInfrastructure, "loads fixtures into the database, overwriting rows with the same keys"),
            _ => null,
        };
        if (effect is null) return;

        var hints = new List<EnvironmentHint>();
        if (settings is not null) hints.Add(new("Django settings", settings, "--settings"));
        else hints.AddRange(FrameworkEnvironment.Hints(ctx, inv, "DJANGO_SETTINGS_MODULE"));
        var target = DatabaseTargets.Url(ctx, inv, "DATABASE_URL");
        if (target is not null) hints.AddRange(target.Hints());
        var env = CloudArgs.Environment(ctx, database is null ? [] : [("database alias", database)], hints);
        var where = target is null ? (database is null ? "the project's default database" : $"the `{database}` database") : SqlClients.Where(target.Host, target.Database);
        var shown = inv.Name is "python" or "python3" ? "manage.py" : inv.Name;
        CloudArgs.Add(effects, effect.Value.Kind, where, $"`{shown} {command}` {effect.Value.What} ({where})", inv, env, recursive: effect.Value.Kind == EffectKind.DestroyData);
    }
}
