namespace Interlock.Core.Policy;

/// <summary>Where a hook configuration location is anchored.</summary>
public enum HookConfigAnchor
{
    /// <summary>In any directory: a project, and home too (<c>.claude/settings.json</c>).</summary>
    Anywhere,
    /// <summary>Relative to the home directory only (<c>.copilot/hooks/**</c>).</summary>
    Home,
    /// <summary>An absolute path: machine-wide settings an administrator manages (<c>/etc/codex/**</c>).</summary>
    System,
    /// <summary>Relative to the directory (or, with an empty path, the file) an environment variable names
    /// (<c>$CODEX_HOME/**</c>).</summary>
    Variable,
}

/// <summary>How a setting in a JSON settings file switches hooks off.</summary>
public enum HookSwitchKind
{
    /// <summary>The setting is <c>true</c> (<c>"disableAllHooks": true</c>).</summary>
    OffWhenTrue,
    /// <summary>The setting is <c>false</c> (<c>"hooksConfig": {"enabled": false}</c>).</summary>
    OffWhenFalse,
    /// <summary>The setting is a list naming Interlock's hook, by name or command (<c>"hooksConfig": {"disabled": [...]}</c>).</summary>
    OffWhenListsOurs,
}

/// <summary>A setting (a dotted path into the JSON object) that switches a harness's hooks off.</summary>
public sealed record HookSwitch(string Setting, HookSwitchKind Kind);

/// <summary>
/// A file or directory that registers, or can switch off, an agent harness's hooks.
/// </summary>
/// <param name="Harness">The harness's command-line name (<c>interlock install NAME</c>).</param>
/// <param name="Anchor">What <paramref name="Path"/> is relative to.</param>
/// <param name="Path">Slash-separated; a last component <c>**</c> means everything below.</param>
/// <param name="Variable">For <see cref="HookConfigAnchor.Variable"/>: the variable naming the base.</param>
/// <param name="Switches">Settings in this (JSON) file that switch the hooks off, for <c>interlock doctor</c>.</param>
public sealed record HookConfigLocation(string Harness, HookConfigAnchor Anchor, string Path, string? Variable = null, params HookSwitch[] Switches)
{
    /// <summary>The path's fixed components (without a trailing <c>**</c>).</summary>
    public string[] Fixed { get; } = FixedPart(Path);

    /// <summary>Everything below the fixed part is included.</summary>
    public bool Deep => Path.EndsWith("**", StringComparison.Ordinal);

    private static string[] FixedPart(string path)
    {
        var c = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return c.Length > 0 && c[^1] == "**" ? c[..^1] : c;
    }

    /// <summary>Whether <paramref name="components"/> (relative to the anchor) are this location, something in it,
    /// or a directory on the way to it (which holds it).</summary>
    public (bool Match, bool OnTheWay) Covers(ReadOnlySpan<string> components)
    {
        var f = Fixed;
        if (components.Length <= f.Length)
        {
            for (var i = 0; i < components.Length; i++)
                if (components[i] != f[i]) return (false, false);
            return (true, components.Length < f.Length);
        }
        if (!Deep) return (false, false);
        for (var i = 0; i < f.Length; i++)
            if (components[i] != f[i]) return (false, false);
        return (true, false);
    }
}

/// <summary>
/// The one table of every file that registers or switches off an agent harness's hooks, harness by harness. The
/// guard protects every location here against agents, whatever the file's size (<see cref="ProtectedPaths"/>, kind
/// <see cref="ProtectedKind.HookRegistration"/>), and <c>interlock doctor</c> reads the <see cref="HookSwitch"/>es
/// of the files that exist to report a hook that is registered but switched off. Sources: each harness's hook and
/// settings documentation (docs/harnesses.md).
/// </summary>
public static class HookConfigPaths
{
    private static readonly HookSwitch DisableAllHooks = new("disableAllHooks", HookSwitchKind.OffWhenTrue);

