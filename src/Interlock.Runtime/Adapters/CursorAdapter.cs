using System.Text.Json;
using Interlock.Core;
using static Interlock.Runtime.Adapters.HookJson;

namespace Interlock.Runtime.Adapters;

/// <summary>
/// Cursor agent hooks (cursor.com/docs/agent/hooks, hooks.json version 1; assumed Cursor 1.7 or later, preToolUse
/// from 2.x). Every event carries hook_event_name, conversation_id, generation_id and workspace_roots; then
/// beforeShellExecution {command, cwd}, beforeMCPExecution {tool_name, tool_input (a JSON string or object), url or
/// command}, beforeReadFile {file_path, content}, preToolUse {tool_name (Shell, Write, StrReplace, Delete, Read...),
/// tool_input}. The answer is {"permission":"allow"|"deny"|"ask","user_message":...,"agent_message":...}.
/// beforeReadFile only honours allow and deny, so an ask there is answered as a deny that says a human must approve.
/// Cursor lets an action run when a hook fails, so every failure here is answered with a deny.
/// </summary>
internal sealed class CursorAdapter : JsonHookAdapter
{
    private static readonly string[] Events = ["beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse"];

    public override string Harness => "cursor";

    public override bool SupportsAsk => true;

    protected override string Product => "Cursor";

    protected override string Registration => "beforeShellExecution, beforeMCPExecution, beforeReadFile or preToolUse";

    protected override HookEvent Read(JsonElement root, HookEvent ev)
    {
        var eventName = GetString(root, "hook_event_name");
        ev = ev with { EventName = eventName, SessionId = GetString(root, "conversation_id"), Cwd = GetString(root, "cwd") ?? FirstRoot(root) };
        if (eventName is null)
            return ev with { Invalid = "Interlock: the Cursor hook event has no hook_event_name, so it could not be checked and is stopped." };
        if (WrongEvent(ev, Events) is { } wrong) return wrong;
        var cwd = Cwd(ev.Cwd);
        switch (eventName)
        {
            case "beforeShellExecution":
                ev = ev with { Tool = "Shell", RawToolInput = Recorded(root, "command") };
                return ToolRequests.Shell(ev, "Shell", GetString(root, "command"), "command", cwd);
            case "beforeReadFile":
                ev = ev with { Tool = "Read", RawToolInput = Recorded(root, "file_path") };
                return ToolRequests.Read(ev, "Read", GetString(root, "file_path"), "file_path", cwd);
            case "beforeMCPExecution":
            {
                var tool = GetString(root, "tool_name");
                ev = ev with { Tool = tool, RawToolInput = Recorded(root, "tool_input") };
                if (tool is null) return NoTool(ev, "tool_name");
                var server = GetString(root, "url") ?? GetString(root, "command") ?? "cursor";
                return ToolRequests.Mcp(ev, server, tool, ToolRequests.ArgumentsJson(root, "tool_input"), cwd);
            }
            default:
                return PreToolUse(root, ev, cwd);
        }
    }

    private static HookEvent PreToolUse(JsonElement root, HookEvent ev, string cwd)
    {
        var tool = GetString(root, "tool_name");
        ev = ev with { Tool = tool, RawToolInput = Recorded(root, "tool_input") };
        if (tool is null) return NoTool(ev, "tool_name");
        var input = ToolRequests.ArgumentsObject(root, "tool_input", out var doc) ?? default;
        using (doc)
        {
            return tool switch
            {
                // Shell, MCP and reads also have their own events; preToolUse is registered for file changes.
                "Shell" => ToolRequests.Shell(ev, tool, GetString(input, "command"), "tool_input.command", GetString(input, "cwd") is { } c ? Cwd(c) : cwd),
                "Write" => ToolRequests.Write(ev, tool, GetString(input, "file_path"), "tool_input.file_path", GetString(input, ["contents", "content"]), cwd),
                "StrReplace" or "Edit" => ToolRequests.Edit(ev, tool, GetString(input, "file_path"), "tool_input.file_path", GetString(input, "old_string"), GetString(input, "new_string"), GetBool(input, "replace_all"), cwd),
                "Delete" => ToolRequests.Delete(ev, tool, GetString(input, "file_path"), "tool_input.file_path", cwd),
                "Read" => ToolRequests.Read(ev, tool, GetString(input, "file_path"), "tool_input.file_path", cwd),
                _ => ev,
            };
        }
    }

    private static string? FirstRoot(JsonElement root) =>
        root.TryGetProperty("workspace_roots", out var roots) && roots.ValueKind == JsonValueKind.Array && roots.GetArrayLength() > 0 && roots[0].ValueKind == JsonValueKind.String
            ? roots[0].GetString() : null;

    public override HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome)
    {
        var verdict = outcome.Verdict == Verdict.Ask && hookEvent.EventName == "beforeReadFile" ? Verdict.Deny : outcome.Verdict;
        return new(Object(w =>
        {
            w.WriteString("permission", Word(verdict));
            if (verdict != Verdict.Allow)
            {
                w.WriteString("user_message", outcome.Message);
                w.WriteString("agent_message", outcome.Message);
            }
        }), "", 0);
    }
}
