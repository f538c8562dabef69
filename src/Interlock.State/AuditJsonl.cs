using System.Text.Encodings.Web;
using System.Text.Json;

namespace Interlock.State;

/// <summary>
/// One audit record as one JSON object (a line of `interlock audit export --jsonl` and of a prune's archive):
/// seq, ts, harness, session_id, cwd, tool, request, verdict, rule_id, reason, effects, decision_us, prev_hash, hash.
/// Reading a line back gives the record exactly as stored, so its hash can be checked: <c>effects</c> is written as
/// JSON when the stored text is a JSON array or object written compactly as it would be re-read, and as a JSON string
/// (the stored text) otherwise. The approval server's GET /v1/audit/export writes the same lines, and GET /v1/audit
/// the same objects.
/// </summary>
public static class AuditJsonl
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = 64 };

    /// <summary>Writes the record as one compact JSON object (no newline) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, AuditRecord r)
    {
        using var w = new Utf8JsonWriter(stream, WriterOptions);
        Write(w, r);
    }

    /// <summary>Writes the record as a JSON object into <paramref name="w"/> (an element of a larger document, as
    /// GET /v1/audit lists records). Written by a writer with <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>
    /// and no indentation, the bytes are those of an export line.</summary>
    public static void Write(Utf8JsonWriter w, AuditRecord r)
    {
        var e = r.Entry;
        w.WriteStartObject();
        w.WriteNumber("seq", r.Sequence);
        w.WriteString("ts", AuditChain.FormatTimestamp(e.Timestamp));
        w.WriteString("harness", e.Harness);
        if (e.SessionId is null) w.WriteNull("session_id"); else w.WriteString("session_id", e.SessionId);
        w.WriteString("cwd", e.Cwd);
        w.WriteString("tool", e.Tool);
        if (e.Request is null) w.WriteNull("request"); else w.WriteString("request", e.Request);
        w.WriteString("verdict", e.Verdict);
        w.WriteString("rule_id", e.RuleId);
        w.WriteString("reason", e.Reason);
        w.WritePropertyName("effects");
        if (ReadsBackExactly(e.EffectsJson)) w.WriteRawValue(e.EffectsJson, skipInputValidation: true);
        else w.WriteStringValue(e.EffectsJson); // not JSON (tampered) or not re-readable as is: keep the text
        w.WriteNumber("decision_us", e.DecisionMicros);
        w.WriteString("prev_hash", r.PreviousHash);
        w.WriteString("hash", r.Hash);
        w.WriteEndObject();
    }

    public static string ToLine(AuditRecord record)
    {
        using var buffer = new MemoryStream();
        Write(buffer, record);
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A JSON array or object whose text is what <see cref="JsonElement.GetRawText"/> gives back.</summary>
    private static bool ReadsBackExactly(string text)
    {
        if (text.Length == 0 || text[0] is not ('[' or '{')) return false;
        try
        {
            using var doc = JsonDocument.Parse(text, ReaderOptions);
            return doc.RootElement.ValueKind is JsonValueKind.Array or JsonValueKind.Object
                && string.Equals(doc.RootElement.GetRawText(), text, StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Reads one line back into the record it describes; null and a reason when it is not such a line.</summary>
    public static AuditRecord? Parse(ReadOnlySpan<byte> line, out string? error)
    {
        error = null;
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
            using var doc = JsonDocument.ParseValue(ref reader);
            var o = doc.RootElement;
            if (o.ValueKind != JsonValueKind.Object) { error = "not a JSON object"; return null; }
            string Text(string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
                ? v.GetString()! : throw new FormatException($"`{name}` is missing or not a string");
            string? OptionalText(string name) => o.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Null
                ? v.GetString() : throw new FormatException($"`{name}` is missing or neither a string nor null");
            long Number(string name) => o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n)
                ? n : throw new FormatException($"`{name}` is missing or not a whole number");
            var tsText = Text("ts");
            var ts = DateTime.TryParseExact(tsText, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var parsed)
                ? new DateTimeOffset(parsed, TimeSpan.Zero)
                : DateTimeOffset.MinValue; // fails its hash like any other edit
            if (!o.TryGetProperty("effects", out var effects)) throw new FormatException("`effects` is missing");
            var effectsText = effects.ValueKind == JsonValueKind.String ? effects.GetString()! : effects.GetRawText();
            var entry = new AuditEntry(ts, Text("harness"), OptionalText("session_id"), Text("cwd"), Text("tool"), OptionalText("request"),
                Text("verdict"), Text("rule_id"), Text("reason"), effectsText, Number("decision_us"));
            return new AuditRecord(Number("seq"), entry, Text("prev_hash"), Text("hash"));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            error = e.Message;
            return null;
        }
    }
}
