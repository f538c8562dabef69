using System.Text;
using System.Text.Json;
using Interlock.Core;
using Interlock.Core.Analysis;

namespace Interlock.Runtime.Adapters;

/// <summary>
/// What every JSON hook protocol shares: one bounded JSON object on stdin, clear stops for input that is not one,
/// and the translation of the harness's tool calls into requests (<see cref="ToolRequests"/>). Each harness's adapter
/// only says where its fields are and how its answer is written.
/// </summary>
internal abstract class JsonHookAdapter : IHookAdapter
{
    public const int MaxEventBytes = 1024 * 1024;

    public abstract string Harness { get; }

    public abstract bool SupportsAsk { get; }

    public int MaxInputBytes => MaxEventBytes;

    /// <summary>The product's name in messages (Claude Code, Gemini CLI...).</summary>
    protected abstract string Product { get; }

    /// <summary>The hook event(s) the command belongs under, in messages ("Claude Code's PreToolUse event").</summary>
    protected abstract string Registration { get; }

    public HookEvent Parse(ReadOnlySpan<byte> input)
    {
        var ev = new HookEvent(Harness);
        if (input.Trim(" \t\r\n"u8).IsEmpty)
            return ev with { Invalid = $"Interlock: the hook received no event on standard input, so the action is stopped. {Product} sends one with every call; when testing by hand, pipe an event in (`echo '{{...}}' | interlock hook {Harness}`)." };
        try
        {
            using var doc = JsonDocument.Parse(input.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                return ev with { Invalid = $"Interlock: the hook event is not a JSON object, so the action is stopped. Check that the hook is registered for {Registration} (`interlock hook {Harness}`)." };
            return Read(doc.RootElement, ev);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // JsonDocument.Parse accepts strings holding invalid UTF-8 or an unpaired \uD800 escape; reading them throws
            // InvalidOperationException (found by fuzzing): a malformed event, not an internal error.
            return ev with { Invalid = $"Interlock: the hook event is not valid JSON ({e.Message}), so the action is stopped. This usually means the hook is registered for the wrong harness; use `interlock hook {Harness}` only in {Product} settings." };
        }
    }

    /// <summary>Reads the harness's event (a JSON object) into the request to decide.</summary>
    protected abstract HookEvent Read(JsonElement root, HookEvent ev);

    public abstract HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome);

    /// <summary>The stop the harness gets when the hook gave no answer of its own (it could not be started, crashed,
    /// hung, or printed something that is not an answer): written into the registered command's wrapper at install
    /// time, since the binary cannot say it then. By default the protocol's own deny, the reason on stderr too;
    /// harnesses for which exit code 2 is a documented stop use that instead (it needs no parsing).</summary>
    public virtual HookAnswer Unanswered(string reason)
    {
        var decision = new Decision(Verdict.Deny, "hook.no-answer", reason, null, [], [], null);
        return Render(new HookEvent(Harness), new DecisionOutcome(Verdict.Deny, reason, true, decision)) with { Stderr = reason };
    }

    /// <summary>The event's name must be the one this command is registered for; another event is a wiring mistake.</summary>
    protected HookEvent? WrongEvent(HookEvent ev, params string[] expected) =>
        ev.EventName is { } name && Array.IndexOf(expected, name) < 0
            ? ev with { Invalid = $"Interlock: `interlock hook {Harness}` handles {(expected.Length == 1 ? expected[0] : string.Join(", ", expected[..^1]) + " and " + expected[^1])} events, but received `{name}`. Register it under {Registration} in the {Product} settings." }
            : null;

    /// <summary>The fields most protocols share: the event's name, session, tool, working directory, and the tool's
    /// input (bounded) for the audit trail.</summary>
    protected static HookEvent Common(JsonElement root, HookEvent ev, string toolField = "tool_name", string sessionField = "session_id", string inputField = "tool_input") =>
        ev with
        {
            EventName = HookJson.GetString(root, "hook_event_name"), SessionId = HookJson.GetString(root, sessionField),
            Tool = HookJson.GetString(root, toolField), Cwd = HookJson.GetString(root, "cwd"), RawToolInput = HookJson.Recorded(root, inputField),
        };

    /// <summary>Why an event read by <see cref="Common"/> cannot be checked (another event, no tool), or null.</summary>
    protected HookEvent? Unfit(HookEvent ev, string toolField, params string[] events) =>
        WrongEvent(ev, events) ?? (ev.Tool is null ? NoTool(ev, toolField) : null);

    /// <summary>An event without the field that names its tool is stopped.</summary>
    protected static HookEvent NoTool(HookEvent ev, string field) =>
        ev with { Invalid = $"Interlock: the hook event has no {field}, so it could not be checked and is stopped." };
}

/// <summary>Reading JSON fields and writing JSON answers, the same way in every adapter.</summary>
internal static class HookJson
{
    private const int MaxRecordedInputChars = 4096;

    public static string? GetString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The first of <paramref name="names"/> that is a string field.</summary>
    public static string? GetString(JsonElement obj, string[] names)
    {
        foreach (var n in names)
            if (GetString(obj, n) is { } s) return s;
        return null;
    }

    public static bool GetBool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>A field's raw JSON, bounded, for the audit trail.</summary>
    public static string? Recorded(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        var raw = v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : v.GetRawText();
        return raw.Length > MaxRecordedInputChars ? raw[..MaxRecordedInputChars] + "..." : raw;
    }

