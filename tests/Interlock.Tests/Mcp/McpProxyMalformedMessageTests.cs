using Interlock.Cli.Mcp;
using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Mcp;

/// <summary>Client messages holding strings that parse as JSON but cannot be read (an unpaired surrogate escape
/// such as \ud800: System.Text.Json accepts it, GetString throws). They used to throw out of the proxy's reader,
/// which ended the whole MCP session; a tools/call was stopped with a generic internal error instead of saying what
/// was wrong. Found by reading the code while adding the mcp-proxy fuzz target (docs/robustness.md).</summary>
public sealed class McpProxyMalformedMessageTests
{
    private static (McpProxy Proxy, StringWriter Client, StringWriter Upstream) Proxy()
    {
        var client = new StringWriter();
        var upstream = new StringWriter();
        var proxy = new McpProxy("db", () => new DecisionPipeline([new DecideStage(new Engine(), () => new TestWorld())]), client, upstream, TestWorld.Project);
        return (proxy, client, upstream);
    }

    [Fact]
    public void A_response_with_an_unreadable_id_is_forwarded_not_thrown()
    {
        var (proxy, client, upstream) = Proxy();
        var line = """{"jsonrpc":"2.0","id":"\ud800","result":{"action":"accept","content":{"approve":true}}}""";
        proxy.FromClient(line);
        Assert.Equal(line + "\n", upstream.ToString());
        Assert.Equal("", client.ToString());
    }

    [Fact]
    public void A_message_with_an_unreadable_method_is_forwarded_not_thrown()
    {
        var (proxy, _, upstream) = Proxy();
        var line = """{"jsonrpc":"2.0","id":1,"method":"tools/\udc00call","params":{}}""";
        proxy.FromClient(line);
        Assert.Equal(line + "\n", upstream.ToString());
    }

    [Fact]
    public void A_tools_call_with_an_unreadable_tool_name_or_argument_is_stopped_as_malformed_and_not_forwarded()
    {
        foreach (var line in (string[])[
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"que\ud800ry","arguments":{"sql":"DROP TABLE users"}}}""",
            """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"query","arguments":"{\"sql\":\"DROP TABLE users\ud800\"}"}}"""])
        {
            var (proxy, client, upstream) = Proxy();
            proxy.FromClient(line);
            Assert.Equal("", upstream.ToString());
            var answer = client.ToString();
            Assert.Contains("\"isError\":true", answer);
            Assert.Contains("not valid JSON", answer);
            Assert.DoesNotContain("internal-error", answer);
        }
    }
}
