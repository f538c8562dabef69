using System.Diagnostics;
using System.Net;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>Several server replicas on one PostgreSQL database.</summary>
public sealed class PostgresServerTests
{
    [PostgresFact]
    public async Task Two_replicas_approving_the_same_request_concurrently_produce_exactly_one_outcome()
    {
        await using var t = await TestServer.StartAsync(postgres: true, configure: o => o with { ApproverGroup = "prod-approvers" });
        var replica = await t.StartReplicaAsync();
        for (var round = 0; round < 5; round++)
        {
            // One approval needed (not production); ana votes on replica 1 and ben on replica 2 at the same time.
            var id = (await t.DecideAsync($"terraform destroy -target=module.m{round}", "/srv/infra/dev")).GetProperty("requestId").GetString()!;
            var votes = await Task.WhenAll(t.VoteAsync(t.Ana, id, true, baseUrl: t.Url), t.VoteAsync(t.Ben, id, true, baseUrl: replica.BaseUrl));
            Assert.Single(votes, v => v.Status == HttpStatusCode.OK && v.Body.GetProperty("outcome").GetString() == "Decided");
            Assert.Single(votes, v => v.Status == HttpStatusCode.Conflict);

            // The agent retries through both replicas at once, several times: exactly one is allowed.
            var retries = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            {
                var url = i % 2 == 0 ? t.Url : replica.BaseUrl;
                return Task.Run(async () =>
                {
                    using var c = TestServer.Client(url, t.AgentToken);
                    var (status, body) = await TestServer.PostAsync(c, "v1/decisions", TestServer.DecisionBody($"terraform destroy -target=module.m{round}", "/srv/infra/dev"));
                    Assert.Equal(HttpStatusCode.OK, status);
                    return body.GetProperty("verdict").GetString();
                });
            }));
            Assert.Single(retries, v => v == "allow");
        }
        // Both replicas wrote one audit chain.
        using var human = TestServer.Client(replica.BaseUrl, t.Ana);
        var verify = await human.GetFromJsonElement("v1/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean());
        Assert.Equal(5 * (1 + 1 + 6), verify.GetProperty("records").GetInt64());
    }

    [PostgresFact]
    public async Task Identical_submissions_through_two_replicas_make_one_request()
    {
        await using var t = await TestServer.StartAsync(postgres: true);
        var replica = await t.StartReplicaAsync();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            using var c = TestServer.Client(i % 2 == 0 ? t.Url : replica.BaseUrl, t.AgentToken);
            var (_, body) = await TestServer.PostAsync(c, "v1/decisions", TestServer.DecisionBody("terraform destroy", "/srv/infra/prod-a"));
            return body.GetProperty("requestId").GetString();
        })));
        Assert.Single(answers.Distinct());
    }

    [PostgresFact]
    public async Task A_hook_waiting_on_one_replica_is_woken_by_a_vote_on_another_through_listen_notify()
    {
        // Polling is set to a minute, so only a notification can answer the waiting call within the test's bound.
        await using var t = await TestServer.StartAsync(postgres: true,
            configure: o => o with { ApproverGroup = "prod-approvers", ListeningPollInterval = TimeSpan.FromMinutes(1), HookWait = TimeSpan.FromSeconds(20) });
        var replica = await t.StartReplicaAsync();
        var until = Stopwatch.StartNew();
        while (!(t.Server.Service.Store.ListeningForReplicas && replica.Service.Store.ListeningForReplicas))
        {
            Assert.True(until.Elapsed < TimeSpan.FromSeconds(20), "the replicas did not start listening");
            await Task.Delay(50);
        }
        var id = (await t.DecideAsync("terraform destroy -target=module.wait", "/srv/infra/dev")).GetProperty("requestId").GetString()!;
        var waiting = Task.Run(async () =>
        {
            using var c = TestServer.Client(replica.BaseUrl, t.AgentToken);
            return await TestServer.PostAsync(c, "v1/decisions", TestServer.DecisionBody("terraform destroy -target=module.wait", "/srv/infra/dev", waitMs: 20_000));
        });
        await Task.Delay(1000);
        Assert.False(waiting.IsCompleted, "the call should be waiting for a human");
        var voted = Stopwatch.StartNew();
        var (voteStatus, _) = await t.VoteAsync(t.Ana, id, true, baseUrl: t.Url);
        Assert.Equal(HttpStatusCode.OK, voteStatus);
        var (status, body) = await waiting;
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("allow", body.GetProperty("verdict").GetString());
        Assert.Equal("granted", body.GetProperty("status").GetString());
        Assert.True(voted.Elapsed < TimeSpan.FromSeconds(10), $"woken after {voted.Elapsed.TotalSeconds:0.0} s: not by the notification");
        Assert.Equal(0, t.Server.Service.Changes.BroadcastFailures);
    }
}
