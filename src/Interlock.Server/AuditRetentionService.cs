using System.Globalization;
using Interlock.State;

namespace Interlock.Server;

/// <summary>The server's configuration cannot work (checked at start, before anything listens).</summary>
public sealed class ServerConfigurationException(string message) : Exception(message);

/// <summary>What a prune on the server did (or, in a dry run, would do).</summary>
public sealed record AuditPruneOutcome(AuditPrunePlan? Plan, AuditCheckpoint? Checkpoint, string? ArchivePath, bool DryRun, string Message);

/// <summary>
/// Audit retention on the server: every <see cref="ServerOptions.AuditPruneEvery"/>, records older than
/// <see cref="ServerOptions.AuditRetention"/> are archived to <see cref="ServerOptions.AuditArchiveDirectory"/> and
/// pruned (the store does it: archive flushed first, then delete and checkpoint in one transaction); an audit
/// administrator can also prune on demand (POST /v1/audit/prune). Each prune is itself appended to the trail.
/// Replicas on one PostgreSQL database may all run it: prunes are serialised in the database, and one that finds
/// another got there first removes nothing and says so.
/// </summary>
public sealed class AuditRetentionService : IAsyncDisposable
{
    private readonly ServerStore _store;
    private readonly ServerOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private Task? _loop;

    public AuditRetentionService(ServerStore store, ServerOptions options, TimeProvider time)
    {
        _store = store;
        _options = options;
        _time = time;
    }

    /// <summary>Runs of the periodic prune so far (tests wait on this).</summary>
    public int Runs => Volatile.Read(ref _runs);
    private int _runs;

    /// <summary>The last periodic run's message (null before the first).</summary>
    public string? LastMessage { get; private set; }

    /// <summary>Checks the retention options; throws <see cref="ServerConfigurationException"/> saying what to change.</summary>
    public static void Validate(ServerOptions o)
    {
        if (o.AuditArchiveDirectory is not null && o.AuditNoArchive)
            throw new ServerConfigurationException("`--audit-archive-dir` and `--audit-no-archive` contradict each other: give one (an archive directory keeps a provable copy of pruned records; --audit-no-archive deletes them)");
        if (o.AuditRetention is { } r)
        {
            if (r <= TimeSpan.Zero)
                throw new ServerConfigurationException("`--audit-retention` must be a positive age such as 90d");
            if (o.AuditArchiveDirectory is null && !o.AuditNoArchive)
                throw new ServerConfigurationException($"`--audit-retention {Age(r)}` would delete audit records, and the server never does that without a copy unless told: add `--audit-archive-dir DIR` (pruned records are written there as JSONL first, provable with `interlock audit verify --archive FILE`), or `--audit-no-archive` to delete them without one");
        }
        else
        {
            if (o.AuditKeep != 0) throw new ServerConfigurationException("`--audit-keep` only applies with `--audit-retention` (e.g. --audit-retention 90d --audit-keep 10000)");
        }
        if (o.AuditKeep < 0) throw new ServerConfigurationException("`--audit-keep` must be a number of records, 0 or more");
        if (o.AuditPruneEvery <= TimeSpan.Zero)
            throw new ServerConfigurationException("`--audit-prune-every` must be a positive age such as 1d");
        if (o.AuditArchiveDirectory is { } dir)
        {
            // Find out now, not at the first prune: the directory is created (owner-only) and written to once.
            var probe = Path.Combine(dir, $".interlock-write-test-{Environment.ProcessId}");
            try
            {
                if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
                else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                using (var f = new FileStream(probe, FileMode.Create, FileAccess.Write)) f.WriteByte(0);
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ServerConfigurationException($"`--audit-archive-dir {dir}`: the server cannot write there ({e.Message}); give a directory its user can create files in");
            }
        }
    }

