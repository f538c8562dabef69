using System.Diagnostics;
using System.Text;
using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>The hook pipeline fails closed: a stage that throws, a call that overruns its deadline, a harness nobody named.</summary>
public sealed class HookPipelineTests
{
    private static readonly byte[] SafeEvent = Encoding.UTF8.GetBytes(
        $$"""{"session_id":"s1","cwd":"{{TestWorld.Project}}","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"} }""");

    private sealed class Throwing : IDecisionStage
    {
        public void Run(DecisionContext context) => throw new InvalidOperationException("the disk vanished");
    }

    private sealed class Blocking(ManualResetEventSlim release) : IDecisionStage
    {
        public void Run(DecisionContext context) => release.Wait();
    }

    private static DecisionPipeline Pipeline(params IDecisionStage[] extra) =>
        new([new DecideStage(new Engine(), () => new TestWorld()), .. extra]);

    [Fact]
    public void A_stage_that_throws_turns_even_a_safe_command_into_a_deny_that_says_what_broke()
    {
        var answer = Pipeline(new Throwing()).Run(new ClaudeCodeAdapter(), SafeEvent);
        Assert.Contains("\"permissionDecision\":\"deny\"", answer.Stdout);
        Assert.Contains("[internal-error]", answer.Stdout);
        Assert.Contains("the disk vanished", answer.Stdout);
        Assert.Contains("Throwing", answer.Stdout);
    }

    [Fact]
    public void Without_failures_a_safe_command_passes_silently()
    {
        Assert.Equal(new HookAnswer("", "", 0), Pipeline().Run(new ClaudeCodeAdapter(), SafeEvent));
    }

    [Fact]
    public void A_call_past_its_deadline_is_stopped_in_the_harness_protocol()
    {
        using var release = new ManualResetEventSlim();
        var watch = Stopwatch.StartNew();
        var (answer, finished) = DecisionPipelines.RunWithDeadline(new DeadlineWorker(), () => Pipeline(new Blocking(release)).Run(new ClaudeCodeAdapter(), SafeEvent), new ClaudeCodeAdapter(), TimeSpan.FromMilliseconds(200));
        Assert.False(finished);
        release.Set();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10));
        Assert.Contains("\"permissionDecision\":\"deny\"", answer.Stdout);
        Assert.Contains("[hook.deadline]", answer.Stdout);
        Assert.Contains("200 ms deadline", answer.Stdout);
        Assert.Contains("deadline", answer.Stderr);
    }

    [Fact]
    public void An_error_outside_the_stages_stops_the_action_and_names_it()
    {
        var (answer, finished) = DecisionPipelines.RunWithDeadline(new DeadlineWorker(), () => throw new IOException("policy.yaml: input/output error"), new ClaudeCodeAdapter(), TimeSpan.FromSeconds(30));
        Assert.True(finished);
        Assert.Contains("\"permissionDecision\":\"deny\"", answer.Stdout);
        Assert.Contains("[internal-error]", answer.Stdout);
        Assert.Contains("policy.yaml: input/output error", answer.Stdout);
    }

    [Fact]
    public void Within_its_deadline_the_call_answers_normally()
    {
        var (answer, finished) = DecisionPipelines.RunWithDeadline(new DeadlineWorker(), () => Pipeline().Run(new ClaudeCodeAdapter(), SafeEvent), new ClaudeCodeAdapter(), TimeSpan.FromSeconds(30));
        Assert.True(finished);
        Assert.Equal("", answer.Stdout);
    }

    [Theory]
    [InlineData("no-such-agent")]
    [InlineData(null)]
    public void An_unknown_or_missing_harness_blocks_with_exit_code_2_and_says_how_to_fix_it(string? harness)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, "interlock");
        var psi = new ProcessStartInfo(exe) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("hook");
        if (harness is not null) psi.ArgumentList.Add(harness);
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(Encoding.UTF8.GetString(SafeEvent));
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(30_000));
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("claude-code", stderr);
    }
}
