using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Interlock.State.Sqlite;

/// <summary>Where and how to open the embedded store.</summary>
public sealed record SqliteStateStoreOptions
{
    public const string DefaultFileName = "interlock.db";

    /// <summary>The state directory (see <see cref="StateDirectory.Resolve()"/>).</summary>
    public required string Directory { get; init; }

    public string FileName { get; init; } = DefaultFileName;

    /// <summary>How long a writer waits for another process's write transaction before giving up (SQLite busy_timeout).</summary>
    public int BusyTimeoutMilliseconds { get; init; } = 8000;

    /// <summary>When the write-ahead log grows past this size, the writer that noticed checkpoints it into the database
    /// and truncates it (best effort; a busy database is left for a later writer). Kept small because every hook
    /// process is a new connection that re-reads the whole WAL to rebuild its index (about 7.5 µs per KiB here):
    /// a 32 KiB bound costs a checkpoint every few appends (two fsyncs, ~0.7 ms) instead of up to 4 ms per call.</summary>
    public long WalCheckpointBytes { get; init; } = 32 * 1024;

    /// <summary>Create the directory and database when missing (the hook does); readers such as `audit` do not.</summary>
    public bool CreateIfMissing { get; init; } = true;

    /// <summary>synchronous=FULL: each commit is flushed to disk before it returns (the approval server's audit
    /// trail); the hook keeps NORMAL (durable against crashes of the process, not of the machine).</summary>
    public bool DurableCommits { get; init; }

    public string DatabasePath => Path.Combine(Directory, FileName);
}

/// <summary>The state directory has no database yet (nothing was ever recorded there).</summary>
public sealed class StateNotFoundException(string path)
    : Exception($"no Interlock state at {path} yet: nothing has been recorded there (the hook creates it on its first decision)")
{
    public string DatabasePath { get; } = path;
}

/// <summary>
/// The embedded store: one SQLite file in the user's state directory, in WAL mode (readers never block the writer),
/// synchronous=NORMAL, a busy timeout so concurrent hook processes queue instead of failing, and appends in
/// BEGIN IMMEDIATE transactions (the write lock is taken before the chain head is read, so two processes can never
/// seal records on the same head). The schema is versioned with PRAGMA user_version and migrated on open.
/// </summary>
public sealed partial class SqliteStateStore : IStateStore, IAuditLog, Identity.IIdentityStore
{
    /// <summary>The schema version this build writes (PRAGMA user_version).</summary>
    public const int SchemaVersion = 9;

