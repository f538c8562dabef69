namespace Interlock.Core.Analysis;

/// <summary>Lexical path arithmetic (no file system access): joining, <c>.</c>/<c>..</c> folding, globs.</summary>
public static class PathResolver
{
    /// <summary>Resolves <paramref name="path"/> against <paramref name="cwd"/>; null when the cwd is unknown.</summary>
    public static string? Combine(string? cwd, string path)
    {
        if (path.StartsWith('/')) return Normalize(path);
        if (cwd is null) return null;
        return Normalize(cwd.TrimEnd('/') + "/" + path);
    }

    public static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part.Length == 0 || part == ".") continue;
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(part);
        }
        return "/" + string.Join('/', parts);
    }

    public static bool IsUnder(string path, string root) =>
        root == "/" || path == root || path.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>True when the text has glob syntax: `*`, `?`, or a `[` closed by a later `]` (a lone `[` is literal,
    /// which is how the `[` command is spelled).</summary>
    public static bool HasGlob(string text)
    {
        if (text.AsSpan().IndexOfAny("*?") >= 0) return true;
        var open = text.IndexOf('[');
        return open >= 0 && text.IndexOf(']', open + 1) > open + 1;
    }

    /// <summary>Simple glob match (<c>*</c>, <c>?</c>, <c>[...]</c>) of one path component.</summary>
    public static bool GlobMatch(string pattern, string name)
    {
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '[')
            {
                var close = pattern.IndexOf(']', p + 1);
                if (close > p && pattern.AsSpan(p + 1, close - p - 1).Contains(name[n])) { p = close + 1; n++; continue; }
            }
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n])) { p++; n++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = n; }
            else if (star >= 0) { p = star + 1; n = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}

/// <summary>A path target after resolution: where it is and how much of it an operation covers.</summary>
/// <param name="Path">Absolute, normalised; for globs, the pattern; for unknown targets, a rendering.</param>
/// <param name="Class">Where it sits.</param>
/// <param name="IsFile">The world view says it is a regular file (so a recursive flag changes nothing).</param>
/// <param name="Exists">The world view says something is there.</param>
public sealed record PathTarget(string Path, PathClass Class, bool IsFile, bool Exists);

/// <summary>Classifies paths: system, home, project source, regenerable output, temp, devices.</summary>
public sealed class PathClassifier(IWorldView world, EngineOptions options)
{
    private static readonly string[] CriticalTopLevel = ["etc", "usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32", "boot", "proc", "sys", "dev"];
    private static readonly string[] OtherTopLevel = ["var", "opt", "srv", "root", "home", "mnt", "media", "snap", "run", "nix", "lost+found", "Users", "Applications", "Library", "System", "Volumes", "private"];
    private static readonly string[] DiskPrefixes = ["sd", "hd", "vd", "xvd", "nvme", "mmcblk", "disk", "rdisk", "md", "dm-", "loop", "sr", "mapper/"];
    private static readonly string[] HarmlessDevices = ["null", "zero", "stdout", "stderr", "stdin", "tty", "random", "urandom", "full", "ptmx"];

    /// <summary>Resolves an argument against every possible cwd and returns the most costly reading.</summary>
    /// <param name="followFinal">The operation follows a symbolic link at the end of the path (writes, reads, chmod);
    /// false for deleting or moving, which act on a link itself. A trailing slash follows it either way.</param>
    public IReadOnlyList<PathTarget> Resolve(Arg arg, ExecContext context, bool followFinal = true)
    {
        if (!arg.Known) return [new PathTarget(arg.Text, PathClass.Unknown, false, false)];
        var results = new List<PathTarget>(context.Cwds.Count);
        foreach (var cwd in context.Cwds)
        {
            var abs = PathResolver.Combine(cwd, arg.Text);
            results.Add(abs is null
                ? new PathTarget(arg.Text, PathClass.Unknown, false, false)
                : Classify(abs, arg.Glob, context, followFinal, arg.Text.StartsWith('/') ? arg.Text : cwd!.TrimEnd('/') + "/" + arg.Text));
        }
        return results;
    }

