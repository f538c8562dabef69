using Interlock.Core;
using Interlock.Runtime.Adapters;
using Interlock.Runtime.Configuration;
using Interlock.Runtime.Stages;
using Interlock.State;
using Interlock.State.Budgets;
using Interlock.State.Sqlite;

namespace Interlock.Runtime.Pipeline;

/// <summary>
/// The decision pipeline as this machine is configured, and the bounded way to run it: every entry point (the hook
/// process, its daemon, the MCP proxy, the in-process Guard) decides through <see cref="Configured"/>, so the same
/// action gets the same decision, record, budget, approval and snapshot whichever way it arrives.
/// </summary>
internal static class DecisionPipelines
{
    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The state store a hook call uses: it waits for other hook processes' writes for as long as the
    /// deadline allows (a lost write means an ask).</summary>
    internal static IStateStore OpenStore(TimeSpan deadline, long? walCheckpointBytes = null, string? stateDirectory = null)
    {
        var options = new SqliteStateStoreOptions { Directory = stateDirectory ?? StateDirectory.Resolve(), BusyTimeoutMilliseconds = (int)Math.Max(1000, deadline.TotalMilliseconds - 1500) };
        return SqliteStateStore.Open(walCheckpointBytes is { } bytes ? options with { WalCheckpointBytes = bytes } : options);
    }

    /// <summary>Decides one event and renders the harness's answer: the configured pipeline for the event's
    /// directory, on <paramref name="worker"/>, under <paramref name="deadline"/> (loading the policy included).
    /// Finished is false when the deadline stopped it.</summary>
    internal static (HookAnswer Answer, bool Finished) Answer(IHookAdapter adapter, byte[] input, TimeSpan deadline, Func<IStateStore> open, DeadlineWorker worker) =>
        RunWithDeadline(worker, () => Decide(adapter, input, deadline, open), adapter, deadline);

