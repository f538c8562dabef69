using Interlock.Core.Analysis;
using Interlock.Core.Shell;
using Interlock.Core.Sql;

namespace Interlock.Core.Knowledge;

/// <summary>
/// SQL command-line clients (psql, mysql/mariadb, sqlite3, sqlcmd, clickhouse-client, cqlsh) and the
/// database admin tools (dropdb, mysqladmin). The SQL they would run, from arguments, files or standard input,
/// goes through <see cref="SqlClassifier"/>.
/// </summary>
public sealed class SqlClients : ICommandKnowledge
{
    private const int MaxSqlFileBytes = 1024 * 1024;

    /// <summary>How one client takes its SQL, its target and its options.</summary>
    private sealed record Client(
        SqlDialect Dialect,
        string[] QueryOptions,      // -c "SQL"
        string[] FileOptions,       // -f file.sql
        string[] HostOptions,       // -h host
        string[] DatabaseOptions,   // -d db
        string[] ValuedOptions,     // other options that take a value
        bool DatabaseIsFirstOperand,
        bool SqlFollowsDatabase);   // sqlite3 db "SQL"

    private static readonly Client Psql = new(SqlDialect.PostgreSql, ["-c", "--command"], ["-f", "--file"], ["-h", "--host"], ["-d", "--dbname"],
        ["-U", "--username", "-p", "--port", "-v", "--set", "--variable", "-o", "--output", "-P", "--pset", "-F", "-R", "-T", "-L", "--log-file"], true, false);
    private static readonly Client MySql = new(SqlDialect.MySql, ["-e", "--execute"], [], ["-h", "--host"], ["-D", "--database"],
        ["-u", "--user", "-P", "--port", "-S", "--socket", "--default-character-set", "--defaults-file", "--login-path"], true, false);
    private static readonly Client Sqlite = new(SqlDialect.Sqlite, ["-cmd"], [], [], [], ["-separator", "-newline", "-nullvalue"], true, true);
    private static readonly Client SqlCmd = new(SqlDialect.SqlServer, ["-Q", "-q"], ["-i"], ["-S"], ["-d"], ["-U", "-P", "-o", "-v", "-W", "-s", "-w", "-t", "-l", "-H"], false, false);
    private static readonly Client ClickHouse = new(SqlDialect.ClickHouse, ["-q", "--query"], ["--queries-file"], ["-h", "--host"], ["-d", "--database"],
        ["--port", "-u", "--user", "--password", "--format", "-f"], false, false);
    private static readonly Client Cqlsh = new(SqlDialect.Cassandra, ["-e", "--execute"], ["-f", "--file"], [], ["-k", "--keyspace"],
        ["-u", "--username", "-p", "--password", "--cqlversion", "--request-timeout", "--connect-timeout"], false, false);

    public IReadOnlyList<string> Executables { get; } =
        ["psql", "mysql", "mariadb", "sqlite3", "sqlite", "sqlcmd", "clickhouse-client", "clickhouse", "cqlsh", "dropdb", "createdb", "pg_restore", "mysqladmin", "mariadb-admin"];

    /// <summary>psql and mysql take PGPASSWORD/MYSQL_PWD from their environment and print none of it (the other clients
    /// are not vouched for).</summary>
    public InputUse Environment(Invocation inv) => inv.Name is "psql" or "mysql" or "mariadb" ? InputUse.KeepsToItself : InputUse.Unknown;

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        switch (inv.Name)
        {
            case "dropdb":
                DropDb(inv, ctx, effects);
                return;
            case "createdb":
                CreateDb(inv, ctx, effects);
                return;
            case "pg_restore":
                PgRestore(inv, ctx, effects);
                return;
            case "mysqladmin" or "mariadb-admin":
                MysqlAdmin(inv, ctx, effects);
                return;
            case "clickhouse" when args.Count == 0 || args[0].Text != "client":
                return;
        }
        var client = inv.Name switch
        {
            "psql" => Psql,
            "mysql" or "mariadb" => MySql,
            "sqlite3" or "sqlite" => Sqlite,
            "sqlcmd" => SqlCmd,
            "clickhouse-client" or "clickhouse" => ClickHouse,
            _ => Cqlsh,
        };
        if (inv.Name == "clickhouse") args = args.Skip(1).ToList();
        if (args.Any(a => a.Text is "--help" or "--version" or "-V")) return;

