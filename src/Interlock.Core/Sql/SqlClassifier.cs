// SQL statement classifier for Interlock, entry point: the public API (SqlClassifier.Analyze) and its result types.
// Hand-written lexer (no regular expressions), bounded work, and no exceptions escape: a guard must always get an answer.
// The lexer is SqlSplitter.cs, the per-verb rules are SqlStatementClassifier*.cs.
#nullable enable
using System;
using System.Collections.Generic;

namespace Interlock.Core.Sql;

/// <summary>SQL dialect whose lexical rules (quotes, comments, batch separators, client commands) apply.</summary>
public enum SqlDialect { Generic, PostgreSql, MySql, Sqlite, SqlServer, ClickHouse, Cassandra }

/// <summary>How much a statement can change or destroy.</summary>
public enum SqlRisk { Read, Write, BoundedWrite, SchemaChange, Destructive, Unknown }

/// <summary>One classified statement. <paramref name="Start"/> and <paramref name="Length"/> locate it in the analysed text.</summary>
public sealed record SqlStatementInfo(int Start, int Length, string Verb, SqlRisk Risk, string? ObjectKind, string? ObjectName, string Description, bool Cascade);

/// <summary>Result of <see cref="SqlClassifier.Analyze"/>. <paramref name="Error"/> reports malformed input (the statements are still classified as far as they were read).</summary>
public sealed record SqlAnalysis(IReadOnlyList<SqlStatementInfo> Statements, bool Truncated, string? Error);

public static class SqlClassifier
{
    /// <summary>
    /// Splits <paramref name="sql"/> into statements and classifies each. Reads at most <paramref name="maxLength"/>
    /// characters and returns at most <paramref name="maxStatements"/> statements; <see cref="SqlAnalysis.Truncated"/> says when either limit cut the input.
    /// For <see cref="SqlDialect.Generic"/> the text is read both as standard SQL and as MySQL, and the riskier reading is returned,
    /// so that quoting differences between engines cannot hide a statement.
    /// </summary>
    public static SqlAnalysis Analyze(string sql, SqlDialect dialect = SqlDialect.Generic, int maxStatements = 1000, int maxLength = 1_000_000)
    {
        try
        {
            string text = sql ?? string.Empty;
            int length = Math.Min(text.Length, Math.Max(0, maxLength));
            int limit = Math.Max(0, maxStatements);
            if (!Enum.IsDefined(dialect)) dialect = SqlDialect.Generic;
            SqlSplitResult result = dialect == SqlDialect.Generic
                ? RiskierReading(text, length, limit)
                : SqlSplitter.Run(text, length, SqlLexOptions.For(dialect, mysqlReading: false), limit, nesting: 0);
            return new SqlAnalysis(result.Statements, length < text.Length || result.Truncated, result.Error);
        }
        catch (Exception ex)
        {
            // Last line of defence against a bug in this file: report instead of throwing into the guard.
            return new SqlAnalysis(Array.Empty<SqlStatementInfo>(), false, "internal error: " + ex.Message);
        }
    }

    private static SqlSplitResult RiskierReading(string text, int length, int limit)
    {
        SqlSplitResult standard = SqlSplitter.Run(text, length, SqlLexOptions.For(SqlDialect.Generic, mysqlReading: false), limit, nesting: 0);
        SqlSplitResult mysql = SqlSplitter.Run(text, length, SqlLexOptions.For(SqlDialect.Generic, mysqlReading: true), limit, nesting: 0);
        return SqlRiskOrder.Worst(mysql.Statements) > SqlRiskOrder.Worst(standard.Statements) ? mysql : standard;
    }
}

/// <summary>Orders risks from harmless to worst, for picking the worst part of a compound statement.</summary>
internal static class SqlRiskOrder
{
    public static int Rank(SqlRisk risk) => risk switch
    {
        SqlRisk.Read => 0,
        SqlRisk.BoundedWrite => 1,
        SqlRisk.Write => 2,
        SqlRisk.SchemaChange => 3,
        SqlRisk.Unknown => 4,
        SqlRisk.Destructive => 5,
        _ => 4,
    };

    public static int Worst(IReadOnlyList<SqlStatementInfo> statements)
    {
        int worst = -1;
        foreach (SqlStatementInfo statement in statements) worst = Math.Max(worst, Rank(statement.Risk));
        return worst;
    }
}
