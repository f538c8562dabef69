using System.Diagnostics;
using Interlock.Core;
using Interlock.Runtime.Pipeline;
using Interlock.State;

namespace Interlock.Guard;

/// <summary>What the guard decided for one action, and the sentence to give the agent (empty for allow).</summary>
public sealed record GuardDecision(Decision Decision, string Message)
{
    public Verdict Verdict => Decision.Verdict;
}

/// <summary>Decides an agent's action before it runs: allow, ask (a human must approve) or deny.</summary>
public interface IGuard
{
    /// <summary>The decision for <paramref name="request"/>. With <paramref name="canAskHuman"/> false an action that
    /// needs a human comes back as a deny whose message tells a human how to approve it (the identical retry then
    /// passes once); with true it comes back as an ask for the caller to put to its human.</summary>
    ValueTask<GuardDecision> DecideAsync(ActionRequest request, bool canAskHuman, CancellationToken cancellationToken = default);

    /// <summary>The same, for a caller that cannot ask a human itself.</summary>
    ValueTask<GuardDecision> DecideAsync(ActionRequest request, CancellationToken cancellationToken = default) =>
        DecideAsync(request, canAskHuman: false, cancellationToken);

    /// <summary>Records a human's answer to an ask in the audit trail. An approval that could not be recorded must not
    /// be acted on: the result is why it could not be, or null.</summary>
    ValueTask<string?> RecordHumanAnswerAsync(GuardApproval approval, bool approved, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<string?>(null);
}

/// <summary>Who the in-process guard says is asking, where it keeps its state, and how long a decision may take.</summary>
public sealed record GuardSettings
{
    /// <summary>The agent's name in the audit trail, in approval requests and in policy rules' <c>agent</c> match
    /// (the hook's harness name: claude-code, codex...).</summary>
    public string Agent { get; init; } = "dotnet";

    /// <summary>The agent session. Approvals are bound to it: the identical retry of an approved action passes once,
    /// in the same session. Null: one session for the whole agent.</summary>
    public string? SessionId { get; init; }

    /// <summary>The state directory (audit trail, approvals, budgets, snapshots). Null: the hook's own
    /// ($INTERLOCK_STATE_DIR, else $XDG_STATE_HOME/interlock, else ~/.local/state/interlock), so a human approves
    /// with <c>interlock approve &lt;id&gt;</c> as for any hook.</summary>
    public string? StateDirectory { get; init; }

    /// <summary>The longest a decision may take; past it the action is stopped. Null: the hook's
    /// (INTERLOCK_HOOK_TIMEOUT_MS, default 10 s).</summary>
    public TimeSpan? Deadline { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Agent) || Agent.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw new ArgumentException($"GuardSettings.Agent must be a non-empty name without spaces (got `{Agent}`).", nameof(Agent));
        if (Deadline is { } d && d <= TimeSpan.Zero)
            throw new ArgumentException($"GuardSettings.Deadline must be positive (got {d}).", nameof(Deadline));
        if (StateDirectory is { } s && !Path.IsPathFullyQualified(s))
            throw new ArgumentException($"GuardSettings.StateDirectory must be an absolute path (got `{s}`).", nameof(StateDirectory));
    }
}

/// <summary>
/// Interlock in-process. An action goes through the same decision pipeline as a hook call from Claude Code or Codex:
/// the layered policy of its directory, the session's budgets and breaker, local approvals (or the approval server
/// when INTERLOCK_SERVER_URL is set), an undo copy before destructive file changes, and a record in the hash-chained
/// audit trail. It never throws for a decision: an internal error, or a decision past its deadline, is a deny that
/// says so.
/// </summary>
public sealed class Guard : IGuard
{
    private readonly GuardSettings _settings;
    private readonly Func<string, DecisionPipeline> _pipeline;

    /// <summary>A guard configured as the hook is on this machine.</summary>
    public Guard() : this(new GuardSettings())
    {
    }

    /// <summary>A guard configured as the hook is on this machine, with <paramref name="settings"/>.</summary>
    public Guard(GuardSettings settings)
    {
        settings.Validate();
        _settings = settings;
        _pipeline = cwd =>
        {
            var deadline = DeadlineOf(settings);
            return DecisionPipelines.Configured(DecisionPipelines.PolicyDirectory(cwd), deadline,
                () => DecisionPipelines.OpenStore(deadline, stateDirectory: settings.StateDirectory), settings.StateDirectory);
        };
    }

    /// <summary>A guard over a given pipeline (tests: a fixed world, a scratch state store).</summary>
    internal Guard(GuardSettings settings, Func<string, DecisionPipeline> pipeline)
    {
        settings.Validate();
        _settings = settings;
        _pipeline = pipeline;
    }

    private static TimeSpan DeadlineOf(GuardSettings settings) => settings.Deadline ?? HookDeadline.FromEnvironment();

    public ValueTask<GuardDecision> DecideAsync(ActionRequest request, CancellationToken cancellationToken = default) =>
        DecideAsync(request, canAskHuman: false, cancellationToken);

    public async ValueTask<GuardDecision> DecideAsync(ActionRequest request, bool canAskHuman, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var deadline = DeadlineOf(_settings);
        var caller = new Caller(_settings.Agent, canAskHuman);
        var hookEvent = new HookEvent(_settings.Agent)
        {
            SessionId = _settings.SessionId,
            Tool = request.Tool,
            Cwd = request.Cwd,
            RawToolInput = request.Command ?? request.ToolArguments,
            Request = request,
        };
        var started = Stopwatch.GetTimestamp();
        DecisionOutcome outcome;
        try
        {
            // The pipeline blocks on SQLite; run it off the caller's thread, bounded like a hook call.
            outcome = await Task.Run(() => _pipeline(request.Cwd).Decide(caller, hookEvent, started), cancellationToken)
                .WaitAsync(deadline, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var stop = DecisionPipelines.DeadlineDecision(deadline);
            outcome = new DecisionOutcome(Verdict.Deny, DecisionMessages.Describe(stop, ToolWord(request)), true, stop);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Building the pipeline failed (the policy could not be read...): stop, never allow.
            var stop = PipelineMessages.InternalError(e, "the guard");
            outcome = new DecisionOutcome(Verdict.Deny, DecisionMessages.Describe(stop, ToolWord(request)), true, stop);
        }
        // An allow (or a tool the engine has no opinion on) has nothing to tell the agent, as for a hook.
        return new GuardDecision(outcome.Decision, outcome.Verdict == Verdict.Allow ? "" : outcome.Message);
    }

    public ValueTask<string?> RecordHumanAnswerAsync(GuardApproval approval, bool approved, CancellationToken cancellationToken = default)
    {
        var request = approval.Request;
        var entry = new AuditEntry(DateTimeOffset.UtcNow, _settings.Agent, _settings.SessionId, request.Cwd, request.Tool,
            request.Command ?? request.ToolArguments, approved ? "allow" : "deny", "guard.human-answer",
            approved ? $"A human approved this {approval.FunctionName} call through the agent's own approval prompt (asked by rule {approval.Decision.Decision.RuleId})."
                     : $"The human did not approve this {approval.FunctionName} call (asked by rule {approval.Decision.Decision.RuleId}).",
            "[]", 0);
        return ValueTask.FromResult(HumanAnswers.Record(_pipeline(request.Cwd).OpenStore, entry));
    }

    private static string? ToolWord(ActionRequest r) => r.Command is not null ? "Bash" : r.File is { } f ? f.Kind.ToString() : r.Tool;

    private sealed record Caller(string Harness, bool SupportsAsk) : IDecisionCaller;
}
