using Interlock.Core.Environments;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Schema-migration and ORM command lines that drop a whole database or every table in it (issue 19, item 3):
/// sequelize <c>db:drop</c>/<c>db:migrate:undo:all</c>, typeorm <c>schema:drop</c>/<c>schema:sync</c>, drizzle-kit
/// <c>drop</c>/<c>push --force</c>, knex <c>migrate:rollback --all</c>, flyway <c>clean</c>, liquibase
/// <c>drop-all</c>/<c>dropAll</c>/<c>rollback-count</c>, alembic <c>downgrade base</c>, mix <c>ecto.drop</c>/<c>ecto.reset</c>/
/// <c>ecto.rollback --all</c>. The environment comes from where each tool reads its database: the URL option, the
/// tool's own variable (FLYWAY_URL, LIQUIBASE_COMMAND_URL), DATABASE_URL (the command, the hook's environment, the
/// project's .env) and the framework variable (NODE_ENV, MIX_ENV).
/// </summary>
public sealed class MigrationTools : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } =
        ["sequelize", "sequelize-cli", "typeorm", "typeorm-ts-node-commonjs", "typeorm-ts-node-esm", "drizzle-kit", "knex", "flyway", "liquibase", "alembic", "mix"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "help", "--version", "-v", "--dry-run", "--dryRun", "--sql")) return;
        var words = args.Where(a => !a.Text.StartsWith('-')).ToList();
        var name = inv.Name!;
        string? description = null;
        string[] frameworkVariables = ["NODE_ENV"];
        DatabaseTargets.Target? target = null;
        var sub = words.FirstOrDefault()?.Text;
        switch (name)
        {
            case "sequelize" or "sequelize-cli":
                description = sub switch
                {
                    "db:drop" => "`sequelize db:drop` drops the database with all its data",
                    "db:migrate:undo:all" => "`sequelize db:migrate:undo:all` reverts every migration, dropping the tables they created with their data",
                    "db:seed:undo:all" => "`sequelize db:seed:undo:all` deletes every seeded row",
                    _ => null,
                };
                target = Url(ctx, inv, CloudArgs.Value(args, "--url")?.Text, "DATABASE_URL");
                break;
            case "typeorm" or "typeorm-ts-node-commonjs" or "typeorm-ts-node-esm":
                description = sub switch
                {
                    "schema:drop" => "`typeorm schema:drop` drops every table, view and sequence of the database's schema with their data",
                    "migration:revert" when CloudArgs.Has(args, "--all") => "`typeorm migration:revert` reverts the migrations, dropping what they created",
                    _ => null,
                };
                target = Url(ctx, inv, null, "DATABASE_URL", "TYPEORM_URL");
                break;
            case "drizzle-kit":
                description = sub switch
                {
                    "drop" => "`drizzle-kit drop` deletes migration files the schema history depends on",
                    "push" when CloudArgs.Has(args, "--force") => "`drizzle-kit push --force` changes the database to match the schema and accepts every data-loss statement (dropped tables and columns) without asking",
                    _ => null,
                };
                target = Url(ctx, inv, CloudArgs.Value(args, "--url")?.Text, "DATABASE_URL");
                break;
            case "knex":
                description = sub switch
                {
                    "migrate:rollback" when CloudArgs.Has(args, "--all") => "`knex migrate:rollback --all` reverts every migration, dropping the tables they created with their data",
                    "migrate:down" when CloudArgs.Has(args, "--all") => "`knex migrate:down --all` reverts every migration",
                    _ => null,
                };
                target = Url(ctx, inv, null, "DATABASE_URL");
                break;
            case "flyway":
                description = sub == "clean" ? "`flyway clean` drops every object (tables, views, procedures) in the configured schemas, with their data" : null;
                target = Url(ctx, inv, CloudArgs.Value(args, "-url")?.Text, "FLYWAY_URL", "DATABASE_URL");
                frameworkVariables = [];
                break;
            case "liquibase":
                description = sub switch
                {
                    "drop-all" or "dropAll" => $"`liquibase {sub}` drops every database object in the schema, with its data",
                    "rollback-count" or "rollbackCount" or "rollback-to-date" or "rollbackToDate" or "rollback" => $"`liquibase {sub}` undoes applied changesets, which can drop tables and columns with their data",
                    _ => null,
                };
                target = Url(ctx, inv, CloudArgs.Value(args, "--url")?.Text, "LIQUIBASE_COMMAND_URL", "DATABASE_URL");
                frameworkVariables = [];
                break;
            case "alembic":
                {
                    // `downgrade base` (everything) or a relative step back (`-1`, `-3`) drops what those migrations added.
                    var at = args.ToList().FindIndex(a => a.Text == "downgrade");
                    var revision = at >= 0 && at + 1 < args.Count ? args[at + 1].Text : null;
                    description = revision is not null && (revision == "base" || (revision.StartsWith('-') && revision[1..].All(char.IsAsciiDigit) && revision.Length > 1))
                        ? $"`alembic downgrade {revision}` reverts migrations{(revision == "base" ? " down to an empty schema" : "")}, dropping the tables and columns they added with their data"
                        : null;
                }
                target = Url(ctx, inv, null, "DATABASE_URL", "SQLALCHEMY_DATABASE_URI");
                frameworkVariables = ["FLASK_ENV", "APP_ENV"];
                break;
            case "mix":
                description = sub switch
                {
                    "ecto.drop" => "`mix ecto.drop` drops the repository's database with all its data",
                    "ecto.reset" => "`mix ecto.reset` drops the database and recreates it from the migrations and seeds: all data in it is lost",
                    "ecto.rollback" when CloudArgs.Has(args, "--all") => "`mix ecto.rollback --all` reverts every migration, dropping the tables they created",
                    _ => null,
                };
                target = Url(ctx, inv, null, "DATABASE_URL");
                frameworkVariables = ["MIX_ENV"];
                break;
        }
        if (description is null) return;
        var where = target is null ? "the database the tool is configured for" : SqlClients.Where(target.Host, target.Database);
        var hints = new List<EnvironmentHint>();
        if (target is not null) hints.AddRange(target.Hints());
        if (frameworkVariables.Length > 0) hints.AddRange(FrameworkEnvironment.Hints(ctx, inv, frameworkVariables));
        var named = new List<(string, string?)>();
        if (CloudArgs.Value(args, "--env", "-e")?.Text is { } envName) named.Add(("environment", envName));
        if (name == "mix" && inv.GetEnvironment("MIX_ENV") is { } mixEnv) named.Add(("MIX_ENV", mixEnv));
        CloudArgs.Add(effects, EffectKind.DestroyData, where, $"{description} ({where})", inv, CloudArgs.Environment(ctx, named, hints), recursive: true);
    }

    private static DatabaseTargets.Target? Url(KnowledgeContext ctx, Invocation inv, string? option, params string[] variables) =>
        option is not null ? DatabaseTargets.FromUrl(option.StartsWith("jdbc:", StringComparison.Ordinal) ? option[5..] : option, "the URL option")
        : DatabaseTargets.Url(ctx, inv, variables) is { } t ? t
        : null;
}
