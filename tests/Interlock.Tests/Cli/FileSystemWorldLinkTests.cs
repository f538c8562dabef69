using Interlock.Cli;
using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>The real world view tells the engine about symbolic and hard links (issue 17, user mode), so the escapes
/// through them are stopped on a real file system, not only in the test world. The scratch project is a repository
/// under the test's output directory (outside temp, where protected project paths count).</summary>
public sealed class FileSystemWorldLinkTests : IDisposable
{
    private readonly string _project = Path.Combine(AppContext.BaseDirectory, "usermode-links-" + Guid.NewGuid().ToString("N")[..8]);

    public FileSystemWorldLinkTests()
    {
        Directory.CreateDirectory(Path.Combine(_project, ".git"));
        Directory.CreateDirectory(Path.Combine(_project, ".claude"));
        File.WriteAllText(Path.Combine(_project, ".claude", "settings.json"), "{\"hooks\": {}}\n");
    }

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private Decision Run(string command) => new Engine().Evaluate(new ActionRequest("Bash", command, _project), new FileSystemWorld());

    [Fact]
    public void Symbolic_links_are_read_without_being_followed()
    {
        var link = Path.Combine(_project, "cc");
        File.CreateSymbolicLink(link, Path.Combine(_project, ".claude"));
        var world = new FileSystemWorld();
        Assert.Equal(Path.Combine(_project, ".claude"), world.ReadSymbolicLink(link));
        Assert.Null(world.ReadSymbolicLink(Path.Combine(_project, ".claude")));
        Assert.Null(world.ReadSymbolicLink(Path.Combine(_project, "missing")));

        var d = Run("rm -rf cc/");
        Assert.True(d.Verdict == Verdict.Deny && d.RuleId == "protected.hook-settings", $"{d.Verdict} {d.RuleId}: {d.Reason}");
        File.CreateSymbolicLink(Path.Combine(_project, "s"), ".claude/settings.json");
        d = Run("echo '{}' > s");
        Assert.True(d.Verdict == Verdict.Deny && d.RuleId == "protected.hook-settings", $"{d.Verdict} {d.RuleId}: {d.Reason}");
        Assert.Equal(Verdict.Allow, Run("rm s").Verdict);
    }

    [Fact]
    public void The_kernels_own_links_are_judged_by_their_names()
    {
        // /dev/stdout → /proc/self/fd/1 → pipe:[...]: following them would make a harmless device a system path.
        foreach (var command in new[] { "echo x > /dev/stdout", "echo x > /dev/stderr", "echo x >> /dev/fd/2", "cat x > /dev/null" })
            Assert.Equal(Verdict.Allow, Run(command).Verdict);
    }

    [Fact]
    public void Hard_links_of_a_protected_file_are_recognised()
    {
        if (!OperatingSystem.IsLinux()) return; // statx is Linux's; elsewhere identities are unknown
        var settings = Path.Combine(_project, ".claude", "settings.json");
        var alias = Path.Combine(_project, "notes.txt");
        using (var ln = System.Diagnostics.Process.Start("ln", [settings, alias])) ln!.WaitForExit();
        var world = new FileSystemWorld();
        var a = world.GetFileIdentity(settings);
        var b = world.GetFileIdentity(alias);
        Assert.NotNull(a);
        Assert.Equal(a, b);
        Assert.Equal(2u, a!.Value.LinkCount);
        Assert.Null(world.GetFileIdentity(Path.Combine(_project, ".claude"))); // a directory has no file identity here

        var d = Run("echo x > notes.txt");
        Assert.True(d.Verdict == Verdict.Deny && d.RuleId == "protected.hook-settings", $"{d.Verdict} {d.RuleId}: {d.Reason}");
        File.WriteAllText(Path.Combine(_project, "other.txt"), "x\n");
        Assert.Equal(Verdict.Allow, Run("echo y > other.txt").Verdict);
    }
}
