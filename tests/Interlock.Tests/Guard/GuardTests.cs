using Interlock.Core;
using Interlock.Guard;
using Interlock.Guard.Sample;
using Interlock.State;
using Interlock.State.Sqlite;
using Xunit;

namespace Interlock.Tests.Guard;

/// <summary>Interlock.Guard in-process: IGuard.DecideAsync and the Microsoft.Extensions.AI middleware, driven by the
/// sample agent's scripted model (no network).</summary>
public sealed class GuardTests
{
    /// <summary>The guard over the engine stage alone and a fixed world (the whole configured pipeline behind it is
    /// tested against the other entry points in EntryPointParityTests).</summary>
    private static IGuard TestGuard(Func<IStateStore>? open = null) =>
        new Interlock.Guard.Guard(new GuardSettings(), _ => new DecisionPipeline([new DecideStage(new Engine(), () => new TestWorld())], open ?? ScratchStore()));

    /// <summary>A state store of its own (human answers are recorded there), outside /tmp.</summary>
    private static Func<IStateStore> ScratchStore()
    {
        var dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "il-tests", "guard-" + Guid.NewGuid().ToString("N")[..8]);
        return () => SqliteStateStore.Open(new SqliteStateStoreOptions { Directory = dir });
    }

    [Fact]
    public async Task DecideAsync_gives_the_decision_and_the_agent_facing_message()
    {
        var guard = TestGuard();
        Assert.Equal(Verdict.Allow, (await guard.DecideAsync(new ActionRequest("Bash", "git status", TestWorld.Project))).Verdict);
        var deny = await guard.DecideAsync(new ActionRequest("Bash", "rm -rf ~", TestWorld.Project));
        Assert.Equal((Verdict.Deny, "fs.delete-home"), (deny.Verdict, deny.Decision.RuleId));
        Assert.StartsWith("Interlock blocked this command [fs.delete-home]: ", deny.Message);
    }

    [Fact]
    public async Task The_middleware_runs_allowed_calls_and_tells_the_model_why_others_did_not_run()
    {
        var (ran, results, answer) = await SampleAgent.RunAsync(TestGuard(), TestWorld.Project);
        Assert.Equal(["git status"], ran);
        Assert.Equal(3, results.Count);
        Assert.Equal("ok: git status", results[0]);
        Assert.StartsWith("Interlock blocked this command [fs.delete-home]: `rm -rf /home/dev` deletes the home directory", results[1]);
        Assert.StartsWith("Interlock needs a human to approve this command [git.discard-changes]", results[2]);
        Assert.EndsWith("No human approved it, so it was not run.", results[2]);
        Assert.StartsWith("Done: ok: git status | Interlock blocked", answer);
    }

    [Fact]
    public async Task An_ask_runs_only_when_a_human_approves_it()
    {
        var asked = new List<string>();
        var (ran, _, _) = await SampleAgent.RunAsync(TestGuard(), TestWorld.Project, (approval, _) =>
        {
            asked.Add(approval.Request.Command!);
            return ValueTask.FromResult(true);
        });
        Assert.Equal(["git reset --hard"], asked); // the deny is never offered for approval
        Assert.Equal(["git status", "git reset --hard"], ran);
    }

    [Fact]
    public async Task An_approval_that_cannot_be_recorded_is_not_acted_on()
    {
        var (ran, results, _) = await SampleAgent.RunAsync(TestGuard(() => throw new StateStoreException("disk full")), TestWorld.Project, (_, _) => ValueTask.FromResult(true));
        Assert.Equal(["git status"], ran);
        Assert.Contains("could not record the approval in its audit trail (disk full), so it was not run", results[2]);
    }

    [Fact]
    public void Settings_are_checked_when_the_guard_is_made()
    {
        Assert.Contains("Agent", Assert.Throws<ArgumentException>(() => new Interlock.Guard.Guard(new GuardSettings { Agent = "my agent" })).Message);
        Assert.Contains("Deadline", Assert.Throws<ArgumentException>(() => new Interlock.Guard.Guard(new GuardSettings { Deadline = TimeSpan.Zero })).Message);
        Assert.Contains("absolute", Assert.Throws<ArgumentException>(() => new Interlock.Guard.Guard(new GuardSettings { StateDirectory = "state" })).Message);
    }

    [Fact]
    public async Task A_pipeline_that_cannot_be_built_stops_the_action_and_says_why()
    {
        var guard = new Interlock.Guard.Guard(new GuardSettings(), _ => throw new IOException("policy unreadable"));
        var d = await guard.DecideAsync(new ActionRequest("Bash", "git status", TestWorld.Project));
        Assert.Equal((Verdict.Deny, "internal-error"), (d.Verdict, d.Decision.RuleId));
        Assert.Contains("policy unreadable", d.Message);
    }

    [Fact]
    public async Task A_decision_past_the_deadline_is_a_stop()
    {
        var guard = new Interlock.Guard.Guard(new GuardSettings { Deadline = TimeSpan.FromMilliseconds(200) }, _ => { Thread.Sleep(5000); throw new InvalidOperationException("unreachable"); });
        var d = await guard.DecideAsync(new ActionRequest("Bash", "git status", TestWorld.Project));
        Assert.Equal((Verdict.Deny, "hook.deadline"), (d.Verdict, d.Decision.RuleId));
    }

    [Fact]
    public void Other_functions_are_judged_by_their_arguments_and_a_shell_call_without_a_command_is_refused()
    {
        var options = new GuardOptions { WorkingDirectory = "/w", ToolSource = "crm" };
        var request = options.ToRequest("run_sql", new Dictionary<string, object?> { ["sql"] = "DROP TABLE users" }, out _)!;
        Assert.Equal("mcp__crm__run_sql", request.Tool);
        Assert.Equal("DROP TABLE users", System.Text.Json.JsonDocument.Parse(request.ToolArguments!).RootElement.GetProperty("sql").GetString());
        Assert.Null(options.ToRequest("run_shell_command", new Dictionary<string, object?> { ["cmd"] = "ls" }, out var problem));
        Assert.Contains("has no `command` string argument", problem);
    }
}
