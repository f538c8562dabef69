using System.Net;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.State.Identity;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>The server's group commit (<see cref="ServerStore.AppendAuditAsync"/>): concurrent decisions share one
/// transaction, each caller is answered only after its batch is committed, a failed commit fails exactly that
/// batch's callers, and under concurrent load the records form one chain that verifies, on both stores.</summary>
public sealed class GroupCommitTests
{
    /// <summary>A store whose commits the test holds and breaks at will; it seals a real chain.</summary>
    private sealed class ControlledStore : ServerStore
    {
        private long _sequence;
        private string _head = AuditChain.GenesisHash;
        public readonly List<int> Batches = [];
        public TaskCompletionSource Gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Exception? FailNext;

        public override string Location => "controlled";
        public override Task<T> RunAsync<T>(Func<IAuditLog, IApprovalStore, IIdentityStore, Task<T>> work) => throw new NotSupportedException();
        public override Task<T> RunRetentionAsync<T>(Func<IAuditLog, Task<T>> work) => throw new NotSupportedException();

        protected override async Task<IReadOnlyList<AuditRecord>> AppendManyAsync(IReadOnlyList<AuditEntry> entries)
        {
            lock (Batches) Batches.Add(entries.Count);
            Entered.TrySetResult();
            await Gate.Task;
            if (Interlocked.Exchange(ref FailNext, null) is { } e) throw e;
            var records = new List<AuditRecord>();
            foreach (var entry in entries)
            {
                var r = AuditChain.Seal(entry, ++_sequence, _head);
                _head = r.Hash;
                records.Add(r);
            }
            return records;
        }
    }

    private static AuditEntry Entry(int i) => new(DateTimeOffset.UnixEpoch.AddSeconds(i), "test", "s", "/srv", "Bash", $"echo {i}", "allow", "allow", "no destructive effect found", "[]", i);

