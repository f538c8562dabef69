using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Interlock.Server.Tests;

/// <summary>kill -9 of the approval server (its own process, interlock-server) in the middle of decision and vote
/// traffic, in a loop, restarted each time on the same SQLite database; then the invariants that must survive any
/// crash: the audit chain verifies, every approval a human was told about is still there, no grant is used twice, and
/// no request ends both approved and denied.</summary>
public sealed class ServerCrashSafetyTests(ITestOutputHelper output)
{
    private const string Command = "terraform destroy";
    private static readonly TimeSpan TrafficTime = TimeSpan.FromSeconds(40);

    /// <summary>What the clients were told (only answers that arrived count: a lost answer proves nothing).</summary>
    private sealed class Observed
    {
        public readonly ConcurrentDictionary<string, string> Submitted = new();   // request id -> cwd
        public readonly ConcurrentDictionary<string, byte> Approved = new();      // a vote's answer said "approved"
        public readonly ConcurrentDictionary<string, byte> Denied = new();        // a vote's answer said "denied"
        public readonly ConcurrentDictionary<string, int> Grants = new();         // retries answered allow for this request
        public readonly ConcurrentBag<string> Problems = [];
        public int CutOff; // calls that failed because the server died under them
        public int Answered; // calls answered (any status), to kill only while traffic flows
    }

