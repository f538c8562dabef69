using System.Globalization;
using System.Security.Cryptography;

namespace Interlock.State;

/// <summary>
/// The anchor a prune leaves behind: records <see cref="FirstSequence"/> to <see cref="LastSequence"/> were removed
/// from the log, the last of them had <see cref="LastHash"/>, and (unless pruned without one) they were written to
/// the archive file <see cref="ArchiveName"/> whose SHA-256 is <see cref="ArchiveSha256"/>. The first remaining
/// record must name <see cref="LastHash"/> as its predecessor. Checkpoints are numbered 1, 2, 3... and chained by
/// <see cref="PreviousHash"/> (see <see cref="AuditChain.ComputeCheckpointHash"/>).
/// </summary>
public sealed record AuditCheckpoint(
    long Id,
    long FirstSequence,
    long LastSequence,
    string LastHash,
    long Count,
    DateTimeOffset PrunedAt,
    string? ArchiveName,
    string? ArchiveSha256,
    string PreviousHash,
    string Hash)
{
    /// <summary>Builds and seals the checkpoint after <paramref name="previous"/> (null for the first one).</summary>
    public static AuditCheckpoint Seal(AuditCheckpoint? previous, long firstSequence, long lastSequence, string lastHash, DateTimeOffset prunedAt,
        string? archiveName, string? archiveSha256)
    {
        var c = new AuditCheckpoint((previous?.Id ?? 0) + 1, firstSequence, lastSequence, lastHash, lastSequence - firstSequence + 1,
            AuditChain.NormalizeTimestamp(prunedAt), archiveName, archiveSha256, previous?.Hash ?? AuditChain.GenesisHash, "");
        return c with { Hash = AuditChain.ComputeCheckpointHash(c) };
    }

    /// <summary>"records 1 to 4,200 (pruned 2026-11-27 10:15:00Z, archived in FILE)".</summary>
    public string Describe() =>
        $"{Records(FirstSequence, LastSequence)} (pruned {PrunedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}, " +
        (ArchiveName is null ? "without an archive)" : $"archived in {ArchiveName})");

    internal static string Range(long first, long last) => first == last ? first.ToString(CultureInfo.InvariantCulture) : $"{first} to {last}";

    /// <summary>"record 7" or "records 1 to 4,200".</summary>
    public static string Records(long first, long last) => first == last ? $"record {first}" : $"records {first} to {last}";
}

/// <summary>Which records a prune may remove: the oldest ones, up to (not including) the first record written at or
/// after <see cref="Before"/>, and never any of the last <see cref="KeepLast"/>. At least one of the two is given.</summary>
public sealed record AuditCutoff(DateTimeOffset? Before, long KeepLast)
{
    /// <summary>"90d", "12h", "2w", "30m" (minutes) before <paramref name="now"/>, or a date ("2026-01-31", midnight UTC)
    /// or an ISO 8601 time ("2026-01-31T12:00:00Z"). Returns null and says why when the text is none of them.</summary>
    public static DateTimeOffset? ParseBefore(string text, DateTimeOffset now, out string? error)
    {
        error = null;
        if (Interlock.Core.Durations.Parse(text) is { } age) return now - age;
        if (DateTimeOffset.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            || DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date) && text.Contains('T'))
        {
            if (date > now)
            {
                error = $"`{text}` is in the future: pruning before it would remove records written from now on; give a past date or an age such as 90d";
                return null;
            }
            return date;
        }
        error = $"`{text}` is neither an age (90d, 12h, 2w, 30m) nor a date (2026-01-31 or 2026-01-31T12:00:00Z)";
        return null;
    }
}

/// <summary>What a prune would remove (a dry run prints this; <see cref="IAuditLog.PruneAsync"/> carries it out).</summary>
/// <param name="Previous">The latest checkpoint when the plan was made (null: nothing was pruned before). The prune
/// refuses to commit if another prune changed it meanwhile.</param>
/// <param name="FirstSequence">The first record to remove (the one after <paramref name="Previous"/>).</param>
/// <param name="LastSequence">The last record to remove.</param>
/// <param name="Oldest">The first record's time.</param>
/// <param name="Newest">The last record's time.</param>
/// <param name="HeadSequence">The chain's end when the plan was made (what stays: records after <paramref name="LastSequence"/>).</param>
public sealed record AuditPrunePlan(AuditCheckpoint? Previous, long FirstSequence, long LastSequence, DateTimeOffset Oldest, DateTimeOffset Newest, long HeadSequence)
{
    public long Count => LastSequence - FirstSequence + 1;

    /// <summary>The archive's file name the commands use: the range and the time, e.g.
    /// interlock-audit-0000000001-0000004200-20261127T101500Z.jsonl (sorts in chain order; never reused).</summary>
    public string ArchiveFileName(DateTimeOffset now) =>
        $"interlock-audit-{FirstSequence:D10}-{LastSequence:D10}-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.jsonl";
}

