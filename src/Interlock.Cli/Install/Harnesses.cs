using System.Text.Json.Nodes;

namespace Interlock.Cli.Install;

public enum InstallScope { User, Project }

/// <summary>Where a harness keeps its hook registration and how Interlock's is written there.</summary>
internal abstract class Harness
{
    /// <summary>The name used on the command line (`interlock install codex`, `interlock hook codex`).</summary>
    public abstract string Name { get; }

    public abstract string Product { get; }

    /// <summary>The settings file for a scope.</summary>
    /// <exception cref="InstallException">The harness's own variable points at a directory that does not exist.</exception>
    public abstract string SettingsPath(InstallScope scope, InstallEnvironment env, string agent);

    /// <summary>Directories (under the home directory) whose presence says the harness is used on this machine.</summary>
    public abstract string[] Markers { get; }

    /// <summary>Whether the harness runs the registered command itself, so it is registered wrapped to fail closed
    /// (<see cref="HookCommandLine"/>). OpenCode runs Interlock's plugin, which calls the binary and fails closed by itself.</summary>
    public virtual bool RunsRegisteredCommand => true;

    /// <summary>The settings file's new text with Interlock registered, or null when it already is.</summary>
    public abstract string? Install(string path, string hookCommand, InstallScope scope, InstallEnvironment env);

    /// <summary>The settings file's text without Interlock (null: the file should go), or <see cref="Unchanged"/>.</summary>
    public abstract string? Uninstall(string path);

    /// <summary>Whether the file registers Interlock's hook for this harness; the registered command when it does.</summary>
    public abstract string? RegisteredCommand(string path);

    /// <summary>Why the hook registered in <paramref name="path"/> would still not run: the harness does not trust
    /// it, or a setting switches it off. Each with what fixes it. Empty when nothing stops it (for `interlock doctor`).</summary>
    public virtual IEnumerable<HookProblem> Problems(InstallScope scope, string path, InstallEnvironment env) => [];

    /// <summary>A harmless event and the answer a working hook gives it (for `interlock doctor`).</summary>
    public abstract (string Event, int ExitCode, string Stdout) Probe(string cwd);

    public const string Unchanged = "\u0000unchanged";

    /// <summary>Whether two versions of the settings say the same thing (for restoring the backup byte for byte).</summary>
    public virtual bool SameSettings(string a, string b) => a.TrimEnd() == b.TrimEnd();