    // Migrations[i] brings the schema from version i to i + 1. Append only; never edit a shipped migration.
    // Internal for the migration tests, which build a database of an earlier version.
    internal static readonly string[] Migrations =
    [
        """
        CREATE TABLE audit (
            seq         INTEGER PRIMARY KEY,
            ts          TEXT    NOT NULL,
            harness     TEXT    NOT NULL,
            session_id  TEXT,
            cwd         TEXT    NOT NULL,
            tool        TEXT    NOT NULL,
            request     TEXT,
            verdict     TEXT    NOT NULL,
            rule_id     TEXT    NOT NULL,
            reason      TEXT    NOT NULL,
            effects     TEXT    NOT NULL,
            decision_us INTEGER NOT NULL,
            prev_hash   TEXT    NOT NULL,
            hash        TEXT    NOT NULL
        ) STRICT;
        CREATE TABLE audit_head (
            id   INTEGER PRIMARY KEY CHECK (id = 1),
            seq  INTEGER NOT NULL,
            hash TEXT    NOT NULL
        ) STRICT;
        INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
        """,
        """
        CREATE TABLE snapshot_event (
            id          INTEGER PRIMARY KEY,
            ts          TEXT    NOT NULL,
            session_id  TEXT,
            cwd         TEXT    NOT NULL,
            tool        TEXT    NOT NULL,
            request     TEXT,
            verdict     TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX snapshot_event_session ON snapshot_event (session_id, id);
        CREATE TABLE snapshot_file (
            event_id    INTEGER NOT NULL REFERENCES snapshot_event (id) ON DELETE CASCADE,
            path        TEXT    NOT NULL,
            hash        TEXT    NOT NULL,
            mode        INTEGER NOT NULL,
            size        INTEGER NOT NULL,
            after_hash  TEXT,
            PRIMARY KEY (event_id, path)
        ) STRICT;
        CREATE INDEX snapshot_file_hash ON snapshot_file (hash);
        """,
        """
        CREATE TABLE approval_request (
            id                 TEXT    PRIMARY KEY,
            fingerprint        TEXT    NOT NULL,
            agent_id           TEXT    NOT NULL,
            operator           TEXT,
            harness            TEXT    NOT NULL,
            session_id         TEXT,
            tool               TEXT    NOT NULL,
            action             TEXT    NOT NULL,
            cwd                TEXT    NOT NULL,
            repository         TEXT,
            environment        TEXT    NOT NULL,
            rule_id            TEXT    NOT NULL,
            reason             TEXT    NOT NULL,
            effects            TEXT    NOT NULL,
            required_approvals INTEGER NOT NULL,
            approver_group     TEXT,
            grant_valid_us     INTEGER NOT NULL,
            status             TEXT    NOT NULL,
            created_at         TEXT    NOT NULL,
            expires_at         TEXT    NOT NULL,
            decided_at         TEXT,
            grant_expires_at   TEXT,
            consumed_at        TEXT
        ) STRICT;
        CREATE INDEX approval_request_action ON approval_request (fingerprint, agent_id, status);
        CREATE INDEX approval_request_status ON approval_request (status, created_at);
        CREATE TABLE approval_vote (
            request_id TEXT    NOT NULL REFERENCES approval_request (id) ON DELETE CASCADE,
            voter      TEXT    NOT NULL,
            approve    INTEGER NOT NULL,
            comment    TEXT,
            at         TEXT    NOT NULL,
            PRIMARY KEY (request_id, voter)
        ) STRICT;
        """,
        """
        CREATE TABLE budget_usage (
            id          INTEGER PRIMARY KEY,
            session_key TEXT    NOT NULL,
            at          TEXT    NOT NULL,
            files       INTEGER NOT NULL,
            lines       INTEGER NOT NULL,
            commands    INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX budget_usage_session ON budget_usage (session_key, at);
        CREATE TABLE breaker (
            session_key TEXT PRIMARY KEY,
            tripped_at  TEXT,
            reason      TEXT,
            reset_at    TEXT,
            reset_by    TEXT
        ) STRICT;
        """,
        """
        CREATE TABLE app_user (
            name       TEXT    PRIMARY KEY,
            groups     TEXT    NOT NULL,
            created_at TEXT    NOT NULL,
            disabled   INTEGER NOT NULL DEFAULT 0
        ) STRICT;
        CREATE TABLE access_token (
            id         TEXT PRIMARY KEY,
            hash       TEXT NOT NULL UNIQUE,
            kind       TEXT NOT NULL,
            subject    TEXT NOT NULL,
            operator   TEXT,
            created_at TEXT NOT NULL,
            expires_at TEXT,
            revoked_at TEXT
        ) STRICT;
        CREATE TABLE webhook_delivery (
            id          INTEGER PRIMARY KEY,
            url         TEXT    NOT NULL,
            event       TEXT    NOT NULL,
            request_id  TEXT,
            attempt     INTEGER NOT NULL,
            status_code INTEGER,
            error       TEXT,
            at          TEXT    NOT NULL
        ) STRICT;
        """,
        """
        CREATE TABLE audit_checkpoint (
            id             INTEGER PRIMARY KEY,
            first_seq      INTEGER NOT NULL,
            last_seq       INTEGER NOT NULL,
            last_hash      TEXT    NOT NULL,
            count          INTEGER NOT NULL,
            pruned_at      TEXT    NOT NULL,
            archive        TEXT,
            archive_sha256 TEXT,
            prev_hash      TEXT    NOT NULL,
            hash           TEXT    NOT NULL
        ) STRICT;
        ALTER TABLE audit_head ADD COLUMN checkpoint_hash TEXT;
        """,
        """
        CREATE TABLE session_file (
            session_key TEXT NOT NULL,
            path        TEXT NOT NULL,
            how         TEXT NOT NULL,
            at          TEXT NOT NULL,
            PRIMARY KEY (session_key, path)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX session_file_at ON session_file (session_key, at);
        """,
        """
        CREATE TABLE passkey (
            credential_id TEXT    PRIMARY KEY,
            user_name     TEXT    NOT NULL,
            label         TEXT    NOT NULL,
            public_key    BLOB    NOT NULL,
            sign_count    INTEGER NOT NULL,
            rp_id         TEXT    NOT NULL,
            created_at    TEXT    NOT NULL,
            last_used_at  TEXT
        ) STRICT;
        CREATE INDEX passkey_user ON passkey (user_name);
        CREATE TABLE webauthn_challenge (
            challenge  TEXT PRIMARY KEY,
            purpose    TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) STRICT;
        """,
        """
        ALTER TABLE approval_request ADD COLUMN host TEXT;
        ALTER TABLE approval_request ADD COLUMN branch TEXT;
        """,
    ];

