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

    public static async Task<ServerStore> OpenAsync(ServerOptions options)
    {
        ServerStore store = options.Database is { Length: > 0 } cs ? await PostgresServerStore.OpenAsync(cs) : SqliteServerStore.Open(options.DataDirectory);
        store._writer = Task.Run(store.WriteAuditLoop);
        return store;
    }

    /// <summary>Appends a record durably; returns once it is committed (with others that arrived meanwhile).</summary>
    public async Task<AuditRecord> AppendAuditAsync(AuditEntry entry)
    {
        var done = new TaskCompletionSource<AuditRecord>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _audit.Writer.WriteAsync((entry, done));
        return await done.Task;
    }

    private async Task WriteAuditLoop()
    {
        var batch = new List<(AuditEntry Entry, TaskCompletionSource<AuditRecord> Done)>(256);
        while (await _audit.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < 256 && _audit.Reader.TryRead(out var item)) batch.Add(item);
            try
            {
                var records = await AppendManyAsync(batch.Select(b => b.Entry).ToList());
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

    public static SqliteServerStore Open(string directory) =>
        new(SqliteStateStore.Open(new SqliteStateStoreOptions { Directory = directory, FileName = "interlock-server.db", DurableCommits = true, BusyTimeoutMilliseconds = 10_000 }));

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
    private readonly PostgresStateStore _store = PostgresStateStore.Open(source);

    public static async Task<PostgresServerStore> OpenAsync(string connectionString)
    {
        var source = PostgresStateStore.CreateDataSource(connectionString);
        var store = new PostgresServerStore(source);
        try
        {
            await store._store.MigrateAsync();
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

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await source.DisposeAsync();
    }
}

/// <summary>Wakes waiters (hook calls waiting for a verdict, the dashboard's live feed) when this replica changes
/// something. Changes made by other replicas are seen by polling.</summary>
public sealed class ChangeFeed
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Next => Volatile.Read(ref _next).Task;

    public void Publish()
    {
        var previous = Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous.TrySetResult();
    }
}
