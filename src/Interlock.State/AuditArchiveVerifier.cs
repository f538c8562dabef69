using System.Security.Cryptography;

namespace Interlock.State;

/// <summary>What checking one archive file found.</summary>
/// <param name="Checkpoint">The checkpoint the archive was matched with (by its SHA-256, else by its last record,
/// else by its file name); null when none covers it.</param>
/// <param name="Sha256">The file's SHA-256 (lower-case hex).</param>
public sealed record AuditArchiveVerification(long RecordCount, long FirstSequence, long LastSequence, string Sha256, AuditCheckpoint? Checkpoint,
    IReadOnlyList<AuditProblem> Problems, bool ProblemsTruncated)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>
/// Proves an archived prefix: the archive file (JSONL written by a prune) must be a chain of intact records, start
/// right after the previous checkpoint (its first record naming the previous checkpoint's last hash, or the genesis
/// hash), end exactly at its checkpoint's last sequence and hash, and have the SHA-256 the checkpoint recorded.
/// Together with <see cref="AuditVerifier"/> on the live log, this covers the whole history from record 1.
/// </summary>
public static class AuditArchiveVerifier
{
    /// <summary>A longer line is not a record a store could have written (one hook event is at most 1 MiB).</summary>
    public const int MaxLineBytes = 16 * 1024 * 1024;

    public static async ValueTask<AuditArchiveVerification> VerifyAsync(Stream archive, string fileName, IReadOnlyList<AuditCheckpoint> checkpoints,
        CancellationToken cancellationToken = default)
    {
        var problems = new List<AuditProblem>();
        var truncated = false;
        void Report(long seq, string kind, string message)
        {
            if (problems.Count < AuditVerifier.MaxProblems) problems.Add(new AuditProblem(seq, kind, message));
            else truncated = true;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long count = 0, firstSeq = 0, lastSeq = 0, lineNumber = 0;
        string? firstPrevious = null, lastHash = null;
        var pending = new MemoryStream();
        var tooLong = false;

        void Line(ReadOnlySpan<byte> line)
        {
            lineNumber++;
            if (line.Length == 0) { Report(lastSeq + 1, "malformed", $"line {lineNumber} is empty (an archive has one record per line)"); return; }
            var record = AuditJsonl.Parse(line, out var error);
            if (record is null) { Report(lastSeq + 1, "malformed", $"line {lineNumber} is not an audit record: {error}"); return; }
            var seq = record.Sequence;
            if (count == 0) { firstSeq = seq; firstPrevious = record.PreviousHash; }
            else
            {
                if (seq != lastSeq + 1)
                    Report(Math.Min(seq, lastSeq + 1), seq > lastSeq + 1 ? "missing" : "reordered", seq > lastSeq + 1
                        ? $"{(seq - 1 == lastSeq + 1 ? $"record {seq - 1} is" : $"records {lastSeq + 1} to {seq - 1} are")} missing from the archive: it jumps from {lastSeq} to {seq}"
                        : $"record {seq} appears after record {lastSeq} in the archive (records were reordered)");
                if (!string.Equals(record.PreviousHash, lastHash, StringComparison.Ordinal))
                    Report(seq, "broken-link", $"record {seq} does not follow record {lastSeq} in the archive: its previous-record hash is not record {lastSeq}'s hash");
            }
            if (!string.Equals(AuditChain.ComputeHash(record), record.Hash, StringComparison.Ordinal))
                Report(seq, "edited", $"record {seq} in the archive was changed after it was written: its contents do not match its hash");
            count++;
            lastSeq = seq;
            lastHash = record.Hash;
        }

        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await archive.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (tooLong) continue; // still hashed, no longer parsed
            var span = buffer.AsSpan(0, read);
            int newline;
            while ((newline = span.IndexOf((byte)'\n')) >= 0)
            {
                if (pending.Length == 0) Line(span[..newline]);
                else
                {
                    pending.Write(span[..newline]);
                    Line(pending.GetBuffer().AsSpan(0, (int)pending.Length));
                    pending.SetLength(0);
                }
                span = span[(newline + 1)..];
            }
            pending.Write(span);
            if (pending.Length > MaxLineBytes)
            {
                Report(lastSeq + 1, "malformed", $"line {lineNumber + 1} is longer than {MaxLineBytes / (1024 * 1024)} MiB: this is not an archive a prune wrote; the rest of the file was not read");
                tooLong = true;
            }
        }
        if (!tooLong && pending.Length > 0)
        {
            Line(pending.GetBuffer().AsSpan(0, (int)pending.Length));
            Report(lastSeq, "malformed", $"the archive does not end with a newline after line {lineNumber} (it was cut short or appended to)");
        }
        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());

