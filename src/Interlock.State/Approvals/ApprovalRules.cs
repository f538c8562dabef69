namespace Interlock.State.Approvals;

/// <summary>
/// The two-person rule, independent of where requests are stored (every store applies exactly these checks inside
/// its transaction): the agent's operator cannot approve their own agent's action, nobody votes twice, approvers
/// must belong to the request's group, a single deny ends the request, and it is approved once enough distinct
/// approvals (not counting the operator) are in.
/// </summary>
public static class ApprovalRules
{
    /// <summary>Why a vote cannot be recorded, or null when it can.</summary>
    public static VoteOutcome? Check(ApprovalRequest request, string voter, IReadOnlyCollection<string> voterGroups, bool approve)
    {
        if (request.Status != ApprovalStatus.Pending) return VoteOutcome.NotPending;
        if (request.Votes.Any(v => string.Equals(v.Approver, voter, StringComparison.Ordinal))) return VoteOutcome.AlreadyVoted;
        if (!approve) return null; // anyone who can see a request may stop it, the operator included
        if (request.Action.Operator is { } op && string.Equals(op, voter, StringComparison.Ordinal)) return VoteOutcome.OperatorCannotApprove;
        if (request.Action.ApproverGroup is { } group && !voterGroups.Contains(group)) return VoteOutcome.NotInGroup;
        return null;
    }

    /// <summary>The new status after the votes so far, or null while it is still pending.</summary>
    public static (ApprovalStatus Status, DateTimeOffset? GrantExpiresAt)? Decide(ApprovalRequest request, DateTimeOffset now)
    {
        if (request.Votes.Any(v => !v.Approve)) return (ApprovalStatus.Denied, null);
        var counted = request.Votes.Where(v => v.Approve && v.Approver != request.Action.Operator).Select(v => v.Approver).Distinct(StringComparer.Ordinal).Count();
        return counted >= Math.Max(1, request.Action.RequiredApprovals) ? (ApprovalStatus.Approved, now + request.Action.GrantValidFor) : null;
    }

    /// <summary>Plain words for a vote that was not recorded.</summary>
    public static string Explain(VoteOutcome outcome, ApprovalRequest? request, string voter) => outcome switch
    {
        VoteOutcome.NotFound => "no request has this id; list them with `interlock requests`",
        VoteOutcome.NotPending => $"request {request?.Id} is already {request?.Status.ToString().ToLowerInvariant()}; nothing to vote on",
        VoteOutcome.OperatorCannotApprove => $"{voter} operates the agent that asked, and the two-person rule does not count an operator's approval of their own agent's action; another approver must approve it",
        VoteOutcome.AlreadyVoted => $"{voter} already voted on request {request?.Id}; each person counts once",
        VoteOutcome.NotInGroup => $"approving request {request?.Id} needs a member of `{request?.Action.ApproverGroup}`, and {voter} is not one",
        VoteOutcome.Counted => $"approval recorded; {request?.CountedApprovals} of {request?.Action.RequiredApprovals} approvals are in",
        _ => $"request {request?.Id} is now {request?.Status.ToString().ToLowerInvariant()}",
    };
}
