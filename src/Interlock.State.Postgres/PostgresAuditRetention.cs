using Npgsql;

namespace Interlock.State.Postgres;

/// <summary>Retention on PostgreSQL: the records are read and archived without a lock; the delete and the
/// checkpoint are one transaction, serialised with other prunes (any replica) by an advisory lock. Appends go on
/// meanwhile (they insert after the pruned rows); only the head row's update at the end waits for an append in
/// flight, and appends wait for the commit right after it.</summary>
public sealed partial class PostgresStateStore : AuditPruner.IPruneTarget
{
    private const string CheckpointColumns = "id, first_seq, last_seq, last_hash, count, pruned_at, archive, archive_sha256, prev_hash, hash";

    /// <summary>Serialises prunes across replicas (distinct from the migration lock).</summary>
    private const long PruneLockKey = 7215310;

    IAuditLog AuditPruner.IPruneTarget.Log => this;

    public ValueTask<IReadOnlyList<AuditCheckpoint>> GetCheckpointsAsync(CancellationToken cancellationToken = default) => new(RunAsync<IReadOnlyList<AuditCheckpoint>>(async () =>
    {
        await using var cmd = _source.CreateCommand($"SELECT {CheckpointColumns} FROM audit_checkpoint ORDER BY id;");
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<AuditCheckpoint>();
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var at = DateTime.TryParseExact(r.GetString(5), "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
                ? new DateTimeOffset(parsed, TimeSpan.Zero)
                : DateTimeOffset.MinValue; // fails the checkpoint's hash
            list.Add(new AuditCheckpoint(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.GetInt64(4), at,
                r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8), r.GetString(9)));
        }
        return list;
    }));

    public ValueTask<AuditPrunePlan?> PlanPruneAsync(AuditCutoff cutoff, CancellationToken cancellationToken = default) =>
        AuditPruner.PlanAsync(this, cutoff, cancellationToken);

    public ValueTask<AuditCheckpoint> PruneAsync(AuditPrunePlan plan, string? archivePath, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        AuditPruner.PruneAsync(this, plan, archivePath, now, cancellationToken);

    ValueTask<long?> AuditPruner.IPruneTarget.FirstAtOrAfterAsync(long fromSequence, DateTimeOffset before, CancellationToken ct) => new(RunAsync(async () =>
    {
        // Fixed-width UTC text: text order is time order (COLLATE "C" so the database's locale cannot change that).
        await using var cmd = _source.CreateCommand("SELECT MIN(seq) FROM audit WHERE seq >= $1 AND ts COLLATE \"C\" >= $2;");
        cmd.Parameters.Add(new() { Value = fromSequence });
        cmd.Parameters.Add(new() { Value = AuditChain.FormatTimestamp(before) });
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is long seq ? seq : (long?)null;
    }));

    ValueTask AuditPruner.IPruneTarget.CommitAsync(AuditCheckpoint? expectedPrevious, AuditCheckpoint checkpoint, CancellationToken ct) => new(RunAsync(async () =>
    {
        await using var c = await _source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var tx = await c.BeginTransactionAsync(ct).ConfigureAwait(false);
        await using (var lockCmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({PruneLockKey});", c, tx))
            await lockCmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await using (var latest = new NpgsqlCommand("SELECT hash FROM audit_checkpoint ORDER BY id DESC LIMIT 1;", c, tx))
        {
            var hash = await latest.ExecuteScalarAsync(ct).ConfigureAwait(false) as string;
            if (!string.Equals(hash, expectedPrevious?.Hash, StringComparison.Ordinal))
                throw new AuditPruneException("another prune of this audit trail committed while this one was archiving (another replica?), so this one removed nothing (its archive was deleted); run it again", conflict: true);
        }
        await using (var check = new NpgsqlCommand("SELECT COUNT(*), (SELECT hash FROM audit WHERE seq = $2) FROM audit WHERE seq BETWEEN $1 AND $2;", c, tx))
        {
            check.Parameters.Add(new() { Value = checkpoint.FirstSequence });
            check.Parameters.Add(new() { Value = checkpoint.LastSequence });
            await using var r = await check.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await r.ReadAsync(ct).ConfigureAwait(false);
            if (r.GetInt64(0) != checkpoint.Count || r.IsDBNull(1) || !string.Equals(r.GetString(1), checkpoint.LastHash, StringComparison.Ordinal))
                throw new AuditPruneException($"records {checkpoint.FirstSequence} to {checkpoint.LastSequence} changed while they were being archived, so nothing was pruned (the archive was deleted); run `interlock audit verify`", conflict: true);
        }
        var batch = new NpgsqlBatch(c, tx);
        var delete = new NpgsqlBatchCommand("DELETE FROM audit WHERE seq BETWEEN $1 AND $2;");
        delete.Parameters.Add(new() { Value = checkpoint.FirstSequence });
        delete.Parameters.Add(new() { Value = checkpoint.LastSequence });
        batch.BatchCommands.Add(delete);
        var insert = new NpgsqlBatchCommand($"INSERT INTO audit_checkpoint ({CheckpointColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10);");
        insert.Parameters.Add(new() { Value = checkpoint.Id });
        insert.Parameters.Add(new() { Value = checkpoint.FirstSequence });
        insert.Parameters.Add(new() { Value = checkpoint.LastSequence });
        insert.Parameters.Add(new() { Value = checkpoint.LastHash });
        insert.Parameters.Add(new() { Value = checkpoint.Count });
        insert.Parameters.Add(new() { Value = AuditChain.FormatTimestamp(checkpoint.PrunedAt) });
        insert.Parameters.Add(new() { Value = (object?)checkpoint.ArchiveName ?? DBNull.Value, DataTypeName = "text" });
        insert.Parameters.Add(new() { Value = (object?)checkpoint.ArchiveSha256 ?? DBNull.Value, DataTypeName = "text" });
        insert.Parameters.Add(new() { Value = checkpoint.PreviousHash });
        insert.Parameters.Add(new() { Value = checkpoint.Hash });
        batch.BatchCommands.Add(insert);
        // Last: the head row is locked by appends in flight; holding it only from here to the commit keeps them moving.
        var head = new NpgsqlBatchCommand("UPDATE audit_head SET checkpoint_hash = $1 WHERE id = 1;");
        head.Parameters.Add(new() { Value = checkpoint.Hash });
        batch.BatchCommands.Add(head);
        await using (batch) await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return true;
    }));
}
