using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Runtime.World.Native;

namespace Interlock.Runtime.World;

/// <summary>The real machine, as the engine's read-only world view. Answers are cached for one process.</summary>
internal sealed class FileSystemWorld : IWorldView
{
    /// <summary>The variables the engine may read: the well-known ones, the guard's own directories, those the
    /// context readers consult (<see cref="Interlock.Core.Environments.EnvironmentSources.Variables"/>: KUBECONFIG,
    /// AWS_PROFILE, DATABASE_URL...) and every variable a harness reads its hook configuration from
    /// (<see cref="HookConfigPaths"/>: CODEX_HOME, CLAUDE_CONFIG_DIR...), so the configuration they point at is
    /// protected. The hook daemon is keyed on every one of them (DaemonEndpoint.HookVariables), so a hook with another
    /// KUBECONFIG or CODEX_HOME never gets an answer computed with this one.</summary>
    internal static readonly string[] ExposedVariables =
    [
        .. new[] { "HOME", "USER", "LOGNAME", "TMPDIR", "SHELL", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "INTERLOCK_CONFIG_DIR", "INTERLOCK_SYSTEM_CONFIG_DIR", "INTERLOCK_STATE_DIR" }
            .Concat(Interlock.Core.Environments.EnvironmentSources.Variables)
            .Concat(HookConfigPaths.All.Where(l => l.Variable is not null).Select(l => l.Variable!))
            .Distinct(StringComparer.Ordinal),
    ];
    private readonly Dictionary<string, string?> _repoRoots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PathKind> _kinds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, FileIdentity?> _identities = new(StringComparer.Ordinal);

    private readonly CallerAccess? _access;

    /// <param name="access">In the system daemon: the account the decision is for; files it could not read are not
    /// read (<see cref="CallerAccess"/>).</param>
    public FileSystemWorld(CallerAccess? access = null)
    {
        _access = access;
        var home = Environment.GetEnvironmentVariable("HOME");
        HomeDirectory = string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home;
        if (string.IsNullOrEmpty(HomeDirectory)) HomeDirectory = "/";
        HomeDirectory = HomeDirectory.Length > 1 ? HomeDirectory.TrimEnd('/') : HomeDirectory;
    }

    public string HomeDirectory { get; }

    public string? GetEnvironmentVariable(string name) =>
        Array.IndexOf(ExposedVariables, name) >= 0 ? Environment.GetEnvironmentVariable(name) : null;

    public PathKind GetPathKind(string absolutePath)
    {
        if (_kinds.TryGetValue(absolutePath, out var cached)) return cached;
        PathKind kind;
        try
        {
            // Do not follow a symlink at the end: deleting a link does not delete its target.
            var info = new FileInfo(absolutePath);
            if (info.LinkTarget is not null) kind = PathKind.File;
            else if (info.Exists) kind = PathKind.File;
            else if (Directory.Exists(absolutePath)) kind = PathKind.Directory;
            else kind = PathKind.Missing;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            kind = PathKind.Unknown;
        }
        _kinds[absolutePath] = kind;
        return kind;
    }

    public string? ReadSymbolicLink(string absolutePath)
    {
        if (_links.TryGetValue(absolutePath, out var cached)) return cached;
        string? target;
        try
        {
            // FileInfo reads the link itself (lstat + readlink), for links to files and to directories alike.
            target = absolutePath == "/" ? null : new FileInfo(absolutePath).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            target = null;
        }
        _links[absolutePath] = target;
        return target;
    }

    public FileIdentity? GetFileIdentity(string absolutePath)
    {
        if (_identities.TryGetValue(absolutePath, out var cached)) return cached;
        var identity = FileStatus.Identity(absolutePath);
        _identities[absolutePath] = identity;
        return identity;
    }

    public string? FindRepositoryRoot(string absoluteDirectory)
    {
        if (_repoRoots.TryGetValue(absoluteDirectory, out var cached)) return cached;
        string? result = null;
        var dir = absoluteDirectory;
        for (var depth = 0; depth < 64 && !string.IsNullOrEmpty(dir); depth++)
        {
            var git = Path.Combine(dir, ".git");
            if (Directory.Exists(git) || File.Exists(git)) { result = dir; break; }
            var parent = Path.GetDirectoryName(dir);
            if (parent is null || parent == dir) break;
            dir = parent;
        }
        _repoRoots[absoluteDirectory] = result;
        return result;
    }

