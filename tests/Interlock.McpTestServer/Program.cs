using System.Text.Json;
using System.Text.Json.Nodes;

// A small MCP server (stdio transport, newline-delimited JSON-RPC) for the proxy tests: tools `query` (runs "SQL")
// and `echo`, and one request it sends to the client itself (a log notification) so pass-through is both ways.
// Every line it receives is appended to $TEST_MCP_LOG, so a test can prove a stopped call never reached it.
var log = Environment.GetEnvironmentVariable("TEST_MCP_LOG");
var stdout = Console.Out;
string? line;
while ((line = Console.In.ReadLine()) is not null)
{
    if (log is not null) File.AppendAllText(log, line + "\n");
    var msg = JsonNode.Parse(line)!.AsObject();
    var method = (string?)msg["method"];
    var id = msg["id"]?.DeepClone();
    JsonNode? result = method switch
    {
        "initialize" => JsonNode.Parse("""{"protocolVersion":"2025-06-18","capabilities":{"tools":{"listChanged":false},"logging":{}},"serverInfo":{"name":"testdb","version":"1.0.0"}}"""),
        "tools/list" => JsonNode.Parse("""{"tools":[{"name":"query","description":"Run SQL","inputSchema":{"type":"object","properties":{"sql":{"type":"string"}},"required":["sql"]}},{"name":"echo","description":"Echo text","inputSchema":{"type":"object","properties":{"text":{"type":"string"}}}}]}"""),
        "tools/call" => new JsonObject
        {
            ["content"] = new JsonArray(new JsonObject { ["type"] = "text", ["text"] = $"{msg["params"]!["name"]} ran with {msg["params"]!["arguments"]!.ToJsonString()}" }),
            ["isError"] = false,
        },
        "ping" => new JsonObject(),
        _ => null,
    };
    if (method == "notifications/initialized")
    {
        stdout.WriteLine("""{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"test server ready"}}""");
        stdout.Flush();
        continue;
    }
    if (id is null) continue;
    var response = result is null
        ? new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["error"] = new JsonObject { ["code"] = -32601, ["message"] = "Method not found" } }
        : new JsonObject { ["jsonrpc"] = "2.0", ["id"] = id, ["result"] = result };
    stdout.WriteLine(response.ToJsonString());
    stdout.Flush();
}
