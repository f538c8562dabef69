namespace Interlock.State;

/// <summary>
/// Walks a log and reports every place where the chain is broken: a record whose contents do not match its hash
/// (edited), a gap in the sequence numbers (deleted), a record whose previous-hash names another record than the one
/// before it (reordered, or the record before it replaced), and a chain that ends before the recorded head (records
/// cut off the end). A pruned log is walked from its latest checkpoint: the checkpoints must chain and match their
/// hashes, the chain head must name the latest one, and the first remaining record must follow it. Works on any
/// <see cref="IAuditLog"/>.
/// </summary>
public static class AuditVerifier
{
    public const int MaxProblems = 100;

    public static async ValueTask<AuditVerification> VerifyAsync(IAuditLog log, CancellationToken cancellationToken = default)
    {
        // A prune that commits during the walk moves its starting point: walk again (a bounded number of times).
        for (var attempt = 1; ; attempt++)
        {
            var result = await WalkAsync(log, cancellationToken).ConfigureAwait(false);
            if (result.Intact || attempt == 3) return result;
            var after = await log.GetCheckpointsAsync(cancellationToken).ConfigureAwait(false);
            var now = after.Count == 0 ? null : after[^1];
            if (string.Equals(now?.Hash, result.Checkpoint?.Hash, StringComparison.Ordinal)) return result;
        }
    }

