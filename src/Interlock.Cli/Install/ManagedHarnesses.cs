using System.Text.Json.Nodes;

namespace Interlock.Cli.Install;

/// <summary>A harness's administrator-managed settings, which its users cannot remove or override (enforced mode).</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal abstract class ManagedHarness
{
    public abstract string Name { get; }

    public abstract string Product { get; }

    /// <summary>What an administrator cannot enforce for this harness, printed at install and in docs/security.md.</summary>
    public virtual IReadOnlyList<string> Caveats => [];

    /// <summary>Registers <paramref name="hookCommand"/>; the files written.</summary>
    public abstract IReadOnlyList<string> Install(string hookCommand);

    /// <summary>Removes Interlock's entries; the files changed.</summary>
    public abstract IReadOnlyList<string> Uninstall();

    /// <summary>Merges Interlock's hook entries (and <paramref name="lockIn"/>'s keys) into a JSON settings file.</summary>
    protected static string MergeJson(string path, string harness, IReadOnlyList<(string Event, JsonObject[] Entries)> entries, Action<JsonObject>? lockIn = null, Func<JsonObject>? scaffold = null)
    {
        var root = File.Exists(path) ? JsonSettings.Load(path) : scaffold?.Invoke() ?? [];
        JsonSettings.Merge(root, harness, entries);
        lockIn?.Invoke(root);
        SystemInstall.WriteRootFile(path, JsonSettings.Serialize(root));
        return path;
    }

    /// <summary>Removes Interlock's entries; the file goes when what is left is only what the install itself added
    /// (<paramref name="ours"/>: the scaffold or the keys it switched on).</summary>
    protected static IReadOnlyList<string> RemoveJson(string path, string harness, JsonObject? ours = null)
    {
        if (!File.Exists(path)) return [];
        var root = JsonSettings.Load(path);
        if (!JsonSettings.Remove(root, harness)) return [];
        if (root["hooks"] is JsonObject { Count: 0 }) root.Remove("hooks");
        if (root.Count == 0 || (ours is not null && JsonNode.DeepEquals(root, ours))) File.Delete(path);
        else SystemInstall.WriteRootFile(path, JsonSettings.Serialize(root));
        return [path];
    }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class ManagedHarnesses
{
    public static readonly IReadOnlyList<ManagedHarness> All =
        [new ClaudeCodeManaged(), new CodexManaged(), new GeminiManaged(), new CursorManaged(), new CopilotManaged(), new OpenCodeManaged()];

    public static ManagedHarness? Find(string name) => All.FirstOrDefault(h => h.Name == name);

    /// <summary>
    /// Claude Code: /etc/claude-code/managed-settings.json has the highest precedence and cannot be overridden by user
    /// or project settings. allowManagedHooksOnly makes Claude Code ignore every hook but the managed ones, so a hook
    /// the agent adds to .claude/settings.json cannot answer first; onFailure "block" stops the action when the
    /// hook cannot run; the guard's own files are denied to Claude Code's file tools; bypass-permissions mode is off.
    /// </summary>
    private sealed class ClaudeCodeManaged : ManagedHarness
    {
        public const string Path = "/etc/claude-code/managed-settings.json";

        public override string Name => "claude-code";

        public override string Product => "Claude Code";

        public override IReadOnlyList<string> Install(string hookCommand) =>
        [
            MergeJson(Path, Name,
                [("PreToolUse", [new JsonObject { ["matcher"] = "*", ["hooks"] = new JsonArray(new JsonObject { ["type"] = "command", ["command"] = hookCommand, ["timeout"] = 30, ["onFailure"] = "block" }) }])],
                root =>
                {
                    root["allowManagedHooksOnly"] = true;
                    var permissions = root["permissions"] as JsonObject ?? new JsonObject();
                    root["permissions"] = permissions;
                    permissions["disableBypassPermissionsMode"] = "disable";
                    var deny = permissions["deny"] as JsonArray ?? new JsonArray();
                    permissions["deny"] = deny;
                    foreach (var rule in GuardPathRules)
                        if (!deny.Any(d => d?.GetValue<string>() == rule)) deny.Add((JsonNode)JsonValue.Create(rule));
                }),
        ];

        /// <summary>Removes the hook and the keys the install added; the file goes when nothing else is left.</summary>
        public override IReadOnlyList<string> Uninstall()
        {
            if (!File.Exists(Path)) return [];
            var root = JsonSettings.Load(Path);
            JsonSettings.Remove(root, Name);
            root.Remove("allowManagedHooksOnly");
            if (root["permissions"] is JsonObject permissions)
            {
                permissions.Remove("disableBypassPermissionsMode");
                if (permissions["deny"] is JsonArray deny)
                {
                    foreach (var d in deny.Where(d => d is JsonValue v && v.TryGetValue<string>(out var r) && GuardPathRules.Contains(r)).ToList()) deny.Remove(d);
                    if (deny.Count == 0) permissions.Remove("deny");
                }
                if (permissions.Count == 0) root.Remove("permissions");
            }
            if (root["hooks"] is JsonObject { Count: 0 }) root.Remove("hooks");
            if (root.Count == 0) File.Delete(Path);
            else SystemInstall.WriteRootFile(Path, JsonSettings.Serialize(root));
            return [Path];
        }

        /// <summary>Claude Code's file tools may not touch the guard (its shell is checked by the hook itself).</summary>
        /// <remarks>Edit rules cover every file-editing tool (Claude Code 2.1.332 warns that Write rules are not
        /// matched by its file permission checks); `//` starts an absolute path.</remarks>
        private static readonly string[] GuardPathRules = ["Edit(//etc/interlock/**)", "Edit(//etc/claude-code/**)", "Edit(//usr/local/lib/interlock/**)", "Edit(//var/lib/interlock/**)"];
    }

    /// <summary>
    /// Codex: /etc/codex/requirements.toml is enforced by Codex over every user layer (CODEX_HOME moves only the
    /// user's). allow_managed_hooks_only ignores every hook but the managed ones; [features] hooks = true pins hooks
    /// on. Verified against Codex 0.171's binary strings and codex-rs/config hook_config.rs (the event tables sit
    /// directly under [hooks], as in config.toml).
    /// </summary>
    private sealed class CodexManaged : ManagedHarness
    {
        public const string Path = "/etc/codex/requirements.toml";
        private const string Marker = "# Interlock (interlock install --system)";

        public override string Name => "codex";

        public override string Product => "Codex CLI";

        public override IReadOnlyList<string> Caveats =>
        [
            "Codex runs a managed hook that crashes, hangs or exits with anything but 0 or 2 as if it allowed the call (no fail-closed option in 0.171); the registered wrapper answers with exit 2 itself whenever interlock-hook gives no answer, which covers a missing, crashing or hung binary, but not a wrapper the harness cannot start.",
            "A user can run another codex binary that ignores /etc/codex.",
        ];

        public override IReadOnlyList<string> Install(string hookCommand)
        {
            if (File.Exists(Path) && !File.ReadAllText(Path).StartsWith(Marker, StringComparison.Ordinal))
                throw new InstallException($"{Path} exists and was not written by Interlock, so it is left alone. Add to it: allow_managed_hooks_only = true, [features] hooks = true, and a [[hooks.PreToolUse]] entry running {hookCommand}; or move it aside and run the command again.");
            SystemInstall.WriteRootFile(Path, $$"""
                {{Marker}}: managed hooks only, and Interlock's hook before every tool call.
                allow_managed_hooks_only = true

                [features]
                hooks = true

                [[hooks.PreToolUse]]
                [[hooks.PreToolUse.hooks]]
                type = "command"
                command = {{CodexHarness.TomlString(hookCommand)}}
                timeout = 30

                """);
            return [Path];
        }

        public override IReadOnlyList<string> Uninstall()
        {
            if (!File.Exists(Path) || !File.ReadAllText(Path).StartsWith(Marker, StringComparison.Ordinal)) return [];
            File.Delete(Path);
            return [Path];
        }
    }

    /// <summary>
    /// Gemini CLI: /etc/gemini-cli/settings.json is the system-override layer (highest precedence). Verified in Gemini
    /// CLI 0.61's bundle (getSystemSettingsPath, processHooksFromConfig) and its enterprise docs. This lock is weak:
    /// see <see cref="Caveats"/>.
    /// </summary>
    private sealed class GeminiManaged : ManagedHarness
    {
        public const string Path = "/etc/gemini-cli/settings.json";

        public override string Name => "gemini";

        public override string Product => "Gemini CLI";

        public override IReadOnlyList<string> Caveats =>
        [
            "GEMINI_CLI_SYSTEM_SETTINGS_PATH in the agent's environment points Gemini CLI at another system settings file: start Gemini through a wrapper that unsets it.",
            "A user's or project's hooksConfig.disabled (merged across scopes) or `/hooks disable` switches the hook off, and settings hooks run only in trusted folders (GEMINI_CLI_TRUST_WORKSPACE=false or GEMINI_RESTRICTED_MODE=true drops them).",
            "Gemini CLI runs the action when a hook crashes or times out; the wrapper's exit 2 covers a missing, crashing or hung interlock-hook.",
        ];

        /// <summary>Gemini CLI's admin policy tier (honoured only when root-owned and not group/other-writable; no
        /// variable moves it): its file tools may not write the guard's files, whatever the hook says.</summary>
        public const string PolicyPath = "/etc/gemini-cli/policies/interlock.toml";

        public const string Policy = """
            # Interlock (interlock install --system): Gemini CLI's file tools may not write the guard's own files.
            # The shell is checked by Interlock's hook; this is the policy engine's own second line.
            [[rule]]
            toolName = ["write_file", "replace"]
            argsPattern = '"file_path":"(/etc/interlock/|/usr/local/lib/interlock/|/etc/gemini-cli/|/var/lib/interlock/)'
            decision = "deny"
            priority = 999
            denyMessage = "Interlock's configuration, binaries and state are protected (enforced mode)."

            """;

        public override IReadOnlyList<string> Install(string hookCommand)
        {
            SystemInstall.WriteRootFile(PolicyPath, Policy);
            return [InstallSettings(hookCommand), PolicyPath];
        }

        private static string InstallSettings(string hookCommand) =>
            MergeJson(Path, "gemini",
                [("BeforeTool", [new JsonObject { ["matcher"] = ".*", ["hooks"] = new JsonArray(new JsonObject { ["name"] = "interlock", ["type"] = "command", ["command"] = hookCommand, ["timeout"] = 30000 }) }])],
                root =>
                {
                    var config = root["hooksConfig"] as JsonObject ?? new JsonObject();
                    root["hooksConfig"] = config;
                    config["enabled"] = true;
                });

        public override IReadOnlyList<string> Uninstall()
        {
            var changed = RemoveJson(Path, Name, new JsonObject { ["hooksConfig"] = new JsonObject { ["enabled"] = true } }).ToList();
            if (File.Exists(PolicyPath)) { File.Delete(PolicyPath); changed.Add(PolicyPath); }
            return changed;
        }
    }

    /// <summary>
    /// Cursor: /etc/cursor/hooks.json is the enterprise layer, run besides team, project and user hooks; failClosed on
    /// each entry blocks the action when the hook fails (Cursor then also blocks on empty output, and the adapter always
    /// prints an answer). From Cursor's hooks reference and third-party measurements; Cursor is closed source and not
    /// installed here, so this file is not proven with the real client.
    /// </summary>
    private sealed class CursorManaged : ManagedHarness
    {
        public const string Path = "/etc/cursor/hooks.json";

        public override string Name => "cursor";

        public override string Product => "Cursor";

        public override IReadOnlyList<string> Caveats =>
        [
            "Not proven with the real client (Cursor is not available here); whether cursor-agent reads /etc/cursor/hooks.json is not documented.",
        ];

        public override IReadOnlyList<string> Install(string hookCommand)
        {
            JsonObject Entry(string? matcher = null)
            {
                var e = new JsonObject { ["command"] = hookCommand, ["timeout"] = 30, ["failClosed"] = true };
                if (matcher is not null) e["matcher"] = matcher;
                return e;
            }
            return
            [
                MergeJson(Path, Name,
                    [
                        ("beforeShellExecution", [Entry()]),
                        ("beforeMCPExecution", [Entry()]),
                        ("beforeReadFile", [Entry()]),
                        ("preToolUse", [Entry("Write"), Entry("StrReplace"), Entry("Delete")]),
                    ],
                    scaffold: () => new JsonObject { ["version"] = 1 }),
            ];
        }

        public override IReadOnlyList<string> Uninstall() => RemoveJson(Path, Name, new JsonObject { ["version"] = 1 });
    }

    /// <summary>
    /// GitHub Copilot CLI: policy hooks in /etc/github-copilot/policy.d/*.json load before all others, cannot be
    /// switched off by disableAllHooks or disabledHooks and run whatever the folder's trust (GitHub's hooks reference;
    /// strings of Copilot CLI 1.0.102). Same file shape as a user's hooks file.
    /// </summary>
    private sealed class CopilotManaged : ManagedHarness
    {
        public const string Path = "/etc/github-copilot/policy.d/interlock.json";

        public override string Name => "copilot";

        public override string Product => "GitHub Copilot CLI";

        public override IReadOnlyList<string> Caveats => ["A user can run another copilot build that ignores /etc/github-copilot."];

        public override IReadOnlyList<string> Install(string hookCommand) =>
            [MergeJson(Path, Name, [("preToolUse", [new JsonObject { ["type"] = "command", ["bash"] = hookCommand, ["timeoutSec"] = 30 }])], scaffold: () => new JsonObject { ["version"] = 1 })];

        public override IReadOnlyList<string> Uninstall()
        {
            if (!File.Exists(Path)) return [];
            File.Delete(Path); // Interlock's own file
            return [Path];
        }
    }

    /// <summary>
    /// OpenCode: /etc/opencode/opencode.json is merged after the user's and project's configuration, and plugin lists
    /// are appended, so a user cannot remove Interlock's plugin from it (OpenCode 1.18.33's managedConfigDir). This
    /// lock is weak: see <see cref="Caveats"/>.
    /// </summary>
    private sealed class OpenCodeManaged : ManagedHarness
    {
        public const string Path = "/etc/opencode/opencode.json";
        public const string PluginPath = SystemInstall.LibraryDirectory + "/opencode-plugin.js";

        public override string Name => "opencode";

        public override string Product => "OpenCode";

        public override IReadOnlyList<string> Caveats =>
        [
            "`opencode --pure` or OPENCODE_PURE=1 drops every plugin, the managed one included; OPENCODE_TEST_MANAGED_CONFIG_DIR moves /etc/opencode.",
            "A plugin that fails to load is only logged by OpenCode, so a broken install fails open.",
        ];

        public override IReadOnlyList<string> Install(string hookCommand)
        {
            var binary = HookCommandLine.Binary(hookCommand, Name) ?? System.IO.Path.Combine(SystemInstall.LibraryDirectory, "interlock-hook");
            SystemInstall.WriteRootFile(PluginPath, OpenCodeHarness.Plugin(binary));
            var root = File.Exists(Path) ? JsonSettings.Load(Path) : new JsonObject { ["$schema"] = "https://opencode.ai/config.json" };
            var plugins = root["plugin"] as JsonArray ?? new JsonArray();
            root["plugin"] = plugins;
            var spec = "file://" + PluginPath;
            if (!plugins.Any(p => p is JsonValue v && v.TryGetValue<string>(out var x) && x == spec)) plugins.Add((JsonNode)JsonValue.Create(spec));
            SystemInstall.WriteRootFile(Path, JsonSettings.Serialize(root));
            return [Path, PluginPath];
        }

        public override IReadOnlyList<string> Uninstall()
        {
            var changed = new List<string>();
            if (File.Exists(Path))
            {
                var root = JsonSettings.Load(Path);
                if (root["plugin"] is JsonArray plugins)
                {
                    foreach (var p in plugins.Where(p => p is JsonValue v && v.TryGetValue<string>(out var x) && x == "file://" + PluginPath).ToList()) plugins.Remove(p);
                    if (plugins.Count == 0) root.Remove("plugin");
                }
                if (root.Count == 0 || (root.Count == 1 && root.ContainsKey("$schema"))) File.Delete(Path);
                else SystemInstall.WriteRootFile(Path, JsonSettings.Serialize(root));
                changed.Add(Path);
            }
            if (File.Exists(PluginPath)) { File.Delete(PluginPath); changed.Add(PluginPath); }
            return changed;
        }
    }
}
