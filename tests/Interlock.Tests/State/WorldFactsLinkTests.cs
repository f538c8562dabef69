using System.Text.Json;
using Interlock.Core;
using Interlock.State.Wire;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>The approval server re-analyses an action from the facts the hook recorded: links and hard-link identities
/// are among them, so the server sees an escape through a link as the hook does (issue 17, user mode).</summary>
public sealed class WorldFactsLinkTests
{
    private const string P = TestWorld.Project;
    private const string H = TestWorld.Home;

    private static Decision Replayed(string command, TestWorld world)
    {
        var recording = new RecordingWorld(world);
        var request = new ActionRequest("Bash", command, P);
        var local = new Engine().Evaluate(request, recording);
        using var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body)) DecisionWire.Write(w, new DecisionCall("claude-code", null, request, recording.Facts, 0));
        using var doc = JsonDocument.Parse(body.ToArray());
        var call = DecisionWire.Read(doc.RootElement);
        var replayed = new Engine().Evaluate(call.Request, call.World);
        Assert.Equal(local.Verdict, replayed.Verdict);
        Assert.Equal(local.RuleId, replayed.RuleId);
        return replayed;
    }

    [Fact]
    public void Links_and_identities_reach_the_server()
    {
        var world = new TestWorld(extraFiles: [H + "/.claude/settings.json"], extraDirs: [H + "/.claude"]);
        world.Symlinks[P + "/cc"] = H + "/.claude";
        Assert.Equal("protected.hook-settings", Replayed("rm -rf cc/", world).RuleId);
        var settings = new FileIdentity(3, 77, 2);
        world.Identities[H + "/.claude/settings.json"] = settings;
        world.Identities[P + "/README.md"] = settings;
        Assert.Equal("protected.hook-settings", Replayed("echo x > README.md", world).RuleId);
    }
}
