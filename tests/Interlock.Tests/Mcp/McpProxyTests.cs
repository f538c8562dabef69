using System.Diagnostics;
using System.Text.Json;
using Interlock.Tests.Hooks;
using Xunit;

namespace Interlock.Tests.Mcp;

/// <summary>
/// `interlock mcp` between a scripted client and a real MCP server process (tests/Interlock.McpTestServer): the
/// session passes through byte for byte, except the calls Interlock stops, which the server never receives.
/// </summary>
public sealed class McpProxyTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "interlock-mcp-" + Guid.NewGuid().ToString("N"));

    public McpProxyTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ServerDll
    {
        get
        {
            var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // .../bin/<Debug|Release>/net10.0/
            var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Interlock.McpTestServer", "bin", config, "net10.0", "Interlock.McpTestServer.dll"));
            Assert.True(File.Exists(dll), $"the test MCP server is built ({dll})");
            return dll;
        }
    }

    /// <summary>A stdio session with a process: send lines, read lines with a timeout.</summary>
    private sealed class Session : IDisposable
    {
        private readonly Process _p;
        public readonly List<string> Received = [];

        public Session(string file, string[] args, Dictionary<string, string> env, string? cwd = null)
        {
            var psi = new ProcessStartInfo(file, args) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            if (cwd is not null) psi.WorkingDirectory = cwd;
            foreach (var (k, v) in env) psi.Environment[k] = v;
            _p = Process.Start(psi)!;
            _p.ErrorDataReceived += (_, _) => { };
            _p.BeginErrorReadLine();
        }

        public void Send(string line)
        {
            _p.StandardInput.Write(line + "\n");
            _p.StandardInput.Flush();
        }

        public string Next()
        {
            var read = _p.StandardOutput.ReadLineAsync();
            Assert.True(read.Wait(30_000), "a message arrives in time");
            Assert.NotNull(read.Result);
            Received.Add(read.Result!);
            return read.Result!;
        }

        /// <summary>Sends a request and reads until the response with its id, keeping everything received.</summary>
        public string Call(string line)
        {
            Send(line);
            var id = JsonDocument.Parse(line).RootElement.GetProperty("id").GetRawText();
            while (true)
            {
                var m = Next();
                using var doc = JsonDocument.Parse(m);
                if (doc.RootElement.TryGetProperty("id", out var got) && got.GetRawText() == id && !doc.RootElement.TryGetProperty("method", out _)) return m;
            }
        }

        public void Dispose()
        {
            _p.StandardInput.Close();
            if (!_p.WaitForExit(10_000)) _p.Kill(entireProcessTree: true);
            _p.Dispose();
        }
    }

    private const string Init = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"scripted","version":"1"}}}""";
    private const string InitElicit = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"elicitation":{}},"clientInfo":{"name":"scripted","version":"1"}}}""";
    private const string Initialized = """{"jsonrpc":"2.0","method":"notifications/initialized"}""";
    private const string List = """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""";
    private const string Select = """{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"query","arguments":{"sql":"SELECT * FROM users"}}}""";
    private const string Drop = """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"query","arguments":{"sql":"DROP TABLE users"}}}""";
    private const string WipeRoot = """{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"echo","arguments":{"command":"rm -rf /"}}}""";
    private const string Ping = """{"jsonrpc":"2.0","id":"p-1","method":"ping"}""";

    // The proxy decides as the hook does for its working directory: its policy layers (system, user, and the
    // project's .interlock/) all live in this test's directory, never the machine's. The deadline is generous
    // because a loaded CI machine can take seconds to start a process.
    private Session Proxy(string log, Dictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>
        {
            ["INTERLOCK_STATE_DIR"] = Path.Combine(_dir, "state"),
            ["INTERLOCK_CONFIG_DIR"] = Path.Combine(_dir, "user-config"),
            ["INTERLOCK_SYSTEM_CONFIG_DIR"] = Path.Combine(_dir, "system-config"),
            ["INTERLOCK_HOOK_TIMEOUT_MS"] = "25000",
            ["TEST_MCP_LOG"] = log,
        };
        foreach (var (k, v) in extra ?? []) env[k] = v;
        Directory.CreateDirectory(Path.Combine(_dir, "project", ".git"));
        return new(HookProcessTests.Exe, ["mcp", "--name", "testdb", "--", "dotnet", ServerDll], env, Path.Combine(_dir, "project"));
    }

    private Session Direct(string log) => new("dotnet", [ServerDll], new() { ["TEST_MCP_LOG"] = log });

    [Fact]
    public void A_session_passes_through_untouched_except_the_stopped_calls()
    {
        // The same session straight to the server, for the bytes the client must see through the proxy.
        string[] expected;
        using (var direct = Direct(Path.Combine(_dir, "direct.log")))
        {
            expected = [direct.Call(Init), "", direct.Call(List), direct.Call(Select), direct.Call(Ping)];
            direct.Send(Initialized);
            expected[1] = direct.Next();
        }

        var log = Path.Combine(_dir, "proxied.log");
        using (var proxy = Proxy(log))
        {
            Assert.Equal(expected[0], proxy.Call(Init));
            proxy.Send(Initialized);
            Assert.Equal(expected[1], proxy.Next()); // the server's own notification, unchanged
            Assert.Equal(expected[2], proxy.Call(List));
            Assert.Equal(expected[3], proxy.Call(Select));

            var drop = JsonDocument.Parse(proxy.Call(Drop)).RootElement;
            Assert.True(drop.GetProperty("result").GetProperty("isError").GetBoolean());
            Assert.StartsWith("Interlock needs a human to approve this call of query [data.destroy]: `mcp__testdb__query` drops table `users` in the database behind MCP server `testdb`",
                drop.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString());
            Assert.Contains("it is waiting as request", drop.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()); // a human approves it with `interlock approve <id>`

            Assert.Equal(
                """{"jsonrpc":"2.0","id":5,"result":{"content":[{"type":"text","text":"Interlock blocked this call of echo [fs.delete-root]: \u0060rm -rf /\u0060 deletes the whole file system (/) and everything in it (run via MCP tool mcp__testdb__echo). Why this stops: nothing on the machine would survive. Instead: Delete the specific files you mean, by path, inside the project."}],"isError":true}}""",
                proxy.Call(WipeRoot));
            Assert.Equal(expected[4], proxy.Call(Ping));
        }
        // The server saw every message of the session byte for byte, except the two stopped calls.
        Assert.Equal(string.Join("\n", new[] { Init, Initialized, List, Select, Ping }) + "\n", File.ReadAllText(log));
    }

    [Fact]
    public void An_ask_is_put_to_a_client_that_supports_elicitation()
    {
        var log = Path.Combine(_dir, "elicit.log");
        using (var proxy = Proxy(log))
        {
            proxy.Call(InitElicit);
            proxy.Send(Initialized);
            proxy.Next();

            proxy.Send(Drop);
            var request = JsonDocument.Parse(proxy.Next()).RootElement;
            Assert.Equal("elicitation/create", request.GetProperty("method").GetString());
            Assert.Equal("interlock-approval-1", request.GetProperty("id").GetString());
            Assert.Contains("drops table `users`", request.GetProperty("params").GetProperty("message").GetString());
            Assert.Equal("boolean", request.GetProperty("params").GetProperty("requestedSchema").GetProperty("properties").GetProperty("approve").GetProperty("type").GetString());
            // A human approves: the held call goes to the server, and its own answer comes back.
            var result = ReplyAndWait(proxy, """{"jsonrpc":"2.0","id":"interlock-approval-1","result":{"action":"accept","content":{"approve":true}}}""", 4);
            Assert.Equal("""{"jsonrpc":"2.0","id":4,"result":{"content":[{"type":"text","text":"query ran with {\u0022sql\u0022:\u0022DROP TABLE users\u0022}"}],"isError":false}}""", result);

            // A human declines: a tool error, and the server never sees the call.
            proxy.Send(Drop.Replace("\"id\":4", "\"id\":6"));
            var second = JsonDocument.Parse(proxy.Next()).RootElement;
            Assert.Equal("interlock-approval-2", second.GetProperty("id").GetString());
            var declined = ReplyAndWait(proxy, """{"jsonrpc":"2.0","id":"interlock-approval-2","result":{"action":"decline"}}""", 6);
            Assert.Contains("the human did not approve this tool call (the approval request got decline)", declined);
            Assert.Contains("\"isError\":true", declined);
        }
        var seen = File.ReadAllText(log);
        Assert.Contains("\"id\":4", seen);
        Assert.DoesNotContain("\"id\":6", seen);
        Assert.DoesNotContain("interlock-approval", seen); // the approval exchange stays between proxy and client
        // The trail holds each ask and the human's answer to it, and still verifies.
        var state = new Dictionary<string, string> { ["INTERLOCK_STATE_DIR"] = Path.Combine(_dir, "state") };
        var trail = HookProcessTests.Interlock("", state, "audit", "export", "--jsonl").Stdout;
        Assert.Contains("A human approved this testdb tool call", trail);
        Assert.Contains("The human did not approve this testdb tool call (the elicitation got decline)", trail);
        Assert.Equal(2, trail.Split('\n').Count(l => l.Contains("\"mcp.elicitation\"")));
        Assert.Equal(0, HookProcessTests.Interlock("", state, "audit", "verify").Exit);
    }

    private static string ReplyAndWait(Session s, string reply, int id)
    {
        s.Send(reply);
        while (true)
        {
            var m = s.Next();
            using var doc = JsonDocument.Parse(m);
            if (doc.RootElement.TryGetProperty("id", out var got) && got.ValueKind == JsonValueKind.Number && got.GetInt32() == id) return m;
        }
    }

    [Fact]
    public void Without_elicitation_a_human_approves_the_pending_request_and_the_retry_reaches_the_server_once()
    {
        var log = Path.Combine(_dir, "approve.log");
        using (var proxy = Proxy(log))
        {
            proxy.Call(Init);
            var stopped = proxy.Call(Drop);
            Assert.Contains("\"isError\":true", stopped);
            var id = HookProcessTests.PendingId(stopped);
            Assert.Equal(0, HookProcessTests.Interlock("", new Dictionary<string, string> { ["INTERLOCK_STATE_DIR"] = Path.Combine(_dir, "state") }, "approve", id).Exit);

            var retry = proxy.Call(Drop.Replace("\"id\":4", "\"id\":7"));
            Assert.Contains("query ran with", retry);
            var again = proxy.Call(Drop.Replace("\"id\":4", "\"id\":8"));
            Assert.Contains("\"isError\":true", again);
        }
        var seen = File.ReadAllText(log);
        Assert.Contains("\"id\":7", seen);
        Assert.DoesNotContain("\"id\":4", seen);
        Assert.DoesNotContain("\"id\":8", seen);
    }

    [Theory]
    [InlineData("""{}""", true)] // 2025-06-18: an empty object
    [InlineData("""{"form":{}}""", true)] // 2025-11-25
    [InlineData("""{"form":{},"url":{}}""", true)]
    [InlineData("""{"url":{}}""", false)] // URL mode only: cannot fill in the proxy's form
    [InlineData("""true""", false)]
    public void Elicitation_is_used_only_when_the_client_declared_form_mode(string capability, bool expected)
    {
        using var doc = JsonDocument.Parse(capability);
        Assert.Equal(expected, Interlock.Cli.Mcp.McpProxy.SupportsFormMode(doc.RootElement));
    }

    [Fact]
    public void A_client_with_url_only_elicitation_gets_a_pending_request_instead()
    {
        var log = Path.Combine(_dir, "url-only.log");
        using (var proxy = Proxy(log))
        {
            proxy.Call(InitElicit.Replace("\"elicitation\":{}", "\"elicitation\":{\"url\":{}}"));
            var stopped = proxy.Call(Drop); // the answer to the call itself, not an elicitation/create
            Assert.Contains("\"isError\":true", stopped);
            Assert.Contains("interlock approve " + HookProcessTests.PendingId(stopped), stopped);
        }
        Assert.DoesNotContain("DROP TABLE", File.ReadAllText(log));
    }

    [Fact]
    public void The_proxy_decides_with_the_layered_policy_of_its_directory()
    {
        // The user layer turns the ask on dropping a table into a deny: no elicitation, no pending request.
        Directory.CreateDirectory(Path.Combine(_dir, "user-config"));
        File.WriteAllText(Path.Combine(_dir, "user-config", "policy.yaml"), "overrides:\n  data.destroy: { verdict: deny }\n");
        var log = Path.Combine(_dir, "layered.log");
        using (var proxy = Proxy(log))
        {
            proxy.Call(InitElicit);
            var denied = proxy.Call(Drop);
            Assert.Contains("\"isError\":true", denied);
            Assert.Contains("Interlock blocked this call of query [data.destroy]", denied);
            Assert.DoesNotContain("waiting as request", denied);
        }

        // An invalid project policy stops every call, even a harmless one, and says where the error is.
        var project = Path.Combine(_dir, "project", ".interlock", "policy.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        File.WriteAllText(project, "rules:\n  - id: x\n    verdikt: ask\n");
        using (var proxy = Proxy(log))
        {
            proxy.Call(Init);
            var stopped = proxy.Call(Select);
            Assert.Contains("\"isError\":true", stopped);
            Assert.Contains("policy file is invalid", stopped);
            Assert.Contains(project + ":3:5", stopped);
        }
        Assert.DoesNotContain("tools/call", File.ReadAllText(log));
    }

    [Theory]
    [InlineData("--url", "https://example.com/mcp")]
    [InlineData("--url=https://example.com/mcp", "--name")]
    public void A_streamable_http_upstream_is_refused_with_the_stdio_bridge_to_use_instead(string a, string b)
    {
        var (stdout, stderr, exit) = HookProcessTests.Interlock("", null, "mcp", a, b);
        Assert.Equal(64, exit);
        Assert.Equal("", stdout);
        Assert.Contains("Streamable HTTP servers (--url) are not supported yet", stderr);
        Assert.Contains("-- npx -y mcp-remote https://host/mcp", stderr);
    }
}
