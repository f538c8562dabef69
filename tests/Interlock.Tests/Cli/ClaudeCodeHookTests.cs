using System.Diagnostics;
using System.Text;
using Interlock.Cli;
using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>Golden tests: the exact bytes Claude Code receives.</summary>
public sealed class ClaudeCodeHookTests
{
    private static string Hook(string json) =>
        TestHooks.ClaudeCode(Encoding.UTF8.GetBytes(json), new Engine(), () => new TestWorld());

    private static string Event(string command, string cwd = TestWorld.Project) =>
        $$"""{"session_id":"s1","transcript_path":"/tmp/t.jsonl","cwd":"{{cwd}}","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":{{System.Text.Json.JsonSerializer.Serialize(command, Interlock.Tests.JsonStrings.Default.String)}},"description":"x"},"tool_use_id":"t1"}""";

    [Fact]
    public void Safe_commands_print_nothing()
    {
        Assert.Equal("", Hook(Event("git status")));
        Assert.Equal("", Hook(Event("rm -rf node_modules")));
        Assert.Equal("", Hook(Event("git commit -m \"remove rm -rf /\"")));
    }

    [Fact]
    public void Git_reset_hard_asks_with_the_exact_protocol()
    {
        Assert.Equal(
            """{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask","permissionDecisionReason":"Interlock needs a human to approve this command [git.discard-changes]: \u0060git reset --hard\u0060 discards uncommitted changes in /home/dev/project. Why this stops: uncommitted changes are not in git\u0027s history, so they cannot be recovered afterwards. Instead: Run \u0060git stash\u0060 first (recoverable with \u0060git stash pop\u0060), or commit to a branch, then continue."}}""",
            Hook(Event("git reset --hard")));
    }

    [Fact]
    public void Rm_rf_home_is_denied()
    {
        var output = Hook(Event("rm -rf ~"));
        Assert.StartsWith("""{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"Interlock blocked this command [fs.delete-home]: """, output);
        Assert.Contains("/home/dev", output);
        Assert.Contains("Instead:", output);
    }

    [Fact]
    public void Other_tools_pass_through()
    {
        Assert.Equal("", Hook("""{"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/x"},"cwd":"/tmp"}"""));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{}", "no tool_name")]
    [InlineData("""{"tool_name":"Bash","tool_input":{}}""", "no tool_input.command")]
    [InlineData("""{"tool_name":"Bash"}""", "no tool_input object")]
    [InlineData("""{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}""", "handles PreToolUse events")]
    [InlineData("", "no event on standard input")]
    public void Malformed_events_are_denied_with_a_clear_reason(string input, string reasonPart)
    {
        var output = Hook(input);
        Assert.Contains("\"permissionDecision\":\"deny\"", output);
        Assert.Contains(reasonPart, output);
    }

    [Fact]
    public void Oversized_events_are_denied()
    {
        var output = TestHooks.ClaudeCode(new byte[ClaudeCodeAdapter.MaxEventBytes + 1], new Engine(), () => new TestWorld());
        Assert.Contains("\"permissionDecision\":\"deny\"", output);
        Assert.Contains("limit", output);
    }

    [Fact]
    public void The_cli_process_answers_the_hook_end_to_end()
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "interlock");
        if (!File.Exists(exe)) exe = Path.Combine(AppContext.BaseDirectory, "interlock.exe");
        Assert.True(File.Exists(exe), "the interlock apphost is copied next to the tests");
        var psi = new ProcessStartInfo(exe, ["hook", "claude-code"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["INTERLOCK_STATE_DIR"] = Path.Combine(Path.GetTempPath(), "interlock-hook-test-" + Environment.ProcessId); // keep the audit out of the real state
        // No policy files from the machine: only the built-in defaults (tests must not depend on ~/.config or /etc).
        psi.Environment["INTERLOCK_CONFIG_DIR"] = psi.Environment["INTERLOCK_SYSTEM_CONFIG_DIR"] = "/nonexistent/interlock-tests-no-policy";
        psi.Environment["INTERLOCK_HOOK_TIMEOUT_MS"] = "120000"; // a JIT-compiled test build on a loaded machine; the deadline has its own tests
        using var p = Process.Start(psi)!;
        p.StandardInput.Write("""{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"sudo rm -rf /"},"cwd":"/tmp"}""");
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("\"permissionDecision\":\"deny\"", stdout);
        Assert.Contains("fs.delete-root", stdout);
    }

    [Theory]
    [InlineData("git reset --hard", 1)]
    [InlineData("rm -rf ~", 2)]
    [InlineData("git commit -m \"remove rm -rf /\"", 0)]
    public void Check_exit_codes_follow_the_verdict(string command, int expected)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "interlock");
        var psi = new ProcessStartInfo(exe, ["check", command, "--cwd", "/tmp"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["INTERLOCK_CONFIG_DIR"] = psi.Environment["INTERLOCK_SYSTEM_CONFIG_DIR"] = "/nonexistent/interlock-tests-no-policy";
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal(expected, p.ExitCode);
    }
}
