using System.Text;

namespace Interlock.Cli.Install;

/// <summary>
/// Codex CLI keeps hooks in config.toml (~/.codex/config.toml, or $CODEX_HOME/config.toml, or .codex/config.toml
/// in a trusted project; developers.openai.com/codex/hooks, Codex 0.124 or later where hooks are on by default):
/// <code>
/// [[hooks.PreToolUse]]
/// [[hooks.PreToolUse.hooks]]
/// type = "command"
/// command = "..."
/// </code>
/// Codex 0.171 runs such a hook only once its trust is recorded (<see cref="CodexTrust"/>), so the block also holds
/// the [hooks.state."&lt;file&gt;:pre_tool_use:&lt;group&gt;:0"] entry with the hash Codex computes for it, recomputed at
/// every install (a moved binary, or groups added before ours, change it).
/// Interlock appends these tables as one block between marker comments, and edits only that block: a careful text
/// merge keeps every other byte of the file (comments, order, formatting), which a TOML round trip would not. The
/// one exception is a [hooks.state] table for our own entry's key outside the block (Codex's /hooks writes one when
/// a user trusts or disables the hook there): it would define the key twice, so it is removed. A file that already
/// defines PreToolUse hooks inline (PreToolUse = [...]) cannot take an appended table; the installer then says what
/// to add by hand.
/// </summary>
internal sealed class CodexHarness : Harness
{
    private const string BeginMarker = "# >>> interlock hook (managed by `interlock install codex`; remove with `interlock uninstall codex`)";
    private const string EndMarker = "# <<< interlock hook";

    /// <summary>Seconds Codex gives the hook before it gives up on it.</summary>
    public const int TimeoutSeconds = 30;

    public override string Name => "codex";

    public override string Product => "Codex CLI";

    public override string[] Markers => [".codex"];

    /// <summary>$CODEX_HOME/config.toml (links resolved, as Codex resolves it) when CODEX_HOME is set, else
    /// ~/.codex/config.toml; .codex/config.toml in the project.</summary>
    public override string SettingsPath(InstallScope scope, InstallEnvironment env, string agent)
    {
        if (scope == InstallScope.Project) return Path.Combine(env.Project, ".codex", "config.toml");
        if (env.Variable("CODEX_HOME") is not { } codexHome) return Path.Combine(env.Home, ".codex", "config.toml");
        try
        {
            return Path.Combine(CodexTrust.RealPath(codexHome), "config.toml");
        }
        catch (IOException e)
        {
            throw new InstallException($"CODEX_HOME is {codexHome}, which Codex needs to exist ({e.Message}); create it or unset CODEX_HOME, then run the command again.");
        }
    }

    /// <summary>The hook's tables, as they go in the file.</summary>
    private static string HookTables(string hookCommand) => $"""
        [[hooks.PreToolUse]]

        [[hooks.PreToolUse.hooks]]
        type = "command"
        command = {TomlString(hookCommand)}
        timeout = {TimeoutSeconds}

        """;

    /// <summary>Interlock's block: the hook and the trust entry Codex needs to run it, for a hook that is group
    /// <paramref name="group"/> of <paramref name="configPath"/>'s PreToolUse groups.</summary>
    public static string Block(string hookCommand, string configPath, int group) => $"""
        {BeginMarker}
        {HookTables(hookCommand)}
        # Codex runs the hook above only while this hash of it is recorded; `interlock install codex` keeps it current.
        [hooks.state.{TomlString(CodexTrust.Key(configPath, group))}]
        trusted_hash = {TomlString(CodexTrust.Hash(hookCommand, TimeoutSeconds))}
        {EndMarker}

        """;

    /// <summary>A double-quoted string with \", \\ and control characters escaped: valid as a TOML basic string
    /// and as a JavaScript string literal.</summary>
    internal static string TomlString(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in s)
        {
            if (c is '"' or '\\') sb.Append('\\').Append(c);
            else if (c < ' ') sb.Append($"\\u{(int)c:X4}");
            else sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    public override string? Install(string path, string hookCommand, InstallScope scope, InstallEnvironment env)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : "";
        var (before, block, after) = Split(text);
        var rest = before + after;
        foreach (var line in rest.Split('\n'))
        {
            var t = line.Trim();
            if (t.StartsWith("PreToolUse", StringComparison.Ordinal) && t.Contains('=') || t.StartsWith("hooks.PreToolUse", StringComparison.Ordinal) && t.Contains('=') || t.StartsWith("hooks", StringComparison.Ordinal) && t.Replace(" ", "").StartsWith("hooks=", StringComparison.Ordinal))
                throw new InstallException($"{path} defines its hooks inline (`{t}`), so an appended [[hooks.PreToolUse]] table would make it invalid. Add this to its PreToolUse hooks by hand instead:\n{HookTables(hookCommand)}Then trust it in Codex (`/hooks` in the Codex TUI), or Codex skips it.");
        }
        var configPath = Path.GetFullPath(path);
        var group = Groups(before);
        var key = CodexTrust.Key(configPath, group);
        // A state table for our key elsewhere (written by Codex's /hooks) would be a second definition of the key.
        before = WithoutState(before, key, path);
        after = WithoutState(after, key, path);
        var wanted = Block(hookCommand, configPath, group);
        if (block == wanted && before + after == rest) return null;
        if (block.Length > 0) return before + wanted + after;
        text = before + after;
        var separator = text.Length == 0 || text.EndsWith("\n\n", StringComparison.Ordinal) ? "" : text.EndsWith('\n') ? "\n" : "\n\n";
        return text + separator + wanted;
    }

