using Interlock.Runtime.Adapters;
using Interlock.Runtime.Daemon;
using Interlock.Runtime.Pipeline;

namespace Interlock.Cli;

/// <summary>`interlock hook &lt;harness&gt;`: read one event from stdin, run the pipeline, answer in the harness's protocol.</summary>
internal static class HookCommand
{
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
        (see `interlock serve --help`): an action that needs approval becomes a request, and the hook answers at once
        (or after the server's --hook-wait, always inside the deadline) with a stop that carries the request's
        dashboard link; retry it once approved. An ask the server's policy leaves to the harness's own prompt
        (settings.approvals.harness_prompt) is put to the harness's user instead.
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
        var names = string.Join(", ", HookAdapters.All.Keys);
        if (args.Length == 0)
        {
            Console.Error.WriteLine($"interlock: `hook` needs the harness name, one of: {names} (e.g. `interlock hook claude-code`).");
            return ExitBlock;
        }
        if (!HookAdapters.All.TryGetValue(args[0], out var create))
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
        var deadline = DecisionPipelines.Deadline();
        if (bound < deadline) deadline = bound.Value;
        // Enforced mode: only the system decision daemon decides; without its answer the action is stopped.
        var enforced = EnforcedMode.Load(out var enforcedProblem);
        if (enforced is not null || enforcedProblem is not null)
            return Write(EnforcedHook.Answer(enforced, enforcedProblem, adapter, input, deadline, clock));
        // A daemon started in this same environment answers in a fraction of the time; without one (or if it fails),
        // the same decision is made here with what is left of the deadline.
        var fromDaemon = DaemonClient.TryAnswer(adapter, input, deadline, clock);
        var answer = fromDaemon ?? DecisionPipelines.Answer(adapter, input, Max(deadline - clock.Elapsed, TimeSpan.FromMilliseconds(1)), () => DecisionPipelines.OpenStore(deadline), new DeadlineWorker()).Answer;
        Write(answer);
        // The answer is out; start a daemon so the next call does not pay for loading everything again.
        if (fromDaemon is null) DaemonClient.StartInBackground();
        return answer.ExitCode;
    }

    private static int Write(HookAnswer answer)
    {
        if (answer.Stderr.Length > 0) Console.Error.WriteLine(answer.Stderr);
        if (answer.Stdout.Length > 0)
        {
            // The protocols are UTF-8 JSON: raw bytes, without setting up a console text writer.
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(System.Text.Encoding.UTF8.GetBytes(answer.Stdout));
        }
        return answer.ExitCode;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
