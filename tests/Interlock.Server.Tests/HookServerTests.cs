using System.Net;
using System.Net.Sockets;
using System.Text;
using Interlock.Cli;
using Interlock.Core;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>The hook connected to a server: the real adapter and ServerDecideStage, over HTTP.</summary>
public sealed class HookServerTests
{
    internal static string Event(string command, string cwd) =>
        $$"""{"hook_event_name":"PreToolUse","session_id":"sess-1","tool_name":"Bash","tool_input":{"command":{{System.Text.Json.JsonSerializer.Serialize(command)}}},"cwd":{{System.Text.Json.JsonSerializer.Serialize(cwd)}}}""";

    internal static HookAnswer RunHook(string url, string token, string command, string cwd, bool failClosed = true, int waitMs = 0, IHookAdapter? adapter = null)
    {
        var stage = new ServerDecideStage(new Engine(), () => new FileSystemWorld(), new ServerConnection(new Uri(url.TrimEnd('/') + "/"), token, failClosed, waitMs) { TimeoutMs = 30_000 });
        var pipeline = new DecisionPipeline([stage]);
        return pipeline.Run(adapter ?? new ClaudeCodeAdapter(), Encoding.UTF8.GetBytes(Event(command, cwd)));
    }

    private static Interlock.Core.Policy.CompiledPolicy ServerPolicy(string yaml)
    {
        var (set, diagnostics) = Interlock.Policy.PolicyMerger.Merge([Interlock.Policy.PolicyParser.Parse(yaml, "/etc/interlock/policy.yaml", Interlock.Core.Policy.PolicyLayer.System)]);
        Assert.DoesNotContain(diagnostics, d => d.Severity == Interlock.Policy.DiagnosticSeverity.Error);
        return Interlock.Core.Policy.CompiledPolicy.Compile(set);
    }

    [Fact]
    public async Task By_default_a_pending_ask_is_answered_at_once_with_the_requests_dashboard_link_even_for_a_harness_that_can_ask()
    {
        await using var t = await TestServer.StartAsync();
        Assert.Equal(TimeSpan.Zero, t.Options.HookWait);
        // The hook could wait 20 s; the server's setting (none) decides.
        var answer = RunHook(t.Url, t.AgentToken, "terraform destroy", Workspace("dev"), waitMs: 20_000);
        Assert.Contains("\"permissionDecision\":\"deny\"", answer.Stdout); // never ask: the harness's prompt would approve past the server
        using var human = t.Client(t.Ana);
        var id = (await human.GetFromJsonElement("v1/requests?status=pending")).GetProperty("requests")[0].GetProperty("id").GetString()!;
        Assert.Contains($"{t.Url}/requests/{id}", answer.Stdout);
        Assert.Contains("once it is approved, retry exactly the same action", answer.Stdout);
        Assert.DoesNotContain("..", answer.Stdout);
        // The dashboard's policy page and the API say the same.
        Assert.Equal(0, (await human.GetFromJsonElement("v1/policy")).GetProperty("hookWaitMs").GetDouble());
        Assert.Contains("a hook call does not wait: it answers at once with the request's link", await human.GetStringAsync("policy"));
    }

