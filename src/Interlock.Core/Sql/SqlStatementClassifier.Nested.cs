// Rules for statements that run SQL held in a string: PostgreSQL DO blocks, EXEC/EXECUTE (IMMEDIATE, sp_executesql,
// xp_cmdshell) and dynamic SQL. The string is split and classified again, one level deeper, up to MaxNesting.
#nullable enable
using System;
using System.Text;

namespace Interlock.Core.Sql;

internal static partial class SqlStatementClassifier
{
    private static SqlVerdict Do(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        string? body = null;
        foreach (SqlToken token in t)
            if (token.Kind == SqlTokenKind.String) { body = token.Text; break; }
        var baseline = Write("DO", "runs an anonymous code block");
        if (body is null) return baseline;
        SqlVerdict? inner = WorstNested(body, ctx);
        if (inner is not { } v || SqlRiskOrder.Rank(v.Risk) <= SqlRiskOrder.Rank(SqlRisk.Write)) return baseline;
        return v with { Verb = "DO", Description = "DO block runs: " + v.Description };
    }

    /// <summary>Analyses SQL held in a string (DO body, dynamic SQL) and returns its worst statement.</summary>
    private static SqlVerdict? WorstNested(string sql, SqlContext ctx)
    {
        if (ctx.Nesting >= MaxNesting) return new SqlVerdict("SQL", SqlRisk.Unknown, null, null, "nested SQL is too deep to analyse");
        SqlSplitResult nested = SqlSplitter.Run(sql, sql.Length, ctx.Options.ForNestedBody(), 1000, ctx.Nesting + 1);
        SqlStatementInfo? worst = null;
        foreach (SqlStatementInfo s in nested.Statements)
            if (worst is null || SqlRiskOrder.Rank(s.Risk) > SqlRiskOrder.Rank(worst.Risk)) worst = s;
        return worst is null ? null : new SqlVerdict(worst.Verb, worst.Risk, worst.ObjectKind, worst.ObjectName, worst.Description, worst.Cascade);
    }

    private static SqlVerdict Execute(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        string verb = Upper(t, 0);
        int i = 1;
        if (W(t, i, "AS")) return Read(verb, "switches the execution context");
        if (W(t, i, "IMMEDIATE") || S(t, i, "(")) return Dynamic(verb, t.Slice(i), ctx);
        if (i + 1 < t.Count && t[i].Text.StartsWith('@') && S(t, i + 1, "=")) i += 2;
        string? name = SqlSyntax.ReadName(t, ref i);
        string procedure = name is null ? "" : name.Substring(name.LastIndexOf('.') + 1).ToLowerInvariant();
        if (procedure == "xp_cmdshell")
            return new SqlVerdict(verb, SqlRisk.Unknown, "procedure", name, "runs an operating-system command (xp_cmdshell)");
        if (procedure is "sp_executesql" or "sp_msforeachtable" or "sp_msforeachdb") return Dynamic(verb, t.Slice(i), ctx);
        if (ctx.Options.Dialect == SqlDialect.PostgreSql) return new SqlVerdict(verb, SqlRisk.Write, "statement", name, $"executes prepared statement {Q(name)}");
        return new SqlVerdict(verb, SqlRisk.Write, "procedure", name, $"executes procedure {Q(name)}");
    }

    private static SqlVerdict Dynamic(string verb, ArraySegment<SqlToken> t, SqlContext ctx)
    {
        var sql = new StringBuilder();
        foreach (SqlToken token in t)
            if (token.Kind == SqlTokenKind.String) sql.Append(token.Text);
        if (sql.Length == 0) return new SqlVerdict(verb, SqlRisk.Unknown, null, null, "runs dynamic SQL built at run time");
        var baseline = Write(verb, "runs dynamic SQL");
        if (WorstNested(sql.ToString(), ctx) is not { } inner || SqlRiskOrder.Rank(inner.Risk) <= SqlRiskOrder.Rank(SqlRisk.Write)) return baseline;
        return inner with { Verb = verb, Description = "runs dynamic SQL that " + inner.Description };
    }
}
