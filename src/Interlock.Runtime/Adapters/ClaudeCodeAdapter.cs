using System.Text.Json;
using Interlock.Core;
using static Interlock.Runtime.Adapters.HookJson;

namespace Interlock.Runtime.Adapters;

/// <summary>
/// The Claude Code PreToolUse adapter. Protocol (Claude Code hooks reference, "PreToolUse",
/// https://code.claude.com/docs/en/hooks): stdin is one JSON object with session_id, cwd, hook_event_name, tool_name,
/// tool_input...; to stop, print {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny"|"ask",
/// "permissionDecisionReason":...}} and exit 0. Printing nothing leaves Claude Code's own permission flow in
/// charge, which is what ordinary safe actions get ("allow" would skip the user's own permission rules).
/// </summary>
internal sealed class ClaudeCodeAdapter : JsonHookAdapter
{
    /// <summary>The file tools and the fields that name their file.</summary>
    private static readonly Dictionary<string, (FileToolKind Kind, string PathField)> FileTools = new(StringComparer.Ordinal)
    {
        ["Write"] = (FileToolKind.Write, "file_path"),
        ["Edit"] = (FileToolKind.Edit, "file_path"),
        ["MultiEdit"] = (FileToolKind.MultiEdit, "file_path"),
        ["NotebookEdit"] = (FileToolKind.NotebookEdit, "notebook_path"),
        ["Read"] = (FileToolKind.Read, "file_path"),
    };

    public override string Harness => "claude-code";

    public override bool SupportsAsk => true;

    protected override string Product => "Claude Code";

    protected override string Registration => "\"PreToolUse\"";

    protected override HookEvent Read(JsonElement root, HookEvent ev)
    {
        ev = Common(root, ev);
        if (Unfit(ev, "tool_name", "PreToolUse") is { } unfit) return unfit;
        var toolName = ev.Tool!;
        var cwd = Cwd(ev.Cwd);

        var analysed = toolName == "Bash" || FileTools.ContainsKey(toolName) || toolName.StartsWith("mcp__", StringComparison.Ordinal);
        if (!analysed) return ev; // Grep, Glob, WebFetch, Task...: nothing to guard; Claude Code's own permissions apply
        if (!root.TryGetProperty("tool_input", out var toolInput) || toolInput.ValueKind != JsonValueKind.Object)
        {
            if (toolName.StartsWith("mcp__", StringComparison.Ordinal))
                return ev with { Request = new ActionRequest(toolName, null, cwd) };
            return ev with { Invalid = $"Interlock: the {toolName} event has no tool_input object, so the {(toolName == "Bash" ? "command" : "action")} could not be checked and is stopped." };
        }
        if (toolName == "Bash")
            return ToolRequests.Shell(ev, toolName, GetString(toolInput, "command"), "tool_input.command", cwd);
        if (FileTools.TryGetValue(toolName, out var fileTool))
        {
            var path = GetString(toolInput, fileTool.PathField);
            if (string.IsNullOrEmpty(path)) return ToolRequests.File(ev, toolName, path, "tool_input." + fileTool.PathField, cwd, null);
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
            return ToolRequests.File(ev, toolName, path, "tool_input." + fileTool.PathField, cwd, file);
        }
        return ev with { Request = new ActionRequest(toolName, null, cwd) { ToolArguments = toolInput.GetRawText() } };
    }

    /// <summary>Exit code 2 with the reason on stderr: a documented stop whatever stdout holds.</summary>
    public override HookAnswer Unanswered(string reason) => new("", reason, 2);

    /// <summary>Nothing for allow (Claude Code's own permission rules still apply); ask or deny with the reason.</summary>
    public override HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome) =>
        new(outcome.Verdict == Verdict.Allow ? "" : Answer(outcome.Verdict, outcome.Message), "", 0);

    private static TextEdit ReadEdit(JsonElement e) =>
        new(GetString(e, "old_string") ?? "", GetString(e, "new_string") ?? "", GetBool(e, "replace_all"));

    /// <summary>The hookSpecificOutput answer Claude Code and Codex read.</summary>
    public static string Answer(Verdict verdict, string reason) => Object(w =>
    {
        w.WriteStartObject("hookSpecificOutput");
        w.WriteString("hookEventName", "PreToolUse");
        w.WriteString("permissionDecision", Word(verdict));
        w.WriteString("permissionDecisionReason", reason);
        w.WriteEndObject();
    });
}
