using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>`interlock hook` as a process: a misconfigured command line or an empty event stops, and says why.</summary>
public sealed class HookCommandLineTests : IDisposable
{
    private readonly string _state = Path.Combine(Path.GetTempPath(), "il-hookcli-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public void An_unknown_harness_blocks_with_exit_2_and_names_the_supported_ones()
    {
        var (exit, _, stderr) = TestCli.Run(_state, "hook", "claude");
        Assert.Equal(2, exit);
        Assert.Contains("unknown harness `claude`", stderr);
        Assert.Contains("claude-code", stderr);
    }

    [Fact]
    public void An_extra_argument_blocks_instead_of_being_ignored()
    {
        var (exit, _, stderr) = TestCli.Run(_state, "hook", "claude-code", "--stdin-file", "/tmp/event.json");
        Assert.Equal(2, exit);
        Assert.Contains("unexpected argument `--stdin-file`", stderr);
        Assert.Contains("reads the event from standard input", stderr);
    }

    [Fact]
    public void No_event_on_standard_input_is_a_deny_that_says_so()
    {
        // TestCli gives the child an empty, closed standard input.
        var (exit, stdout, _) = TestCli.Run(_state, "hook", "claude-code");
        Assert.Equal(0, exit);
        Assert.Contains("\"deny\"", stdout);
        Assert.Contains("no event on standard input", stdout);
    }

    public void Dispose()
    {
        try { Directory.Delete(_state, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}
