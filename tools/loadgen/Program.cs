// A bounded load generator for the approval server's POST /v1/decisions: a fixed number of connections, each
// sending one request at a time, for a fixed duration (and at most --max requests). Prints decisions per second
// and latency percentiles. Usage:
//   dotnet run --project tools/loadgen -c Release -- --url http://127.0.0.1:8787 --token ilk_... [--connections 32] [--seconds 10]
//     [--server-pid PID]   also report the server's CPU time per decision (from /proc/PID/stat; Linux), a figure that
//                          depends much less on what else the machine is running than decisions/s does
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

string url = "http://127.0.0.1:8787", token = "";
int connections = 32, seconds = 10, max = 2_000_000, serverPid = 0;
string command = "ls -la";
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--url": url = args[++i]; break;
        case "--token": token = args[++i]; break;
        case "--connections": connections = int.Parse(args[++i]); break;
        case "--seconds": seconds = int.Parse(args[++i]); break;
        case "--max": max = int.Parse(args[++i]); break;
        case "--command": command = args[++i]; break;
        case "--server-pid": serverPid = int.Parse(args[++i]); break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 64;
    }
}
if (connections is < 1 or > 1024 || seconds is < 1 or > 600) { Console.Error.WriteLine("connections 1-1024, seconds 1-600"); return 64; }
var body = Encoding.UTF8.GetBytes($$"""{"harness":"loadgen","sessionId":"load","tool":"Bash","cwd":"/srv/app","command":{{System.Text.Json.JsonSerializer.Serialize(command)}},"world":{"home":"/home/load"},"waitMs":0}""");
using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
using var client = new HttpClient(handler) { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

async Task<long> One()
{
    var start = Stopwatch.GetTimestamp();
    using var content = new ByteArrayContent(body);
    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    using var response = await client.PostAsync("v1/decisions", content);
    await response.Content.ReadAsByteArrayAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"HTTP {(int)response.StatusCode}");
    return Stopwatch.GetTimestamp() - start;
}

// Warm-up (JIT, connections), not measured.
await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => One()));
var sent = 0;
var errors = 0;
var latencies = new List<long>[connections];
var stopAt = Stopwatch.GetTimestamp() + seconds * Stopwatch.Frequency;
var serverCpuBefore = ServerCpuSeconds();
var selfCpuBefore = Environment.CpuUsage.TotalTime;
var clock = Stopwatch.StartNew();
await Task.WhenAll(Enumerable.Range(0, connections).Select(async c =>
{
    var mine = latencies[c] = new List<long>(100_000);
    while (Stopwatch.GetTimestamp() < stopAt && Interlocked.Increment(ref sent) <= max)
    {
        try { mine.Add(await One()); }
        catch (Exception) { Interlocked.Increment(ref errors); }
    }
}));
clock.Stop();
var serverCpu = ServerCpuSeconds() - serverCpuBefore;
var selfCpu = (Environment.CpuUsage.TotalTime - selfCpuBefore).TotalSeconds;
var all = latencies.SelectMany(l => l).Order().ToArray();
double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
double P(double q) => all.Length == 0 ? 0 : Ms(all[Math.Min(all.Length - 1, (int)(q * all.Length))]);
Console.WriteLine($"{all.Length} decisions in {clock.Elapsed.TotalSeconds:0.00} s over {connections} connections: {all.Length / clock.Elapsed.TotalSeconds:0} decisions/s; latency p50 {P(0.50):0.00} ms, p99 {P(0.99):0.00} ms, max {P(1):0.00} ms; {errors} errors");
if (all.Length > 0)
    Console.WriteLine($"CPU per decision: load generator {selfCpu * 1e6 / all.Length:0} us" +
        (serverPid > 0 ? $", server {serverCpu * 1e6 / all.Length:0} us (user+system, all threads)" : ""));
return errors == 0 ? 0 : 1;

// utime + stime of the server process, in seconds (fields 14 and 15 of /proc/PID/stat, in clock ticks of 1/100 s).
double ServerCpuSeconds()
{
    if (serverPid <= 0) return 0;
    var stat = File.ReadAllText($"/proc/{serverPid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;
}
