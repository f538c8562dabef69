using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;

namespace Interlock.Runtime.Configuration;

/// <summary>The effective policy for one directory: the layer files found, what they say, and the compiled result.</summary>
internal sealed record LoadedPolicy(CompiledPolicy Compiled, IReadOnlyList<PolicyFile> Files, IReadOnlyList<PolicyDiagnostic> Diagnostics)
{
    public PolicyDiagnostic? FirstError => Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error);

    /// <summary>The decision every action gets while a policy file is invalid: a stop that names the file, line and column
    /// (never "allow everything": a broken policy may be the one that was meant to stop this).</summary>
    public Decision InvalidPolicyDecision()
    {
        var e = FirstError!;
        var more = Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error) - 1;
        return new Decision(Verdict.Deny, "policy.invalid",
            $"Interlock's policy file is invalid, so it stops every action until it is fixed: {e.Location}: {e.Message}{(more > 0 ? $" ({Plural.Of(more, "more error")})" : "")}",
            $"Ask the user to fix {e.Location.File} (run `interlock policy validate` to see every problem and how to fix it).", [], [], null);
    }
}

/// <summary>
/// Finds and reads the policy layers for a working directory: system (<c>$INTERLOCK_SYSTEM_CONFIG_DIR</c>, else
/// <c>/etc/interlock</c>), user (<c>$INTERLOCK_CONFIG_DIR</c>, else <c>$XDG_CONFIG_HOME/interlock</c>, else
/// <c>~/.config/interlock</c>), each <c>policy.yaml</c>, and the project's <c>.interlock/policy.yaml</c> at the repository
/// root (the nearest directory with <c>.git</c>, else the working directory). Missing files are fine; unreadable,
/// oversized or invalid ones are errors.
/// </summary>
internal static class PolicyLoader
{
    public const string FileName = "policy.yaml";

    public static string SystemDirectory() =>
        Environment.GetEnvironmentVariable("INTERLOCK_SYSTEM_CONFIG_DIR") is { Length: > 0 } d ? d : "/etc/interlock";

    public static string UserDirectory()
    {
        if (Environment.GetEnvironmentVariable("INTERLOCK_CONFIG_DIR") is { Length: > 0 } d) return d;
        if (Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } x && x.StartsWith('/')) return Path.Combine(x, "interlock");
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".config", "interlock");
    }

    public static string ProjectRoot(string cwd)
    {
        for (var dir = cwd; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
            if (Directory.Exists(Path.Combine(dir, ".git")) || File.Exists(Path.Combine(dir, ".git")))
                return dir;
        return cwd;
    }

    public static string ProjectFile(string cwd) => Path.Combine(ProjectRoot(cwd), ".interlock", FileName);

    public static IReadOnlyList<(PolicyLayer Layer, string Path)> Locate(string cwd) =>
    [
        (PolicyLayer.System, Path.Combine(SystemDirectory(), FileName)),
        (PolicyLayer.User, Path.Combine(UserDirectory(), FileName)),
        (PolicyLayer.Project, ProjectFile(cwd)),
    ];

    /// <summary>The layers in enforced mode: the root-owned system policy at its fixed place and the project's
    /// (which can only tighten). The user layer is left out: the agent runs as that user and could write it.</summary>
    public static IReadOnlyList<(PolicyLayer Layer, string Path)> LocateEnforced(string cwd) =>
    [
        (PolicyLayer.System, Path.Combine(Daemon.EnforcedMode.ConfigDirectory, FileName)),
        (PolicyLayer.Project, ProjectFile(cwd)),
    ];

    public static LoadedPolicy Load(string cwd) => Load(Locate(cwd));

    public static LoadedPolicy Load(IEnumerable<(PolicyLayer Layer, string Path)> layers)
    {
        var files = new List<PolicyFile>();
        foreach (var (layer, path) in layers)
            if (Read(layer, path) is { } file) files.Add(file);
        if (files.Count == 0) return new LoadedPolicy(CompiledPolicy.Default, files, []);
        var (set, diagnostics) = PolicyMerger.Merge(files);
        return new LoadedPolicy(CompiledPolicy.Compile(set), files, diagnostics);
    }

    /// <summary>Reads and parses one file; null when it does not exist.</summary>
    public static PolicyFile? Read(PolicyLayer layer, string path)
    {
        var (contents, failed) = ReadBytes(layer, path);
        return failed ?? (contents is null ? null : Parse(layer, path, contents));
    }

    /// <summary>One layer file's bytes (null when it does not exist), or the file that reports why it cannot be read.</summary>
    private static (byte[]? Contents, PolicyFile? Failed) ReadBytes(PolicyLayer layer, string path)
    {
        try
        {
            if (!File.Exists(path)) return (null, Directory.Exists(path) ? Failed(layer, path, "is a directory, not a policy file") : null);
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            if (stream.Length > PolicyParser.MaxBytes)
                return (null, Failed(layer, path, $"is larger than {PolicyParser.MaxBytes / 1024} KiB; split the policy or remove unused rules"));
            // Read to the end (the length may change while reading), bounded.
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            for (int n; (n = stream.Read(chunk)) > 0;)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > PolicyParser.MaxBytes)
                    return (null, Failed(layer, path, $"is larger than {PolicyParser.MaxBytes / 1024} KiB; split the policy or remove unused rules"));
            }
            return (buffer.ToArray(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, Failed(layer, path, $"cannot be read ({e.Message}); fix its permissions or remove it"));
        }
    }

    /// <summary>Text as StreamReader reads it (a byte-order mark selects the encoding, else UTF-8).</summary>
    private static PolicyFile Parse(PolicyLayer layer, string path, byte[] contents)
    {
        using var reader = new StreamReader(new MemoryStream(contents, writable: false));
        return PolicyParser.Parse(reader.ReadToEnd(), path, layer);
    }

    /// <summary>
    /// The hook's load: as <see cref="Load(string)"/>, but an unchanged, valid policy comes from <paramref name="cache"/>
    /// instead of being parsed (the files are still read and hashed on every call; see <see cref="PolicyCache"/>).
    /// A cache hit carries no file list or warnings (the hook uses neither); errors are never cached.
    /// </summary>
    public static LoadedPolicy LoadCached(IReadOnlyList<(PolicyLayer Layer, string Path)> layers, PolicyCache cache)
    {
        var contents = new List<(PolicyLayer Layer, string Path, byte[]? Contents)>(layers.Count);
        foreach (var (layer, path) in layers)
        {
            var (bytes, failed) = ReadBytes(layer, path);
            if (failed is not null) return Load(layers); // reports the unreadable file, uncached
            contents.Add((layer, path, bytes));
        }
        if (contents.All(c => c.Contents is null)) return new LoadedPolicy(CompiledPolicy.Default, [], []);

        var key = cache.Key(contents);
        if (cache.TryRead(key) is { } cached) return new LoadedPolicy(CompiledPolicy.Compile(cached), [], []);

        var files = contents.Where(c => c.Contents is not null).Select(c => Parse(c.Layer, c.Path, c.Contents!)).ToList();
        var (set, diagnostics) = PolicyMerger.Merge(files);
        var loaded = new LoadedPolicy(CompiledPolicy.Compile(set), files, diagnostics);
        if (loaded.FirstError is null) cache.Write(key, set);
        return loaded;
    }

    private static PolicyFile Failed(PolicyLayer layer, string path, string message)
    {
        var file = new PolicyFile { Path = path, Layer = layer };
        file.Diagnostics.Add(new PolicyDiagnostic(DiagnosticSeverity.Error, new SourceLocation(path, 1, 1), "the policy file " + message));
        return file;
    }
}