/// <summary>A prune that was not carried out; nothing was deleted. <see cref="Conflict"/>: another prune or a change
/// to the records got in between (try again); otherwise the records to prune do not verify or the archive could not
/// be written.</summary>
public sealed class AuditPruneException(string message, bool conflict = false, Exception? inner = null) : Exception(message, inner)
{
    public bool Conflict { get; } = conflict;
}

/// <summary>
/// The part of a prune every store shares: plan the cut, read and check the records to remove, write them to the
/// archive (JSONL, as `interlock audit export --jsonl` writes them) and flush it to disk, then hand the checkpoint to
/// the store, which deletes the records and records the checkpoint in one transaction (<see cref="IPruneTarget"/>).
/// </summary>
internal static class AuditPruner
{
    /// <summary>What a store does in its own SQL.</summary>
    internal interface IPruneTarget
    {
        IAuditLog Log { get; }

        /// <summary>The first record at or after <paramref name="fromSequence"/> written at or after <paramref name="before"/>
        /// (its sequence), or null when there is none.</summary>
        ValueTask<long?> FirstAtOrAfterAsync(long fromSequence, DateTimeOffset before, CancellationToken ct);

        /// <summary>In one transaction, serialised with other prunes: check that the latest checkpoint is still
        /// <paramref name="expectedPrevious"/> and that records <see cref="AuditCheckpoint.FirstSequence"/> to
        /// <see cref="AuditCheckpoint.LastSequence"/> are all stored with the last one's hash unchanged (else throw
        /// <see cref="AuditPruneException"/> with Conflict); delete them; insert <paramref name="checkpoint"/>; set the
        /// chain head's checkpoint hash.</summary>
        ValueTask CommitAsync(AuditCheckpoint? expectedPrevious, AuditCheckpoint checkpoint, CancellationToken ct);
    }

    public static async ValueTask<AuditPrunePlan?> PlanAsync(IPruneTarget target, AuditCutoff cutoff, CancellationToken ct)
    {
        if (cutoff.Before is null && cutoff.KeepLast <= 0)
            throw new ArgumentException("a prune needs a cut-off: a time (records written before it) and/or a number of newest records to keep");
        if (cutoff.KeepLast < 0) throw new ArgumentException("the number of records to keep cannot be negative");
        var log = target.Log;
        var checkpoints = await log.GetCheckpointsAsync(ct).ConfigureAwait(false);
        var previous = checkpoints.Count == 0 ? null : checkpoints[^1];
        var head = await log.GetHeadAsync(ct).ConfigureAwait(false)
            ?? throw new AuditPruneException("the audit chain head is missing (the database was tampered with), so nothing was pruned; run `interlock audit verify`");
        var first = (previous?.LastSequence ?? 0) + 1;
        var last = head.Sequence - cutoff.KeepLast;
        if (cutoff.Before is { } before && await target.FirstAtOrAfterAsync(first, before, ct).ConfigureAwait(false) is { } young)
            last = Math.Min(last, young - 1);
        if (last < first) return null;
        var oldest = await log.GetAsync(first, ct).ConfigureAwait(false);
        var newest = await log.GetAsync(last, ct).ConfigureAwait(false);
        if (oldest is null || newest is null)
            throw new AuditPruneException($"record {(oldest is null ? first : last)} is missing from the audit trail, so nothing was pruned (a prune only removes a verified prefix); run `interlock audit verify`");
        return new AuditPrunePlan(previous, first, last, oldest.Entry.Timestamp, newest.Entry.Timestamp, head.Sequence);
    }