    private const string RecordColumns = "seq, ts, harness, session_id, cwd, tool, request, verdict, rule_id, reason, effects, decision_us, prev_hash, hash";

    private readonly SqliteConnection _connection;

    private readonly SqliteStateStoreOptions _options;

    private SqliteStateStore(SqliteConnection connection, string path, SqliteStateStoreOptions options)
    {
        _connection = connection;
        Location = path;
        _options = options;
    }

    public string Location { get; }

    public IAuditLog Audit => this;

    /// <summary>Opens the store in the default state directory ($INTERLOCK_STATE_DIR, $XDG_STATE_HOME/interlock, ~/.local/state/interlock).</summary>
    public static SqliteStateStore OpenDefault(bool createIfMissing = true) =>
        Open(new SqliteStateStoreOptions { Directory = StateDirectory.Resolve(), CreateIfMissing = createIfMissing });

    /// <summary>Opens (and when allowed creates) the database and brings its schema up to date.</summary>
    /// <exception cref="StateNotFoundException">The database does not exist and <see cref="SqliteStateStoreOptions.CreateIfMissing"/> is false.</exception>
    /// <exception cref="StateStoreException">It cannot be opened, is locked beyond the busy timeout, is not a database, or is newer than this build.</exception>
    public static SqliteStateStore Open(SqliteStateStoreOptions options)
    {
        SqliteNative.Initialize();
        var path = Path.GetFullPath(options.DatabasePath);
        if (!File.Exists(path))
        {
            if (!options.CreateIfMissing) throw new StateNotFoundException(path);
            CreateEmptyDatabaseFile(path);
        }

        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = false,
            // Microsoft.Data.Sqlite also retries busy statements until the command timeout; keep both bounds alike.
            DefaultTimeout = Math.Max(1, (options.BusyTimeoutMilliseconds + 999) / 1000),
        };
        SqliteConnection connection;
        try
        {
            connection = new SqliteConnection(builder.ConnectionString);
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            throw new StateStoreException(
                $"the SQLite library could not be loaded (it ships as {SqliteNative.LibraryFileName} beside the interlock binary in {AppContext.BaseDirectory}; install both files together)", e);
        }
        try
        {
            connection.Open();
            // Each hook process is usually the only connection, so closing would checkpoint and delete the WAL
            // every time (two fsyncs, then re-creating the WAL). Instead the WAL stays and is checkpointed by size.
            SQLitePCL.raw.sqlite3_db_config(connection.Handle, SQLitePCL.raw.SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, out _);
            var version = ConfigureAndReadVersion(connection, options.BusyTimeoutMilliseconds, options.DurableCommits);
            if (version > SchemaVersion)
                throw new StateStoreException($"the state database {path} has schema version {version}, newer than this interlock understands ({SchemaVersion}); upgrade interlock");
            if (version < SchemaVersion) Migrate(connection, path);
            return new SqliteStateStore(connection, path, options);
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw new StateStoreException(Describe(e, path), e);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void CreateEmptyDatabaseFile(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        try
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
            else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            // An empty file is an empty SQLite database. Creating it here gives it owner-only permissions, which
            // SQLite carries over to the -wal and -shm files: the audit trail holds every command an agent ran.
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var _ = new FileStream(path, fileOptions);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first.
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StateStoreException($"cannot create the state database {path}: {e.Message}", e);
        }
    }

