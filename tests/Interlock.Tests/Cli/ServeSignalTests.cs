using System.Diagnostics;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>`interlock serve` runs interlock-server as a child: a SIGTERM sent to serve alone (systemd, `kill pid`)
/// must stop the server too, not leave it running as an orphan. SIGINT alone (`kill -INT`, not the terminal's Ctrl+C,
/// which reaches the whole process group) too.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ServeSignalTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "scratch", "serve-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>`interlock serve` with a fake interlock-server: the shell script <paramref name="script"/> at <paramref name="server"/>.</summary>
    private static ProcessStartInfo Serve(string server, string script)
    {
        File.WriteAllText(server, script);
        File.SetUnixFileMode(server, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "interlock"), ["serve"]) { RedirectStandardError = true, RedirectStandardOutput = true };
        psi.Environment["INTERLOCK_SERVER_BIN"] = server;
        return psi;
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("HUP")]
    public void A_signal_to_serve_reaches_the_server_and_serve_waits_for_it(string signal)
    {
        var server = Path.Combine(_dir, "interlock-server");
        var got = Path.Combine(_dir, "got");
        var started = Path.Combine(_dir, "started");
        using var serve = Process.Start(Serve(server, $"#!/bin/sh\ntrap 'echo $1 > \"{got}\"; exit 0' TERM\necho up > \"{started}\"\nwhile :; do sleep 0.1; done\n"))!;
        var clock = Stopwatch.StartNew();
        while (!File.Exists(started) && clock.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(20);
        Assert.True(File.Exists(started), "the fake server did not start");
        // serve's handlers are in place before the child starts, so no wait is needed here.
        using (var kill = Process.Start("kill", ["-" + signal, serve.Id.ToString()])) kill!.WaitForExit();
        Assert.True(serve.WaitForExit(15_000), "serve did not exit after the signal");
        Assert.Equal("serve\n", File.ReadAllText(got)); // the server got SIGTERM and stopped cleanly
        Assert.Equal(0, serve.ExitCode); // serve waited for it and returned its exit code
    }

    /// <summary>serve starts the server with a 64 MiB young-generation budget (measured: +10% decisions/s), unless
    /// the user set one.</summary>
    [Theory]
    [InlineData(null, "0x4000000")]
    [InlineData("0x1000000", "0x1000000")]
    public void Serve_gives_the_server_a_larger_young_generation_unless_the_user_chose_one(string? set, string expected)
    {
        var server = Path.Combine(_dir, "interlock-server");
        var seen = Path.Combine(_dir, "seen");
        var psi = Serve(server, $"#!/bin/sh\nprintf '%s' \"$DOTNET_GCgen0size\" > \"{seen}\"\n");
        psi.Environment.Remove("DOTNET_GCgen0size");
        if (set is not null) psi.Environment["DOTNET_GCgen0size"] = set;
        using var serve = Process.Start(psi)!;
        Assert.True(serve.WaitForExit(30_000), "serve did not exit after its server did");
        Assert.Equal(expected, File.ReadAllText(seen));
    }
}
