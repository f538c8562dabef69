// Rules for statements that read: SELECT (and SELECT INTO, which writes), WITH and its data-modifying CTEs, EXPLAIN
// (EXPLAIN ANALYZE runs the statement), and the server functions that change state even inside a SELECT.
#nullable enable
using System;

namespace Interlock.Core.Sql;

internal static partial class SqlStatementClassifier
{
    private static SqlVerdict Select(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int into = SqlSyntax.FindTopWord(t, 1, "INTO");
        if (into >= 0 && SelectInto(t, into, ctx) is { } intoVerdict) return intoVerdict;
        if (Dangerous(t) is { } danger) return danger;
        int from = SqlSyntax.FindTopWord(t, 1, "FROM");
        int i = from + 1;
        string? table = from >= 0 ? SqlSyntax.ReadName(t, ref i) : null;
        return new SqlVerdict("SELECT", SqlRisk.Read, table is null ? null : "table", table, table is null ? "reads data" : $"reads from {Q(table)}");
    }

    private static SqlVerdict? SelectInto(ArraySegment<SqlToken> t, int into, SqlContext ctx)
    {
        int i = into + 1;
        if (WAny(t, i, "OUTFILE", "DUMPFILE"))
        {
            string file = i + 1 < t.Count ? t[i + 1].Text : "";
            return new SqlVerdict("SELECT", SqlRisk.Write, "file", file, $"writes query results to file {Q(file)}");
        }
        if (i >= t.Count || t[i].Text.StartsWith('@') || S(t, i, ":") || ctx.Options.Dialect == SqlDialect.MySql) return null;
        i = SqlSyntax.Skip(t, i, "TEMP", "TEMPORARY", "UNLOGGED", "TABLE");
        string? name = SqlSyntax.ReadName(t, ref i);
        return name is null ? null : new SqlVerdict("SELECT", SqlRisk.Write, "table", name, $"creates table {Q(name)} from query results");
    }

    /// <summary>Server functions that change state even inside a SELECT.</summary>
    private static SqlVerdict? Dangerous(ArraySegment<SqlToken> t)
    {
        SqlVerdict? worst = null;
        for (int k = 0; k + 1 < t.Count; k++)
        {
            if (t[k].Kind != SqlTokenKind.Word || !t[k + 1].IsSymbol("(")) continue;
            string name = t[k].Text.ToLowerInvariant();
            SqlVerdict? found = name switch
            {
                "pg_terminate_backend" => new SqlVerdict("SELECT", SqlRisk.Write, "function", name, "terminates other database sessions (pg_terminate_backend)"),
                "pg_cancel_backend" => new SqlVerdict("SELECT", SqlRisk.Write, "function", name, "cancels running queries of other sessions (pg_cancel_backend)"),
                "pg_reload_conf" or "set_config" or "pg_rotate_logfile" or "pg_switch_wal" or "pg_promote" or "setval" or "lo_unlink"
                    or "lo_import" or "lo_export" or "pg_file_write" or "pg_drop_replication_slot" or "pg_create_restore_point" or "writefile" =>
                    new SqlVerdict("SELECT", SqlRisk.Write, "function", name, $"calls {Q(name)}, which changes server state"),
                "dblink_exec" or "load_extension" or "sys_exec" or "sys_eval" =>
                    new SqlVerdict("SELECT", SqlRisk.Unknown, "function", name, $"calls {Q(name)}, which runs code the guard cannot see"),
                _ => null,
            };
            if (found is { } f) worst = worst is { } w ? Worse(w, f) : f;
        }
        return worst;
    }

    private static SqlVerdict With(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        SqlVerdict? worstCte = null;
        for (int k = 1; k < t.Count; k++)
        {
            SqlToken token = t[k];
            if (token.IsSymbol("("))
            {
                int close = SqlSyntax.Close(t, k);
                if (WAny(t, k - 1, "AS", "MATERIALIZED") && close - k - 1 > 0)
                {
                    SqlVerdict body = Classify(t.Slice(k + 1, Math.Min(close, t.Count) - k - 1), ctx.Deeper());
                    worstCte = worstCte is { } w ? Worse(w, body) : body;
                }
                k = close;
                continue;
            }
            if (WAny(t, k, "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE", "REPLACE", "UPSERT"))
            {
                SqlVerdict main = Classify(t.Slice(k), ctx);
                if (worstCte is { } cte && SqlRiskOrder.Rank(cte.Risk) > SqlRiskOrder.Rank(main.Risk))
                    return cte with { Description = "data-modifying CTE: " + cte.Description };
                return main;
            }
        }
        return new SqlVerdict("WITH", SqlRisk.Unknown, null, null, "WITH clause without a main statement");
    }

    private static SqlVerdict Explain(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        bool analyze = false;
        for (int k = 1; k < t.Count; k++)
        {
            if (t[k].IsSymbol("("))
            {
                int close = SqlSyntax.Close(t, k);
                for (int j = k + 1; j < close; j++)
                    if (WAny(t, j, "ANALYZE", "ANALYSE") && !WAny(t, j + 1, "FALSE", "OFF") && !(j + 1 < t.Count && t[j + 1].Text == "0")) analyze = true;
                k = close;
                continue;
            }
            if (WAny(t, k, "ANALYZE", "ANALYSE")) analyze = true;
            if (!WAny(t, k, "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "TABLE", "MERGE", "CREATE", "EXECUTE", "DECLARE", "REPLACE")) continue;
            SqlVerdict inner = Classify(t.Slice(k), ctx.Deeper());
            if (analyze && inner.Risk != SqlRisk.Read)
                return inner with { Verb = "EXPLAIN", Description = "EXPLAIN ANALYZE runs the statement: " + inner.Description };
            return new SqlVerdict("EXPLAIN", SqlRisk.Read, inner.ObjectKind, inner.ObjectName, $"shows the plan of a {inner.Verb} statement without running it");
        }
        return Read("EXPLAIN", "shows a query plan or table description");
    }
}