    private static long ConfigureAndReadVersion(SqliteConnection connection, int busyTimeoutMs, bool durable)
    {
        using var command = connection.CreateCommand();
        // One round trip: the reader's last result set is user_version (busy_timeout answers with a row too).
        // wal_autocheckpoint is off: a process that opens the database recovers the WAL with its frames marked as not
        // yet copied, so automatic (passive) checkpoints would copy the whole WAL again on every commit past the
        // limit; Append checkpoints and truncates it by size instead.
        command.CommandText = $"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA synchronous = {(durable ? "FULL" : "NORMAL")}; PRAGMA wal_autocheckpoint = 0; PRAGMA user_version;";
        using var reader = command.ExecuteReader();
        long version = 0;
        do
        {
            if (reader.FieldCount == 1 && reader.GetName(0) == "user_version" && reader.Read()) version = reader.GetInt64(0);
        }
        while (reader.NextResult());
        return version;
    }

    private static void Migrate(SqliteConnection connection, string path)
    {
        using (var wal = connection.CreateCommand())
        {
            // Persistent in the file; must be set outside a transaction.
            wal.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = wal.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                throw new StateStoreException($"the state database {path} could not be switched to WAL mode (journal mode is {mode})");
        }
        using var transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one migrator at a time
        long version;
        using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "PRAGMA user_version;";
            version = (long)read.ExecuteScalar()!; // another process may have migrated while this one waited
        }
        if (version > SchemaVersion)
            throw new StateStoreException($"the state database {path} has schema version {version}, newer than this interlock understands ({SchemaVersion}); upgrade interlock");
        for (var v = (int)version; v < SchemaVersion; v++)
        {
            using var step = connection.CreateCommand();
            step.Transaction = transaction;
            step.CommandText = Migrations[v] + $"\nPRAGMA user_version = {v + 1};";
            step.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static string Describe(SqliteException e, string path) => e.SqliteErrorCode switch
    {
        5 or 6 => $"the state database {path} stayed locked by another process beyond the busy timeout ({e.Message})",
        11 or 26 => $"the state database {path} is corrupt or not a database ({e.Message})",
        13 => $"the disk holding the state database {path} is full ({e.Message})",
        8 => $"the state database {path} is read-only ({e.Message})",
        14 => $"the state database {path} cannot be opened ({e.Message})",
        _ => $"the state database {path} failed: {e.Message}",
    };

    private T Run<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (SqliteException e)
        {
            throw new StateStoreException(Describe(e, Location), e);
        }
    }

