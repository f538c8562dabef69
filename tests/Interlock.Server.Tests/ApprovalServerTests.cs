using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Text;
using System.Text.Json;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>The approval server over HTTP, on the embedded SQLite store.</summary>
public sealed class ApprovalServerTests
{
    private const string ProdA = "/srv/infra/prod-a";
    private const string ProdB = "/srv/infra/prod-b";

    [Fact]
    public async Task Two_person_rule_operator_does_not_count_nobody_counts_twice_and_the_retry_is_allowed_once()
    {
        await using var t = await TestServer.StartAsync();
        var first = await t.DecideAsync("terraform destroy", ProdA);
        Assert.Equal("deny", first.GetProperty("verdict").GetString());
        Assert.Equal("pending", first.GetProperty("status").GetString());
        Assert.Equal(2, first.GetProperty("requiredApprovals").GetInt32());
        Assert.Equal("production", first.GetProperty("environment").GetString());
        var id = first.GetProperty("requestId").GetString()!;
        Assert.Contains(id, first.GetProperty("alternative").GetString());

        // The operator (olivia is in prod-approvers too) does not count.
        var own = await t.VoteAsync(t.Olivia, id, true);
        Assert.Equal(HttpStatusCode.Forbidden, own.Status);
        Assert.Equal("OperatorCannotApprove", own.Body.GetProperty("code").GetString());
        // Someone outside the group does not count.
        Assert.Equal(HttpStatusCode.Forbidden, (await t.VoteAsync(t.Dev, id, true)).Status);
        // One approval, then the same person again: not counted twice.
        var ana = await t.VoteAsync(t.Ana, id, true, "plan reviewed");
        Assert.Equal(HttpStatusCode.OK, ana.Status);
        Assert.Equal("Counted", ana.Body.GetProperty("outcome").GetString());
        var again = await t.VoteAsync(t.Ana, id, true);
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("AlreadyVoted", again.Body.GetProperty("code").GetString());
        Assert.Equal("deny", (await t.DecideAsync("terraform destroy", ProdA)).GetProperty("verdict").GetString()); // still pending

        var ben = await t.VoteAsync(t.Ben, id, true);
        Assert.Equal("Decided", ben.Body.GetProperty("outcome").GetString());
        Assert.Equal("approved", ben.Body.GetProperty("request").GetProperty("status").GetString());
        var votes = ben.Body.GetProperty("request").GetProperty("votes");
        Assert.Equal("plan reviewed", votes[0].GetProperty("comment").GetString());

        var retry = await t.DecideAsync("terraform destroy", ProdA);
        Assert.Equal("allow", retry.GetProperty("verdict").GetString());
        Assert.Equal("granted", retry.GetProperty("status").GetString());
        Assert.Equal(id, retry.GetProperty("requestId").GetString());
        // No replay: the same action again is a new request.
        var replay = await t.DecideAsync("terraform destroy", ProdA);
        Assert.Equal("deny", replay.GetProperty("verdict").GetString());
        Assert.NotEqual(id, replay.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task One_deny_ends_the_request_and_the_agent_is_told_who_and_why()
    {
        await using var t = await TestServer.StartAsync();
        var id = (await t.DecideAsync("terraform destroy", ProdA)).GetProperty("requestId").GetString()!;
        await t.VoteAsync(t.Ana, id, true);
        var deny = await t.VoteAsync(t.Olivia, id, false, "wrong workspace"); // the operator may deny
        Assert.Equal("denied", deny.Body.GetProperty("request").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await t.VoteAsync(t.Ben, id, true)).Status);

        using var c = t.Client(t.AgentToken);
        var r = await c.GetFromJsonElement($"v1/requests/{id}");
        Assert.Equal("denied", r.GetProperty("status").GetString());
        // The retry starts a new request; it is not allowed.
        var retry = await t.DecideAsync("terraform destroy", ProdA);
        Assert.Equal("deny", retry.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task A_grant_is_bound_to_the_exact_action_workspace_and_agent()
    {
        await using var t = await TestServer.StartAsync();
        var id = (await t.DecideAsync("terraform destroy", ProdA)).GetProperty("requestId").GetString()!;
        await t.VoteAsync(t.Ana, id, true);
        await t.VoteAsync(t.Ben, id, true);

        // Workspace B, another command, another agent: none of them is the approved action.
        var b = await t.DecideAsync("terraform destroy", ProdB);
        Assert.Equal("deny", b.GetProperty("verdict").GetString());
        Assert.NotEqual(id, b.GetProperty("requestId").GetString());
        Assert.Equal("deny", (await t.DecideAsync("terraform destroy -auto-approve", ProdA)).GetProperty("verdict").GetString());
        Assert.Equal("deny", (await t.DecideAsync("terraform destroy", ProdA, token: t.OtherAgentToken)).GetProperty("verdict").GetString());

        // The approved action itself: once.
        Assert.Equal("allow", (await t.DecideAsync("terraform destroy", ProdA)).GetProperty("verdict").GetString());
        Assert.Equal("deny", (await t.DecideAsync("terraform destroy", ProdA)).GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task A_waiting_call_is_answered_as_soon_as_humans_decide()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { ApproverGroup = null, HookWait = TimeSpan.FromSeconds(20) });
        var waiting = t.DecideAsync("terraform destroy", "/srv/infra/dev", waitMs: 20_000);
        string? id = null;
        using var human = t.Client(t.Ana);
        for (var i = 0; i < 100 && id is null; i++)
        {
            await Task.Delay(50);
            var list = await human.GetFromJsonElement("v1/requests?status=pending");
            if (list.GetProperty("requests").GetArrayLength() > 0) id = list.GetProperty("requests")[0].GetProperty("id").GetString();
        }
        Assert.NotNull(id);
        Assert.Equal(1, (await human.GetFromJsonElement($"v1/requests/{id}")).GetProperty("requiredApprovals").GetInt32());
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await t.VoteAsync(t.Dev, id!, true);
        var answer = await waiting;
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(15), $"took {sw.Elapsed}"); // woken by the vote, not by the 20 s wait running out
        Assert.Equal("allow", answer.GetProperty("verdict").GetString());
        Assert.Equal("granted", answer.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Token_scopes_agents_cannot_vote_humans_cannot_submit_and_everything_but_health_needs_a_token()
    {
        await using var t = await TestServer.StartAsync();
        var id = (await t.DecideAsync("terraform destroy", ProdA)).GetProperty("requestId").GetString()!;

        var agentVote = await t.VoteAsync(t.AgentToken, id, true);
        Assert.Equal(HttpStatusCode.Forbidden, agentVote.Status);
        Assert.Equal("Authorization", agentVote.Body.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await t.VoteAsync(t.AgentToken, id, false)).Status);

        using var human = t.Client(t.Ana);
        Assert.Equal(HttpStatusCode.Forbidden, (await TestServer.PostAsync(human, "v1/decisions", TestServer.DecisionBody("ls", ProdA))).Status);

        using var anonymous = t.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health")).StatusCode);
        foreach (var path in new[] { "openapi.json", "v1/requests", $"v1/requests/{id}", "v1/audit", "v1/audit/export", "v1/audit/verify", "v1/policy", "events" })
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await TestServer.PostAsync(anonymous, "v1/decisions", TestServer.DecisionBody("ls", ProdA))).Status);
        using var forged = t.Client("ilk_" + new string('0', 64));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("v1/requests")).StatusCode);