    private static string Age(TimeSpan t) =>
        t.TotalDays >= 1 && t.TotalDays == Math.Floor(t.TotalDays) ? $"{t.TotalDays:0}d"
        : t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) ? $"{t.TotalHours:0}h"
        : $"{t.TotalMinutes.ToString("0.##", CultureInfo.InvariantCulture)}m";

    /// <summary>What `interlock serve` prints at start.</summary>
    public string Describe() => _options.AuditRetention is not { } r
        ? _options.AuditArchiveDirectory is { } dir
            ? $"audit retention off (the trail grows); on-demand prunes (`interlock audit prune --server`, group {_options.AuditAdminGroup}) archive to {dir}"
            : "audit retention off (the trail grows; see --audit-retention)"
        : $"audit retention: every {Age(_options.AuditPruneEvery)}, records older than {Age(r)}{(_options.AuditKeep > 0 ? $" (always keeping the newest {_options.AuditKeep})" : "")} are " +
          (_options.AuditArchiveDirectory is { } d ? $"archived to {d} and pruned" : "pruned WITHOUT an archive (--audit-no-archive)");

    public void Start()
    {
        if (_options.AuditRetention is null) return;
        _loop = Task.Run(LoopAsync);
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var outcome = await PruneAsync(new AuditCutoff(_time.GetUtcNow() - _options.AuditRetention!.Value, _options.AuditKeep),
                    Age(_options.AuditRetention.Value), dryRun: false, by: "retention", _stop.Token);
                LastMessage = outcome.Message;
                if (outcome.Checkpoint is not null) Console.Out.WriteLine($"interlock: {outcome.Message}");
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Never stops the server: the records stay, the next run tries again.
                LastMessage = Explain(e);
                Console.Error.WriteLine($"interlock: audit retention: {LastMessage}; nothing was pruned, retrying in {Age(_options.AuditPruneEvery)}");
            }
            Interlocked.Increment(ref _runs);
            try { await Task.Delay(_options.AuditPruneEvery, _time, _stop.Token); }
            catch (OperationCanceledException) { break; }
        }
    }

    public static string Explain(Exception e) => e switch
    {
        AuditPruneException or StateStoreException => e.Message,
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    /// <summary>One prune (or dry run) with the server's archive directory; <paramref name="by"/> is who asked
    /// (recorded in the trail).</summary>
    /// <exception cref="AuditPruneException">Nothing was pruned (see its Conflict).</exception>
    public async Task<AuditPruneOutcome> PruneAsync(AuditCutoff cutoff, string? beforeText, bool dryRun, string by, CancellationToken ct = default)
    {
        if (!dryRun && _options.AuditArchiveDirectory is null && !_options.AuditNoArchive)
            throw new AuditPruneException("this server has no audit archive directory, and it never prunes without one: start it with --audit-archive-dir DIR (or --audit-no-archive to delete without a copy)");
        await _oneAtATime.WaitAsync(ct);
        try
        {
            var why = AuditReport.DescribeCutoff(cutoff, beforeText);
            return await _store.RunRetentionAsync(async log =>
            {
                var plan = await log.PlanPruneAsync(cutoff, ct);
                if (plan is null)
                    return new AuditPruneOutcome(null, null, null, dryRun, $"nothing to prune: no record qualifies ({why}; {_store.Location})");
                if (dryRun)
                    return new AuditPruneOutcome(plan, null, null, true, $"dry run: would archive and remove {AuditReport.DescribePlan(plan)}, as {why}; {AuditReport.Kept(plan)} ({_store.Location}). Nothing was changed.");
                var now = _time.GetUtcNow();
                var path = _options.AuditArchiveDirectory is { } dir ? Path.Combine(dir, plan.ArchiveFileName(now)) : null;
                var checkpoint = await log.PruneAsync(plan, path, now, ct);
                var message = AuditReport.Pruned(plan, checkpoint, path, why);
                // The trail records its own pruning: who, what, where the archive went, the checkpoint's hash.
                await _store.AppendAuditAsync(new AuditEntry(now, "interlock-server", null, path is null ? "" : Path.GetDirectoryName(path)!, "audit.prune",
                    $"prune records {plan.FirstSequence} to {plan.LastSequence}", "allow", "audit.retention",
                    $"{by} pruned records {plan.FirstSequence} to {plan.LastSequence} ({plan.Count}) as {why}; checkpoint {checkpoint.Id} hash {checkpoint.Hash}; " +
                    (path is null ? "no archive" : $"archive {checkpoint.ArchiveName} sha256 {checkpoint.ArchiveSha256}"), "[]", 0));
                return new AuditPruneOutcome(plan, checkpoint, path, false, message);
            });
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
    }
}
