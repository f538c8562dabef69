using System.Text.Json;
using Interlock.Core;
using static Interlock.Runtime.Adapters.HookJson;

namespace Interlock.Runtime.Adapters;

/// <summary>
/// Gemini CLI BeforeTool hooks (google-gemini/gemini-cli docs/hooks/reference.md). stdin: session_id,
/// transcript_path, cwd, hook_event_name "BeforeTool", timestamp, tool_name, tool_input, mcp_context. Tools:
/// run_shell_command {command, dir_path}, write_file {file_path, content}, replace {file_path, old_string,
/// new_string, expected_replacements}, read_file {file_path}, MCP tools as mcp__server__tool. stdout must hold only
/// JSON: {"decision":"deny","reason":...} stops the tool and sends the reason to the model; {} lets it run. There is
/// no ask, so an ask is answered as a deny whose reason says how a human approves.
/// </summary>
internal sealed class GeminiAdapter : JsonHookAdapter
{
    public override string Harness => "gemini";

    public override bool SupportsAsk => false;

    protected override string Product => "Gemini CLI";

    protected override string Registration => "\"BeforeTool\"";

    protected override HookEvent Read(JsonElement root, HookEvent ev)
    {
        ev = Common(root, ev);
        if (Unfit(ev, "tool_name", "BeforeTool") is { } unfit) return unfit;
        var tool = ev.Tool!;
        var cwd = Cwd(ev.Cwd);
        root.TryGetProperty("tool_input", out var input);
        if (tool.StartsWith("mcp__", StringComparison.Ordinal)) return ToolRequests.NamedMcp(ev, tool, input, cwd);
        switch (tool)
        {
            case "run_shell_command":
                // dir_path (older releases: directory) is relative to the project root, the event's cwd.
                if (GetString(input, ["dir_path", "directory"]) is { Length: > 0 } dir)
                    cwd = dir.StartsWith('/') ? dir : Path.GetFullPath(dir, cwd);
                return ToolRequests.Shell(ev, tool, GetString(input, "command"), "tool_input.command", cwd);
            case "write_file":
                return ToolRequests.Write(ev, tool, GetString(input, "file_path"), "tool_input.file_path", GetString(input, "content"), cwd);
            case "replace":
                var all = input.ValueKind == JsonValueKind.Object && input.TryGetProperty("expected_replacements", out var n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out var count) && count > 1;
                return ToolRequests.Edit(ev, tool, GetString(input, "file_path"), "tool_input.file_path", GetString(input, "old_string"), GetString(input, "new_string"), all, cwd);
            case "read_file":
                return ToolRequests.Read(ev, tool, GetString(input, ["file_path", "absolute_path"]), "tool_input.file_path", cwd);
            default:
                return ev; // glob, search, web_fetch...: Gemini CLI's own confirmations apply
        }
    }

    /// <summary>Exit code 2 with the reason on stderr: a documented stop whatever stdout holds.</summary>
    public override HookAnswer Unanswered(string reason) => new("", reason, 2);

    public override HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome) =>
        new(outcome.Verdict == Verdict.Allow ? "{}" : Object(w =>
        {
            w.WriteString("decision", "deny");
            w.WriteString("reason", outcome.Message);
        }), "", 0);
}
