using System.Diagnostics;
using Xunit;

namespace Interlock.Tests.Hooks;

/// <summary>End to end: `interlock hook &lt;harness&gt;` run as a process, with a real event on stdin, answers with the
/// exact bytes and exit code the harness expects (the audit goes to a temporary state directory).</summary>
public sealed class HookProcessTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "interlock-hookproc-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_state)) Directory.Delete(_state, recursive: true);
    }

    public static string Exe
    {
        get
        {
            var exe = Path.Combine(AppContext.BaseDirectory, "interlock");
            return File.Exists(exe) ? exe : exe + ".exe";
        }
    }

    /// <summary>Runs `interlock args...` with <paramref name="stdin"/>; returns stdout, stderr and the exit code.</summary>
    public static (string Stdout, string Stderr, int Exit) Interlock(string stdin, IDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo(Exe, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        // These tests check answers, not speed: a deadline well above what a saturated 2-core CI machine needs
        // (a test of the deadline itself sets its own).
        psi.Environment["INTERLOCK_HOOK_TIMEOUT_MS"] = "60000";
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(90_000), "the hook answers in time");
        return (stdout.Result, stderr.Result, p.ExitCode);
    }

    // Each harness: an event for `git status` (allowed) and for `rm -rf /` (denied), and the exact answers.
    public static TheoryData<string, string, string, int, string> Cases()
    {
        const string denyReason = "Interlock blocked this command [fs.delete-root]: \\u0060rm -rf /\\u0060 deletes the whole file system (/) and everything in it. Why this stops: nothing on the machine would survive. Instead: Delete the specific files you mean, by path, inside the project.";
        var rawReason = System.Text.RegularExpressions.Regex.Unescape(denyReason);
        return new()
        {
            { "claude-code", """{"hook_event_name":"PreToolUse","cwd":"/tmp","tool_name":"Bash","tool_input":{"command":"CMD"}}""", "", 0, $$$"""{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"{{{denyReason}}}"}}""" },
            // Codex adds ". Command: ..." after the reason itself, so its reason has no closing full stop.
            { "codex", """{"hook_event_name":"PreToolUse","cwd":"/tmp","tool_name":"Bash","tool_input":{"command":"CMD"}}""", "", 0, $$$"""{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"{{{denyReason[..^1]}}}"}}""" },
            { "gemini", """{"hook_event_name":"BeforeTool","cwd":"/tmp","tool_name":"run_shell_command","tool_input":{"command":"CMD"}}""", "{}", 0, $$$"""{"decision":"deny","reason":"{{{denyReason}}}"}""" },
            { "cursor", """{"hook_event_name":"beforeShellExecution","conversation_id":"c","generation_id":"g","workspace_roots":["/tmp"],"command":"CMD","cwd":"/tmp"}""", """{"permission":"allow"}""", 0, $$$"""{"permission":"deny","user_message":"{{{denyReason}}}","agent_message":"{{{denyReason}}}"}""" },
            { "copilot", """{"sessionId":"s","timestamp":1,"cwd":"/tmp","toolName":"bash","toolArgs":"{\"command\":\"CMD\"}"}""", "", 0, $$$"""{"permissionDecision":"deny","permissionDecisionReason":"{{{denyReason}}}"}""" },
            { "kiro", """{"hook_event_name":"preToolUse","cwd":"/tmp","tool_name":"execute_bash","tool_input":{"command":"CMD"}}""", "", 2, "stderr:" + rawReason },
            { "amazon-q", """{"hook_event_name":"preToolUse","cwd":"/tmp","tool_name":"execute_bash","tool_input":{"command":"CMD"}}""", "", 2, "stderr:" + rawReason },
            { "opencode", """{"hook_event_name":"tool.execute.before","tool":"bash","sessionID":"s","cwd":"/tmp","args":{"command":"CMD"}}""", """{"decision":"allow"}""", 0, $$$"""{"decision":"deny","reason":"{{{denyReason}}}"}""" },
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_hook_process_answers_in_the_harness_protocol(string harness, string template, string allowStdout, int denyExit, string deny)
    {
        var env = new Dictionary<string, string> { ["INTERLOCK_STATE_DIR"] = _state };
        var allowed = Interlock(template.Replace("CMD", "git status"), env, "hook", harness);
        Assert.Equal((allowStdout, 0), (allowed.Stdout, allowed.Exit));

        var denied = Interlock(template.Replace("CMD", "rm -rf /"), env, "hook", harness);
        Assert.Equal(denyExit, denied.Exit);
        if (deny.StartsWith("stderr:", StringComparison.Ordinal))
        {
            Assert.Equal("", denied.Stdout);
            Assert.Equal(deny["stderr:".Length..], denied.Stderr.TrimEnd('\n'));
        }
        else Assert.Equal(deny, denied.Stdout);

        // Both decisions are in the audit trail, under the harness's name.
        var records = Interlock("", env, "audit", "export", "--jsonl").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, records.Length);
        Assert.All(records, r => Assert.Contains($"\"{harness}\"", r));
    }

    // Harnesses without a native ask: the ask is a deny carrying a pending request id; a human approves it with
    // `interlock approve <id>`; the identical retry passes once, and a second retry is a new request.
    public static TheoryData<string, string, string> NoAsk() => new()
    {
        { "codex", """{"session_id":"s1","hook_event_name":"PreToolUse","cwd":"/tmp","tool_name":"Bash","tool_input":{"command":"CMD"}}""", "" },
        { "gemini", """{"session_id":"s1","hook_event_name":"BeforeTool","cwd":"/tmp","tool_name":"run_shell_command","tool_input":{"command":"CMD"}}""", "{}" },
        { "kiro", """{"hook_event_name":"preToolUse","cwd":"/tmp","tool_name":"execute_bash","tool_input":{"command":"CMD"}}""", "" },
        { "amazon-q", """{"hook_event_name":"preToolUse","cwd":"/tmp","tool_name":"execute_bash","tool_input":{"command":"CMD"}}""", "" },
        { "opencode", """{"hook_event_name":"tool.execute.before","tool":"bash","sessionID":"s1","cwd":"/tmp","args":{"command":"CMD"}}""", """{"decision":"allow"}""" },
    };

    [Theory]
    [MemberData(nameof(NoAsk))]
    public void An_ask_becomes_a_pending_request_a_human_approves_and_the_retry_passes_once(string harness, string template, string allowStdout)
    {
        var env = new Dictionary<string, string> { ["INTERLOCK_STATE_DIR"] = _state };
        var ev = template.Replace("CMD", "psql -h localhost -c 'DROP TABLE users'");
        var first = Interlock(ev, env, "hook", harness);
        var id = PendingId(first.Stdout + first.Stderr);
        Assert.Equal(harness is "kiro" or "amazon-q" ? 2 : 0, first.Exit);
        Assert.Contains("[data.destroy]", first.Stdout + first.Stderr);

        var approve = Interlock("", env, "approve", id);
        Assert.Equal(0, approve.Exit);

        var retry = Interlock(ev, env, "hook", harness);
        Assert.Equal((allowStdout, "", 0), (retry.Stdout, retry.Stderr, retry.Exit));

        var again = Interlock(ev, env, "hook", harness);
        Assert.NotEqual(id, PendingId(again.Stdout + again.Stderr)); // the grant was used once
    }

    /// <summary>The request id in "a human approves it by running `interlock approve ID`" (JSON-escaped or not).</summary>
    public static string PendingId(string answer)
    {
        var m = System.Text.RegularExpressions.Regex.Match(answer, @"interlock approve ([A-Za-z0-9_-]+)", System.Text.RegularExpressions.RegexOptions.NonBacktracking);
        Assert.True(m.Success, $"the answer names a pending request: {answer}");
        return m.Groups[1].Value;
    }
}
