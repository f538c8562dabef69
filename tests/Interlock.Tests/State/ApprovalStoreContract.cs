using Interlock.Core;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.State.Postgres;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>
/// The behaviour every <see cref="IApprovalStore"/> must have (SQLite here; the PostgreSQL store derives from this
/// class too). <see cref="OpenStore"/> returns a store over one shared, initially empty database; each call may be
/// a new connection (as another process or server replica would have).
/// </summary>
public sealed class ApprovalStoreContract : IDisposable
{
    /// <summary>SQLite always; PostgreSQL when one is configured (and always in CI, where its absence fails).</summary>
    public static TheoryData<string> Backends
    {
        get
        {
            var data = new TheoryData<string> { "sqlite" };
            if (new PostgresFactAttribute().Skip is null) data.Add("postgres");
            return data;
        }
    }

    private readonly TempStateDir _dir = new();
    private PostgresTestDatabase? _db;
    private readonly List<IDisposable> _opened = [];

    public void Dispose()
    {
        lock (_opened) foreach (var s in _opened) s.Dispose();
        _db?.Dispose();
        _dir.Dispose();
    }

    /// <summary>A store over the test's one database; each call is another connection (another process or replica).</summary>
    private IStateStore OpenStore(string backend)
    {
        if (backend == "sqlite") return _dir.Open(busyTimeoutMs: 30_000);
        PostgresStateStore store;
        lock (_opened)
        {
            _db ??= new PostgresTestDatabase();
            store = PostgresStateStore.OpenAsync(_db.ConnectionString).GetAwaiter().GetResult();
            _opened.Add(store);
        }
        return new NonDisposing(store);
    }

    // The tests dispose what they open; PostgreSQL pools are closed at the end of the test instead.
    private sealed class NonDisposing(PostgresStateStore inner) : IStateStore
    {
        public string Location => inner.Location;
        public IAuditLog Audit => inner.Audit;
        public ISnapshotLog Snapshots => inner.Snapshots;
        public IApprovalStore Approvals => inner.Approvals;
        public Interlock.State.Budgets.IBudgetLog Budgets => inner.Budgets;
        public Interlock.State.Provenance.ISessionFiles SessionFiles => inner.SessionFiles;
        public void Dispose() { }
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static ApprovalSubmission Submission(string command = "terraform destroy", string cwd = "/work/infra/a", string agent = "agent-1",
        string? op = "olivia", int approvals = 2, string? group = "prod-approvers") => new()
    {
        Fingerprint = ActionFingerprint.Compute(new ActionRequest("Bash", command, cwd), "/work/infra", "production"),
        AgentId = agent,
        Operator = op,
        Harness = "codex",
        SessionId = "s1",
        Tool = "Bash",
        Action = command,
        Cwd = cwd,
        Repository = "/work/infra",
        Host = "build-7.internal",
        Branch = "release/2026-12",
        Environment = "production",
        RuleId = "iac.destroy",
        Reason = "destroys every resource in the workspace",
        RequiredApprovals = approvals,
        ApproverGroup = group,
        PendingFor = TimeSpan.FromHours(1),
        GrantValidFor = TimeSpan.FromMinutes(10),
    };

    private static readonly string[] Approvers = ["prod-approvers"];

