using Interlock.State.Approvals;
using Microsoft.Data.Sqlite;

namespace Interlock.State.Sqlite;

/// <summary>
/// Approvals in the embedded store. Every operation that decides something runs in one BEGIN IMMEDIATE
/// transaction (the database's write lock), so concurrent hook and CLI processes see one order of events:
/// two votes never both decide a request, and a grant is consumed once.
/// </summary>
public sealed partial class SqliteStateStore : IApprovalStore
{
    public IApprovalStore Approvals => this;

    private const string RequestColumns =
        "id, fingerprint, agent_id, operator, harness, session_id, tool, action, cwd, repository, environment, rule_id, reason, effects, " +
        "required_approvals, approver_group, grant_valid_us, status, created_at, expires_at, decided_at, grant_expires_at, consumed_at, host, branch";

    public ValueTask<ApprovalRequest> SubmitAsync(ApprovalSubmission s, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            ExpireStale(tx, now);
            using (var find = Command(tx, $"""
                SELECT {RequestColumns} FROM approval_request
                WHERE fingerprint = $f AND agent_id = $a AND status IN ('pending', 'approved')
                ORDER BY created_at DESC LIMIT 1;
                """))
            {
                find.Parameters.AddWithValue("$f", s.Fingerprint);
                find.Parameters.AddWithValue("$a", s.AgentId);
                if (ReadRequests(find, tx) is [var existing, ..])
                {
                    tx.Commit();
                    return existing;
                }
            }
            var id = ApprovalRows.NewId();
            using (var insert = Command(tx, $"""
                INSERT INTO approval_request ({RequestColumns})
                VALUES ($id, $f, $a, $op, $h, $sid, $tool, $action, $cwd, $repo, $env, $rule, $reason, $effects, $req, $group, $grant, 'pending', $now, $exp, NULL, NULL, NULL, $host, $branch);
                """))
            {
                var p = insert.Parameters;
                p.AddWithValue("$id", id);
                p.AddWithValue("$f", s.Fingerprint);
                p.AddWithValue("$a", s.AgentId);
                p.AddWithValue("$op", (object?)s.Operator ?? DBNull.Value);
                p.AddWithValue("$h", s.Harness);
                p.AddWithValue("$sid", (object?)s.SessionId ?? DBNull.Value);
                p.AddWithValue("$tool", s.Tool);
                p.AddWithValue("$action", s.Action);
                p.AddWithValue("$cwd", s.Cwd);
                p.AddWithValue("$repo", (object?)s.Repository ?? DBNull.Value);
                p.AddWithValue("$env", s.Environment);
                p.AddWithValue("$rule", s.RuleId);
                p.AddWithValue("$reason", s.Reason);
                p.AddWithValue("$effects", s.EffectsJson);
                p.AddWithValue("$req", Math.Max(1, s.RequiredApprovals));
                p.AddWithValue("$group", (object?)s.ApproverGroup ?? DBNull.Value);
                p.AddWithValue("$grant", (long)s.GrantValidFor.TotalMicroseconds);
                p.AddWithValue("$now", FormatTime(now));
                p.AddWithValue("$exp", FormatTime(now + s.PendingFor));
                p.AddWithValue("$host", (object?)s.Host ?? DBNull.Value);
                p.AddWithValue("$branch", (object?)s.Branch ?? DBNull.Value);
                insert.ExecuteNonQuery();
            }
            var created = GetRequest(id, tx)!;
            tx.Commit();
            return created;
        }));

    public ValueTask<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() => GetRequest(id, null)));

    public ValueTask<IReadOnlyList<ApprovalRequest>> ListAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ApprovalRequest>>(Run(() =>
        {
            using var cmd = Command(null, $"""
                SELECT {RequestColumns} FROM approval_request
                WHERE $status IS NULL OR status = $status
                ORDER BY created_at DESC, id LIMIT $limit;
                """);
            cmd.Parameters.AddWithValue("$status", status is { } st ? ApprovalRows.StatusText(st) : DBNull.Value);
            cmd.Parameters.AddWithValue("$limit", Math.Max(0, limit));
            return ReadRequests(cmd, null);
        }));

    public ValueTask<VoteResult> VoteAsync(string id, string voter, IReadOnlyCollection<string> voterGroups, bool approve, string? comment, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            ExpireStale(tx, now);
            var request = GetRequest(id, tx);
            if (request is null) return new VoteResult(VoteOutcome.NotFound, null);
            var outcome = ApprovalRules.Check(request, voter, voterGroups, approve);
            if (outcome is not null) return new VoteResult(outcome.Value, request);

            using (var insert = Command(tx, "INSERT INTO approval_vote (request_id, voter, approve, comment, at) VALUES ($id, $v, $ok, $c, $at);"))
            {
                insert.Parameters.AddWithValue("$id", id);
                insert.Parameters.AddWithValue("$v", voter);
                insert.Parameters.AddWithValue("$ok", approve ? 1 : 0);
                insert.Parameters.AddWithValue("$c", (object?)comment ?? DBNull.Value);
                insert.Parameters.AddWithValue("$at", FormatTime(now));
                insert.ExecuteNonQuery();
            }
            var voted = GetRequest(id, tx)!;
            var decided = ApprovalRules.Decide(voted, now);
            if (decided is { } d)
            {
                using var update = Command(tx, "UPDATE approval_request SET status = $s, decided_at = $now, grant_expires_at = $g WHERE id = $id AND status = 'pending';");
                update.Parameters.AddWithValue("$s", ApprovalRows.StatusText(d.Status));
                update.Parameters.AddWithValue("$now", FormatTime(now));
                update.Parameters.AddWithValue("$g", d.GrantExpiresAt is { } g ? FormatTime(g) : DBNull.Value);
                update.Parameters.AddWithValue("$id", id);
                update.ExecuteNonQuery();
                voted = GetRequest(id, tx)!;
            }
            tx.Commit();
            return new VoteResult(decided is null ? VoteOutcome.Counted : VoteOutcome.Decided, voted);
        }));

    public ValueTask<ApprovalRequest?> ConsumeGrantAsync(string fingerprint, string agentId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            ExpireStale(tx, now);
            using var consume = Command(tx, """
                UPDATE approval_request SET status = 'consumed', consumed_at = $now
                WHERE id = (SELECT id FROM approval_request
                            WHERE fingerprint = $f AND agent_id = $a AND status = 'approved' AND grant_expires_at > $now
                            ORDER BY decided_at LIMIT 1)
                RETURNING id;
                """);
            consume.Parameters.AddWithValue("$now", FormatTime(now));
            consume.Parameters.AddWithValue("$f", fingerprint);
            consume.Parameters.AddWithValue("$a", agentId);
            var id = consume.ExecuteScalar() as string;
            var used = id is null ? null : GetRequest(id, tx);
            tx.Commit();
            return used;
        }));

    /// <summary>Pending requests past their wait and grants past their use-by time become expired.</summary>
    private void ExpireStale(SqliteTransaction tx, DateTimeOffset now)
    {
        using var cmd = Command(tx, """
            UPDATE approval_request SET status = 'expired'
            WHERE (status = 'pending' AND expires_at <= $now) OR (status = 'approved' AND grant_expires_at <= $now);
            """);
        cmd.Parameters.AddWithValue("$now", FormatTime(now));
        cmd.ExecuteNonQuery();
    }

    private SqliteCommand Command(SqliteTransaction? tx, string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private ApprovalRequest? GetRequest(string id, SqliteTransaction? tx)
    {
        using var cmd = Command(tx, $"SELECT {RequestColumns} FROM approval_request WHERE id = $id;");
        cmd.Parameters.AddWithValue("$id", id);
        return ReadRequests(cmd, tx) is [var r, ..] ? r : null;
    }

    private List<ApprovalRequest> ReadRequests(SqliteCommand cmd, SqliteTransaction? tx)
    {
        var rows = new List<(string Id, ApprovalSubmission Action, ApprovalStatus Status, DateTimeOffset Created, DateTimeOffset Expires, DateTimeOffset? Decided, DateTimeOffset? Grant, DateTimeOffset? Consumed)>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var action = ApprovalRows.ReadSubmission(r);
                rows.Add((r.GetString(0), action, ApprovalRows.ParseStatus(r.GetString(17)), ParseTime(r.GetString(18)), ParseTime(r.GetString(19)),
                    r.IsDBNull(20) ? null : ParseTime(r.GetString(20)), r.IsDBNull(21) ? null : ParseTime(r.GetString(21)), r.IsDBNull(22) ? null : ParseTime(r.GetString(22))));
            }
        }
        var result = new List<ApprovalRequest>(rows.Count);
        foreach (var row in rows)
        {
            var votes = new List<ApprovalVote>();
            using var v = Command(tx, "SELECT voter, approve, comment, at FROM approval_vote WHERE request_id = $id ORDER BY at, voter;");
            v.Parameters.AddWithValue("$id", row.Id);
            using var vr = v.ExecuteReader();
            while (vr.Read())
                votes.Add(new ApprovalVote(vr.GetString(0), vr.GetInt64(1) != 0, vr.IsDBNull(2) ? null : vr.GetString(2), ParseTime(vr.GetString(3))));
            result.Add(new ApprovalRequest(row.Id, row.Action, row.Status, row.Created, row.Expires, row.Decided, row.Grant, row.Consumed, votes));
        }
        return result;
    }
}
