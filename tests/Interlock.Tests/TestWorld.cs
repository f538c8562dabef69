using Interlock.Core;
using Interlock.Core.Analysis;

namespace Interlock.Tests;

/// <summary>The fixed world the labeled corpus describes: HOME=/home/dev, a git repo at /home/dev/project on
/// branch feature/login, with a known set of files and directories.</summary>
public sealed class TestWorld : IWorldView
{
    public const string Home = "/home/dev";
    public const string Project = "/home/dev/project";

    private readonly HashSet<string> _files;
    private readonly HashSet<string> _dirs;
    private readonly Dictionary<string, string> _repos;

    public TestWorld(IEnumerable<string>? extraFiles = null, IEnumerable<string>? extraDirs = null, string branch = "feature/login")
    {
        Branch = branch;
        _files = ["README.md", "package.json", "package-lock.json", "Makefile", ".env", "src/app.py", "src/lib/util.py", "docs/guide.md"];
        _files = _files.Select(f => Project + "/" + f).Concat(extraFiles ?? []).ToHashSet();
        _dirs = ["src", "src/lib", "docs", "tests", "build", "dist", "node_modules", ".git", ".venv", "target"];
        _dirs = _dirs.Select(d => Project + "/" + d).Concat([Project, Home, "/", "/tmp", "/etc", "/usr", "/var", "/home", "/var/tmp"]).Concat(extraDirs ?? []).ToHashSet();
        _repos = new() { [Project] = branch, [Home + "/other-repo"] = "main" };
    }

    public string Branch { get; }
    /// <summary>The home directory this world reports (default <see cref="Home"/>).</summary>
    public string HomeDirectory { get; init; } = Home;
    public string? GetEnvironmentVariable(string name) => name switch { "HOME" => HomeDirectory, "USER" => "dev", _ => Variables.GetValueOrDefault(name) };

    /// <summary>Adds a git work tree at <paramref name="root"/> (and the directory itself).</summary>
    public TestWorld WithRepository(string root, string branch = "main")
    {
        _repos[root] = branch;
        _dirs.Add(root);
        return this;
    }

    /// <summary>Adds files (with contents) the engine may find and read.</summary>
    public TestWorld WithFile(string path, string contents = "")
    {
        _files.Add(path);
        Contents[path] = contents;
        return this;
    }

    /// <summary>Adds directories.</summary>
    public TestWorld WithDirectory(string path)
    {
        _dirs.Add(path);
        return this;
    }

    /// <summary>Further variables the world exposes (XDG_STATE_HOME...).</summary>
    public Dictionary<string, string> Variables { get; } = new();

    public PathKind GetPathKind(string absolutePath) =>
        _files.Contains(absolutePath) || Symlinks.ContainsKey(absolutePath) ? PathKind.File : _dirs.Contains(absolutePath) ? PathKind.Directory : PathKind.Missing;

    /// <summary>Symbolic links: path → target as stored in the link (absolute or relative to the link's directory).
    /// Like the real world view, a link reads as a file (it is not followed).</summary>
    public Dictionary<string, string> Symlinks { get; } = new(StringComparer.Ordinal);

    /// <summary>Identities of regular files, for hard links (two paths with the same device and inode are one file).</summary>
    public Dictionary<string, FileIdentity> Identities { get; } = new(StringComparer.Ordinal);

    public string? ReadSymbolicLink(string absolutePath) => Symlinks.GetValueOrDefault(absolutePath);

    public FileIdentity? GetFileIdentity(string absolutePath) =>
        Identities.TryGetValue(absolutePath, out var id) ? id : _files.Contains(absolutePath) ? new FileIdentity(1, (ulong)(uint)absolutePath.GetHashCode() + 1000, 1) : null;

    public string? FindRepositoryRoot(string absoluteDirectory) =>
        _repos.Keys.Where(r => PathResolver.IsUnder(absoluteDirectory, r)).OrderByDescending(r => r.Length).FirstOrDefault();

    public string? CurrentBranch(string repositoryRoot) => _repos.GetValueOrDefault(repositoryRoot);

    /// <summary>Files with contents the engine may read (SQL files, scripts).</summary>
    public Dictionary<string, string> Contents { get; } = new()
    {
        [Project + "/db/drop.sql"] = "-- cleanup\nDROP TABLE users CASCADE;\n",
        [Project + "/db/report.sql"] = "SELECT count(*) FROM users;\n",
        // An ordinary project's task files: what `make`, `make clean` and `npm test` run there (the task-runner knowledge reads them).
        [Project + "/Makefile"] = "all: build\n\nbuild:\n\tgo build ./...\n\ntest:\n\tgo test ./...\n\nclean:\n\trm -rf build dist\n\n.PHONY: all build test clean\n",
        [Project + "/package.json"] = "{\n  \"name\": \"app\",\n  \"scripts\": {\n    \"build\": \"tsc -p .\",\n    \"test\": \"jest\",\n    \"lint\": \"eslint .\",\n    \"start\": \"node dist/server.js\"\n  }\n}\n",
    };

    /// <summary>Files the agent's session wrote, with how (<see cref="IWorldView.WrittenInSession"/>).</summary>
    public Dictionary<string, string> SessionWrites { get; } = new(StringComparer.Ordinal);

    public string? WrittenInSession(string absolutePath) => SessionWrites.GetValueOrDefault(absolutePath);

    public string? ReadTextFile(string absolutePath, int maxBytes) =>
        Contents.TryGetValue(absolutePath, out var text) && text.Length <= maxBytes ? text : null;

    public static Decision Check(string command, string cwd = Project) =>
        new Engine().Evaluate(new ActionRequest("Bash", command, cwd), new TestWorld());
}