    /// <summary>How many [[hooks.PreToolUse]] groups <paramref name="text"/> defines: the index the next one gets.</summary>
    private static int Groups(string text) => TomlLines.Headers(text).Count(h => h.IsArray && h.Is("hooks", "PreToolUse"));

    /// <summary><paramref name="text"/> without a [hooks.state."<paramref name="key"/>"] table.</summary>
    /// <exception cref="InstallException">The key is defined in another form (inline, dotted) that a line edit cannot remove.</exception>
    private static string WithoutState(string text, string key, string path)
    {
        var headers = TomlLines.Headers(text);
        foreach (var h in headers)
            if (!h.IsArray && h.Is("hooks", "state", key))
            {
                var body = TomlLines.Body(text, headers, h);
                text = text[..h.Start] + text[(h.End + body.Length)..];
                return WithoutState(text, key, path);
            }
        if (text.Contains(TomlString(key), StringComparison.Ordinal) || text.Contains($"'{key}'", StringComparison.Ordinal))
            throw new InstallException($"{path} already sets Codex's state for Interlock's hook (`{key}`) in a form Interlock cannot edit safely; remove that entry by hand, then run the command again.");
        return text;
    }

    public override string? Uninstall(string path)
    {
        if (!File.Exists(path)) return Unchanged;
        var (before, block, after) = Split(File.ReadAllText(path));
        if (block.Length == 0) return Unchanged;
        var rest = before + after;
        // The blank line Install put before the block goes with it.
        if (after.Length == 0 && rest.EndsWith("\n\n", StringComparison.Ordinal)) rest = rest[..^1];
        return rest.Trim().Length == 0 ? null : rest;
    }

    public override string? RegisteredCommand(string path)
    {
        if (!File.Exists(path)) return null;
        var (_, block, _) = Split(File.ReadAllText(path));
        return Command(block);
    }

    /// <summary>The command of Interlock's hook in a block, or null.</summary>
    private string? Command(string block)
    {
        foreach (var line in block.Split('\n'))
        {
            var t = line.Trim();
            if (!t.StartsWith("command = \"", StringComparison.Ordinal) || !t.EndsWith('"')) continue;
            var command = t["command = \"".Length..^1].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
            if (JsonSettings.IsOurCommand(command, Name)) return command;
        }
        return null;
    }

    /// <summary>Whether Codex will run the hook the file registers: its trust entry must hold the hash Codex computes
    /// for the entry as it now stands (command, timeout, position), and the entry must not be disabled.</summary>
    public override IEnumerable<HookProblem> Problems(InstallScope scope, string path, InstallEnvironment env)
    {
        var text = File.ReadAllText(path);
        var (before, block, _) = Split(text);
        if (Command(block) is not { } command) yield break;
        var timeout = TomlLines.Headers(block).FirstOrDefault(h => h.IsArray && h.Is("hooks", "PreToolUse", "hooks")) is { } handler
            && int.TryParse(TomlLines.Value(TomlLines.Body(block, TomlLines.Headers(block), handler), "timeout"), out var t) ? t : (int?)null;
        var key = CodexTrust.Key(Path.GetFullPath(path), Groups(before));
        var fix = $"interlock install codex --{scope.ToString().ToLowerInvariant()}   (records the trust entry Codex needs)";
        var headers = TomlLines.Headers(text);
        var state = headers.FirstOrDefault(h => !h.IsArray && h.Is("hooks", "state", key));
        if (state is null)
        {
            yield return new HookProblem($"hook not trusted: Codex skips it (no [hooks.state.{TomlString(key)}] trust entry in {path})", fix);
            yield break;
        }
        var body = TomlLines.Body(text, headers, state);
        if (TomlLines.Value(body, "enabled") == "false")
            yield return new HookProblem($"hook disabled: `enabled = false` under [hooks.state.{TomlString(key)}] in {path}, so Codex skips it", fix);
        var recorded = TomlLines.Value(body, "trusted_hash");
        var expected = CodexTrust.Hash(command, timeout);
        if (recorded != expected)
            yield return new HookProblem($"hook not trusted: Codex skips it (the trusted_hash recorded in {path} is {(recorded is null ? "missing" : recorded)}, but Codex computes {expected} for the entry as it stands: it was edited or moved)", fix);
    }