        // Agents read only their own requests and never the audit trail.
        using var other = t.Client(t.OtherAgentToken);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"v1/requests/{id}")).StatusCode);
        Assert.Equal(0, (await other.GetFromJsonElement("v1/requests")).GetProperty("requests").GetArrayLength());
        using var agent = t.Client(t.AgentToken);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"v1/requests/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("v1/audit")).StatusCode);
    }

    [Fact]
    public async Task Malformed_input_gets_a_problem_naming_the_field_and_bodies_are_bounded()
    {
        await using var t = await TestServer.StartAsync();
        using var agent = t.Client(t.AgentToken);
        async Task<(HttpStatusCode, string?)> Post(string body)
        {
            var (status, json) = await TestServer.PostAsync(agent, "v1/decisions", body);
            return (status, json.ValueKind == JsonValueKind.Object && json.TryGetProperty("field", out var f) ? f.GetString() : null);
        }
        Assert.Equal((HttpStatusCode.BadRequest, "$"), await Post("{not json"));
        Assert.Equal((HttpStatusCode.BadRequest, "$"), await Post("[1,2]"));
        Assert.Equal((HttpStatusCode.BadRequest, "harness"), await Post("""{"tool":"Bash","cwd":"/x","command":"ls"}"""));
        Assert.Equal((HttpStatusCode.BadRequest, "cwd"), await Post("""{"harness":"codex","tool":"Bash","cwd":"relative","command":"ls"}"""));
        Assert.Equal((HttpStatusCode.BadRequest, "command"), await Post("""{"harness":"codex","tool":"Bash","cwd":"/x","command":7}"""));
        Assert.Equal((HttpStatusCode.BadRequest, "file.kind"), await Post("""{"harness":"codex","tool":"Write","cwd":"/x","file":{"kind":"Burn","path":"/x/a"}}"""));
        Assert.Equal((HttpStatusCode.BadRequest, "waitMs"), await Post("""{"harness":"codex","tool":"Bash","cwd":"/x","command":"ls","waitMs":-1}"""));
        Assert.Equal((HttpStatusCode.BadRequest, "world.paths"), await Post("""{"harness":"codex","tool":"Bash","cwd":"/x","command":"ls","world":{"paths":{"/x":"Maybe"}}}"""));
        var deep = new string('[', 200) + new string(']', 200);
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(deep)).Item1);
        var huge = """{"harness":"codex","tool":"Bash","cwd":"/x","command":" """ + new string('a', 1024 * 1024 + 1024) + "\"}";
        try
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await Post(huge)).Item1);
        }
        catch (HttpRequestException e) when (e.InnerException is IOException)
        {
            // The server answered 413 and closed the connection while the client was still sending the body
            // (a race on loopback): refused either way; a server that read the body would have answered.
        }

        using var human = t.Client(t.Ana);
        var badStatus = await human.GetAsync("v1/requests?status=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Contains("\"field\":\"status\"", await badStatus.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await t.VoteAsync(t.Ana, "r-nope", true)).Status);
        var badVote = await TestServer.PostAsync(human, "v1/requests/r-nope/approve", """{"comment": 5}""");
        Assert.Equal(HttpStatusCode.BadRequest, badVote.Status);
        Assert.Equal("comment", badVote.Body.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await human.GetAsync("v1/nothing-here")).StatusCode);
    }

    [Fact]
    public async Task Central_audit_records_decisions_and_votes_in_a_chain_that_verifies_and_exports()
    {
        await using var t = await TestServer.StartAsync();
        await t.DecideAsync("ls", ProdA);
        await t.DecideAsync("rm -rf ~", ProdA);
        var id = (await t.DecideAsync("terraform destroy", ProdA)).GetProperty("requestId").GetString()!;
        await t.VoteAsync(t.Ana, id, true, "ok");
        using var human = t.Client(t.Ana);
        var verify = await human.GetFromJsonElement("v1/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean());
        Assert.Equal(4, verify.GetProperty("records").GetInt64());
        var lines = (await human.GetStringAsync("v1/audit/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.Contains("\"verdict\":\"deny\"", lines[1]);
        Assert.Contains("agent ci-bot, operator olivia", lines[2]);
        Assert.Contains("ana voted to approve", lines[3]);
        var openapi = await human.GetFromJsonElement("openapi.json");
        Assert.True(openapi.GetProperty("paths").TryGetProperty("/v1/decisions", out _));
    }

    [Fact]
    public async Task Webhooks_are_signed_retried_and_recorded()
    {
        var received = new List<(string Body, string? Signature, string? Timestamp)>();
        var calls = 0;
        await using var receiver = await Receiver.StartAsync(async ctx =>
        {
            // The first attempt fails: the server must retry.
            if (Interlocked.Increment(ref calls) == 1) { ctx.Response.StatusCode = 500; return; }
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            lock (received) received.Add((body, ctx.Request.Headers["X-Interlock-Signature"].ToString(), ctx.Request.Headers["X-Interlock-Timestamp"].ToString()));
        });
        await using var t = await TestServer.StartAsync(configure: o => o with { Webhooks = [new WebhookTarget(receiver.Url + "/hook", "s3cret", "generic")] });
        await t.DecideAsync("terraform destroy", ProdA);
        for (var i = 0; i < 100 && received.Count == 0; i++) await Task.Delay(50);
        Assert.NotEmpty(received);
        var (body, signature, ts) = received[0];
        Assert.Contains("\"event\":\"request.created\"", body);
        Assert.Equal("sha256=" + Webhooks.Sign("s3cret", ts!, body), signature);
        using var human = t.Client(t.Ana);
        var deliveries = (await human.GetFromJsonElement("v1/webhooks/deliveries")).GetProperty("deliveries");
        Assert.Equal(2, deliveries.GetArrayLength());
        Assert.Equal(200, deliveries[0].GetProperty("statusCode").GetInt32());
        Assert.Equal("HTTP 500", deliveries[1].GetProperty("error").GetString());
    }
}

internal static class HttpExtensions
{
    public static async Task<JsonElement> GetFromJsonElement(this HttpClient c, string path)
    {
        using var response = await c.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

/// <summary>A tiny HTTP receiver on a loopback port (a webhook endpoint).</summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Receiver(WebApplication app, string url) { _app = app; Url = url; }

    public string Url { get; }

    public static async Task<Receiver> StartAsync(RequestDelegate handler)
    {
        var b = WebApplication.CreateSlimBuilder();
        b.Logging.ClearProviders();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        var app = b.Build();
        app.Run(handler);
        await app.StartAsync();
        var url = app.Urls.First();
        return new Receiver(app, url.TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
