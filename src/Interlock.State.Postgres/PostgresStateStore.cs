using System.Runtime.CompilerServices;
using Interlock.State.Approvals;
using Interlock.State.Identity;
using Npgsql;

namespace Interlock.State.Postgres;

/// <summary>
/// The server's shared store on PostgreSQL: the audit chain, approvals, users and tokens, with the same contracts
/// and tests as the embedded SQLite store. Several server replicas may share one database: the audit append locks
/// the chain head row (one chain, whatever the number of writers), a vote locks its request row (SELECT ... FOR
/// UPDATE: two votes never both decide it), a grant is taken with FOR UPDATE SKIP LOCKED (one consumer gets it),
/// and submissions of the same action are serialised by an advisory lock on its fingerprint (no duplicate request).
/// Snapshots stay on the agent's machine: <see cref="Snapshots"/> throws.
/// </summary>
public sealed partial class PostgresStateStore : IStateStore, IAuditLog, IApprovalStore, IIdentityStore
{
    public const int SchemaVersion = 4;

    // Migrations[i] brings the schema from version i to i + 1. Append only. Internal for the migration tests.
    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE audit (
            seq         bigint PRIMARY KEY,
            ts          text   NOT NULL,
            harness     text   NOT NULL,
            session_id  text,
            cwd         text   NOT NULL,
            tool        text   NOT NULL,
            request     text,
            verdict     text   NOT NULL,
            rule_id     text   NOT NULL,
            reason      text   NOT NULL,
            effects     text   NOT NULL,
            decision_us bigint NOT NULL,
            prev_hash   text   NOT NULL,
            hash        text   NOT NULL
        );
        CREATE TABLE audit_head (
            id   int    PRIMARY KEY CHECK (id = 1),
            seq  bigint NOT NULL,
            hash text   NOT NULL
        );
        INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
        CREATE TABLE approval_request (
            id                 text        PRIMARY KEY,
            fingerprint        text        NOT NULL,
            agent_id           text        NOT NULL,
            operator           text,
            harness            text        NOT NULL,
            session_id         text,
            tool               text        NOT NULL,
            action             text        NOT NULL,
            cwd                text        NOT NULL,
            repository         text,
            environment        text        NOT NULL,
            rule_id            text        NOT NULL,
            reason             text        NOT NULL,
            effects            text        NOT NULL,
            required_approvals int         NOT NULL,
            approver_group     text,
            grant_valid_us     bigint      NOT NULL,
            status             text        NOT NULL,
            created_at         timestamptz NOT NULL,
            expires_at         timestamptz NOT NULL,
            decided_at         timestamptz,
            grant_expires_at   timestamptz,
            consumed_at        timestamptz
        );
        CREATE INDEX approval_request_action ON approval_request (fingerprint, agent_id, status);
        CREATE INDEX approval_request_status ON approval_request (status, created_at);
        CREATE TABLE approval_vote (
            request_id text        NOT NULL REFERENCES approval_request (id) ON DELETE CASCADE,
            voter      text        NOT NULL,
            approve    boolean     NOT NULL,
            comment    text,
            at         timestamptz NOT NULL,
            PRIMARY KEY (request_id, voter)
        );
        CREATE TABLE app_user (
            name       text        PRIMARY KEY,
            groups     text        NOT NULL,
            created_at timestamptz NOT NULL,
            disabled   boolean     NOT NULL DEFAULT false
        );
        CREATE TABLE access_token (
            id         text        PRIMARY KEY,
            hash       text        NOT NULL UNIQUE,
            kind       text        NOT NULL,
            subject    text        NOT NULL,
            operator   text,
            created_at timestamptz NOT NULL,
            expires_at timestamptz,
            revoked_at timestamptz
        );
        CREATE TABLE webhook_delivery (
            id          bigserial   PRIMARY KEY,
            url         text        NOT NULL,
            event       text        NOT NULL,
            request_id  text,
            attempt     int         NOT NULL,
            status_code int,
            error       text,
            at          timestamptz NOT NULL
        );
        """,
        """
        CREATE TABLE audit_checkpoint (
            id             bigint PRIMARY KEY,
            first_seq      bigint NOT NULL,
            last_seq       bigint NOT NULL,
            last_hash      text   NOT NULL,
            count          bigint NOT NULL,
            pruned_at      text   NOT NULL,
            archive        text,
            archive_sha256 text,
            prev_hash      text   NOT NULL,
            hash           text   NOT NULL
        );
        ALTER TABLE audit_head ADD COLUMN checkpoint_hash text;
        """,
        """
        CREATE TABLE passkey (
            credential_id text        PRIMARY KEY,
            user_name     text        NOT NULL,
            label         text        NOT NULL,
            public_key    bytea       NOT NULL,
            sign_count    bigint      NOT NULL,
            rp_id         text        NOT NULL,
            created_at    timestamptz NOT NULL,
            last_used_at  timestamptz
        );
        CREATE INDEX passkey_user ON passkey (user_name);
        CREATE TABLE webauthn_challenge (
            challenge  text        PRIMARY KEY,
            purpose    text        NOT NULL,
            expires_at timestamptz NOT NULL
        );
        """,
        """
        ALTER TABLE approval_request ADD COLUMN host text;
        ALTER TABLE approval_request ADD COLUMN branch text;
        """,
    ];

    private readonly NpgsqlDataSource _source;
    private readonly bool _ownsSource;

    private PostgresStateStore(NpgsqlDataSource source, bool ownsSource)
    {
        _source = source;
        _ownsSource = ownsSource;
        var b = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        Location = $"postgresql://{b.Host}:{b.Port}/{b.Database}";
    }

    public string Location { get; }

    public IAuditLog Audit => this;

    public IApprovalStore Approvals => this;

    public IIdentityStore Identities => this;

    public ISnapshotLog Snapshots => throw new NotSupportedException(
        "snapshots are kept on the agent's machine (the local SQLite store), not on the approval server's PostgreSQL database; run `interlock history` and `interlock undo` where the agent runs");

    public Budgets.IBudgetLog Budgets => throw new NotSupportedException(
        "session budgets and circuit breakers are kept on the agent's machine (the local SQLite store), not on the approval server's PostgreSQL database; run `interlock breaker` where the agent runs");

    public Provenance.ISessionFiles SessionFiles => throw new NotSupportedException(
        "the files an agent session wrote are kept on the agent's machine (the local SQLite store), where its hook decides, not on the approval server's PostgreSQL database");

    /// <summary>A data source (connection pool) for <paramref name="connectionString"/>; share one per process.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString)
    {
        try
        {
            return new NpgsqlDataSourceBuilder(connectionString).Build();
        }
        catch (ArgumentException e)
        {
            throw new StateStoreException($"the PostgreSQL connection string is not valid ({e.Message}); expected e.g. \"Host=127.0.0.1;Port=5432;Database=interlock;Username=interlock;Password=...\"", e);
        }
    }

    /// <summary>A store over a shared pool (not disposed with the store). Call <see cref="MigrateAsync"/> once at start.</summary>
    public static PostgresStateStore Open(NpgsqlDataSource source) => new(source, ownsSource: false);

    /// <summary>A store with its own pool, schema brought up to date.</summary>
    public static async Task<PostgresStateStore> OpenAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var source = CreateDataSource(connectionString);
        var store = new PostgresStateStore(source, ownsSource: true);
        try
        {
            await store.MigrateAsync(cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Applies missing migrations; replicas starting together take turns (advisory lock).</summary>
    public Task MigrateAsync(CancellationToken cancellationToken = default) => RunAsync(async () =>
    {
        await using var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await Exec(c, tx, "SELECT pg_advisory_xact_lock(7215309);  CREATE TABLE IF NOT EXISTS interlock_schema (version int NOT NULL);", cancellationToken).ConfigureAwait(false);
        long version;
        await using (var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM interlock_schema;", c, tx))
            version = Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false));
        if (version > SchemaVersion)
            throw new StateStoreException($"the PostgreSQL database at {Location} has Interlock schema version {version}, newer than this server understands ({SchemaVersion}); upgrade interlock");
        for (var v = (int)version; v < SchemaVersion; v++)
            await Exec(c, tx, Migrations[v] + $"\nDELETE FROM interlock_schema; INSERT INTO interlock_schema (version) VALUES ({v + 1});", cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    });

    private static async Task Exec(NpgsqlConnection c, NpgsqlTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private async Task<T> RunAsync<T>(Func<Task<T>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (NpgsqlException e)
        {
            throw new StateStoreException($"the PostgreSQL database at {Location} failed: {e.Message}", e);
        }
        catch (InvalidOperationException e) when (e.InnerException is NpgsqlException || e.Message.Contains("connection", StringComparison.OrdinalIgnoreCase))
        {
            throw new StateStoreException($"the PostgreSQL database at {Location} failed: {e.Message}", e);
        }
    }

    // ---- audit ----

    private const string RecordColumns = "seq, ts, harness, session_id, cwd, tool, request, verdict, rule_id, reason, effects, decision_us, prev_hash, hash";

    public async ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        (await AppendManyAsync([entry], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>The chain head as this store's last append left it: a guess (another replica, or a prune, may have
    /// moved on since), used to seal the next batch without first reading the head.</summary>
    private sealed record KnownHead(long Sequence, string Hash);

    private KnownHead? _knownHead;

    /// <summary>
    /// Seals and stores several entries in one transaction (one commit, one flush): the server's group commit.
    /// The chain stays single with any number of replicas because the head moves only by compare-and-swap: the
    /// statement updates the head row only if it still names the record the batch was sealed after, and inserts
    /// the records only if it did, atomically. The batch is first sealed against the head this store last wrote,
    /// sent as one statement (one round trip, committed on its own); if the head moved meanwhile nothing is
    /// written, and the batch is sealed again in a transaction that locks the head row first (progress guaranteed).
    /// </summary>
    public Task<IReadOnlyList<AuditRecord>> AppendManyAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default) => RunAsync<IReadOnlyList<AuditRecord>>(async () =>
    {
        if (entries.Count == 0) return [];
        await using var c = await _source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Volatile.Read(ref _knownHead) is { } guess)
            {
                var records = Seal(entries, guess);
                if (await InsertIfHeadIs(c, null, guess, records, cancellationToken).ConfigureAwait(false))
                    return Remember(records);
            }
            await using var tx = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            KnownHead head;
            await using (var read = new NpgsqlCommand("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE;", c, tx))
            await using (var r = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                    throw new StateStoreException($"the audit chain head in {Location} is missing (the database was tampered with); run `interlock audit verify`");
                head = new KnownHead(r.GetInt64(0), r.GetString(1));
            }
            var sealedRecords = Seal(entries, head);
            if (!await InsertIfHeadIs(c, tx, head, sealedRecords, cancellationToken).ConfigureAwait(false))
                throw new StateStoreException($"the audit chain head in {Location} changed while it was locked (the database was tampered with); run `interlock audit verify`");
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return Remember(sealedRecords);
        }
        catch
        {
            // The outcome may be unknown (a lost connection during the commit): read the head again next time.
            Volatile.Write(ref _knownHead, null);
            throw;
        }
    });

    private static List<AuditRecord> Seal(IReadOnlyList<AuditEntry> entries, KnownHead after)
    {
        var records = new List<AuditRecord>(entries.Count);
        var (seq, previous) = (after.Sequence, after.Hash);
        foreach (var entry in entries)
        {
            var record = AuditChain.Seal(entry, ++seq, previous);
            previous = record.Hash;
            records.Add(record);
        }
        return records;
    }

    private IReadOnlyList<AuditRecord> Remember(List<AuditRecord> records)
    {
        Volatile.Write(ref _knownHead, new KnownHead(records[^1].Sequence, records[^1].Hash));
        return records;
    }

    /// <summary>One statement: moves the head from <paramref name="head"/> to the last record and inserts the records
    /// (each column an array, unnested into rows), or, when the head is no longer <paramref name="head"/>, does
    /// nothing. True when the records were inserted.</summary>
    private static async Task<bool> InsertIfHeadIs(NpgsqlConnection c, NpgsqlTransaction? tx, KnownHead head, List<AuditRecord> records, CancellationToken ct)
    {
        var n = records.Count;
        var seqs = new long[n];
        var micros = new long[n];
        var text = new string?[12][];
        for (var col = 0; col < text.Length; col++) text[col] = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var record = records[i];
            var e = record.Entry;
            seqs[i] = record.Sequence;
            micros[i] = e.DecisionMicros;
            text[0][i] = AuditChain.FormatTimestamp(e.Timestamp);
            text[1][i] = e.Harness;
            text[2][i] = e.SessionId;
            text[3][i] = e.Cwd;
            text[4][i] = e.Tool;
            text[5][i] = e.Request;
            text[6][i] = e.Verdict;
            text[7][i] = e.RuleId;
            text[8][i] = e.Reason;
            text[9][i] = e.EffectsJson;
            text[10][i] = record.PreviousHash;
            text[11][i] = record.Hash;
        }
        await using var cmd = new NpgsqlCommand($"""
            WITH moved AS (UPDATE audit_head SET seq = $15, hash = $16 WHERE id = 1 AND seq = $17 AND hash = $18 RETURNING id)
            INSERT INTO audit ({RecordColumns})
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
                                 $9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[], $14::text[])
            WHERE EXISTS (SELECT 1 FROM moved);
            """, c, tx);
        cmd.Parameters.Add(new() { Value = seqs });
        for (var col = 0; col < 10; col++) cmd.Parameters.Add(new() { Value = text[col], DataTypeName = "text[]" });
        cmd.Parameters.Add(new() { Value = micros });
        cmd.Parameters.Add(new() { Value = text[10], DataTypeName = "text[]" });
        cmd.Parameters.Add(new() { Value = text[11], DataTypeName = "text[]" });
        cmd.Parameters.Add(new() { Value = records[^1].Sequence });
        cmd.Parameters.Add(new() { Value = records[^1].Hash });
        cmd.Parameters.Add(new() { Value = head.Sequence });
        cmd.Parameters.Add(new() { Value = head.Hash });
        var inserted = await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        if (inserted != 0 && inserted != n)
            throw new StateStoreException($"the audit append inserted {inserted} of {n} records (the database was tampered with); run `interlock audit verify`");
        return inserted == n;
    }

    public ValueTask<AuditHead?> GetHeadAsync(CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand("SELECT seq, hash, checkpoint_hash FROM audit_head WHERE id = 1;");
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? new AuditHead(r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)) : null;
    }));

    public ValueTask<AuditRecord?> GetAsync(long sequence, CancellationToken cancellationToken = default) => new(RunAsync(async () =>
    {
        await using var cmd = _source.CreateCommand($"SELECT {RecordColumns} FROM audit WHERE seq = $1;");
        cmd.Parameters.Add(new() { Value = sequence });
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await r.ReadAsync(cancellationToken).ConfigureAwait(false) ? ReadRecord(r) : null;
    }));

    public ValueTask<IReadOnlyList<AuditRecord>> TailAsync(int count, CancellationToken cancellationToken = default) => new(RunAsync<IReadOnlyList<AuditRecord>>(async () =>
    {
        await using var cmd = _source.CreateCommand($"SELECT {RecordColumns} FROM audit ORDER BY seq DESC LIMIT $1;");
        cmd.Parameters.Add(new() { Value = (long)Math.Max(0, count) });
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<AuditRecord>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(ReadRecord(r));
        list.Reverse();
        return list;
    }));

    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // In pages, so a long chain never holds one huge result or one long-running statement.
        var next = fromSequence;
        while (true)
        {
            var page = await RunAsync(async () =>
            {
                await using var cmd = _source.CreateCommand($"SELECT {RecordColumns} FROM audit WHERE seq >= $1 ORDER BY seq LIMIT 2000;");
                cmd.Parameters.Add(new() { Value = next });
                await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                var list = new List<AuditRecord>();
                while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(ReadRecord(r));
                return list;
            }).ConfigureAwait(false);
            foreach (var record in page) yield return record;
            if (page.Count < 2000) yield break;
            next = page[^1].Sequence + 1;
        }
    }

    private static AuditRecord ReadRecord(NpgsqlDataReader r)
    {
        var tsText = r.GetString(1);
        var ts = DateTime.TryParseExact(tsText, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
            ? new DateTimeOffset(parsed, TimeSpan.Zero)
            : DateTimeOffset.MinValue;
        var entry = new AuditEntry(ts, r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetString(4), r.GetString(5),
            r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9), r.GetString(10), r.GetInt64(11));
        return new AuditRecord(r.GetInt64(0), entry, r.GetString(12), r.GetString(13));
    }

    public void Dispose()
    {
        if (_ownsSource) _source.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsSource) await _source.DisposeAsync().ConfigureAwait(false);
    }
}
