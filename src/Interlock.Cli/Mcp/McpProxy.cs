using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Interlock.Core;

namespace Interlock.Cli.Mcp;

/// <summary>
/// A transparent MCP proxy over stdio (MCP specification 2025-06-18, "Transports: stdio": newline-delimited JSON-RPC
/// 2.0 messages, https://modelcontextprotocol.io/specification/2025-06-18/basic/transports). Every message passes
/// through byte for byte, both ways, except a client's `tools/call` request, which goes through the same pipeline as
/// the hook first (layered policy, approval server or local approvals, breaker, snapshots, audit):
/// - allow: the request is forwarded unchanged;
/// - deny: the client gets the call's result as a tool error (isError) carrying the reason, and the server never
///   sees the call;
/// - ask, decided locally, and the client declared form-mode elicitation: the proxy sends the client an
///   `elicitation/create` request (https://modelcontextprotocol.io/specification/2025-06-18/client/elicitation;
///   2025-11-25 keeps this form mode and adds URL mode) whether a human approves; `action: accept` with
///   approve=true forwards the held call, anything else answers it with a tool error;
/// - ask otherwise: the approval stage records a pending request (local store, or the approval server when
///   INTERLOCK_SERVER_URL is set, which then makes every verdict) and the client gets a tool error carrying the
///   request id and the `interlock approve` command; the identical retry after approval passes once.
/// Messages are JSON-RPC text only; the proxy never rewrites the ones it forwards.
/// </summary>
/// <param name="localApprovals">No approval server is configured: a human at the client may approve by elicitation.
/// With a server, approvals are the server's (its approver groups and two-person rule), never the client's.</param>
internal sealed class McpProxy(string serverName, Func<DecisionPipeline> pipeline, TextWriter client, TextWriter upstream, string cwd, bool localApprovals = true)
{
    /// <summary>Largest message accepted from the client; bigger ones are refused (never forwarded unchecked).</summary>
    public const int MaxClientMessageChars = 4 * 1024 * 1024;

    private readonly Lock _clientLock = new();
    private readonly Lock _upstreamLock = new();
    private readonly DeadlineWorker _worker = new();
    private readonly Dictionary<string, string> _pendingApprovals = new(StringComparer.Ordinal); // elicitation id -> original tools/call line
    private int _nextElicitation;

    /// <summary>Whether the client declared elicitation support in initialize.</summary>
    public bool ClientElicits { get; private set; }

