using Interlock.State.Budgets;

namespace Interlock.State.Sqlite;

public sealed partial class SqliteStateStore : IBudgetLog
{
    public IBudgetLog Budgets => this;

    public BudgetCheck Record(string sessionKey, BudgetUsage usage, DateTimeOffset now, BudgetLimits limits) => Run(() =>
    {
        using var tx = _connection.BeginTransaction(deferred: false);
        using (var insert = Command(tx, "INSERT INTO budget_usage (session_key, at, files, lines, commands) VALUES ($k, $at, $f, $l, $c);"))
        {
            insert.Parameters.AddWithValue("$k", sessionKey);
            insert.Parameters.AddWithValue("$at", FormatTime(now));
            insert.Parameters.AddWithValue("$f", usage.FilesDeleted);
            insert.Parameters.AddWithValue("$l", usage.LinesRemoved);
            insert.Parameters.AddWithValue("$c", usage.DestructiveCommands);
            insert.ExecuteNonQuery();
        }
        // The window starts at now - window, or at the last reset if that is later.
        var since = now - limits.Window;
        string? trippedAt = null, reason = null;
        using (var breaker = Command(tx, "SELECT tripped_at, reason, reset_at FROM breaker WHERE session_key = $k;"))
        {
            breaker.Parameters.AddWithValue("$k", sessionKey);
            using var r = breaker.ExecuteReader();
            if (r.Read())
            {
                trippedAt = r.IsDBNull(0) ? null : r.GetString(0);
                reason = r.IsDBNull(1) ? null : r.GetString(1);
                if (!r.IsDBNull(2) && ParseTime(r.GetString(2)) is var reset && reset > since) since = reset;
            }
        }
        BudgetUsage totals;
        DateTimeOffset? first;
        using (var sum = Command(tx, "SELECT COALESCE(SUM(files), 0), COALESCE(SUM(lines), 0), COALESCE(SUM(commands), 0), MIN(at) FROM budget_usage WHERE session_key = $k AND at > $since;"))
        {
            sum.Parameters.AddWithValue("$k", sessionKey);
            sum.Parameters.AddWithValue("$since", FormatTime(since));
            using var r = sum.ExecuteReader();
            r.Read();
            totals = new BudgetUsage((int)Math.Min(int.MaxValue, r.GetInt64(0)), (int)Math.Min(int.MaxValue, r.GetInt64(1)), (int)Math.Min(int.MaxValue, r.GetInt64(2)));
            first = r.IsDBNull(3) ? null : ParseTime(r.GetString(3));
        }
        var trippedNow = false;
        if (trippedAt is null && limits.Exceeded(totals) is { } exceeded)
        {
            using var trip = Command(tx, """
                INSERT INTO breaker (session_key, tripped_at, reason) VALUES ($k, $at, $reason)
                ON CONFLICT (session_key) DO UPDATE SET tripped_at = excluded.tripped_at, reason = excluded.reason;
                """);
            trip.Parameters.AddWithValue("$k", sessionKey);
            trip.Parameters.AddWithValue("$at", FormatTime(now));
            trip.Parameters.AddWithValue("$reason", exceeded);
            trip.ExecuteNonQuery();
            (trippedAt, reason, trippedNow) = (FormatTime(now), exceeded, true);
        }
        // Old usage no session window can see any more is dropped as we go (a day is longer than any sane window).
        using (var prune = Command(tx, "DELETE FROM budget_usage WHERE at < $old;"))
        {
            prune.Parameters.AddWithValue("$old", FormatTime(now - TimeSpan.FromDays(1) - limits.Window));
            prune.ExecuteNonQuery();
        }
        tx.Commit();
        return new BudgetCheck(totals, first, trippedAt is null ? null : new BreakerState(sessionKey, ParseTime(trippedAt), reason ?? ""), trippedNow);
    });

    public BreakerState? Breaker(string sessionKey) => Run(() =>
    {
        using var cmd = Command(null, "SELECT session_key, tripped_at, reason FROM breaker WHERE session_key = $k AND tripped_at IS NOT NULL;");
        cmd.Parameters.AddWithValue("$k", sessionKey);
        return ReadBreakers(cmd) is [var b, ..] ? b : null;
    });

    public IReadOnlyList<BreakerState> Tripped() => Run(() =>
    {
        using var cmd = Command(null, "SELECT session_key, tripped_at, reason FROM breaker WHERE tripped_at IS NOT NULL ORDER BY tripped_at DESC;");
        return ReadBreakers(cmd);
    });

    public bool Reset(string sessionKey, string by, DateTimeOffset now) => Run(() =>
    {
        using var cmd = Command(null, "UPDATE breaker SET tripped_at = NULL, reason = NULL, reset_at = $at, reset_by = $by WHERE session_key = $k AND tripped_at IS NOT NULL;");
        cmd.Parameters.AddWithValue("$k", sessionKey);
        cmd.Parameters.AddWithValue("$at", FormatTime(now));
        cmd.Parameters.AddWithValue("$by", by);
        return cmd.ExecuteNonQuery() > 0;
    });

    private static List<BreakerState> ReadBreakers(Microsoft.Data.Sqlite.SqliteCommand cmd)
    {
        var list = new List<BreakerState>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(new BreakerState(r.GetString(0), ParseTime(r.GetString(1)), r.IsDBNull(2) ? "" : r.GetString(2)));
        return list;
    }
}
