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

    /// <summary>Translates one event into one answer. Returns the text to print (empty for "no opinion").
    /// With <paramref name="audit"/>, the decision is appended to the audit trail (which may change the answer: fail closed).</summary>
    public static string Handle(ReadOnlySpan<byte> input, Engine engine, Func<IWorldView> world, HookAudit? audit = null)
    {
        if (input.Length > MaxInputBytes)
            return Answer(Verdict.Deny, $"Interlock: the hook event is {input.Length} bytes, over the {MaxInputBytes}-byte limit; it was not analysed, so the action is stopped. Split the command into smaller steps.");

        string? toolName, command = null, cwd = null, eventName = null;
        try
        {
            using var doc = JsonDocument.Parse(input.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Answer(Verdict.Deny, "Interlock: the hook event is not a JSON object, so the action is stopped. Check that the hook is registered for Claude Code's PreToolUse event (`interlock hook claude-code`).");
            toolName = GetString(root, "tool_name");
            cwd = GetString(root, "cwd");
            eventName = GetString(root, "hook_event_name");
            if (toolName == "Bash")
            {
                if (!root.TryGetProperty("tool_input", out var toolInput) || toolInput.ValueKind != JsonValueKind.Object)
                    return Answer(Verdict.Deny, "Interlock: the Bash event has no tool_input object, so the command could not be checked and is stopped.");
                command = GetString(toolInput, "command");
                if (command is null)
                    return Answer(Verdict.Deny, "Interlock: the Bash event has no tool_input.command string, so the command could not be checked and is stopped.");
            }
        }
        catch (JsonException e)
        {
            return Answer(Verdict.Deny, $"Interlock: the hook event is not valid JSON ({e.Message}), so the action is stopped. This usually means the hook is registered for the wrong harness; use `interlock hook claude-code` only in Claude Code settings.");
        }
        if (eventName is not null && eventName != "PreToolUse")
            return Answer(Verdict.Deny, $"Interlock: `interlock hook claude-code` handles PreToolUse events, but received `{eventName}`. Register it under \"PreToolUse\" in the Claude Code settings.");
        if (toolName is null)
            return Answer(Verdict.Deny, "Interlock: the hook event has no tool_name, so it could not be checked and is stopped.");
        if (toolName != "Bash") return ""; // other tools: not analysed yet; Claude Code's own permissions apply

        if (string.IsNullOrEmpty(cwd) || !cwd.StartsWith('/'))
            cwd = Environment.CurrentDirectory;
        var request = new ActionRequest(toolName, command, cwd);
        var decision = engine.Evaluate(request, world());
        var answer = decision.Verdict == Verdict.Allow ? "" : Answer(decision.Verdict, Render(decision));
        return audit is null ? answer : audit.Record(request, decision, answer);
    }

    /// <summary>The message the model and the human read: what, why, what instead.</summary>
    public static string Render(Decision d)
    {
        var sb = new StringBuilder("Interlock ");
        sb.Append(d.Verdict == Verdict.Deny ? "blocked this command" : "needs a human to approve this command");
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