        var scripts = new List<(string? Sql, string Source)>();
        string? host = null, database = null;
        var operands = new List<Arg>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            string? Value(string[] names)
            {
                foreach (var n in names)
                {
                    if (t == n) return i + 1 < args.Count ? (args[++i].Known ? args[i].Text : "\0") : null;
                    if (n.StartsWith("--") && t.StartsWith(n + "=")) return args[i].Known ? t[(n.Length + 1)..] : "\0";
                    if (!n.StartsWith("--") && n.Length == 2 && t.StartsWith(n) && t.Length > 2) return args[i].Known ? t[2..] : "\0";
                }
                return null;
            }
            if (Value(client.QueryOptions) is { } q) { scripts.Add((q == "\0" ? null : q, "the query argument")); continue; }
            if (Value(client.FileOptions) is { } f) { scripts.Add((f == "\0" ? null : ReadFile(f, inv, ctx), $"the file {f}")); continue; }
            if (Value(client.HostOptions) is { } h) { host = h; continue; }
            if (Value(client.DatabaseOptions) is { } d) { database = d; continue; }
            if (Value(client.ValuedOptions) is not null) continue;
            if (t.StartsWith('-') && args[i].Known) continue;
            operands.Add(args[i]);
        }
        string? hostSource = null, databaseSource = null;
        if (client.DatabaseIsFirstOperand && operands.Count > 0)
        {
            // `psql "$DATABASE_URL"`: the shell expands it from the hook's environment, where the guard can read it.
            if (database is null && Environments.DatabaseTargets.FromReference(ctx, inv, operands[0]) is { } referenced)
            {
                (host, hostSource) = host is null ? (referenced.Host, referenced.Source) : (host, null);
                (database, databaseSource) = (referenced.Database, referenced.Source);
            }
            else database ??= operands[0].Text;
            if (client.SqlFollowsDatabase)
                foreach (var sql in operands.Skip(1)) scripts.Add((sql.Known ? sql.Text : null, "the query argument"));
        }
        if (database is not null && database.Contains("://")) (host, database) = ParseUrl(database, host);
        if (client == Cqlsh && operands.Count > 0) host ??= operands[0].Text;
        // The clients' own environment variables name the server when no option does: set in the command, or in the
        // hook's environment (then the evidence says so).
        var hostVariable = inv.Name switch
        {
            "psql" => "PGHOST",
            "mysql" or "mariadb" => "MYSQL_HOST",
            "clickhouse-client" or "clickhouse" => "CLICKHOUSE_HOST",
            _ => null,
        };
        if (host is null && hostVariable is not null) (host, hostSource) = ClientVariable(hostVariable);
        if (database is null && inv.Name == "psql") (database, databaseSource) = ClientVariable("PGDATABASE");
        // Then the clients' own configuration files: the libpq service file, the MySQL option files.
        var configured = host is not null ? null
            : inv.Name == "psql" ? Environments.DatabaseTargets.PgService(ctx, inv)
            : inv.Name is "mysql" or "mariadb" ? Environments.DatabaseTargets.MyCnf(ctx, inv, args.FirstOrDefault(a => a.Text.StartsWith("--defaults-file=", StringComparison.Ordinal))?.Text[16..])
            : null;
        if (configured is not null)
        {
            (host, hostSource) = (configured.Host, configured.Source);
            if (database is null) (database, databaseSource) = (configured.Database, configured.Source);
        }
        (string?, string?) ClientVariable(string name)
        {
            var (value, source) = Environments.DatabaseTargets.ClientVariable(ctx, inv, name);
            return (value, inv.Environment.ContainsKey(name) ? null : source);
        }

        // With no query or file option, the client runs what arrives on standard input (a here-doc, a pipe, `< file`).
        if (scripts.Count == 0)
        {
            var input = inv.Redirects.LastOrDefault(r => r.Kind == RedirectKind.Input && r.Fd is null or 0);
            if (inv.Stdin is { } text) scripts.Add((text, "standard input"));
            else if (input is not null) scripts.Add((input.Target.Known ? ReadFile(input.Target.Text, inv, ctx) : null, $"the file {input.Target.Text}"));
            else if (inv.StdinFromUnknown is { } producer) scripts.Add((null, producer));
        }

        var env = KnowledgeContext.Strictest(ctx.InferEnvironment("database host", host, hostSource), ctx.InferEnvironment("database", database, databaseSource));
        var where = Where(host, database);
        foreach (var (sql, source) in scripts)
        {
            if (sql is null)
            {
                effects.Add(new Effect(EffectKind.Indeterminate, where, PathClass.Unknown, false, false,
                    $"`{inv.Name}` runs SQL from {source}, which cannot be read in advance", inv) { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
                continue;
            }
            AddSqlEffects(SqlClassifier.Analyze(sql, client.Dialect), inv, where, env, effects);
        }
    }

    /// <summary>Turns classified statements into effects: destructive ones destroy data, writes change state
    /// (asked in production), unknown ones are indeterminate, reads are nothing.</summary>
    public static void AddSqlEffects(SqlAnalysis analysis, Invocation inv, string where, (TargetEnvironment Environment, string? Evidence) env, List<Effect> effects)
    {
        if (analysis.Error is not null || analysis.Truncated)
            effects.Add(new Effect(EffectKind.Indeterminate, where, PathClass.Unknown, false, false,
                $"the SQL could not be fully analysed ({analysis.Error ?? "too many statements"})", inv) { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
        foreach (var s in analysis.Statements)
        {
            var kind = s.Risk switch
            {
                SqlRisk.Destructive => EffectKind.DestroyData,
                SqlRisk.Write or SqlRisk.BoundedWrite or SqlRisk.SchemaChange => EffectKind.ChangeInfrastructure,
                SqlRisk.Unknown => EffectKind.Indeterminate,
                _ => (EffectKind?)null,
            };
            if (kind is null) continue;
            var target = s.ObjectName is null ? where : $"{s.ObjectKind?.ToLowerInvariant() ?? "object"} {s.ObjectName} in {where}";
            effects.Add(new Effect(kind.Value, target, PathClass.Unknown, s.Cascade, false, $"{s.Description} in {where}", inv, s.Verb)
            {
                Environment = env.Environment,
                EnvironmentEvidence = env.Evidence,
            });
        }
    }

    /// <summary>A SQL file a client runs, read through the world view (bounded); null when it runs elsewhere or cannot be read.</summary>
    internal static string? ReadFile(string path, Invocation inv, KnowledgeContext ctx)
    {
        if (inv.Context.RemoteHost is not null) return null;
        var abs = PathResolver.Combine(KnowledgeContext.Cwd(inv), path);
        return abs is null ? null : ctx.World.ReadTextFile(abs, MaxSqlFileBytes);
    }

    public static string Where(string? host, string? database) =>
        (database, host) switch
        {
            (null, null) => "the default database",
            ({ } d, null) => $"database `{d}`",
            (null, { } h) => $"the database server `{h}`",
            ({ } d, { } h) => $"database `{d}` on `{h}`",
        };

    /// <summary>postgres://user:pw@host:5432/db?x=y → (host, db).</summary>
    public static (string? Host, string? Database) ParseUrl(string url, string? host)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var at = rest.LastIndexOf('@');
        if (at >= 0) rest = rest[(at + 1)..];
        var slash = rest.IndexOf('/');
        var hostPart = slash >= 0 ? rest[..slash] : rest;
        var db = slash >= 0 ? rest[(slash + 1)..] : null;
        if (db is not null && db.IndexOf('?') is var q and >= 0) db = db[..q];
        var colon = hostPart.LastIndexOf(':');
        if (colon > 0) hostPart = hostPart[..colon];
        return (hostPart.Length > 0 ? hostPart : host, string.IsNullOrEmpty(db) ? null : db);
    }

    private static void DropDb(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, f => f is "-h" or "--host" or "-p" or "--port" or "-U" or "--username" or "--maintenance-db");
        if (flags.Contains("--help") || flags.Contains("--version")) return;
        var hostIndex = flags.FindIndex(f => f is "-h" or "--host");
        var host = hostIndex >= 0 && hostIndex + 1 < flags.Count ? flags[hostIndex + 1] : flags.FirstOrDefault(f => f.StartsWith("--host="))?[7..];
        string? hostSource = null;
        if (host is null) (host, hostSource) = Environments.DatabaseTargets.ClientVariable(ctx, inv, "PGHOST");
        foreach (var db in operands)
        {
            var env = KnowledgeContext.Strictest(ctx.InferEnvironment("database host", host, hostSource), ctx.InferEnvironment("database", db.Text));
            effects.Add(new Effect(EffectKind.DestroyData, $"database {db.Text}", PathClass.Unknown, true, false,
                $"`dropdb` drops the whole database `{db.Text}`{(host is null ? "" : $" on `{host}`")} with every table in it", inv)
            { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
        }
    }

    /// <summary><c>pg_restore -d db</c> loads a dump into a database; with <c>--clean</c>/<c>-c</c> it first drops every
    /// object the dump holds, so rows added since the dump are lost. Without <c>-d</c> it only prints a script.</summary>
    private static void PgRestore(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-?", "--version", "-V", "--list", "-l")) return;
        var database = CloudArgs.Value(args, "-d", "--dbname")?.Text;
        if (database is null) return;
        var host = CloudArgs.Value(args, "-h", "--host")?.Text;
        string? hostSource = null;
        if (database.Contains("://")) (host, database) = ParseUrl(database, host);
        if (host is null) (host, hostSource) = Environments.DatabaseTargets.ClientVariable(ctx, inv, "PGHOST");
        var env = KnowledgeContext.Strictest(ctx.InferEnvironment("database host", host, hostSource), ctx.InferEnvironment("database", database));
        var where = Where(host, database);
        // `-c` may come in a cluster of short flags (`-cv`, `-Oc`), up to the first option that takes a value.
        var clean = args.Any(a => a.Text == "--clean" || (a.Text.Length > 1 && a.Text[0] == '-' && a.Text[1] != '-'
            && a.Text[1..].TakeWhile(c => "dfFhIjLnNpPsStTUW".IndexOf(c) < 0).Contains('c')));
        if (clean)
            CloudArgs.Add(effects, EffectKind.DestroyData, where, $"`pg_restore --clean` drops every object the dump holds in {where} before recreating it: rows written since the dump are lost", inv, env, recursive: true);
        else
            CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where, $"`pg_restore` loads the dump into {where}", inv, env);
    }

    private static void CreateDb(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, f => f is "-h" or "--host" or "-p" or "--port" or "-U" or "--username" or "-O" or "--owner" or "-T" or "--template" or "-E" or "--encoding");
        var hostIndex = flags.FindIndex(f => f is "-h" or "--host");
        var host = hostIndex >= 0 && hostIndex + 1 < flags.Count ? flags[hostIndex + 1] : inv.GetEnvironment("PGHOST");
        foreach (var db in operands.Take(1))
        {
            var env = KnowledgeContext.Strictest(ctx.InferEnvironment("database host", host), ctx.InferEnvironment("database", db.Text));
            effects.Add(new Effect(EffectKind.ChangeInfrastructure, $"database {db.Text}", PathClass.Unknown, false, true,
                $"`createdb` creates the database `{db.Text}`{(host is null ? "" : $" on `{host}`")}", inv)
            { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
        }
    }

    private static void MysqlAdmin(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, f => f is "-h" or "--host" or "-u" or "--user" or "-P" or "--port" or "-S" or "--socket");
        var hostIndex = flags.FindIndex(f => f is "-h" or "--host");
        var host = hostIndex >= 0 && hostIndex + 1 < flags.Count ? flags[hostIndex + 1] : null;
        for (var i = 0; i < operands.Count; i++)
        {
            var verb = operands[i].Text.ToLowerInvariant();
            if (verb is "drop" && i + 1 < operands.Count)
            {
                var db = operands[i + 1].Text;
                var env = KnowledgeContext.Strictest(ctx.InferEnvironment("database host", host), ctx.InferEnvironment("database", db));
                effects.Add(new Effect(EffectKind.DestroyData, $"database {db}", PathClass.Unknown, true, false,
                    $"`mysqladmin drop` drops the whole database `{db}`{(host is null ? "" : $" on `{host}`")}", inv)
                { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
                i++;
            }
            else if (verb is "shutdown")
            {
                var env = ctx.InferEnvironment("database host", host);
                effects.Add(new Effect(EffectKind.DisruptSystem, host ?? "the local MySQL server", PathClass.Unknown, false, true,
                    $"`mysqladmin shutdown` stops the MySQL server{(host is null ? "" : $" on `{host}`")}", inv)
                { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
            }
        }
    }
}
