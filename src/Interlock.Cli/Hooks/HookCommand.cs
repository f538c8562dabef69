using Interlock.Core;
using Interlock.State;
using Interlock.State.Budgets;
using Interlock.State.Sqlite;

namespace Interlock.Cli.Hooks;

/// <summary>`interlock hook &lt;harness&gt;`: read one event from stdin, run the pipeline, answer in the harness's protocol.</summary>
internal static class HookCommand
{
    /// <summary>Every harness the hook speaks, by the name used on the command line.</summary>
    public static readonly IReadOnlyDictionary<string, Func<IHookAdapter>> Adapters = new Dictionary<string, Func<IHookAdapter>>(StringComparer.Ordinal)
    {
        ["claude-code"] = () => new ClaudeCodeAdapter(),
        ["codex"] = () => new CodexAdapter(),
        ["gemini"] = () => new GeminiAdapter(),
        ["cursor"] = () => new CursorAdapter(),
        ["copilot"] = () => new CopilotAdapter(),
        ["kiro"] = () => new KiroAdapter("kiro", "Kiro CLI", "~/.kiro/agents/NAME.json"),
        ["amazon-q"] = () => new KiroAdapter("amazon-q", "Amazon Q Developer CLI", "~/.aws/amazonq/cli-agents/NAME.json"),
        ["opencode"] = () => new OpenCodeAdapter(),
    };

    /// <summary>Exit code that blocks the action in harnesses that read exit codes (Claude Code, Gemini CLI,
    /// Amazon Q, Kiro, Cursor): used when the hook cannot even tell which protocol to answer in.</summary>
    private const int ExitBlock = 2;

    public const string Help = """
        interlock hook <harness> [--deadline-ms N]

        Reads one hook event (JSON) from standard input and answers in the harness's own protocol.
        Harnesses: claude-code, codex, gemini, cursor, copilot, kiro, amazon-q, opencode.
        Register it with `interlock install <harness> [--user|--project]` (see `interlock install --help`).

        claude-code  Claude Code PreToolUse: prints nothing for actions with no destructive effect (Claude Code's own
                     permissions still apply); prints {"hookSpecificOutput":{"permissionDecision":"ask"|"deny",...}}
                     with a reason otherwise.
        codex        Codex CLI PreToolUse (Bash, apply_patch, MCP tools): nothing, or a hookSpecificOutput deny.
        gemini       Gemini CLI BeforeTool: {} or {"decision":"deny","reason":...}.
        cursor       Cursor beforeShellExecution, beforeMCPExecution, beforeReadFile, preToolUse:
                     {"permission":"allow"|"ask"|"deny","user_message":...,"agent_message":...}.
        copilot      GitHub Copilot CLI preToolUse: nothing, or {"permissionDecision":"ask"|"deny",...}.
        kiro, amazon-q
                     Kiro CLI / Amazon Q Developer CLI preToolUse: exit 0, or exit 2 with the reason on stderr.
        opencode     The Interlock OpenCode plugin: {"decision":"allow"} or {"decision":"deny","reason":...}.

        Codex, Gemini CLI, Kiro, Amazon Q and OpenCode cannot ask their user: an action that needs a human is
        answered with a deny whose reason says how a human approves it.

        Malformed or oversized input is answered with a stop that says what was wrong. Every decision is appended to
        the audit trail in the state directory ($INTERLOCK_STATE_DIR, else $XDG_STATE_HOME/interlock, else
        ~/.local/state/interlock; see `interlock audit --help`). If it cannot be written, an allow becomes an ask and
        an ask or deny says so in its reason.

        Approval server: with INTERLOCK_SERVER_URL and INTERLOCK_AGENT_TOKEN set, decisions are made by the server
        (see `interlock serve --help`): an action that needs approval waits up to INTERLOCK_SERVER_WAIT_MS (default
        5000, kept 3 s inside the deadline) for humans, then is stopped with the request id; retry it once approved.
        If the server cannot be reached, INTERLOCK_SERVER_POSTURE=closed (default) stops anything that would ask or
        be denied and lets the rest through on local policy; =local uses the local decision.

        Each call is bounded by a deadline (INTERLOCK_HOOK_TIMEOUT_MS, default 10000; --deadline-ms N lowers it for
        this call): past it the action is stopped with a message saying so, before the harness's own timeout could
        let it through.

        Speed: a call that finds no `interlock daemon` for its environment decides by itself, then starts one in the
        background; later calls hand their event to it and take about a process start (see `interlock daemon
        --help`). INTERLOCK_DAEMON=off keeps every call in-process and starts nothing.
        """;

