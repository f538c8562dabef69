using System.Text;
using Interlock.Cli;
using Interlock.Core;
using Interlock.Runtime.World;
using Interlock.State.Sqlite;
using Interlock.Tests.Cli;
using Xunit;

namespace Interlock.Tests.Analysis;

/// <summary>Session provenance (issue 18, item 4): files the agent's session wrote are recorded, and running one that
/// cannot be analysed (a binary, too big, unreadable) stops and names it; code that was already there is trusted as before.</summary>
public sealed class SessionProvenanceTests
{
    private const string P = TestWorld.Project;

    private static Decision Check(string command, Dictionary<string, string?> files, params string[] session)
    {
        var world = new TestWorld(extraFiles: files.Keys.Select(k => P + "/" + k));
        foreach (var (path, text) in files) if (text is not null) world.Contents[P + "/" + path] = text;
        foreach (var s in session) world.SessionWrites[P + "/" + s] = "by `go build -o app`, at 12:00 UTC";
        return new Engine().Evaluate(new ActionRequest("Bash", command, P), world);
    }

    private const string Elf = "\u007fELF\u0002\u0001\u0001\0\0\0";

    [Fact]
    public void A_binary_the_session_built_asks_and_names_the_file()
    {
        var d = Check("./app --reset", new() { ["app"] = Elf }, "app");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains($"{P}/app", d.Reason);
        Assert.Contains("this session wrote or built", d.Reason);
        Assert.Contains("go build", d.Reason);
    }

    [Fact]
    public void A_binary_that_was_already_there_is_trusted_as_before() =>
        Assert.Equal(Verdict.Allow, Check("./app --reset", new() { ["app"] = Elf }).Verdict);

    [Fact]
    public void A_script_the_session_wrote_that_cannot_be_read_asks()
    {
        // Contents null: too big or unreadable to the world view.
        var d = Check("bash big.sh", new() { ["big.sh"] = null }, "big.sh");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains("big.sh", d.Reason);
        Assert.Contains("cannot be read", d.Reason);
        Assert.Equal(Verdict.Ask, Check("./big.sh", new() { ["big.sh"] = null }, "big.sh").Verdict);
        Assert.Equal(Verdict.Allow, Check("bash big.sh", new() { ["big.sh"] = null }).Verdict); // not the session's: as before
    }

    [Fact]
    public void A_text_file_without_a_first_line_the_session_wrote_is_run_by_the_shell()
    {
        Assert.Equal(Verdict.Deny, Check("./job", new() { ["job"] = "rm -rf ~\n" }, "job").Verdict);
        Assert.Equal(Verdict.Allow, Check("./job", new() { ["job"] = "echo hi\n" }, "job").Verdict);
    }

    [Fact]
    public void The_store_keeps_each_sessions_files_apart_and_finds_a_file_under_a_written_directory()
    {
        using var dir = new Interlock.Tests.State.TempStateDir();
        using var store = dir.Open();
        var now = DateTimeOffset.Parse("2026-12-07T12:00:00Z");
        store.SessionFiles.Record("claude-code:s1", ["/w/p/app", "/w/p/vendor"], "by `go build -o app`", now);
        store.SessionFiles.Record("claude-code:s1", ["/w/p/app"], "by the Write tool", now.AddMinutes(1));
        Assert.Equal("by the Write tool", store.SessionFiles.Find("claude-code:s1", ["/w/p/app"])?.How);
        Assert.Null(store.SessionFiles.Find("claude-code:s2", ["/w/p/app"]));
        Assert.Equal("/w/p/vendor", store.SessionFiles.Find("claude-code:s1", ["/w/p/vendor/bin/x", "/w/p/vendor/bin", "/w/p/vendor"])?.Path);
        Assert.Equal(2, store.SessionFiles.Written("claude-code:s1").Count);
    }

    [Fact]
    public void Through_the_hook_a_program_copied_in_one_call_and_run_in_the_next_asks_only_in_that_session()
    {
        using var p = new Interlock.Tests.Environments.ScratchProject();
        using var dir = new Interlock.Tests.State.TempStateDir();
        File.WriteAllBytes(p.Project + "/tool.bin", Encoding.UTF8.GetBytes(Elf));
        string Hook(string session, string command)
        {
            var input = Encoding.UTF8.GetBytes($$$"""{"session_id":"{{{session}}}","cwd":"{{{p.Project}}}","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"{{{command}}}"}}""");
            var pipeline = Interlock.Runtime.Pipeline.DecisionPipelines.Default(new Engine(), () => new FileSystemWorld(), () => dir.Open(),
                new Interlock.Runtime.Stages.SnapshotLimits(), new Interlock.State.Budgets.BudgetLimits());
            return pipeline.Run(new Interlock.Runtime.Adapters.ClaudeCodeAdapter(), input).Stdout;
        }
        Assert.Equal("", Hook("s1", "cp tool.bin ./app && chmod +x app"));
        File.Copy(p.Project + "/tool.bin", p.Project + "/app"); // what the allowed command did
        var second = Hook("s1", "./app");
        Assert.Contains("\"permissionDecision\":\"ask\"", second);
        Assert.Contains(p.Project + "/app", second);
        Assert.Equal("", Hook("s2", "./app")); // another session did not write it
    }
}
