using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>
/// `interlock mcp` (the real process, between a scripted client and the test MCP server) connected to a real approval
/// server: an ask becomes the server's pending request, even for a client that could elicit (approvals are the
/// server's, with its approver groups and two-person rule), and the identical call passes once humans approve it.
/// </summary>
public sealed class McpProxyServerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "interlock-mcp-server-" + Guid.NewGuid().ToString("N")[..12]);

    public McpProxyServerTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Exe => Path.Combine(AppContext.BaseDirectory, "interlock");

    private static string McpServerDll
    {
        get
        {
            var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // .../bin/<Debug|Release>/net10.0/
            var dll = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "Interlock.McpTestServer", "bin", config, "net10.0", "Interlock.McpTestServer.dll"));
            Assert.True(File.Exists(dll), $"the test MCP server is built ({dll})");
            return dll;
        }
    }

    private const string Init = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{"elicitation":{}},"clientInfo":{"name":"scripted","version":"1"}}}""";

    private static string Destroy(int id) =>
        """{"jsonrpc":"2.0","id":""" + id + ""","method":"tools/call","params":{"name":"echo","arguments":{"command":"terraform destroy"}}}""";

    [Fact]
    public async Task An_ask_is_the_servers_pending_request_and_the_approved_retry_reaches_the_mcp_server_once()
    {
        await using var t = await TestServer.StartAsync();
        var workspace = Path.Combine(_dir, "infra", "prod-eu");
        Directory.CreateDirectory(workspace);
        var log = Path.Combine(_dir, "mcp.log");
        var psi = new ProcessStartInfo(Exe, ["mcp", "--name", "ops", "--", "dotnet", McpServerDll])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workspace,
        };
        psi.Environment["INTERLOCK_SERVER_URL"] = t.Url;
        psi.Environment["INTERLOCK_AGENT_TOKEN"] = t.AgentToken;
        psi.Environment["INTERLOCK_HOOK_TIMEOUT_MS"] = "25000";
        psi.Environment["INTERLOCK_STATE_DIR"] = Path.Combine(_dir, "state");
        psi.Environment["INTERLOCK_CONFIG_DIR"] = psi.Environment["INTERLOCK_SYSTEM_CONFIG_DIR"] = Path.Combine(_dir, "no-policy");
        psi.Environment["TEST_MCP_LOG"] = log;
        using var proxy = Process.Start(psi)!;
        proxy.ErrorDataReceived += (_, _) => { };
        proxy.BeginErrorReadLine();

        // Sends a request and returns the message that answers its id (a request from the proxy, like
        // elicitation/create, would carry another id and fail the test's assertions).
        string Call(string line)
        {
            proxy.StandardInput.Write(line + "\n");
            proxy.StandardInput.Flush();
            var read = proxy.StandardOutput.ReadLineAsync();
            Assert.True(read.Wait(60_000), "the proxy answers in time");
            return read.Result!;
        }

        try
        {
            Assert.Contains("\"serverInfo\"", Call(Init));
            var first = JsonDocument.Parse(Call(Destroy(3))).RootElement;
            Assert.Equal(3, first.GetProperty("id").GetInt32());
            Assert.True(first.GetProperty("result").GetProperty("isError").GetBoolean());
            var text = first.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;

            using var human = t.Client(t.Ana);
            var pending = (await human.GetFromJsonElement("v1/requests?status=pending")).GetProperty("requests")[0];
            var id = pending.GetProperty("id").GetString()!;
            Assert.Contains($"request {id} is waiting", text);
            Assert.Contains($"interlock approve {id}", text);

            await t.VoteAsync(t.Ana, id, true);
            await t.VoteAsync(t.Ben, id, true);
            Assert.Contains("echo ran with", Call(Destroy(4)));
            Assert.Contains("\"isError\":true", Call(Destroy(5))); // the grant was used once
        }
        finally
        {
            proxy.StandardInput.Close();
            if (!proxy.WaitForExit(10_000)) proxy.Kill(entireProcessTree: true);
        }
        var seen = File.ReadAllText(log);
        Assert.DoesNotContain("\"id\":3", seen);
        Assert.Contains("\"id\":4", seen);
        Assert.DoesNotContain("\"id\":5", seen);
    }
}
