namespace Interlock.State;

/// <summary>Content-addressed objects: <c>objects/&lt;first two hex digits&gt;/&lt;sha256&gt;</c>, written to a temporary
/// file and renamed into place, so an object is complete or absent. Owner-only permissions (they hold the user's files).</summary>
public static class ObjectStore
{
    public static string PathOf(string objectsDirectory, string hash) => Path.Combine(objectsDirectory, hash[..2], hash);

    public static string Hash(ReadOnlySpan<byte> content)
    {
        Span<byte> digest = stackalloc byte[Sha256.HashSizeInBytes];
        Sha256.HashData(content, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Stores <paramref name="content"/> unless an object with its hash exists; returns the hash and whether it was new.</summary>
    public static (string Hash, bool Written) Put(string objectsDirectory, ReadOnlySpan<byte> content)
    {
        var hash = Hash(content);
        var path = PathOf(objectsDirectory, hash);
        if (File.Exists(path))
        {
            // Touched so that a concurrent prune (which spares recent objects) does not remove it before it is referenced.
            try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            return (hash, false);
        }
        var dir = Path.GetDirectoryName(path)!;
        CreateDirectory(objectsDirectory);
        CreateDirectory(dir);
        var temp = Path.Combine(dir, $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var f = new FileStream(temp, options))
            {
                f.Write(content);
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true); // same content whoever wins
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return (hash, true);
    }

    public static byte[] Read(string objectsDirectory, string hash) => File.ReadAllBytes(PathOf(objectsDirectory, hash));

    private static void CreateDirectory(string dir)
    {
        if (Directory.Exists(dir)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(dir);
        else Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
