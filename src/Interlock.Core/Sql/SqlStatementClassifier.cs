// Classifies one SQL statement: the verb dispatch and the helpers every rule uses. The rules for each statement
// family live beside it in SqlStatementClassifier.<Family>.cs (Query, Dml, Ddl, Session, Nested, Engines).
#nullable enable
using System;

namespace Interlock.Core.Sql;

internal sealed record SqlContext(string Text, SqlLexOptions Options, int Nesting)
{
    public SqlContext Deeper() => this with { Nesting = Nesting + 1 };
}

internal readonly record struct SqlVerdict(string Verb, SqlRisk Risk, string? ObjectKind, string? ObjectName, string Description, bool Cascade = false);

/// <summary>Classifies one statement's tokens.</summary>
internal static partial class SqlStatementClassifier
{
    private const int MaxNesting = 8;

    public static SqlVerdict Classify(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int i = 0;
        while (i < t.Count && t[i].IsSymbol("(")) i++;
        if (i >= t.Count) return Unrecognised(t.Count > 0 ? t[0].Text : "", "statement has no verb");
        SqlToken first = t[i];
        if (first.Kind != SqlTokenKind.Word) return Unrecognised(first.Text, $"unrecognised statement starting with {SqlSyntax.Q(Short(first.Text))}");
        string verb = first.Text.ToUpperInvariant();
        if (ctx.Nesting > MaxNesting) return new SqlVerdict(verb, SqlRisk.Unknown, null, null, "statement is nested too deeply to analyse");
        ArraySegment<SqlToken> s = t.Slice(i);
        return verb switch
        {
            "SELECT" => Select(s, ctx),
            "WITH" => With(s, ctx),
            "VALUES" => Dangerous(s) ?? Read(verb, "produces literal rows"),
            "TABLE" => ReadObject(s, "TABLE", "reads table"),
            "INSERT" => Insert(s),
            "REPLACE" => Replace(s),
            "UPSERT" => Upsert(s),
            "MERGE" => Merge(s),
            "UPDATE" => Update(s, ctx),
            "DELETE" => Delete(s, ctx),
            "TRUNCATE" => Truncate(s),
            "DROP" => Drop(s),
            "ALTER" => Alter(s, ctx),
            "CREATE" => Create(s),
            "GRANT" or "REVOKE" or "DENY" => Grant(s, verb),
            "RENAME" => Rename(s),
            "COMMENT" => Comment(s),
            "REASSIGN" => Named(s, 3, verb, SqlRisk.SchemaChange, "role", "reassigns ownership of every object owned by"),
            "SECURITY" or "IMPORT" or "ATTACH" or "DETACH" or "UNDROP" or "EXCHANGE" or "INSTALL" or "UNINSTALL" =>
                new SqlVerdict(verb, SqlRisk.SchemaChange, null, null, $"{verb} statement: changes the schema or server setup"),
            "EXPLAIN" => Explain(s, ctx),
            "SHOW" or "LIST" or "HELP" or "CHECKSUM" or "CHECK" or "EXISTS" or "WATCH" or "HANDLER" => Read(verb, $"{verb} statement: reads metadata or data"),
            "DESCRIBE" or "DESC" => ReadObject(s, verb, "describes"),
            "USE" => ReadObject(s, verb, "switches to database"),
            "SET" => Set(s),
            "PRAGMA" => Pragma(s),
            "BEGIN" => Begin(s, ctx),
            "START" => WAny(s, 1, "SLAVE", "REPLICA") ? Write(verb, "starts replication") : Read(verb, "transaction control"),
            "COMMIT" or "ROLLBACK" or "END" or "ABORT" or "SAVEPOINT" or "RELEASE" or "SAVE" or "APPLY" => Read(verb, "transaction control"),
            "PREPARE" or "DEALLOCATE" or "DECLARE" or "FETCH" or "MOVE" or "CLOSE" or "OPEN" or "LISTEN" or "UNLISTEN" or "DISCARD"
                or "UNLOCK" or "PRINT" or "WAITFOR" or "IF" or "ELSE" or "ELSIF" or "WHILE" or "LOOP" or "RETURN" or "BREAK" or "CONTINUE"
                or "GOTO" or "THROW" or "RAISERROR" or "RAISE" or "SIGNAL" or "RESIGNAL" or "LEAVE" or "ITERATE" or "NULL" or "PERFORM"
                or "CONSISTENCY" or "SERIAL" or "TRACING" or "PAGING" or "EXPAND" or "CAPTURE" or "CLEAR" or "CLS" =>
                Read(verb, "session or control-flow statement"),
            "CALL" => Named(s, 1, verb, SqlRisk.Write, "procedure", "calls procedure"),
            "EXEC" or "EXECUTE" => Execute(s, ctx),
            "DO" => Do(s, ctx),
            "COPY" => Copy(s),
            "LOAD" => Load(s),
            "BULK" => Bulk(s),
            "RESTORE" => Restore(s),
            "BACKUP" => Read(verb, "backs up data"),
            "DBCC" => FindWordAnywhere(s, "REPAIR_ALLOW_DATA_LOSS")
                ? new SqlVerdict(verb, SqlRisk.Destructive, null, null, "DBCC repair with REPAIR_ALLOW_DATA_LOSS may delete data")
                : Write(verb, $"runs DBCC {Upper(s, 1)}"),
            "SHUTDOWN" => new SqlVerdict(verb, SqlRisk.Destructive, null, null, "shuts down the database server"),
            "KILL" => Write(verb, "terminates a session or query"),
            "RESET" => Reset(s),
            "PURGE" => Write(verb, "purges logs"),
            "FLUSH" => Write(verb, "flushes server caches, tables or logs"),
            "LOCK" => Write(verb, "locks tables"),
            "ANALYZE" or "ANALYSE" => Write(verb, "collects table statistics"),
            "VACUUM" => Write(verb, "vacuums (rewrites) tables"),
            "REINDEX" => Write(verb, "rebuilds indexes"),
            "CLUSTER" => Write(verb, "reorders a table by an index"),
            "CHECKPOINT" => Write(verb, "forces a checkpoint"),
            "OPTIMIZE" => Write(verb, "rewrites table storage"),
            "REPAIR" => Write(verb, "repairs a table"),
            "REFRESH" => Write(verb, "refreshes a materialized view"),
            "NOTIFY" => Write(verb, "sends a notification"),
            "RECONFIGURE" => Write(verb, "applies server configuration"),
            "SYSTEM" => ctx.Options.Dialect == SqlDialect.ClickHouse
                ? Write(verb, $"runs SYSTEM {Upper(s, 1)}")
                : new SqlVerdict(verb, SqlRisk.Unknown, null, null, "runs a shell command (mysql client `system`)"),
            "SOURCE" => SourceFile(s),
            _ => Unrecognised(verb, $"unrecognised statement {SqlSyntax.Q(Short(verb))}"),
        };
    }