    /// <summary>The working directory: the event's when it is absolute, else the hook process's own.</summary>
    public static string Cwd(string? cwd) =>
        string.IsNullOrEmpty(cwd) || !cwd.StartsWith('/') ? Environment.CurrentDirectory : cwd;

    /// <summary>One JSON object written with <paramref name="write"/>, as a string.</summary>
    public static string Object(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The verdict as the lower-case word most protocols use.</summary>
    public static string Word(Verdict v) => v switch { Verdict.Deny => "deny", Verdict.Ask => "ask", _ => "allow" };
}

/// <summary>
/// Turns a harness's tool call into the engine's request, one method per kind of tool, so every adapter reads
/// shell commands, file writes and edits, reads, patches and MCP calls the same way and stops the same way when a
/// required field is missing.
/// </summary>
internal static class ToolRequests
{
    public static HookEvent Shell(HookEvent ev, string tool, string? command, string field, string cwd) =>
        command is null
            ? ev with { Invalid = $"Interlock: the {tool} event has no {field} string, so the command could not be checked and is stopped." }
            : ev with { Request = new ActionRequest(tool, command, cwd) };

    /// <summary>A file tool; <paramref name="path"/> null or empty stops the event.</summary>
    public static HookEvent File(HookEvent ev, string tool, string? path, string pathField, string cwd, FileAction? action)
    {
        if (string.IsNullOrEmpty(path) || action is null)
            return ev with { Invalid = $"Interlock: the {tool} event has no {pathField} string, so the action could not be checked and is stopped." };
        return ev with { Request = new ActionRequest(tool, null, cwd) { File = action } };
    }

    public static HookEvent Write(HookEvent ev, string tool, string? path, string pathField, string? content, string cwd) =>
        File(ev, tool, path, pathField, cwd, path is null ? null : new FileAction(FileToolKind.Write, path) { Content = content ?? "" });

    public static HookEvent Edit(HookEvent ev, string tool, string? path, string pathField, string? oldText, string? newText, bool all, string cwd) =>
        File(ev, tool, path, pathField, cwd, path is null ? null : new FileAction(FileToolKind.Edit, path) { Edits = [new TextEdit(oldText ?? "", newText ?? "", all)] });

    public static HookEvent Read(HookEvent ev, string tool, string? path, string pathField, string cwd) =>
        File(ev, tool, path, pathField, cwd, path is null ? null : new FileAction(FileToolKind.Read, path));

    public static HookEvent Delete(HookEvent ev, string tool, string? path, string pathField, string cwd) =>
        File(ev, tool, path, pathField, cwd, path is null ? null : new FileAction(FileToolKind.Delete, path));

    /// <summary>A Codex-format patch: every file it adds, deletes, updates or moves; unreadable patches are stopped.</summary>
    public static HookEvent Patch(HookEvent ev, string tool, string? patch, string field, string cwd)
    {
        if (patch is null)
            return ev with { Invalid = $"Interlock: the {tool} event has no {field} string, so the patch could not be checked and is stopped." };
        var parsed = ApplyPatch.Parse(patch);
        if (parsed.Error is { } error)
            return ev with { Invalid = $"Interlock: {error}, so it was not checked and is stopped. Write the patch in the apply_patch format (`*** Begin Patch` ... `*** End Patch`)." };
        return ev with { Request = new ActionRequest(tool, null, cwd) { Files = ApplyPatch.ToFileActions(parsed.Files) } };
    }

    /// <summary>An MCP (or otherwise unknown) tool: the engine sniffs its arguments for SQL and shell commands and
    /// reads its name. <paramref name="server"/> and <paramref name="name"/> become the engine's
    /// <c>mcp__server__tool</c> name whatever the harness calls it.</summary>
    public static HookEvent Mcp(HookEvent ev, string server, string name, string? argumentsJson, string cwd) =>
        ev with { Request = new ActionRequest($"mcp__{server}__{name}", null, cwd) { ToolArguments = argumentsJson } };

    /// <summary>A tool the harness already names mcp__server__tool, with its input object (if any) as arguments.</summary>
    public static HookEvent NamedMcp(HookEvent ev, string tool, JsonElement input, string cwd) =>
        ev with { Request = new ActionRequest(tool, null, cwd) { ToolArguments = input.ValueKind == JsonValueKind.Object ? input.GetRawText() : null } };

    /// <summary>Arguments the harness sends as a JSON string (Cursor's MCP tool_input, Copilot's toolArgs) or as an
    /// object: the JSON text either way; null when absent.</summary>
    public static string? ArgumentsJson(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null => null,
            _ => v.GetRawText(),
        };
    }

    /// <summary>Arguments as an object to read fields from: the field itself, or the object a JSON string holds.
    /// Null when absent or not an object; <paramref name="doc"/> must be disposed by the caller.</summary>
    public static JsonElement? ArgumentsObject(JsonElement obj, string name, out JsonDocument? doc)
    {
        doc = null;
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v)) return null;
        if (v.ValueKind == JsonValueKind.Object) return v;
        if (v.ValueKind != JsonValueKind.String) return null;
        doc = JsonDocument.Parse(v.GetString() ?? "", new JsonDocumentOptions { MaxDepth = 64 });
        return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement : null;
    }
}