    [Fact]
    public async Task Killing_the_server_mid_traffic_loses_no_approval_duplicates_no_grant_and_keeps_the_chain()
    {
        await using var t = await TestServer.StartAsync();
        await t.StopServersAsync(); // accounts and tokens are in the database; from here on, server processes serve it
        var dataDir = t.Options.DataDirectory;
        var seen = new Observed();
        var clock = Stopwatch.StartNew();
        var rounds = 0;
        var random = new Random(8);
        while (clock.Elapsed < TrafficTime || rounds < 3)
        {
            using var server = await ServerProcess.StartAsync(dataDir);
            using var stop = new CancellationTokenSource();
            var before = Volatile.Read(ref seen.Answered);
            var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() => Worker(t, server.Url, w, seen, stop.Token))).ToArray();
            // A fresh process answers its first calls slowly (JIT) and a loaded machine more slowly still: kill only
            // once traffic flows (at most 60 s), then at a random point 0.2 to 1.2 s later, with calls in flight.
            for (var waited = 0; Volatile.Read(ref seen.Answered) == before && waited < 60_000; waited += 20) await Task.Delay(20);
            await Task.Delay(random.Next(200, 1200));
            server.Kill(); // SIGKILL: no shutdown, no flush
            stop.Cancel();
            await Task.WhenAll(workers);
            rounds++;
        }
        output.WriteLine($"{rounds} kills in {clock.Elapsed.TotalSeconds:F0} s: {seen.Submitted.Count} requests, {seen.Approved.Count} approvals and {seen.Denied.Count} denials acknowledged, {seen.Grants.Count} grants used, {seen.CutOff} calls cut off by a kill");
        Assert.Empty(seen.Problems);
        Assert.True(rounds >= 3, $"only {rounds} kills");
        Assert.True(seen.Approved.Count > 0 && seen.Denied.Count > 0 && !seen.Grants.IsEmpty, "the traffic never completed an approval, a denial and a retry");
        Assert.True(seen.CutOff > 0, "no kill landed in the middle of a call");

        using var last = await ServerProcess.StartAsync(dataDir);
        using var human = TestServer.Client(last.Url, t.Ana);
        using var agent = TestServer.Client(last.Url, t.AgentToken);
        foreach (var (id, cwd) in seen.Submitted)
        {
            var r = await human.GetFromJsonElement($"v1/requests/{id}");
            var status = r.GetProperty("status").GetString();
            var votes = r.GetProperty("votes").EnumerateArray().ToList();
            if (seen.Approved.ContainsKey(id)) Assert.True(status is "approved" or "consumed", $"{id} was acknowledged approved but is {status} after the crashes");
            if (seen.Denied.ContainsKey(id)) Assert.Equal("denied", status);
            Assert.False(seen.Approved.ContainsKey(id) && seen.Denied.ContainsKey(id), $"{id} was acknowledged both approved and denied");
            if (status is "approved" or "consumed")
                Assert.DoesNotContain(votes, v => !v.GetProperty("approve").GetBoolean());
            if (status == "denied")
                Assert.Contains(votes, v => !v.GetProperty("approve").GetBoolean());
            var used = seen.Grants.GetValueOrDefault(id);
            Assert.True(used <= 1, $"the grant of {id} was used {used} times");
            if (used == 1) Assert.Equal("consumed", status);
            if (status == "approved")
            {
                // An approval that survived and was not used yet: it works exactly once.
                var retry = await Decide(agent, cwd);
                Assert.Equal("allow", retry.GetProperty("verdict").GetString());
                Assert.Equal(id, retry.GetProperty("requestId").GetString());
                var again = await Decide(agent, cwd);
                Assert.Equal("deny", again.GetProperty("verdict").GetString());
            }
            if (status == "consumed")
                Assert.Equal("deny", (await Decide(agent, cwd)).GetProperty("verdict").GetString());
        }
        var verify = await human.GetFromJsonElement("v1/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.GetRawText());
        output.WriteLine($"audit: {verify.GetProperty("records").GetInt64()} records, intact");
        last.Kill();
    }

    private static async Task<JsonElement> Decide(HttpClient agent, string cwd, Observed? seen = null)
    {
        var (status, body) = await TestServer.PostAsync(agent, "v1/decisions", TestServer.DecisionBody(Command, cwd));
        if (seen is not null) Interlocked.Increment(ref seen.Answered);
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    /// <summary>One agent and its humans, request after request: submit, approve (two people in production, one
    /// elsewhere) or deny, then retry twice. Stops at the first call the kill cuts off.</summary>
    private static async Task Worker(TestServer t, string url, int worker, Observed seen, CancellationToken stop)
    {
        using var agent = TestServer.Client(url, t.AgentToken);
        var random = new Random(worker);
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var prod = random.Next(2) == 0;
                var cwd = $"/srv/infra/{(prod ? "prod" : "dev")}-{Guid.NewGuid():N}";
                var first = await Decide(agent, cwd, seen);
                if (first.GetProperty("requestId").GetString() is not { } id) { seen.Problems.Add($"no request for {cwd}: {first}"); return; }
                seen.Submitted[id] = cwd;
                if (random.Next(4) == 0)
                {
                    var deny = await t.VoteAsync(t.Ana, id, false, baseUrl: url);
                    Interlocked.Increment(ref seen.Answered);
                    if (deny.Status == HttpStatusCode.OK && deny.Body.GetProperty("request").GetProperty("status").GetString() == "denied") seen.Denied[id] = 0;
                    continue;
                }
                foreach (var human in first.GetProperty("requiredApprovals").GetInt32() >= 2 ? [t.Ana, t.Ben] : new[] { t.Ana })
                {
                    var vote = await t.VoteAsync(human, id, true, baseUrl: url);
                    Interlocked.Increment(ref seen.Answered);
                    if (vote.Status != HttpStatusCode.OK) { seen.Problems.Add($"vote on {id}: {(int)vote.Status} {vote.Body}"); return; }
                    if (vote.Body.GetProperty("request").GetProperty("status").GetString() == "approved") seen.Approved[id] = 0;
                }
                for (var retry = 0; retry < 2; retry++)
                {
                    var r = await Decide(agent, cwd, seen);
                    if (r.GetProperty("verdict").GetString() != "allow") continue;
                    if (r.GetProperty("requestId").GetString() != id) seen.Problems.Add($"allowed {cwd} under another request: {r}");
                    if (seen.Grants.AddOrUpdate(id, 1, (_, n) => n + 1) > 1) seen.Problems.Add($"the grant of {id} was used twice");
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            Interlocked.Increment(ref seen.CutOff);
        }
    }

    /// <summary>interlock-server in its own process on a free loopback port.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        public string Url { get; }

        private ServerProcess(Process process, string url) { _process = process; Url = url; }

        public static async Task<ServerProcess> StartAsync(string dataDir)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in (string[])[Path.Combine(AppContext.BaseDirectory, "interlock-server.dll"), "serve", "--url", "http://127.0.0.1:0", "--data-dir", dataDir])
                psi.ArgumentList.Add(a);
            var p = Process.Start(psi)!;
            var stderr = p.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // generous: the machine is shared
            try
            {
                while (await p.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    const string marker = "approval server on ";
                    var at = line.IndexOf(marker, StringComparison.Ordinal);
                    if (at < 0) continue;
                    var url = line[(at + marker.Length)..].Split(' ')[0];
                    _ = p.StandardOutput.ReadToEndAsync(); // keep draining
                    return new ServerProcess(p, url);
                }
            }
            catch (OperationCanceledException) { }
            p.Kill();
            throw new InvalidOperationException($"interlock-server did not start: {await stderr}");
        }

        public void Kill()
        {
            if (_process.HasExited) return;
            _process.Kill(); // SIGKILL on Unix
            _process.WaitForExit();
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }
    }
}
