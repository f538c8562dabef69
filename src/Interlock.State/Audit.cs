namespace Interlock.State;

/// <summary>
/// One decision as the caller describes it, before it is sealed into the chain. The caller supplies the time
/// (the engine has no clock); it is stored in UTC with microsecond precision.
/// </summary>
/// <param name="Timestamp">When the decision was made (converted to UTC, truncated to microseconds).</param>
/// <param name="Harness">The agent harness (claude-code, codex...).</param>
/// <param name="SessionId">The agent's session id, when the harness gives one.</param>
/// <param name="Cwd">The directory the action would run in.</param>
/// <param name="Tool">The harness's tool name (Bash, Write...).</param>
/// <param name="Request">What was asked: the command line for shell tools, a summary for others.</param>
/// <param name="Verdict">allow, ask or deny.</param>
/// <param name="RuleId">The rule that decided.</param>
/// <param name="Reason">The reason as the agent or human saw it.</param>
/// <param name="EffectsJson">A JSON array summarising the effects (kind, target, class...).</param>
/// <param name="DecisionMicros">How long deciding took, in microseconds.</param>
public sealed record AuditEntry(
    DateTimeOffset Timestamp,
    string Harness,
    string? SessionId,
    string Cwd,
    string Tool,
    string? Request,
    string Verdict,
    string RuleId,
    string Reason,
    string EffectsJson,
    long DecisionMicros);

/// <summary>An entry as stored: its place in the chain, the previous record's hash and its own.</summary>
/// <param name="Sequence">1, 2, 3... without gaps.</param>
/// <param name="Entry">What was recorded (Timestamp already normalised to UTC microseconds).</param>
/// <param name="PreviousHash">SHA-256 (lower-case hex) of the previous record; <see cref="AuditChain.GenesisHash"/> for the first.</param>
/// <param name="Hash">SHA-256 (lower-case hex) of this record's canonical bytes, which include <paramref name="PreviousHash"/>.</param>
public sealed record AuditRecord(long Sequence, AuditEntry Entry, string PreviousHash, string Hash);

/// <summary>The end of the chain as recorded at the last append: lets verification notice records cut off the end.</summary>
/// <param name="CheckpointHash">The hash of the latest checkpoint, set by each prune (null before the first): lets
/// verification notice a checkpoint that was removed or replaced.</param>
public sealed record AuditHead(long Sequence, string Hash, string? CheckpointHash = null);

/// <summary>What verification found wrong, at which record.</summary>
/// <param name="Sequence">The first sequence number the problem concerns.</param>
/// <param name="Kind">edited, missing, reordered, broken-link, head-mismatch, checkpoint (a checkpoint edited,
/// missing or not followed by the first remaining record).</param>
/// <param name="Message">Plain words: what is wrong.</param>
public sealed record AuditProblem(long Sequence, string Kind, string Message);

/// <summary>The outcome of walking the chain.</summary>
/// <param name="RecordCount">Records walked (those still stored).</param>
/// <param name="LastSequence">The last record's sequence number (the checkpoint's when every record was pruned).</param>
/// <param name="Checkpoint">The latest checkpoint the walk started from (null when nothing was ever pruned).</param>
public sealed record AuditVerification(long RecordCount, long LastSequence, IReadOnlyList<AuditProblem> Problems, bool ProblemsTruncated, AuditCheckpoint? Checkpoint = null)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>Why the state store could not do what was asked (cannot open, locked, corrupt, newer schema...).</summary>
public sealed class StateStoreException(string message, Exception? inner = null) : Exception(message, inner);
