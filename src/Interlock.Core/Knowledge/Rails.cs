using Interlock.Core.Environments;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Rails database tasks through <c>rails</c> or <c>rake</c> (also <c>bin/rails</c>, <c>bundle exec</c>): the
/// drop/reset/load family destroys the database's data, migrations and rollbacks change it (asked in production).
/// The environment is <c>-e</c>/<c>--environment</c>, a <c>RAILS_ENV=</c> argument (rake reads those as
/// variables), else RAILS_ENV / RACK_ENV as the command sees them or the project's .env files (dotenv-rails);
/// <c>DATABASE_URL</c> overrides config/database.yml and names the server. <c>DISABLE_DATABASE_ENVIRONMENT_CHECK</c>
/// turns off Rails' own refusal to drop a production database, which the message says.
/// </summary>
public sealed class Rails : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["rails", "rake"];

    /// <summary>Tasks that delete the data of the database (or of every database of the app, for the :all forms).</summary>
    private static readonly Dictionary<string, string> Destructive = new(StringComparer.Ordinal)
    {
        ["db:drop"] = "drops the database with all its data",
        ["db:drop:all"] = "drops every database of every environment configured locally, with all their data",
        ["db:reset"] = "drops the database and recreates it from the schema: all data is lost",
        ["db:migrate:reset"] = "drops the database and re-runs every migration: all data is lost",
        ["db:schema:load"] = "loads the schema into the database, dropping and recreating every table: all data is lost",
        ["db:structure:load"] = "loads structure.sql into the database, recreating every table: all data is lost",
        ["db:setup"] = "creates the database and loads the schema, which recreates every table of an existing database: its data is lost",
        ["db:purge"] = "empties the database (drops and recreates it): all data is lost",
        ["db:purge:all"] = "empties every database configured locally: all data is lost",
        ["db:truncate_all"] = "truncates every table of the database: all rows are lost",
        ["db:seed:replant"] = "truncates every table and reloads the seeds: all other rows are lost",
        ["db:test:purge"] = "empties the test database",
    };

    /// <summary>Tasks that change the database's schema or data without wiping it.</summary>
    private static readonly Dictionary<string, string> Changes = new(StringComparer.Ordinal)
    {
        ["db:migrate"] = "runs the pending migrations",
        ["db:migrate:up"] = "runs one migration",
        ["db:migrate:down"] = "reverts one migration (its down step may drop tables or columns)",
        ["db:migrate:redo"] = "reverts and re-runs migrations (their down steps may drop tables or columns)",
        ["db:rollback"] = "reverts migrations (their down steps may drop tables or columns)",
        ["db:seed"] = "loads the seeds into the database",
        ["db:prepare"] = "creates or migrates the database",
    };

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "-T", "--tasks", "--version", "-V")) return;
        string? environmentOption = null;
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
        var tasks = new List<Arg>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t is "-e" or "--environment" && i + 1 < args.Count) { environmentOption = args[++i].Text; continue; }
            if (t.StartsWith("--environment=", StringComparison.Ordinal)) { environmentOption = t["--environment=".Length..]; continue; }
            if (t.StartsWith("-e", StringComparison.Ordinal) && t.Length > 2 && args[i].Known) { environmentOption = t[2..]; continue; }
            if (t.StartsWith('-') && args[i].Known) continue;
            // rake (and rails, for tasks) take NAME=value arguments as environment variables.
            if (args[i].Known && t.IndexOf('=') is var eq and > 0 && t[..eq].All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                assigned[t[..eq]] = t[(eq + 1)..];
                continue;
            }
            tasks.Add(args[i]);
        }
        if (tasks.Count == 0) return;
        if (inv.Name == "rails" && tasks[0].Known && !tasks[0].Text.StartsWith("db:", StringComparison.Ordinal)) return; // rails server, console, generate...

        var hints = new List<EnvironmentHint>();
        if (environmentOption is not null) hints.Add(new("Rails environment", environmentOption, "--environment"));
        else if (assigned.TryGetValue("RAILS_ENV", out var argEnv) || assigned.TryGetValue("RACK_ENV", out argEnv)) hints.Add(new("Rails environment", argEnv, "a RAILS_ENV= argument"));
        else hints.AddRange(FrameworkEnvironment.Hints(ctx, inv, "RAILS_ENV", "RACK_ENV"));
        var database = assigned.TryGetValue("DATABASE_URL", out var url) ? DatabaseTargets.FromUrl(url, "a DATABASE_URL= argument") : DatabaseTargets.Url(ctx, inv, "DATABASE_URL");
        if (database is not null) hints.AddRange(database.Hints());
        var env = CloudArgs.Environment(ctx, [], hints);
        var where = database is null ? "" : $" ({SqlClients.Where(database.Host, database.Database)})";
        var noCheck = assigned.ContainsKey("DISABLE_DATABASE_ENVIRONMENT_CHECK") || EnvironmentSources.Variable(inv, ctx.World, "DISABLE_DATABASE_ENVIRONMENT_CHECK").Value is not null
            ? ", with Rails' protected-environment check turned off (DISABLE_DATABASE_ENVIRONMENT_CHECK)" : "";

        foreach (var task in tasks)
        {
            if (!task.Known)
            {
                effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                    $"runs `{inv.Name} {task.Text}`, a task computed at run time (it could be db:drop)", inv) { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
                continue;
            }
            var name = task.Text;
            // `db:drop:primary` / `db:reset:animals`: the same task for one database of a multi-database app.
            var family = Destructive.Keys.Concat(Changes.Keys).Where(k => name == k || name.StartsWith(k + ":", StringComparison.Ordinal)).OrderByDescending(k => k.Length).FirstOrDefault();
            if (family is null) continue;
            var destroys = Destructive.TryGetValue(family, out var what);
            what ??= Changes[family];
            CloudArgs.Add(effects, destroys ? EffectKind.DestroyData : EffectKind.ChangeInfrastructure, $"rails {name}",
                $"`{inv.Name} {name}` {what}{where}{noCheck}", inv, env, recursive: destroys);
        }
    }
}
