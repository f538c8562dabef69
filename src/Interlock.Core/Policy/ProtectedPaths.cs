using Interlock.Core.Analysis;

namespace Interlock.Core.Policy;

/// <summary>Why a path is protected.</summary>
public enum ProtectedKind
{
    /// <summary>Interlock's own configuration, policy and state (~/.config/interlock, ~/.local/state/interlock,
    /// ~/.local/share/interlock, $XDG_*_HOME/interlock, /etc/interlock, a project's .interlock/).</summary>
    GuardState,
    /// <summary>Settings that register the guard as a hook in an agent harness (.claude/settings*.json, .codex/,
    /// .gemini/settings.json, .cursor/hooks.json, .github/hooks/, .amazonq/, .kiro/), in a project or in home.</summary>
    HookRegistration,
    /// <summary>A file named <c>interlock</c>: the guard's program.</summary>
    GuardBinary,
    /// <summary>Git's internal files (.git/...), which only git itself should write.</summary>
    GitInternals,
    /// <summary>~/.ssh/authorized_keys: who may log in.</summary>
    SshAuthorizedKeys,
    /// <summary>Shell start-up files in home (~/.bashrc, ~/.zshrc, ~/.profile...).</summary>
    ShellStartup,
}

/// <summary>
/// Paths an agent must not change, however it reaches them (file tools, rm, mv, cp, tee, redirections, sed -i,
/// truncate, chmod): the classifier gives them <see cref="PathClass.Protected"/> and the policy denies writes and
/// deletes there. Decisions:
/// <list type="bullet">
/// <item>Appending to a shell start-up file (<c>echo 'export PATH=...' &gt;&gt; ~/.bashrc</c>, what installers do) or to a
/// file in .git (<c>.git/info/exclude</c>) is allowed; appending to the guard's or a hook's settings or to
/// authorized_keys is denied.</item>
/// <item>Git lock files (<c>.git/index.lock</c>, <c>*.lock</c> in .git) are not protected: removing a stale lock loses nothing.</item>
/// <item>Inside temp directories only the guard's own configured locations are protected (a scratch repository's
/// .git in /tmp is throwaway).</item>
/// <item>A directory that contains a protected location in home (<c>rm -rf ~/.config</c> while
/// ~/.config/interlock exists) is protected against deletion and moving, not against a plain chmod.</item>
/// <item>A directory named <c>interlock</c> inside a repository is a source folder, not the guard's program;
/// files named <c>interlock</c> in build output are regenerable.</item>
/// </list>
/// </summary>
public static class ProtectedPaths
{
    private static readonly string[] ShellStartupFiles =
        [".bashrc", ".bash_profile", ".bash_login", ".bash_logout", ".profile", ".zshrc", ".zprofile", ".zshenv", ".zlogin", ".config/fish/config.fish"];

    private static readonly string[] HomeGuardDirs = [".config/interlock", ".local/state/interlock", ".local/share/interlock"];
    private static readonly string[] XdgVariables = ["XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"];

    /// <summary>Fixed locations in home that make their ancestors protected against deletion when they exist.</summary>
    private static readonly (string Rel, ProtectedKind Kind)[] HomeAnchors =
    [
        (".config/interlock", ProtectedKind.GuardState), (".local/state/interlock", ProtectedKind.GuardState), (".local/share/interlock", ProtectedKind.GuardState),
        (".claude/settings.json", ProtectedKind.HookRegistration), (".codex", ProtectedKind.HookRegistration), (".gemini/settings.json", ProtectedKind.HookRegistration),
        (".cursor/hooks.json", ProtectedKind.HookRegistration), (".ssh/authorized_keys", ProtectedKind.SshAuthorizedKeys),
    ];

    /// <summary>Whether <paramref name="absolute"/> is protected, and why; null when it is not.</summary>
    /// <param name="world">For existence checks and variables; null to decide from the path alone (the policy, for wording).</param>
    /// <param name="inTemp">The path is inside a temp directory.</param>
    /// <summary>Variables that point straight at a directory of the guard's (not at a base that holds `interlock/`).</summary>
    public static readonly string[] GuardDirectoryVariables = ["INTERLOCK_CONFIG_DIR", "INTERLOCK_SYSTEM_CONFIG_DIR", "INTERLOCK_STATE_DIR"];

