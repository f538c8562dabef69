using System.Text.Json;
using Interlock.Core;
using static Interlock.Runtime.Adapters.HookJson;

namespace Interlock.Runtime.Adapters;

/// <summary>
/// OpenCode, through the plugin `interlock install opencode` writes (<see cref="OpenCodePlugin"/>): OpenCode calls
/// the plugin's "tool.execute.before" with the tool's name and its arguments (opencode.ai/docs/plugins), and the
/// plugin sends them here as {"hook_event_name":"tool.execute.before","tool":...,"sessionID":...,"cwd":...,
/// "args":{...}}. Tools: bash {command, workdir}, write {filePath, content}, edit {filePath, oldString, newString,
/// replaceAll}, read {filePath}, patch / apply_patch {patchText} in the Codex patch format; any other tool (MCP tools
/// are named server_tool) has its arguments sniffed. The answer is {"decision":"allow"} or {"decision":"deny",
/// "reason":...}, exit 0; the plugin throws on deny, which stops the tool and shows the reason. The plugin cannot
/// ask, so an ask is a deny whose reason says how a human approves.
/// </summary>
internal sealed class OpenCodeAdapter : JsonHookAdapter
{
    private static readonly HashSet<string> Unguarded = new(StringComparer.Ordinal) { "glob", "grep", "list", "webfetch", "todowrite", "todoread", "task", "websearch", "codesearch", "question" };

    public override string Harness => "opencode";

    public override bool SupportsAsk => false;

    protected override string Product => "OpenCode";

    protected override string Registration => "the Interlock OpenCode plugin (`interlock install opencode`)";

    protected override HookEvent Read(JsonElement root, HookEvent ev)
    {
        ev = Common(root, ev, toolField: "tool", sessionField: "sessionID", inputField: "args");
        if (Unfit(ev, "tool", "tool.execute.before") is { } unfit) return unfit;
        var tool = ev.Tool!;
        if (Unguarded.Contains(tool)) return ev;
        var cwd = Cwd(ev.Cwd);
        root.TryGetProperty("args", out var args);
        switch (tool)
        {
            case "bash":
                if (GetString(args, "workdir") is { Length: > 0 } dir) cwd = dir.StartsWith('/') ? dir : Path.GetFullPath(dir, cwd);
                return ToolRequests.Shell(ev, tool, GetString(args, "command"), "args.command", cwd);
            case "write":
                return ToolRequests.Write(ev, tool, GetString(args, "filePath"), "args.filePath", GetString(args, "content"), cwd);
            case "edit":
                return ToolRequests.Edit(ev, tool, GetString(args, "filePath"), "args.filePath", GetString(args, "oldString"), GetString(args, "newString"), GetBool(args, "replaceAll"), cwd);
            case "read":
                return ToolRequests.Read(ev, tool, GetString(args, "filePath"), "args.filePath", cwd);
            case "patch" or "apply_patch":
                return ToolRequests.Patch(ev, tool, GetString(args, "patchText"), "args.patchText", cwd);
            default:
                return ToolRequests.Mcp(ev, tool, tool, args.ValueKind == JsonValueKind.Object ? args.GetRawText() : null, cwd);
        }
    }

    public override HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome) =>
        new(Object(w =>
        {
            w.WriteString("decision", outcome.Verdict == Verdict.Allow ? "allow" : "deny");
            if (outcome.Verdict != Verdict.Allow) w.WriteString("reason", outcome.Message);
        }), "", 0);
}
