using Microsoft.Data.Sqlite;

namespace Interlock.State.Sqlite;

/// <summary>Retention on SQLite: the records are read and archived without a lock (appends only add after them);
/// the delete and the checkpoint are one BEGIN IMMEDIATE transaction, so appends wait for it (busy timeout) and then
/// go on after the same head.</summary>
public sealed partial class SqliteStateStore : AuditPruner.IPruneTarget
{
    private const string CheckpointColumns = "id, first_seq, last_seq, last_hash, count, pruned_at, archive, archive_sha256, prev_hash, hash";

    IAuditLog AuditPruner.IPruneTarget.Log => this;

    public ValueTask<IReadOnlyList<AuditCheckpoint>> GetCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Run<IReadOnlyList<AuditCheckpoint>>(() =>
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {CheckpointColumns} FROM audit_checkpoint ORDER BY id;";
            using var r = command.ExecuteReader();
            var list = new List<AuditCheckpoint>();
            while (r.Read())
                list.Add(new AuditCheckpoint(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3), r.GetInt64(4), ParseStoredTime(r.GetString(5)),
                    r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.GetString(8), r.GetString(9)));
            return list;
        }));
    }

    /// <summary>Values as stored: a time that no longer parses becomes MinValue and then fails the checkpoint's hash.</summary>
    private static DateTimeOffset ParseStoredTime(string text) =>
        DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
            ? new DateTimeOffset(parsed, TimeSpan.Zero)
            : DateTimeOffset.MinValue;

    public ValueTask<AuditPrunePlan?> PlanPruneAsync(AuditCutoff cutoff, CancellationToken cancellationToken = default) =>
        AuditPruner.PlanAsync(this, cutoff, cancellationToken);

    public ValueTask<AuditCheckpoint> PruneAsync(AuditPrunePlan plan, string? archivePath, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        AuditPruner.PruneAsync(this, plan, archivePath, now, cancellationToken);

    ValueTask<long?> AuditPruner.IPruneTarget.FirstAtOrAfterAsync(long fromSequence, DateTimeOffset before, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Run(() =>
        {
            // Times are stored in one fixed-width UTC format, so text order is time order. No index on ts: keeping
            // one would cost every hook call; this scan runs once per prune.
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT MIN(seq) FROM audit WHERE seq >= $from AND ts >= $before;";
            command.Parameters.AddWithValue("$from", fromSequence);
            command.Parameters.AddWithValue("$before", AuditChain.FormatTimestamp(before));
            return command.ExecuteScalar() is long seq ? seq : (long?)null;
        }));
    }

    ValueTask AuditPruner.IPruneTarget.CommitAsync(AuditCheckpoint? expectedPrevious, AuditCheckpoint checkpoint, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Run(() =>
        {
            using var transaction = _connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE: one writer
            using (var latest = _connection.CreateCommand())
            {
                latest.Transaction = transaction;
                latest.CommandText = "SELECT hash FROM audit_checkpoint ORDER BY id DESC LIMIT 1;";
                var hash = latest.ExecuteScalar() as string;
                if (!string.Equals(hash, expectedPrevious?.Hash, StringComparison.Ordinal))
                    throw new AuditPruneException("another prune of this audit trail committed while this one was archiving, so this one removed nothing (its archive was deleted); run it again", conflict: true);
            }
            using (var check = _connection.CreateCommand())
            {
                check.Transaction = transaction;
                check.CommandText = "SELECT COUNT(*), (SELECT hash FROM audit WHERE seq = $last) FROM audit WHERE seq BETWEEN $first AND $last;";
                check.Parameters.AddWithValue("$first", checkpoint.FirstSequence);
                check.Parameters.AddWithValue("$last", checkpoint.LastSequence);
                using var r = check.ExecuteReader();
                r.Read();
                if (r.GetInt64(0) != checkpoint.Count || r.IsDBNull(1) || !string.Equals(r.GetString(1), checkpoint.LastHash, StringComparison.Ordinal))
                    throw new AuditPruneException($"records {checkpoint.FirstSequence} to {checkpoint.LastSequence} changed while they were being archived, so nothing was pruned (the archive was deleted); run `interlock audit verify`", conflict: true);
            }
            using (var write = _connection.CreateCommand())
            {
                write.Transaction = transaction;
                write.CommandText = $"""
                    DELETE FROM audit WHERE seq BETWEEN $first AND $last;
                    INSERT INTO audit_checkpoint ({CheckpointColumns}) VALUES ($id, $first, $last, $last_hash, $count, $at, $archive, $sha, $prev, $hash);
                    UPDATE audit_head SET checkpoint_hash = $hash WHERE id = 1;
                    """;
                var p = write.Parameters;
                p.AddWithValue("$id", checkpoint.Id);
                p.AddWithValue("$first", checkpoint.FirstSequence);
                p.AddWithValue("$last", checkpoint.LastSequence);
                p.AddWithValue("$last_hash", checkpoint.LastHash);
                p.AddWithValue("$count", checkpoint.Count);
                p.AddWithValue("$at", AuditChain.FormatTimestamp(checkpoint.PrunedAt));
                p.AddWithValue("$archive", (object?)checkpoint.ArchiveName ?? DBNull.Value);
                p.AddWithValue("$sha", (object?)checkpoint.ArchiveSha256 ?? DBNull.Value);
                p.AddWithValue("$prev", checkpoint.PreviousHash);
                p.AddWithValue("$hash", checkpoint.Hash);
                write.ExecuteNonQuery();
            }
            transaction.Commit();
            return true;
        });
        return ValueTask.CompletedTask;
    }
}
