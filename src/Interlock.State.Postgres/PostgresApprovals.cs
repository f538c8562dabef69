using Interlock.State.Approvals;
using Interlock.State.Identity;
using Npgsql;

namespace Interlock.State.Postgres;

public sealed partial class PostgresStateStore
{
    private const string RequestColumns =
        "id, fingerprint, agent_id, operator, harness, session_id, tool, action, cwd, repository, environment, rule_id, reason, effects, " +
        "required_approvals, approver_group, grant_valid_us, status, created_at, expires_at, decided_at, grant_expires_at, consumed_at, host, branch";

    public ValueTask<ApprovalRequest> SubmitAsync(ApprovalSubmission s, DateTimeOffset now, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await ExpireStaleAsync(now, cancellationToken).ConfigureAwait(false);
        await using var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // Replicas submitting the same action for the same agent take turns: one request, never two.
        await using (var lockCmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0));", c, tx))
        {
            lockCmd.Parameters.Add(new() { Value = s.Fingerprint + "\n" + s.AgentId });
            await lockCmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var find = new NpgsqlCommand($"""
            SELECT {RequestColumns} FROM approval_request
            WHERE fingerprint = $1 AND agent_id = $2
              AND ((status = 'pending' AND expires_at > $3) OR (status = 'approved' AND grant_expires_at > $3))
            ORDER BY created_at DESC LIMIT 1;
            """, c, tx))
        {
            find.Parameters.Add(new() { Value = s.Fingerprint });
            find.Parameters.Add(new() { Value = s.AgentId });
            find.Parameters.Add(new() { Value = now.ToUniversalTime() });
            if (await ReadRequestsAsync(find, c, tx, cancellationToken).ConfigureAwait(false) is [var existing, ..])
            {
                await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                return existing;
            }
        }
        var id = ApprovalRows.NewId();
        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO approval_request ({RequestColumns})
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 'pending', $18, $19, NULL, NULL, NULL, $20, $21);
            """, c, tx))
        {
            var p = insert.Parameters;
            p.Add(new() { Value = id });
            p.Add(new() { Value = s.Fingerprint });
            p.Add(new() { Value = s.AgentId });
            p.Add(Text(s.Operator));
            p.Add(new() { Value = s.Harness });
            p.Add(Text(s.SessionId));
            p.Add(new() { Value = s.Tool });
            p.Add(new() { Value = s.Action });
            p.Add(new() { Value = s.Cwd });
            p.Add(Text(s.Repository));
            p.Add(new() { Value = s.Environment });
            p.Add(new() { Value = s.RuleId });
            p.Add(new() { Value = s.Reason });
            p.Add(new() { Value = s.EffectsJson });
            p.Add(new() { Value = Math.Max(1, s.RequiredApprovals) });
            p.Add(Text(s.ApproverGroup));
            p.Add(new() { Value = (long)s.GrantValidFor.TotalMicroseconds });
            p.Add(new() { Value = now.ToUniversalTime() });
            p.Add(new() { Value = (now + s.PendingFor).ToUniversalTime() });
            p.Add(Text(s.Host));
            p.Add(Text(s.Branch));
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var created = (await GetRequestAsync(id, c, tx, forUpdate: false, cancellationToken).ConfigureAwait(false))!;
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return created;
    }));

    public ValueTask<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await GetRequestAsync(id, c, null, forUpdate: false, cancellationToken).ConfigureAwait(false);
    }));

    public ValueTask<IReadOnlyList<ApprovalRequest>> ListAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken = default) => new(RunAsync<IReadOnlyList<ApprovalRequest>>(async () =>
    {
        await using var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"""
            SELECT {RequestColumns} FROM approval_request
            WHERE $1::text IS NULL OR status = $1
            ORDER BY created_at DESC, id LIMIT $2;
            """, c);
        cmd.Parameters.Add(Text(status is { } st ? ApprovalRows.StatusText(st) : null));
        cmd.Parameters.Add(new() { Value = (long)Math.Max(0, limit) });
        return await ReadRequestsAsync(cmd, c, null, cancellationToken).ConfigureAwait(false);
    }));

    public ValueTask<VoteResult> VoteAsync(string id, string voter, IReadOnlyCollection<string> voterGroups, bool approve, string? comment, DateTimeOffset now, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await ExpireStaleAsync(now, cancellationToken).ConfigureAwait(false);
        await using var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        // The row lock: concurrent votes on this request (from any replica) are applied one after another.
        var request = await GetRequestAsync(id, c, tx, forUpdate: true, cancellationToken).ConfigureAwait(false);
        if (request is null) return new VoteResult(VoteOutcome.NotFound, null);
        if (request.Status == ApprovalStatus.Pending && request.ExpiresAt <= now)
        {
            await SetStatusAsync(c, tx, id, "expired", cancellationToken).ConfigureAwait(false);
            request = (await GetRequestAsync(id, c, tx, false, cancellationToken).ConfigureAwait(false))!;
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new VoteResult(VoteOutcome.NotPending, request);
        }
        var outcome = ApprovalRules.Check(request, voter, voterGroups, approve);
        if (outcome is not null) return new VoteResult(outcome.Value, request);
        await using (var insert = new NpgsqlCommand("INSERT INTO approval_vote (request_id, voter, approve, comment, at) VALUES ($1, $2, $3, $4, $5);", c, tx))
        {
            insert.Parameters.Add(new() { Value = id });
            insert.Parameters.Add(new() { Value = voter });
            insert.Parameters.Add(new() { Value = approve });
            insert.Parameters.Add(Text(comment));
            insert.Parameters.Add(new() { Value = now.ToUniversalTime() });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var voted = (await GetRequestAsync(id, c, tx, false, cancellationToken).ConfigureAwait(false))!;
        var decided = ApprovalRules.Decide(voted, now);
        if (decided is { } d)
        {
            await using (var update = new NpgsqlCommand("UPDATE approval_request SET status = $1, decided_at = $2, grant_expires_at = $3 WHERE id = $4 AND status = 'pending';", c, tx))
            {
                update.Parameters.Add(new() { Value = ApprovalRows.StatusText(d.Status) });
                update.Parameters.Add(new() { Value = now.ToUniversalTime() });
                update.Parameters.Add(new() { Value = d.GrantExpiresAt is { } g ? g.ToUniversalTime() : DBNull.Value, DataTypeName = "timestamptz" });
                update.Parameters.Add(new() { Value = id });
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            voted = (await GetRequestAsync(id, c, tx, false, cancellationToken).ConfigureAwait(false))!;
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new VoteResult(decided is null ? VoteOutcome.Counted : VoteOutcome.Decided, voted);
    }));

    public ValueTask<ApprovalRequest?> ConsumeGrantAsync(string fingerprint, string agentId, DateTimeOffset now, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await ExpireStaleAsync(now, cancellationToken).ConfigureAwait(false);
        await using var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        string? id;
        await using (var consume = new NpgsqlCommand("""
            UPDATE approval_request SET status = 'consumed', consumed_at = $1
            WHERE id = (SELECT id FROM approval_request
                        WHERE fingerprint = $2 AND agent_id = $3 AND status = 'approved' AND grant_expires_at > $1
                        ORDER BY decided_at LIMIT 1 FOR UPDATE SKIP LOCKED)
              AND status = 'approved'
            RETURNING id;
            """, c, tx))
        {
            consume.Parameters.Add(new() { Value = now.ToUniversalTime() });
            consume.Parameters.Add(new() { Value = fingerprint });
            consume.Parameters.Add(new() { Value = agentId });
            id = await consume.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        var used = id is null ? null : await GetRequestAsync(id, c, tx, false, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return used;
    }));

    /// <summary>Pending requests past their wait and grants past their use-by time become expired. Its own
    /// statement (not inside the caller's transaction), and best effort: every query also checks the times.</summary>
    private async Task ExpireStaleAsync(DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await using var cmd = _source.CreateCommand("""
                UPDATE approval_request SET status = 'expired'
                WHERE (status = 'pending' AND expires_at <= $1) OR (status = 'approved' AND grant_expires_at <= $1);
                """);
            cmd.Parameters.Add(new() { Value = now.ToUniversalTime() });
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
        {
            // Another replica is expiring the same rows.
        }
    }

    private static async Task SetStatusAsync(NpgsqlConnection c, NpgsqlTransaction tx, string id, string status, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("UPDATE approval_request SET status = $1 WHERE id = $2;", c, tx);
        cmd.Parameters.Add(new() { Value = status });
        cmd.Parameters.Add(new() { Value = id });
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, DataTypeName = "text" };

    private static async Task<ApprovalRequest?> GetRequestAsync(string id, NpgsqlConnection c, NpgsqlTransaction? tx, bool forUpdate, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {RequestColumns} FROM approval_request WHERE id = $1{(forUpdate ? " FOR UPDATE" : "")};", c, tx);
        cmd.Parameters.Add(new() { Value = id });
        return await ReadRequestsAsync(cmd, c, tx, ct).ConfigureAwait(false) is [var r, ..] ? r : null;
    }

    private static async Task<List<ApprovalRequest>> ReadRequestsAsync(NpgsqlCommand cmd, NpgsqlConnection c, NpgsqlTransaction? tx, CancellationToken ct)
    {
        var rows = new List<(string Id, ApprovalSubmission Action, ApprovalStatus Status, DateTimeOffset Created, DateTimeOffset Expires, DateTimeOffset? Decided, DateTimeOffset? Grant, DateTimeOffset? Consumed)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                var action = ApprovalRows.ReadSubmission(r);
                rows.Add((r.GetString(0), action, ApprovalRows.ParseStatus(r.GetString(17)), Time(r, 18)!.Value, Time(r, 19)!.Value, Time(r, 20), Time(r, 21), Time(r, 22)));
            }
        }
        var result = new List<ApprovalRequest>(rows.Count);
        foreach (var row in rows)
        {
            var votes = new List<ApprovalVote>();
            await using var v = new NpgsqlCommand("SELECT voter, approve, comment, at FROM approval_vote WHERE request_id = $1 ORDER BY at, voter;", c, tx);
            v.Parameters.Add(new() { Value = row.Id });
            await using var vr = await v.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await vr.ReadAsync(ct).ConfigureAwait(false))
                votes.Add(new ApprovalVote(vr.GetString(0), vr.GetBoolean(1), vr.IsDBNull(2) ? null : vr.GetString(2), Time(vr, 3)!.Value));
            result.Add(new ApprovalRequest(row.Id, row.Action, row.Status, row.Created, row.Expires, row.Decided, row.Grant, row.Consumed, votes));
        }
        return result;
    }

    private static DateTimeOffset? Time(NpgsqlDataReader r, int i) =>
        r.IsDBNull(i) ? null : new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc));


    // ---- identities ----

    private const string TokenColumns = "id, kind, subject, operator, created_at, expires_at, revoked_at";

    public ValueTask<UserAccount> SaveUserAsync(string name, IReadOnlyList<string> groups, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!TokenSecrets.IsValidName(name)) throw new ArgumentException($"`{name}` is not a valid user name: use 1-64 letters, digits, '.', '_', '-' or '@'");
        foreach (var g in groups)
            if (!TokenSecrets.IsValidName(g)) throw new ArgumentException($"`{g}` is not a valid group name");
        return new(RunAsync(async () =>
        {
            await using var cmd = _source.CreateCommand("""
                INSERT INTO app_user (name, groups, created_at, disabled) VALUES ($1, $2, $3, false)
                ON CONFLICT (name) DO UPDATE SET groups = excluded.groups, disabled = false
                RETURNING name, groups, created_at, disabled;
                """);
            cmd.Parameters.Add(new() { Value = name });
            cmd.Parameters.Add(new() { Value = string.Join(',', groups.Distinct(StringComparer.Ordinal)) });
            cmd.Parameters.Add(new() { Value = now.ToUniversalTime() });
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await r.ReadAsync(cancellationToken).ConfigureAwait(false);
            return ReadUserRow(r);
        }));
    }

    public ValueTask<UserAccount?> GetUserAsync(string name, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand("SELECT name, groups, created_at, disabled FROM app_user WHERE name = $1;");
        cmd.Parameters.Add(new() { Value = name });
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadUserRow(r) : null;
    }));

    public ValueTask<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) => new(RunAsync<IReadOnlyList<UserAccount>>(async () =>
    {
        await using var cmd = _source.CreateCommand("SELECT name, groups, created_at, disabled FROM app_user ORDER BY name;");
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<UserAccount>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(ReadUserRow(r));
        return list;
    }));

    public ValueTask<bool> DisableUserAsync(string name, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand("UPDATE app_user SET disabled = true WHERE name = $1 AND NOT disabled;");
        cmd.Parameters.Add(new() { Value = name });
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }));

    public ValueTask<IssuedToken> IssueTokenAsync(TokenKind kind, string subject, string? operatorName, DateTimeOffset now, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        TokenSecrets.Validate(kind, subject, operatorName);
        return new(RunAsync(async () =>
        {
            var owner = kind == TokenKind.Agent ? operatorName! : subject;
            if (await GetUserAsync(owner, cancellationToken).ConfigureAwait(false) is not { Disabled: false })
                throw new ArgumentException(kind == TokenKind.Agent
                    ? $"the operator `{owner}` is not an active user; create them first with `interlock admin user add {owner}`"
                    : $"`{owner}` is not an active user; create them first with `interlock admin user add {owner}`");
            var secret = TokenSecrets.NewSecret();
            var info = new TokenInfo(TokenSecrets.NewId(), kind, subject, kind == TokenKind.Agent ? operatorName : null, now, expiresAt, null);
            await using var cmd = _source.CreateCommand($"INSERT INTO access_token ({TokenColumns}, hash) VALUES ($1, $2, $3, $4, $5, $6, NULL, $7);");
            cmd.Parameters.Add(new() { Value = info.Id });
            cmd.Parameters.Add(new() { Value = TokenSecrets.KindText(kind) });
            cmd.Parameters.Add(new() { Value = subject });
            cmd.Parameters.Add(Text(info.Operator));
            cmd.Parameters.Add(new() { Value = now.ToUniversalTime() });
            cmd.Parameters.Add(new() { Value = expiresAt is { } e ? e.ToUniversalTime() : DBNull.Value, DataTypeName = "timestamptz" });
            cmd.Parameters.Add(new() { Value = TokenSecrets.Hash(secret) });
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new IssuedToken(info, secret);
        }));
    }

    public ValueTask<Principal?> AuthenticateAsync(string secret, DateTimeOffset now, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand("""
            SELECT t.id, t.kind, t.subject, t.operator, t.created_at, t.expires_at, t.revoked_at, u.groups
            FROM access_token t JOIN app_user u ON u.name = COALESCE(t.operator, t.subject) AND NOT u.disabled
            WHERE t.hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2);
            """);
        cmd.Parameters.Add(new() { Value = TokenSecrets.Hash(secret) });
        cmd.Parameters.Add(new() { Value = now.ToUniversalTime() });
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        var token = ReadTokenRow(r);
        IReadOnlyList<string> groups = token.Kind == TokenKind.Agent ? [] : r.GetString(7).Split(',', StringSplitOptions.RemoveEmptyEntries);
        return (Principal?)new Principal(token, groups);
    }));

    public ValueTask<bool> RevokeTokenAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand("UPDATE access_token SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL;");
        cmd.Parameters.Add(new() { Value = now.ToUniversalTime() });
        cmd.Parameters.Add(new() { Value = id });
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }));

    public ValueTask<IReadOnlyList<TokenInfo>> ListTokensAsync(CancellationToken cancellationToken = default) => new(RunAsync<IReadOnlyList<TokenInfo>>(async () =>
    {
        await using var cmd = _source.CreateCommand($"SELECT {TokenColumns} FROM access_token WHERE kind <> 'session' ORDER BY created_at, id;");
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<TokenInfo>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(ReadTokenRow(r));
        return list;
    }));

    public async ValueTask RecordDeliveryAsync(WebhookDelivery d, CancellationToken cancellationToken = default) => await RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand("INSERT INTO webhook_delivery (url, event, request_id, attempt, status_code, error, at) VALUES ($1, $2, $3, $4, $5, $6, $7);");
        cmd.Parameters.Add(new() { Value = d.Url });
        cmd.Parameters.Add(new() { Value = d.Event });
        cmd.Parameters.Add(Text(d.RequestId));
        cmd.Parameters.Add(new() { Value = d.Attempt });
        cmd.Parameters.Add(new() { Value = d.StatusCode is { } s ? s : DBNull.Value, DataTypeName = "integer" });
        cmd.Parameters.Add(Text(d.Error));
        cmd.Parameters.Add(new() { Value = d.At.ToUniversalTime() });
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }).ConfigureAwait(false);

    private const string PasskeyColumns = "p.credential_id, p.user_name, p.label, p.public_key, p.sign_count, p.rp_id, p.created_at, p.last_used_at";

    public ValueTask<bool> AddPasskeyAsync(Passkey k, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        // Only for an active user: the insert selects the user row, so a missing or disabled user inserts nothing.
        await using (var check = _source.CreateCommand("SELECT 1 FROM app_user WHERE name = $1 AND NOT disabled;"))
        {
            check.Parameters.Add(new() { Value = k.User });
            if (await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null) throw new ArgumentException($"`{k.User}` is not an active user");
        }
        await using var cmd = _source.CreateCommand("""
            INSERT INTO passkey (credential_id, user_name, label, public_key, sign_count, rp_id, created_at, last_used_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, NULL) ON CONFLICT (credential_id) DO NOTHING;
            """);
        cmd.Parameters.Add(new() { Value = k.CredentialId });
        cmd.Parameters.Add(new() { Value = k.User });
        cmd.Parameters.Add(new() { Value = k.Label });
        cmd.Parameters.Add(new() { Value = k.PublicKey });
        cmd.Parameters.Add(new() { Value = k.SignCount });
        cmd.Parameters.Add(new() { Value = k.RelyingParty });
        cmd.Parameters.Add(new() { Value = k.CreatedAt.ToUniversalTime() });
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }));

    public ValueTask<IReadOnlyList<Passkey>> ListPasskeysAsync(string user, CancellationToken cancellationToken = default) => new(RunAsync<IReadOnlyList<Passkey>>(async () =>
    {
        await using var cmd = _source.CreateCommand($"SELECT {PasskeyColumns} FROM passkey p WHERE p.user_name = $1 ORDER BY p.created_at, p.credential_id;");
        cmd.Parameters.Add(new() { Value = user });
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<Passkey>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(ReadPasskeyRow(r));
        return list;
    }));

    public ValueTask<Passkey?> FindPasskeyAsync(string credentialId, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand($"SELECT {PasskeyColumns} FROM passkey p JOIN app_user u ON u.name = p.user_name AND NOT u.disabled WHERE p.credential_id = $1;");
        cmd.Parameters.Add(new() { Value = credentialId });
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadPasskeyRow(r) : null;
    }));

    public ValueTask<bool> UsePasskeyAsync(string credentialId, long expected, long next, DateTimeOffset now, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand("UPDATE passkey SET sign_count = $3, last_used_at = $4 WHERE credential_id = $1 AND sign_count = $2;");
        cmd.Parameters.Add(new() { Value = credentialId });
        cmd.Parameters.Add(new() { Value = expected });
        cmd.Parameters.Add(new() { Value = next });
        cmd.Parameters.Add(new() { Value = now.ToUniversalTime() });
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }));

    public ValueTask<bool> RemovePasskeyAsync(string user, string credentialId, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand("DELETE FROM passkey WHERE user_name = $1 AND credential_id = $2;");
        cmd.Parameters.Add(new() { Value = user });
        cmd.Parameters.Add(new() { Value = credentialId });
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }));

    public ValueTask SaveChallengeAsync(string challenge, string purpose, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using (var prune = _source.CreateCommand("DELETE FROM webauthn_challenge WHERE expires_at <= $1;"))
        {
            prune.Parameters.Add(new() { Value = now.ToUniversalTime() });
            await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using var cmd = _source.CreateCommand("INSERT INTO webauthn_challenge (challenge, purpose, expires_at) VALUES ($1, $2, $3);");
        cmd.Parameters.Add(new() { Value = challenge });
        cmd.Parameters.Add(new() { Value = purpose });
        cmd.Parameters.Add(new() { Value = expiresAt.ToUniversalTime() });
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }));

    public ValueTask<bool> TakeChallengeAsync(string challenge, string purpose, DateTimeOffset now, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand("DELETE FROM webauthn_challenge WHERE challenge = $1 RETURNING purpose, expires_at;");
        cmd.Parameters.Add(new() { Value = challenge });
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) && r.GetString(0) == purpose && Time(r, 1)!.Value > now;
    }));

    private static Passkey ReadPasskeyRow(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3), r.GetInt64(4), r.GetString(5), Time(r, 6)!.Value, Time(r, 7));

    public ValueTask<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(int limit, CancellationToken cancellationToken = default) => new(RunAsync<IReadOnlyList<WebhookDelivery>>(async () =>
    {
        await using var cmd = _source.CreateCommand("SELECT id, url, event, request_id, attempt, status_code, error, at FROM webhook_delivery ORDER BY id DESC LIMIT $1;");
        cmd.Parameters.Add(new() { Value = (long)Math.Max(0, limit) });
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<WebhookDelivery>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            list.Add(new WebhookDelivery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetInt32(4),
                r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetString(6), Time(r, 7)!.Value));
        return list;
    }));

    private static UserAccount ReadUserRow(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1).Split(',', StringSplitOptions.RemoveEmptyEntries), Time(r, 2)!.Value, r.GetBoolean(3));

    private static TokenInfo ReadTokenRow(NpgsqlDataReader r) =>
        new(r.GetString(0), ParseKind(r.GetString(1)), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), Time(r, 4)!.Value, Time(r, 5), Time(r, 6));

    private static TokenKind ParseKind(string s) => s switch
    {
        "agent" => TokenKind.Agent,
        "human" => TokenKind.Human,
        "session" => TokenKind.Session,
        _ => throw new StateStoreException($"unknown token kind `{s}` in the database"),
    };
}
