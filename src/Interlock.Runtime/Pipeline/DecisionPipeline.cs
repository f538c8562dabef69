using System.Text;
using Interlock.Core;
using Interlock.State;

namespace Interlock.Runtime.Pipeline;

/// <summary>What an adapter read from one harness event. Adapters fill what they can even for invalid events,
/// so the audit trail can say what was rejected.</summary>
internal sealed record HookEvent(string Harness)
{
    /// <summary>The harness's event name (PreToolUse, beforeShellExecution...), when it has one.</summary>
    public string? EventName { get; init; }

    public string? SessionId { get; init; }

    public string? Tool { get; init; }

    public string? Cwd { get; init; }

    /// <summary>The tool's input as the harness sent it (bounded), for the audit trail.</summary>
    public string? RawToolInput { get; init; }

    /// <summary>The action to decide; null when the event is invalid or the tool is not analysed.</summary>
    public ActionRequest? Request { get; init; }

    /// <summary>Why the event was rejected (it is then stopped): malformed, wrong harness, missing fields.</summary>
    public string? Invalid { get; init; }

    /// <summary>Who sent the event, as the system decision daemon identified them (enforced mode); null when the
    /// hook decides in its own process, as its own user.</summary>
    public CallerIdentity? Caller { get; init; }

    /// <summary>A summary of what was asked, for records and messages: the command, the file a file tool
    /// touches, or a tool's arguments.</summary>
    public string? What => Request is { } r
        ? r.Command ?? (r.File is { } file ? $"{file.Kind} {file.Path}"
            : r.Files.Count > 0 ? string.Join("; ", r.Files.Select(f => $"{f.Kind} {f.Path}"))
            : r.ToolArguments ?? RawToolInput)
        : RawToolInput;
}

/// <summary>
/// The process that asked the system daemon for a decision: its uid and pid from the socket (SO_PEERCRED) and the
/// account that uid is in /etc/passwd. <see cref="Ignored"/> lists the variables of the caller's environment that
/// would have relocated or loosened the guard in user mode and were ignored; they are recorded as an attempt.
/// </summary>
internal sealed record CallerIdentity(uint Uid, int Pid, string User, IReadOnlyList<string> Ignored)
{
    /// <summary>Appended to the audit record's reason, inside the hash chain.</summary>
    public string AuditNote =>
        $" [caller: uid {Uid} ({User}), pid {Pid}{(Ignored.Count > 0 ? "; ignored, as enforced mode does: " + string.Join(", ", Ignored) : "")}]";
}

/// <summary>Who asks for a decision, as far as the pipeline cares: the name its records carry, and whether it can put
/// an ask to its own human (without it, an ask becomes a deny that tells a human how to approve).</summary>
internal interface IDecisionCaller
{
    /// <summary>The name used on the command line and in the audit trail (claude-code, codex, mcp, dotnet...).</summary>
    string Harness { get; }

    /// <summary>Whether the caller can ask its user to approve an action; without it, an ask must become a deny
    /// that tells a human how to approve.</summary>
    bool SupportsAsk { get; }
}

/// <summary>
/// One agent harness's hook protocol. An adapter translates; it does not decide: <see cref="Parse"/> turns the
/// event into an <see cref="ActionRequest"/>, <see cref="Render"/> turns the final decision into the harness's
/// answer. The harness is always named on the command line (`interlock hook &lt;harness&gt;`); an adapter never
/// guesses the protocol from the shape of the input.
/// </summary>
internal interface IHookAdapter : IDecisionCaller
{
    /// <summary>Largest event accepted; bigger input is stopped unread.</summary>
    int MaxInputBytes { get; }

    HookEvent Parse(ReadOnlySpan<byte> input);

    /// <summary>The answer for <paramref name="outcome"/>. <see cref="DecisionOutcome.Analysed"/> false means the
    /// guard has no opinion (a tool it does not analyse): the harness's own permissions apply.</summary>
    HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome);
}

