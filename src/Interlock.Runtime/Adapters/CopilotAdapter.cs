using System.Text.Json;
using Interlock.Core;
using static Interlock.Runtime.Adapters.HookJson;

namespace Interlock.Runtime.Adapters;

/// <summary>
/// GitHub Copilot CLI preToolUse command hooks (docs.github.com, "GitHub Copilot CLI hooks reference", hooks files
/// in .github/hooks/*.json, version 1, camelCase payload). stdin: sessionId, timestamp, cwd, toolName, toolArgs
/// (the tool's arguments as a JSON string; an object is read too). Tools: bash {command}, create {path, file_text},
/// edit {path, old_str, new_str}, view {path}, apply_patch (toolArgs is the patch text itself); any other tool that
/// is not a known read-only one (MCP tools...) has its arguments sniffed for SQL and shell commands. The answer is {"permissionDecision":"deny"|"ask",
/// "permissionDecisionReason":...}; nothing is printed for allow (Copilot's default behaviour applies).
/// </summary>
internal sealed class CopilotAdapter : JsonHookAdapter
{
    /// <summary>Built-in tools that neither change nor read anything the guard checks.</summary>
    private static readonly HashSet<string> Unguarded = new(StringComparer.Ordinal) { "glob", "grep", "web_fetch", "task", "ask_user", "report_intent", "think", "update_todo", "read_agent", "list_agents" };

    public override string Harness => "copilot";

    public override bool SupportsAsk => true;

    protected override string Product => "GitHub Copilot CLI";

    protected override string Registration => "\"preToolUse\"";

    protected override HookEvent Read(JsonElement root, HookEvent ev)
    {
        ev = Common(root, ev, toolField: "toolName", sessionField: "sessionId", inputField: "toolArgs");
        var tool = ev.Tool;
        if (ev.EventName is not null)
            return ev with { Invalid = $"Interlock: `interlock hook copilot` reads the camelCase preToolUse payload, but received a `{ev.EventName}` event (the PascalCase form). Register it under \"preToolUse\" in .github/hooks/*.json." };
        if (tool is null) return NoTool(ev, "toolName");
        var cwd = Cwd(ev.Cwd);
        if (Unguarded.Contains(tool)) return ev;
        if (tool == "apply_patch") return Patch(root, ev, tool, cwd);
        JsonElement args;
        JsonDocument? doc;
        try
        {
            args = ToolRequests.ArgumentsObject(root, "toolArgs", out doc) ?? default;
        }
        catch (JsonException e)
        {
            return ev with { Invalid = $"Interlock: the toolArgs of {tool} are not valid JSON ({e.Message}), so the action could not be checked and is stopped." };
        }
        using (doc)
        {
            return tool switch
            {
                "bash" => ToolRequests.Shell(ev, tool, GetString(args, "command"), "toolArgs.command", cwd),
                "create" => ToolRequests.Write(ev, tool, GetString(args, "path"), "toolArgs.path", GetString(args, "file_text"), cwd),
                "edit" => ToolRequests.Edit(ev, tool, GetString(args, "path"), "toolArgs.path", GetString(args, "old_str"), GetString(args, "new_str"), false, cwd),
                "view" => ToolRequests.Read(ev, tool, GetString(args, "path"), "toolArgs.path", cwd),
                _ => ToolRequests.Mcp(ev, tool, tool, ToolRequests.ArgumentsJson(root, "toolArgs"), cwd),
            };
        }
    }

    /// <summary>
    /// apply_patch (the edit tool Copilot gives GPT-5-family models) is a freeform tool: toolArgs is the patch text
    /// itself ("*** Begin Patch ..."), not JSON. It is read as a patch, file by file, as Codex's is; a JSON object
    /// holding the patch under "input", "patch" or "command" is read too. Anything else is stopped.
    /// </summary>
    private static HookEvent Patch(JsonElement root, HookEvent ev, string tool, string cwd)
    {
        if (!root.TryGetProperty("toolArgs", out var args))
            return ev with { Invalid = $"Interlock: the {tool} event has no toolArgs, so the patch could not be checked and is stopped." };
        var text = args.ValueKind == JsonValueKind.String ? args.GetString() : null;
        if (args.ValueKind == JsonValueKind.Object || text is not null && text.TrimStart().StartsWith('{'))
        {
            try
            {
                using var doc = args.ValueKind == JsonValueKind.Object ? null : JsonDocument.Parse(text!, new JsonDocumentOptions { MaxDepth = 64 });
                var obj = doc?.RootElement ?? args;
                text = GetString(obj, ["input", "patch", "command"]);
            }
            catch (JsonException e)
            {
                return ev with { Invalid = $"Interlock: the toolArgs of {tool} are neither a patch nor valid JSON ({e.Message}), so the action could not be checked and is stopped." };
            }
        }
        return ToolRequests.Patch(ev, tool, text, "toolArgs (the patch text)", cwd);
    }

    public override HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome) =>
        new(outcome.Verdict == Verdict.Allow ? "" : Object(w =>
        {
            w.WriteString("permissionDecision", Word(outcome.Verdict));
            w.WriteString("permissionDecisionReason", outcome.Message);
        }), "", 0);
}
