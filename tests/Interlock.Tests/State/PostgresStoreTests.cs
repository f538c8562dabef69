using Interlock.State;
using Interlock.State.Identity;
using Interlock.State.Postgres;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>Identities, the audit chain under concurrent replicas, and the behaviours both stores share.</summary>
public sealed class PostgresStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    [PostgresFact]
    public async Task Audit_appends_from_several_replicas_form_one_chain_that_verifies()
    {
        using var db = new PostgresTestDatabase();
        var replicas = Enumerable.Range(0, 4).Select(_ => PostgresStateStore.Open(PostgresStateStore.CreateDataSource(db.ConnectionString))).ToArray();
        await Task.WhenAll(replicas.Select((r, i) => Task.Run(async () =>
        {
            for (var n = 0; n < 25; n++) await r.Audit.AppendAsync(Entries.Make(i * 100 + n));
        })));
        var store = PostgresStateStore.Open(db.Source);
        var result = await AuditVerifier.VerifyAsync(store.Audit);
        Assert.True(result.Intact, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(100, result.RecordCount);
        Assert.Equal(100, (await store.Audit.GetHeadAsync())!.Sequence);

        // Tampering is seen as on SQLite.
        await using (var cmd = db.Source.CreateCommand("UPDATE audit SET verdict = 'allow' WHERE seq = 50;")) await cmd.ExecuteNonQueryAsync();
        await using (var cmd = db.Source.CreateCommand("UPDATE audit SET reason = 'edited' WHERE seq = 51;")) await cmd.ExecuteNonQueryAsync();
        Assert.False((await AuditVerifier.VerifyAsync(store.Audit)).Intact);
        foreach (var r in replicas) await r.DisposeAsync();
        Assert.Throws<NotSupportedException>(() => store.Snapshots);
    }

    [PostgresFact]
    public async Task A_replica_whose_last_known_head_is_stale_seals_after_the_real_head()
    {
        // Each store appends against the head it last wrote without reading it first; when another replica moved
        // it meanwhile, the conditional insert writes nothing and the batch is sealed again under the head's lock.
        using var db = new PostgresTestDatabase();
        await using var a = PostgresStateStore.Open(PostgresStateStore.CreateDataSource(db.ConnectionString));
        await using var b = PostgresStateStore.Open(PostgresStateStore.CreateDataSource(db.ConnectionString));
        await a.AppendManyAsync([Entries.Make(1), Entries.Make(2), Entries.Make(3)]);
        await b.AppendManyAsync([Entries.Make(4), Entries.Make(5)]);
        var again = await a.AppendManyAsync([Entries.Make(6), Entries.Make(7)]);
        Assert.Equal([6L, 7L], again.Select(r => r.Sequence));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? a : b;
            for (var n = 0; n < 10; n++) await store.AppendManyAsync(Enumerable.Range(0, 5).Select(k => Entries.Make(100 + i * 50 + n * 5 + k)).ToList());
        })));
        var result = await AuditVerifier.VerifyAsync(PostgresStateStore.Open(db.Source).Audit);
        Assert.True(result.Intact, string.Join("; ", result.Problems.Select(p => p.Message)));
        Assert.Equal(7 + 200, result.RecordCount);
        Assert.Equal(207, (await a.GetHeadAsync())!.Sequence);
    }

    [PostgresFact]
    public async Task An_append_without_a_chain_head_fails_and_writes_nothing()
    {
        using var db = new PostgresTestDatabase();
        var store = PostgresStateStore.Open(db.Source);
        await store.AppendManyAsync([Entries.Make(1), Entries.Make(2)]);
        await using (var cmd = db.Source.CreateCommand("DELETE FROM audit_head;")) await cmd.ExecuteNonQueryAsync();
        var e = await Assert.ThrowsAsync<StateStoreException>(() => store.AppendManyAsync([Entries.Make(3), Entries.Make(4)]));
        Assert.Contains("audit chain head", e.Message);
        await using (var cmd = db.Source.CreateCommand("SELECT count(*) FROM audit;")) Assert.Equal(2L, await cmd.ExecuteScalarAsync());
    }

    [PostgresFact]
    public async Task Identity_contract_holds_on_postgres()
    {
        using var db = new PostgresTestDatabase();
        await IdentityContract.Run(PostgresStateStore.Open(db.Source).Identities);
    }

    [Fact]
    public async Task Identity_contract_holds_on_sqlite()
    {
        using var dir = new TempStateDir();
        using var store = dir.Open();
        await IdentityContract.Run(store.Identities);
    }
}

