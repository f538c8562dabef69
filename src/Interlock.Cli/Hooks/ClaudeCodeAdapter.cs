using System.Text;
using System.Text.Json;
using Interlock.Core;

namespace Interlock.Cli.Hooks;

/// <summary>
/// The Claude Code PreToolUse adapter. Protocol (Claude Code hooks reference, "PreToolUse"):
/// stdin is one JSON object with session_id, cwd, hook_event_name, tool_name, tool_input...;
/// to stop, print {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny"|"ask",
/// "permissionDecisionReason":...}} and exit 0. Printing nothing leaves Claude Code's own permission flow in
/// charge, which is what ordinary safe actions get ("allow" would skip the user's own permission rules).
/// </summary>
internal sealed class ClaudeCodeAdapter : IHookAdapter
{
    public const int MaxEventBytes = 1024 * 1024;
    private const int MaxRecordedInputChars = 4096;

    /// <summary>The file tools and the fields that name their file.</summary>
    private static readonly Dictionary<string, (FileToolKind Kind, string PathField)> FileTools = new(StringComparer.Ordinal)
    {
        ["Write"] = (FileToolKind.Write, "file_path"),
        ["Edit"] = (FileToolKind.Edit, "file_path"),
        ["MultiEdit"] = (FileToolKind.MultiEdit, "file_path"),
        ["NotebookEdit"] = (FileToolKind.NotebookEdit, "notebook_path"),
        ["Read"] = (FileToolKind.Read, "file_path"),
    };

    public string Harness => "claude-code";

    public bool SupportsAsk => true;

    public int MaxInputBytes => MaxEventBytes;

    public HookEvent Parse(ReadOnlySpan<byte> input)
    {
        var ev = new HookEvent(Harness);
        try
        {
            using var doc = JsonDocument.Parse(input.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return ev with { Invalid = "Interlock: the hook event is not a JSON object, so the action is stopped. Check that the hook is registered for Claude Code's PreToolUse event (`interlock hook claude-code`)." };
            var toolName = GetString(root, "tool_name");
            var cwd = GetString(root, "cwd");
            var eventName = GetString(root, "hook_event_name");
            string? rawInput = null;
            if (root.TryGetProperty("tool_input", out var rawToolInput))
            {
                rawInput = rawToolInput.GetRawText();
                if (rawInput.Length > MaxRecordedInputChars) rawInput = rawInput[..MaxRecordedInputChars] + "...";
            }
            ev = ev with { EventName = eventName, SessionId = GetString(root, "session_id"), Tool = toolName, Cwd = cwd, RawToolInput = rawInput };
            if (eventName is not null && eventName != "PreToolUse")
                return ev with { Invalid = $"Interlock: `interlock hook claude-code` handles PreToolUse events, but received `{eventName}`. Register it under \"PreToolUse\" in the Claude Code settings." };
            if (toolName is null)
                return ev with { Invalid = "Interlock: the hook event has no tool_name, so it could not be checked and is stopped." };
            if (string.IsNullOrEmpty(cwd) || !cwd.StartsWith('/'))
                cwd = Environment.CurrentDirectory;

            var analysed = toolName == "Bash" || FileTools.ContainsKey(toolName) || toolName.StartsWith("mcp__", StringComparison.Ordinal);
            if (!analysed) return ev; // Grep, Glob, WebFetch, Task...: nothing to guard; Claude Code's own permissions apply
            if (!root.TryGetProperty("tool_input", out var toolInput) || toolInput.ValueKind != JsonValueKind.Object)
            {
                if (toolName.StartsWith("mcp__", StringComparison.Ordinal))
                    return ev with { Request = new ActionRequest(toolName, null, cwd) };
                return ev with { Invalid = $"Interlock: the {toolName} event has no tool_input object, so the {(toolName == "Bash" ? "command" : "action")} could not be checked and is stopped." };
            }
            if (toolName == "Bash")
            {
                var command = GetString(toolInput, "command");
                if (command is null)
                    return ev with { Invalid = "Interlock: the Bash event has no tool_input.command string, so the command could not be checked and is stopped." };
                return ev with { Request = new ActionRequest(toolName, command, cwd) };
            }
            if (FileTools.TryGetValue(toolName, out var fileTool))
            {
                var path = GetString(toolInput, fileTool.PathField);
                if (string.IsNullOrEmpty(path))
                    return ev with { Invalid = $"Interlock: the {toolName} event has no tool_input.{fileTool.PathField} string, so the action could not be checked and is stopped." };
                var file = new FileAction(fileTool.Kind, path);
                switch (fileTool.Kind)
                {
                    case FileToolKind.Write:
                        file = file with { Content = GetString(toolInput, "content") ?? "" };
                        break;
                    case FileToolKind.Edit:
                        file = file with { Edits = [ReadEdit(toolInput)] };
                        break;
                    case FileToolKind.MultiEdit:
                        if (!toolInput.TryGetProperty("edits", out var edits) || edits.ValueKind != JsonValueKind.Array)
                            return ev with { Invalid = "Interlock: the MultiEdit event has no tool_input.edits array, so the action could not be checked and is stopped." };
                        file = file with { Edits = edits.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).Select(ReadEdit).ToList() };
                        break;
                    case FileToolKind.NotebookEdit:
                        var mode = GetString(toolInput, "edit_mode") switch { "insert" => NotebookEditMode.Insert, "delete" => NotebookEditMode.Delete, _ => NotebookEditMode.Replace };
                        file = file with { Notebook = new NotebookCellEdit(GetString(toolInput, "cell_id"), GetString(toolInput, "new_source") ?? "", mode, GetString(toolInput, "cell_type")) };
                        break;
                }
                return ev with { Request = new ActionRequest(toolName, null, cwd) { File = file } };
            }
            return ev with { Request = new ActionRequest(toolName, null, cwd) { ToolArguments = toolInput.GetRawText() } };
        }
        catch (JsonException e)
        {
            return ev with { Invalid = $"Interlock: the hook event is not valid JSON ({e.Message}), so the action is stopped. This usually means the hook is registered for the wrong harness; use `interlock hook claude-code` only in Claude Code settings." };
        }
    }

    /// <summary>Nothing for allow (Claude Code's own permission rules still apply); ask or deny with the reason.</summary>
    public HookAnswer Render(HookEvent hookEvent, HookOutcome outcome) =>
        new(outcome.Verdict == Verdict.Allow ? "" : Answer(outcome.Verdict, outcome.Message), "", 0);

    private static TextEdit ReadEdit(JsonElement e) =>
        new(GetString(e, "old_string") ?? "", GetString(e, "new_string") ?? "",
            e.TryGetProperty("replace_all", out var all) && all.ValueKind == JsonValueKind.True);

    private static string? GetString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static string Answer(Verdict verdict, string reason)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteStartObject("hookSpecificOutput");
            w.WriteString("hookEventName", "PreToolUse");
            w.WriteString("permissionDecision", verdict == Verdict.Deny ? "deny" : verdict == Verdict.Ask ? "ask" : "allow");
            w.WriteString("permissionDecisionReason", reason);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
