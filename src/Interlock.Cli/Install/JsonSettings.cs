using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Interlock.Cli.Install;

/// <summary>
/// Merges hook entries into a harness's JSON settings without touching anything else: other keys keep their values
/// and order, other hooks stay, and Interlock's own entries are recognised by their command (any path ending in
/// `interlock hook &lt;harness&gt;`), so a second install changes nothing and a moved binary is updated in place.
/// </summary>
internal static class JsonSettings
{
    private static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 };
    private static readonly JsonWriterOptions WriteOptions = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The settings as a JSON object; empty when the file does not exist. Throws
    /// <see cref="InstallException"/> when it is not a JSON object.</summary>
    public static JsonObject Load(string path)
    {
        if (!File.Exists(path)) return [];
        var text = File.ReadAllText(path);
        if (text.Trim().Length == 0) return [];
        try
        {
            return JsonNode.Parse(text, documentOptions: ReadOptions) as JsonObject
                ?? throw new InstallException($"{path} is not a JSON object, so Interlock will not change it. Fix or move it, then run the command again.");
        }
        catch (JsonException e)
        {
            throw new InstallException($"{path} is not valid JSON ({e.Message}), so Interlock will not change it. Fix it, then run the command again.");
        }
    }

    public static string Serialize(JsonNode node)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriteOptions)) node.WriteTo(w);
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Whether <paramref name="entry"/> is one of Interlock's: a string in it runs `interlock hook &lt;harness&gt;`.</summary>
    public static bool IsOurs(JsonNode? entry, string harness)
    {
        switch (entry)
        {
            case JsonValue v when v.TryGetValue<string>(out var s):
                return IsOurCommand(s, harness);
            case JsonObject o:
                return o.Any(p => IsOurs(p.Value, harness));
            case JsonArray a:
                return a.Any(x => IsOurs(x, harness));
            default:
                return false;
        }
    }

    /// <summary>A command that runs an `interlock` (or `interlock-hook`) binary's `hook &lt;harness&gt;` (any path, optionally quoted).</summary>
    public static bool IsOurCommand(string command, string harness) => HookCommandLine.Binary(command, harness) is not null;

    /// <summary>
    /// Makes hooks.&lt;event&gt; hold exactly <paramref name="desired"/> as Interlock's entries (after the user's own),
    /// for each event. Returns whether anything changed.
    /// </summary>
    public static bool Merge(JsonObject root, string harness, IReadOnlyList<(string Event, JsonObject[] Entries)> desired)
    {
        if (root["hooks"] is not JsonObject hooks)
        {
            if (root["hooks"] is not null)
                throw new InstallException("the settings' \"hooks\" is not an object, so Interlock will not change it. Fix it, then run the command again.");
            hooks = [];
            root["hooks"] = hooks;
        }
        var changed = false;
        foreach (var (name, entries) in desired)
        {
            if (hooks[name] is not JsonArray list)
            {
                if (hooks[name] is not null)
                    throw new InstallException($"the settings' hooks.{name} is not an array, so Interlock will not change it. Fix it, then run the command again.");
                list = [];
                hooks[name] = list;
            }
            var ours = list.Where(e => IsOurs(e, harness)).ToList();
            if (ours.Count == entries.Length && ours.Zip(entries).All(p => JsonNode.DeepEquals(p.First, p.Second))) continue;
            foreach (var e in ours) list.Remove(e);
            foreach (var e in entries) list.Add(e.DeepClone());
            changed = true;
        }
        return changed;
    }

    /// <summary>Removes Interlock's entries, and the event arrays and hooks object that this leaves empty.
    /// Returns whether anything changed.</summary>
    public static bool Remove(JsonObject root, string harness)
    {
        if (root["hooks"] is not JsonObject hooks) return false;
        var changed = false;
        foreach (var (name, value) in hooks.ToList())
        {
            if (value is not JsonArray list) continue;
            var ours = list.Where(e => IsOurs(e, harness)).ToList();
            if (ours.Count == 0) continue;
            foreach (var e in ours) list.Remove(e);
            if (list.Count == 0) hooks.Remove(name);
            changed = true;
        }
        if (changed && hooks.Count == 0) root.Remove("hooks");
        return changed;
    }
}

/// <summary>A setting that cannot be changed safely; the message says why and what to do.</summary>
internal sealed class InstallException(string message) : Exception(message);
