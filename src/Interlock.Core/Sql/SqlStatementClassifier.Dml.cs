// Rules for statements that change rows: INSERT, REPLACE, UPSERT, MERGE, UPDATE, DELETE, and the shared WHERE analysis
// that tells a bounded write from one that touches every row (no WHERE, or a WHERE that is always true).
#nullable enable
using System;

namespace Interlock.Core.Sql;

internal static partial class SqlStatementClassifier
{
    private static SqlVerdict Insert(ArraySegment<SqlToken> t)
    {
        int i = 1;
        bool overwrite = false;
        string action = "inserts rows into";
        while (i < t.Count)
        {
            if (WAny(t, i, "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "INTO", "TABLE", "FUNCTION")) i++;
            else if (W(t, i, "OVERWRITE")) { overwrite = true; i++; }
            else if (W(t, i, "OR"))
            {
                if (W(t, i + 1, "REPLACE")) action = "inserts or replaces rows in";
                i += 2;
            }
            else break;
        }
        string? table = SqlSyntax.ReadName(t, ref i);
        if (overwrite) return new SqlVerdict("INSERT", SqlRisk.Destructive, "table", table, $"replaces every row of {Q(table)} (INSERT OVERWRITE)");
        return new SqlVerdict("INSERT", SqlRisk.BoundedWrite, "table", table, $"{action} {Q(table)}");
    }

    private static SqlVerdict Replace(ArraySegment<SqlToken> t)
    {
        int i = 1;
        if (W(t, 1, "TABLE"))
        {
            i = 2;
            string? replaced = SqlSyntax.ReadName(t, ref i);
            return new SqlVerdict("REPLACE", SqlRisk.Destructive, "table", replaced, $"replaces table {Q(replaced)} (its existing data is dropped)");
        }
        i = SqlSyntax.Skip(t, i, "LOW_PRIORITY", "DELAYED", "INTO");
        string? table = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("REPLACE", SqlRisk.BoundedWrite, "table", table, $"inserts or replaces rows in {Q(table)}");
    }

    private static SqlVerdict Upsert(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "INTO");
        string? table = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("UPSERT", SqlRisk.BoundedWrite, "table", table, $"inserts or updates rows in {Q(table)}");
    }

    private static SqlVerdict Merge(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "INTO");
        string? table = SqlSyntax.ReadName(t, ref i);
        string extra = FindWordAnywhere(t, "DELETE") ? " (and may delete rows)" : "";
        return new SqlVerdict("MERGE", SqlRisk.BoundedWrite, "table", table, $"merges rows into {Q(table)}{extra}");
    }

    private static int SkipTop(ArraySegment<SqlToken> t, int i, ref bool capped)
    {
        if (!W(t, i, "TOP")) return i;
        capped = true;
        return S(t, i + 1, "(") ? SqlSyntax.Close(t, i + 1) + 1 : i + 2;
    }

    private static SqlVerdict Update(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int i = 1;
        bool capped = false;
        while (i < t.Count)
        {
            if (WAny(t, i, "LOW_PRIORITY", "IGNORE", "ONLY")) i++;
            else if (W(t, i, "OR")) i += 2;
            else if (W(t, i, "TOP")) i = SkipTop(t, i, ref capped);
            else break;
        }
        if (W(t, i, "STATISTICS") && SqlSyntax.FindTopWord(t, i, "SET") < 0) return Write("UPDATE", "updates optimizer statistics");
        string? table = SqlSyntax.ReadName(t, ref i);
        return Filtered("UPDATE", "updates", table, t, i, ctx, capped);
    }

    private static SqlVerdict Delete(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int i = 1;
        bool capped = false;
        while (i < t.Count)
        {
            if (WAny(t, i, "LOW_PRIORITY", "QUICK", "IGNORE")) i++;
            else if (W(t, i, "TOP")) i = SkipTop(t, i, ref capped);
            else break;
        }
        string? table;
        if (W(t, i, "FROM"))
        {
            i = SqlSyntax.Skip(t, i + 1, "ONLY");
            table = SqlSyntax.ReadName(t, ref i);
        }
        else
        {
            int from = SqlSyntax.FindTopWord(t, i, "FROM");
            int where = SqlSyntax.FindTopWord(t, i, "WHERE");
            if (from >= 0 && (where < 0 || from < where))
            {
                // Cassandra lists columns before FROM; MySQL lists the target tables there.
                int k = ctx.Options.Dialect == SqlDialect.Cassandra ? from + 1 : i;
                table = ctx.Options.Dialect == SqlDialect.Cassandra ? SqlSyntax.ReadName(t, ref k) : SqlSyntax.JoinNames(SqlSyntax.ReadNameList(t, ref k));
            }
            else table = SqlSyntax.ReadName(t, ref i);
        }
        return Filtered("DELETE", "deletes", table, t, i, ctx, capped);
    }

    /// <summary>Shared WHERE analysis for DELETE, UPDATE and ClickHouse ALTER ... DELETE/UPDATE.</summary>
    private static SqlVerdict Filtered(string verb, string action, string? table, ArraySegment<SqlToken> t, int from, SqlContext ctx, bool capped)
    {
        string target = table is null ? "the table" : Q(table);
        int where = SqlSyntax.FindTopWord(t, from, "WHERE");
        if (where < 0)
        {
            capped |= SqlSyntax.FindTopWord(t, from, "LIMIT") >= 0;
            string note = capped ? "no WHERE clause; only LIMIT/TOP caps how many" : "no WHERE clause";
            return new SqlVerdict(verb, SqlRisk.Destructive, "table", table, $"{action} every row of {target} ({note})");
        }
        if (W(t, where + 1, "CURRENT") && W(t, where + 2, "OF"))
            return new SqlVerdict(verb, SqlRisk.BoundedWrite, "table", table, $"{action} the current cursor row of {target}");
        int end = ConditionEnd(t, where + 1);
        if (end == where + 1) return new SqlVerdict(verb, SqlRisk.Unknown, "table", table, $"{action} rows of {target} with an empty WHERE clause");
        string condition = SqlSyntax.Snippet(ctx.Text, t, where + 1, end);
        if (SqlConditionEvaluator.Evaluate(t.Slice(where + 1, end - where - 1), ctx.Options) == SqlTruth.True)
            return new SqlVerdict(verb, SqlRisk.Destructive, "table", table, $"{action} every row of {target} (WHERE {condition} is always true)");
        return new SqlVerdict(verb, SqlRisk.BoundedWrite, "table", table, $"{action} rows of {target} where {condition}");
    }

    private static int ConditionEnd(ArraySegment<SqlToken> t, int from)
    {
        int depth = 0;
        for (int i = from; i < t.Count; i++)
        {
            if (t[i].IsSymbol("(")) depth++;
            else if (t[i].IsSymbol(")")) depth = Math.Max(0, depth - 1);
            else if (depth == 0 && WAny(t, i, "RETURNING", "ORDER", "LIMIT", "OPTION", "SETTINGS", "ALLOW", "GROUP", "HAVING", "WINDOW",
                         "UNION", "EXCEPT", "INTERSECT", "FOR", "IF", "OUTPUT"))
                return i;
        }
        return t.Count;
    }
}
