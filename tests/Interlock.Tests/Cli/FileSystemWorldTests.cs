using System.Diagnostics;
using Interlock.Cli;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>The hook reads files the agent names (scripts, SQL files, .npmrc): special files must neither block
/// nor be read without end.</summary>
public sealed class FileSystemWorldTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("interlock-world-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Devices_and_fifos_are_not_read()
    {
        var fifo = Path.Combine(_dir, "pipe");
        using (var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [fifo])!)) mkfifo!.WaitForExit();
        var world = new FileSystemWorld();
        var clock = Stopwatch.StartNew();
        var fromFifo = world.ReadTextFile(fifo, 1024);   // opening a FIFO for reading blocks until a writer comes
        var fromZero = world.ReadTextFile("/dev/zero", 1024); // never ends
        Assert.True(clock.ElapsedMilliseconds < 20_000, $"took {clock.ElapsedMilliseconds} ms"); // a blocked open never returns
        Assert.True(string.IsNullOrEmpty(fromFifo));
        Assert.Null(fromZero);
    }

    [Fact]
    public void Regular_files_are_read_within_the_bound()
    {
        var file = Path.Combine(_dir, "x.sh");
        File.WriteAllText(file, "\uFEFFrm -rf build\n");
        var world = new FileSystemWorld();
        Assert.Equal("rm -rf build\n", world.ReadTextFile(file, 1024));
        Assert.Null(world.ReadTextFile(file, 5));
        File.WriteAllText(Path.Combine(_dir, "empty.sh"), "");
        Assert.Equal("", world.ReadTextFile(Path.Combine(_dir, "empty.sh"), 1024));
    }
}
