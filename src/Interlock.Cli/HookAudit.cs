using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Core;
using Interlock.State;

namespace Interlock.Cli;

/// <summary>
/// Appends each hook decision to the audit trail. The adapter calls <see cref="Record"/> once it has decided;
/// <see cref="Complete"/> then records what the adapter answered without a decision (malformed events, tools it
/// passes through). The store is opened only when a record is written, and one append is one transaction.
///
/// The guard fails closed: when the record cannot be written (locked beyond the busy timeout, disk full, corrupt
/// database), an allow becomes an ask whose reason says so, and an ask or a deny keeps its verdict with the audit
/// failure appended to its reason.
/// </summary>
internal sealed class HookAudit
{
    private const int MaxToolInputChars = 4096;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly string _harness;
    private readonly byte[] _input;
    private readonly Func<IStateStore> _open;
    private readonly TimeProvider _time;
    private readonly long _started;
    private EventFields? _fields;

    /// <param name="harness">The harness name recorded with each decision (claude-code...).</param>
    /// <param name="input">The raw event, for the session id and for records the adapter did not make itself.</param>
    /// <param name="open">Opens the store; called at most once, and only when a record is written.</param>
    /// <param name="time">The clock (the engine has none); the system clock by default.</param>
    public HookAudit(string harness, byte[] input, Func<IStateStore> open, TimeProvider? time = null)
    {
        _harness = harness;
        _input = input;
        _open = open;
        _time = time ?? TimeProvider.System;
        _started = _time.GetTimestamp();
    }

    /// <summary>Whether a record was written or attempted.</summary>
    public bool Recorded { get; private set; }

    /// <summary>Why the record could not be written, when it could not.</summary>
    public string? Failure { get; private set; }

    /// <summary>The record written, when it was.</summary>
    public AuditRecord? Written { get; private set; }

    /// <summary>Records the adapter's decision; returns the answer to print (changed only if the record could not be written).</summary>
    public string Record(ActionRequest request, Decision decision, string answer)
    {
        var micros = (long)_time.GetElapsedTime(_started).TotalMicroseconds;
        var entry = new AuditEntry(
            _time.GetUtcNow(),
            _harness,
            Fields.SessionId,
            request.Cwd,
            request.Tool,
            // What was asked: the command, the file a file tool touches, or an MCP tool's arguments.
            request.Command ?? (request.File is { } file ? $"{file.Kind} {file.Path}" : request.ToolArguments),
            decision.Verdict.ToString().ToLowerInvariant(),
            decision.RuleId,
            decision.Reason,
            EffectsJson(decision.Effects),
            micros);
        return Write(entry, answer);
    }

    /// <summary>Records an answer the adapter gave without a decision (if it made none); returns the answer to print.</summary>
    public string Complete(string answer)
    {
        if (Recorded) return answer;
        var micros = (long)_time.GetElapsedTime(_started).TotalMicroseconds;
        var f = Fields;
        string verdict, rule, reason;
        if (answer.Length == 0)
        {
            verdict = "allow";
            rule = "hook.not-analysed";
            reason = $"the tool `{f.Tool}` is not analysed by this version; the harness's own permissions apply";
        }
        else
        {
            (verdict, reason) = ParseAnswer(answer);
            rule = "hook.invalid-event";
        }
        var entry = new AuditEntry(_time.GetUtcNow(), _harness, f.SessionId, f.Cwd ?? "", f.Tool ?? "", f.ToolInput, verdict, rule, reason, "[]", micros);
        return Write(entry, answer);
    }

    private string Write(AuditEntry entry, string answer)
    {
        Recorded = true;
        try
        {
            using var store = _open();
            var append = store.Audit.AppendAsync(entry);
            Written = append.IsCompleted ? append.GetAwaiter().GetResult() : append.AsTask().GetAwaiter().GetResult();
            return answer;
        }
        catch (Exception e)
        {
            Failure = e switch
            {
                StateStoreException => e.Message,
                _ => $"{e.GetType().Name}: {e.Message}",
            };
            return FailClosed(answer, Failure);
        }
    }

    /// <summary>An allow (no answer) becomes an ask; an ask or deny keeps its verdict and says the audit failed.</summary>
    internal static string FailClosed(string answer, string failure)
    {
        if (failure.Length > 400) failure = failure[..400] + "...";
        if (answer.Length == 0)
            return ClaudeCodeHook.Answer(Verdict.Ask,
                $"Interlock found nothing to stop in this action, but could not write its audit trail ({failure}), so a human must approve it. " +
                "Fix the state directory (or point INTERLOCK_STATE_DIR at a writable one), then check it with `interlock audit verify`.");
        var (verdict, reason) = ParseAnswer(answer);
        return ClaudeCodeHook.Answer(verdict == "deny" ? Verdict.Deny : Verdict.Ask,
            $"{reason} (Also: Interlock could not write its audit trail: {failure}.)");
    }

    private static (string Verdict, string Reason) ParseAnswer(string answer)
    {
        try
        {
            using var doc = JsonDocument.Parse(answer);
            if (doc.RootElement.TryGetProperty("hookSpecificOutput", out var output) && output.ValueKind == JsonValueKind.Object)
            {
                var verdict = output.TryGetProperty("permissionDecision", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : "ask";
                var reason = output.TryGetProperty("permissionDecisionReason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
                return (verdict, reason);
            }
        }
        catch (JsonException)
        {
        }
        return ("ask", answer);
    }

    internal static string EffectsJson(IReadOnlyList<Effect> effects)
    {
        if (effects.Count == 0) return "[]";
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartArray();
            foreach (var e in effects)
            {
                w.WriteStartObject();
                w.WriteString("kind", e.Kind.ToString());
                w.WriteString("target", e.Target);
                w.WriteString("class", e.Class.ToString());
                w.WriteBoolean("recursive", e.Recursive);
                w.WriteString("environment", e.Environment.ToString().ToLowerInvariant());
                w.WriteString("description", e.Description);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The event's session id (read from the raw event).</summary>
    public string? SessionId => Fields.SessionId;

    private EventFields Fields => _fields ??= EventFields.Parse(_input);

    /// <summary>What the audit needs from the raw event, read independently of the adapter (tolerates any input).</summary>
    private sealed record EventFields(string? SessionId, string? Tool, string? Cwd, string? ToolInput)
    {
        public static EventFields Parse(byte[] input)
        {
            try
            {
                using var doc = JsonDocument.Parse(input, new JsonDocumentOptions { MaxDepth = 64 });
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) return new(null, null, null, null);
                string? toolInput = null;
                if (root.TryGetProperty("tool_input", out var ti))
                {
                    toolInput = ti.GetRawText();
                    if (toolInput.Length > MaxToolInputChars) toolInput = toolInput[..MaxToolInputChars] + "...";
                }
                return new(Get(root, "session_id"), Get(root, "tool_name"), Get(root, "cwd"), toolInput);
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                return new(null, null, null, null);
            }
        }

        private static string? Get(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }
}