        var checkpoint = checkpoints.FirstOrDefault(c => string.Equals(c.ArchiveSha256, sha, StringComparison.Ordinal))
            ?? (count > 0 ? checkpoints.FirstOrDefault(c => c.LastSequence == lastSeq) : null)
            ?? checkpoints.FirstOrDefault(c => string.Equals(c.ArchiveName, fileName, StringComparison.Ordinal));
        if (count == 0)
            Report(0, "missing", $"the archive {fileName} holds no records");
        if (checkpoint is null)
        {
            Report(count == 0 ? 0 : firstSeq, "checkpoint", checkpoints.Count == 0
                ? $"no checkpoint covers the archive {fileName}: nothing was ever pruned from this audit trail (is it the right trail?)"
                : $"no checkpoint covers the archive {fileName}{(count > 0 ? $" (records {CheckpointRange(firstSeq, lastSeq)})" : "")}: the checkpoints account for records 1 to {checkpoints[^1].LastSequence} and none of them ends at its last record or recorded its SHA-256 (the file is not an archive of this trail, or it was changed)");
        }
        else if (count > 0)
        {
            var expectedPrevious = checkpoint.FirstSequence == 1 ? AuditChain.GenesisHash
                : checkpoints.FirstOrDefault(c => c.Id == checkpoint.Id - 1 && c.LastSequence == checkpoint.FirstSequence - 1)?.LastHash;
            if (firstSeq != checkpoint.FirstSequence)
                Report(Math.Min(firstSeq, checkpoint.FirstSequence), "missing", $"the archive starts at record {firstSeq}, but checkpoint {checkpoint.Id} removed records from {checkpoint.FirstSequence} on (records were cut from the start of the archive, or added to it)");
            else if (expectedPrevious is not null && !string.Equals(firstPrevious, expectedPrevious, StringComparison.Ordinal))
                Report(firstSeq, "broken-link", firstSeq == 1
                    ? "the archive's first record does not start the chain: its previous-record hash is not the genesis hash"
                    : $"the archive's first record ({firstSeq}) does not follow record {firstSeq - 1}: its previous-record hash is not the hash checkpoint {checkpoint.Id - 1} recorded for record {firstSeq - 1}");
            if (lastSeq != checkpoint.LastSequence || !string.Equals(lastHash, checkpoint.LastHash, StringComparison.Ordinal))
                Report(Math.Min(lastSeq, checkpoint.LastSequence), "checkpoint", lastSeq != checkpoint.LastSequence
                    ? $"the archive ends at record {lastSeq}, but checkpoint {checkpoint.Id} removed records up to {checkpoint.LastSequence} (records were cut from the end of the archive, or added to it)"
                    : $"the archive does not end at checkpoint {checkpoint.Id}'s hash: its record {lastSeq} has hash {lastHash}, the checkpoint recorded {checkpoint.LastHash} (the archive or the checkpoint was changed)");
            if (checkpoint.ArchiveSha256 is not null && !string.Equals(checkpoint.ArchiveSha256, sha, StringComparison.Ordinal))
                Report(firstSeq, "checkpoint", $"the file's SHA-256 ({sha}) is not the one checkpoint {checkpoint.Id} recorded for its archive ({checkpoint.ArchiveSha256}): the file was changed after it was written");
        }
        return new AuditArchiveVerification(count, firstSeq, lastSeq, sha, checkpoint, problems.OrderBy(p => p.Sequence).ToList(), truncated);
    }

    private static string CheckpointRange(long first, long last) => AuditCheckpoint.Range(first, last);
}