    /// <summary>All harnesses, by command-line name.</summary>
    public static readonly IReadOnlyList<Harness> All =
    [
        new JsonHarness("claude-code", "Claude Code", [".claude"],
            (s, env, _) => s == InstallScope.User ? Path.Combine(env.Home, ".claude", "settings.json") : Path.Combine(env.Project, ".claude", "settings.json"),
            (cmd, env) => [("PreToolUse", [new JsonObject { ["matcher"] = "*", ["hooks"] = new JsonArray(ClaudeCodeEntry(cmd, env)) }])],
            cwd => ($$$"""{"session_id":"interlock-doctor","cwd":"{{{cwd}}}","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"}}""", 0, "")),
        new CodexHarness(),
        new JsonHarness("gemini", "Gemini CLI", [".gemini"],
            (s, env, _) => s == InstallScope.User ? Path.Combine(env.Home, ".gemini", "settings.json") : Path.Combine(env.Project, ".gemini", "settings.json"),
            (cmd, _) => [("BeforeTool", [new JsonObject { ["matcher"] = ".*", ["hooks"] = new JsonArray(new JsonObject { ["name"] = "interlock", ["type"] = "command", ["command"] = cmd, ["timeout"] = 30000 }) }])],
            cwd => ($$$"""{"session_id":"interlock-doctor","cwd":"{{{cwd}}}","hook_event_name":"BeforeTool","tool_name":"run_shell_command","tool_input":{"command":"git status"}}""", 0, "{}")),
        new JsonHarness("cursor", "Cursor", [".cursor"],
            (s, env, _) => s == InstallScope.User ? Path.Combine(env.Home, ".cursor", "hooks.json") : Path.Combine(env.Project, ".cursor", "hooks.json"),
            (cmd, _) =>
            [
                ("beforeShellExecution", [new JsonObject { ["command"] = cmd }]),
                ("beforeMCPExecution", [new JsonObject { ["command"] = cmd }]),
                ("beforeReadFile", [new JsonObject { ["command"] = cmd }]),
                // Shell, MCP and reads have their own events above; preToolUse covers the file-changing tools.
                ("preToolUse", [new JsonObject { ["command"] = cmd, ["matcher"] = "Write" }, new JsonObject { ["command"] = cmd, ["matcher"] = "StrReplace" }, new JsonObject { ["command"] = cmd, ["matcher"] = "Delete" }]),
            ],
            cwd => ($$"""{"hook_event_name":"beforeShellExecution","conversation_id":"interlock-doctor","workspace_roots":["{{cwd}}"],"command":"git status","cwd":"{{cwd}}"}""", 0, """{"permission":"allow"}"""),
            scaffold: () => new JsonObject { ["version"] = 1 }),
        new JsonHarness("copilot", "GitHub Copilot CLI", [".copilot"],
            // Per user: *.json in $COPILOT_HOME/hooks (default ~/.copilot/hooks), loaded whether or not the folder is
            // trusted (Copilot CLI 1.0.102); per project: .github/hooks/*.json, loaded only in trusted folders.
            (s, env, _) => s == InstallScope.User
                ? Path.Combine(env.Variable("COPILOT_HOME") ?? Path.Combine(env.Home, ".copilot"), "hooks", "interlock.json")
                : Path.Combine(env.Project, ".github", "hooks", "interlock.json"),
            (cmd, _) => [("preToolUse", [new JsonObject { ["type"] = "command", ["bash"] = cmd, ["timeoutSec"] = 30 }])],
            cwd => ($$"""{"sessionId":"interlock-doctor","timestamp":0,"cwd":"{{cwd}}","toolName":"bash","toolArgs":"{\"command\":\"git status\"}"}""", 0, ""),
            scaffold: () => new JsonObject { ["version"] = 1 }),
        new KiroHarness("kiro", "Kiro CLI", [".kiro"], Path.Combine(".kiro", "agents")),
        new KiroHarness("amazon-q", "Amazon Q Developer CLI", [Path.Combine(".aws", "amazonq")], Path.Combine(".aws", "amazonq", "cli-agents"), Path.Combine(".amazonq", "cli-agents")),
        new OpenCodeHarness(),
    ];

    public static Harness? Find(string name) => All.FirstOrDefault(h => h.Name == name);

    /// <summary>The first Claude Code release that reads "onFailure": "block" on a hook entry (a hook that cannot
    /// start, times out or exits unexpectedly then stops the action instead of letting it through).</summary>
    public static readonly Version ClaudeCodeOnFailure = new(2, 1, 295);

    /// <summary>Claude Code's hook entry; "onFailure": "block" when the installed Claude Code reads it (older releases
    /// may reject an unknown key, so it is written only when `claude --version` says it is understood).</summary>
    private static JsonObject ClaudeCodeEntry(string cmd, InstallEnvironment env)
    {
        var entry = new JsonObject { ["type"] = "command", ["command"] = cmd, ["timeout"] = 30 };
        if (ParseVersion(env.ProgramVersion("claude")) is { } v && v >= ClaudeCodeOnFailure) entry["onFailure"] = "block";
        return entry;
    }

    /// <summary>The leading x.y.z of a `--version` line ("2.1.332 (Claude Code)"), or null.</summary>
    public static Version? ParseVersion(string? line)
    {
        var word = line?.Trim().Split(' ', 2)[0].TrimStart('v');
        return Version.TryParse(word, out var v) ? v : null;
    }
}

/// <summary>Why a registered hook does not run ("hook not trusted: ...", "hook disabled: ..."), and the fix.</summary>
internal sealed record HookProblem(string Summary, string Fix);

