using System.Text;
using System.Text.Json;
using Interlock.Cli.Mcp;
using Interlock.Core;

namespace Interlock.Fuzz.Targets;

/// <summary>The MCP proxy's JSON-RPC reader (<see cref="McpProxy.FromClient"/>) on arbitrary client traffic: the
/// input's lines are the client's messages, in order, to one proxy (so an initialize declaring elicitation, a
/// tools/call that asks, and the client's answer to the elicitation can meet). No line may throw; every message to
/// the client must be one JSON value; the proxy forwards client lines unchanged, never rewritten, never invented.
/// The audit and approval stages are left out (I/O); the decide stage is the real engine in the fuzz world.</summary>
public sealed class McpProxyTarget : IFuzzTarget
{
    private readonly Lazy<DecisionPipeline> _pipeline = new(() => new DecisionPipeline([new DecideStage(new Engine(), () => new FuzzWorld())]));

    public string Name => "mcp-proxy";
    public string Description => "McpProxy.FromClient on each line of the input (client -> server JSON-RPC traffic of one session)";

    public IEnumerable<string> Seeds(SeedSources sources) =>
    [
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{"elicitation":{}}}}""" + "\n"
            + """{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"query","arguments":{"sql":"DELETE FROM users"}}}""" + "\n"
            + """{"jsonrpc":"2.0","id":"interlock-approval-1","result":{"action":"accept","content":{"approve":true}}}""" + "\n",
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}""" + "\n"
            + """{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"run","arguments":{"command":"rm -rf ~"}}}""" + "\n",
        """{"jsonrpc":"2.0","method":"notifications/initialized"}""" + "\n" + """{"jsonrpc":"2.0","id":3,"method":"tools/list"}""" + "\n",
        """{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"exec","arguments":"{\"sql\":\"DROP TABLE t\"}"}}""" + "\n",
        """{"jsonrpc":"2.0","id":null,"method":"tools/call","params":[]}""" + "\n" + "not json\n" + "[1,2]\n",
        """{"jsonrpc":"2.0","id":"interlock-approval-1","result":{"action":"decline"}}""" + "\n",
    ];

    public void Run(byte[] input)
    {
        var lines = Encoding.UTF8.GetString(input).Split('\n');
        var client = new StringWriter();
        var upstream = new StringWriter();
        var proxy = new McpProxy("db", () => _pipeline.Value, client, upstream, "/home/dev/project");
        foreach (var line in lines) proxy.FromClient(line);

        foreach (var message in client.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (message.Contains("[internal-error]", StringComparison.Ordinal)) throw new FuzzFinding("internal error answered to the client: " + message);
            try
            {
                using var _ = JsonDocument.Parse(message);
            }
            catch (JsonException e)
            {
                throw new FuzzFinding($"the proxy sent the client something that is not JSON ({e.Message}): {message}");
            }
        }
        // Forwarded lines are client lines, unchanged and in order (a held call may come later than the lines after it).
        var sent = new HashSet<string>(lines, StringComparer.Ordinal);
        foreach (var forwarded in upstream.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            if (!sent.Contains(forwarded)) throw new FuzzFinding("the proxy forwarded a line the client never sent: " + forwarded);
    }
}
