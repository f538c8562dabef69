using Interlock.Core.Analysis;
using Interlock.Core.Knowledge;

namespace Interlock.Core.Environments;

/// <summary>
/// The database server a client or framework command talks to, read where they look: connection URLs in variables
/// (<c>DATABASE_URL</c> and the like, also when the command passes <c>"$DATABASE_URL"</c>, which the shell expands
/// from the hook's environment), the clients' own variables (<c>PGHOST</c>/<c>PGDATABASE</c>, <c>MYSQL_HOST</c>),
/// and the project's <c>.env</c> files that frameworks load (Prisma, dotenv). Only the host and the database name
/// are kept: user names and passwords never reach the evidence.
/// </summary>
public static class DatabaseTargets
{
    /// <summary>Variables that hold a connection URL.</summary>
    public static readonly string[] UrlVariables =
        ["DATABASE_URL", "DB_URL", "POSTGRES_URL", "POSTGRESQL_URL", "MYSQL_URL", "REDIS_URL", "MONGODB_URI", "MONGODB_URL", "MONGO_URL", "MONGO_URI"];

    /// <summary>The <c>.env</c> files frameworks load, in the order a value is taken from (the first that sets it).</summary>
    private static readonly string[] DotEnvFiles = [".env.local", ".env"];

    /// <summary>A server and database, with where they were read.</summary>
    public sealed record Target(string? Host, string? Database, string Source)
    {
        public List<EnvironmentHint> Hints() => [new("database host", Host, Source), new("database", Database, Source)];
    }

    /// <summary>The connection URL of <paramref name="text"/> (scheme://user:password@host:port/db?...); null when it is not one.</summary>
    public static Target? FromUrl(string? text, string source)
    {
        if (text is null || !text.Contains("://", StringComparison.Ordinal)) return null;
        var (host, database) = SqlClients.ParseUrl(text, null);
        return host is null && database is null ? null : new Target(host, database, source);
    }

    /// <summary>An argument the shell expands from a connection variable it could not see (<c>"$DATABASE_URL"</c>):
    /// the variable as the hook's environment holds it. Null for anything else.</summary>
    public static Target? FromReference(KnowledgeContext ctx, Invocation inv, Arg arg)
    {
        if (arg.Known || arg.Text.Length < 2 || arg.Text[0] != '$') return null;
        var name = arg.Text[1..];
        if (Array.IndexOf(UrlVariables, name) < 0) return null;
        var (value, source) = EnvironmentSources.Variable(inv, ctx.World, name);
        return value is null ? null : FromUrl(value, source!);
    }

    /// <summary>The host and database of the libpq service named by PGSERVICE, from <c>$PGSERVICEFILE</c> or
    /// <c>~/.pg_service.conf</c> (an INI file, one section per service); null when no service is in use.</summary>
    public static Target? PgService(KnowledgeContext ctx, Invocation inv)
    {
        if (EnvironmentSources.Variable(inv, ctx.World, "PGSERVICE") is not ({ } service, _)) return null;
        var (file, _) = EnvironmentSources.Variable(inv, ctx.World, "PGSERVICEFILE");
        var path = EnvironmentSources.Absolute(inv, file ?? "~/.pg_service.conf");
        if (EnvironmentSources.Read(ctx.World, inv, path) is not { } text) return null;
        var host = EnvironmentSources.IniValue(text, service, "host");
        var database = EnvironmentSources.IniValue(text, service, "dbname");
        return host is null && database is null ? null : new Target(host, database, $"service `{service}` in {EnvironmentSources.Display(inv, path!)}");
    }

