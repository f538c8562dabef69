namespace Interlock.State.Approvals;

/// <summary>Where a request for approval stands.</summary>
public enum ApprovalStatus
{
    /// <summary>Waiting for humans.</summary>
    Pending,

    /// <summary>Enough approvals: the grant lets the identical action through once, until it expires.</summary>
    Approved,

    /// <summary>Someone denied it; one deny ends a request.</summary>
    Denied,

    /// <summary>Nobody decided in time, or the grant was not used in time.</summary>
    Expired,

    /// <summary>The grant was used: the approved action ran (once).</summary>
    Consumed,
}

/// <summary>
/// The exact action an agent asked to run, fixed when the request is made. Grants are bound to
/// <see cref="Fingerprint"/> (see <see cref="ActionFingerprint"/>) and <see cref="AgentId"/>: an approval never
/// authorises a different action, or the same action for another agent.
/// </summary>
public sealed record ApprovalSubmission
{
    public required string Fingerprint { get; init; }

    /// <summary>Who asks: an agent token's id on a server; "&lt;harness&gt;:&lt;session&gt;" locally.</summary>
    public required string AgentId { get; init; }

    /// <summary>The human who runs the agent. Their approval never counts (the two-person rule); null locally,
    /// where the person at the terminal is both.</summary>
    public string? Operator { get; init; }

    public required string Harness { get; init; }

    public string? SessionId { get; init; }

    public required string Tool { get; init; }

    /// <summary>What would run: the command, or a summary of the file edit or tool call.</summary>
    public required string Action { get; init; }

    public required string Cwd { get; init; }

    public string? Repository { get; init; }

    /// <summary>The agent's machine (its host name, as the hook reports it); null locally and from older hooks.</summary>
    public string? Host { get; init; }

    /// <summary>The checked-out branch of <see cref="Repository"/> on the agent's machine, when it has one.</summary>
    public string? Branch { get; init; }

    /// <summary>production, staging, development or unknown.</summary>
    public required string Environment { get; init; }

    /// <summary>The rule that asked, and its reason (what a reviewer reads).</summary>
    public required string RuleId { get; init; }

    public required string Reason { get; init; }

    /// <summary>The effects as JSON (the audit trail's format).</summary>
    public string EffectsJson { get; init; } = "[]";

    /// <summary>Distinct approvals needed, not counting the operator.</summary>
    public int RequiredApprovals { get; init; } = 1;

    /// <summary>When set, only members of this group can approve (anyone may deny).</summary>
    public string? ApproverGroup { get; init; }

    /// <summary>How long the request waits for humans.</summary>
    public TimeSpan PendingFor { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long, after approval, the agent has to retry the action (once).</summary>
    public TimeSpan GrantValidFor { get; init; } = TimeSpan.FromMinutes(30);
}

/// <summary>One human's vote on a request.</summary>
public sealed record ApprovalVote(string Approver, bool Approve, string? Comment, DateTimeOffset At);

/// <summary>A request as stored, with its votes.</summary>
public sealed record ApprovalRequest(
    string Id,
    ApprovalSubmission Action,
    ApprovalStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? DecidedAt,
    DateTimeOffset? GrantExpiresAt,
    DateTimeOffset? ConsumedAt,
    IReadOnlyList<ApprovalVote> Votes)
{
    /// <summary>Approvals that count: distinct approvers other than the operator.</summary>
    public int CountedApprovals => Votes.Count(v => v.Approve && v.Approver != Action.Operator);
}

/// <summary>What happened to a vote.</summary>
public enum VoteOutcome
{
    /// <summary>Recorded; the request still needs more approvals.</summary>
    Counted,

    /// <summary>Recorded, and it decided the request (enough approvals, or a deny).</summary>
    Decided,

    /// <summary>Not recorded: no request has this id.</summary>
    NotFound,

    /// <summary>Not recorded: the request was already decided, used or expired.</summary>
    NotPending,

    /// <summary>Not recorded: the agent's own operator cannot approve (they may deny).</summary>
    OperatorCannotApprove,

    /// <summary>Not recorded: this person already voted on this request.</summary>
    AlreadyVoted,

    /// <summary>Not recorded: approving needs membership of the request's approver group.</summary>
    NotInGroup,
}

/// <summary>The result of a vote, with the request as it stands afterwards (null when not found).</summary>
public sealed record VoteResult(VoteOutcome Outcome, ApprovalRequest? Request);

/// <summary>
/// Requests for human approval and the one-time grants they turn into. Implementations (SQLite locally, PostgreSQL
/// on a server) must make every operation atomic across processes and replicas: two concurrent votes never both
/// decide a request, a grant is consumed at most once, and a submission while an identical request is pending
/// returns that request instead of creating another.
/// </summary>
public interface IApprovalStore
{
    /// <summary>Creates a pending request, or returns the existing one for the same fingerprint and agent while it
    /// is pending or approved-and-unused (so retries do not pile up requests).</summary>
    ValueTask<ApprovalRequest> SubmitAsync(ApprovalSubmission submission, DateTimeOffset now, CancellationToken cancellationToken = default);

    ValueTask<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The newest requests first, optionally only those with one status.</summary>
    ValueTask<IReadOnlyList<ApprovalRequest>> ListAsync(ApprovalStatus? status, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records a vote under the two-person rule: the operator's approval does not count, nobody counts
    /// twice, approvers must be in the request's group, and one deny ends the request.</summary>
    ValueTask<VoteResult> VoteAsync(string id, string voter, IReadOnlyCollection<string> voterGroups, bool approve, string? comment, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Uses the grant for this exact action and agent, if an approved, unexpired, unused one exists:
    /// marks it consumed and returns it. At most one caller ever gets a given grant.</summary>
    ValueTask<ApprovalRequest?> ConsumeGrantAsync(string fingerprint, string agentId, DateTimeOffset now, CancellationToken cancellationToken = default);
}
