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
}
