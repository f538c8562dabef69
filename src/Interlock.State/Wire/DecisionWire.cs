using System.Text.Json;
using Interlock.Core;

namespace Interlock.State.Wire;

/// <summary>
/// The facts about the agent's machine that the engine asked while deciding, recorded by the hook and replayed on
/// the approval server, so the server re-analyses the action itself (its own engine and policy) with the same view
/// of the agent's machine. A question the hook did not record is answered as unknown (which never makes an action
/// look safer). The facts are the agent machine's say-so; the verdict is always the server's.
/// </summary>
public sealed class WorldFacts : IWorldView
{
    public const int MaxEntries = 512;
    public const int MaxFileBytes = 256 * 1024;

    public string HomeDirectory { get; set; } = "/";
    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, PathKind> Paths { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string?> Repositories { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string?> Branches { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, string?> Files { get; } = new(StringComparer.Ordinal);
    /// <summary>Symbolic links the engine read: path → target as stored.</summary>
    public Dictionary<string, string?> Links { get; } = new(StringComparer.Ordinal);
    /// <summary>Identities of files with their link counts: path → "device:inode:links".</summary>
    public Dictionary<string, string?> Identities { get; } = new(StringComparer.Ordinal);
    /// <summary>Files the agent's session wrote, as the hook's state recorded them: path → how and when. Without them
    /// the server would take a binary the agent just built for code that was always there.</summary>
    public Dictionary<string, string?> Written { get; } = new(StringComparer.Ordinal);

    public string? WrittenInSession(string absolutePath) => Written.GetValueOrDefault(absolutePath);
    public string? ReadSymbolicLink(string absolutePath) => Links.GetValueOrDefault(absolutePath);
    public FileIdentity? GetFileIdentity(string absolutePath) =>
        Identities.GetValueOrDefault(absolutePath)?.Split(':') is [var d, var i, var n] && ulong.TryParse(d, out var dev) && ulong.TryParse(i, out var ino) && uint.TryParse(n, out var links)
            ? new FileIdentity(dev, ino, links) : null;

    public static string FormatIdentity(FileIdentity id) => $"{id.Device}:{id.Inode}:{id.LinkCount}";

    public string? GetEnvironmentVariable(string name) => Environment.TryGetValue(name, out var v) ? v : null;
    public PathKind GetPathKind(string absolutePath) => Paths.TryGetValue(absolutePath, out var k) ? k : PathKind.Unknown;
    public string? FindRepositoryRoot(string absoluteDirectory) => Repositories.TryGetValue(absoluteDirectory, out var r) ? r : null;
    public string? CurrentBranch(string repositoryRoot) => Branches.TryGetValue(repositoryRoot, out var b) ? b : null;
    public string? ReadTextFile(string absolutePath, int maxBytes) =>
        Files.TryGetValue(absolutePath, out var t) && t is not null && System.Text.Encoding.UTF8.GetByteCount(t) <= maxBytes ? t : null;
}

/// <summary>A world view that answers from the real one and remembers every answer (the hook side).</summary>
public sealed class RecordingWorld(IWorldView inner) : IWorldView
{
    public WorldFacts Facts { get; } = new() { HomeDirectory = inner.HomeDirectory };
    public string HomeDirectory => inner.HomeDirectory;

    public string? GetEnvironmentVariable(string name) => Remember(Facts.Environment, name, inner.GetEnvironmentVariable(name));
    public PathKind GetPathKind(string absolutePath)
    {
        var k = inner.GetPathKind(absolutePath);
        if (Facts.Paths.Count < WorldFacts.MaxEntries) Facts.Paths[absolutePath] = k;
        return k;
    }
    public string? FindRepositoryRoot(string absoluteDirectory) => Remember(Facts.Repositories, absoluteDirectory, inner.FindRepositoryRoot(absoluteDirectory));
    public string? CurrentBranch(string repositoryRoot) => Remember(Facts.Branches, repositoryRoot, inner.CurrentBranch(repositoryRoot));
    public string? ReadTextFile(string absolutePath, int maxBytes)
    {
        var text = inner.ReadTextFile(absolutePath, Math.Min(maxBytes, WorldFacts.MaxFileBytes));
        return Remember(Facts.Files, absolutePath, text);
    }

    // Only links and identities are recorded: an unrecorded path reads on the server as "not a link", "identity unknown".
    public string? ReadSymbolicLink(string absolutePath)
    {
        var target = inner.ReadSymbolicLink(absolutePath);
        if (target is not null && Facts.Links.Count < WorldFacts.MaxEntries) Facts.Links[absolutePath] = target;
        return target;
    }

    public FileIdentity? GetFileIdentity(string absolutePath)
    {
        var id = inner.GetFileIdentity(absolutePath);
        if (id is { } i && Facts.Identities.Count < WorldFacts.MaxEntries) Facts.Identities[absolutePath] = WorldFacts.FormatIdentity(i);
        return id;
    }

    // Only files the session wrote are recorded: an unrecorded path reads on the server as "not written", as here.
    public string? WrittenInSession(string absolutePath)
    {
        var how = inner.WrittenInSession(absolutePath);
        if (how is not null && Facts.Written.Count < WorldFacts.MaxEntries) Facts.Written[absolutePath] = how;
        return how;
    }

    private static string? Remember(Dictionary<string, string?> map, string key, string? value)
    {
        if (map.Count < WorldFacts.MaxEntries) map[key] = value;
        return value;
    }
}

/// <summary>A malformed decision request: <see cref="Field"/> names the JSON field that is wrong.</summary>
public sealed class WireFormatException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>What a hook asks the server: the action, who/where, the recorded world facts, the longest it can wait for
/// humans (<paramref name="WaitMs"/>: a bound from its own deadline; how long the server waits is the server's
/// setting, ServerOptions.HookWait), and whether its harness can put an ask to its own user.</summary>
public sealed record DecisionCall(string Harness, string? SessionId, ActionRequest Request, WorldFacts World, int WaitMs)
{
    /// <summary>The harness has its own permission prompt (Claude Code, Cursor, Copilot): an ask the server's policy
    /// lets it approve is answered with ask instead of becoming a request.</summary>
    public bool HarnessCanAsk { get; init; }

    /// <summary>The agent machine's host name, shown to approvers as where the request came from (its say-so, like
    /// the facts); the repository's branch travels in the facts.</summary>
    public string? Host { get; init; }
}

/// <summary>
/// JSON for POST /v1/decisions, written with Utf8JsonWriter and read with JsonDocument (no reflection: the hook is
/// a Native AOT binary). Every field is bounded; a malformed body names the field.
/// </summary>
public static class DecisionWire
{
    public const int MaxStringChars = 256 * 1024;

    public static void Write(Utf8JsonWriter w, DecisionCall call)
    {
        w.WriteStartObject();
        w.WriteString("harness", call.Harness);
        if (call.SessionId is not null) w.WriteString("sessionId", call.SessionId);
        var r = call.Request;
        w.WriteString("tool", r.Tool);
        w.WriteString("cwd", r.Cwd);
        if (r.Command is not null) w.WriteString("command", r.Command);
        if (r.ToolArguments is not null) w.WriteString("toolArguments", r.ToolArguments);
        if (r.File is { } f)
        {
            w.WriteStartObject("file");
            w.WriteString("kind", f.Kind.ToString());
            w.WriteString("path", f.Path);
            if (f.Content is not null) w.WriteString("content", f.Content);
            w.WriteStartArray("edits");
            foreach (var e in f.Edits)
            {
                w.WriteStartObject();
                w.WriteString("oldString", e.OldString);
                w.WriteString("newString", e.NewString);
                w.WriteBoolean("replaceAll", e.ReplaceAll);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (f.Notebook is { } n)
            {
                w.WriteStartObject("notebook");
                if (n.CellId is not null) w.WriteString("cellId", n.CellId);
                w.WriteString("newSource", n.NewSource);
                w.WriteString("mode", n.Mode.ToString());
                if (n.CellType is not null) w.WriteString("cellType", n.CellType);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        var world = call.World;
        w.WriteStartObject("world");
        w.WriteString("home", world.HomeDirectory);
        WriteMap(w, "env", world.Environment);
        w.WriteStartObject("paths");
        foreach (var (k, v) in world.Paths) w.WriteString(k, v.ToString());
        w.WriteEndObject();
        WriteMap(w, "repositories", world.Repositories);
        WriteMap(w, "branches", world.Branches);
        WriteMap(w, "files", world.Files);
        WriteMap(w, "links", world.Links);
        WriteMap(w, "identities", world.Identities);
        WriteMap(w, "written", world.Written);
        w.WriteEndObject();
        w.WriteNumber("waitMs", call.WaitMs);
        if (call.HarnessCanAsk) w.WriteBoolean("harnessCanAsk", true);
        if (call.Host is not null) w.WriteString("host", call.Host);
        w.WriteEndObject();
    }

    private static void WriteMap(Utf8JsonWriter w, string name, Dictionary<string, string?> map)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in map)
        {
            if (v is null) w.WriteNull(k);
            else w.WriteString(k, v);
        }
        w.WriteEndObject();
    }

    /// <exception cref="WireFormatException">The body is not a valid decision request.</exception>
    public static DecisionCall Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new WireFormatException("$", "the body must be a JSON object");
        var harness = RequiredString(root, "harness", 64);
        var session = OptionalString(root, "sessionId", 256);
        var host = OptionalString(root, "host", 255);
        var tool = RequiredString(root, "tool", 256);
        var cwd = RequiredString(root, "cwd", 4096);
        if (!cwd.StartsWith('/')) throw new WireFormatException("cwd", "`cwd` must be an absolute path");
        var command = OptionalString(root, "command", MaxStringChars);
        var toolArguments = OptionalString(root, "toolArguments", MaxStringChars);
        FileAction? file = null;
        if (root.TryGetProperty("file", out var fe) && fe.ValueKind != JsonValueKind.Null)
        {
            if (fe.ValueKind != JsonValueKind.Object) throw new WireFormatException("file", "`file` must be an object");
            var kindText = RequiredString(fe, "kind", 32, "file.");
            if (!Enum.TryParse<FileToolKind>(kindText, ignoreCase: false, out var kind) || !Enum.IsDefined(kind))
                throw new WireFormatException("file.kind", "`file.kind` must be one of Write, Edit, MultiEdit, NotebookEdit, Read");
            var edits = new List<TextEdit>();
            if (fe.TryGetProperty("edits", out var ee) && ee.ValueKind != JsonValueKind.Null)
            {
                if (ee.ValueKind != JsonValueKind.Array) throw new WireFormatException("file.edits", "`file.edits` must be an array");
                if (ee.GetArrayLength() > 1000) throw new WireFormatException("file.edits", "`file.edits` has more than 1000 edits");
                var i = 0;
                foreach (var e in ee.EnumerateArray())
                {
                    if (e.ValueKind != JsonValueKind.Object) throw new WireFormatException($"file.edits[{i}]", $"`file.edits[{i}]` must be an object");
                    edits.Add(new TextEdit(RequiredString(e, "oldString", MaxStringChars, $"file.edits[{i}]."), RequiredString(e, "newString", MaxStringChars, $"file.edits[{i}]."),
                        e.TryGetProperty("replaceAll", out var ra) && ra.ValueKind == JsonValueKind.True));
                    i++;
                }
            }
            NotebookCellEdit? notebook = null;
            if (fe.TryGetProperty("notebook", out var ne) && ne.ValueKind == JsonValueKind.Object)
            {
                var modeText = RequiredString(ne, "mode", 16, "file.notebook.");
                if (!Enum.TryParse<NotebookEditMode>(modeText, false, out var mode) || !Enum.IsDefined(mode))
                    throw new WireFormatException("file.notebook.mode", "`file.notebook.mode` must be Replace, Insert or Delete");
                notebook = new NotebookCellEdit(OptionalString(ne, "cellId", 256, "file.notebook."), RequiredString(ne, "newSource", MaxStringChars, "file.notebook."), mode,
                    OptionalString(ne, "cellType", 32, "file.notebook."));
            }
            file = new FileAction(kind, RequiredString(fe, "path", 4096, "file.")) { Content = OptionalString(fe, "content", MaxStringChars, "file."), Edits = edits, Notebook = notebook };
        }
        if (command is null && file is null && toolArguments is null)
            throw new WireFormatException("command", "give the action: `command` for shell tools, `file` for file tools, or `toolArguments` for other tools");

        var world = new WorldFacts();
        if (root.TryGetProperty("world", out var we) && we.ValueKind != JsonValueKind.Null)
        {
            if (we.ValueKind != JsonValueKind.Object) throw new WireFormatException("world", "`world` must be an object");
            world.HomeDirectory = OptionalString(we, "home", 4096, "world.") ?? "/";
            ReadMap(we, "env", world.Environment, 4096);
            ReadMap(we, "repositories", world.Repositories, 4096);
            ReadMap(we, "branches", world.Branches, 1024);
            ReadMap(we, "files", world.Files, WorldFacts.MaxFileBytes);
            ReadMap(we, "links", world.Links, 4096);
            ReadMap(we, "identities", world.Identities, 64);
            ReadMap(we, "written", world.Written, 1024);
            if (we.TryGetProperty("paths", out var pe) && pe.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in pe.EnumerateObject())
                {
                    if (world.Paths.Count >= WorldFacts.MaxEntries) throw new WireFormatException("world.paths", $"`world.paths` has more than {WorldFacts.MaxEntries} entries");
                    if (p.Value.ValueKind != JsonValueKind.String || !Enum.TryParse<PathKind>(p.Value.GetString(), false, out var kind) || !Enum.IsDefined(kind))
                        throw new WireFormatException("world.paths", $"`world.paths[\"{Clip(p.Name)}\"]` must be Unknown, Missing, File or Directory");
                    world.Paths[p.Name] = kind;
                }
            }
        }
        var wait = 0;
        if (root.TryGetProperty("waitMs", out var wm) && wm.ValueKind != JsonValueKind.Null)
        {
            if (wm.ValueKind != JsonValueKind.Number || !wm.TryGetInt32(out wait) || wait < 0 || wait > 600_000)
                throw new WireFormatException("waitMs", "`waitMs` must be a whole number of milliseconds from 0 to 600000");
        }
        var canAsk = false;
        if (root.TryGetProperty("harnessCanAsk", out var ca) && ca.ValueKind != JsonValueKind.Null)
        {
            if (ca.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                throw new WireFormatException("harnessCanAsk", "`harnessCanAsk` must be true or false");
            canAsk = ca.GetBoolean();
        }
        return new DecisionCall(harness, session, new ActionRequest(tool, command, cwd) { File = file, ToolArguments = toolArguments }, world, wait) { HarnessCanAsk = canAsk, Host = host };
    }

    private static void ReadMap(JsonElement parent, string name, Dictionary<string, string?> into, int maxValue)
    {
        if (!parent.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return;
        if (e.ValueKind != JsonValueKind.Object) throw new WireFormatException($"world.{name}", $"`world.{name}` must be an object");
        foreach (var p in e.EnumerateObject())
        {
            if (into.Count >= WorldFacts.MaxEntries) throw new WireFormatException($"world.{name}", $"`world.{name}` has more than {WorldFacts.MaxEntries} entries");
            if (p.Value.ValueKind == JsonValueKind.Null) { into[p.Name] = null; continue; }
            if (p.Value.ValueKind != JsonValueKind.String) throw new WireFormatException($"world.{name}", $"`world.{name}[\"{Clip(p.Name)}\"]` must be a string or null");
            var v = p.Value.GetString()!;
            if (v.Length > maxValue) throw new WireFormatException($"world.{name}", $"`world.{name}[\"{Clip(p.Name)}\"]` is longer than {maxValue} characters");
            into[p.Name] = v;
        }
    }

    public static string RequiredString(JsonElement o, string name, int max, string prefix = "") =>
        OptionalString(o, name, max, prefix) ?? throw new WireFormatException(prefix + name, $"`{prefix}{name}` is required");

    public static string? OptionalString(JsonElement o, string name, int max, string prefix = "")
    {
        if (!o.TryGetProperty(name, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.String) throw new WireFormatException(prefix + name, $"`{prefix}{name}` must be a string");
        var s = e.GetString()!;
        if (s.Length > max) throw new WireFormatException(prefix + name, $"`{prefix}{name}` is longer than {max} characters");
        return s;
    }

    private static string Clip(string s) => s.Length > 80 ? s[..80] + "..." : s;
}
