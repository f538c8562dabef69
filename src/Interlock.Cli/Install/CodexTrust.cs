using System.Security.Cryptography;
using System.Text;

namespace Interlock.Cli.Install;

/// <summary>
/// Codex (0.171) runs a command hook from a user or project config.toml only when its trust is recorded beside it:
/// <code>
/// [hooks.state."/abs/path/config.toml:pre_tool_use:0:0"]
/// trusted_hash = "sha256:..."
/// </code>
/// and `codex exec` skips an untrusted (or changed) hook without a word. As codex-rs/hooks computes them
/// (engine/discovery.rs, lib.rs `hook_key`; config/src/fingerprint.rs `version_for_toml`):
/// <list type="bullet">
/// <item>the key is the config file's absolute path (a CODEX_HOME with its links resolved, $HOME/.codex as it is),
/// the event label `pre_tool_use`, the matcher group's index among that file's [[hooks.PreToolUse]] groups, and the
/// handler's index in the group;</item>
/// <item>the hash is SHA-256 over the entry normalised and written as canonical JSON (object keys sorted, no
/// spaces, serde_json's escaping): {"event_name":"pre_tool_use","hooks":[{"async":false,"command":...,
/// "statusMessage":... (only when set),"timeout":N (600 when unset),"type":"command"}],"matcher":... (only when
/// set)}, written "sha256:" and 64 lower-case hex digits.</item>
/// </list>
/// Checked against what Codex 0.171 itself reports (`codex app-server`, hooks/list currentHash) in the tests.
/// </summary>
internal static class CodexTrust
{
    /// <summary>Codex's timeout when an entry gives none (seconds).</summary>
    public const int DefaultTimeoutSeconds = 600;

    public static string Key(string configPath, int group, int handler = 0) =>
        $"{configPath}:pre_tool_use:{group}:{handler}";

    public static string Hash(string command, int? timeoutSeconds, string? matcher = null, string? statusMessage = null, bool isAsync = false)
    {
        var json = new StringBuilder();
        json.Append("{\"event_name\":\"pre_tool_use\",\"hooks\":[{\"async\":").Append(isAsync ? "true" : "false");
        json.Append(",\"command\":");
        Quote(json, command);
        if (statusMessage is not null)
        {
            json.Append(",\"statusMessage\":");
            Quote(json, statusMessage);
        }
        json.Append(",\"timeout\":").Append(Math.Max(1, timeoutSeconds ?? DefaultTimeoutSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        json.Append(",\"type\":\"command\"}]");
        if (matcher is not null)
        {
            json.Append(",\"matcher\":");
            Quote(json, matcher);
        }
        json.Append('}');
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json.ToString())));
    }

    /// <summary>A JSON string as serde_json writes it: \" \\ \b \f \n \r \t, other control characters as \u00xx
    /// (lower-case hex), everything else (/, DEL, non-ASCII) as it is.</summary>
    private static void Quote(StringBuilder json, string s)
    {
        json.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    if (c < ' ') json.Append("\\u00").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    else json.Append(c);
                    break;
            }
        }
        json.Append('"');
    }

    /// <summary>A path with every symbolic link in it resolved, as Codex resolves CODEX_HOME (canonicalize).</summary>
    /// <exception cref="IOException">A part of it does not exist.</exception>
    public static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var resolved = "/";
        var hops = 0;
        var parts = new Queue<string>(full.Split('/', StringSplitOptions.RemoveEmptyEntries));
        while (parts.TryDequeue(out var part))
        {
            if (part == "." ) continue;
            if (part == "..") { resolved = Path.GetDirectoryName(resolved) ?? "/"; continue; }
            var next = Path.Combine(resolved, part);
            var info = new FileInfo(next);
            if (!info.Exists && !Directory.Exists(next)) throw new IOException($"{next} does not exist");
            if (info.LinkTarget is { } target)
            {
                if (++hops > 40) throw new IOException($"too many symbolic links in {path}");
                var rest = parts.ToArray();
                parts = new Queue<string>(Path.GetFullPath(target, resolved).Split('/', StringSplitOptions.RemoveEmptyEntries).Concat(rest));
                resolved = "/";
                continue;
            }
            resolved = next;
        }
        return resolved;
    }
}