    /// <summary>Decides one event on the calling thread, with nothing to bound it: callers bound it (the hook
    /// process with <see cref="RunWithDeadline"/>, the daemon with its watchdog).</summary>
    internal static HookAnswer Decide(IHookAdapter adapter, byte[] input, TimeSpan deadline, Func<IStateStore> open)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var hookEvent = DecisionPipeline.Read(adapter, input);
        return Configured(PolicyDirectory(hookEvent), deadline, open).Run(adapter, hookEvent, started);
    }

    /// <summary><see cref="Decide"/> in the system daemon (enforced mode): the event carries its caller, and the
    /// policy is the root-owned system file plus the project's tightenings.</summary>
    internal static HookAnswer DecideEnforced(IHookAdapter adapter, byte[] input, CallerIdentity caller, CallerAccess access, TimeSpan deadline, Func<IStateStore> open)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var hookEvent = DecisionPipeline.Read(adapter, input) with { Caller = caller };
        var directory = PolicyDirectory(hookEvent);
        return Configured(directory, deadline, open, layers: PolicyLoader.LocateEnforced(directory), access: access).Run(adapter, hookEvent, started);
    }

    /// <summary>The pipeline as this machine is configured for actions in <paramref name="policyDirectory"/>: the layered
    /// policy found there (its rules decide, its budgets feed the breaker; an invalid file stops every analysed action
    /// with the file, line and column), the approval server when INTERLOCK_SERVER_URL is set, else local approvals, and
    /// the state store. The hook (and its daemon) and the MCP proxy all decide through it.</summary>
    internal static DecisionPipeline Configured(string policyDirectory, TimeSpan deadline, Func<IStateStore> open, string? stateDirectory = null, IReadOnlyList<(Core.Policy.PolicyLayer Layer, string Path)>? layers = null, CallerAccess? access = null)
    {
        var world = new FileSystemWorld(access);
        // An unchanged policy comes from the cache in the state directory instead of being parsed again.
        var policy = PolicyLoader.LoadCached(layers ?? PolicyLoader.Locate(policyDirectory), PolicyCache.ForStateDirectory(stateDirectory ?? StateDirectory.Resolve()));
        var settings = policy.Compiled.Settings;
        var budgets = new BudgetLimits
        {
            Window = settings.Budgets.Window,
            FilesDeleted = settings.Budgets.FilesDeleted,
            LinesRemoved = settings.Budgets.LinesRemoved,
            DestructiveCommands = settings.Budgets.DestructiveCommands,
        };
        var invalidPolicy = policy.FirstError is null ? null : policy.InvalidPolicyDecision();
        var engine = new Engine(policy.Compiled);
        IDecisionStage? decide = null;
        try
        {
            // An invalid local policy stops everything locally, server or not.
            if (invalidPolicy is null && ServerConnection.ForAgent(deadline) is { } server) decide = new ServerDecideStage(engine, () => world, server);
        }
        catch (ServerUnreachableException e)
        {
            // A configured but unusable server is a stop, never a silent fall-back to local approvals.
            decide = new FailedServerStage(e.Message);
        }
        return Default(engine, () => world, open, SnapshotLimits.FromEnvironment(), budgets, decide: decide, invalidPolicy: invalidPolicy);
    }

    /// <summary>The directory whose policy applies: the event's cwd when it names an existing absolute directory,
    /// else the hook process's (an unreadable event is stopped by the pipeline anyway).</summary>
    internal static string PolicyDirectory(HookEvent hookEvent) => PolicyDirectory(hookEvent.Cwd);

    internal static string PolicyDirectory(string? cwd) =>
        cwd is { Length: > 1 } && cwd.StartsWith('/') && Directory.Exists(cwd) ? cwd : Environment.CurrentDirectory;

    /// <summary>The stages every hook call goes through, in order.</summary>
    /// <remarks><paramref name="decide"/>, when given, replaces the local decide and approval stages: the approval
    /// server's (<see cref="ServerDecideStage"/>), which makes the verdict and holds the approvals.
    /// <paramref name="invalidPolicy"/>, when given, stops every analysed action (a policy file is invalid).</remarks>
    internal static DecisionPipeline Default(Engine engine, Func<IWorldView> world, Func<IStateStore> open, SnapshotLimits snapshotLimits, BudgetLimits budgetLimits, TimeProvider? time = null, IDecisionStage? decide = null, Decision? invalidPolicy = null) =>
        new(decide is null
            ? [
                new DecideStage(engine, world, invalidPolicy),
                new BudgetStage(world, engine.Options, budgetLimits, time),
                new ApprovalStage(world, time, engine.Policy.Settings.HarnessPrompt),
                new ProvenanceStage(time),
                new SnapshotStage(snapshotLimits, time),
                new AuditStage(time),
            ]
            : [
                decide,
                new BudgetStage(world, engine.Options, budgetLimits, time),
                new ProvenanceStage(time),
                new SnapshotStage(snapshotLimits, time),
                new AuditStage(time),
            ], open);

    internal static TimeSpan Deadline() => HookDeadline.FromEnvironment();

    /// <summary>Runs one hook call on <paramref name="worker"/>'s thread; past the deadline, answers with a stop. The
    /// worker is a background thread, so the process exits with the answer even while it is still stuck (a locked
    /// disk, a pathological input): SQLite transactions it may have open are rolled back by the database. An error
    /// outside the pipeline's stages (building it: the policy could not be read) stops the action like one inside.</summary>
    internal static (HookAnswer Answer, bool Finished) RunWithDeadline(DeadlineWorker worker, Func<HookAnswer> call, IHookAdapter adapter, TimeSpan deadline)
    {
        var (answer, finished) = worker.Run(() => Guarded(adapter, call), deadline);
        return finished && answer is not null ? (answer, true) : (DeadlineAnswer(adapter, deadline), false);
    }

    /// <summary>The call's answer, or a stop that names the error it threw.</summary>
    internal static HookAnswer Guarded(IHookAdapter adapter, Func<HookAnswer> call)
    {
        try
        {
            return call();
        }
        catch (Exception e)
        {
            return StopAnswer(adapter, PipelineMessages.InternalError(e, "the hook"), $"interlock: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The stop answered when a call is still undecided at its deadline.</summary>
    internal static HookAnswer DeadlineAnswer(IHookAdapter adapter, TimeSpan deadline) =>
        StopAnswer(adapter, DeadlineDecision(deadline), $"interlock: the hook call exceeded its {deadline.TotalMilliseconds:0} ms deadline; the action was stopped");

    /// <summary>The stop for a call still undecided at its deadline.</summary>
    internal static Decision DeadlineDecision(TimeSpan deadline) =>
        new(Verdict.Deny, "hook.deadline",
            $"Interlock did not finish checking this action within its {deadline.TotalMilliseconds:0} ms deadline, so it stops it rather than let it through unchecked.",
            "Retry; if it keeps happening, split the action into smaller steps or raise INTERLOCK_HOOK_TIMEOUT_MS (keep it below the agent's hook timeout).",
            [], [], null);

    /// <summary>A stop rendered in the harness's protocol for a call that never reached a decision of its own.</summary>
    internal static HookAnswer StopAnswer(IHookAdapter adapter, Decision decision, string stderr) =>
        adapter.Render(new HookEvent(adapter.Harness), new DecisionOutcome(Verdict.Deny, PipelineMessages.Describe(decision), true, decision)) with { Stderr = stderr };
}

/// <summary>The server connection is configured but unusable (a bad URL): every analysed action is stopped.</summary>
internal sealed class FailedServerStage(string why) : IDecisionStage
{
    public void Run(DecisionContext context)
    {
        if (context.Event.Request is null && context.Event.Invalid is null) return;
        context.Decision = new Decision(Verdict.Deny, "server.misconfigured", $"Interlock is configured to use an approval server, but {why}, so the action is stopped.",
            "Fix INTERLOCK_SERVER_URL (or unset it to decide locally).", [], [], null);
        context.Analysed = true;
    }
}