    public static int Run(string[] args, Func<int, byte[]> readStdin)
    {
        if (args.Length > 0 && args[0] is "-h" or "--help") { Console.Out.WriteLine(Help); return 0; }
        var names = string.Join(", ", Adapters.Keys);
        if (args.Length == 0)
        {
            Console.Error.WriteLine($"interlock: `hook` needs the harness name, one of: {names} (e.g. `interlock hook claude-code`).");
            return ExitBlock;
        }
        if (!Adapters.TryGetValue(args[0], out var create))
        {
            // Still stop: a misconfigured guard must not fail open.
            Console.Error.WriteLine($"Interlock: unknown harness `{args[0]}` in the hook command, so the action is stopped. Supported: {names}. Fix the hook command in the agent's settings (see `interlock hook --help`).");
            return ExitBlock;
        }
        // `--deadline-ms N`: what is left of the deadline of a call interlock-hook could not hand to a daemon.
        TimeSpan? bound = null;
        if (args.Length == 3 && args[1] == "--deadline-ms" && int.TryParse(args[2], out var boundMs) && boundMs > 0)
            bound = TimeSpan.FromMilliseconds(boundMs);
        else if (args.Length > 1)
        {
            // Stop rather than guess what the extra words were meant to change.
            Console.Error.WriteLine($"Interlock: unexpected argument `{args[1]}` after `hook {args[0]}`, so the action is stopped. The hook takes only the harness name and reads the event from standard input; fix the hook command in the agent's settings (`interlock install {args[0]}` writes it).");
            return ExitBlock;
        }
        var adapter = create();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var input = readStdin(adapter.MaxInputBytes + 1); // one byte over: oversized input is seen as such
        var deadline = Deadline();
        if (bound < deadline) deadline = bound.Value;
        // A daemon started in this same environment answers in a fraction of the time; without one (or if it fails),
        // the same decision is made here with what is left of the deadline.
        var fromDaemon = Daemon.DaemonClient.TryAnswer(adapter, input, deadline, clock);
        var answer = fromDaemon ?? Answer(adapter, input, Max(deadline - clock.Elapsed, TimeSpan.FromMilliseconds(1)), () => OpenStore(deadline), new DeadlineWorker()).Answer;
        if (answer.Stderr.Length > 0) Console.Error.WriteLine(answer.Stderr);
        if (answer.Stdout.Length > 0)
        {
            // The protocols are UTF-8 JSON: raw bytes, without setting up a console text writer.
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(System.Text.Encoding.UTF8.GetBytes(answer.Stdout));
        }
        // The answer is out; start a daemon so the next call does not pay for loading everything again.
        if (fromDaemon is null) Daemon.DaemonClient.StartInBackground();
        return answer.ExitCode;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The state store a hook call uses: it waits for other hook processes' writes for as long as the
    /// deadline allows (a lost write means an ask).</summary>
    internal static IStateStore OpenStore(TimeSpan deadline, long? walCheckpointBytes = null)
    {
        var options = new SqliteStateStoreOptions { Directory = StateDirectory.Resolve(), BusyTimeoutMilliseconds = (int)Math.Max(1000, deadline.TotalMilliseconds - 1500) };
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
        var hookEvent = HookPipeline.Read(adapter, input);
        return ConfiguredPipeline(PolicyDirectory(hookEvent), deadline, open).Run(adapter, hookEvent, started);
    }

    /// <summary>The pipeline as this machine is configured for actions in <paramref name="policyDirectory"/>: the layered
    /// policy found there (its rules decide, its budgets feed the breaker; an invalid file stops every analysed action
    /// with the file, line and column), the approval server when INTERLOCK_SERVER_URL is set, else local approvals, and
    /// the state store. The hook (and its daemon) and the MCP proxy all decide through it.</summary>
    internal static HookPipeline ConfiguredPipeline(string policyDirectory, TimeSpan deadline, Func<IStateStore> open)
    {
        var world = new FileSystemWorld();
        // An unchanged policy comes from the cache in the state directory instead of being parsed again.
        var policy = PolicyLoader.LoadCached(PolicyLoader.Locate(policyDirectory), PolicyCache.ForStateDirectory(StateDirectory.Resolve()));
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
        IHookStage? decide = null;
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
        return DefaultPipeline(engine, () => world, open, SnapshotLimits.FromEnvironment(), budgets, decide: decide, invalidPolicy: invalidPolicy);
    }

    /// <summary>The directory whose policy applies: the event's cwd when it names an existing absolute directory,
    /// else the hook process's (an unreadable event is stopped by the pipeline anyway).</summary>
    private static string PolicyDirectory(HookEvent hookEvent) =>
        hookEvent.Cwd is { Length: > 1 } cwd && cwd.StartsWith('/') && Directory.Exists(cwd) ? cwd : Environment.CurrentDirectory;

    /// <summary>The stages every hook call goes through, in order.</summary>
    /// <remarks><paramref name="decide"/>, when given, replaces the local decide and approval stages: the approval
    /// server's (<see cref="ServerDecideStage"/>), which makes the verdict and holds the approvals.
    /// <paramref name="invalidPolicy"/>, when given, stops every analysed action (a policy file is invalid).</remarks>
    internal static HookPipeline DefaultPipeline(Engine engine, Func<IWorldView> world, Func<IStateStore> open, SnapshotLimits snapshotLimits, BudgetLimits budgetLimits, TimeProvider? time = null, IHookStage? decide = null, Decision? invalidPolicy = null) =>
        new(decide is null
            ? [
                new DecideStage(engine, world, invalidPolicy),
                new BudgetStage(world, engine.Options, budgetLimits, time),
                new ApprovalStage(world, time),
                new SnapshotStage(snapshotLimits, time),
                new AuditStage(time),
            ]
            : [
                decide,
                new BudgetStage(world, engine.Options, budgetLimits, time),
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
            return StopAnswer(adapter, HookMessages.InternalError(e, "the hook"), $"interlock: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The stop answered when a call is still undecided at its deadline.</summary>
    internal static HookAnswer DeadlineAnswer(IHookAdapter adapter, TimeSpan deadline)
    {
        var reason = $"Interlock did not finish checking this action within its {deadline.TotalMilliseconds:0} ms deadline, so it stops it rather than let it through unchecked.";
        var decision = new Decision(Verdict.Deny, "hook.deadline", reason,
            "Retry; if it keeps happening, split the action into smaller steps or raise INTERLOCK_HOOK_TIMEOUT_MS (keep it below the agent's hook timeout).",
            [], [], null);
        return StopAnswer(adapter, decision, $"interlock: the hook call exceeded its {deadline.TotalMilliseconds:0} ms deadline; the action was stopped");
    }

    /// <summary>A stop rendered in the harness's protocol for a call that never reached a decision of its own.</summary>
    private static HookAnswer StopAnswer(IHookAdapter adapter, Decision decision, string stderr) =>
        adapter.Render(new HookEvent(adapter.Harness), new HookOutcome(Verdict.Deny, HookMessages.Describe(decision), true, decision)) with { Stderr = stderr };
}

/// <summary>The server connection is configured but unusable (a bad URL): every analysed action is stopped.</summary>
internal sealed class FailedServerStage(string why) : IHookStage
{
    public void Run(HookContext context)
    {
        if (context.Event.Request is null && context.Event.Invalid is null) return;
        context.Decision = new Decision(Verdict.Deny, "server.misconfigured", $"Interlock is configured to use an approval server, but {why}, so the action is stopped.",
            "Fix INTERLOCK_SERVER_URL (or unset it to decide locally).", [], [], null);
        context.Analysed = true;
    }
}
