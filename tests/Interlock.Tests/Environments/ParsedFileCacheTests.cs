using Interlock.Runtime.World;
using Xunit;

namespace Interlock.Tests.Environments;

/// <summary>The daemon's cache of parsed configuration files: a parse is reused only while the file is unchanged, and an
/// edit that keeps the size and puts the mtime back is still seen (ctime changes).</summary>
public sealed class ParsedFileCacheTests : IDisposable
{
    private readonly ScratchProject _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_parse_is_reused_until_the_file_changes_even_with_its_mtime_put_back()
    {
        var path = _scratch.Write("home/.kube/config", "current-context: kind-dev\n");
        var parses = 0;
        string? Read() => new FileSystemWorld().ReadParsedFile(path, 4096, "test-parser", text => { parses++; return text.Trim(); });

        Assert.Equal("current-context: kind-dev", Read());
        Assert.Equal("current-context: kind-dev", Read()); // another call, another world: the same process's cache
        Assert.Equal(1, parses);

        var mtime = File.GetLastWriteTimeUtc(path);
        File.WriteAllText(path, "current-context: prod-eu\n"); // same length
        File.SetLastWriteTimeUtc(path, mtime);
        Assert.Equal("current-context: prod-eu", Read());
        Assert.Equal(2, parses);

        File.Delete(path);
        Assert.Null(Read());
    }

    [Fact]
    public void Files_larger_than_the_bound_are_not_read()
    {
        var path = _scratch.Write("home/big.yaml", new string('x', 5000));
        Assert.Null(new FileSystemWorld().ReadParsedFile(path, 4096, "test-parser", text => text));
    }
}
