namespace Interlock.State;

/// <summary>
/// Interlock's persistent state. The embedded implementation is <see cref="Sqlite.SqliteStateStore"/> (one file in
/// the user's state directory); a server can implement the same contract on PostgreSQL. Implementations must be
/// safe with many processes (hook invocations) using the same store at once.
/// Instances are not thread-safe: like a database connection, use one per unit of work.
/// </summary>
public interface IStateStore : IDisposable, IAsyncDisposable
{
    /// <summary>A human-readable description of where the state lives (a file path, a server).</summary>
    string Location { get; }

    /// <summary>The hash-chained log of every decision.</summary>
    IAuditLog Audit { get; }

    /// <summary>Pre-images captured before destructive actions, for `interlock undo`.</summary>
    ISnapshotLog Snapshots { get; }

    /// <summary>Requests for human approval and the one-time grants they become.</summary>
    Approvals.IApprovalStore Approvals { get; }

    /// <summary>Per-session budgets of destructive work and their circuit breakers.</summary>
    Budgets.IBudgetLog Budgets { get; }

    /// <summary>The files each agent session wrote (provenance of the code it later runs).</summary>
    Provenance.ISessionFiles SessionFiles { get; }
}

/// <summary>
/// An append-only, hash-chained log of decisions. The store assigns sequence numbers and seals each record with
/// <see cref="AuditChain.Seal"/>: appends are serialised (no two records get the same sequence number or the same
/// previous hash, whatever the number of concurrent writers). Verification is store-independent:
/// <see cref="AuditVerifier.VerifyAsync"/> walks <see cref="ReadAsync"/> and <see cref="GetHeadAsync"/>.
/// </summary>
public interface IAuditLog
{
    /// <summary>Seals <paramref name="entry"/> after the current end of the chain and stores it durably, atomically.</summary>
    ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The end of the chain as recorded by the last append (sequence 0 and the genesis hash when nothing was
    /// appended yet); null when the head itself is missing, which only tampering causes.</summary>
    ValueTask<AuditHead?> GetHeadAsync(CancellationToken cancellationToken = default);

    /// <summary>The record with this sequence number, or null.</summary>
    ValueTask<AuditRecord?> GetAsync(long sequence, CancellationToken cancellationToken = default);

    /// <summary>The last <paramref name="count"/> records, oldest first.</summary>
    ValueTask<IReadOnlyList<AuditRecord>> TailAsync(int count, CancellationToken cancellationToken = default);

    /// <summary>Every stored record with a sequence number of at least <paramref name="fromSequence"/>, in sequence order.
    /// Returns what is stored, as stored (verification needs to see tampered rows as they are).</summary>
    IAsyncEnumerable<AuditRecord> ReadAsync(long fromSequence = 1, CancellationToken cancellationToken = default);

    /// <summary>Every checkpoint left by a prune, oldest first, as stored (empty when nothing was ever pruned).</summary>
    ValueTask<IReadOnlyList<AuditCheckpoint>> GetCheckpointsAsync(CancellationToken cancellationToken = default);

    /// <summary>Which records a prune with <paramref name="cutoff"/> would remove: the oldest remaining ones, a prefix of
    /// the chain; null when none qualify. Changes nothing (a dry run).</summary>
    /// <exception cref="AuditPruneException">The chain head or a record the plan needs is missing.</exception>
    ValueTask<AuditPrunePlan?> PlanPruneAsync(AuditCutoff cutoff, CancellationToken cancellationToken = default);

    /// <summary>
    /// Carries out <paramref name="plan"/>: checks that its records form an intact chain from the previous checkpoint,
    /// writes them to <paramref name="archivePath"/> (JSONL, as `interlock audit export --jsonl`; never overwriting a
    /// file) and flushes it to disk, then in one transaction deletes them and records the checkpoint (its hash also goes
    /// into the chain head). Appends may run meanwhile: they are neither lost nor unchained. With a null
    /// <paramref name="archivePath"/> the records are deleted without a copy (the caller asked for that explicitly).
    /// </summary>
    /// <exception cref="AuditPruneException">Nothing was pruned (and no archive is left): the records do not verify, the
    /// archive could not be written, or another prune committed first (<see cref="AuditPruneException.Conflict"/>).</exception>
    ValueTask<AuditCheckpoint> PruneAsync(AuditPrunePlan plan, string? archivePath, DateTimeOffset now, CancellationToken cancellationToken = default);
}
