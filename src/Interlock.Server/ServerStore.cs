using System.Threading.Channels;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.State.Identity;
using Interlock.State.Postgres;
using Interlock.State.Sqlite;
using Npgsql;

namespace Interlock.Server;

/// <summary>
/// The server's database, embedded (SQLite: one connection, used one operation at a time) or shared (PostgreSQL:
/// a pool; any number of replicas). Audit appends go through <see cref="AppendAuditAsync"/>, which commits
/// concurrent decisions together (group commit): one durable flush for many records.
/// </summary>
public abstract class ServerStore : IAsyncDisposable
{
    private readonly Channel<(AuditEntry Entry, TaskCompletionSource<AuditRecord> Done)> _audit =
        Channel.CreateBounded<(AuditEntry, TaskCompletionSource<AuditRecord>)>(new BoundedChannelOptions(10_000) { SingleReader = true });
    private Task? _writer;

    public abstract string Location { get; }

    /// <summary>Runs one unit of work against the store.</summary>
    public abstract Task<T> RunAsync<T>(Func<IAuditLog, IApprovalStore, IIdentityStore, Task<T>> work);

    protected abstract Task<IReadOnlyList<AuditRecord>> AppendManyAsync(IReadOnlyList<AuditEntry> entries);

    /// <summary>Runs a prune (planning, archiving, committing) on its own connection, so reading and archiving the
    /// records never holds up decisions; only the prune's final transaction takes the write lock.</summary>
    public abstract Task<T> RunRetentionAsync<T>(Func<IAuditLog, Task<T>> work);

    /// <summary>Tells the other replicas on this database that something changed (PostgreSQL NOTIFY). The embedded
    /// store has no other replicas: nothing to do.</summary>
    public virtual Task BroadcastChangeAsync() => Task.CompletedTask;

    /// <summary>Starts calling <paramref name="onChange"/> whenever another replica broadcasts a change (PostgreSQL
    /// LISTEN). The embedded store has no other replicas: nothing to listen to.</summary>
    public virtual void ListenForChanges(Action onChange) { }

    /// <summary>True while changes by other replicas wake this one (so waiters can poll rarely, as a safety net).</summary>
    public virtual bool ListeningForReplicas => false;

    public static async Task<ServerStore> OpenAsync(ServerOptions options)
    {
        ServerStore store = options.Database is { Length: > 0 } cs ? await PostgresServerStore.OpenAsync(cs) : SqliteServerStore.Open(options.DataDirectory);
        store.StartWriter();
        return store;
    }

    /// <summary>Starts the one task that commits the audit records (internal: tests start it on a store of their own).</summary>
    internal void StartWriter() => _writer ??= Task.Run(WriteAuditLoop);

    /// <summary>Appends a record durably; returns once it is committed (with others that arrived meanwhile). When the
    /// commit fails, this throws (the caller answers with an error, never with the decision).</summary>
    public async Task<AuditRecord> AppendAuditAsync(AuditEntry entry)
    {
        var done = new TaskCompletionSource<AuditRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _audit.Writer.WriteAsync((entry, done));
        return await done.Task;
    }

    /// <summary>
    /// Group commit: takes every record waiting (at most 256), commits them in one transaction, and only then
    /// answers their callers, in order; the next batch gathers while this one commits. A failed commit fails every
    /// caller of that batch (none of its records counts as written) and the loop goes on with the next.
    /// </summary>
    private async Task WriteAuditLoop()
    {
        var batch = new List<(AuditEntry Entry, TaskCompletionSource<AuditRecord> Done)>(256);
        while (await _audit.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 256 && _audit.Reader.TryRead(out var item)) batch.Add(item);
            try
            {
                var entries = new AuditEntry[batch.Count];
                for (var i = 0; i < entries.Length; i++) entries[i] = batch[i].Entry;
                var records = await AppendManyAsync(entries);
                if (records.Count != batch.Count)
                    throw new StateStoreException($"the audit store wrote {records.Count} records for a batch of {batch.Count}");
                // Each caller's continuation (writing its response) runs on the thread pool, not on the writer.
                for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(records[i]);
            }
            catch (Exception e)
            {
                foreach (var b in batch) b.Done.TrySetException(e);
            }
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        _audit.Writer.TryComplete();
        if (_writer is not null) await _writer;
        GC.SuppressFinalize(this);
    }
}

