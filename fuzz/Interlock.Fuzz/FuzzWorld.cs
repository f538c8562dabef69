using Interlock.Core;
using Interlock.Core.Analysis;

namespace Interlock.Fuzz;

/// <summary>A fixed in-memory machine (the same shape as the tests' TestWorld): HOME=/home/dev, a repository at
/// /home/dev/project, a few files with contents, so fuzzed inputs reach the paths that consult the world.</summary>
public sealed class FuzzWorld : IWorldView
{
    private const string Home = "/home/dev";
    private const string Project = "/home/dev/project";

    private static readonly HashSet<string> Directories =
        ["/", "/tmp", "/etc", "/usr", "/var", "/home", Home, Project, Project + "/src", Project + "/build", Project + "/node_modules", Project + "/.git", Home + "/.ssh"];

    private static readonly Dictionary<string, string> Contents = new()
    {
        [Project + "/README.md"] = "# project\n\nSome text.\n",
        [Project + "/src/app.py"] = string.Concat(Enumerable.Range(0, 60).Select(i => $"def f{i}():\n    return {i}\n")),
        [Project + "/db/drop.sql"] = "DROP TABLE users CASCADE;\n",
        [Project + "/run.sh"] = "set -e\nrm -rf build\ncd src && make\n",
        [Project + "/clean.py"] = "import shutil\nshutil.rmtree('/home/dev')\n",
        [Project + "/.npmrc"] = "//registry.npmjs.org/:_authToken=abc\n",
        [Project + "/.env"] = "TOKEN=secret\n",
    };

    public string HomeDirectory => Home;

    public string? GetEnvironmentVariable(string name) => name switch { "HOME" => Home, "USER" => "dev", _ => null };

    public PathKind GetPathKind(string absolutePath) =>
        Contents.ContainsKey(absolutePath) ? PathKind.File : Directories.Contains(absolutePath) ? PathKind.Directory : PathKind.Missing;

    public string? FindRepositoryRoot(string absoluteDirectory) => PathResolver.IsUnder(absoluteDirectory, Project) ? Project : null;

    public string? CurrentBranch(string repositoryRoot) => "feature/fuzz";

    public string? ReadTextFile(string absolutePath, int maxBytes) =>
        Contents.TryGetValue(absolutePath, out var text) && text.Length <= maxBytes ? text : null;
}
