// Rules for statements that belong to one engine: COPY (PostgreSQL), LOAD DATA, RESET and SOURCE (MySQL),
// BULK INSERT and RESTORE (SQL Server), PRAGMA (SQLite).
#nullable enable
using System;

namespace Interlock.Core.Sql;

internal static partial class SqlStatementClassifier
{
    private static SqlVerdict Copy(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "INTO");
        string? table = null;
        if (S(t, i, "(")) i = SqlSyntax.Close(t, i) + 1;
        else table = SqlSyntax.ReadName(t, ref i);
        if (FindWordAnywhere(t, "PROGRAM"))
            return new SqlVerdict("COPY", SqlRisk.Unknown, "table", table, "runs a shell command on the database server (COPY ... PROGRAM)");
        if (SqlSyntax.FindTopWord(t, i, "FROM") >= 0)
            return new SqlVerdict("COPY", SqlRisk.BoundedWrite, "table", table, $"loads rows into {Q(table)}");
        if (SqlSyntax.FindTopWord(t, i, "TO") >= 0)
            return new SqlVerdict("COPY", SqlRisk.Read, "table", table, table is null ? "exports query results" : $"exports {Q(table)}");
        return Unrecognised("COPY", "COPY without FROM or TO");
    }

    private static SqlVerdict Load(ArraySegment<SqlToken> t)
    {
        if (!W(t, 1, "DATA") && !W(t, 1, "XML")) return Write("LOAD", "loads a server library or extension");
        int into = SqlSyntax.FindTopWord(t, 1, "INTO");
        int i = SqlSyntax.Skip(t, into + 1, "TABLE");
        string? table = into >= 0 ? SqlSyntax.ReadName(t, ref i) : null;
        return new SqlVerdict("LOAD", SqlRisk.Write, "table", table, $"loads rows from a file into {Q(table)}");
    }

    private static SqlVerdict Bulk(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "INSERT");
        string? table = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("BULK", SqlRisk.BoundedWrite, "table", table, $"bulk-loads rows into {Q(table)} from a file");
    }

    private static SqlVerdict Restore(ArraySegment<SqlToken> t)
    {
        if (WAny(t, 1, "HEADERONLY", "FILELISTONLY", "VERIFYONLY", "LABELONLY")) return Read("RESTORE", "inspects a backup");
        int i = 1;
        string kind = SqlSyntax.ReadKind(t, ref i);
        string? name = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("RESTORE", SqlRisk.Destructive, kind, name, $"restores {kind} {Q(name)} from a backup, overwriting its current contents");
    }

    private static SqlVerdict Reset(ArraySegment<SqlToken> t)
    {
        if (W(t, 1, "MASTER") || (W(t, 1, "BINARY") && W(t, 2, "LOGS")))
            return new SqlVerdict("RESET", SqlRisk.Destructive, null, null, "deletes every binary log file");
        if (WAny(t, 1, "REPLICA", "SLAVE", "QUERY", "PERSIST")) return Write("RESET", "resets replication or server state");
        return Read("RESET", "resets a session setting");
    }

    private static SqlVerdict SourceFile(ArraySegment<SqlToken> t)
    {
        string file = t.Count > 1 ? t[1].Text : "";
        return new SqlVerdict("SOURCE", SqlRisk.Unknown, "file", file, $"runs SQL from file {Q(file)}");
    }

    private static SqlVerdict Pragma(ArraySegment<SqlToken> t)
    {
        int i = 1;
        string? name = SqlSyntax.ReadName(t, ref i);
        return S(t, i, "=")
            ? new SqlVerdict("PRAGMA", SqlRisk.Write, "setting", name, $"changes SQLite setting {Q(name)}")
            : new SqlVerdict("PRAGMA", SqlRisk.Read, "setting", name, $"reads SQLite setting {Q(name)}");
    }
}
