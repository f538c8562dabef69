using System.Text;
using System.Text.Json;
using Interlock.Cli;
using Interlock.Core;
using Interlock.State;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>The hook with the audit trail injected: what is recorded, and failing closed when it cannot be.</summary>
public sealed class HookAuditTests : IDisposable
{
    private readonly TempStateDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static string Event(string command, string session = "sess-1") =>
        $$"""{"session_id":"{{session}}","cwd":"{{TestWorld.Project}}","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":{{JsonSerializer.Serialize(command, JsonStrings.Default.String)}} } }""";

    private static (string Output, AuditStage Audit) Run(string json, Func<IStateStore> open)
    {
        var input = Encoding.UTF8.GetBytes(json);
        var audit = new AuditStage(new FixedTime(Now));
        var output = TestHooks.ClaudeCode(input, new Engine(), () => new TestWorld(), audit, open: open);
        return (output, audit);
    }

    private static (string Decision, string Reason) Parse(string output)
    {
        using var doc = JsonDocument.Parse(output);
        var o = doc.RootElement.GetProperty("hookSpecificOutput");
        return (o.GetProperty("permissionDecision").GetString()!, o.GetProperty("permissionDecisionReason").GetString()!);
    }

    private static IStateStore Broken() => throw new StateStoreException("the disk holding the state database /x/interlock.db is full (SQLite Error 13)");

    [Fact]
    public async Task Each_decision_is_recorded_with_its_context()
    {
        var (output, audit) = Run(Event("git reset --hard"), () => _dir.Open());
        Assert.Equal("ask", Parse(output).Decision);
        Assert.Null(audit.Failure);

        using var store = _dir.Open();
        var r = (await store.Audit.GetAsync(1))!;
        Assert.Equal(Now, r.Entry.Timestamp);
        Assert.Equal("claude-code", r.Entry.Harness);
        Assert.Equal("sess-1", r.Entry.SessionId);
        Assert.Equal(TestWorld.Project, r.Entry.Cwd);
        Assert.Equal("Bash", r.Entry.Tool);
        Assert.Equal("git reset --hard", r.Entry.Request);
        Assert.Equal("ask", r.Entry.Verdict);
        Assert.Equal("git.discard-changes", r.Entry.RuleId);
        Assert.Contains("discards uncommitted changes", r.Entry.Reason);
        Assert.True(r.Entry.DecisionMicros >= 0);
        using var effects = JsonDocument.Parse(r.Entry.EffectsJson);
        var effect = Assert.Single(effects.RootElement.EnumerateArray());
        Assert.Equal("DiscardUncommittedChanges", effect.GetProperty("kind").GetString());
        Assert.Equal(TestWorld.Project, effect.GetProperty("target").GetString());
    }

    [Fact]
    public async Task Allows_malformed_events_and_unanalysed_tools_are_recorded_too()
    {
        Assert.Equal("", Run(Event("git status"), () => _dir.Open()).Output);
        Assert.Equal("deny", Parse(Run("not json", () => _dir.Open()).Output).Decision);
        Assert.Equal("", Run("""{"session_id":"s2","hook_event_name":"PreToolUse","tool_name":"WebFetch","tool_input":{"url":"https://x"},"cwd":"/tmp"}""", () => _dir.Open()).Output);
        Assert.Equal("", Run("""{"session_id":"s3","hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/tmp/notes.txt"},"cwd":"/tmp"}""", () => _dir.Open()).Output);

        using var store = _dir.Open();
        var all = await Entries.All(store.Audit);
        Assert.Equal(4, all.Count);
        Assert.Equal(("allow", "allow", "git status"), (all[0].Entry.Verdict, all[0].Entry.RuleId, all[0].Entry.Request));
        Assert.Equal(("deny", "hook.invalid-event"), (all[1].Entry.Verdict, all[1].Entry.RuleId));
        Assert.Contains("not valid JSON", all[1].Entry.Reason);
        Assert.Equal(("allow", "hook.not-analysed", "WebFetch", "s2"), (all[2].Entry.Verdict, all[2].Entry.RuleId, all[2].Entry.Tool, all[2].Entry.SessionId));
        Assert.Equal("""{"url":"https://x"}""", all[2].Entry.Request);
        Assert.Equal(("allow", "Read", "Read /tmp/notes.txt"), (all[3].Entry.Verdict, all[3].Entry.Tool, all[3].Entry.Request));
        Assert.True((await AuditVerifier.VerifyAsync(store.Audit)).Intact);
    }

    [Fact]
    public void When_the_audit_cannot_be_written_an_allow_becomes_an_ask()
    {
        var (output, audit) = Run(Event("git status"), Broken);
        var (decision, reason) = Parse(output);
        Assert.Equal("ask", decision);
        Assert.Contains("could not write its audit trail", reason);
        Assert.Contains("is full", reason);
        Assert.NotNull(audit.Failure);
    }

    [Fact]
    public void When_the_audit_cannot_be_written_asks_and_denies_keep_their_verdict_and_say_so()
    {
        var (ask, _) = Run(Event("git reset --hard"), Broken);
        Assert.Equal("ask", Parse(ask).Decision);
        Assert.StartsWith("Interlock needs a human to approve this command [git.discard-changes]", Parse(ask).Reason);
        Assert.EndsWith("(Also: Interlock could not write its audit trail: the disk holding the state database /x/interlock.db is full (SQLite Error 13).)", Parse(ask).Reason);

        var (deny, _) = Run(Event("rm -rf ~"), Broken);
        Assert.Equal("deny", Parse(deny).Decision);
        Assert.Contains("[fs.delete-home]", Parse(deny).Reason);
        Assert.Contains("could not write its audit trail", Parse(deny).Reason);

        var (malformed, _) = Run("{}", Broken);
        Assert.Equal("deny", Parse(malformed).Decision);
        Assert.Contains("could not write its audit trail", Parse(malformed).Reason);

        var (passThrough, _) = Run("""{"hook_event_name":"PreToolUse","tool_name":"WebFetch","tool_input":{},"cwd":"/tmp"}""", Broken);
        Assert.Equal("ask", Parse(passThrough).Decision);
    }

    [Fact]
    public async Task A_database_locked_beyond_the_busy_timeout_fails_closed()
    {
        using (var s = _dir.Open()) await Entries.AppendMany(s.Audit, 1);
        using var holder = _dir.Raw();
        using (var begin = holder.CreateCommand()) { begin.CommandText = "BEGIN IMMEDIATE;"; begin.ExecuteNonQuery(); }

        var (output, audit) = Run(Event("ls -la"), () => _dir.Open(busyTimeoutMs: 50));
        var (decision, reason) = Parse(output);
        Assert.Equal("ask", decision);
        Assert.Contains("locked", reason);
        Assert.Contains("locked", audit.Failure);
    }

    [Fact]
    public void A_corrupt_database_fails_closed()
    {
        File.WriteAllBytes(_dir.DatabasePath, Enumerable.Repeat((byte)0x5a, 8192).ToArray());
        var (output, _) = Run(Event("ls"), () => _dir.Open());
        var (decision, reason) = Parse(output);
        Assert.Equal("ask", decision);
        Assert.Contains("not a database", reason);
    }

    [Fact]
    public void Without_an_audit_the_hook_answers_as_before()
    {
        Assert.Equal("", TestHooks.ClaudeCode(Encoding.UTF8.GetBytes(Event("git status")), new Engine(), () => new TestWorld()));
    }
}