internal sealed class SqliteServerStore(SqliteStateStore store) : ServerStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Durable commits (synchronous=FULL: the WAL is flushed before a commit returns). The WAL is
    /// checkpointed past 4 MiB, not the hook's 32 KiB: the hook's small bound is for processes that each re-read the
    /// whole WAL when they open the database, while the server keeps one connection open, and a group commit of 64
    /// records is about 40 KiB, so the small bound meant a checkpoint (two more flushes, a truncation and the WAL
    /// header's own flush) after nearly every commit. When the WAL is checkpointed changes nothing about durability.</summary>
    private static SqliteStateStoreOptions Options(string directory) =>
        new() { Directory = directory, FileName = "interlock-server.db", DurableCommits = true, BusyTimeoutMilliseconds = 10_000, WalCheckpointBytes = 4 * 1024 * 1024 };

    public static SqliteServerStore Open(string directory) => new(SqliteStateStore.Open(Options(directory)));

    public override async Task<T> RunRetentionAsync<T>(Func<IAuditLog, Task<T>> work)
    {
        using var own = SqliteStateStore.Open(Options(Path.GetDirectoryName(store.Location)!) with { CreateIfMissing = false });
        return await work(own.Audit);
    }

    public override string Location => store.Location;

    public override async Task<T> RunAsync<T>(Func<IAuditLog, IApprovalStore, IIdentityStore, Task<T>> work)
    {
        await _gate.WaitAsync();
        try { return await work(store.Audit, store.Approvals, store.Identities); }
        finally { _gate.Release(); }
    }

    protected override async Task<IReadOnlyList<AuditRecord>> AppendManyAsync(IReadOnlyList<AuditEntry> entries)
    {
        await _gate.WaitAsync();
        try { return await store.AppendManyAsync(entries); }
        finally { _gate.Release(); }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        store.Dispose();
    }
}

internal sealed class PostgresServerStore(NpgsqlDataSource source) : ServerStore
{
    /// <summary>One channel for the whole database; the payload is the schema, so servers on other schemas of the
    /// same database (tests, staging) ignore each other's changes.</summary>
    private const string Channel = "interlock_changes";

    private readonly PostgresStateStore _store = PostgresStateStore.Open(source);
    private readonly CancellationTokenSource _stop = new();
    private string _schema = "";
    private Task? _listener;
    private volatile bool _listening;

    public static async Task<PostgresServerStore> OpenAsync(string connectionString)
    {
        var source = PostgresStateStore.CreateDataSource(connectionString);
        var store = new PostgresServerStore(source);
        try
        {
            await store._store.MigrateAsync();
            await using var c = await source.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand("SELECT current_schema();", c);
            store._schema = (await cmd.ExecuteScalarAsync()) as string ?? "";
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
        return store;
    }

    public override string Location => _store.Location;

    public override Task<T> RunAsync<T>(Func<IAuditLog, IApprovalStore, IIdentityStore, Task<T>> work) => work(_store.Audit, _store.Approvals, _store.Identities);

    protected override Task<IReadOnlyList<AuditRecord>> AppendManyAsync(IReadOnlyList<AuditEntry> entries) => _store.AppendManyAsync(entries);

    public override Task<T> RunRetentionAsync<T>(Func<IAuditLog, Task<T>> work) => work(_store.Audit);

    public override bool ListeningForReplicas => _listening;

    public override async Task BroadcastChangeAsync()
    {
        await using var c = await source.OpenConnectionAsync(_stop.Token);
        await using var cmd = new NpgsqlCommand($"SELECT pg_notify('{Channel}', $1);", c) { Parameters = { new() { Value = _schema } } };
        await cmd.ExecuteNonQueryAsync(_stop.Token);
    }

    public override void ListenForChanges(Action onChange) => _listener ??= Task.Run(() => ListenLoop(onChange));

    /// <summary>Holds one connection in LISTEN. When it breaks, waiters fall back to polling until it is back
    /// (retried with backoff); on every (re)connect they are woken once, for what was missed meanwhile.</summary>
    private async Task ListenLoop(Action onChange)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await using var c = await source.OpenConnectionAsync(_stop.Token);
                c.Notification += (_, e) => { if (e.Channel == Channel && e.Payload == _schema) onChange(); };
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel};", c)) await listen.ExecuteNonQueryAsync(_stop.Token);
                _listening = true;
                backoff = TimeSpan.FromSeconds(1);
                onChange();
                while (true)
                {
                    // A quiet connection is checked every 30 s, so a dead one is noticed (and polling takes over).
                    if (!await c.WaitAsync(TimeSpan.FromSeconds(30), _stop.Token))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1;", c);
                        await ping.ExecuteScalarAsync(_stop.Token);
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception)
            {
                _listening = false;
                try { await Task.Delay(backoff, _stop.Token); } catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
        _listening = false;
    }

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_listener is not null) await _listener;
        await base.DisposeAsync();
        await source.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>Wakes waiters (hook calls waiting for a verdict, the dashboard's live feed) when something changes:
/// at once for this replica's changes, which are also broadcast to the other replicas (PostgreSQL NOTIFY, when
/// <paramref name="broadcast"/> is given); other replicas' changes arrive through <see cref="Wake"/> (LISTEN).
/// Waiters still poll, rarely, in case a notification is lost (the listening connection broke).</summary>
public sealed class ChangeFeed(Func<Task>? broadcast = null)
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _broadcastFailures;

    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Broadcasts that failed (other replicas then see the change by polling).</summary>
    public long BroadcastFailures => Interlocked.Read(ref _broadcastFailures);

    /// <summary>This replica changed something: wake local waiters and tell the other replicas.</summary>
    public void Publish()
    {
        Wake();
        if (broadcast is not null) _ = BroadcastAsync();
    }

    private async Task BroadcastAsync()
    {
        try { await broadcast!(); }
        catch (Exception) { Interlocked.Increment(ref _broadcastFailures); }
    }

    /// <summary>Wakes local waiters only (a change another replica made).</summary>
    public void Wake()
    {
        var previous = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
