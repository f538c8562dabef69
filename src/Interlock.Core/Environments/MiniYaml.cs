using System.Text.Json;

namespace Interlock.Core.Environments;

/// <summary>
/// A small, bounded reader for the block YAML that tools write as configuration (kubeconfig): mappings, sequences
/// (also unindented under their key), plain and quoted scalars, comments; and JSON (kubectl accepts a JSON
/// kubeconfig). Values are strings, <see cref="Dictionary{TKey,TValue}"/> or <see cref="List{T}"/>. Anchors, tags,
/// flow collections and multi-line scalars are not understood: a value written that way reads as its raw text or
/// is skipped, which only ever loses evidence. At most 20,000 lines and 32 levels.
/// </summary>
public static class MiniYaml
{
    private const int MaxDepth = 32;
    private const int MaxLineChars = 1024;

    /// <summary>The document's top-level mapping, or null when it is not one.</summary>
    public static Dictionary<string, object?>? ParseMapping(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith('{')) return Json(trimmed) as Dictionary<string, object?>;
        var lines = new List<(int Indent, string Text)>();
        var all = EnvironmentSources.Lines(text).ToList();
        for (var r = 0; r < all.Count; r++)
        {
            var raw = all[r];
            // Lines longer than this hold certificates and tokens, never a name the readers need: skipped unparsed
            // (the key stays, with no value), which keeps a kubeconfig full of CA data cheap to read.
            if (raw.Length > MaxLineChars)
            {
                var at = raw.Length - raw.AsSpan().TrimStart(' ').Length;
                var colon = raw.IndexOf(": ", at, Math.Min(256, raw.Length - at), StringComparison.Ordinal);
                if (colon > at && raw[at] is not ('-' or '"' or '\'' or '#'))
                {
                    lines.Add((at, raw[at..colon] + ": \"\""));
                    continue;
                }
            }
            var content = StripComment(raw);
            if (content.Trim().Length == 0 || content.Trim() is "---" or "...") continue;
            if (content.Contains('\t') && content.TrimStart(' ').StartsWith('\t')) return null; // tabs are not YAML indentation
            var indent = content.Length - content.TrimStart(' ').Length;
            var trimmedContent = content.Trim();
            if (BlockScalarIndicator(trimmedContent) is { } indicator)
            {
                // `key: |` / `- >-`: the more-indented lines that follow are the value, kept verbatim (literal) or folded.
                var body = new List<string>();
                while (r + 1 < all.Count && (all[r + 1].Trim().Length == 0 || all[r + 1].Length - all[r + 1].TrimStart(' ').Length > indent)) body.Add(all[++r]);
                while (body.Count > 0 && body[^1].Trim().Length == 0) body.RemoveAt(body.Count - 1);
                var common = body.Where(b => b.Trim().Length > 0).Select(b => b.Length - b.TrimStart(' ').Length).DefaultIfEmpty(0).Min();
                var value = string.Join(indicator[0] == '>' ? " " : "\n", body.Select(b => b.Length >= common ? b[common..] : ""));
                if (indicator[0] == '|' && !indicator.EndsWith('-')) value += "\n";
                var head = trimmedContent[..^indicator.Length].TrimEnd();
                var quoted = "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
                lines.Add((indent, head + " " + quoted));
                continue;
            }
            lines.Add((indent, trimmedContent));
        }
        var i = 0;
        return lines.Count == 0 ? null : Block(lines, ref i, lines[0].Indent, 0) as Dictionary<string, object?>;
    }

    /// <summary>A string value at a path of mapping keys; null when any step is missing or not a mapping.</summary>
    public static string? Get(object? node, params string[] keys)
    {
        foreach (var k in keys)
        {
            if (node is not Dictionary<string, object?> map || !map.TryGetValue(k, out node)) return null;
        }
        return node as string;
    }

    /// <summary>The entry of a named list (<c>contexts</c>, <c>clusters</c>) whose <c>name</c> is <paramref name="name"/>.</summary>
    public static Dictionary<string, object?>? Named(Dictionary<string, object?> doc, string list, string name)
    {
        if (!doc.TryGetValue(list, out var items) || items is not List<object?> entries) return null;
        foreach (var e in entries)
            if (e is Dictionary<string, object?> m && Get(m, "name") == name) return m;
        return null;
    }

    private static object? Block(List<(int Indent, string Text)> lines, ref int i, int indent, int depth)
    {
        if (depth > MaxDepth || i >= lines.Count) return null;
        if (IsItem(lines[i].Text)) return Sequence(lines, ref i, indent, depth);
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (i < lines.Count && lines[i].Indent == indent && !IsItem(lines[i].Text))
        {
            var (key, value) = SplitKey(lines[i].Text);
            i++;
            if (key is null) continue;
            if (value.Length > 0) { map.TryAdd(key, Scalar(value)); continue; }
            object? child = null;
            if (i < lines.Count && lines[i].Indent > indent) child = Block(lines, ref i, lines[i].Indent, depth + 1);
            else if (i < lines.Count && lines[i].Indent == indent && IsItem(lines[i].Text)) child = Sequence(lines, ref i, indent, depth + 1);
            map.TryAdd(key, child);
        }
        // Skip anything more indented that this level did not consume (malformed input).
        while (i < lines.Count && lines[i].Indent > indent) i++;
        return map;
    }

    private static List<object?> Sequence(List<(int Indent, string Text)> lines, ref int i, int indent, int depth)
    {
        var list = new List<object?>();
        while (i < lines.Count && lines[i].Indent == indent && IsItem(lines[i].Text))
        {
            var content = lines[i].Text.Length > 1 ? lines[i].Text[1..].TrimStart(' ') : "";
            if (content.Length == 0)
            {
                i++;
                list.Add(i < lines.Count && lines[i].Indent > indent ? Block(lines, ref i, lines[i].Indent, depth + 1) : null);
                continue;
            }
            var (key, _) = SplitKey(content);
            if (key is null) { list.Add(Scalar(content)); i++; continue; }
            // `- key: value` starts a mapping whose further keys are indented like `key`.
            var at = indent + (lines[i].Text.Length - content.Length);
            lines[i] = (at, content);
            list.Add(Block(lines, ref i, at, depth + 1));
        }
        return list;
    }

    /// <summary>The block scalar indicator (<c>|</c>, <c>|-</c>, <c>&gt;</c>, <c>&gt;-</c>, <c>|+</c>) ending a <c>key:</c> or
    /// <c>-</c> line, or null.</summary>
    private static string? BlockScalarIndicator(string line)
    {
        foreach (var i in new[] { "|-", "|+", ">-", ">+", "|", ">" })
        {
            if (!line.EndsWith(i, StringComparison.Ordinal)) continue;
            var head = line[..^i.Length];
            if (head == "-" || head.EndsWith(" ") && (head.TrimEnd() == "-" || head.TrimEnd().EndsWith(':'))) return i;
        }
        return null;
    }

    private static bool IsItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    /// <summary><c>key: value</c> → (key, value); (null, "") when the line is not a mapping entry.</summary>
    private static (string? Key, string Value) SplitKey(string text)
    {
        if (text.Length > 0 && text[0] is '"' or '\'')
        {
            var close = text.IndexOf(text[0], 1);
            if (close > 0 && close + 1 < text.Length && text[close + 1] == ':' && (close + 2 == text.Length || text[close + 2] == ' '))
                return (text[1..close], text[(close + 2)..].Trim());
            return (null, "");
        }
        for (var k = 0; k < text.Length; k++)
            if (text[k] == ':' && (k + 1 == text.Length || text[k + 1] == ' '))
                return (text[..k].Trim(), text[(k + 1)..].Trim());
        return (null, "");
    }

    private static string Scalar(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') return value[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\");
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'') return value[1..^1].Replace("''", "'");
        return value;
    }

    private static string StripComment(string line)
    {
        char quote = '\0';
        for (var k = 0; k < line.Length; k++)
        {
            var c = line[k];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'' && (k == 0 || line[k - 1] is ' ' or ':' or '-')) quote = c;
            else if (c == '#' && (k == 0 || line[k - 1] == ' ')) return line[..k];
        }
        return line;
    }

    private static object? Json(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            return Convert(doc.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static object? Convert(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (m, p) => { m.TryAdd(p.Name, Convert(p.Value)); return m; }),
        JsonValueKind.Array => e.EnumerateArray().Select(Convert).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => e.GetRawText(),
    };
}
