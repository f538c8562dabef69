using Interlock.Core.Analysis;

namespace Interlock.Core.Policy;

/// <summary>Why a path is protected.</summary>
public enum ProtectedKind
{
    /// <summary>Interlock's own configuration, policy and state (~/.config/interlock, ~/.local/state/interlock,
    /// ~/.local/share/interlock, $XDG_*_HOME/interlock, /etc/interlock, a project's .interlock/).</summary>
    GuardState,
    /// <summary>A file that registers or switches off an agent harness's hooks (<see cref="HookConfigPaths"/>: Claude
    /// Code, Codex, Gemini, Cursor, Copilot, Kiro, Amazon Q and OpenCode settings, in a project, in home, where the
    /// harness's variable points, or machine-wide).</summary>
    HookRegistration,
    /// <summary>A file named <c>interlock</c>: the guard's program.</summary>
    GuardBinary,
    /// <summary>Git's internal files (.git/...), which only git itself should write.</summary>
    GitInternals,
    /// <summary>~/.ssh/authorized_keys: who may log in.</summary>
    SshAuthorizedKeys,
    /// <summary>Shell start-up files in home (~/.bashrc, ~/.zshrc, ~/.profile...).</summary>
    ShellStartup,
    /// <summary>Files whose contents run later on their own (<see cref="ProtectedPaths.PersistenceLocation"/>): ssh and
    /// git configuration in home (ProxyCommand, aliases, hooksPath), AWS config (credential_process), autostart and user
    /// units, direnv's .envrc, husky/lefthook/pre-commit hook configuration and VS Code tasks in any project. Writing
    /// them asks rather than denies: they are also edited for ordinary reasons.</summary>
    Persistence,
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

    /// <summary>Files in home whose contents run commands later: ssh's ProxyCommand/LocalCommand/KnownHostsCommand and
    /// ~/.ssh/rc, git's aliases and hooksPath, AWS's credential_process, X session and login scripts, files more shells source.</summary>
    private static readonly string[] HomePersistenceFiles =
        [".ssh/config", ".ssh/rc", ".ssh/environment", ".gitconfig", ".config/git/config", ".aws/config", ".bash_aliases", ".zlogout",
         ".xprofile", ".xinitrc", ".xsession", ".xsessionrc", ".pam_environment", ".direnvrc", ".config/direnv/direnvrc", ".config/direnv/direnv.toml"];

    /// <summary>Directories in home whose files are started on their own: desktop autostart, systemd user units, launchd
    /// agents, fish's conf.d, environment.d, direnv's library.</summary>
    private static readonly string[] HomePersistenceDirs =
        [".config/autostart", ".config/systemd/user", ".local/share/systemd/user", "Library/LaunchAgents", ".config/fish/conf.d",
         ".config/environment.d", ".config/direnv/lib", ".config/git/hooks"];

    /// <summary>Names in any directory (a project) whose contents run on their own: direnv runs .envrc on `cd`; husky,
    /// lefthook and pre-commit run their hooks on git events; VS Code runs tasks marked `runOn: folderOpen` when the
    /// folder opens.</summary>
    private static readonly string[] ProjectPersistenceNames =
        [".envrc", "lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml", "lefthook-local.yml", "lefthook-local.yaml", ".lefthook-local.yml",
         ".pre-commit-config.yaml", ".huskyrc", ".huskyrc.json", ".huskyrc.js"];

    /// <summary>What would run from a file at this path later, or null: see <see cref="ProtectedKind.Persistence"/>.</summary>
    /// <param name="components">The absolute path's components.</param>
    /// <param name="homeRelative">The path relative to home, or null when it is not in home.</param>
    public static string? PersistenceLocation(string[] components, string? homeRelative)
    {
        if (homeRelative is not null)
        {
            if (Array.IndexOf(HomePersistenceFiles, homeRelative) >= 0) return "configuration whose commands run later";
            foreach (var d in HomePersistenceDirs)
                if (homeRelative.StartsWith(d + "/", StringComparison.Ordinal)) return "a program started on its own";
        }
        if (components.Length == 0) return null;
        var last = components[^1];
        if (Array.IndexOf(ProjectPersistenceNames, last) >= 0) return "commands run on their own";
        for (var i = 0; i < components.Length; i++)
            if (components[i] == ".husky" && i < components.Length - 1) return "a git hook";
        if (components.Length >= 2 && last == "tasks.json" && components[^2] == ".vscode") return "editor tasks that may run when the folder opens";
        return null;
    }

    private static readonly string[] HomeGuardDirs = [".config/interlock", ".local/state/interlock", ".local/share/interlock"];
    private static readonly string[] XdgVariables = ["XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"];