    private static string Short(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private static bool W(ArraySegment<SqlToken> t, int i, string keyword) => SqlSyntax.W(t, i, keyword);

    private static bool WAny(ArraySegment<SqlToken> t, int i, params ReadOnlySpan<string> keywords) => SqlSyntax.WAny(t, i, keywords);

    private static string Upper(ArraySegment<SqlToken> t, int i) => SqlSyntax.Upper(t, i);

    private static string Q(string? name) => SqlSyntax.Q(name);

    private static bool S(ArraySegment<SqlToken> t, int i, string symbol) => SqlSyntax.S(t, i, symbol);

    private static SqlVerdict Read(string verb, string description) => new(verb, SqlRisk.Read, null, null, description);

    private static SqlVerdict Write(string verb, string description) => new(verb, SqlRisk.Write, null, null, description);

    private static SqlVerdict Unrecognised(string verb, string description) => new(Short(verb.ToUpperInvariant()), SqlRisk.Unknown, null, null, description);

    private static bool FindWordAnywhere(ArraySegment<SqlToken> t, string keyword)
    {
        foreach (SqlToken token in t)
            if (token.IsWord(keyword)) return true;
        return false;
    }

    private static SqlVerdict Worse(SqlVerdict current, SqlVerdict candidate) =>
        SqlRiskOrder.Rank(candidate.Risk) > SqlRiskOrder.Rank(current.Risk) ? candidate : current;

    private static SqlVerdict ReadObject(ArraySegment<SqlToken> t, string verb, string action)
    {
        int i = 1;
        string? name = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict(verb, SqlRisk.Read, null, name, name is null ? action : $"{action} {Q(name)}");
    }

    private static SqlVerdict Named(ArraySegment<SqlToken> t, int nameIndex, string verb, SqlRisk risk, string kind, string action)
    {
        int i = nameIndex;
        string? name = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict(verb, risk, kind, name, $"{action} {Q(name)}");
    }
}