    public static (ProtectedKind Kind, bool Ancestor)? Match(string absolute, string home, IWorldView? world, bool remote, bool inTemp)
    {
        var h = home.TrimEnd('/');
        var inHome = h.Length > 0 && PathResolver.IsUnder(absolute, home) && absolute != home;
        var rel = inHome ? absolute[(h.Length + 1)..] : null;

        // 1. The guard's own configuration and state, wherever they are configured.
        if (rel is not null && HomeGuardDirs.Any(d => rel == d || rel.StartsWith(d + "/", StringComparison.Ordinal)))
            return (ProtectedKind.GuardState, false);
        if (PathResolver.IsUnder(absolute, "/etc/interlock")) return (ProtectedKind.GuardState, false);
        if (world is not null && !remote)
            foreach (var v in XdgVariables)
                if (world.GetEnvironmentVariable(v) is { Length: > 1 } dir && dir.StartsWith('/') && PathResolver.IsUnder(absolute, PathResolver.Normalize(dir) + "/interlock"))
                    return (ProtectedKind.GuardState, false);
        // Directories configured for the guard itself (policy layers and state moved by environment variables).
        if (world is not null && !remote)
            foreach (var v in GuardDirectoryVariables)
                if (world.GetEnvironmentVariable(v) is { Length: > 1 } dir && dir.StartsWith('/') && PathResolver.IsUnder(absolute, PathResolver.Normalize(dir)))
                    return (ProtectedKind.GuardState, false);
        if (inTemp) return null;

        // 2. Project-relative (and home) patterns, by path components.
        var c = absolute.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < c.Length; i++)
        {
            var last = i == c.Length - 1;
            var next = last ? null : c[i + 1];
            var nextIsLast = i == c.Length - 2;
            switch (c[i])
            {
                case ".interlock":
                    return (ProtectedKind.GuardState, false);
                case ".git":
                    if (c[^1].EndsWith(".lock", StringComparison.Ordinal) && !last) return null;
                    return (ProtectedKind.GitInternals, false);
                case ".codex" or ".amazonq" or ".kiro":
                    return (ProtectedKind.HookRegistration, false);
                case ".claude" when last || nextIsLast && next is "settings.json" or "settings.local.json":
                case ".gemini" when last || nextIsLast && next is "settings.json":
                case ".cursor" when last || nextIsLast && next is "hooks.json":
                case ".github" when last || next is "hooks":
                    return (ProtectedKind.HookRegistration, false);
            }
        }

        // 3. Home: who may log in, and what every shell runs.
        if (rel is not null)
        {
            if (rel is ".ssh/authorized_keys" or ".ssh/authorized_keys2") return (ProtectedKind.SshAuthorizedKeys, false);
            if (Array.IndexOf(ShellStartupFiles, rel) >= 0) return (ProtectedKind.ShellStartup, false);
        }

        // 4. A directory holding a protected location of home (only when that location exists).
        if (!remote && inHome)
            foreach (var (anchorRel, kind) in HomeAnchors)
            {
                var anchor = h + "/" + anchorRel;
                if (PathResolver.IsUnder(anchor, absolute) && anchor != absolute && (world is null || world.GetPathKind(anchor) is PathKind.File or PathKind.Directory))
                    return (kind, true);
            }

        // 5. The guard's program: any file named `interlock` (not a source folder of that name, not build output).
        if (c.Length > 0 && c[^1] == "interlock")
        {
            // Without the world (the policy, for wording): $XDG_STATE_HOME/interlock and the like are the guard's state.
            if (world is null)
                return c.Length > 1 && (c[^2].Contains("state") || c[^2].Contains("config") || c[^2].Contains("share") || c[^2].Contains("data"))
                    ? (ProtectedKind.GuardState, false) : (ProtectedKind.GuardBinary, false);
            if (!remote && world.GetPathKind(absolute) == PathKind.Directory && world.FindRepositoryRoot(absolute) is not null) return null;
            return (ProtectedKind.GuardBinary, false);
        }
        return null;
    }

    /// <summary>Why an effect on a protected path stops, for the policy's message.</summary>
    public static (string Why, string Alternative) Explain(ProtectedKind kind) => kind switch
    {
        ProtectedKind.GuardState => (
            "it is Interlock's own configuration, policy or state; an agent must not change or loosen the guard that checks it",
            "Tell the user what you would change and why; a human must make this change."),
        ProtectedKind.HookRegistration => (
            "it is an agent harness's settings that register the guard as a hook (and grant permissions); an agent must not switch off or loosen its own guard",
            "Tell the user what setting you need and why; a human must edit these settings."),
        ProtectedKind.GuardBinary => (
            "it is the interlock program (or its files); replacing or removing it switches the guard off",
            "Leave the guard's program alone; a human installs and updates it."),
        ProtectedKind.GitInternals => (
            "it edits or deletes git's internal files directly, which can corrupt the repository or destroy its history (and hooks there run code on every git command)",
            "Use git commands (git config, git branch, git remote, git gc) instead of touching .git; if the repository is broken, tell the user."),
        ProtectedKind.SshAuthorizedKeys => (
            "it changes who may log in to this machine over SSH",
            "Tell the user which key should be added or removed; a human must change authorized_keys."),
        _ => (
            "shell start-up files run in every new shell; overwriting or deleting one breaks the user's environment beyond this task",
            "Append only the line you need (`echo '...' >> ~/.bashrc`), or tell the user what to add."),
    };
}