    /// <summary>The host the MySQL client reads from its option files when no option names one: <c>--defaults-file</c>,
    /// else <c>~/.my.cnf</c>, sections <c>[mysql]</c> then <c>[client]</c>.</summary>
    public static Target? MyCnf(KnowledgeContext ctx, Invocation inv, string? defaultsFile)
    {
        var path = EnvironmentSources.Absolute(inv, defaultsFile ?? "~/.my.cnf");
        if (EnvironmentSources.Read(ctx.World, inv, path) is not { } text) return null;
        foreach (var section in new[] { "mysql", "client" })
        {
            var host = EnvironmentSources.IniValue(text, section, "host");
            var database = EnvironmentSources.IniValue(text, section, "database");
            if (host is not null || database is not null)
                return new Target(host, database, $"[{section}] of {EnvironmentSources.Display(inv, path!)}");
        }
        return null;
    }

    /// <summary>A client's own variable (<c>PGHOST</c>), as the command sees it, with its source.</summary>
    public static (string? Value, string? Source) ClientVariable(KnowledgeContext ctx, Invocation inv, string name) =>
        EnvironmentSources.Variable(inv, ctx.World, name);

    /// <summary>The first connection URL among <paramref name="names"/>: set in the command or the hook's environment,
    /// else in the project's <c>.env</c> files (searched in the working directory and the repository root).</summary>
    public static Target? Url(KnowledgeContext ctx, Invocation inv, params string[] names) => Url(ctx, inv, names, nameFromConfiguration: false);

    /// <summary>As <see cref="Url(KnowledgeContext, Invocation, string[])"/> for a variable a project file names (prisma's <c>env("NAME")</c>).</summary>
    public static Target? UrlNamedInFile(KnowledgeContext ctx, Invocation inv, string name) => Url(ctx, inv, [name], nameFromConfiguration: true);

    private static Target? Url(KnowledgeContext ctx, Invocation inv, string[] names, bool nameFromConfiguration)
    {
        foreach (var name in names)
        {
            if (inv.Environment.TryGetValue(name, out var inline) && inline is null) return null; // set to something unknown
            var (value, source) = EnvironmentSources.Variable(inv, ctx.World, name, nameFromConfiguration);
            if (value is not null) return FromUrl(value, source!);
        }
        foreach (var name in names)
            if (DotEnv(ctx, inv, name) is ({ } value, { } file))
                return FromUrl(value, $"{name} in {file}");
        return null;
    }

    /// <summary>A variable's value in the project's <c>.env</c> files, with the file it came from.</summary>
    public static (string? Value, string? File) DotEnv(KnowledgeContext ctx, Invocation inv, string name)
    {
        if (inv.Context.RemoteHost is not null || KnowledgeContext.Cwd(inv) is not { } cwd) return (null, null);
        var dirs = new List<string> { cwd };
        if (ctx.World.FindRepositoryRoot(cwd) is { } root && root != cwd && root != "/" && root != inv.Context.Home) dirs.Add(root);
        foreach (var dir in dirs)
            foreach (var file in DotEnvFiles)
            {
                var path = PathResolver.Normalize(dir + "/" + file);
                if (EnvironmentSources.Read(ctx.World, inv, path) is not { } text) continue;
                if (DotEnvValue(text, name) is { } value) return (value, EnvironmentSources.Display(inv, path));
            }
        return (null, null);
    }

    /// <summary><c>NAME=value</c> (also <c>export NAME=value</c>, quoted, with a trailing comment) in dotenv text.</summary>
    public static string? DotEnvValue(string text, string name)
    {
        foreach (var raw in EnvironmentSources.Lines(text))
        {
            var line = raw.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal)) line = line[7..].TrimStart();
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = line[name.Length..].TrimStart();
            if (rest.Length == 0 || rest[0] != '=') continue;
            var value = rest[1..].Trim();
            if (value.Length > 0 && value[0] is '"' or '\'')
            {
                var close = value.IndexOf(value[0], 1);
                return close > 0 ? value[1..close] : value[1..];
            }
            var hash = value.IndexOf(" #", StringComparison.Ordinal);
            return hash >= 0 ? value[..hash].TrimEnd() : value;
        }
        return null;
    }
}
