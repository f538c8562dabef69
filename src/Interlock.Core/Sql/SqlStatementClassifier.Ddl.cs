// Rules for statements that change the schema: TRUNCATE, DROP, ALTER (each action of an ALTER counts, including
// ClickHouse ALTER ... DELETE/UPDATE mutations), CREATE (OR REPLACE TABLE destroys data), RENAME, COMMENT.
#nullable enable
using System;
using System.Collections.Generic;

namespace Interlock.Core.Sql;

internal static partial class SqlStatementClassifier
{
    private static SqlVerdict Truncate(ArraySegment<SqlToken> t)
    {
        int i = 1;
        string kind = "table";
        if (W(t, i, "TABLE")) i++;
        else if (W(t, i, "DATABASE")) { kind = "database"; i++; }
        i = SqlSyntax.Skip(t, SqlSyntax.SkipIfExists(t, i), "ONLY");
        List<string> names = SqlSyntax.ReadNameList(t, ref i);
        bool cascade = SqlSyntax.FindTopWord(t, i, "CASCADE") >= 0;
        string what = names.Count == 0 ? kind : $"{(names.Count > 1 ? SqlSyntax.Plural(kind) : kind)} {SqlSyntax.QList(names)}";
        string note = cascade ? " (CASCADE: also truncates tables that reference it)" : "";
        return new SqlVerdict("TRUNCATE", SqlRisk.Destructive, kind, SqlSyntax.JoinNames(names), $"truncates {what}{note}", cascade);
    }