    private static async ValueTask<AuditVerification> WalkAsync(IAuditLog log, CancellationToken cancellationToken)
    {
        var problems = new List<AuditProblem>();
        var truncated = false;
        void Report(long seq, string kind, string message)
        {
            if (problems.Count < MaxProblems) problems.Add(new AuditProblem(seq, kind, message));
            else truncated = true;
        }

        // Broken links whose previous-hash is looked up in a second pass (to say which record it points to).
        var unresolved = new Dictionary<string, List<int>>(StringComparer.Ordinal);

        var checkpoints = await log.GetCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        // The head is read before and after the walk: records appended while verifying are not mistaken for
        // tampering, and records cut off the end are still noticed.
        var headBefore = await log.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        var latest = CheckCheckpoints(checkpoints, headBefore, Report);

        var start = (latest?.LastSequence ?? 0) + 1;
        long count = 0, expected = start, lastSequence = start - 1;
        var previousHash = latest?.LastHash ?? AuditChain.GenesisHash;
        string? hashAtHeadBefore = latest is not null && headBefore is not null && headBefore.Sequence == latest.LastSequence ? latest.LastHash : null;
        await foreach (var record in log.ReadAsync(1, cancellationToken).ConfigureAwait(false))
        {
            var seq = record.Sequence;
            if (latest is not null && seq <= latest.LastSequence && seq >= 1)
            {
                Report(seq, "checkpoint", $"record {seq} is still stored although checkpoint {latest.Id} says {latest.Describe()} were removed (the record was put back, or the checkpoint was moved past it)");
                continue;
            }
            var first = count == 0;
            count++;
            if (seq > expected)
            {
                var what = expected == seq - 1 ? $"record {expected} is missing" : $"records {expected} to {seq - 1} are missing";
                if (first && latest is not null)
                    Report(expected, "missing", $"{what}: checkpoint {latest.Id} accounts for records up to {latest.LastSequence} ({latest.Describe()}), so the chain should go on at {expected} but it goes on at {seq} (records after the checkpoint were deleted, or a later checkpoint was removed)");
                else if (first)
                    Report(expected, "missing", $"{what}: the chain starts at {seq} and no checkpoint accounts for the records before it ({(expected == seq - 1 ? "it was deleted" : "they were deleted")}, or they were pruned and the checkpoint recording that was removed)");
                else
                    Report(expected, "missing", expected == seq - 1
                        ? $"record {expected} is missing: the sequence jumps from {expected - 1} to {seq} (a record was deleted)"
                        : $"records {expected} to {seq - 1} are missing: the sequence jumps from {expected - 1} to {seq} (records were deleted)");
            }
            else if (seq < expected)
                Report(seq, "reordered", $"record {seq} appears after record {expected - 1} (records were reordered)");

            if (!string.Equals(AuditChain.ComputeHash(record), record.Hash, StringComparison.Ordinal))
                Report(seq, "edited", $"record {seq} was changed after it was written: its contents do not match its hash");

            if (!string.Equals(record.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                var message = !first
                    ? $"record {seq} does not follow record {lastSequence}: its previous-record hash is not record {lastSequence}'s hash"
                    : latest is not null
                        ? $"record {seq} does not follow checkpoint {latest.Id}: its previous-record hash is not the hash the checkpoint recorded for record {latest.LastSequence} (the record or the checkpoint was changed, or records after the checkpoint were deleted)"
                        : $"record {seq} does not start the chain: its previous-record hash should be the genesis hash (records before it were deleted or it was replaced)";
                if (problems.Count < MaxProblems)
                {
                    if (!unresolved.TryGetValue(record.PreviousHash, out var list)) unresolved[record.PreviousHash] = list = [];
                    list.Add(problems.Count);
                }
                Report(seq, "broken-link", message);
            }
            if (headBefore is not null && seq == headBefore.Sequence) hashAtHeadBefore = record.Hash;
            previousHash = record.Hash;
            lastSequence = seq;
            expected = seq + 1;
        }

        var headAfter = await log.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        if (headBefore is null || headAfter is null)
        {
            if (count > 0 || latest is not null) Report(1, "head-mismatch", "the chain head is missing although the log has records (it was deleted)");
        }
        else
        {
            if (headBefore.Sequence > lastSequence)
                Report(lastSequence + 1, "missing", headBefore.Sequence == lastSequence + 1
                    ? $"record {headBefore.Sequence} is missing: the log ends at {lastSequence} but {headBefore.Sequence} records were written (the last record was deleted)"
                    : $"records {lastSequence + 1} to {headBefore.Sequence} are missing: the log ends at {lastSequence} but {headBefore.Sequence} records were written (records were cut off the end)");
            else if (headBefore.Sequence > 0 && hashAtHeadBefore is not null && !string.Equals(headBefore.Hash, hashAtHeadBefore, StringComparison.Ordinal))
                Report(headBefore.Sequence, "head-mismatch", $"record {headBefore.Sequence} is not the record that was appended as number {headBefore.Sequence}: its hash differs from the one recorded in the chain head");
            if (lastSequence > headAfter.Sequence)
                Report(headAfter.Sequence + 1, "head-mismatch", $"records after {headAfter.Sequence} were not appended by Interlock: the chain head says the log ends at {headAfter.Sequence}");
        }

        if (unresolved.Count > 0)
        {
            // Second pass: which record does each broken link point to?
            await foreach (var record in log.ReadAsync(1, cancellationToken).ConfigureAwait(false))
            {
                if (!unresolved.Remove(record.Hash, out var indexes)) continue;
                foreach (var i in indexes)
                {
                    var p = problems[i];
                    problems[i] = p with
                    {
                        Kind = "reordered",
                        Message = p.Message + $"; it names record {record.Sequence} as its predecessor (records were reordered or renumbered)",
                    };
                }
                if (unresolved.Count == 0) break;
            }
            foreach (var (_, indexes) in unresolved)
                foreach (var i in indexes)
                    problems[i] = problems[i] with { Message = problems[i].Message + "; no stored record has the hash it names (its predecessor was deleted or rewritten)" };
        }

        return new AuditVerification(count, lastSequence, problems.OrderBy(p => p.Sequence).ToList(), truncated, latest);
    }

    /// <summary>Checks the checkpoints' own chain and that the chain head names the latest; returns the latest (the
    /// walk starts after it even when something is wrong with it, so the records are still checked).</summary>
    private static AuditCheckpoint? CheckCheckpoints(IReadOnlyList<AuditCheckpoint> checkpoints, AuditHead? head, Action<long, string, string> report)
    {
        AuditCheckpoint? previous = null;
        foreach (var c in checkpoints)
        {
            var expectedId = (previous?.Id ?? 0) + 1;
            if (c.Id != expectedId)
                report(c.FirstSequence, "checkpoint", c.Id == expectedId + 1
                    ? $"checkpoint {expectedId} is missing: the checkpoints jump from {expectedId - 1} to {c.Id} (a checkpoint was deleted)"
                    : $"checkpoints {expectedId} to {c.Id - 1} are missing: the checkpoints jump from {expectedId - 1} to {c.Id} (checkpoints were deleted)");
            if (!string.Equals(AuditChain.ComputeCheckpointHash(c), c.Hash, StringComparison.Ordinal))
                report(c.FirstSequence, "checkpoint", $"checkpoint {c.Id} ({c.Describe()}) was changed after it was written: its contents do not match its hash");
            if (!string.Equals(c.PreviousHash, previous?.Hash ?? AuditChain.GenesisHash, StringComparison.Ordinal))
                report(c.FirstSequence, "checkpoint", previous is null
                    ? $"checkpoint {c.Id} does not start the checkpoints: its previous-checkpoint hash should be the genesis hash (an earlier checkpoint was deleted or it was replaced)"
                    : $"checkpoint {c.Id} does not follow checkpoint {previous.Id}: its previous-checkpoint hash is not checkpoint {previous.Id}'s hash");
            var expectedFirst = (previous?.LastSequence ?? 0) + 1;
            if (c.FirstSequence != expectedFirst)
                report(Math.Min(c.FirstSequence, expectedFirst), "checkpoint", $"checkpoint {c.Id} starts at record {c.FirstSequence}, but {(previous is null ? "the chain starts at 1" : $"checkpoint {previous.Id} ended at record {previous.LastSequence}")}: records are unaccounted for or counted twice");
            if (c.LastSequence < c.FirstSequence || c.Count != c.LastSequence - c.FirstSequence + 1)
                report(c.FirstSequence, "checkpoint", $"checkpoint {c.Id} says it removed {c.Count} records, but records {c.FirstSequence} to {c.LastSequence} are {c.LastSequence - c.FirstSequence + 1}");
            previous = c;
        }
        if (head is not null)
        {
            if (head.CheckpointHash is not null && previous is null)
                report(1, "checkpoint", "the checkpoint of the last prune is missing: the chain head says records were pruned, but no checkpoint is stored, so the pruned records cannot be told from deleted ones (the checkpoint was removed)");
            else if (previous is not null && !string.Equals(head.CheckpointHash, previous.Hash, StringComparison.Ordinal))
                report(previous.FirstSequence, "checkpoint", head.CheckpointHash is null
                    ? $"checkpoint {previous.Id} was not written by a prune: the chain head names no checkpoint (it was inserted, or the head was edited)"
                    : $"checkpoint {previous.Id} is not the checkpoint the last prune recorded in the chain head (the latest checkpoint was removed, replaced or edited)");
        }
        return previous;
    }
}