    /// <summary>The text before Interlock's block, the block (with its trailing newline), and the text after.</summary>
    private static (string Before, string Block, string After) Split(string text)
    {
        var start = text.IndexOf(BeginMarker, StringComparison.Ordinal);
        if (start < 0) return (text, "", "");
        var end = text.IndexOf(EndMarker, start, StringComparison.Ordinal);
        if (end < 0) throw new InstallException($"the Codex configuration has Interlock's start marker but not its end marker (`{EndMarker}`); fix the block by hand, then run the command again.");
        end += EndMarker.Length;
        if (end < text.Length && text[end] == '\n') end++;
        if (end < text.Length && text[end] == '\n') end++;
        return (text[..start], text[start..end], text[end..]);
    }

    public override (string Event, int ExitCode, string Stdout) Probe(string cwd) =>
        ($$$"""{"session_id":"interlock-doctor","cwd":"{{{cwd}}}","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"}}""", 0, "");
}

/// <summary>
/// OpenCode runs JavaScript plugins from ~/.config/opencode/plugin/ (all projects) or .opencode/plugin/ (one
/// project) (opencode.ai/docs/plugins). Interlock writes a small plugin there whose "tool.execute.before" sends each
/// tool call to `interlock hook opencode` and throws when the answer is a deny, or when the guard cannot be run
/// (fail closed). The plugin carries a marker line, so only Interlock's own file is ever replaced or removed.
/// </summary>
internal sealed class OpenCodeHarness : Harness
{
    private const string MarkerLine = "// Interlock OpenCode plugin (written by `interlock install opencode`; remove with `interlock uninstall opencode`).";

    public override string Name => "opencode";

    public override string Product => "OpenCode";

    public override string[] Markers => [Path.Combine(".config", "opencode")];

    public override bool RunsRegisteredCommand => false;

    public override string SettingsPath(InstallScope scope, InstallEnvironment env, string agent) =>
        scope == InstallScope.User ? Path.Combine(env.Home, ".config", "opencode", "plugin", "interlock.js") : Path.Combine(env.Project, ".opencode", "plugin", "interlock.js");

    public static string Plugin(string binary) => $$"""
        {{MarkerLine}}
        // Before every tool call, ask Interlock (a safety interlock for AI agents) whether it may run; a deny (or a
        // guard that cannot be run) stops the call with the reason, which the model reads.
        import { spawnSync } from "node:child_process";

        const INTERLOCK = {{CodexHarness.TomlString(binary)}};
        const TIMEOUT_MS = 15000;

        export const InterlockGuard = async ({ directory }) => ({
          "tool.execute.before": async (input, output) => {
            const event = JSON.stringify({
              hook_event_name: "tool.execute.before",
              tool: input.tool,
              sessionID: input.sessionID,
              callID: input.callID,
              cwd: directory,
              args: output.args,
            });
            const run = spawnSync(INTERLOCK, ["hook", "opencode"], { input: event, encoding: "utf8", timeout: TIMEOUT_MS });
            if (run.error || run.status !== 0) {
              const why = run.error ? run.error.message : `exit ${run.status}: ${(run.stderr || "").trim()}`;
              throw new Error(`Interlock could not check this ${input.tool} call (${why}), so it is stopped. Check the installation with \`interlock doctor\`.`);
            }
            let answer;
            try {
              answer = JSON.parse(run.stdout);
            } catch {
              throw new Error(`Interlock gave an unreadable answer for this ${input.tool} call, so it is stopped. Check the installation with \`interlock doctor\`.`);
            }
            if (answer.decision !== "allow") throw new Error(answer.reason || "Interlock stopped this tool call.");
          },
        });

        """;

    public override string? Install(string path, string hookCommand, InstallScope scope, InstallEnvironment env)
    {
        var wanted = Plugin(HookCommandLine.Binary(hookCommand, Name) ?? throw new InstallException($"`{hookCommand}` does not run an interlock binary."));
        if (!File.Exists(path)) return wanted;
        var text = File.ReadAllText(path);
        if (text == wanted) return null;
        if (!text.StartsWith(MarkerLine, StringComparison.Ordinal))
            throw new InstallException($"{path} exists and was not written by Interlock, so it is left alone. Move it aside, then run the command again.");
        return wanted;
    }

    public override string? Uninstall(string path)
    {
        if (!File.Exists(path)) return Unchanged;
        if (!File.ReadAllText(path).StartsWith(MarkerLine, StringComparison.Ordinal))
            throw new InstallException($"{path} was not written by Interlock, so it is left alone.");
        return null;
    }

    public override string? RegisteredCommand(string path)
    {
        if (!File.Exists(path)) return null;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith("const INTERLOCK = \"", StringComparison.Ordinal) && line.EndsWith("\";", StringComparison.Ordinal))
                return line["const INTERLOCK = \"".Length..^2].Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal) + " hook opencode";
        return null;
    }

    public override (string Event, int ExitCode, string Stdout) Probe(string cwd) =>
        ($$$"""{"hook_event_name":"tool.execute.before","tool":"bash","sessionID":"interlock-doctor","cwd":"{{{cwd}}}","args":{"command":"git status"}}""", 0, """{"decision":"allow"}""");
}