    public string? ReadTextFile(string absolutePath, int maxBytes)
    {
        try
        {
            // Devices, FIFOs and /proc files report a length of 0 and reading them may never end (/dev/zero) or block
            // (a FIFO the agent made): a length of 0 reads as empty without opening the file, and at most maxBytes
            // are read from anything else (it may grow while it is read).
            if (absolutePath.StartsWith("/dev/", StringComparison.Ordinal) || absolutePath.StartsWith("/proc/", StringComparison.Ordinal)) return null;
            if (_access is not null && !_access.MayRead(absolutePath)) return null; // unreadable to the caller: as if missing to the engine, which treats unread content as indeterminate
            var info = new FileInfo(absolutePath);
            if (!info.Exists || info.Length > maxBytes) return null;
            if (info.Length == 0) return "";
            using var stream = new FileStream(absolutePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var buffer = new byte[info.Length + 1];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            if (read == buffer.Length) return null; // it grew while being read
            var text = System.Text.Encoding.UTF8.GetString(buffer, 0, read);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Parsed configuration files (kubeconfigs, AWS and gcloud configuration) are kept by the resident daemon
    /// across calls while the file's device, inode, size, mtime and ctime are unchanged (ctime cannot be set back, so an
    /// edit that restores the mtime is still seen); the caller's access is checked on every read.</summary>
    public T? ReadParsedFile<T>(string absolutePath, int maxBytes, string parser, Func<string, T?> parse) where T : class
    {
        if (absolutePath.StartsWith("/dev/", StringComparison.Ordinal) || absolutePath.StartsWith("/proc/", StringComparison.Ordinal)) return null;
        if (_access is not null && !_access.MayRead(absolutePath)) return null;
        var version = Native.FileStatus.Version(absolutePath);
        if (version is null || version.Value.Size > (ulong)maxBytes)
            return ReadTextFile(absolutePath, maxBytes) is { } uncached ? parse(uncached) : null;
        var key = (absolutePath, parser, maxBytes);
        if (ParsedFiles.TryGet(key, version.Value, out var hit)) return hit as T;
        var text = ReadTextFile(absolutePath, maxBytes);
        var parsed = text is null ? null : parse(text);
        // Stored only when the file did not change while it was read.
        if (Native.FileStatus.Version(absolutePath) == version) ParsedFiles.Put(key, version.Value, parsed);
        return parsed;
    }

    /// <summary>The daemon's cache of parsed files, shared by every call of the process; bounded.</summary>
    private static class ParsedFiles
    {
        private const int MaxEntries = 128;
        private static readonly Dictionary<(string, string, int), (object Version, object? Value)> Entries = new();
        private static readonly Lock Gate = new();

        public static bool TryGet((string, string, int) key, object version, out object? value)
        {
            lock (Gate)
            {
                if (Entries.TryGetValue(key, out var entry) && entry.Version.Equals(version)) { value = entry.Value; return true; }
            }
            value = null;
            return false;
        }

        public static void Put((string, string, int) key, object version, object? value)
        {
            lock (Gate)
            {
                if (Entries.Count >= MaxEntries && !Entries.ContainsKey(key)) Entries.Clear();
                Entries[key] = (version, value);
            }
        }
    }

    public string? CurrentBranch(string repositoryRoot)
    {
        try
        {
            var git = Path.Combine(repositoryRoot, ".git");
            if (File.Exists(git))
            {
                // A worktree or submodule: ".git" is a file saying "gitdir: <path>".
                var line = File.ReadAllText(git).Trim();
                if (!line.StartsWith("gitdir:", StringComparison.Ordinal)) return null;
                git = Path.GetFullPath(Path.Combine(repositoryRoot, line["gitdir:".Length..].Trim()));
            }
            var head = File.ReadAllText(Path.Combine(git, "HEAD")).Trim();
            const string prefix = "ref: refs/heads/";
            return head.StartsWith(prefix, StringComparison.Ordinal) ? head[prefix.Length..] : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