    [Theory, MemberData(nameof(Backends))]
    public async Task Two_person_rule_operator_does_not_count_nor_does_anyone_twice(string backend)
    {
        using var store = OpenStore(backend);
        var a = store.Approvals;
        var r = await a.SubmitAsync(Submission(), T0);
        Assert.Equal(ApprovalStatus.Pending, r.Status);

        Assert.Equal(VoteOutcome.OperatorCannotApprove, (await a.VoteAsync(r.Id, "olivia", Approvers, true, null, T0)).Outcome);
        Assert.Equal(VoteOutcome.Counted, (await a.VoteAsync(r.Id, "ana", Approvers, true, "looks right", T0.AddMinutes(1))).Outcome);
        Assert.Equal(VoteOutcome.AlreadyVoted, (await a.VoteAsync(r.Id, "ana", Approvers, true, null, T0.AddMinutes(2))).Outcome);
        Assert.Equal(VoteOutcome.NotInGroup, (await a.VoteAsync(r.Id, "mallory", ["dev"], true, null, T0.AddMinutes(2))).Outcome);
        Assert.Equal(ApprovalStatus.Pending, (await a.GetAsync(r.Id))!.Status);

        var second = await a.VoteAsync(r.Id, "ben", Approvers, true, "ok", T0.AddMinutes(3));
        Assert.Equal(VoteOutcome.Decided, second.Outcome);
        Assert.Equal(ApprovalStatus.Approved, second.Request!.Status);
        Assert.Equal(2, second.Request.CountedApprovals);
        Assert.Equal(["ana", "ben"], second.Request.Votes.Select(v => v.Approver));
        Assert.Equal("looks right", second.Request.Votes[0].Comment);
        Assert.Equal(T0.AddMinutes(13), second.Request.GrantExpiresAt);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_request_keeps_who_asked_from_where(string backend)
    {
        using var store = OpenStore(backend);
        var r = await store.Approvals.SubmitAsync(Submission(), T0);
        var read = (await store.Approvals.GetAsync(r.Id))!.Action;
        Assert.Equal(("agent-1", "olivia", "codex", "/work/infra", "build-7.internal", "release/2026-12"),
            (read.AgentId, read.Operator, read.Harness, read.Repository, read.Host, read.Branch));
        var listed = Assert.Single(await store.Approvals.ListAsync(ApprovalStatus.Pending, 10));
        Assert.Equal(("build-7.internal", "release/2026-12"), (listed.Action.Host, listed.Action.Branch));

        var bare = await store.Approvals.SubmitAsync(Submission(command: "terraform destroy -target=x") with { Host = null, Branch = null }, T0);
        Assert.Equal((null, null), ((await store.Approvals.GetAsync(bare.Id))!.Action.Host, (await store.Approvals.GetAsync(bare.Id))!.Action.Branch));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task One_deny_ends_the_request_even_after_an_approval(string backend)
    {
        using var store = OpenStore(backend);
        var r = await store.Approvals.SubmitAsync(Submission(), T0);
        await store.Approvals.VoteAsync(r.Id, "ana", Approvers, true, null, T0);
        var deny = await store.Approvals.VoteAsync(r.Id, "olivia", [], false, "not today", T0.AddMinutes(1));
        Assert.Equal(VoteOutcome.Decided, deny.Outcome);
        Assert.Equal(ApprovalStatus.Denied, deny.Request!.Status);
        Assert.Equal(VoteOutcome.NotPending, (await store.Approvals.VoteAsync(r.Id, "ben", Approvers, true, null, T0.AddMinutes(2))).Outcome);
        Assert.Null(await store.Approvals.ConsumeGrantAsync(r.Action.Fingerprint, "agent-1", T0.AddMinutes(3)));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_grant_authorises_the_exact_action_once_for_the_same_agent_until_it_expires(string backend)
    {
        using var store = OpenStore(backend);
        var a = store.Approvals;
        var sub = Submission(approvals: 1);
        var r = await a.SubmitAsync(sub, T0);
        await a.VoteAsync(r.Id, "ana", Approvers, true, null, T0);

        var otherWorkspace = Submission(cwd: "/work/infra/b", approvals: 1).Fingerprint;
        Assert.NotEqual(sub.Fingerprint, otherWorkspace);
        Assert.Null(await a.ConsumeGrantAsync(otherWorkspace, "agent-1", T0.AddMinutes(1)));
        Assert.Null(await a.ConsumeGrantAsync(sub.Fingerprint, "agent-2", T0.AddMinutes(1)));

        var used = await a.ConsumeGrantAsync(sub.Fingerprint, "agent-1", T0.AddMinutes(1));
        Assert.Equal(r.Id, used!.Id);
        Assert.Equal(ApprovalStatus.Consumed, used.Status);
        Assert.Null(await a.ConsumeGrantAsync(sub.Fingerprint, "agent-1", T0.AddMinutes(2))); // no replay

        // A later approval of the same action expires if not used in time.
        var again = await a.SubmitAsync(sub, T0.AddMinutes(5));
        Assert.NotEqual(r.Id, again.Id);
        await a.VoteAsync(again.Id, "ana", Approvers, true, null, T0.AddMinutes(5));
        Assert.Null(await a.ConsumeGrantAsync(sub.Fingerprint, "agent-1", T0.AddMinutes(16)));
        Assert.Equal(ApprovalStatus.Expired, (await a.GetAsync(again.Id))!.Status);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Resubmitting_a_pending_action_returns_the_same_request_and_pending_requests_expire(string backend)
    {
        using var store = OpenStore(backend);
        var a = store.Approvals;
        var first = await a.SubmitAsync(Submission(), T0);
        Assert.Equal(first.Id, (await a.SubmitAsync(Submission(), T0.AddMinutes(1))).Id);
        Assert.NotEqual(first.Id, (await a.SubmitAsync(Submission(agent: "agent-2"), T0.AddMinutes(1))).Id);
        Assert.Equal(2, (await a.ListAsync(ApprovalStatus.Pending, 10)).Count);

        var later = await a.SubmitAsync(Submission(), T0.AddHours(2)); // the first one expired
        Assert.NotEqual(first.Id, later.Id);
        Assert.Equal(ApprovalStatus.Expired, (await a.GetAsync(first.Id))!.Status);
        Assert.Equal(VoteOutcome.NotPending, (await a.VoteAsync(first.Id, "ana", Approvers, true, null, T0.AddHours(2))).Outcome);
        Assert.Equal(VoteOutcome.NotFound, (await a.VoteAsync("r-nonexistent", "ana", Approvers, true, null, T0)).Outcome);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Concurrent_votes_and_consumers_produce_exactly_one_outcome(string backend)
    {
        string id, fingerprint;
        using (var store = OpenStore(backend))
        {
            var r = await store.Approvals.SubmitAsync(Submission(approvals: 1), T0);
            (id, fingerprint) = (r.Id, r.Action.Fingerprint);
        }
        var votes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            using var s = OpenStore(backend);
            return await s.Approvals.VoteAsync(id, $"approver-{i}", Approvers, true, null, T0.AddSeconds(i));
        })));
        Assert.Single(votes, v => v.Outcome == VoteOutcome.Decided);
        Assert.All(votes.Where(v => v.Outcome != VoteOutcome.Decided), v => Assert.Equal(VoteOutcome.NotPending, v.Outcome));

        var grants = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            using var s = OpenStore(backend);
            return await s.Approvals.ConsumeGrantAsync(fingerprint, "agent-1", T0.AddMinutes(1));
        })));
        Assert.Single(grants, g => g is not null);
    }

    [Fact]
    public void Fingerprints_differ_for_any_difference_in_the_action()
    {
        var baseline = ActionFingerprint.Compute(new ActionRequest("Bash", "terraform destroy", "/a"), "/a", "production");
        Assert.Equal(baseline, ActionFingerprint.Compute(new ActionRequest("Bash", "terraform destroy", "/a"), "/a", "production"));
        Assert.NotEqual(baseline, ActionFingerprint.Compute(new ActionRequest("Bash", "terraform destroy ", "/a"), "/a", "production"));
        Assert.NotEqual(baseline, ActionFingerprint.Compute(new ActionRequest("Bash", "terraform destroy", "/b"), "/a", "production"));
        Assert.NotEqual(baseline, ActionFingerprint.Compute(new ActionRequest("Bash", "terraform destroy", "/a"), "/a", "staging"));
        var write = new ActionRequest("Write", null, "/a") { File = new FileAction(FileToolKind.Write, "/a/x") { Content = "1" } };
        Assert.NotEqual(ActionFingerprint.Compute(write, null, "unknown"),
            ActionFingerprint.Compute(write with { File = write.File! with { Content = "2" } }, null, "unknown"));
    }
}