    /// <summary>Handles one line from the client: forwarded, answered, or held for a human.</summary>
    public void FromClient(string line)
    {
        if (line.Length == 0) return;
        if (line.Length > MaxClientMessageChars)
        {
            ToClient($$$"""{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"Interlock: the message is over {{{MaxClientMessageChars}}} characters, so it was not checked and is not forwarded. Send smaller requests."}}""");
            return;
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            ToUpstream(line); // not JSON-RPC we understand: the server answers its own parse error
            return;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) { ToUpstream(line); return; }
            // A string holding an unpaired surrogate escape parses but cannot be read (found by fuzzing): such a method is
            // not tools/call and such an id is not one of our elicitations, so the message is forwarded like any other.
            var method = Readable(root, "method");
            var hasId = root.TryGetProperty("id", out var id);
            if (method is null && hasId && Readable(root, "id") is { } answerTo && TakePending(answerTo) is { } held)
            {
                Approved(root, held);
                return;
            }
            if (method == "initialize")
                ClientElicits = localApprovals && root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object
                    && p.TryGetProperty("capabilities", out var caps) && caps.ValueKind == JsonValueKind.Object
                    && caps.TryGetProperty("elicitation", out var elicitation) && SupportsFormMode(elicitation);
            if (method == "tools/call" && hasId)
            {
                Check(line, id.GetRawText());
                return;
            }
        }
        ToUpstream(line);
    }

    /// <summary>Whether the elicitation capability covers form mode: 2025-06-18 declares `"elicitation": {}`;
    /// 2025-11-25 adds `{"form": {}, "url": {}}`, where an empty object still means form mode only, and a client
    /// declaring only `url` cannot answer the proxy's form.</summary>
    internal static bool SupportsFormMode(JsonElement elicitation) =>
        elicitation.ValueKind == JsonValueKind.Object
        && (!elicitation.EnumerateObject().Any() || elicitation.TryGetProperty("form", out _));

    /// <summary>A string member's value; null when absent, not a string, or not readable as UTF-16.</summary>
    private static string? Readable(JsonElement obj, string name)
    {
        try
        {
            return HookJson.GetString(obj, name);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private void Check(string line, string idJson)
    {
        var adapter = new McpCallAdapter(serverName, cwd, ClientElicits);
        var (answer, _) = DecisionPipelines.RunWithDeadline(_worker, () => pipeline().Run(adapter, Encoding.UTF8.GetBytes(line)), adapter, DecisionPipelines.Deadline());
        var verdict = (Verdict)answer.ExitCode;
        switch (verdict)
        {
            case Verdict.Allow:
                ToUpstream(line);
                break;
            case Verdict.Ask when ClientElicits:
                AskClient(line, answer.Stdout);
                break;
            case Verdict.Ask:
                // The approval stage turns an ask into a pending request for a client that cannot elicit; an ask
                // that still arrives here had no one to put it to, so it stops.
                ToClient(ToolError(idJson, answer.Stdout + " This MCP client cannot ask for approval, so the call was not made: a human must run it, or use a client that supports elicitation."));
                break;
            default:
                ToClient(ToolError(idJson, answer.Stdout));
                break;
        }
    }

    private void AskClient(string line, string message)
    {
        string id;
        lock (_pendingApprovals)
        {
            id = $"interlock-approval-{++_nextElicitation}";
            _pendingApprovals[id] = line;
        }
        ToClient(HookJson.Object(w =>
        {
            w.WriteString("jsonrpc", "2.0");
            w.WriteString("id", id);
            w.WriteString("method", "elicitation/create");
            w.WriteStartObject("params");
            w.WriteString("message", message + " Approve this tool call?");
            w.WriteStartObject("requestedSchema");
            w.WriteString("type", "object");
            w.WriteStartObject("properties");
            w.WriteStartObject("approve");
            w.WriteString("type", "boolean");
            w.WriteString("title", "Approve");
            w.WriteString("description", "Run this tool call (a human decides; the agent must not).");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartArray("required");
            w.WriteStringValue("approve");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }));
    }

    private string? TakePending(string id)
    {
        lock (_pendingApprovals)
            return _pendingApprovals.Remove(id, out var line) ? line : null;
    }

    /// <summary>The client's answer to an elicitation: accept with approve=true forwards the held call.</summary>
    private void Approved(JsonElement response, string heldLine)
    {
        var accepted = response.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
            && HookJson.GetString(result, "action") == "accept"
            && result.TryGetProperty("content", out var content) && HookJson.GetBool(content, "approve");
        using var held = JsonDocument.Parse(heldLine);
        var idJson = held.RootElement.GetProperty("id").GetRawText();
        var action = response.TryGetProperty("result", out var r) && r.ValueKind == JsonValueKind.Object ? HookJson.GetString(r, "action") ?? "no answer" : "an error";
        // The human's answer is part of the trail like any decision; an approval that cannot be recorded is not acted on.
        var failure = RecordHumanAnswer(held.RootElement, accepted, action);
        if (accepted && failure is null)
        {
            ToUpstream(heldLine);
            return;
        }
        ToClient(ToolError(idJson, accepted
            ? $"Interlock: the human approved this tool call, but the approval could not be written to the audit trail ({failure}), so it was not made. Fix the state directory and retry."
            : $"Interlock: the human did not approve this tool call (the approval request got {action}), so it was not made. Do something else, or ask the user."));
    }

    /// <summary>Appends the human's elicitation answer to the audit trail; why it could not be, or null.</summary>
    private string? RecordHumanAnswer(JsonElement call, bool accepted, string action)
    {
        var p = call.TryGetProperty("params", out var ps) && ps.ValueKind == JsonValueKind.Object ? ps : default;
        string tool;
        string? arguments;
        try
        {
            tool = p.ValueKind == JsonValueKind.Object ? HookJson.GetString(p, "name") ?? "" : "";
            arguments = p.ValueKind == JsonValueKind.Object ? HookJson.Recorded(p, "arguments") : null;
        }
        catch (InvalidOperationException e)
        {
            return e.Message;
        }
        return HumanAnswers.Record(pipeline().OpenStore, new State.AuditEntry(DateTimeOffset.UtcNow, "mcp", serverName, cwd, tool, arguments,
            accepted ? "allow" : "deny", "mcp.elicitation",
            accepted ? $"A human approved this {serverName} tool call through the MCP client's elicitation prompt."
                     : $"The human did not approve this {serverName} tool call (the elicitation got {action}).",
            "[]", 0));
    }

    /// <summary>A tools/call result that reports a tool error the model can read (not a protocol error).</summary>
    public static string ToolError(string idJson, string message)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("jsonrpc", "2.0");
            w.WritePropertyName("id");
            w.WriteRawValue(idJson);
            w.WriteStartObject("result");
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", message);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteBoolean("isError", true);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public void ToClient(string line)
    {
        lock (_clientLock)
        {
            client.Write(line);
            client.Write('\n');
            client.Flush();
        }
    }

    private void ToUpstream(string line)
    {
        lock (_upstreamLock)
        {
            upstream.Write(line);
            upstream.Write('\n');
            upstream.Flush();
        }
    }
}

/// <summary>
/// Reads one tools/call request into the engine's request (the tool as mcp__server__tool, its arguments as JSON)
/// and renders the outcome for the proxy: the verdict as the exit code, the message as stdout. Only the proxy reads
/// this answer; the client gets JSON-RPC.
/// </summary>
internal sealed class McpCallAdapter(string server, string cwd, bool supportsAsk) : IHookAdapter
{
    public string Harness => "mcp";

    public bool SupportsAsk => supportsAsk;

    public int MaxInputBytes => McpProxy.MaxClientMessageChars * 4;

    public HookEvent Parse(ReadOnlySpan<byte> input)
    {
        var ev = new HookEvent(Harness) { EventName = "tools/call", SessionId = server };
        try
        {
            using var doc = JsonDocument.Parse(input.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            if (!doc.RootElement.TryGetProperty("params", out var p) || p.ValueKind != JsonValueKind.Object)
                return ev with { Invalid = "Interlock: the tools/call request has no params object, so it could not be checked and is not made." };
            var name = HookJson.GetString(p, "name");
            ev = ev with { Tool = name, Cwd = cwd, RawToolInput = HookJson.Recorded(p, "arguments") };
            if (string.IsNullOrEmpty(name))
                return ev with { Invalid = "Interlock: the tools/call request has no params.name, so it could not be checked and is not made." };
            return ToolRequests.Mcp(ev, server, name, ToolRequests.ArgumentsJson(p, "arguments"), cwd);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string with an unpaired surrogate escape parses but cannot be read.
            return ev with { Invalid = $"Interlock: the tools/call request is not valid JSON ({e.Message}), so it is not made." };
        }
    }

    public HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome) =>
        new(outcome.Message, "", (int)outcome.Verdict);
}

/// <summary>`interlock mcp [--name NAME] -- &lt;server command...&gt;`: run an MCP server behind the proxy.</summary>
internal static class McpProxyCommand
{
    public const string Help = """
        interlock mcp [--name NAME] -- <server command> [args...]

        Runs an MCP server (stdio transport) and stands between it and the MCP client that started Interlock: every
        message passes through unchanged, except tools/call requests, which Interlock checks first (the tool's name
        and its arguments, with SQL and shell commands found in them analysed as `interlock check` would).
        Calls are decided as `interlock hook` decides actions in the current directory: the layered policy
        (`interlock policy show`), the approval server when INTERLOCK_SERVER_URL is set, the breaker, the audit trail.
        A denied call is answered with a tool error that says why; the server never sees it. A call that needs a
        human is put to the user through MCP elicitation (form mode) when the client supports it and no approval
        server is configured; otherwise it becomes a pending request and the tool error carries its id: a human
        runs `interlock approve <id>` (or approves it on the server), then the identical call passes once.
        Streamable HTTP servers (--url) are not supported yet: run a stdio bridge to the remote server behind the
        proxy, e.g. `interlock mcp --name NAME -- npx -y mcp-remote https://host/mcp`.

        --name NAME   the server's name in rules and messages (default: the command's file name)

        Use it in place of the server's command in the client's MCP configuration, e.g.
          {"mcpServers":{"db":{"command":"/usr/local/bin/interlock","args":["mcp","--name","db","--","npx","-y","@some/postgres-mcp"]}}}
        """;

    /// <summary>Said when asked for a Streamable HTTP upstream (MCP 2025-06-18, "Transports: Streamable HTTP"),
    /// which this proxy does not speak yet.</summary>
    public const string HttpNotSupported =
        "interlock mcp: Streamable HTTP servers (--url) are not supported yet; the proxy runs stdio servers only. " +
        "Put a stdio bridge behind it instead, e.g. `interlock mcp --name NAME -- npx -y mcp-remote https://host/mcp`: " +
        "Interlock then checks every tools/call before the bridge sends it to the remote server.";

    public static int Run(string[] args)
    {
        var separator = Array.IndexOf(args, "--");
        if (args.Take(separator < 0 ? args.Length : separator).Any(a => a == "--url" || a.StartsWith("--url=", StringComparison.Ordinal)))
        {
            Console.Error.WriteLine(HttpNotSupported);
            return 64;
        }
        if (args.Length == 0 || args[0] is "-h" or "--help" || separator < 0 || separator == args.Length - 1)
        {
            (args.Length > 0 && args[0] is "-h" or "--help" ? Console.Out : Console.Error).WriteLine(Help);
            return args.Length > 0 && args[0] is "-h" or "--help" ? 0 : 64;
        }
        string? name = null;
        for (var i = 0; i < separator; i++)
        {
            if (args[i] == "--name" && i + 1 < separator) { name = args[++i]; continue; }
            Console.Error.WriteLine($"interlock mcp: unknown option `{args[i]}`. See `interlock mcp --help`.");
            return 64;
        }
        var command = args[(separator + 1)..];
        name ??= Path.GetFileNameWithoutExtension(command[0]);

        var psi = new ProcessStartInfo(command[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = false, UseShellExecute = false };
        foreach (var a in command[1..]) psi.ArgumentList.Add(a);
        psi.StandardInputEncoding = new UTF8Encoding(false);
        psi.StandardOutputEncoding = new UTF8Encoding(false);
        Process server;
        try
        {
            server = Process.Start(psi)!;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.Error.WriteLine($"interlock mcp: could not start the MCP server `{command[0]}` ({e.Message}). Check the command after `--`.");
            return 1;
        }

        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        // Each call is decided as the hook decides it for this directory: the policy files are read per call, so
        // an edited policy applies without restarting the client.
        var cwd = Environment.CurrentDirectory;
        var proxy = new McpProxy(name, () => { var deadline = DecisionPipelines.Deadline(); return DecisionPipelines.Configured(cwd, deadline, () => DecisionPipelines.OpenStore(deadline)); },
            stdout, server.StandardInput, cwd, localApprovals: string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("INTERLOCK_SERVER_URL")));

        // Server -> client: unchanged, line by line.
        var fromServer = new Thread(() =>
        {
            string? line;
            while ((line = server.StandardOutput.ReadLine()) is not null) proxy.ToClient(line);
        }) { IsBackground = true, Name = "interlock-mcp-server" };
        fromServer.Start();

        // Client -> server: checked.
        using var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
        try
        {
            string? line;
            while ((line = stdin.ReadLine()) is not null && !server.HasExited) proxy.FromClient(line);
        }
        catch (IOException)
        {
            // The server closed its input (it exited): stop forwarding.
        }
        try { server.StandardInput.Close(); } catch (IOException) { }
        if (!server.WaitForExit(5000)) server.Kill(entireProcessTree: true);
        fromServer.Join(2000);
        return server.ExitCode;
    }
}
