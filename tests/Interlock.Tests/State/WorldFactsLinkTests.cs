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

    [Fact]
    public void Files_the_session_wrote_reach_the_server()
    {
        // A binary the agent built in this session: the hook asks, and so must the server re-analysing the facts.
        var world = new TestWorld(extraFiles: [P + "/app"]);
        world.Contents[P + "/app"] = "\u007fELF\u0002\u0001\u0001\0\0\0";
        world.SessionWrites[P + "/app"] = "by `go build -o app`, at 12:00 UTC";
        var d = Replayed("./app --reset", world);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains("go build", d.Reason);
        // Not the session's: trusted as before on both sides.
        world.SessionWrites.Clear();
        Assert.Equal(Verdict.Allow, Replayed("./app --reset", world).Verdict);
    }

    [Fact]
    public void A_malformed_written_fact_is_refused_with_its_field()
    {
        var body = """{"harness":"claude-code","tool":"Bash","cwd":"/w","command":"./app","world":{"written":{"/w/app":7}}}""";
        using var doc = JsonDocument.Parse(body);
        var e = Assert.Throws<WireFormatException>(() => DecisionWire.Read(doc.RootElement));
        Assert.Equal("world.written", e.Field);
    }
}
