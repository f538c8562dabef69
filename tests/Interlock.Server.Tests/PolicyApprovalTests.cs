using System.Net;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;
using Interlock.State.Identity;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>The approval requirement comes from the policy's ruling: its group decides who may approve, its approver count
/// how many, and its expiry how long the grant stays valid; without them the server's options hold.</summary>
public sealed class PolicyApprovalTests
{
    private const string Cwd = "/srv/infra/dev-a";

    private static CompiledPolicy Policy(string yaml)
    {
        var (set, diagnostics) = PolicyMerger.Merge([PolicyParser.Parse(yaml, "/etc/interlock/policy.yaml", PolicyLayer.System)]);
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        return CompiledPolicy.Compile(set);
    }

    private const string Yaml = """
        commands:
          - id: ourctl.wipe
            executable: ourctl
            subcommand: wipe
            effect: destroy-data
            verdict: ask
            approval: { approvers: 2, group: dba, expiry: 5m }
          - id: ourctl.reindex
            executable: ourctl
            subcommand: reindex
            effect: destroy-data
            verdict: ask
        """;

    private static async Task<(string Dora, string Dan)> AddDbasAsync(TestServer t)
    {
        var now = DateTimeOffset.UtcNow;
        string dora = "", dan = "";
        await t.Server.Service.Store.RunAsync(async (_, _, ids) =>
        {
            await ids.SaveUserAsync("dora", ["dba"], now);
            await ids.SaveUserAsync("dan", ["dba"], now);
            dora = (await ids.IssueTokenAsync(TokenKind.Human, "dora", null, now, null)).Secret;
            dan = (await ids.IssueTokenAsync(TokenKind.Human, "dan", null, now, null)).Secret;
            return 0;
        });
        return (dora, dan);
    }

    [Fact]
    public async Task The_policy_group_count_and_expiry_decide_who_approves_and_for_how_long()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { Policy = Policy(Yaml) });
        var (dora, dan) = await AddDbasAsync(t);

        var first = await t.DecideAsync("ourctl wipe tenant-1", Cwd);
        Assert.Equal("pending", first.GetProperty("status").GetString());
        Assert.Equal("ourctl.wipe", first.GetProperty("ruleId").GetString());
        Assert.Equal(2, first.GetProperty("requiredApprovals").GetInt32());
        Assert.Equal("dba", first.GetProperty("approverGroup").GetString());
        var id = first.GetProperty("requestId").GetString()!;

        // Production approvers are not in the policy's group: they cannot approve this (anyone may still deny).
        var ana = await t.VoteAsync(t.Ana, id, true);
        Assert.Equal(HttpStatusCode.Forbidden, ana.Status);
        Assert.Equal("NotInGroup", ana.Body.GetProperty("code").GetString());
        Assert.Equal("Counted", (await t.VoteAsync(dora, id, true)).Body.GetProperty("outcome").GetString());
        var decided = await t.VoteAsync(dan, id, true);
        Assert.Equal("approved", decided.Body.GetProperty("request").GetProperty("status").GetString());
        var request = decided.Body.GetProperty("request");
        var grantFor = request.GetProperty("grantExpiresAt").GetDateTimeOffset() - request.GetProperty("decidedAt").GetDateTimeOffset();
        Assert.True(Math.Abs((grantFor - TimeSpan.FromMinutes(5)).TotalSeconds) < 1, $"the grant lasts {grantFor}, not the policy's 5 minutes");

        Assert.Equal("granted", (await t.DecideAsync("ourctl wipe tenant-1", Cwd)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Without_a_group_or_expiry_in_the_policy_the_server_options_hold()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { Policy = Policy(Yaml), ApproverGroup = "prod-approvers", GrantValidFor = TimeSpan.FromMinutes(12) });
        var first = await t.DecideAsync("ourctl reindex tenant-1", Cwd);
        Assert.Equal(1, first.GetProperty("requiredApprovals").GetInt32());
        Assert.Equal("prod-approvers", first.GetProperty("approverGroup").GetString());
        var id = first.GetProperty("requestId").GetString()!;
        Assert.Equal(HttpStatusCode.Forbidden, (await t.VoteAsync(t.Dev, id, true)).Status);
        var request = (await t.VoteAsync(t.Ana, id, true)).Body.GetProperty("request");
        var grantFor = request.GetProperty("grantExpiresAt").GetDateTimeOffset() - request.GetProperty("decidedAt").GetDateTimeOffset();
        Assert.True(Math.Abs((grantFor - TimeSpan.FromMinutes(12)).TotalSeconds) < 1, $"the grant lasts {grantFor}");
    }

    [Fact]
    public void Approvals_for_takes_the_ruling_and_falls_back_to_the_options()
    {
        var o = new ServerOptions { ApproverGroup = "leads", ProductionApproverGroup = "prod", GrantValidFor = TimeSpan.FromMinutes(30) };
        Decision Ask(int approvals, string? group, TimeSpan? expiry) =>
            new(Verdict.Ask, "r", "why", null, [], [], null) { RequiredApprovals = approvals, ApproverGroup = group, ApprovalExpiry = expiry };
        Assert.Equal((3, "dba", TimeSpan.FromMinutes(5)), o.ApprovalsFor(Ask(3, "dba", TimeSpan.FromMinutes(5))));
        Assert.Equal((2, "prod", TimeSpan.FromMinutes(30)), o.ApprovalsFor(Ask(2, null, null)));
        Assert.Equal((1, "leads", TimeSpan.FromMinutes(30)), o.ApprovalsFor(Ask(1, null, null)));
        Assert.Equal((1, "dba", TimeSpan.FromMinutes(30)), o.ApprovalsFor(Ask(1, "dba", null)));
    }
}
