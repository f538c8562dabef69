using System.Text;
using System.Text.Json;
using Interlock.Core;

namespace Interlock.Cli;

/// <summary>
/// The Claude Code PreToolUse adapter. Protocol (Claude Code hooks reference, "PreToolUse"):
/// stdin is one JSON object with session_id, cwd, hook_event_name, tool_name, tool_input...;
/// to stop, print {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny"|"ask",
/// "permissionDecisionReason":...}} and exit 0. Printing nothing leaves Claude Code's own permission flow in
/// charge, which is what ordinary safe actions get ("allow" would skip the user's own permission rules).
/// </summary>
internal static class ClaudeCodeHook
{
    public const int MaxInputBytes = 1024 * 1024;

    /// <summary>The file tools and the fields that name their file.</summary>
    private static readonly Dictionary<string, (FileToolKind Kind, string PathField)> FileTools = new(StringComparer.Ordinal)
    {
        ["Write"] = (FileToolKind.Write, "file_path"),
        ["Edit"] = (FileToolKind.Edit, "file_path"),
        ["MultiEdit"] = (FileToolKind.MultiEdit, "file_path"),
        ["NotebookEdit"] = (FileToolKind.NotebookEdit, "notebook_path"),
        ["Read"] = (FileToolKind.Read, "file_path"),
    };

    /// <summary>Translates one event into one answer. Returns the text to print (empty for "no opinion").
    /// With <paramref name="audit"/>, the decision is appended to the audit trail (which may change the answer: fail closed).</summary>
    public static string Handle(ReadOnlySpan<byte> input, Engine engine, Func<IWorldView> world, HookAudit? audit = null, HookSnapshots? snapshots = null)
    {
        if (input.Length > MaxInputBytes)
            return Answer(Verdict.Deny, $"Interlock: the hook event is {input.Length} bytes, over the {MaxInputBytes}-byte limit; it was not analysed, so the action is stopped. Split the command into smaller steps.");

        string? toolName, cwd, eventName;
        ActionRequest? request = null;
        try
        {
            using var doc = JsonDocument.Parse(input.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Answer(Verdict.Deny, "Interlock: the hook event is not a JSON object, so the action is stopped. Check that the hook is registered for Claude Code's PreToolUse event (`interlock hook claude-code`).");
            toolName = GetString(root, "tool_name");
            cwd = GetString(root, "cwd");
            eventName = GetString(root, "hook_event_name");
            if (eventName is not null && eventName != "PreToolUse")
                return Answer(Verdict.Deny, $"Interlock: `interlock hook claude-code` handles PreToolUse events, but received `{eventName}`. Register it under \"PreToolUse\" in the Claude Code settings.");
            if (toolName is null)
                return Answer(Verdict.Deny, "Interlock: the hook event has no tool_name, so it could not be checked and is stopped.");
            if (string.IsNullOrEmpty(cwd) || !cwd.StartsWith('/'))
                cwd = Environment.CurrentDirectory;

            var analysed = toolName == "Bash" || FileTools.ContainsKey(toolName) || toolName.StartsWith("mcp__", StringComparison.Ordinal);
            if (!analysed) return ""; // Grep, Glob, WebFetch, Task...: nothing to guard; Claude Code's own permissions apply
            if (!root.TryGetProperty("tool_input", out var toolInput) || toolInput.ValueKind != JsonValueKind.Object)
            {
                if (toolName.StartsWith("mcp__", StringComparison.Ordinal))
                    request = new ActionRequest(toolName, null, cwd);
                else
                    return Answer(Verdict.Deny, $"Interlock: the {toolName} event has no tool_input object, so the {(toolName == "Bash" ? "command" : "action")} could not be checked and is stopped.");
            }
            else if (toolName == "Bash")
            {
                var command = GetString(toolInput, "command");
                if (command is null)
                    return Answer(Verdict.Deny, "Interlock: the Bash event has no tool_input.command string, so the command could not be checked and is stopped.");
                request = new ActionRequest(toolName, command, cwd);
            }
            else if (FileTools.TryGetValue(toolName, out var fileTool))
            {
                var path = GetString(toolInput, fileTool.PathField);
                if (string.IsNullOrEmpty(path))
                    return Answer(Verdict.Deny, $"Interlock: the {toolName} event has no tool_input.{fileTool.PathField} string, so the action could not be checked and is stopped.");
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
                            return Answer(Verdict.Deny, "Interlock: the MultiEdit event has no tool_input.edits array, so the action could not be checked and is stopped.");
                        file = file with { Edits = edits.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.Object).Select(ReadEdit).ToList() };
                        break;
                    case FileToolKind.NotebookEdit:
                        var mode = GetString(toolInput, "edit_mode") switch { "insert" => NotebookEditMode.Insert, "delete" => NotebookEditMode.Delete, _ => NotebookEditMode.Replace };
                        file = file with { Notebook = new NotebookCellEdit(GetString(toolInput, "cell_id"), GetString(toolInput, "new_source") ?? "", mode, GetString(toolInput, "cell_type")) };
                        break;
                }
                request = new ActionRequest(toolName, null, cwd) { File = file };
            }
            else
            {
                request = new ActionRequest(toolName, null, cwd) { ToolArguments = toolInput.GetRawText() };
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // JsonDocument.Parse accepts strings holding invalid UTF-8 or unpaired \uD800 escapes; reading them throws
            // InvalidOperationException (found by fuzzing): the event is malformed, not an internal error.
            return Answer(Verdict.Deny, $"Interlock: the hook event is not valid JSON ({e.Message}), so the action is stopped. This usually means the hook is registered for the wrong harness; use `interlock hook claude-code` only in Claude Code settings.");
        }

        var decision = engine.Evaluate(request, world());
        // Before a destructive file effect proceeds (allow) or goes to a human (ask: the hook is not called again
        // after approval), keep what it would destroy. Decisions without such an effect cost nothing here.
        if (snapshots is not null && HookSnapshots.Needed(decision) && snapshots.Capture(request, decision) is { } problem)
        {
            decision = decision.Verdict == Verdict.Allow
                ? decision with { Verdict = Verdict.Ask, RuleId = "snapshot.uncovered", Reason = $"This action would destroy files, and Interlock could not keep an undo copy of them: {problem}.", Alternative = "Approve it only if the files can be lost, or make a copy first." }
                : decision with { Reason = $"{decision.Reason} (No undo copy could be kept: {problem}.)" };
        }
        var answer = decision.Verdict == Verdict.Allow ? "" : Answer(decision.Verdict, Render(decision, toolName));
        return audit is null ? answer : audit.Record(request, decision, answer);
    }

    private static TextEdit ReadEdit(JsonElement e) =>
        new(GetString(e, "old_string") ?? "", GetString(e, "new_string") ?? "",
            e.TryGetProperty("replace_all", out var all) && all.ValueKind == JsonValueKind.True);

    /// <summary>The message the model and the human read: what, why, what instead.</summary>
    public static string Render(Decision d, string tool = "Bash")
    {
        var what = tool == "Bash" ? "this command" : FileTools.ContainsKey(tool) ? $"this {tool}" : $"this call of {tool}";
        var sb = new StringBuilder("Interlock ");
        sb.Append(d.Verdict == Verdict.Deny ? "blocked " : "needs a human to approve ").Append(what);
        sb.Append(" [").Append(d.RuleId).Append("]: ").Append(d.Reason);
        if (d.Alternative is not null) sb.Append(" Instead: ").Append(d.Alternative);
        return sb.ToString();
    }

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