    public static readonly IReadOnlyList<HookConfigLocation> All =
    [
        // Claude Code: settings per user and project (hooks, disableAllHooks); managed settings for the machine
        // (disableAllHooks; allowManagedHooksOnly ignores every user and project hook).
        new("claude-code", HookConfigAnchor.Anywhere, ".claude/settings.json", null, DisableAllHooks),
        new("claude-code", HookConfigAnchor.Anywhere, ".claude/settings.local.json", null, DisableAllHooks),
        new("claude-code", HookConfigAnchor.Variable, "settings.json", "CLAUDE_CONFIG_DIR", DisableAllHooks),
        new("claude-code", HookConfigAnchor.System, "/etc/claude-code/managed-settings.json", null, DisableAllHooks, new HookSwitch("allowManagedHooksOnly", HookSwitchKind.OffWhenTrue)),
        new("claude-code", HookConfigAnchor.System, "/etc/claude-code/**"),

        // Codex: config.toml (hooks and their trust state), hooks.json, per user and project; requirements.toml.
        new("codex", HookConfigAnchor.Anywhere, ".codex/**"),
        new("codex", HookConfigAnchor.Variable, "**", "CODEX_HOME"),
        new("codex", HookConfigAnchor.System, "/etc/codex/**"),

        // Gemini CLI: settings per user and project (hooks, hooksConfig.enabled, hooksConfig.disabled); system settings.
        new("gemini", HookConfigAnchor.Anywhere, ".gemini/settings.json", null, GeminiSwitches()),
        new("gemini", HookConfigAnchor.System, "/etc/gemini-cli/settings.json", null, GeminiSwitches()),
        new("gemini", HookConfigAnchor.System, "/etc/gemini-cli/**"),
        new("gemini", HookConfigAnchor.Variable, "", "GEMINI_CLI_SYSTEM_SETTINGS_PATH", GeminiSwitches()),

        // Cursor: hooks.json per user and project; the machine's.
        new("cursor", HookConfigAnchor.Anywhere, ".cursor/hooks.json"),
        new("cursor", HookConfigAnchor.System, "/etc/cursor/**"),

        // GitHub Copilot CLI: hook files per repository and per user ($COPILOT_HOME), each of which can carry
        // disableAllHooks; settings with inline hooks and disableAllHooks (repository, local, user); policy hooks.
        new("copilot", HookConfigAnchor.Anywhere, ".github/hooks/**"),
        new("copilot", HookConfigAnchor.Anywhere, ".github/hooks/interlock.json", null, DisableAllHooks),
        new("copilot", HookConfigAnchor.Anywhere, ".github/copilot/settings.json", null, DisableAllHooks),
        new("copilot", HookConfigAnchor.Anywhere, ".github/copilot/settings.local.json", null, DisableAllHooks),
        new("copilot", HookConfigAnchor.Home, ".copilot/hooks/**"),
        new("copilot", HookConfigAnchor.Home, ".copilot/hooks/interlock.json", null, DisableAllHooks),
        new("copilot", HookConfigAnchor.Home, ".copilot/settings.json", null, DisableAllHooks),
        new("copilot", HookConfigAnchor.Home, ".copilot/config.json", null, DisableAllHooks),
        new("copilot", HookConfigAnchor.Variable, "hooks/**", "COPILOT_HOME"),
        new("copilot", HookConfigAnchor.Variable, "hooks/interlock.json", "COPILOT_HOME", DisableAllHooks),
        new("copilot", HookConfigAnchor.Variable, "settings.json", "COPILOT_HOME", DisableAllHooks),
        new("copilot", HookConfigAnchor.Variable, "config.json", "COPILOT_HOME", DisableAllHooks),
        new("copilot", HookConfigAnchor.System, "/etc/github-copilot/**"),

        // Kiro and Amazon Q: agent configurations (hooks per agent), per project and per user.
        new("kiro", HookConfigAnchor.Anywhere, ".kiro/**"),
        new("amazon-q", HookConfigAnchor.Anywhere, ".amazonq/**"),
        new("amazon-q", HookConfigAnchor.Home, ".aws/amazonq/**"),

        // OpenCode: the plugin Interlock generates, per project and per user ($XDG_CONFIG_HOME), and every other plugin
        // beside it: OpenCode loads each file of its plugin directories (plugins/, and plugin/ of older versions) at
        // start, and a plugin that runs after the guard's can rewrite a tool call the guard has already allowed.
        new("opencode", HookConfigAnchor.Anywhere, ".opencode/plugin/interlock.js"),
        new("opencode", HookConfigAnchor.Anywhere, ".opencode/plugin/**"),
        new("opencode", HookConfigAnchor.Anywhere, ".opencode/plugins/**"),
        new("opencode", HookConfigAnchor.Home, ".config/opencode/plugin/interlock.js"),
        new("opencode", HookConfigAnchor.Home, ".config/opencode/plugin/**"),
        new("opencode", HookConfigAnchor.Home, ".config/opencode/plugins/**"),
        new("opencode", HookConfigAnchor.Variable, "opencode/plugin/interlock.js", "XDG_CONFIG_HOME"),
        new("opencode", HookConfigAnchor.Variable, "opencode/plugin/**", "XDG_CONFIG_HOME"),
        new("opencode", HookConfigAnchor.Variable, "opencode/plugins/**", "XDG_CONFIG_HOME"),
    ];

    /// <summary>Names of the files a harness reads inside a location that covers a whole directory (<c>**</c>), for
    /// comparing identities with hard links (<see cref="ProtectedPaths.KnownFiles"/>).</summary>
    public static IReadOnlyList<string> KnownNamesIn(HookConfigLocation location) => location.Harness switch
    {
        "codex" => ["config.toml", "hooks.json", "requirements.toml"],
        "claude-code" => ["managed-settings.json"],
        "gemini" => ["settings.json"],
        "cursor" => ["hooks.json"],
        "copilot" => ["interlock.json"],
        "opencode" => ["interlock.js"],
        _ => [],
    };

    private static HookSwitch[] GeminiSwitches() =>
        [new("hooksConfig.enabled", HookSwitchKind.OffWhenFalse), new("hooksConfig.disabled", HookSwitchKind.OffWhenListsOurs)];

    /// <summary>The locations of one harness.</summary>
    public static IEnumerable<HookConfigLocation> Of(string harness) => All.Where(l => l.Harness == harness);
}