    /// <summary>Where a path sits, after resolving it through symbolic links (those on disk, and those the command
    /// created earlier: <see cref="ExecContext.Links"/>) and hard links to protected files: an effect lands where the
    /// kernel would put it, so protected-path, temp and project checks see the real place. A path protected by its own
    /// name stays protected whatever it points to. The returned path is the real one when that is what decides.</summary>
    /// <param name="absolute">Absolute and normalised.</param>
    /// <param name="followFinal">See <see cref="Resolve"/>.</param>
    /// <param name="written">The path as written, before lexical folding (<c>hk/../x</c> after a link <c>hk</c> is not <c>x</c>,
    /// and a trailing slash follows a link); null for <paramref name="absolute"/>.</param>
    public PathTarget Classify(string absolute, bool glob, ExecContext context, bool followFinal = true, string? written = null)
    {
        var lexical = ClassifyLexically(absolute, glob, context);
        if (context.RemoteHost is not null || glob) return lexical;
        var resolved = LinkResolver.Resolve(written ?? absolute, world, context.Links, followFinal);
        if (resolved is null)
            return lexical.Class == PathClass.Protected ? lexical : lexical with { Class = PathClass.Unknown };
        resolved = Reanchor(resolved, context);
        var real = resolved == absolute ? lexical : ClassifyLexically(resolved, false, context);
        if (lexical.Class == PathClass.Protected) return lexical with { IsFile = real.IsFile, Exists = real.Exists };
        if (real.Class != PathClass.Protected && (followFinal || (written ?? absolute).EndsWith('/')) && HardLinkedProtectedFile(real, context) is { } other)
            return real with { Path = other, Class = PathClass.Protected };
        return real;
    }

    private string? _anchorsHome;
    private List<(string Real, string Named)> _anchors = [];

    /// <summary>When home, a temp directory or a top-level system directory is itself reached through a link
    /// (HOME=/home/u with /home/u → /data/u; macOS's /etc → /private/etc, /tmp → /private/tmp, TMPDIR=/var/folders/... →
    /// /private/var/folders/...; merged /usr's /bin → usr/bin), paths below its real place are put back below the name the
    /// rules know, so its own rules still apply (a link must not turn /etc/hosts into "somewhere under /private").</summary>
    private string Reanchor(string resolved, ExecContext context)
    {
        if (_anchorsHome != context.Home)
        {
            _anchorsHome = context.Home;
            _anchors = [];
            foreach (var named in TempRoots(context).Append(context.Home).Concat(CriticalTopLevel.Concat(OtherTopLevel).Select(t => "/" + t)))
            {
                if (named.Length <= 1) continue;
                var real = LinkResolver.Resolve(named, world, [], followFinal: true);
                if (real is not null && real != named && real != "/") _anchors.Add((real, named));
            }
            // The most specific real place first (TMPDIR's before /var's).
            _anchors.Sort((a, b) => b.Real.Length.CompareTo(a.Real.Length));
        }
        foreach (var (real, named) in _anchors)
            if (PathResolver.IsUnder(resolved, real))
                return named.TrimEnd('/') + resolved[real.TrimEnd('/').Length..];
        return resolved;
    }

    /// <summary>A regular file with more than one name that is the same file (device and inode) as a protected file the
    /// guard knows by name (<see cref="Policy.ProtectedPaths.KnownFiles"/>); the protected file's path, or null.</summary>
    private string? HardLinkedProtectedFile(PathTarget target, ExecContext context)
    {
        if (!target.IsFile || world.GetFileIdentity(target.Path) is not { LinkCount: > 1 } id) return null;
        var roots = new List<string>();
        foreach (var dir in context.Cwds.Append(ParentOf(target.Path)))
            if (dir is not null && world.FindRepositoryRoot(dir) is { } repo && !roots.Contains(repo)) roots.Add(repo);
        foreach (var known in Policy.ProtectedPaths.KnownFiles(context.Home, roots, world))
            if (known != target.Path && world.GetFileIdentity(known) is { } other && other.Device == id.Device && other.Inode == id.Inode)
                return known;
        return null;
    }