    /// <summary>Fixed locations in home that make their ancestors protected against deletion when they exist: the
    /// guard's own, authorized_keys, and every hook configuration location of home (<see cref="HookConfigPaths"/>).</summary>
    private static readonly (string Rel, ProtectedKind Kind)[] HomeAnchors =
    [
        (".config/interlock", ProtectedKind.GuardState), (".local/state/interlock", ProtectedKind.GuardState), (".local/share/interlock", ProtectedKind.GuardState),
        (".ssh/authorized_keys", ProtectedKind.SshAuthorizedKeys),
        .. HookConfigPaths.All.Where(l => l.Anchor is HookConfigAnchor.Home or HookConfigAnchor.Anywhere).Select(l => (string.Join('/', l.Fixed), ProtectedKind.HookRegistration)).Distinct(),
    ];

    /// <summary>Whether <paramref name="absolute"/> is protected, and why; null when it is not.</summary>
    /// <param name="world">For existence checks and variables; null to decide from the path alone (the policy, for wording).</param>
    /// <param name="inTemp">The path is inside a temp directory.</param>
    /// <summary>Variables that point straight at a directory of the guard's (not at a base that holds `interlock/`).</summary>
    public static readonly string[] GuardDirectoryVariables = ["INTERLOCK_CONFIG_DIR", "INTERLOCK_SYSTEM_CONFIG_DIR", "INTERLOCK_STATE_DIR"];

    public static (ProtectedKind Kind, bool Ancestor)? Match(string absolute, string home, IWorldView? world, bool remote, bool inTemp)
    {
        if (MatchPath(absolute, home, world, remote, inTemp) is { } match) return match;
        // A glob (`~/.claude/*`) is protected as the directory it is expanded in.
        var components = absolute.Split('/');
        var firstGlob = Array.FindIndex(components, PathResolver.HasGlob);
        return firstGlob > 0 ? MatchPath(PathResolver.Normalize(string.Join('/', components[..firstGlob])), home, world, remote, inTemp) : null;
    }

    private static (ProtectedKind Kind, bool Ancestor)? MatchPath(string absolute, string home, IWorldView? world, bool remote, bool inTemp)
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
        // Hook configuration where a harness's variable (CODEX_HOME, COPILOT_HOME...) puts it, and machine-wide; also
        // in temp directories, since they are configured there.
        if (HookConfigOutsideProjects(absolute, world, remote) is { } configured) return configured;
        if (inTemp) return null;