    [Fact]
    public async Task The_hook_wait_is_one_server_setting_shown_on_the_policy_page()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { HookWait = TimeSpan.FromSeconds(1) });
        using var human = t.Client(t.Ana);
        Assert.Equal(1000, (await human.GetFromJsonElement("v1/policy")).GetProperty("hookWaitMs").GetDouble());
        var page = await human.GetStringAsync("policy");
        Assert.Contains("a hook call waits up to 1 second for the outcome", page);
        Assert.DoesNotContain("1 seconds", page);
        Assert.DoesNotContain("25 s", page);
    }

    [Fact]
    public async Task A_server_policy_may_leave_non_production_asks_to_the_harness_prompt_but_never_production()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { Policy = ServerPolicy("settings:\n  approvals:\n    harness_prompt: non-production\n") });
        var dev = RunHook(t.Url, t.AgentToken, "terraform destroy", Workspace("dev"));
        Assert.Contains("\"permissionDecision\":\"ask\"", dev.Stdout);
        using var human = t.Client(t.Ana);
        Assert.Equal(0, (await human.GetFromJsonElement("v1/requests?status=pending")).GetProperty("requests").GetArrayLength());
        var audit = (await human.GetFromJsonElement("v1/audit")).ToString();
        Assert.Contains("[harness-prompt; agent ci-bot", audit);

        // A harness without a prompt gets a request, and so does production.
        Assert.Contains("\"permissionDecision\":\"deny\"", RunHook(t.Url, t.AgentToken, "terraform destroy", Workspace("dev"), adapter: new CodexAdapter()).Stdout);
        var prod = RunHook(t.Url, t.AgentToken, "terraform destroy", Workspace("prod-eu"));
        Assert.Contains("\"permissionDecision\":\"deny\"", prod.Stdout);
        Assert.Equal(2, (await human.GetFromJsonElement("v1/requests?status=pending")).GetProperty("requests").GetArrayLength());
    }

    [Fact]
    public async Task A_binary_the_session_built_in_one_call_asks_on_the_server_when_run_in_the_next()
    {
        // Session provenance in server mode: the hook records the session's writes in its own state and sends them
        // with the facts, so the server does not take the agent's new binary for code that was always there.
        await using var t = await TestServer.StartAsync();
        var project = Workspace("app");
        var state = Path.Combine(Path.GetDirectoryName(project)!, "state");
        File.WriteAllBytes(Path.Combine(project, "tool.bin"), "\u007fELF\u0002\u0001\u0001\0\0\0"u8.ToArray());
        HookAnswer Hook(string session, string command)
        {
            var stage = new ServerDecideStage(new Engine(), () => new FileSystemWorld(), new ServerConnection(new Uri(t.Url.TrimEnd('/') + "/"), t.AgentToken, true, 0) { TimeoutMs = 30_000 });
            var pipeline = new DecisionPipeline([stage, new ProvenanceStage()],
                () => Interlock.State.Sqlite.SqliteStateStore.Open(new Interlock.State.Sqlite.SqliteStateStoreOptions { Directory = state }));
            var input = Event(command, project).Replace("sess-1", session);
            return pipeline.Run(new ClaudeCodeAdapter(), Encoding.UTF8.GetBytes(input));
        }
        Assert.Equal("", Hook("s1", "cp tool.bin ./app").Stdout);
        File.Copy(Path.Combine(project, "tool.bin"), Path.Combine(project, "app")); // what the allowed command did
        var second = Hook("s1", "./app").Stdout;
        Assert.Contains("\"permissionDecision\":\"deny\"", second); // a pending request on the server
        Assert.Contains(Path.Combine(project, "app"), second);
        Assert.Contains("this session wrote or built", second);
        Assert.Equal("", Hook("s2", "./app").Stdout); // another session did not write it
    }

    private static string Workspace(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "interlock-hook-" + Guid.NewGuid().ToString("N")[..8], "infra", name);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public async Task The_request_says_which_machine_repository_and_branch_asked_in_the_api_and_on_its_page()
    {
        await using var t = await TestServer.StartAsync();
        var repo = Path.GetDirectoryName(Workspace("prod-eu"))!;
        Directory.CreateDirectory(Path.Combine(repo, ".git"));
        File.WriteAllText(Path.Combine(repo, ".git", "HEAD"), "ref: refs/heads/release/2026-12\n");
        RunHook(t.Url, t.AgentToken, "terraform destroy", Path.Combine(repo, "prod-eu"));
        using var human = t.Client(t.Ana);
        var pending = (await human.GetFromJsonElement("v1/requests?status=pending")).GetProperty("requests")[0];
        Assert.Equal(Environment.MachineName, pending.GetProperty("host").GetString());
        Assert.Equal(repo, pending.GetProperty("repository").GetString());
        Assert.Equal("release/2026-12", pending.GetProperty("branch").GetString());
        var page = await human.GetStringAsync("requests/" + pending.GetProperty("id").GetString());
        Assert.Contains($"<dt>host</dt><dd><code>{System.Net.WebUtility.HtmlEncode(Environment.MachineName)}</code>", page);
        Assert.Contains("<span class=muted>on branch</span> <code>release/2026-12</code>", page);
    }

    [Fact]
    public async Task Pending_is_a_deny_with_the_request_id_and_the_retry_after_approval_passes_once()
    {
        await using var t = await TestServer.StartAsync();
        var cwd = Workspace("prod-eu");
        var first = RunHook(t.Url, t.AgentToken, "terraform destroy", cwd);
        Assert.Contains("\"permissionDecision\":\"deny\"", first.Stdout);
        using var human = t.Client(t.Ana);
        var pending = (await human.GetFromJsonElement("v1/requests?status=pending")).GetProperty("requests")[0];
        var id = pending.GetProperty("id").GetString()!;
        Assert.Contains(id, first.Stdout);
        Assert.Contains("retry", first.Stdout);
        Assert.Equal("ci-bot", pending.GetProperty("agent").GetString());
        Assert.Equal("olivia", pending.GetProperty("operator").GetString());

        await t.VoteAsync(t.Ana, id, true);
        await t.VoteAsync(t.Ben, id, true);
        var retry = RunHook(t.Url, t.AgentToken, "terraform destroy", cwd);
        Assert.DoesNotContain("\"deny\"", retry.Stdout);
        Assert.DoesNotContain("\"ask\"", retry.Stdout);
        Assert.Contains("\"permissionDecision\":\"deny\"", RunHook(t.Url, t.AgentToken, "terraform destroy", cwd).Stdout);
        // The server decides: harmless actions pass, the unrecoverable is denied.
        Assert.Equal("", RunHook(t.Url, t.AgentToken, "ls -la", cwd).Stdout);
        Assert.Contains("\"permissionDecision\":\"deny\"", RunHook(t.Url, t.AgentToken, "rm -rf ~", cwd).Stdout);
    }

    [Fact]
    public void Server_down_fails_closed_for_asks_and_denies_and_keeps_local_allows()
    {
        var port = FreePort(); // nothing listens here
        var url = $"http://127.0.0.1:{port}";
        var cwd = Workspace("prod-eu");
        var ask = RunHook(url, "ilk_x", "terraform destroy", cwd);
        Assert.Contains("\"permissionDecision\":\"deny\"", ask.Stdout);
        Assert.Contains("could not reach its approval server", ask.Stdout);
        Assert.Contains("server.unreachable", ask.Stdout);
        var deny = RunHook(url, "ilk_x", "rm -rf ~", cwd);
        Assert.Contains("\"permissionDecision\":\"deny\"", deny.Stdout);
        Assert.Equal("", RunHook(url, "ilk_x", "ls", cwd).Stdout); // local policy for the rest
        // The `local` posture falls back to the local verdict: an ask stays an ask, never an allow.
        Assert.Contains("\"permissionDecision\":\"ask\"", RunHook(url, "ilk_x", "terraform destroy", cwd, failClosed: false).Stdout);
    }

    [Fact]
    public async Task A_revoked_or_wrong_agent_token_is_a_stop_that_says_so()
    {
        await using var t = await TestServer.StartAsync();
        var answer = RunHook(t.Url, "ilk_" + new string('1', 64), "terraform destroy", Workspace("prod-eu"));
        Assert.Contains("\"permissionDecision\":\"deny\"", answer.Stdout);
        Assert.Contains("refused this agent", answer.Stdout);
        // A human token cannot be used as an agent's.
        Assert.Contains("\"permissionDecision\":\"deny\"", RunHook(t.Url, t.Ana, "terraform destroy", Workspace("prod-eu")).Stdout);
    }

    [Fact]
    public async Task A_machine_paused_for_token_guessing_gets_a_stop_that_says_why_and_when_to_retry()
    {
        // A clock that stands still: the test's own duration (process spawns under load) must not shorten the wait it checks.
        await using var t = await TestServer.StartAsync(configure: o => o with { TokenFailuresPerAddress = 2, TokenFailureWindow = TimeSpan.FromMinutes(5) }, time: new ManualTime(DateTimeOffset.UtcNow));
        var wrong = "ilk_" + new string('2', 64);
        for (var i = 0; i < 2; i++) Assert.Contains("refused this agent", RunHook(t.Url, wrong, "terraform destroy", Workspace("prod-eu")).Stdout);
        // Paused: even this agent's valid token is refused from here for now, and the hook says so.
        var answer = RunHook(t.Url, t.AgentToken, "terraform destroy", Workspace("prod-eu"));
        Assert.Contains("\"permissionDecision\":\"deny\"", answer.Stdout);
        Assert.Contains("[server.paused]", answer.Stdout);
        Assert.Contains("refusing requests from this machine for 5 minutes", answer.Stdout);
        Assert.Contains("INTERLOCK_AGENT_TOKEN", answer.Stdout);
    }

    internal static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