    public ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Run(() => Append(entry)));
    }

    private AuditRecord Append(AuditEntry entry)
    {
        // Everything that takes time (reading the head, hashing, compiling the statements) is done before the write
        // lock is taken, against the head as it is now; under the lock the head is read again and the record is
        // re-sealed only if another process appended in between. The lock is held for one SELECT and one INSERT.
        using var head = _connection.CreateCommand();
        head.CommandText = "SELECT seq, hash FROM audit_head WHERE id = 1;";
        using var insert = _connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO audit ({RecordColumns})
            VALUES ($seq, $ts, $harness, $session, $cwd, $tool, $request, $verdict, $rule, $reason, $effects, $us, $prev, $hash);
            UPDATE audit_head SET seq = $seq, hash = $hash WHERE id = 1;
            """;
        var (sequence, previous) = ReadHead(head);
        var record = AuditChain.Seal(entry, sequence + 1, previous);
        Bind(insert, record);
        insert.Prepare();

        using var transaction = _connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: the write lock
        head.Transaction = transaction;
        insert.Transaction = transaction;
        var (lockedSequence, lockedPrevious) = ReadHead(head);
        if (lockedSequence != sequence || !string.Equals(lockedPrevious, previous, StringComparison.Ordinal))
        {
            record = AuditChain.Seal(entry, lockedSequence + 1, lockedPrevious);
            Bind(insert, record);
        }
        insert.ExecuteNonQuery();
        transaction.Commit();
        if (_options.WalCheckpointBytes > 0) MaybeCheckpoint();
        return record;
    }

    /// <summary>Seals and stores several entries in one transaction (one commit, one flush): the server's group commit.
    /// One prepared INSERT is executed per record with its parameters re-valued (not re-created), and the chain head is
    /// updated once, after the last record: the transaction is all-or-nothing, so the head never names a record that
    /// was not stored.</summary>
    public ValueTask<IReadOnlyList<AuditRecord>> AppendManyAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IReadOnlyList<AuditRecord>>(Run(() =>
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            using var head = _connection.CreateCommand();
            head.Transaction = transaction;
            head.CommandText = "SELECT seq, hash FROM audit_head WHERE id = 1;";
            var (sequence, previous) = ReadHead(head);
            using var insert = _connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO audit ({RecordColumns}) VALUES ($seq, $ts, $harness, $session, $cwd, $tool, $request, $verdict, $rule, $reason, $effects, $us, $prev, $hash);";
            var records = new List<AuditRecord>(entries.Count);
            foreach (var entry in entries)
            {
                var record = AuditChain.Seal(entry, ++sequence, previous);
                previous = record.Hash;
                Bind(insert, record);
                insert.ExecuteNonQuery();
                records.Add(record);
            }
            using var update = _connection.CreateCommand();
            update.Transaction = transaction;
            update.CommandText = "UPDATE audit_head SET seq = $seq, hash = $hash WHERE id = 1;";
            update.Parameters.AddWithValue("$seq", sequence);
            update.Parameters.AddWithValue("$hash", previous);
            update.ExecuteNonQuery();
            transaction.Commit();
            if (_options.WalCheckpointBytes > 0) MaybeCheckpoint();
            return records;
        }));
    }

    private (long Sequence, string Hash) ReadHead(SqliteCommand head)
    {
        using var reader = head.ExecuteReader();
        if (!reader.Read())
            throw new StateStoreException($"the audit chain head in {Location} is missing (the database was tampered with); run `interlock audit verify`");
        return (reader.GetInt64(0), reader.GetString(1));
    }

    private static readonly string[] RecordParameterNames =
        ["$seq", "$ts", "$harness", "$session", "$cwd", "$tool", "$request", "$verdict", "$rule", "$reason", "$effects", "$us", "$prev", "$hash"];

    /// <summary>Sets the record's values on the command's parameters (created on the first call, then reused, so a
    /// command executed once per record keeps its prepared statement and allocates no parameters).</summary>
    private static void Bind(SqliteCommand insert, AuditRecord record)
    {
        var e = record.Entry;
        var p = insert.Parameters;
        if (p.Count != RecordParameterNames.Length)
        {
            p.Clear();
            foreach (var name in RecordParameterNames) p.Add(new SqliteParameter { ParameterName = name });
        }
        p[0].Value = record.Sequence;
        p[1].Value = AuditChain.FormatTimestamp(e.Timestamp);
        p[2].Value = e.Harness;
        p[3].Value = (object?)e.SessionId ?? DBNull.Value;
        p[4].Value = e.Cwd;
        p[5].Value = e.Tool;
        p[6].Value = (object?)e.Request ?? DBNull.Value;
        p[7].Value = e.Verdict;
        p[8].Value = e.RuleId;
        p[9].Value = e.Reason;
        p[10].Value = e.EffectsJson;
        p[11].Value = e.DecisionMicros;
        p[12].Value = record.PreviousHash;
        p[13].Value = record.Hash;
    }

    /// <summary>When the WAL is past the threshold, copy it into the database and truncate it (TRUNCATE checkpoint),
    /// without waiting: if another process is reading or writing, a later append does it.</summary>
    private void MaybeCheckpoint()
    {
        try
        {
            var wal = new FileInfo(Location + "-wal");
            if (!wal.Exists || wal.Length <= _options.WalCheckpointBytes) return;
            var db = _connection.Handle!;
            SQLitePCL.raw.sqlite3_busy_timeout(db, 0);
            SQLitePCL.raw.sqlite3_wal_checkpoint_v2(db, "main", SQLitePCL.raw.SQLITE_CHECKPOINT_TRUNCATE, out _, out _);
            SQLitePCL.raw.sqlite3_busy_timeout(db, _options.BusyTimeoutMilliseconds);
        }
        catch (IOException)
        {
            // Best effort: the record is committed; a later writer checkpoints.
        }
    }

    public ValueTask<AuditHead?> GetHeadAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Run(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, hash, checkpoint_hash FROM audit_head WHERE id = 1;";
            using var reader = command.ExecuteReader();
            return reader.Read() ? new AuditHead(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)) : null;
        }));
    }

    public ValueTask<AuditRecord?> GetAsync(long sequence, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Run(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {RecordColumns} FROM audit WHERE seq = $seq;";
            command.Parameters.AddWithValue("$seq", sequence);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadRecord(reader) : null;
        }));
    }

    public ValueTask<IReadOnlyList<AuditRecord>> TailAsync(int count, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Run<IReadOnlyList<AuditRecord>>(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {RecordColumns} FROM audit ORDER BY seq DESC LIMIT $n;";
            command.Parameters.AddWithValue("$n", Math.Max(0, count));
            using var reader = command.ExecuteReader();
            var records = new List<AuditRecord>();
            while (reader.Read()) records.Add(ReadRecord(reader));
            records.Reverse();
            return records;
        }));
    }

    public async IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = $"SELECT {RecordColumns} FROM audit WHERE seq >= $from ORDER BY seq;";
        command.Parameters.AddWithValue("$from", fromSequence);
        SqliteDataReader reader;
        try { reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false); }
        catch (SqliteException e) { throw new StateStoreException(Describe(e, Location), e); }
        using (reader)
        {
            while (true)
            {
                AuditRecord record;
                try
                {
                    if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) break;
                    record = ReadRecord(reader);
                }
                catch (SqliteException e) { throw new StateStoreException(Describe(e, Location), e); }
                yield return record;
            }
        }
    }

    private static AuditRecord ReadRecord(SqliteDataReader r)
    {
        // Values are taken as stored: a tampered timestamp that no longer parses becomes MinValue, and then
        // fails its hash like any other edit.
        var tsText = r.GetString(1);
        var ts = DateTime.TryParseExact(tsText, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
            ? new DateTimeOffset(parsed, TimeSpan.Zero)
            : DateTimeOffset.MinValue;
        var entry = new AuditEntry(
            ts,
            r.GetString(2),
            r.IsDBNull(3) ? null : r.GetString(3),
            r.GetString(4),
            r.GetString(5),
            r.IsDBNull(6) ? null : r.GetString(6),
            r.GetString(7),
            r.GetString(8),
            r.GetString(9),
            r.GetString(10),
            r.GetInt64(11));
        return new AuditRecord(r.GetInt64(0), entry, r.GetString(12), r.GetString(13));
    }

    public void Dispose() => _connection.Dispose();

    public ValueTask DisposeAsync()
    {
        _connection.Dispose();
        return ValueTask.CompletedTask;
    }
}
