using Interlock.Core;
using Interlock.Runtime.World;

namespace Interlock.Tests.Environments;

/// <summary>A scratch HOME with a git project in it (under ~/.cache/interlock-tests, never /tmp), read through the
/// runtime's file-system world view; the hook's environment variables are given per check.</summary>
public sealed class ScratchProject : IDisposable
{
    public string Root { get; } = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "interlock-tests", "envctx-" + Guid.NewGuid().ToString("N")[..12]);
    public string Home => Root + "/home";
    public string Project => Home + "/src/app";

    public ScratchProject() => Directory.CreateDirectory(Project + "/.git");

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Writes a file at a path under <see cref="Root"/> and returns its absolute path.</summary>
    public string Write(string pathUnderRoot, string text)
    {
        var path = Root + "/" + pathUnderRoot;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    public Decision Check(string command, Dictionary<string, string>? env = null, string? cwd = null, Engine? engine = null) =>
        (engine ?? new Engine()).Evaluate(new ActionRequest("Bash", command, cwd ?? Project), new ScratchWorld(Home, env ?? []));

    /// <summary>The real file system through the runtime's world view, with this HOME and hook environment.</summary>
    private sealed class ScratchWorld(string home, Dictionary<string, string> env) : IWorldView
    {
        private readonly FileSystemWorld _fs = new();
        public string HomeDirectory => home;
        public string? GetEnvironmentVariable(string name) => name == "HOME" ? home : env.GetValueOrDefault(name);
        public PathKind GetPathKind(string absolutePath) => _fs.GetPathKind(absolutePath);
        public string? FindRepositoryRoot(string absoluteDirectory) => _fs.FindRepositoryRoot(absoluteDirectory);
        public string? CurrentBranch(string repositoryRoot) => _fs.CurrentBranch(repositoryRoot);
        public string? ReadTextFile(string absolutePath, int maxBytes) => _fs.ReadTextFile(absolutePath, maxBytes);
    }
}
