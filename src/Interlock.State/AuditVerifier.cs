namespace Interlock.State;

/// <summary>
/// Walks a log and reports every place where the chain is broken: a record whose contents do not match its hash
/// (edited), a gap in the sequence numbers (deleted), a record whose previous-hash names another record than the one
/// before it (reordered, or the record before it replaced), and a chain that ends before the recorded head (records
/// cut off the end). Works on any <see cref="IAuditLog"/>.
/// </summary>
public static class AuditVerifier
{
    public const int MaxProblems = 100;

    public static async ValueTask<AuditVerification> VerifyAsync(IAuditLog log, CancellationToken cancellationToken = default)
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

        // The head is read before and after the walk: records appended while verifying are not mistaken for
        // tampering, and records cut off the end are still noticed.
        var headBefore = await log.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        string? hashAtHeadBefore = null;

        long count = 0, expected = 1, lastSequence = 0;
        var previousHash = AuditChain.GenesisHash;
        await foreach (var record in log.ReadAsync(1, cancellationToken).ConfigureAwait(false))
        {
            count++;
            var seq = record.Sequence;
            if (seq > expected)
                Report(expected, "missing", expected == seq - 1
                    ? $"record {expected} is missing: the sequence jumps from {expected - 1} to {seq} (a record was deleted)"
                    : $"records {expected} to {seq - 1} are missing: the sequence jumps from {expected - 1} to {seq} (records were deleted)");
            else if (seq < expected)
                Report(seq, "reordered", $"record {seq} appears after record {expected - 1} (records were reordered)");

            if (!string.Equals(AuditChain.ComputeHash(record), record.Hash, StringComparison.Ordinal))
                Report(seq, "edited", $"record {seq} was changed after it was written: its contents do not match its hash");

            if (!string.Equals(record.PreviousHash, previousHash, StringComparison.Ordinal))
            {
                var message = lastSequence == 0
                    ? $"record {seq} does not start the chain: its previous-record hash should be the genesis hash (records before it were deleted or it was replaced)"
                    : $"record {seq} does not follow record {lastSequence}: its previous-record hash is not record {lastSequence}'s hash";
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
            if (count > 0) Report(1, "head-mismatch", "the chain head is missing although the log has records (it was deleted)");
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

        return new AuditVerification(count, lastSequence, problems.OrderBy(p => p.Sequence).ToList(), truncated);
    }
}
