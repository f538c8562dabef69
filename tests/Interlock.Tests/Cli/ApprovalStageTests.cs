using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Interlock.Core;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.Tests.State;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>Local approvals: for harnesses without a native ask, an ask becomes a pending request and the identical
/// retry after a human's approval passes exactly once.</summary>
public sealed class ApprovalStageTests : IDisposable
{
    private readonly TempStateDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Claude Code's protocol, but declared without a native ask (as Codex, Gemini CLI, Kiro are).</summary>
    private sealed class NoAskAdapter : IHookAdapter
    {
        private readonly ClaudeCodeAdapter _inner = new();
        public string Harness => "no-ask";
        public bool SupportsAsk => false;
        public int MaxInputBytes => _inner.MaxInputBytes;
        public HookEvent Parse(ReadOnlySpan<byte> input) => _inner.Parse(input) with { Harness = Harness };
        public HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome) => _inner.Render(hookEvent, outcome);
    }

    private static byte[] Event(string command, string session = "s1") => Encoding.UTF8.GetBytes(
        $$"""{"session_id":"{{session}}","cwd":"{{TestWorld.Project}}","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":{{JsonSerializer.Serialize(command, JsonStrings.Default.String)}} } }""");

    private HookAnswer Hook(IHookAdapter adapter, byte[] input, Interlock.Core.Policy.HarnessPrompt harnessPrompt = Interlock.Core.Policy.HarnessPrompt.UserMode)
    {
        IStateStore Open() => _dir.Open();
        var world = () => (IWorldView)new TestWorld();
        return new DecisionPipeline([new DecideStage(new Engine(), world), new ApprovalStage(world, harnessPrompt: harnessPrompt), new AuditStage()], Open).Run(adapter, input);
    }

    private static (string Decision, string Reason) Parse(string output)
    {
        using var doc = JsonDocument.Parse(output);
        var o = doc.RootElement.GetProperty("hookSpecificOutput");
        return (o.GetProperty("permissionDecision").GetString()!, o.GetProperty("permissionDecisionReason").GetString()!);
    }

    private static string RequestId(string reason)
    {
        var at = reason.IndexOf("interlock approve ", StringComparison.Ordinal);
        Assert.True(at >= 0, reason);
        return reason[(at + "interlock approve ".Length)..].Split('`')[0];
    }

    [Fact]
    public async Task Without_native_ask_an_ask_becomes_a_pending_request_and_the_approved_retry_passes_once()
    {
        var adapter = new NoAskAdapter();
        var (decision, reason) = Parse(Hook(adapter, Event("git reset --hard")).Stdout);
        Assert.Equal("deny", decision);
        Assert.Contains("[git.discard-changes]", reason);
        var id = RequestId(reason);
        Assert.Contains($"waiting as request {id}", reason);

        // Retrying before approval does not pile up requests.
        Assert.Equal(id, RequestId(Parse(Hook(adapter, Event("git reset --hard")).Stdout).Reason));

        using (var store = _dir.Open())
        {
            var pending = Assert.Single(await store.Approvals.ListAsync(ApprovalStatus.Pending, 10));
            Assert.Equal(id, pending.Id);
            Assert.Equal("git reset --hard", pending.Action.Action);
            Assert.Equal("no-ask:s1", pending.Action.AgentId);
            Assert.Equal(TestWorld.Project, pending.Action.Repository);
            Assert.Equal(ApprovalStatus.Approved, (await store.Approvals.VoteAsync(id, "dev", [], true, "fine, I stashed", DateTimeOffset.UtcNow)).Request!.Status);
        }

        // Another command, or the same command from another session, is not covered by the grant.
        Assert.Equal("deny", Parse(Hook(adapter, Event("git clean -fd")).Stdout).Decision);
        Assert.Equal("deny", Parse(Hook(adapter, Event("git reset --hard", session: "s2")).Stdout).Decision);

        Assert.Equal("", Hook(adapter, Event("git reset --hard")).Stdout);
        var again = Parse(Hook(adapter, Event("git reset --hard")).Stdout);
        Assert.Equal("deny", again.Decision);
        Assert.NotEqual(id, RequestId(again.Reason));

        using var s = _dir.Open();
        var records = await Entries.All(s.Audit);
        Assert.Contains(records, r => r.Entry.RuleId == "approval.granted" && r.Entry.Verdict == "allow" && r.Entry.Reason.Contains(id));
    }

    [Fact]
    public async Task Harnesses_with_a_native_ask_keep_asking_and_the_audit_says_the_harness_prompt_was_the_route()
    {
        Assert.Equal("ask", Parse(Hook(new ClaudeCodeAdapter(), Event("git reset --hard")).Stdout).Decision);
        using var s = _dir.Open();
        var record = Assert.Single(await Entries.All(s.Audit));
        Assert.Equal("ask", record.Entry.Verdict);
        Assert.Contains("[approval: the harness's own prompt asks its user", record.Entry.Reason);
        Assert.Empty(await s.Approvals.ListAsync(ApprovalStatus.Pending, 10));
    }

    [Fact]
    public async Task A_production_ask_never_goes_to_the_harness_prompt()
    {
        var (decision, reason) = Parse(Hook(new ClaudeCodeAdapter(), Event("kubectl --context prod-eu delete namespace payments")).Stdout);
        Assert.Equal("deny", decision);
        Assert.Contains("a production action is never approved at the agent's own prompt", reason);
        var id = RequestId(reason);
        using var s = _dir.Open();
        Assert.Equal(id, Assert.Single(await s.Approvals.ListAsync(ApprovalStatus.Pending, 10)).Id);
        Assert.DoesNotContain(await Entries.All(s.Audit), r => r.Entry.Reason.Contains("harness's own prompt asks"));
    }

    [Fact]
    public void With_harness_prompt_never_every_ask_becomes_a_request_even_where_the_harness_can_ask()
    {
        var (decision, reason) = Parse(Hook(new ClaudeCodeAdapter(), Event("git reset --hard"), Interlock.Core.Policy.HarnessPrompt.Never).Stdout);
        Assert.Equal("deny", decision);
        Assert.Contains("approvals.harness_prompt is never", reason);
        Assert.DoesNotContain("..", reason);
        RequestId(reason);
    }

    [Fact]
    public void Denies_and_allows_never_become_requests()
    {
        var adapter = new NoAskAdapter();
        Assert.DoesNotContain("interlock approve", Parse(Hook(adapter, Event("rm -rf ~")).Stdout).Reason);
        Assert.Equal("", Hook(adapter, Event("git status")).Stdout);
    }

    [Fact]
    public void When_the_request_cannot_be_recorded_the_action_stays_stopped_and_says_why()
    {
        var world = () => (IWorldView)new TestWorld();
        IStateStore Broken() => throw new StateStoreException("the disk holding the state database is full");
        var answer = new DecisionPipeline([new DecideStage(new Engine(), world), new ApprovalStage(world)], Broken).Run(new NoAskAdapter(), Event("git reset --hard"));
        var (decision, reason) = Parse(answer.Stdout);
        Assert.Equal("deny", decision);
        Assert.Contains("could not record a request", reason);
        Assert.Contains("is full", reason);
    }

    [Fact]
    public async Task The_cli_lists_approves_and_refuses_requests()
    {
        string id, other;
        using (var store = _dir.Open())
        {
            id = (await store.Approvals.SubmitAsync(Submission("terraform destroy"), DateTimeOffset.UtcNow)).Id;
            other = (await store.Approvals.SubmitAsync(Submission("kubectl delete ns payments"), DateTimeOffset.UtcNow)).Id;
        }
        var list = Cli("requests");
        Assert.Equal(0, list.Exit);
        Assert.Contains(id, list.Stdout);
        Assert.Contains("terraform destroy", list.Stdout);
        Assert.Contains($"interlock approve {id}", list.Stdout);

        var approve = Cli("approve", id, "--comment", "planned teardown");
        Assert.Equal(0, approve.Exit);
        Assert.Contains($"approved {id}", approve.Stdout);
        Assert.Equal(1, Cli("approve", id).Exit); // already decided

        var deny = Cli("deny", other);
        Assert.Equal(0, deny.Exit);
        Assert.Contains("denied", deny.Stdout);

        var missing = Cli("approve", "rnosuchid");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("no request has this id", missing.Stderr);
        Assert.Equal(64, Cli("approve").Exit);

        var all = Cli("requests", "--all");
        Assert.Contains("planned teardown", all.Stdout);
        Assert.Contains("approved", all.Stdout);
    }

    private static ApprovalSubmission Submission(string command) => new()
    {
        Fingerprint = ActionFingerprint.Compute(new ActionRequest("Bash", command, "/w"), null, "unknown"),
        AgentId = "codex:s9", Harness = "codex", Tool = "Bash", Action = command, Cwd = "/w", Environment = "unknown",
        RuleId = "test.rule", Reason = "a test",
    };

    private (int Exit, string Stdout, string Stderr) Cli(params string[] args) => TestCli.Run(_dir.Path, args);
}