        // 2. Project-relative (and home) patterns, by path components: the guard's project directory, git's
        // internals, and hook configuration found in any directory (a location, what is in it, or a directory that
        // holds it: `.claude`, `.github/copilot`).
        var c = absolute.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < c.Length; i++)
        {
            var last = i == c.Length - 1;
            switch (c[i])
            {
                case ".interlock":
                    return (ProtectedKind.GuardState, false);
                case ".git":
                    if (c[^1].EndsWith(".lock", StringComparison.Ordinal) && !last) return null;
                    return (ProtectedKind.GitInternals, false);
            }
            foreach (var location in HookConfigPaths.All)
                if (location.Anchor == HookConfigAnchor.Anywhere && location.Covers(c.AsSpan(i)).Match)
                    return (ProtectedKind.HookRegistration, false);
        }

        // Hook configuration relative to home only (~/.copilot/hooks, ~/.aws/amazonq); the directories on the way are
        // protected by the anchors below when it exists.
        if (rel is not null)
        {
            var r = rel.Split('/', StringSplitOptions.RemoveEmptyEntries);
            foreach (var location in HookConfigPaths.All)
                if (location.Anchor == HookConfigAnchor.Home && location.Covers(r) is { Match: true, OnTheWay: false })
                    return (ProtectedKind.HookRegistration, false);
        }

        // 3. Home: who may log in, and what every shell runs.
        if (rel is not null)
        {
            if (rel is ".ssh/authorized_keys" or ".ssh/authorized_keys2") return (ProtectedKind.SshAuthorizedKeys, false);
            if (Array.IndexOf(ShellStartupFiles, rel) >= 0) return (ProtectedKind.ShellStartup, false);
        }
        if (PersistenceLocation(c, rel) is not null) return (ProtectedKind.Persistence, false);

        // 4. A directory holding a protected location of home (only when that location exists).
        if (!remote && inHome)
            foreach (var (anchorRel, kind) in HomeAnchors)
            {
                var anchor = h + "/" + anchorRel;
                if (PathResolver.IsUnder(anchor, absolute) && anchor != absolute && (world is null || world.GetPathKind(anchor) is PathKind.File or PathKind.Directory))
                    return (kind, true);
            }

        // 5. The guard's programs: any file named `interlock` or `interlock-hook` (the fast hook client published beside
        // it, which every harness runs), not a source folder of that name, not build output.
        if (c.Length > 0 && c[^1] is "interlock" or "interlock-hook")
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

    /// <summary>The guard's own files (configuration, state database, programs) and every harness's hook files, by the
    /// fixed names they have in home, in <paramref name="projectRoots"/>, where the guard's and harnesses' variables point,
    /// and machine-wide. A name that is the same file as one of these (a hard link the world view can tell) is protected
    /// like it. Bounded: a few dozen paths, compared only for a file that has more than one name.</summary>
    public static IEnumerable<string> KnownFiles(string home, IReadOnlyList<string> projectRoots, IWorldView world)
    {
        var h = home.TrimEnd('/');
        string[] guardFiles = ["policy.yaml", "policy.yml", "policy.json", "interlock.db"];
        foreach (var d in HomeGuardDirs)
            foreach (var f in guardFiles) yield return $"{h}/{d}/{f}";
        foreach (var f in guardFiles)
        {
            yield return "/etc/interlock/" + f;
            foreach (var root in projectRoots) yield return $"{root.TrimEnd('/')}/.interlock/{f}";
            foreach (var v in GuardDirectoryVariables)
                if (world.GetEnvironmentVariable(v) is { Length: > 1 } dir && dir.StartsWith('/')) yield return PathResolver.Normalize(dir) + "/" + f;
            foreach (var v in XdgVariables)
                if (world.GetEnvironmentVariable(v) is { Length: > 1 } dir && dir.StartsWith('/')) yield return PathResolver.Normalize(dir) + "/interlock/" + f;
        }
        foreach (var program in new[] { "interlock", "interlock-hook" })
        {
            yield return $"{h}/.local/bin/{program}";
            yield return $"{h}/.dotnet/tools/{program}";
            yield return "/usr/local/bin/" + program;
        }
        yield return h + "/.ssh/authorized_keys";
        foreach (var location in HookConfigPaths.All)
        {
            var fixedPath = string.Join('/', location.Fixed);
            IEnumerable<string> relatives = location.Deep ? HookConfigPaths.KnownNamesIn(location).Select(n => fixedPath.Length == 0 ? n : fixedPath + "/" + n) : [fixedPath];
            foreach (var rel in relatives)
            {
                switch (location.Anchor)
                {
                    case HookConfigAnchor.Anywhere:
                        yield return $"{h}/{rel}";
                        foreach (var root in projectRoots) yield return $"{root.TrimEnd('/')}/{rel}";
                        break;
                    case HookConfigAnchor.Home:
                        yield return $"{h}/{rel}";
                        break;
                    case HookConfigAnchor.System:
                        yield return rel.StartsWith('/') ? rel : "/" + rel;
                        break;
                    case HookConfigAnchor.Variable when world.GetEnvironmentVariable(location.Variable!) is { Length: > 1 } v && v.StartsWith('/'):
                        yield return rel.Length == 0 ? PathResolver.Normalize(v) : PathResolver.Normalize(v) + "/" + rel;
                        break;
                }
            }
        }
    }

    /// <summary>Hook configuration at a machine-wide path, or below the directory a harness's variable names (a
    /// directory on the way to it counts when the location exists, as for home's anchors).</summary>
    private static (ProtectedKind Kind, bool Ancestor)? HookConfigOutsideProjects(string absolute, IWorldView? world, bool remote)
    {
        foreach (var location in HookConfigPaths.All)
        {
            string? root = location.Anchor switch
            {
                HookConfigAnchor.System => "/",
                HookConfigAnchor.Variable when world is not null && !remote && world.GetEnvironmentVariable(location.Variable!) is { Length: > 1 } v && v.StartsWith('/') => PathResolver.Normalize(v),
                _ => null,
            };
            if (root is null || !(absolute == root || PathResolver.IsUnder(absolute, root))) continue;
            var below = absolute == root ? [] : absolute[(root.TrimEnd('/').Length + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
            var (match, onTheWay) = location.Covers(below);
            if (!match) continue;
            if (!onTheWay) return (ProtectedKind.HookRegistration, false);
            var anchor = root.TrimEnd('/') + "/" + string.Join('/', location.Fixed);
            if (location.Anchor == HookConfigAnchor.Variable && (world is null || world.GetPathKind(anchor) is PathKind.File or PathKind.Directory))
                return (ProtectedKind.HookRegistration, true);
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
        ProtectedKind.Persistence => (
            "what it holds runs later on its own (at login, on a git or ssh event, when a folder is opened), outside this session where the guard cannot check it",
            "Run what is needed directly now; if it must run later, tell the user what to add and where, and let them install it."),
        _ => (
            "shell start-up files run in every new shell; overwriting or deleting one breaks the user's environment beyond this task",
            "Append only the line you need (`echo '...' >> ~/.bashrc`), or tell the user what to add."),
    };
}
