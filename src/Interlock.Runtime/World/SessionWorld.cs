using Interlock.Core;
using Interlock.State.Provenance;

namespace Interlock.Runtime.World;

/// <summary>The world view with the files the agent's session wrote (<see cref="ISessionFiles"/>), looked up when the
/// engine asks (rarely: only for files it is about to treat as code it cannot read); everything else is the inner view's.</summary>
internal sealed class SessionWorld(IWorldView inner, Func<IReadOnlyList<string>, SessionFile?> find) : IWorldView
{
    public string HomeDirectory => inner.HomeDirectory;
    public string? GetEnvironmentVariable(string name) => inner.GetEnvironmentVariable(name);
    public PathKind GetPathKind(string absolutePath) => inner.GetPathKind(absolutePath);
    public string? FindRepositoryRoot(string absoluteDirectory) => inner.FindRepositoryRoot(absoluteDirectory);
    public string? CurrentBranch(string repositoryRoot) => inner.CurrentBranch(repositoryRoot);
    public string? ReadTextFile(string absolutePath, int maxBytes) => inner.ReadTextFile(absolutePath, maxBytes);
    public T? ReadParsedFile<T>(string absolutePath, int maxBytes, string parser, Func<string, T?> parse) where T : class => inner.ReadParsedFile(absolutePath, maxBytes, parser, parse);
    public string? ReadSymbolicLink(string absolutePath) => inner.ReadSymbolicLink(absolutePath);
    public FileIdentity? GetFileIdentity(string absolutePath) => inner.GetFileIdentity(absolutePath);

    public string? WrittenInSession(string absolutePath)
    {
        // The file, or a directory above it the session filled (cp -r, an unpacked archive).
        var candidates = new List<string>();
        for (var path = absolutePath.TrimEnd('/'); path.Length > 1 && candidates.Count < 64; path = Parent(path)) candidates.Add(path);
        return find(candidates) is { } f ? $"{f.How}, at {f.At.UtcDateTime:HH:mm} UTC" : inner.WrittenInSession(absolutePath);
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