/// <summary>
/// Just enough of TOML's structure, read line by line, to find table headers (`[a.b."c"]`, `[[a.b]]`) and simple
/// `key = value` lines under them: what the Codex installer needs to count [[hooks.PreToolUse]] groups and to find
/// [hooks.state."..."] entries without rewriting the file. Lines inside multi-line strings are skipped.
/// </summary>
internal static class TomlLines
{
    /// <summary>A header line: its start and end offsets (end includes the newline), array-of-tables or not, and
    /// its dotted key's parts (quotes removed).</summary>
    public sealed record Header(int Start, int End, bool IsArray, IReadOnlyList<string> Key)
    {
        public bool Is(params string[] key) => Key.SequenceEqual(key, StringComparer.Ordinal);
    }

    public static IReadOnlyList<Header> Headers(string text)
    {
        var headers = new List<Header>();
        var inMultiline = (string?)null;
        var at = 0;
        while (at < text.Length)
        {
            var nl = text.IndexOf('\n', at);
            var end = nl < 0 ? text.Length : nl + 1;
            var line = text[at..end].TrimEnd('\n', '\r');
            if (inMultiline is not null)
            {
                if (Count(line, inMultiline) % 2 == 1) inMultiline = null;
            }
            else
            {
                var t = line.Trim();
                if (t.StartsWith('[') && ParseHeader(t) is var (isArray, key)) headers.Add(new Header(at, end, isArray, key));
                else
                    foreach (var q in new[] { "\"\"\"", "'''" })
                        if (Count(line, q) % 2 == 1) { inMultiline = q; break; }
            }
            at = end;
        }
        return headers;
    }

    private static int Count(string line, string what)
    {
        var n = 0;
        for (var i = line.IndexOf(what, StringComparison.Ordinal); i >= 0; i = line.IndexOf(what, i + what.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    /// <summary>`[a."b c".d]` or `[[a.b]]` (a comment may follow) as its parts; null when the line is not a header.</summary>
    private static (bool IsArray, IReadOnlyList<string> Key)? ParseHeader(string t)
    {
        var isArray = t.StartsWith("[[", StringComparison.Ordinal);
        var i = isArray ? 2 : 1;
        var parts = new List<string>();
        while (true)
        {
            while (i < t.Length && t[i] is ' ' or '\t') i++;
            if (i >= t.Length) return null;
            var part = new StringBuilder();
            if (t[i] == '"' || t[i] == '\'')
            {
                var quote = t[i++];
                while (i < t.Length && t[i] != quote)
                {
                    if (quote == '"' && t[i] == '\\' && i + 1 < t.Length)
                    {
                        i++;
                        part.Append(t[i] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', _ => t[i] });
                    }
                    else part.Append(t[i]);
                    i++;
                }
                if (i >= t.Length) return null;
                i++;
            }
            else
            {
                while (i < t.Length && (char.IsAsciiLetterOrDigit(t[i]) || t[i] is '_' or '-')) part.Append(t[i++]);
                if (part.Length == 0) return null;
            }
            parts.Add(part.ToString());
            while (i < t.Length && t[i] is ' ' or '\t') i++;
            if (i < t.Length && t[i] == '.') { i++; continue; }
            break;
        }
        var close = isArray ? "]]" : "]";
        if (!t.AsSpan(i).StartsWith(close, StringComparison.Ordinal)) return null;
        var rest = t[(i + close.Length)..].Trim();
        return rest.Length == 0 || rest.StartsWith('#') ? (isArray, parts) : null;
    }

    /// <summary>The text of a table's body: from after its header to the next header (or the end).</summary>
    public static string Body(string text, IReadOnlyList<Header> headers, Header header)
    {
        var next = headers.FirstOrDefault(h => h.Start > header.Start);
        var end = next?.Start ?? text.Length;
        return text[header.End..end];
    }

    /// <summary>The value of `name = ...` in a table's body, as written (a basic string unquoted); null when absent.</summary>
    public static string? Value(string body, string name)
    {
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = line[name.Length..].TrimStart();
            if (!rest.StartsWith('=')) continue;
            var value = rest[1..].Trim();
            if (value.StartsWith('"'))
            {
                var close = value.IndexOf('"', 1);
                return close > 0 ? value[1..close] : null;
            }
            var hash = value.IndexOf('#');
            return (hash >= 0 ? value[..hash] : value).Trim();
        }
        return null;
    }
}
