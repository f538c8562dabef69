using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>
/// One decision pipeline behind every entry point: the same actions, in one scratch environment (HOME, state
/// directory, a project with its own policy file), through `interlock hook` deciding in-process, `interlock-hook`
/// served by the daemon, the MCP proxy, and Interlock.Guard inside a .NET agent (tests/Interlock.GuardHost). Each
/// must reach the same verdict and rule, leave its record in the one audit trail, and hold an ask as a request a
/// human approves with `interlock approve`.
/// </summary>
public sealed class EntryPointParityTests : IDisposable
{
    // Under HOME, not /tmp, as users' projects are; short enough for the daemon's socket path.
    private readonly string _root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "il-tests", "p" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Process> _daemons = [];
    private readonly List<string> _daemonLog = [];

    private string Home => Path.Combine(_root, "home");
    private string Repo => Path.Combine(_root, "home", "repo");
    private string State => Path.Combine(_root, "state");

    private static string Bin(string name) => Path.Combine(AppContext.BaseDirectory, name);

    private static string SiblingDll(string project)
    {
        var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // .../bin/<Debug|Release>/net10.0/
        var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", project, "bin", config, "net10.0", project + ".dll"));
        Assert.True(File.Exists(dll), $"{project} is built ({dll})");
        return dll;
    }

    /// <summary>Shell commands with what every entry point must decide (before an adapter renders it: harnesses
    /// without ask show an ask as a deny that names the pending request, and record it as such).</summary>
    private static readonly (string Command, string Rule)[] Shell =
    [
        ("git status", "allow"),
        ("rm -rf node_modules", "allow"),
        ("rm -rf ~", "fs.delete-home"),
        ("git reset --hard", "git.discard-changes"),
        ("terraform apply", "project.no-terraform"), // the project's policy file, not a built-in rule
    ];

    /// <summary>MCP tool calls (server testdb, tool query).</summary>
    private static readonly (string Sql, string Rule)[] Sql =
    [
        ("SELECT count(*) FROM users", "allow"),
        ("DROP TABLE users", "data.destroy"),
    ];