    public static async ValueTask<AuditCheckpoint> PruneAsync(IPruneTarget target, AuditPrunePlan plan, string? archivePath, DateTimeOffset now, CancellationToken ct)
    {
        string? archiveName = null, archiveSha = null, lastHash;
        var finalPath = archivePath is null ? null : Path.GetFullPath(archivePath);
        var written = false;
        try
        {
            await EnsureStillLatestAsync(target.Log, plan, ct).ConfigureAwait(false);
            if (finalPath is null)
                lastHash = await CheckAsync(target.Log, plan, null, ct).ConfigureAwait(false);
            else
            {
                archiveName = Path.GetFileName(finalPath);
                if (archiveName.Length == 0) throw new AuditPruneException($"the archive path `{archivePath}` names a directory, not a file; nothing was pruned");
                if (File.Exists(finalPath)) throw new AuditPruneException($"the archive file {finalPath} already exists; nothing was pruned (an archive is never overwritten: choose another name or move the old file)");
                var temp = finalPath + ".partial";
                try
                {
                    using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                    var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                    // The archive holds every command an agent ran: readable by its owner only, like the database.
                    if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                    await using (var file = new FileStream(temp, options))
                    {
                        lastHash = await CheckAsync(target.Log, plan, (file, hash), ct).ConfigureAwait(false);
                        await file.FlushAsync(ct).ConfigureAwait(false);
                        file.Flush(flushToDisk: true);
                    }
                    archiveSha = Convert.ToHexStringLower(hash.GetHashAndReset());
                    File.Move(temp, finalPath, overwrite: false);
                    written = true;
                    DurableDirectory.Flush(Path.GetDirectoryName(finalPath)!);
                }
                finally
                {
                    if (File.Exists(temp)) File.Delete(temp);
                }
            }
            var checkpoint = AuditCheckpoint.Seal(plan.Previous, plan.FirstSequence, plan.LastSequence, lastHash, now, archiveName, archiveSha);
            await target.CommitAsync(plan.Previous, checkpoint, ct).ConfigureAwait(false);
            return checkpoint;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (written) TryDelete(finalPath!);
            throw new AuditPruneException($"the archive {finalPath} could not be written ({e.Message}); nothing was pruned", inner: e);
        }
        catch (AuditPruneException e) when (!e.Conflict)
        {
            // The records are still in the log: an archive of them without a checkpoint would only mislead.
            if (written) TryDelete(finalPath!);
            // Records that vanished while being read were most likely pruned by someone else: say so.
            await EnsureStillLatestAsync(target.Log, plan, ct).ConfigureAwait(false);
            throw;
        }
        catch
        {
            if (written) TryDelete(finalPath!);
            throw;
        }
    }

    private static async ValueTask EnsureStillLatestAsync(IAuditLog log, AuditPrunePlan plan, CancellationToken ct)
    {
        var checkpoints = await log.GetCheckpointsAsync(ct).ConfigureAwait(false);
        if (!string.Equals(checkpoints.Count == 0 ? null : checkpoints[^1].Hash, plan.Previous?.Hash, StringComparison.Ordinal))
            throw new AuditPruneException("another prune of this audit trail committed since this one was planned, so this one removed nothing (and left no archive); run it again", conflict: true);
    }

    /// <summary>Reads the records of the plan, checks that they form an intact chain from the previous checkpoint
    /// (a prune must not anchor a tampered prefix), writes them to the archive, and returns the last one's hash.</summary>
    private static async ValueTask<string> CheckAsync(IAuditLog log, AuditPrunePlan plan, (Stream File, IncrementalHash Hash)? archive, CancellationToken ct)
    {
        var expected = plan.FirstSequence;
        var previousHash = plan.Previous?.LastHash ?? AuditChain.GenesisHash;
        using var line = new MemoryStream();
        await foreach (var record in log.ReadAsync(plan.FirstSequence, ct).ConfigureAwait(false))
        {
            if (record.Sequence > plan.LastSequence) break;
            string? problem = null;
            if (record.Sequence != expected) problem = $"record {expected} is missing";
            else if (!string.Equals(AuditChain.ComputeHash(record), record.Hash, StringComparison.Ordinal)) problem = $"record {record.Sequence} was changed after it was written";
            else if (!string.Equals(record.PreviousHash, previousHash, StringComparison.Ordinal))
                problem = expected == plan.FirstSequence && plan.Previous is not null
                    ? $"record {record.Sequence} does not follow checkpoint {plan.Previous.Id}"
                    : $"record {record.Sequence} does not follow record {expected - 1}";
            if (problem is not null)
                throw new AuditPruneException($"the records to prune do not verify ({problem}), so nothing was pruned: a prune only archives and removes an intact prefix. Run `interlock audit verify` to see every problem.");
            if (archive is { } a)
            {
                line.SetLength(0);
                AuditJsonl.Write(line, record);
                line.WriteByte((byte)'\n');
                a.Hash.AppendData(line.GetBuffer(), 0, (int)line.Length);
                await a.File.WriteAsync(line.GetBuffer().AsMemory(0, (int)line.Length), ct).ConfigureAwait(false);
            }
            previousHash = record.Hash;
            expected++;
        }
        if (expected != plan.LastSequence + 1)
            throw new AuditPruneException($"record {expected} is missing from the audit trail, so nothing was pruned; run `interlock audit verify`");
        return previousHash;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Makes a rename durable: the directory entry is flushed to disk (fsync of the directory) before the
/// records the file holds are deleted. Best effort where the platform has no such call (Windows flushes metadata
/// with the file).</summary>
internal static partial class DurableDirectory
{
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        int fd;
        try { fd = Open(directory, 0 /* O_RDONLY */); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return; } // not glibc: best effort

        if (fd < 0) throw new IOException($"cannot open the directory {directory} to flush it to disk (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0) throw new IOException($"flushing the directory {directory} to disk failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "close")]
    private static extern int Close(int fd);
}
