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

    protected static IReadOnlyList<string> RemoveJson(string path, string harness)
    {
        if (!File.Exists(path)) return [];
        var root = JsonSettings.Load(path);
        if (!JsonSettings.Remove(root, harness)) return [];
        SystemInstall.WriteRootFile(path, JsonSettings.Serialize(root));
        return [path];
    }
}

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class ManagedHarnesses
{
    public static readonly IReadOnlyList<ManagedHarness> All = [new ClaudeCodeManaged()];

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
}