    public EntryPointParityTests()
    {
        Directory.CreateDirectory(Repo);
        Directory.CreateDirectory(State);
        Git("init", "-q");
        File.WriteAllText(Path.Combine(Repo, "a.txt"), "one\n");
        Git("add", ".");
        Git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "init");
        File.AppendAllText(Path.Combine(Repo, "a.txt"), "uncommitted work\n");
        Directory.CreateDirectory(Path.Combine(Repo, ".interlock"));
        File.WriteAllText(Path.Combine(Repo, ".interlock", "policy.yaml"), """
            version: 1
            rules:
              - id: project.no-terraform
                match: { executable: terraform }
                verdict: deny
                message: this repository is not deployed from an agent
            """);
    }

    public void Dispose()
    {
        foreach (var d in _daemons)
        {
            try { d.Kill(); d.WaitForExit(5000); } catch (InvalidOperationException) { }
            d.Dispose();
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private void Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = Repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Home;
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    private ProcessStartInfo Start(string file, IEnumerable<string> args, string daemon = "off")
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repo };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Home;
        psi.Environment["INTERLOCK_STATE_DIR"] = State;
        // No user or system policy from the machine; the project's file applies.
        psi.Environment["INTERLOCK_CONFIG_DIR"] = psi.Environment["INTERLOCK_SYSTEM_CONFIG_DIR"] = "/nonexistent/interlock-tests-no-policy";
        psi.Environment["INTERLOCK_DAEMON"] = daemon;
        // JIT-compiled test builds on a loaded machine: the deadline is not what this tests.
        psi.Environment["INTERLOCK_HOOK_TIMEOUT_MS"] = "60000";
        foreach (var v in new[] { "INTERLOCK_SERVER_URL", "INTERLOCK_AGENT_TOKEN", "XDG_CONFIG_HOME", "XDG_STATE_HOME" }) psi.Environment.Remove(v);
        return psi;
    }

    private (int Exit, string Stdout, string Stderr) Run(ProcessStartInfo psi, string stdin)
    {
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(120_000), $"{psi.FileName} finished in time");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static string Json(string s) => JsonSerializer.Serialize(s, JsonStrings.Default.String);

    /// <summary>A function call as the guard host and MCP's tools/call params both write it.</summary>
    private static string Call(string name, string argument, string value) =>
        new JsonObject { ["name"] = name, ["arguments"] = new JsonObject { [argument] = value } }.ToJsonString();

    private static string CodexEvent(string session, string cwd, string tool, string toolInput) =>
        "{\"session_id\":" + Json(session) + ",\"turn_id\":\"t\",\"cwd\":" + Json(cwd) + ",\"hook_event_name\":\"PreToolUse\",\"model\":\"m\",\"permission_mode\":\"default\",\"tool_name\":" + Json(tool) + ",\"tool_input\":" + toolInput + "}";

    /// <summary>Every action as Codex hook events for <paramref name="session"/>, in order: shell commands, then MCP tool calls.</summary>
    private IEnumerable<string> CodexEvents(string session) =>
        Shell.Select(s => CodexEvent(session, Repo, "Bash", "{\"command\":" + Json(s.Command) + "}"))
            .Concat(Sql.Select(q => CodexEvent(session, Repo, "mcp__testdb__query", "{\"sql\":" + Json(q.Sql) + "}")));

    private void HookCalls(string executable, string session, string daemon)
    {
        foreach (var e in CodexEvents(session))
        {
            var (exit, stdout, stderr) = Run(Start(executable, ["hook", "codex"], daemon), e);
            Assert.True(exit == 0, $"hook exit {exit}: {stderr}");
            Assert.DoesNotContain("internal-error", stdout);
        }
    }

    /// <summary>Starts `interlock daemon` in this environment and waits until it listens.</summary>
    private void StartDaemon()
    {
        var p = Process.Start(Start(Bin("interlock"), ["daemon", "--verbose", "--idle-minutes", "2"], daemon: "auto"))!;
        _daemons.Add(p);
        var listening = new TaskCompletionSource();
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_daemonLog) _daemonLog.Add(e.Data);
            if (e.Data.Contains("serving hook calls on ")) listening.TrySetResult();
        };
        p.BeginErrorReadLine();
        Assert.True(listening.Task.Wait(60_000), "the daemon started listening");
    }

    private List<JsonObject> GuardCalls(string session, string? approve = null)
    {
        var lines = Shell.Select(s => Call("run_shell_command", "command", s.Command))
            .Concat(Sql.Select(q => Call("query", "sql", q.Sql)));
        return GuardRun(session, lines, approve);
    }

    private List<JsonObject> GuardRun(string session, IEnumerable<string> lines, string? approve = null)
    {
        string[] args = approve is null ? [SiblingDll("Interlock.GuardHost"), Repo, session] : [SiblingDll("Interlock.GuardHost"), Repo, session, "--approve", approve];
        var (exit, stdout, stderr) = Run(Start("dotnet", args), string.Join("\n", lines) + "\n");
        Assert.True(exit == 0, $"guard host exit {exit}: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }

    /// <summary>The MCP proxy in front of the test server, with a client that cannot elicit: the two queries.</summary>
    private List<string> McpCalls()
    {
        var messages = new List<string>
        {
            """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"scripted","version":"1"}}}""",
            """{"jsonrpc":"2.0","method":"notifications/initialized"}""",
        };
        var id = 10;
        foreach (var (sql, _) in Sql)
            messages.Add("{\"jsonrpc\":\"2.0\",\"id\":" + id++ + ",\"method\":\"tools/call\",\"params\":" + Call("query", "sql", sql) + "}");
        var (exit, stdout, stderr) = Run(Start(Bin("interlock"), ["mcp", "--name", "testdb", "--", "dotnet", SiblingDll("Interlock.McpTestServer")]), string.Join("\n", messages) + "\n");
        Assert.True(exit == 0, $"mcp proxy exit {exit}: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    private List<JsonObject> Audit()
    {
        var (exit, stdout, stderr) = Run(Start(Bin("interlock"), ["audit", "export", "--jsonl"]), "");
        Assert.True(exit == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
    }

    private static List<(string Verdict, string Rule)> Decisions(IEnumerable<JsonObject> records, string harness, string session) =>
        records.Where(r => (string?)r["harness"] == harness && (string?)r["session_id"] == session)
            .Select(r => ((string)r["verdict"]!, (string)r["rule_id"]!)).ToList();

    /// <summary>What a caller that cannot ask records: allow stays allow, every other ruling is a stop.</summary>
    private static List<(string, string)> Expected(IEnumerable<string> rules) =>
        rules.Select(rule => (rule == "allow" ? "allow" : "deny", rule)).ToList();

    [Fact]
    public void Every_entry_point_reaches_the_same_decision_and_records_it()
    {
        HookCalls(Bin("interlock"), "in-process", daemon: "off");
        StartDaemon();
        HookCalls(Bin("interlock-hook"), "daemon", daemon: "auto");
        var guard = GuardCalls("guard");
        var mcp = McpCalls();

        var audit = Audit();
        var expected = Expected(Shell.Select(s => s.Rule).Concat(Sql.Select(q => q.Rule)));
        Assert.Equal(expected, Decisions(audit, "codex", "in-process"));
        Assert.Equal(expected, Decisions(audit, "codex", "daemon"));
        Assert.Equal(expected, Decisions(audit, "dotnet", "guard"));
        // The proxy records its calls under the server's name.
        Assert.Equal(Expected(Sql.Select(q => q.Rule)), Decisions(audit, "mcp", "testdb"));

        // The daemon answered every interlock-hook call (none was passed on to be decided in-process).
        lock (_daemonLog) Assert.Equal(Shell.Length + Sql.Length, _daemonLog.Count(l => l.StartsWith("interlock daemon: codex exit 0", StringComparison.Ordinal)));
        var (_, verify, _) = Run(Start(Bin("interlock"), ["audit", "verify"]), "");
        Assert.Contains($"intact: {audit.Count} records", verify);

        // The guarded agent ran exactly what was allowed, and was told why the rest did not run.
        Assert.Equal(Shell.Select(s => s.Rule == "allow").Concat(Sql.Select(q => q.Rule == "allow")), guard.Select(g => (bool)g["ran"]!));
        Assert.Contains("[project.no-terraform]", (string)guard[4]["result"]!);
        Assert.Contains("interlock approve r", (string)guard[3]["result"]!);
        // The proxy forwarded the SELECT and stopped the DROP with the same reason.
        Assert.Contains(mcp, l => l.Contains("query ran with") && l.Contains("SELECT"));
        Assert.Contains(mcp, l => l.Contains("data.destroy") && l.Contains("\"isError\":true"));
        Assert.DoesNotContain(mcp, l => l.Contains("query ran with") && l.Contains("DROP"));
    }

    [Fact]
    public void An_ask_from_the_guard_waits_for_interlock_approve_and_its_identical_retry_passes_once()
    {
        var reset = Call("run_shell_command", "command", "git reset --hard");
        var first = GuardRun("g1", [reset]).Single();
        Assert.False((bool)first["ran"]!);
        var id = System.Text.RegularExpressions.Regex.Match((string)first["result"]!, @"interlock approve (r[a-z0-9]+)").Groups[1].Value;
        Assert.NotEmpty(id);

        var (exit, _, stderr) = Run(Start(Bin("interlock"), ["approve", id]), "");
        Assert.True(exit == 0, stderr);
        var again = GuardRun("g1", [reset, reset]);
        Assert.Equal([true, false], again.Select(g => (bool)g["ran"]!)); // once
        Assert.Contains("approval.granted", Decisions(Audit(), "dotnet", "g1").Select(d => d.Rule));
    }

    [Fact]
    public void An_ask_the_agent_puts_to_its_own_human_is_recorded_with_the_answer()
    {
        var reset = Call("run_shell_command", "command", "git reset --hard");
        Assert.True((bool)GuardRun("yes", [reset], approve: "yes").Single()["ran"]!);
        Assert.False((bool)GuardRun("no", [reset], approve: "no").Single()["ran"]!);
        var audit = Audit();
        // The pipeline's ask (not turned into a pending request: this caller asks its human), then the answer.
        Assert.Equal([("ask", "git.discard-changes"), ("allow", "guard.human-answer")], Decisions(audit, "dotnet", "yes"));
        Assert.Equal([("ask", "git.discard-changes"), ("deny", "guard.human-answer")], Decisions(audit, "dotnet", "no"));
    }
}