    private static SqlVerdict Drop(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "TEMPORARY", "TEMP");
        string kind = SqlSyntax.ReadKind(t, ref i);
        bool cascade = SqlSyntax.FindTopWord(t, i, "CASCADE") >= 0;
        if (kind == "owned")
        {
            i = SqlSyntax.Skip(t, i, "BY");
            List<string> roles = SqlSyntax.ReadNameList(t, ref i);
            return new SqlVerdict("DROP", SqlRisk.Destructive, "owned", SqlSyntax.JoinNames(roles), $"drops every object owned by {SqlSyntax.QList(roles)}", cascade);
        }
        i = SqlSyntax.Skip(t, i, "CONCURRENTLY");
        i = SqlSyntax.Skip(t, SqlSyntax.SkipIfExists(t, i), "CONCURRENTLY");
        List<string> names = SqlSyntax.ReadNameList(t, ref i);
        string on = "";
        if (W(t, i, "ON") && !W(t, i + 1, "CLUSTER"))
        {
            i++;
            on = " on " + Q(SqlSyntax.ReadName(t, ref i));
        }
        string what = names.Count == 0 ? kind : $"{(names.Count > 1 ? SqlSyntax.Plural(kind) : kind)} {SqlSyntax.QList(names)}";
        string note = cascade ? " (CASCADE: also drops dependent objects)" : "";
        return new SqlVerdict("DROP", SqlRisk.Destructive, kind, SqlSyntax.JoinNames(names), $"drops {what}{on}{note}", cascade);
    }

    private static SqlVerdict Alter(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int i = SqlSyntax.Skip(t, 1, "ONLINE", "IGNORE");
        string kind = SqlSyntax.ReadKind(t, ref i);
        if (kind == "system") return new SqlVerdict("ALTER", SqlRisk.SchemaChange, null, null, "changes server configuration (ALTER SYSTEM)");
        if (kind == "default privileges") return new SqlVerdict("ALTER", SqlRisk.SchemaChange, null, null, "changes default privileges");
        i = SqlSyntax.Skip(t, SqlSyntax.SkipIfExists(t, i), "ONLY");
        string? name = SqlSyntax.ReadName(t, ref i);
        if (S(t, i, "*")) i++;
        if (W(t, i, "ON") && W(t, i + 1, "CLUSTER"))
        {
            i += 2;
            SqlSyntax.ReadName(t, ref i);
        }
        var plain = new SqlVerdict("ALTER", SqlRisk.SchemaChange, kind, name, $"alters {kind} {Q(name)}");
        SqlVerdict? worst = null;
        int depth = 0;
        int actionStart = i;
        for (int k = i; k <= t.Count; k++)
        {
            if (k < t.Count)
            {
                if (t[k].IsSymbol("(")) depth++;
                else if (t[k].IsSymbol(")")) depth = Math.Max(0, depth - 1);
                if (depth != 0 || !t[k].IsSymbol(",")) continue;
            }
            if (k > actionStart)
            {
                // Each action counts: a bounded ClickHouse mutation alone is a write, not a schema change.
                SqlVerdict action = AlterAction(t.Slice(actionStart, k - actionStart), kind, name, ctx) ?? plain;
                worst = worst is { } w ? Worse(w, action) : action;
            }
            actionStart = k + 1;
        }
        return worst ?? plain;
    }

    private static SqlVerdict? AlterAction(ArraySegment<SqlToken> a, string kind, string? name, SqlContext ctx)
    {
        string owner = $"{kind} {Q(name)}";
        bool cascade = SqlSyntax.FindTopWord(a, 0, "CASCADE") >= 0;
        string note = cascade ? " (CASCADE: also drops dependent objects)" : "";
        switch (Upper(a, 0))
        {
            case "DROP":
            {
                int k = 1;
                string part = "column";
                if (WAny(a, k, "PRIMARY", "FOREIGN", "DETACHED") && k + 1 < a.Count)
                {
                    part = $"{a[k].Text.ToLowerInvariant()} {a[k + 1].Text.ToLowerInvariant()}";
                    k += 2;
                }
                else if (WAny(a, k, "COLUMN", "CONSTRAINT", "PARTITION", "INDEX", "KEY", "CHECK", "PROJECTION", "STATISTICS", "ATTRIBUTE",
                             "VALUE", "TABLE", "PERIOD", "SUBPARTITION"))
                {
                    part = a[k].Text.ToLowerInvariant();
                    k++;
                }
                k = SqlSyntax.SkipIfExists(a, k);
                string? partName = SqlSyntax.ReadName(a, ref k);
                string what = partName is null ? part : $"{part} {Q(partName)}";
                return new SqlVerdict("ALTER", SqlRisk.Destructive, kind, name, $"drops {what} from {owner}{note}", cascade);
            }
            case "TRUNCATE":
            {
                int k = SqlSyntax.Skip(a, 1, "PARTITION", "SUBPARTITION");
                string? partition = SqlSyntax.ReadName(a, ref k);
                return new SqlVerdict("ALTER", SqlRisk.Destructive, kind, name, $"truncates partition {Q(partition)} of {owner}");
            }
            case "DELETE":
                return Filtered("ALTER", "deletes", name, a, 1, ctx, false);
            case "UPDATE":
                return Filtered("ALTER", "updates", name, a, 1, ctx, false);
            case "CLEAR" when W(a, 1, "COLUMN"):
            {
                int k = SqlSyntax.SkipIfExists(a, 2);
                string? column = SqlSyntax.ReadName(a, ref k);
                return new SqlVerdict("ALTER", SqlRisk.Destructive, kind, name, $"clears every value of column {Q(column)} in {owner}");
            }
            case "DISCARD" when W(a, 1, "TABLESPACE"):
                return new SqlVerdict("ALTER", SqlRisk.Destructive, kind, name, $"discards the tablespace (data file) of {owner}");
            case "RENAME":
                return new SqlVerdict("ALTER", SqlRisk.SchemaChange, kind, name, $"renames {owner} or one of its parts");
            default:
                return null;
        }
    }

    private static SqlVerdict Create(ArraySegment<SqlToken> t)
    {
        int i = 1;
        bool orReplace = false;
        while (i < t.Count)
        {
            if (W(t, i, "OR") && WAny(t, i + 1, "REPLACE", "ALTER")) { orReplace = true; i += 2; }
            else if (WAny(t, i, "TEMP", "TEMPORARY", "GLOBAL", "LOCAL", "UNLOGGED", "UNIQUE", "CLUSTERED", "NONCLUSTERED", "FULLTEXT", "SPATIAL",
                         "VIRTUAL", "TRANSIENT", "VOLATILE", "RECURSIVE", "SECURE", "TRUSTED", "PROCEDURAL", "CONSTRAINT")) i++;
            else if (W(t, i, "DEFINER"))
            {
                i = S(t, i + 1, "=") ? i + 2 : i + 1;
                SqlSyntax.ReadName(t, ref i);
            }
            else if (W(t, i, "ALGORITHM")) i += 3;
            else if (W(t, i, "SQL") && W(t, i + 1, "SECURITY")) i += 3;
            else break;
        }
        string kind = SqlSyntax.ReadKind(t, ref i);
        i = SqlSyntax.Skip(t, SqlSyntax.SkipIfExists(t, SqlSyntax.Skip(t, i, "CONCURRENTLY")), "CONCURRENTLY");
        string? name = W(t, i, "ON") ? null : SqlSyntax.ReadName(t, ref i);
        if (orReplace && kind == "table")
            return new SqlVerdict("CREATE", SqlRisk.Destructive, kind, name, $"replaces table {Q(name)} (CREATE OR REPLACE drops the existing table and its data)");
        return new SqlVerdict("CREATE", SqlRisk.SchemaChange, kind, name, $"{(orReplace ? "creates or replaces" : "creates")} {kind} {Q(name)}");
    }

    private static SqlVerdict Rename(ArraySegment<SqlToken> t)
    {
        int i = 1;
        string kind = SqlSyntax.ReadKind(t, ref i);
        string? name = SqlSyntax.ReadName(t, ref i);
        string? to = null;
        if (W(t, i, "TO"))
        {
            i++;
            to = SqlSyntax.ReadName(t, ref i);
        }
        return new SqlVerdict("RENAME", SqlRisk.SchemaChange, kind, name, $"renames {kind} {Q(name)}{(to is null ? "" : " to " + Q(to))}");
    }

    private static SqlVerdict Comment(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "ON");
        string kind = SqlSyntax.ReadKind(t, ref i);
        string? name = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("COMMENT", SqlRisk.SchemaChange, kind, name, $"sets the comment on {kind} {Q(name)}");
    }
}