/// <summary>A harness whose hooks live in a JSON file: entries merged under "hooks".</summary>
internal class JsonHarness(
    string name, string product, string[] markers,
    Func<InstallScope, InstallEnvironment, string, string> path,
    Func<string, InstallEnvironment, IReadOnlyList<(string Event, JsonObject[] Entries)>> entries,
    Func<string, (string, int, string)> probe,
    Func<JsonObject>? scaffold = null) : Harness
{
    public override string Name => name;

    public override string Product => product;

    public override string[] Markers => markers;

    public override string SettingsPath(InstallScope scope, InstallEnvironment env, string agent) => path(scope, env, agent);

    /// <summary>Keys a new file needs besides the hooks (Cursor and Copilot want "version": 1).</summary>
    protected virtual JsonObject NewFile(string path) => scaffold?.Invoke() ?? [];

    public override string? Install(string file, string hookCommand, InstallScope scope, InstallEnvironment env)
    {
        var exists = File.Exists(file);
        var root = exists ? JsonSettings.Load(file) : NewFile(file);
        if (!JsonSettings.Merge(root, name, entries(hookCommand, env))) return null;
        return JsonSettings.Serialize(root);
    }

    public override string? Uninstall(string file)
    {
        if (!File.Exists(file)) return Unchanged;
        var root = JsonSettings.Load(file);
        if (!JsonSettings.Remove(root, name)) return Unchanged;
        // A file that holds nothing but what a new one would have was Interlock's: it goes.
        return JsonNode.DeepEquals(root, NewFile(file)) ? null : JsonSettings.Serialize(root);
    }

    public override string? RegisteredCommand(string file)
    {
        if (!File.Exists(file)) return null;
        try
        {
            var root = JsonSettings.Load(file);
            if (root["hooks"] is not JsonObject hooks) return null;
            foreach (var (_, list) in hooks)
                if (list is JsonArray a)
                    foreach (var e in a)
                        if (FindCommand(e) is { } c) return c;
            return null;
        }
        catch (InstallException)
        {
            return null;
        }
    }

    private string? FindCommand(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) && JsonSettings.IsOurCommand(s, name) => s,
        JsonObject o => o.Select(p => FindCommand(p.Value)).FirstOrDefault(c => c is not null),
        JsonArray a => a.Select(FindCommand).FirstOrDefault(c => c is not null),
        _ => null,
    };

    public override (string Event, int ExitCode, string Stdout) Probe(string cwd) => probe(cwd);

    public override bool SameSettings(string a, string b)
    {
        try
        {
            var x = System.Text.Json.Nodes.JsonNode.Parse(a, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var y = System.Text.Json.Nodes.JsonNode.Parse(b, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true });
            return JsonNode.DeepEquals(x, y);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}

/// <summary>
/// Kiro CLI and Amazon Q Developer CLI keep hooks in an agent configuration (kiro.dev/docs/cli/custom-agents): a
/// JSON file per agent whose "hooks": {"preToolUse": [{"command":..., "matcher":...}]} run for that agent. Interlock
/// registers itself in the agent named by --agent (default `interlock`); a new agent file gets every tool ("tools":
/// ["*"]), since an agent without a tools list has none.
/// </summary>
internal sealed class KiroHarness(string name, string product, string[] markers, string userDir, string? projectDir = null) : JsonHarness(
    name, product, markers,
    (s, env, agent) => s == InstallScope.User ? Path.Combine(env.Home, userDir, agent + ".json") : Path.Combine(env.Project, projectDir ?? userDir, agent + ".json"),
    (cmd, _) => [("preToolUse", [new JsonObject { ["matcher"] = "*", ["command"] = cmd, ["timeout_ms"] = 30000 }])],
    cwd => ($$$"""{"hook_event_name":"preToolUse","cwd":"{{{cwd}}}","tool_name":"execute_bash","tool_input":{"command":"git status"}}""", 0, ""))
{
    public const string DefaultAgent = "interlock";

    protected override JsonObject NewFile(string path) => new()
    {
        ["name"] = Path.GetFileNameWithoutExtension(path),
        ["description"] = "An agent whose tool calls Interlock checks before they run",
        ["tools"] = new JsonArray("*"),
    };
}