/// <summary>The verdict the adapter renders, with the message the agent and the human read.</summary>
internal sealed record DecisionOutcome(Verdict Verdict, string Message, bool Analysed, Decision Decision);

/// <summary>The state one hook call carries through the pipeline's stages.</summary>
internal sealed class DecisionContext(IDecisionCaller caller, HookEvent hookEvent, Func<IStateStore>? openStore = null) : IDisposable
{
    private IStateStore? _store;

    /// <summary>The state store, opened by the first stage that needs it (most calls only append the audit record)
    /// and closed when the call ends. Opening may throw <see cref="StateStoreException"/>; a later stage may retry.</summary>
    public IStateStore Store => _store ??= (openStore ?? throw new StateStoreException("no state store is configured for this hook call"))();

    /// <summary>Whether this call has a state store (tests may run a pipeline without one).</summary>
    public bool HasStore => openStore is not null;

    public void Dispose() => _store?.Dispose();

    public IDecisionCaller Caller { get; } = caller;

    public HookEvent Event { get; } = hookEvent;

    /// <summary>The decision so far. Stages may replace it (a failed snapshot turns an allow into an ask).</summary>
    public Decision Decision { get; set; } = NoDecision;

    /// <summary>False while no stage has analysed the action (invalid events and unanalysed tools).</summary>
    public bool Analysed { get; set; }

    /// <summary>A message that replaces the one derived from <see cref="Decision"/> (invalid events).</summary>
    public string? Message { get; set; }

    /// <summary>How the ask was put to a human, when the audit record must say so (the harness's own prompt).</summary>
    public string? ApprovalNote { get; set; }

    /// <summary>Problems stages met that the user should see on stderr (the audit could not be written...).</summary>
    public List<string> Problems { get; } = [];

    /// <summary>When the hook call started (Stopwatch timestamp), for the recorded timing.</summary>
    public long Started { get; init; }

    /// <summary>A stage could not do its part (record, count, keep an undo copy): an action that would have been
    /// allowed now needs a human, and a stop keeps its verdict and says what else went wrong. <paramref name="problem"/>
    /// completes "Interlock ..." ("could not write its audit trail: disk full").</summary>
    public void RequireHuman(string ruleId, string reason, string alternative, string problem)
    {
        Problems.Add($"Interlock {problem}");
        if (Decision.Verdict == Verdict.Allow)
        {
            Decision = Decision with { Verdict = Verdict.Ask, RuleId = ruleId, Reason = reason, Alternative = alternative };
            Message = null;
            Analysed = true;
            return;
        }
        Message = (Message ?? PipelineMessages.Describe(Decision, ToolWord)) + $" (Also: Interlock {problem}.)";
    }

    public DecisionOutcome Outcome() => new(Decision.Verdict, Message ?? PipelineMessages.Describe(Decision, ToolWord), Analysed, Decision);

    /// <summary>How messages name the tool: shell tools as a command, file tools by what they do (whatever the
    /// harness calls them), other tools by their own name.</summary>
    public string? ToolWord => Word(Event);

    private static string? Word(HookEvent e) => e.Request switch
    {
        { Command: not null } => "Bash",
        { File: { } f } => f.Kind.ToString(),
        { Files.Count: > 0 } r => r.Files.All(f => f.Kind == r.Files[0].Kind) ? r.Files[0].Kind.ToString() : "Patch",
        _ => e.Tool,
    };

    internal static readonly Decision NoDecision = new(Verdict.Allow, "hook.not-analysed", "this tool is not analysed; the harness's own permissions apply", null, [], [], null);
}

/// <summary>One step of a hook call. Stages run in order over one context (decide, snapshot, audit, ...).</summary>
internal interface IDecisionStage
{
    void Run(DecisionContext context);
}

/// <summary>
/// A hook call: parse the harness's event, run the stages, render the answer. Any exception in a stage stops the
/// action with a message that says what broke (most harnesses let an action through when a hook crashes).
/// </summary>
internal sealed class DecisionPipeline(IReadOnlyList<IDecisionStage> stages, Func<IStateStore>? openStore = null)
{
    /// <summary>Opens the state store the stages use (for records made outside a hook call, such as a human's answer
    /// to an MCP elicitation); null when none is configured.</summary>
    public Func<IStateStore>? OpenStore => openStore;

