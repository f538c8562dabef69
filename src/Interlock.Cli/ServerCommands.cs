using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Interlock.Cli;

/// <summary>
/// `interlock serve` and `interlock admin` run the approval server's own executable (interlock-server, installed
/// beside this one), so this Native AOT binary, which every hook call starts, links neither ASP.NET Core nor
/// Npgsql. `interlock approve|deny|requests` and `interlock audit verify|export --server` talk to a server over
/// HTTP when INTERLOCK_SERVER_URL and a human's INTERLOCK_TOKEN are set.
/// </summary>
internal static class ServerCommands
{
    public const string ServerExecutable = "interlock-server";

    public static int Launch(string command, string[] args)
    {
        var path = FindServer();
        if (path is null)
        {
            Console.Error.WriteLine($"interlock: `{command}` needs the approval server, {ServerExecutable}, which was not found beside {Environment.ProcessPath ?? "interlock"} or on PATH. The .NET tool (`dotnet tool install -g interlock`) and the release archives include it; from a clone, publish with it (`dotnet publish src/Interlock.Cli -c Release -r <rid> -p:PublishServer=true -o <dir>`), or set INTERLOCK_SERVER_BIN to an interlock-server.");
            return 69;
        }
        var start = new ProcessStartInfo(path) { UseShellExecute = false };
        if (path.EndsWith(".dll", StringComparison.Ordinal)) { start.FileName = "dotnet"; start.ArgumentList.Add(path); }
        start.ArgumentList.Add(command);
        foreach (var a in args) start.ArgumentList.Add(a);
        // A larger young-generation budget than the default (sized from the CPU cache): fewer collections under load,
        // +10% decisions/s at 128 connections (docs/performance.md, fifth measurement). The GC reads it only from the
        // environment (it has no runtimeconfig name), so it is set here; a value the user set wins.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Gen0BudgetVariable))) start.Environment[Gen0BudgetVariable] = Gen0Budget;
        // A SIGTERM, SIGINT, SIGHUP or SIGQUIT sent to this process alone (systemd, `kill <pid>`, `kill -INT`, a closed
        // terminal) is passed on as SIGTERM, so the server stops cleanly with it instead of running on as an orphan; this
        // process then waits for it. The handlers are in place before the server starts: no signal falls in between
        // (a signal that arrives before the server exists is passed on as soon as it does).
        Process? process = null;
        var gate = new object();
        var stopRequested = false;
        void OnSignal(PosixSignalContext c)
        {
            c.Cancel = true;
            lock (gate) { stopRequested = true; if (process is not null) Stop(process); }
        }
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal);
        using var child = Process.Start(start)!;
        lock (gate) { process = child; if (stopRequested) Stop(child); }
        child.WaitForExit();
        return child.ExitCode;
    }

    internal const string Gen0BudgetVariable = "DOTNET_GCgen0size";
    internal const string Gen0Budget = "0x4000000"; // 64 MiB

    private const int SigTerm = 15;

    // The C library by its real name: under Native AOT a bare "libc" is probed for at run time (and not found where
    // only libc.so.6 exists), which would fail the very call that keeps the server from being orphaned.
    [DllImport("libc.so.6", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignalLinux(int pid, int signal);

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignalOther(int pid, int signal);

    /// <summary>SIGTERM to the server (Process.Kill would be SIGKILL: no clean shutdown). Should the signal call itself
    /// fail, the server is killed outright rather than left running.</summary>
    private static void Stop(Process process)
    {
        try
        {
            if (process.HasExited) return;
            var sent = OperatingSystem.IsLinux() ? SendSignalLinux(process.Id, SigTerm) : OperatingSystem.IsMacOS() ? SendSignalOther(process.Id, SigTerm) : -1;
            if (sent != 0) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It has already gone.
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or System.ComponentModel.Win32Exception)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        }
    }

    private static string? FindServer()
    {
        if (Environment.GetEnvironmentVariable("INTERLOCK_SERVER_BIN") is { Length: > 0 } explicitPath) return File.Exists(explicitPath) ? explicitPath : null;
        foreach (var name in new[] { ServerExecutable, ServerExecutable + ".dll" })
        {
            var beside = Path.Combine(AppContext.BaseDirectory, name);
            if (File.Exists(beside)) return beside;
        }
        // In a source checkout (`dotnet run --project src/Interlock.Cli -- serve`): the server project's own build.
        foreach (var config in new[] { "Release", "Debug" })
        {
            var dev = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Interlock.Server", "bin", config, "net10.0", ServerExecutable + ".dll"));
            if (File.Exists(dev)) return dev;
        }
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, ServerExecutable);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public const string RemoteHelp = """
        With an approval server (INTERLOCK_SERVER_URL and your human token in INTERLOCK_TOKEN):
          interlock requests [--status pending|approved|denied|expired|consumed]   List requests
          interlock approve <id> [--comment TEXT]    Approve (the agent's operator never counts; one vote each)
          interlock deny <id> [--comment TEXT]       Deny (one deny ends the request)
          interlock audit verify --server [--archive FILE]...
                                                     Verify the server's hash-chained audit trail (from its latest
                                                     checkpoint), and prove archive files against its checkpoints
          interlock audit export --server            Print it as JSON lines
          interlock audit prune --server --before <age|date> [--keep N] [--dry-run]
                                                     Archive the oldest records to the server's --audit-archive-dir
                                                     and prune them (members of its --audit-admin-group only)
        """;

    /// <summary>Whether a human's server connection is configured (then approvals go to the server).</summary>
    public static bool RemoteConfigured => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("INTERLOCK_SERVER_URL"));

    public static int Remote(string verb, string[] args)
    {
        if (args.Any(a => a is "-h" or "--help")) { Console.Out.WriteLine(RemoteHelp); return 0; }
        ServerConnection? server;
        try { server = ServerConnection.ForHuman(); }
        catch (ServerUnreachableException e) { return Fail(e.Message, 64); }
        if (server is null) return Fail("INTERLOCK_SERVER_URL is not set", 64);
        if (server.Token.Length == 0) return Fail("INTERLOCK_TOKEN is not set: approving needs your own human token (`interlock admin token human <you>`)", 64);
        using var client = server.Client(TimeSpan.FromSeconds(30));
        try
        {
            switch (verb)
            {
                case "approve" or "deny":
                {
                    if (args.Length == 0 || args[0].StartsWith('-')) return Fail($"`{verb}` needs a request id, e.g. interlock {verb} r3k9x2m7qp4", 64);
                    string? comment = null;
                    for (var i = 1; i < args.Length; i++)
                    {
                        if (args[i] is "--comment" or "-m" && i + 1 < args.Length) comment = args[++i];
                        else return Fail($"unknown option `{args[i]}` (use --comment TEXT)", 64);
                    }
                    using var body = new MemoryStream();
                    using (var w = new Utf8JsonWriter(body)) { w.WriteStartObject(); if (comment is not null) w.WriteString("comment", comment); w.WriteEndObject(); }
                    using var content = new ByteArrayContent(body.ToArray());
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = client.PostAsync($"v1/requests/{Uri.EscapeDataString(args[0])}/{verb}", content).GetAwaiter().GetResult();
                    var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                    if (!response.IsSuccessStatusCode) return Fail($"{ServerDecideStage.Detail(text)} (HTTP {(int)response.StatusCode})", 1);
                    using var doc = JsonDocument.Parse(text);
                    Console.Out.WriteLine(doc.RootElement.GetProperty("message").GetString());
                    return 0;
                }
                case "requests":
                {
                    var status = args.Length >= 2 && args[0] == "--status" ? args[1] : "pending";
                    var text = Get(client, $"v1/requests?status={Uri.EscapeDataString(status)}");
                    if (text is null) return 1;
                    using var doc = JsonDocument.Parse(text);
                    var any = false;
                    foreach (var r in doc.RootElement.GetProperty("requests").EnumerateArray())
                    {
                        any = true;
                        Console.Out.WriteLine($"{r.GetProperty("id").GetString()}  {r.GetProperty("status").GetString(),-8} {r.GetProperty("countedApprovals").GetInt32()}/{r.GetProperty("requiredApprovals").GetInt32()}  {r.GetProperty("environment").GetString(),-11} agent {r.GetProperty("agent").GetString()} (operator {r.GetProperty("operator").GetString()})");
                        Console.Out.WriteLine($"    {r.GetProperty("action").GetString()}");
                        Console.Out.WriteLine($"    {r.GetProperty("reason").GetString()}");
                        if (Where(r) is { } where) Console.Out.WriteLine($"    {where}");
                    }
                    if (!any) Console.Out.WriteLine($"no {status} requests");
                    return 0;
                }
                case "audit-verify":
                {
                    var archives = new List<string>();
                    for (var i = 0; i < args.Length; i++)
                    {
                        if (args[i] == "--archive" && i + 1 < args.Length) archives.Add(args[++i]);
                        else return Fail($"unexpected argument `{args[i]}` for `audit verify --server` (it takes --archive FILE)", 64);
                    }
                    var archivesIntact = true;
                    if (archives.Count > 0)
                    {
                        var listed = Get(client, "v1/audit/checkpoints");
                        if (listed is null) return 1;
                        using var list = JsonDocument.Parse(listed);
                        var checkpoints = list.RootElement.GetProperty("checkpoints").EnumerateArray().Select(ReadCheckpoint).ToList();
                        var report = new StringBuilder();
                        foreach (var path in archives)
                        {
                            Interlock.State.AuditArchiveVerification a;
                            try
                            {
                                using var file = File.OpenRead(path);
                                a = Interlock.State.AuditArchiveVerifier.VerifyAsync(file, Path.GetFileName(path), checkpoints).AsTask().GetAwaiter().GetResult();
                            }
                            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                            {
                                return Fail(Interlock.Core.DecisionMessages.Sentences($"cannot read the archive {path}: {e.Message}", "Give a copy of the file the server's prune wrote to its --audit-archive-dir."), 66);
                            }
                            archivesIntact &= a.Intact;
                            Interlock.State.AuditReport.AppendArchive(report, path, a);
                        }
                        Console.Out.Write(report.ToString());
                    }
                    var text = Get(client, "v1/audit/verify");
                    if (text is null) return 1;
                    using var doc = JsonDocument.Parse(text);
                    var r = doc.RootElement;
                    var from = r.TryGetProperty("checkpoint", out var cp) ? $" after checkpoint {ReadCheckpoint(cp).Id} ({ReadCheckpoint(cp).Describe()})" : "";
                    if (r.GetProperty("intact").GetBoolean())
                    {
                        Console.Out.WriteLine($"intact: {r.GetProperty("records").GetInt64()} records{from} on {server.Url}");
                        return archivesIntact ? 0 : 1;
                    }
                    Console.Out.WriteLine($"BROKEN: the audit trail on {server.Url} was tampered with:");
                    foreach (var p in r.GetProperty("problems").EnumerateArray()) Console.Out.WriteLine($"  #{p.GetProperty("sequence").GetInt64()} {p.GetProperty("kind").GetString()}: {p.GetProperty("message").GetString()}");
                    return 1;
                }
                case "audit-prune":
                {
                    string? before = null;
                    long? keep = null;
                    var dryRun = false;
                    for (var i = 0; i < args.Length; i++)
                    {
                        switch (args[i])
                        {
                            case "--before" when i + 1 < args.Length: before = args[++i]; break;
                            case "--keep" when i + 1 < args.Length && long.TryParse(args[i + 1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var k): keep = k; i++; break;
                            case "--dry-run": dryRun = true; break;
                            case "--archive-dir" or "--no-archive":
                                return Fail($"`{args[i]}` does not apply with --server: the server archives to its own --audit-archive-dir (set when it was started) and never prunes without one unless started with --audit-no-archive", 64);
                            default: return Fail($"unexpected argument `{args[i]}` for `audit prune --server` (it takes --before <age|date>, --keep N, --dry-run)", 64);
                        }
                    }
                    if (before is null && keep is null) return Fail("`audit prune --server` needs a cut-off: --before <age|date> (e.g. --before 90d) and/or --keep N", 64);
                    using var body = new MemoryStream();
                    using (var w = new Utf8JsonWriter(body))
                    {
                        w.WriteStartObject();
                        if (before is not null) w.WriteString("before", before);
                        if (keep is not null) w.WriteNumber("keep", keep.Value);
                        w.WriteBoolean("dryRun", dryRun);
                        w.WriteEndObject();
                    }
                    using var content = new ByteArrayContent(body.ToArray());
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = client.PostAsync("v1/audit/prune", content).GetAwaiter().GetResult();
                    var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                    if (!response.IsSuccessStatusCode)
                        return Fail($"{ServerDecideStage.Detail(text)} (HTTP {(int)response.StatusCode})", (int)response.StatusCode == 409 && text.Contains("\"conflict\"", StringComparison.Ordinal) ? 75 : 1);
                    using var doc = JsonDocument.Parse(text);
                    Console.Out.WriteLine(doc.RootElement.GetProperty("message").GetString());
                    return 0;
                }
                case "audit-export":
                {
                    using var response = client.GetAsync("v1/audit/export", HttpCompletionOption.ResponseHeadersRead).GetAwaiter().GetResult();
                    if (!response.IsSuccessStatusCode) return Fail($"{ServerDecideStage.Detail(response.Content.ReadAsStringAsync().GetAwaiter().GetResult())} (HTTP {(int)response.StatusCode})", 1);
                    using var stdout = Console.OpenStandardOutput();
                    response.Content.ReadAsStream().CopyTo(stdout);
                    return 0;
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return Fail($"could not reach the approval server at {server.Url}: {e.Message}", 69);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return Fail($"the server's answer could not be read: {e.Message}", 70);
        }
        return Fail($"unknown command `{verb}`", 64);
    }

    /// <summary>A checkpoint as GET /v1/audit/checkpoints and /v1/audit/verify give it.</summary>
    private static Interlock.State.AuditCheckpoint ReadCheckpoint(JsonElement e) => new(
        e.GetProperty("id").GetInt64(), e.GetProperty("firstSequence").GetInt64(), e.GetProperty("lastSequence").GetInt64(), e.GetProperty("lastHash").GetString()!,
        e.GetProperty("count").GetInt64(), Interlock.State.AuditChain.ParseTimestamp(e.GetProperty("prunedAt").GetString()!), e.GetProperty("archive").GetString(),
        e.GetProperty("archiveSha256").GetString(), e.GetProperty("previousHash").GetString()!, e.GetProperty("hash").GetString()!);

    /// <summary>"from host, in repository on branch", from what the request carries (older servers send less).</summary>
    private static string? Where(JsonElement r)
    {
        static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var (host, repository, branch) = (Text(r, "host"), Text(r, "repository"), Text(r, "branch"));
        var parts = new List<string>();
        if (host is not null) parts.Add($"from {host}");
        if (repository is not null) parts.Add($"in {repository}{(branch is null ? "" : $" on branch {branch}")}");
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }

    private static string? Get(HttpClient client, string path)
    {
        using var response = client.GetAsync(path).GetAwaiter().GetResult();
        var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        if (response.IsSuccessStatusCode) return text;
        Fail($"{ServerDecideStage.Detail(text)} (HTTP {(int)response.StatusCode})", 1);
        return null;
    }

    private static int Fail(string message, int code)
    {
        Console.Error.WriteLine($"interlock: {message}");
        return code;
    }
}