    private PathTarget ClassifyLexically(string absolute, bool glob, ExecContext context)
    {
        var remote = context.RemoteHost is not null;
        var home = context.Home;
        var components = absolute.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var firstGlob = glob ? Array.FindIndex(components, PathResolver.HasGlob) : -1;
        if (firstGlob >= 0)
        {
            // A glob names a set of paths below its fixed prefix. A pattern that only matches regenerable names
            // (`*.pyc`, `node_modules`) stays regenerable; a file-type pattern (`*.py`) covers files of that type;
            // anything broader covers the whole prefix. A `**` component means "at any depth".
            var prefix = "/" + string.Join('/', components[..firstGlob]);
            // The fixed prefix is a directory the glob is expanded in: resolved through links like any path.
            var prefixTarget = Classify(prefix, false, context);
            if (prefixTarget.Path != prefix)
                absolute = prefixTarget.Path.TrimEnd('/') + "/" + string.Join('/', components[firstGlob..]);
            var last = components[^1];
            var deep = components.Contains("**");
            // Whatever a glob in the middle matches, only paths whose last component matches the last pattern go.
            var onlyLastIsGlob = firstGlob == components.Length - 1 || (components[firstGlob] == "**" && firstGlob == components.Length - 2);
            var systemWide = prefixTarget.Class is PathClass.Root or PathClass.SystemCritical or PathClass.SystemTopLevel or PathClass.System;
            if (prefixTarget.Class == PathClass.TempRoot) return new PathTarget(absolute, PathClass.Temp, false, false);
            if (!systemWide && IsRegenerableName(last, inProject: true))
                return new PathTarget(absolute, PathClass.Regenerable, false, false);
            if (onlyLastIsGlob && HasFixedExtension(last))
            {
                if (prefixTarget.Class is PathClass.ProjectRoot or PathClass.ProjectSource) return new PathTarget(absolute, PathClass.ProjectSource, !deep, false);
                if (prefixTarget.Class is PathClass.Home) return new PathTarget(absolute, PathClass.InHome, !deep, false);
            }
            return prefixTarget with { Path = absolute, IsFile = false };
        }

        var kind = remote ? PathKind.Unknown : world.GetPathKind(absolute);
        var isFile = kind == PathKind.File;
        var exists = kind is PathKind.File or PathKind.Directory;
        PathTarget Result(PathClass c) => new(absolute, c, isFile, exists);

        if (components.Length == 0) return Result(PathClass.Root);
        if (absolute == home) return Result(PathClass.Home);

        var top = components[0];
        if (top == "dev")
        {
            if (components.Length == 1) return Result(PathClass.SystemCritical);
            var dev = string.Join('/', components[1..]);
            if (Array.IndexOf(HarmlessDevices, dev) >= 0 || dev.StartsWith("fd/") || dev.StartsWith("pts/")) return Result(PathClass.NullDevice);
            if (dev.StartsWith("shm/")) return Result(PathClass.Temp);
            if (DiskPrefixes.Any(p => dev.StartsWith(p, StringComparison.Ordinal))) return Result(PathClass.Disk);
            return Result(PathClass.SystemCritical);
        }

        // Temp is only what lies outside any project and outside the home directory: a git work tree or a directory
        // with a project marker in /tmp is a project like any other, and a home directory that happens to live under
        // /tmp (or anything that holds it) is never scratch.
        var holdsHome = home.Length > 1 && PathResolver.IsUnder(home, absolute);
        string? tempRoot = null;
        foreach (var temp in TempRoots(context))
        {
            if (!PathResolver.IsUnder(absolute, temp)) continue;
            if (holdsHome) return Result(PathClass.Home);
            // A temp root that holds the home directory does not make the home's contents scratch.
            if (home.Length > 1 && PathResolver.IsUnder(home, temp) && PathResolver.IsUnder(absolute, home)) continue;
            if (absolute == temp) return Result(PathClass.TempRoot);
            tempRoot ??= temp;
        }
        var dir = exists && !isFile ? absolute : ParentOf(absolute);
        var repo = remote ? null : world.FindRepositoryRoot(dir);
        if (tempRoot is not null && !remote && (repo is null || !PathResolver.IsUnder(absolute, repo) || repo == tempRoot))
            repo = MarkedProject(dir, tempRoot);
        var inTemp = tempRoot is not null && (repo is null || !PathResolver.IsUnder(absolute, repo));
        if (IsProtected(absolute, home, remote, inTemp)) return Result(PathClass.Protected);
        if (inTemp) return Result(PathClass.Temp);

        // The project is the repository the path is in (not only the cwd's): another checkout is a project too.
        if (repo is not null && repo != "/" && repo != home && PathResolver.IsUnder(absolute, repo))
        {
            if (absolute == repo) return Result(PathClass.ProjectRoot);
            var below = absolute[(repo.TrimEnd('/').Length + 1)..].Split('/');
            return Result(below.Any(c => IsRegenerableName(c, inProject: true)) ? PathClass.Regenerable : PathClass.ProjectSource);
        }

        if (PathResolver.IsUnder(absolute, home))
        {
            var below = absolute[(home.TrimEnd('/').Length + 1)..].Split('/');
            return Result(below.Any(c => IsRegenerableName(c, inProject: false)) ? PathClass.Regenerable : PathClass.InHome);
        }

        if (Array.IndexOf(CriticalTopLevel, top) >= 0) return Result(PathClass.SystemCritical);
        if (Array.IndexOf(OtherTopLevel, top) >= 0)
        {
            if (components.Length == 1) return Result(PathClass.SystemTopLevel);
            // Another user's home directory as a whole is as bad as ours.
            if (top == "home" && components.Length == 2) return Result(PathClass.SystemTopLevel);
            return Result(PathClass.System);
        }
        return Result(PathClass.Other);
    }