internal static class IdentityContract
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    public static async Task Run(IIdentityStore ids)
    {
        await ids.SaveUserAsync("olivia", ["dev"], T0);
        await ids.SaveUserAsync("ana", ["prod-approvers", "dev"], T0);
        await Assert.ThrowsAsync<ArgumentException>(async () => await ids.SaveUserAsync("bad name;", [], T0));
        await Assert.ThrowsAsync<ArgumentException>(async () => await ids.IssueTokenAsync(TokenKind.Agent, "ci-bot", "nobody", T0, null));

        var agent = await ids.IssueTokenAsync(TokenKind.Agent, "ci-bot", "olivia", T0, null);
        var human = await ids.IssueTokenAsync(TokenKind.Human, "ana", null, T0, null);
        var session = await ids.IssueTokenAsync(TokenKind.Session, "ana", null, T0, T0.AddHours(1));
        Assert.StartsWith(TokenSecrets.Prefix, agent.Secret);
        Assert.NotEqual(agent.Secret, human.Secret);

        var a = (await ids.AuthenticateAsync(agent.Secret, T0))!;
        Assert.Equal(TokenKind.Agent, a.Token.Kind);
        Assert.Equal("ci-bot", a.Name);
        Assert.Equal("olivia", a.Token.Operator);
        Assert.Empty(a.Groups); // an agent never inherits its operator's groups

        var h = (await ids.AuthenticateAsync(human.Secret, T0))!;
        Assert.True(h.IsHuman);
        Assert.Contains("prod-approvers", h.Groups);

        Assert.NotNull(await ids.AuthenticateAsync(session.Secret, T0.AddMinutes(59)));
        Assert.Null(await ids.AuthenticateAsync(session.Secret, T0.AddMinutes(61))); // expired
        Assert.Null(await ids.AuthenticateAsync(agent.Secret + "x", T0));
        Assert.Null(await ids.AuthenticateAsync("", T0));

        Assert.True(await ids.RevokeTokenAsync(agent.Info.Id, T0));
        Assert.False(await ids.RevokeTokenAsync(agent.Info.Id, T0));
        Assert.Null(await ids.AuthenticateAsync(agent.Secret, T0));

        Assert.True(await ids.DisableUserAsync("ana"));
        Assert.Null(await ids.AuthenticateAsync(human.Secret, T0));
        Assert.True((await ids.GetUserAsync("ana"))!.Disabled);
        Assert.Equal(["ana", "olivia"], (await ids.ListUsersAsync()).Select(u => u.Name));
        Assert.Equal(2, (await ids.ListTokensAsync()).Count); // sessions are not listed

        await ids.RecordDeliveryAsync(new WebhookDelivery(0, "http://127.0.0.1:1/hook", "request.created", "r1", 1, null, "connection refused", T0));
        await ids.RecordDeliveryAsync(new WebhookDelivery(0, "http://127.0.0.1:1/hook", "request.created", "r1", 2, 200, null, T0.AddSeconds(1)));
        var deliveries = await ids.ListDeliveriesAsync(10);
        Assert.Equal([2, 1], deliveries.Select(d => d.Attempt));
        Assert.Equal(200, deliveries[0].StatusCode);

        await Passkeys(ids);
    }

    /// <summary>Passkeys and WebAuthn challenges: stored per user, found only while the user is active, the counter
    /// moves by compare-and-set, a challenge is taken once, for its purpose, before it expires.</summary>
    private static async Task Passkeys(IIdentityStore ids)
    {
        await ids.SaveUserAsync("pia", [], T0);
        var key = new Passkey("cred-1", "pia", "laptop", [1, 2, 3], 0, "localhost", T0, null);
        Assert.True(await ids.AddPasskeyAsync(key));
        Assert.False(await ids.AddPasskeyAsync(key with { User = "olivia" })); // a credential id belongs to one user
        await Assert.ThrowsAsync<ArgumentException>(async () => await ids.AddPasskeyAsync(key with { CredentialId = "cred-x", User = "nobody" }));
        Assert.True(await ids.AddPasskeyAsync(key with { CredentialId = "cred-2", Label = "phone", CreatedAt = T0.AddMinutes(1) }));
        Assert.Equal(["laptop", "phone"], (await ids.ListPasskeysAsync("pia")).Select(k => k.Label));
        Assert.Empty(await ids.ListPasskeysAsync("olivia"));
        var found = (await ids.FindPasskeyAsync("cred-1"))!;
        Assert.Equal(new byte[] { 1, 2, 3 }, found.PublicKey);
        Assert.Equal("localhost", found.RelyingParty);

        Assert.True(await ids.UsePasskeyAsync("cred-1", 0, 5, T0.AddMinutes(2)));
        Assert.False(await ids.UsePasskeyAsync("cred-1", 0, 6, T0.AddMinutes(2))); // lost the race: the counter moved
        found = (await ids.FindPasskeyAsync("cred-1"))!;
        Assert.Equal(5, found.SignCount);
        Assert.Equal(T0.AddMinutes(2), found.LastUsedAt);

        Assert.False(await ids.RemovePasskeyAsync("olivia", "cred-2")); // only its owner removes it
        Assert.True(await ids.RemovePasskeyAsync("pia", "cred-2"));
        Assert.Null(await ids.FindPasskeyAsync("cred-2"));
        await ids.SaveUserAsync("pia", [], T0);
        Assert.True(await ids.DisableUserAsync("pia"));
        Assert.Null(await ids.FindPasskeyAsync("cred-1")); // a disabled user's passkeys stop working

        await ids.SaveChallengeAsync("ch-1", "sign-in", T0, T0.AddMinutes(2));
        await ids.SaveChallengeAsync("ch-2", "register:pia", T0, T0.AddMinutes(2));
        await ids.SaveChallengeAsync("ch-3", "sign-in", T0, T0.AddMinutes(2));
        Assert.False(await ids.TakeChallengeAsync("ch-2", "sign-in", T0)); // wrong purpose: taken, and refused
        Assert.False(await ids.TakeChallengeAsync("ch-2", "register:pia", T0));
        Assert.True(await ids.TakeChallengeAsync("ch-1", "sign-in", T0.AddMinutes(1)));
        Assert.False(await ids.TakeChallengeAsync("ch-1", "sign-in", T0.AddMinutes(1))); // once only
        Assert.False(await ids.TakeChallengeAsync("ch-3", "sign-in", T0.AddMinutes(3))); // expired
        Assert.False(await ids.TakeChallengeAsync("never-issued", "sign-in", T0));
    }
}
