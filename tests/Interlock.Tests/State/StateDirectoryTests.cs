using Interlock.State;
using Xunit;

namespace Interlock.Tests.State;

public sealed class StateDirectoryTests
{
    private static string Resolve(Dictionary<string, string> env, string home = "/home/dev") =>
        StateDirectory.Resolve(name => env.GetValueOrDefault(name), home);

    [Fact]
    public void The_override_wins_then_xdg_then_home()
    {
        Assert.Equal("/tmp/s", Resolve(new() { ["INTERLOCK_STATE_DIR"] = "/tmp/s", ["XDG_STATE_HOME"] = "/x" }));
        Assert.Equal("/x/interlock", Resolve(new() { ["XDG_STATE_HOME"] = "/x" }));
        Assert.Equal("/home/dev/.local/state/interlock", Resolve(new()));
    }

    [Fact]
    public void Empty_and_relative_values_are_ignored_as_the_xdg_spec_says()
    {
        Assert.Equal("/home/dev/.local/state/interlock", Resolve(new() { ["INTERLOCK_STATE_DIR"] = "", ["XDG_STATE_HOME"] = "relative/dir" }));
    }
}