    public HookAnswer Run(IHookAdapter adapter, ReadOnlySpan<byte> input)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        return Run(adapter, Read(adapter, input), started);
    }

    /// <summary>The harness's event as the adapter reads it; oversized or unreadable input becomes an invalid event,
    /// which the first stage stops.</summary>
    public static HookEvent Read(IHookAdapter adapter, ReadOnlySpan<byte> input)
    {
        if (input.Length > adapter.MaxInputBytes)
            return new HookEvent(adapter.Harness) { Invalid = $"Interlock: the hook event is {input.Length} bytes, over the {adapter.MaxInputBytes}-byte limit; it was not analysed, so the action is stopped. Split the command into smaller steps." };
        try
        {
            return adapter.Parse(input);
        }
        catch (Exception e)
        {
            return new HookEvent(adapter.Harness) { Invalid = $"Interlock could not read the {adapter.Harness} event ({e.GetType().Name}: {e.Message}), so the action is stopped." };
        }
    }

    /// <summary>Runs the stages over an event already read (<see cref="Read"/>) at Stopwatch timestamp <paramref name="started"/>.</summary>
    public HookAnswer Run(IHookAdapter adapter, HookEvent hookEvent, long started) => adapter.Render(hookEvent, Decide(adapter, hookEvent, started));

    /// <summary>The final decision for <paramref name="hookEvent"/>, asked by <paramref name="caller"/>: every stage
    /// has run (decided, counted, approved, kept for undo, recorded). Entry points without a wire protocol of their
    /// own (the in-process Guard) use this; hook adapters render it.</summary>
    public DecisionOutcome Decide(IDecisionCaller caller, HookEvent hookEvent, long started)
    {
        using var context = new DecisionContext(caller, hookEvent, openStore) { Started = started };
        foreach (var stage in stages)
        {
            try
            {
                stage.Run(context);
            }
            catch (Exception e)
            {
                context.Decision = PipelineMessages.InternalError(e, stage.GetType().Name);
                context.Analysed = true;
                context.Message = null;
            }
        }
        return context.Outcome();
    }
}

/// <summary>The first stage: invalid events are stopped, unanalysed tools pass, everything else goes to the engine.
/// While a policy file is invalid, <paramref name="invalidPolicy"/> stops every analysed action (never "allow everything").</summary>
internal sealed class DecideStage(Engine engine, Func<IWorldView> world, Decision? invalidPolicy = null) : IDecisionStage
{
    public void Run(DecisionContext context)
    {
        var e = context.Event;
        if (e.Invalid is not null)
        {
            context.Decision = new Decision(Verdict.Deny, "hook.invalid-event", e.Invalid, null, [], [], null);
            context.Message = e.Invalid;
            context.Analysed = true;
            return;
        }
        if (e.Request is null) return; // not analysed: no opinion
        if (invalidPolicy is not null)
        {
            context.Decision = invalidPolicy;
            context.Analysed = true;
            return;
        }
        // Policy rules may match on the agent and the session.
        context.Decision = engine.Evaluate(e.Request with { Agent = e.Request.Agent ?? e.Harness, Session = e.Request.Session ?? e.SessionId },
            Stages.ProvenanceStage.WithSession(world(), context));
        context.Analysed = true;
    }
}

/// <summary>The words every adapter uses: what, why, what instead.</summary>
internal static class PipelineMessages
{
    public static string Describe(Decision d, string? tool = "Bash") => DecisionMessages.Describe(d, tool);

    public static Decision InternalError(Exception e, string where) =>
        new(Verdict.Deny, "internal-error",
            $"Interlock hit an internal error in {where} ({e.GetType().Name}: {e.Message}) and stopped the action rather than guess.",
            "Ask the user to run it, or to check the installation with `interlock --version`; please report the error.",
            [], [], null);
}
