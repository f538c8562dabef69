using Interlock.State.Identity;
using Microsoft.Data.Sqlite;

namespace Interlock.State.Sqlite;

/// <summary>Users, tokens and webhook deliveries in the embedded store (the server's default database).</summary>
public sealed partial class SqliteStateStore
{
    public IIdentityStore Identities => this;

    private const string TokenColumns = "id, kind, subject, operator, created_at, expires_at, revoked_at";

    public ValueTask<UserAccount> SaveUserAsync(string name, IReadOnlyList<string> groups, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (!TokenSecrets.IsValidName(name)) throw new ArgumentException($"`{name}` is not a valid user name: use 1-64 letters, digits, '.', '_', '-' or '@'");
        foreach (var g in groups)
            if (!TokenSecrets.IsValidName(g)) throw new ArgumentException($"`{g}` is not a valid group name");
        return ValueTask.FromResult(Run(() =>
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            using (var cmd = Command(tx, """
                INSERT INTO app_user (name, groups, created_at, disabled) VALUES ($n, $g, $now, 0)
                ON CONFLICT (name) DO UPDATE SET groups = excluded.groups, disabled = 0;
                """))
            {
                cmd.Parameters.AddWithValue("$n", name);
                cmd.Parameters.AddWithValue("$g", string.Join(',', groups.Distinct(StringComparer.Ordinal)));
                cmd.Parameters.AddWithValue("$now", FormatTime(now));
                cmd.ExecuteNonQuery();
            }
            var user = ReadUser(name, tx)!;
            tx.Commit();
            return user;
        }));
    }

    public ValueTask<UserAccount?> GetUserAsync(string name, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() => ReadUser(name, null)));

    public ValueTask<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<UserAccount>>(Run(() =>
        {
            using var cmd = Command(null, "SELECT name, groups, created_at, disabled FROM app_user ORDER BY name;");
            using var r = cmd.ExecuteReader();
            var users = new List<UserAccount>();
            while (r.Read()) users.Add(ReadUserRow(r));
            return users;
        }));

    public ValueTask<bool> DisableUserAsync(string name, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var cmd = Command(null, "UPDATE app_user SET disabled = 1 WHERE name = $n AND disabled = 0;");
            cmd.Parameters.AddWithValue("$n", name);
            return cmd.ExecuteNonQuery() == 1;
        }));

    public ValueTask<IssuedToken> IssueTokenAsync(TokenKind kind, string subject, string? operatorName, DateTimeOffset now, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        TokenSecrets.Validate(kind, subject, operatorName);
        return ValueTask.FromResult(Run(() =>
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            var owner = kind == TokenKind.Agent ? operatorName! : subject;
            if (ReadUser(owner, tx) is not { Disabled: false })
                throw new ArgumentException(kind == TokenKind.Agent
                    ? $"the operator `{owner}` is not an active user; create them first with `interlock admin user add {owner}`"
                    : $"`{owner}` is not an active user; create them first with `interlock admin user add {owner}`");
            var secret = TokenSecrets.NewSecret();
            var info = new TokenInfo(TokenSecrets.NewId(), kind, subject, kind == TokenKind.Agent ? operatorName : null, now, expiresAt, null);
            using (var cmd = Command(tx, $"INSERT INTO access_token ({TokenColumns}, hash) VALUES ($id, $k, $s, $op, $now, $exp, NULL, $h);"))
            {
                cmd.Parameters.AddWithValue("$id", info.Id);
                cmd.Parameters.AddWithValue("$k", TokenSecrets.KindText(kind));
                cmd.Parameters.AddWithValue("$s", subject);
                cmd.Parameters.AddWithValue("$op", (object?)info.Operator ?? DBNull.Value);
                cmd.Parameters.AddWithValue("$now", FormatTime(now));
                cmd.Parameters.AddWithValue("$exp", expiresAt is { } e ? FormatTime(e) : DBNull.Value);
                cmd.Parameters.AddWithValue("$h", TokenSecrets.Hash(secret));
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
            return new IssuedToken(info, secret);
        }));
    }

    public ValueTask<Principal?> AuthenticateAsync(string secret, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var cmd = Command(null, $"""
                SELECT t.id, t.kind, t.subject, t.operator, t.created_at, t.expires_at, t.revoked_at, u.groups
                FROM access_token t JOIN app_user u ON u.name = COALESCE(t.operator, t.subject) AND u.disabled = 0
                WHERE t.hash = $h AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $now);
                """);
            cmd.Parameters.AddWithValue("$h", TokenSecrets.Hash(secret));
            cmd.Parameters.AddWithValue("$now", FormatTime(now));
            using var r = cmd.ExecuteReader();
            if (!r.Read()) return null;
            var token = ReadTokenRow(r);
            // An agent's token carries no groups: it can never vote whatever its operator belongs to.
            var groups = token.Kind == TokenKind.Agent ? [] : SplitGroups(r.GetString(7));
            return new Principal(token, groups);
        }));

    public ValueTask<bool> RevokeTokenAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var cmd = Command(null, "UPDATE access_token SET revoked_at = $now WHERE id = $id AND revoked_at IS NULL;");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$now", FormatTime(now));
            return cmd.ExecuteNonQuery() == 1;
        }));

    public ValueTask<IReadOnlyList<TokenInfo>> ListTokensAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<TokenInfo>>(Run(() =>
        {
            using var cmd = Command(null, $"SELECT {TokenColumns} FROM access_token WHERE kind <> 'session' ORDER BY created_at, id;");
            using var r = cmd.ExecuteReader();
            var list = new List<TokenInfo>();
            while (r.Read()) list.Add(ReadTokenRow(r));
            return list;
        }));

    private const string PasskeyColumns = "p.credential_id, p.user_name, p.label, p.public_key, p.sign_count, p.rp_id, p.created_at, p.last_used_at";

    public ValueTask<bool> AddPasskeyAsync(Passkey k, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            if (ReadUser(k.User, tx) is not { Disabled: false }) throw new ArgumentException($"`{k.User}` is not an active user");
            using var cmd = Command(tx, """
                INSERT INTO passkey (credential_id, user_name, label, public_key, sign_count, rp_id, created_at, last_used_at)
                VALUES ($id, $u, $l, $k, $c, $rp, $now, NULL) ON CONFLICT (credential_id) DO NOTHING;
                """);
            cmd.Parameters.AddWithValue("$id", k.CredentialId);
            cmd.Parameters.AddWithValue("$u", k.User);
            cmd.Parameters.AddWithValue("$l", k.Label);
            cmd.Parameters.AddWithValue("$k", k.PublicKey);
            cmd.Parameters.AddWithValue("$c", k.SignCount);
            cmd.Parameters.AddWithValue("$rp", k.RelyingParty);
            cmd.Parameters.AddWithValue("$now", FormatTime(k.CreatedAt));
            var added = cmd.ExecuteNonQuery() == 1;
            tx.Commit();
            return added;
        }));

    public ValueTask<IReadOnlyList<Passkey>> ListPasskeysAsync(string user, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<Passkey>>(Run(() =>
        {
            using var cmd = Command(null, $"SELECT {PasskeyColumns} FROM passkey p WHERE p.user_name = $u ORDER BY p.created_at, p.credential_id;");
            cmd.Parameters.AddWithValue("$u", user);
            using var r = cmd.ExecuteReader();
            var list = new List<Passkey>();
            while (r.Read()) list.Add(ReadPasskeyRow(r));
            return list;
        }));

    public ValueTask<Passkey?> FindPasskeyAsync(string credentialId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var cmd = Command(null, $"SELECT {PasskeyColumns} FROM passkey p JOIN app_user u ON u.name = p.user_name AND u.disabled = 0 WHERE p.credential_id = $id;");
            cmd.Parameters.AddWithValue("$id", credentialId);
            using var r = cmd.ExecuteReader();
            return r.Read() ? ReadPasskeyRow(r) : null;
        }));

    public ValueTask<bool> UsePasskeyAsync(string credentialId, long expected, long next, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var cmd = Command(null, "UPDATE passkey SET sign_count = $next, last_used_at = $now WHERE credential_id = $id AND sign_count = $expected;");
            cmd.Parameters.AddWithValue("$id", credentialId);
            cmd.Parameters.AddWithValue("$expected", expected);
            cmd.Parameters.AddWithValue("$next", next);
            cmd.Parameters.AddWithValue("$now", FormatTime(now));
            return cmd.ExecuteNonQuery() == 1;
        }));

    public ValueTask<bool> RemovePasskeyAsync(string user, string credentialId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var cmd = Command(null, "DELETE FROM passkey WHERE user_name = $u AND credential_id = $id;");
            cmd.Parameters.AddWithValue("$u", user);
            cmd.Parameters.AddWithValue("$id", credentialId);
            return cmd.ExecuteNonQuery() == 1;
        }));

    public ValueTask SaveChallengeAsync(string challenge, string purpose, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        Run(() =>
        {
            using var cmd = Command(null, "DELETE FROM webauthn_challenge WHERE expires_at <= $now; INSERT INTO webauthn_challenge (challenge, purpose, expires_at) VALUES ($c, $p, $exp);");
            cmd.Parameters.AddWithValue("$now", FormatTime(now));
            cmd.Parameters.AddWithValue("$c", challenge);
            cmd.Parameters.AddWithValue("$p", purpose);
            cmd.Parameters.AddWithValue("$exp", FormatTime(expiresAt));
            return cmd.ExecuteNonQuery();
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TakeChallengeAsync(string challenge, string purpose, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Run(() =>
        {
            using var cmd = Command(null, "DELETE FROM webauthn_challenge WHERE challenge = $c RETURNING purpose, expires_at;");
            cmd.Parameters.AddWithValue("$c", challenge);
            using var r = cmd.ExecuteReader();
            return r.Read() && r.GetString(0) == purpose && ParseTime(r.GetString(1)) > now;
        }));

    private static Passkey ReadPasskeyRow(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), (byte[])r.GetValue(3), r.GetInt64(4), r.GetString(5), ParseTime(r.GetString(6)),
            r.IsDBNull(7) ? null : ParseTime(r.GetString(7)));

    public ValueTask RecordDeliveryAsync(WebhookDelivery d, CancellationToken cancellationToken = default)
    {
        Run(() =>
        {
            using var cmd = Command(null, "INSERT INTO webhook_delivery (url, event, request_id, attempt, status_code, error, at) VALUES ($u, $e, $r, $a, $s, $err, $at);");
            cmd.Parameters.AddWithValue("$u", d.Url);
            cmd.Parameters.AddWithValue("$e", d.Event);
            cmd.Parameters.AddWithValue("$r", (object?)d.RequestId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$a", d.Attempt);
            cmd.Parameters.AddWithValue("$s", d.StatusCode is { } s ? s : DBNull.Value);
            cmd.Parameters.AddWithValue("$err", (object?)d.Error ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$at", FormatTime(d.At));
            return cmd.ExecuteNonQuery();
        });
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(int limit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<WebhookDelivery>>(Run(() =>
        {
            using var cmd = Command(null, "SELECT id, url, event, request_id, attempt, status_code, error, at FROM webhook_delivery ORDER BY id DESC LIMIT $n;");
            cmd.Parameters.AddWithValue("$n", Math.Max(0, limit));
            using var r = cmd.ExecuteReader();
            var list = new List<WebhookDelivery>();
            while (r.Read())
                list.Add(new WebhookDelivery(r.GetInt64(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), (int)r.GetInt64(4),
                    r.IsDBNull(5) ? null : (int)r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6), ParseTime(r.GetString(7))));
            return list;
        }));

    private UserAccount? ReadUser(string name, SqliteTransaction? tx)
    {
        using var cmd = Command(tx, "SELECT name, groups, created_at, disabled FROM app_user WHERE name = $n;");
        cmd.Parameters.AddWithValue("$n", name);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadUserRow(r) : null;
    }

    private static UserAccount ReadUserRow(SqliteDataReader r) =>
        new(r.GetString(0), SplitGroups(r.GetString(1)), ParseTime(r.GetString(2)), r.GetInt64(3) != 0);

    private static TokenInfo ReadTokenRow(SqliteDataReader r) =>
        new(r.GetString(0), TokenSecrets.ParseKind(r.GetString(1)), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), ParseTime(r.GetString(4)),
            r.IsDBNull(5) ? null : ParseTime(r.GetString(5)), r.IsDBNull(6) ? null : ParseTime(r.GetString(6)));

    internal static string[] SplitGroups(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries);
}
