using System.Diagnostics;
using Interlock.Cli.Install;
using Interlock.Tests.Hooks;
using Xunit;

namespace Interlock.Tests.Install;

/// <summary>The registered command is what the harness runs: whatever goes wrong with the binary behind it, the
/// harness gets its own stop, and a real answer passes through unchanged.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HookCommandLineTests : IDisposable
{
    // Outside /tmp, as a user's installation is.
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "scratch", "hook-command-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string ClaudeEvent = """{"session_id":"s","hook_event_name":"PreToolUse","cwd":"/","tool_name":"Bash","tool_input":{"command":"rm -rf ~"}}""";

    private string Fake(string body, string name = "interlock-hook")
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, Guid.NewGuid().ToString("N")[..8] + " it's")).FullName; // a space and a quote in the path
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static (int Exit, string Stdout, string Stderr, long Ms) Sh(string command, string input)
    {
        var psi = new ProcessStartInfo("/bin/sh", ["-c", command]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        var watch = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        try
        {
            p.StandardInput.Write(input);
            p.StandardInput.Close();
        }
        catch (IOException)
        {
            // The fake died before reading its input, as a crashed hook does.
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000), "the wrapper itself hung");
        return (p.ExitCode, stdout.Result, stderr.Result, watch.ElapsedMilliseconds);
    }

    public static TheoryData<string, string> Failures => new()
    {
        { "missing", "" },
        { "crash", "kill -SEGV $$" },
        { "exit 1", "echo 'Traceback: boom' >&2; exit 1" },
        { "not JSON", "echo 'hello, I am not an answer'" },
        { "killed by the OOM killer", "kill -KILL $$" },
    };

    [Theory, MemberData(nameof(Failures))]
    public void A_hook_that_gives_no_answer_is_a_stop_in_claude_code(string what, string body)
    {
        var binary = Fake(body);
        if (what == "missing") File.Delete(binary);
        var (exit, stdout, stderr, _) = Sh(HookCommandLine.Build(binary, "claude-code", HookCommandLine.FindTimeout()), ClaudeEvent);
        Assert.Equal(2, exit); // Claude Code's, Codex's and Gemini CLI's documented stop
        Assert.Contains("Interlock's hook gave no answer", stderr);
        Assert.Contains("interlock doctor", stderr);
        Assert.DoesNotContain("not an answer\n", stdout);
    }

    [Theory]
    [InlineData("copilot", "\"permissionDecision\":\"deny\"")]
    [InlineData("cursor", "\"permission\":\"deny\"")]
    public void Harnesses_that_read_only_json_get_their_protocols_deny(string harness, string deny)
    {
        var (exit, stdout, stderr, _) = Sh(HookCommandLine.Build(Fake("kill -SEGV $$"), harness, HookCommandLine.FindTimeout()), "{}");
        Assert.Equal(0, exit);
        Assert.Contains(deny, stdout);
        Assert.Contains("hook gave no answer", stdout);
        Assert.Contains("(exit 139)", stderr);
    }

    [Fact]
    public void Kiro_gets_exit_2_which_is_its_stop()
    {
        var (exit, _, stderr, _) = Sh(HookCommandLine.Build(Fake("exit 3"), "kiro", null), "{}");
        Assert.Equal(2, exit);
        Assert.Contains("Interlock's hook gave no answer", stderr);
    }

    [Fact]
    public void A_hung_hook_is_killed_and_stopped_before_the_harness_would_give_up()
    {
        var timeout = HookCommandLine.FindTimeout();
        Assert.NotNull(timeout); // coreutils is part of every Linux this runs on
        var (exit, _, stderr, ms) = Sh(HookCommandLine.Build(Fake("sleep 600"), "claude-code", timeout, killSeconds: 1), ClaudeEvent);
        Assert.Equal(2, exit);
        Assert.Contains("(exit 124)", stderr);
        Assert.InRange(ms, 900, 30_000);
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("{\"hookSpecificOutput\":{\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"it's $HOME \\\"quoted\\\"\"}}", 0)]
    public void A_real_answer_passes_through_byte_for_byte(string answer, int code)
    {
        var file = Path.Combine(_dir, "answer.txt");
        File.WriteAllText(file, answer);
        var (exit, stdout, _, _) = Sh(HookCommandLine.Build(Fake($"cat >/dev/null; cat '{file}'; exit {code}"), "claude-code", HookCommandLine.FindTimeout()), ClaudeEvent);
        Assert.Equal(code, exit);
        Assert.Equal(answer, stdout);
    }

    [Fact]
    public void The_real_hook_behind_the_wrapper_denies_and_allows()
    {
        var command = HookCommandLine.Build(HookProcessTests.Exe, "claude-code", HookCommandLine.FindTimeout());
        // Exported: the wrapper's first word is an assignment (`o=$(...)`), so prefix assignments would not reach the hook.
        var env = "export INTERLOCK_DAEMON=off INTERLOCK_STATE_DIR=" + HookCommandLine.Quote(Path.Combine(_dir, "state")) + "; ";
        var deny = Sh(env + command, ClaudeEvent);
        Assert.Equal(0, deny.Exit);
        Assert.Contains("\"permissionDecision\":\"deny\"", deny.Stdout);
        var allow = Sh(env + command, ClaudeEvent.Replace("rm -rf ~", "git status"));
        Assert.Equal((0, ""), (allow.Exit, allow.Stdout));
    }

    [Theory]
    [InlineData("/usr/local/bin/interlock-hook", "/usr/bin/timeout")]
    [InlineData("/opt/My Tools/it's/interlock", null)]
    public void The_binary_is_read_back_from_the_wrapper_and_from_a_plain_command(string binary, string? timeout)
    {
        Assert.Equal(binary, HookCommandLine.Binary(HookCommandLine.Build(binary, "gemini", timeout), "gemini"));
        Assert.True(HookCommandLine.IsWrapped(HookCommandLine.Build(binary, "gemini", timeout)));
        Assert.Null(HookCommandLine.Binary(HookCommandLine.Build(binary, "gemini", timeout), "claude-code"));
        Assert.Equal("/usr/bin/interlock", HookCommandLine.Binary("/usr/bin/interlock hook gemini", "gemini"));
        Assert.False(HookCommandLine.IsWrapped("/usr/bin/interlock hook gemini"));
        Assert.Null(HookCommandLine.Binary("o=$(/usr/bin/evil hook gemini); s=$?; exit 0", "gemini"));
    }

    [Theory]
    [InlineData("2.1.332 (Claude Code)", true)]
    [InlineData("2.1.295 (Claude Code)", true)]
    [InlineData("2.1.294 (Claude Code)", false)]
    [InlineData(null, false)]
    [InlineData("garbage", false)]
    public void Claude_code_gets_onFailure_block_only_from_the_release_that_reads_it(string? version, bool expected)
    {
        var home = Directory.CreateDirectory(Path.Combine(_dir, "home")).FullName;
        var env = new InstallEnvironment(home, home, HookProcessTests.Exe, TextWriter.Null, TextWriter.Null, [], null, Versions: p => p == "claude" ? version : null);
        Assert.Equal(0, InstallCommands.Install("claude-code", InstallScope.User, null, env));
        var text = File.ReadAllText(Path.Combine(home, ".claude", "settings.json"));
        Assert.Equal(expected, text.Contains("\"onFailure\": \"block\"", StringComparison.Ordinal));
    }
}
