using Interlock.Core;
using Interlock.Guard;
using Interlock.Guard.Sample;
using Xunit;

namespace Interlock.Tests.Guard;

/// <summary>Interlock.Guard in-process: IGuard.DecideAsync and the Microsoft.Extensions.AI middleware, driven by the
/// sample agent's scripted model (no network).</summary>
public sealed class GuardTests
{
    private static IGuard TestGuard() => new Interlock.Guard.Guard(new Engine(), () => new TestWorld());

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