    [Fact]
    public async Task Records_arriving_during_a_commit_are_committed_together_and_nobody_is_answered_before_their_commit()
    {
        await using var store = new ControlledStore();
        store.StartWriter();
        var first = store.AppendAuditAsync(Entry(0));
        await store.Entered.Task; // the writer is inside the first commit, holding it
        var waiting = Enumerable.Range(1, 20).Select(i => store.AppendAuditAsync(Entry(i))).ToArray();
        await Task.Delay(50); // let anything that wrongly completes early do so
        Assert.False(first.IsCompleted, "a caller was answered before its commit finished");
        Assert.DoesNotContain(waiting, w => w.IsCompleted);

        store.Gate.SetResult(); // the first commit finishes; the 20 that queued meanwhile go in one batch
        var records = await Task.WhenAll(waiting);
        Assert.Equal(1, (await first).Sequence);
        Assert.Equal([1, 20], store.Batches);
        // Each caller gets its own record, in the order they arrived, chained one after the other.
        Assert.Equal(Enumerable.Range(2, 20).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"echo {i}"), records.Select(r => r.Entry.Request));
        for (var i = 1; i < records.Length; i++) Assert.Equal(records[i - 1].Hash, records[i].PreviousHash);
    }

    [Fact]
    public async Task A_failed_commit_fails_every_caller_of_its_batch_and_the_next_batch_commits()
    {
        await using var store = new ControlledStore();
        store.StartWriter();
        var first = store.AppendAuditAsync(Entry(0));
        await store.Entered.Task;
        var doomed = Enumerable.Range(1, 5).Select(i => store.AppendAuditAsync(Entry(i))).ToArray();
        store.FailNext = new StateStoreException("disk full");
        store.Gate.SetResult();
        var e = await Assert.ThrowsAsync<StateStoreException>(() => first);
        Assert.Equal("disk full", e.Message);
        // The 5 that queued behind it are the next batch, which commits: the failure took only its own batch.
        var records = await Task.WhenAll(doomed);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal([1, 5], store.Batches);
        Assert.Equal(6, (await store.AppendAuditAsync(Entry(6))).Sequence);
    }

    [Fact]
    public async Task Decisions_whose_audit_commit_fails_get_a_stopping_answer_never_a_verdict()
    {
        await using var t = await TestServer.StartAsync();
        Assert.Equal("allow", (await t.DecideAsync("ls -la", "/srv/app")).GetProperty("verdict").GetString());
        // Break the chain head behind the server's back: every append now fails inside its transaction.
        var db = Path.Combine(t.Options.DataDirectory, "interlock-server.db");
        Exec(db, "DELETE FROM audit_head;");
        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            using var c = t.Client(t.AgentToken);
            return await TestServer.PostAsync(c, "v1/decisions", TestServer.DecisionBody("ls -la", $"/srv/app{i}"));
        })));
        foreach (var (status, body) in answers)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.False(body.TryGetProperty("verdict", out _), "a decision whose record was not committed was answered with a verdict");
            Assert.Contains("audit chain head", body.GetProperty("detail").GetString());
        }
        // Nothing of the failed batches was written; once the head is back, decisions are recorded again.
        Exec(db, "INSERT INTO audit_head (id, seq, hash) SELECT 1, seq, hash FROM audit ORDER BY seq DESC LIMIT 1;");
        Assert.Equal("allow", (await t.DecideAsync("ls -la", "/srv/app")).GetProperty("verdict").GetString());
        using var human = t.Client(t.Ana);
        var verify = await human.GetFromJsonElement("v1/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean());
        Assert.Equal(2, verify.GetProperty("records").GetInt64());
    }

    [Fact]
    public Task Concurrent_decisions_on_sqlite_form_one_chain_that_verifies() => ConcurrentLoad(postgres: false, replicas: 1);

    [PostgresFact]
    public Task Concurrent_decisions_on_postgres_form_one_chain_that_verifies() => ConcurrentLoad(postgres: true, replicas: 1);

    /// <summary>Two replicas appending at once: each seals against the head it last wrote, finds it moved, and
    /// falls back to locking the head; the chain stays one.</summary>
    [PostgresFact]
    public Task Concurrent_decisions_through_two_postgres_replicas_form_one_chain_that_verifies() => ConcurrentLoad(postgres: true, replicas: 2);

    private static async Task ConcurrentLoad(bool postgres, int replicas)
    {
        const int Clients = 32, Each = 20;
        await using var t = await TestServer.StartAsync(postgres);
        var urls = new List<string> { t.Url };
        for (var r = 1; r < replicas; r++) urls.Add((await t.StartReplicaAsync()).BaseUrl);
        var verdicts = await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            using var client = TestServer.Client(urls[c % urls.Count], t.AgentToken);
            var mine = new List<string>();
            for (var i = 0; i < Each; i++)
            {
                // Mostly allowed, some denied: both are recorded.
                var command = i % 5 == 0 ? "rm -rf ~" : $"ls -la /srv/{c}/{i}";
                var (status, body) = await TestServer.PostAsync(client, "v1/decisions", TestServer.DecisionBody(command, "/srv/app", session: $"s{c}"));
                Assert.Equal(HttpStatusCode.OK, status);
                mine.Add(body.GetProperty("verdict").GetString()!);
            }
            return mine;
        })));
        Assert.Equal(Clients * Each / 5, verdicts.SelectMany(v => v).Count(v => v == "deny"));
        using var human = TestServer.Client(urls[^1], t.Ana);
        var verify = await human.GetFromJsonElement("v1/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        Assert.Equal(Clients * Each, verify.GetProperty("records").GetInt64());
        Assert.Equal(Clients * Each, verify.GetProperty("lastSequence").GetInt64());
        // Every call is in the chain exactly once.
        var audit = await human.GetFromJsonElement("v1/audit?limit=1000");
        var requests = audit.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("request").GetString()).ToList();
        Assert.Equal(Clients * Each * 4 / 5, requests.Where(r => r!.StartsWith("ls -la", StringComparison.Ordinal)).Distinct().Count());
    }

    private static void Exec(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
