// Rules for privileges, session settings and transactions: GRANT/REVOKE/DENY, SET (SET GLOBAL and SET PASSWORD
// reach beyond the session), and BEGIN, whose block or Cassandra batch body runs now and is classified.
#nullable enable
using System;

namespace Interlock.Core.Sql;

internal static partial class SqlStatementClassifier
{
    private static SqlVerdict Grant(ArraySegment<SqlToken> t, string verb)
    {
        int on = SqlSyntax.FindTopWord(t, 1, "ON");
        string? target = null;
        if (on >= 0)
        {
            int i = SqlSyntax.Skip(t, on + 1, "ALL", "TABLES", "SEQUENCES", "FUNCTIONS", "IN", "TABLE", "SCHEMA", "DATABASE", "SEQUENCE", "FUNCTION",
                "PROCEDURE", "KEYSPACE", "OBJECT");
            target = SqlSyntax.ReadName(t, ref i);
        }
        string action = verb switch { "GRANT" => "grants", "REVOKE" => "revokes", _ => "denies" };
        string what = W(t, 1, "ALL") ? "all privileges" : "privileges";
        string where = target is null ? "" : " on " + Q(target);
        bool cascade = SqlSyntax.FindTopWord(t, 1, "CASCADE") >= 0;
        return new SqlVerdict(verb, SqlRisk.SchemaChange, target is null ? null : "object", target, $"{action} {what}{where}", cascade);
    }

    private static SqlVerdict Set(ArraySegment<SqlToken> t)
    {
        if (WAny(t, 1, "GLOBAL", "PERSIST", "PERSIST_ONLY")
            || (t.Count > 1 && (t[1].Text.StartsWith("@@global", StringComparison.OrdinalIgnoreCase) || t[1].Text.StartsWith("@@persist", StringComparison.OrdinalIgnoreCase))))
            return Write("SET", "changes server configuration for every session");
        if (W(t, 1, "PASSWORD")) return new SqlVerdict("SET", SqlRisk.SchemaChange, "user", null, "changes a password");
        return Read("SET", "changes a session setting");
    }

    private static SqlVerdict Begin(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int batch = W(t, 1, "BATCH") ? 1 : WAny(t, 1, "UNLOGGED", "COUNTER", "LOGGED") && W(t, 2, "BATCH") ? 2 : -1;
        int rest = batch >= 0 ? batch + 1 : 1;
        if (batch < 0 && W(t, 1, "NOT") && W(t, 2, "ATOMIC")) rest = 3;
        bool transaction = batch < 0 && (t.Count == 1 || WAny(t, 1, "TRANSACTION", "TRAN", "WORK", "DEFERRED", "IMMEDIATE", "EXCLUSIVE",
            "DISTRIBUTED", "ISOLATION", "READ", "TRY", "CATCH", "DIALOG", "CONVERSATION"));
        if (transaction || rest >= t.Count) return Read("BEGIN", batch >= 0 ? "starts a batch" : "starts a transaction or block");
        // A block or batch body runs now: classify what it contains.
        SqlVerdict inner = Classify(t.Slice(rest), ctx.Deeper());
        return SqlRiskOrder.Rank(inner.Risk) > 0 ? inner : Read("BEGIN", "starts a block");
    }
}