    /// <summary>Protected (see <see cref="Policy.ProtectedPaths"/>), except a file named <c>interlock</c> in a
    /// project's build output, which is regenerable.</summary>
    private bool IsProtected(string absolute, string home, bool remote, bool inTemp)
    {
        if (Policy.ProtectedPaths.Match(absolute, home, world, remote, inTemp) is not { } match) return false;
        if (match.Kind != Policy.ProtectedKind.GuardBinary || remote) return true;
        var repo = world.FindRepositoryRoot(ParentOf(absolute));
        if (repo is null || repo == "/" || !PathResolver.IsUnder(absolute, repo)) return true;
        var below = absolute[(repo.TrimEnd('/').Length + 1)..].Split('/');
        return !below.Any(c => IsRegenerableName(c, inProject: true));
    }

    /// <summary>The outermost directory from <paramref name="dir"/> up to (not including) <paramref name="tempRoot"/>
    /// that holds a project marker (<see cref="EngineOptions.ProjectMarkers"/>), or that is a git work tree's root;
    /// null when there is none.</summary>
    private string? MarkedProject(string dir, string tempRoot)
    {
        string? found = null;
        var d = dir;
        for (var depth = 0; depth < 32 && d != tempRoot && PathResolver.IsUnder(d, tempRoot); depth++)
        {
            foreach (var marker in options.ProjectMarkers)
                if (world.GetPathKind(d.TrimEnd('/') + "/" + marker) is PathKind.File or PathKind.Directory) { found = d; break; }
            d = ParentOf(d);
        }
        return found;
    }

    private IEnumerable<string> TempRoots(ExecContext context)
    {
        yield return "/tmp";
        yield return "/var/tmp";
        yield return "/private/tmp";
        if (context.RemoteHost is null && world.GetEnvironmentVariable("TMPDIR") is { Length: > 1 } tmp && tmp.StartsWith('/'))
        {
            var t = PathResolver.Normalize(tmp);
            if (t != "/" && t != context.Home) yield return t;
        }
    }

    private static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>A glob whose every match is a regenerable name followed by a separator and anything (<c>build-*</c>,
    /// <c>dist_*</c>, <c>target.*</c>) or by digits only (<c>dist[0-9]</c>, <c>build[0-9][0-9]</c>): variants of one output
    /// directory. The fixed part must be a whole regenerable name; <c>b*</c> or <c>*-build</c> match anything.</summary>
    private static bool OnlyVariantsOf(string pattern, IReadOnlyList<string> names)
    {
        foreach (var n in names)
        {
            if (n.Length < 3 || PathResolver.HasGlob(n) || !pattern.StartsWith(n, StringComparison.Ordinal) || pattern.Length == n.Length) continue;
            var rest = pattern[n.Length..];
            if (rest[0] is '-' or '_' or '.') return true;
            if (DigitsOnly(rest)) return true;
        }
        return false;
    }

    /// <summary>A pattern that matches digits only: digits and classes of digits (<c>[0-9]</c>, <c>[123]</c>).</summary>
    private static bool DigitsOnly(string pattern)
    {
        for (var i = 0; i < pattern.Length; i++)
        {
            if (char.IsAsciiDigit(pattern[i])) continue;
            if (pattern[i] != '[') return false;
            var close = pattern.IndexOf(']', i + 1);
            if (close < 0) return false;
            var inside = pattern[(i + 1)..close];
            if (inside.Length == 0 || inside[0] is '!' or '^' || !inside.All(c => char.IsAsciiDigit(c) || c == '-')) return false;
            i = close;
        }
        return true;
    }

    /// <summary>A pattern such as <c>*.py</c>: files of one type, not a whole tree.</summary>
    private static bool HasFixedExtension(string pattern) =>
        pattern.StartsWith("*.") && pattern.Length > 2 && !PathResolver.HasGlob(pattern[2..]);

    /// <summary>Names a build or tool regenerates. Inside a project every configured name counts; elsewhere in
    /// home only the unambiguous ones (a <c>~/bin</c> is a person's scripts, not build output).</summary>
    public bool IsRegenerableName(string name, bool inProject)
    {
        var names = inProject ? options.RegenerableNames : options.RegenerableNamesOutsideProjects;
        foreach (var n in names)
            if (PathResolver.HasGlob(n) ? PathResolver.GlobMatch(n, name) : n == name) return true;
        // A glob pattern counts when it can only match regenerable names (`*.pyc` is covered by `*.pyc`), or only
        // numbered and suffixed variants of one inside a project (`build-*`, `dist[0-9]`, `out_*`: build-debug, dist2).
        if (PathResolver.HasGlob(name))
        {
            foreach (var n in options.RegenerableFilePatterns.Concat(names))
                if (n == name) return true;
            if (inProject && OnlyVariantsOf(name, names)) return true;
        }
        foreach (var p in options.RegenerableFilePatterns)
            if (PathResolver.GlobMatch(p, name)) return true;
        return false;
    }
}
