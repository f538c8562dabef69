using Interlock.Core;
using Interlock.Core.Knowledge;
using Interlock.Core.Policy;
using Interlock.State;
using Interlock.State.Approvals;

namespace Interlock.Runtime.Stages;

/// <summary>
/// Local approvals (no server configured). For an action the policy would ask about:
/// <list type="bullet">
/// <item>if a human approved this exact action for this agent session (`interlock approve &lt;id&gt;`), its one-time
/// grant is used and the action is allowed;</item>
/// <item>where the harness has its own prompt (Claude Code, Cursor, Copilot) and the policy lets it approve this ask
/// (<see cref="ApprovalRoute.HarnessMayApprove"/>: not production, and `settings.approvals.harness_prompt`, by default
/// in user mode), the ask stays an ask and the harness asks its user; the audit record says so;</item>
/// <item>otherwise (a harness without a prompt: Codex, Gemini CLI, Amazon Q, Kiro; a production ask; the policy says
/// never; enforced mode) the ask becomes a deny that carries a pending request id and tells a human how to approve
/// it; the agent's identical retry after the approval passes once.</item>
/// </list>
/// Locally the person at the terminal is both operator and approver, so a request needs one approval; the
/// two-person rule needs the approval server.
/// </summary>
internal sealed class ApprovalStage(Func<IWorldView> world, TimeProvider? time = null, HarnessPrompt harnessPrompt = HarnessPrompt.UserMode) : IDecisionStage
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
        var harnessApproves = ApprovalRoute.HarnessMayApprove(harnessPrompt, decision, context.Caller.SupportsAsk, userModeWithoutServer: context.Event.Caller is null);
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
            if (harnessApproves)
            {
                context.ApprovalNote = ApprovalRoute.HarnessPromptNote;
                return;
            }
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
            context.Message = PendingMessage(decision, context.ToolWord, pending.Id, context.Event.Caller, WhyNotTheHarness(decision, context));
        }
        catch (Exception e) when (e is StateStoreException or IOException or UnauthorizedAccessException)
        {
            if (harnessApproves)
            {
                // The grant could not be looked up, but the harness still asks its user.
                context.ApprovalNote = ApprovalRoute.HarnessPromptNote;
                return;
            }
            context.Decision = decision with { Verdict = Verdict.Deny };
            context.Message = DecisionMessages.Sentences(PipelineMessages.Describe(decision, context.ToolWord),
                $"{WhyNotTheHarness(decision, context)}, and Interlock could not record a request for approval ({e.Message}), so the action is stopped; a human can run it themselves");
            context.Problems.Add($"the approval request could not be recorded: {e.Message}");
        }
    }

    /// <summary>Grants are bound to the agent session that asked: another session's retry is another request.</summary>
    internal static string AgentId(HookEvent e) =>
        e.Caller is { } c ? $"uid {c.Uid}:{e.Harness}:{e.SessionId ?? "no-session"}" : $"{e.Harness}:{e.SessionId ?? "no-session"}";

    /// <summary>Why this ask is not put to the harness's own prompt (a clause: "this agent cannot ask for it itself").</summary>
    internal static string WhyNotTheHarness(Decision d, DecisionContext context) =>
        !context.Caller.SupportsAsk ? "This needs a human's approval, and this agent cannot ask for it itself"
        : ApprovalRoute.IsProduction(d) ? "This needs a human's approval through Interlock: a production action is never approved at the agent's own prompt"
        : context.Event.Caller is not null ? "This needs a human's approval through Interlock: in enforced mode the agent's own prompt does not approve (the system policy's approvals.harness_prompt)"
        : "This needs a human's approval through Interlock: the policy's approvals.harness_prompt is never, so the agent's own prompt does not approve";

    internal static string PendingMessage(Decision d, string? tool, string id, CallerIdentity? caller = null, string why = "This needs a human's approval, and this agent cannot ask for it itself") =>
        DecisionMessages.Sentences(PipelineMessages.Describe(d, tool), caller is null
            ? $"{why}: it is waiting as request {id}. Tell the user; a human approves it by running `interlock approve {id}` " +
              $"(or refuses with `interlock deny {id}`) in a terminal, then the identical action can be retried once"
            : $"{why}: it is waiting as request {id}. Tell the user; on this machine (enforced mode) an approver other than {caller.User} " +
              $"approves it with `sudo interlock approve {id}` (or as a member of the approvers group; `interlock deny {id}` refuses), " +
              $"then the identical action can be retried once");
}
