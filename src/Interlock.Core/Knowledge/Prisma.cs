using Interlock.Core.Environments;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Prisma's CLI (also through <c>npx</c>, <c>pnpm exec</c>, <c>bunx</c>): <c>migrate reset</c> drops the database
/// and rebuilds it from the migrations, <c>db push --force-reset</c> resets it before pushing the schema, and
/// <c>db push --accept-data-loss</c> drops what the schema no longer has; <c>migrate deploy</c> applies pending
/// migrations (a change, asked in production). The database is the one the schema's datasource names:
/// <c>url = env("DATABASE_URL")</c> (read from the command, the hook's environment, or the project's .env files,
/// as Prisma loads them), or a literal URL; <c>NODE_ENV</c> counts too.
/// </summary>
public sealed class Prisma : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["prisma"];

    private static readonly HashSet<string> Valued = ["--schema", "--url", "--from-url", "--to-url", "--shadow-database-url", "--name", "-n", "--file", "--datasource"];

    /// <summary>The schema files Prisma looks for when --schema is not given (relative to the working directory).</summary>
    private static readonly string[] DefaultSchemas = ["prisma/schema.prisma", "schema.prisma"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "--version", "-v")) return;
        var words = CloudArgs.Operands(args, Valued.Contains);
        if (words.Count < 2) return;
        if (!words[0].Known || !words[1].Known)
        {
            CloudArgs.IsUnknownSubcommand(words[0].Known ? words[1] : words[0], "prisma", "`migrate reset`, which drops the database", inv, effects);
            return;
        }
        var (group, sub) = (words[0].Text, words[1].Text);
        var force = CloudArgs.Has(args, "--force", "-f");
        string description;
        EffectKind kind;
        switch (group, sub)
        {
            case ("migrate", "reset"):
                kind = EffectKind.DestroyData;
                description = "`prisma migrate reset` drops the database (or every table in its schema), recreates it and re-applies every migration: all data in it is lost" +
                              (force ? ", without asking for confirmation (--force)" : "");
                break;
            case ("db", "push") when CloudArgs.Has(args, "--force-reset"):
                kind = EffectKind.DestroyData;
                description = "`prisma db push --force-reset` resets the database (drops every table and its data) before pushing the schema";
                break;
            case ("db", "push") when CloudArgs.Has(args, "--accept-data-loss"):
                kind = EffectKind.DestroyData;
                description = "`prisma db push --accept-data-loss` changes the database to match the schema and drops the tables and columns it no longer has, with their data";
                break;
            case ("db", "push"):
                kind = EffectKind.ChangeInfrastructure;
                description = "`prisma db push` changes the database's tables to match the schema (it stops before losing data)";
                break;
            case ("migrate", "deploy"):
                kind = EffectKind.ChangeInfrastructure;
                description = "`prisma migrate deploy` applies the pending migrations to the database";
                break;
            default:
                return;
        }

        var target = Database(ctx, inv, CloudArgs.Value(args, "--schema")?.Text, CloudArgs.Value(args, "--url")?.Text);
        var where = target is null ? "the database of the schema's datasource" : SqlClients.Where(target.Host, target.Database);
        var hints = new List<EnvironmentHint>();
        if (target is not null) hints.AddRange(target.Hints());
        hints.AddRange(FrameworkEnvironment.Hints(ctx, inv, "NODE_ENV"));
        CloudArgs.Add(effects, kind, where, $"{description} ({where})", inv, CloudArgs.Environment(ctx, [], hints), recursive: kind == EffectKind.DestroyData);
    }

    /// <summary>The database the schema's datasource names: its <c>url</c> (a literal, or <c>env("NAME")</c> read where
    /// Prisma reads it), or DATABASE_URL when the schema cannot be read.</summary>
    private static DatabaseTargets.Target? Database(KnowledgeContext ctx, Invocation inv, string? schemaOption, string? urlOption)
    {
        if (urlOption is not null) return DatabaseTargets.FromUrl(urlOption, "--url");
        var variable = "DATABASE_URL";
        foreach (var candidate in schemaOption is null ? DefaultSchemas : [schemaOption])
        {
            var path = EnvironmentSources.Absolute(inv, candidate);
            if (EnvironmentSources.Read(ctx.World, inv, path) is not { } schema) continue;
            var (literal, name) = DatasourceUrl(schema);
            if (literal is not null) return DatabaseTargets.FromUrl(literal, $"the datasource url in {EnvironmentSources.Display(inv, path!)}");
            if (name is not null) variable = name;
            break;
        }
        return DatabaseTargets.UrlNamedInFile(ctx, inv, variable);
    }

    /// <summary>The <c>url</c> of the schema's <c>datasource</c> block: a literal string, or the variable of <c>env("NAME")</c>.</summary>
    public static (string? Literal, string? Variable) DatasourceUrl(string schema)
    {
        var inDatasource = false;
        foreach (var raw in EnvironmentSources.Lines(schema))
        {
            var line = raw.Trim();
            if (line.StartsWith("datasource ", StringComparison.Ordinal)) { inDatasource = true; continue; }
            if (!inDatasource) continue;
            if (line.StartsWith('}')) break;
            if (!line.StartsWith("url", StringComparison.Ordinal)) continue;
            var value = line[3..].TrimStart();
            if (value.Length == 0 || value[0] != '=') continue;
            value = value[1..].Trim();
            if (value.StartsWith("env(", StringComparison.Ordinal))
            {
                var inner = value[4..].TrimStart();
                if (inner.Length > 1 && inner[0] == '"' && inner.IndexOf('"', 1) is var close and > 1) return (null, inner[1..close]);
                return (null, null);
            }
            if (value.Length > 1 && value[0] == '"' && value.IndexOf('"', 1) is var end and > 1) return (value[1..end], null);
            return (null, null);
        }
        return (null, null);
    }
}
