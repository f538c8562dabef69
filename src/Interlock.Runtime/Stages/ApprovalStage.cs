using Interlock.Core;
using Interlock.Core.Knowledge;
using Interlock.State;
using Interlock.State.Approvals;

namespace Interlock.Runtime.Stages;

/// <summary>
/// Local approvals (no server configured). For an action the policy would ask about:
/// <list type="bullet">
/// <item>if a human approved this exact action for this agent session (`interlock approve &lt;id&gt;`), its one-time
/// grant is used and the action is allowed;</item>
/// <item>otherwise, for a harness without a native ask (Codex, Gemini CLI, Amazon Q, Kiro), the ask becomes a deny
/// that carries a pending request id and tells a human how to approve it; the agent's identical retry after the
/// approval passes once.</item>
/// </list>
/// Harnesses with a native ask keep asking their own user. Locally the person at the terminal is both operator and
/// approver, so a request needs one approval; the two-person rule needs the approval server.
/// </summary>
internal sealed class ApprovalStage(Func<IWorldView> world, TimeProvider? time = null) : IDecisionStage
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public void Run(DecisionContext context)
    {
        if (context.Decision.Verdict != Verdict.Ask || context.Event.Request is not { } request) return;
        var decision = context.Decision;
        var (environment, _) = KnowledgeContext.Strictest(decision.Effects.Select(e => (e.Environment, e.EnvironmentEvidence)).ToArray());
        var env = environment.ToString().ToLowerInvariant();
        var repository = world().FindRepositoryRoot(request.Cwd);
        var fingerprint = ActionFingerprint.Compute(request, repository, env);
        var agent = AgentId(context.Event);
        var now = _time.GetUtcNow();
        try
        {
            var store = context.Store;
            if (store.Approvals.ConsumeGrantAsync(fingerprint, agent, now).AsTask().GetAwaiter().GetResult() is { } grant)
            {
                var who = string.Join(", ", grant.Votes.Where(v => v.Approve).Select(v => v.Approver));
                context.Decision = decision with
                {
                    Verdict = Verdict.Allow,
                    RuleId = "approval.granted",
                    Reason = $"a human ({who}) approved this exact action as request {grant.Id} (asked by rule {decision.RuleId}); the approval is now used up",
                    Alternative = null,
                };
                context.Message = null;
                return;
            }
            if (context.Caller.SupportsAsk) return;
            var pending = store.Approvals.SubmitAsync(new ApprovalSubmission
            {
                Fingerprint = fingerprint,
                AgentId = agent,
                // In enforced mode the daemon knows whose agent asked: that user's own approval never counts.
                Operator = context.Event.Caller?.User,
                Harness = context.Event.Harness,
                SessionId = context.Event.SessionId,
                Tool = request.Tool,
                Action = context.Event.What ?? request.Tool,
                Cwd = request.Cwd,
                Repository = repository,
                Environment = env,
                RuleId = decision.RuleId,
                Reason = decision.Reason,
                EffectsJson = AuditEffects.Json(decision.Effects, decision.Matches),
            }, now).AsTask().GetAwaiter().GetResult();
            context.Decision = decision with { Verdict = Verdict.Deny };
            context.Message = PendingMessage(decision, context.ToolWord, pending.Id, context.Event.Caller);
        }
        catch (Exception e) when (e is StateStoreException or IOException or UnauthorizedAccessException)
        {
            if (context.Caller.SupportsAsk) return; // the harness still asks its user
            context.Decision = decision with { Verdict = Verdict.Deny };
            context.Message = $"{PipelineMessages.Describe(decision, context.ToolWord)} This harness cannot ask a human itself, and Interlock could not record a request for approval ({e.Message}), so the action is stopped; a human can run it themselves.";
            context.Problems.Add($"the approval request could not be recorded: {e.Message}");
        }
    }

    /// <summary>Grants are bound to the agent session that asked: another session's retry is another request.</summary>
    internal static string AgentId(HookEvent e) =>
        e.Caller is { } c ? $"uid {c.Uid}:{e.Harness}:{e.SessionId ?? "no-session"}" : $"{e.Harness}:{e.SessionId ?? "no-session"}";

    internal static string PendingMessage(Decision d, string? tool, string id, CallerIdentity? caller = null) =>
        caller is null
            ? $"{PipelineMessages.Describe(d, tool)} This needs a human's approval, and this agent cannot ask for it itself: " +
              $"it is waiting as request {id}. Tell the user; a human approves it by running `interlock approve {id}` " +
              $"(or refuses with `interlock deny {id}`) in a terminal, then the identical action can be retried once."
            : $"{PipelineMessages.Describe(d, tool)} This needs a human's approval, and this agent cannot ask for it itself: " +
              $"it is waiting as request {id}. Tell the user; on this machine (enforced mode) an approver other than {caller.User} " +
              $"approves it with `sudo interlock approve {id}` (or as a member of the approvers group; `interlock deny {id}` refuses), " +
              $"then the identical action can be retried once.";
}
