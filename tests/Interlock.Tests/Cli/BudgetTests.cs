using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Interlock.Cli;
using Interlock.Core;
using Interlock.State;
using Interlock.State.Budgets;
using Interlock.Tests.State;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>Session budgets and the circuit breaker, in the store and through the hook on a real repository.</summary>
public sealed class BudgetTests : IDisposable
{
    private readonly TempStateDir _state = new();
    // Not under /tmp: deleting temp files costs no budget.
    private readonly string _repo = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "interlock-budget-tests-" + Guid.NewGuid().ToString("N")[..10]);
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    public BudgetTests()
    {
        Directory.CreateDirectory(Path.Combine(_repo, "src"));
        Git("init", "-q");
    }

    public void Dispose()
    {
        _state.Dispose();
        try { Directory.Delete(_repo, recursive: true); } catch (IOException) { }
    }

    private void Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = _repo, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    private sealed class Clock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private string Hook(string tool, string toolInput, Clock clock, string session = "s1")
    {
        var json = $$"""{"session_id":"{{session}}","cwd":{{J(_repo)}},"hook_event_name":"PreToolUse","tool_name":"{{tool}}","tool_input":{{toolInput}} }""";
        IStateStore Open() => _state.Open();
        var world = () => (IWorldView)new FileSystemWorld();
        var engine = new Engine();
        var pipeline = new DecisionPipeline([new DecideStage(engine, world), new BudgetStage(world, engine.Options, new BudgetLimits(), clock), new AuditStage(clock)], Open);
        return pipeline.Run(new ClaudeCodeAdapter(), Encoding.UTF8.GetBytes(json)).Stdout;
    }

    private string Bash(string command, Clock clock, string session = "s1") => Hook("Bash", $$"""{"command":{{J(command)}} }""", clock, session);

    private static string J(string s) => JsonSerializer.Serialize(s, JsonStrings.Default.String);

    [Fact]
    public void Forty_deletions_in_a_row_trip_the_breaker_until_a_human_resets_it()
    {
        var clock = new Clock(T0);
        for (var i = 0; i < 40; i++) File.WriteAllText(Path.Combine(_repo, "src", $"module_{i}.py"), $"x = {i}\n");
        var answers = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            clock.Now = T0.AddSeconds(6 * i);
            answers.Add(Bash($"rm src/module_{i}.py", clock));
        }
        Assert.All(answers.Take(25), a => Assert.Equal("", a));
        Assert.All(answers.Skip(25), a => Assert.Contains("[budget.breaker]", a));
        Assert.Contains("this session has deleted or emptied 26 files, run 26 destructive actions in 3 minutes", answers[25]);
        Assert.Contains("interlock breaker reset --session s1", answers[25]);
        Assert.Contains("\"permissionDecision\":\"ask\"", answers[25]);

        // Safe work still passes; other sessions are not affected.
        Assert.Equal("", Bash("git status", clock));
        Assert.Equal("", Bash("rm src/module_39.py", clock, session: "s2"));

        using (var store = _state.Open())
        {
            var tripped = Assert.Single(store.Budgets.Tripped());
            Assert.Equal("claude-code:s1", tripped.SessionKey);
            Assert.True(store.Budgets.Reset("claude-code:s1", "dev", clock.Now));
            Assert.False(store.Budgets.Reset("claude-code:s1", "dev", clock.Now));
        }
        clock.Now = clock.Now.AddSeconds(1);
        Assert.Equal("", Bash("rm src/module_38.py", clock)); // a fresh window after the reset
    }

    [Fact]
    public void Edits_that_remove_lines_count_and_old_work_leaves_the_window()
    {
        var clock = new Clock(T0);
        var path = Path.Combine(_repo, "src", "big.py");
        var lines = Enumerable.Range(0, 3000).Select(i => $"value_{i} = compute({i})").ToList();
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        // 15 edits of 150 lines each: ordinary-sized edits (5% of the file each), 2,250 lines in all.
        var verdicts = new List<string>();
        for (var k = 0; k < 15; k++)
        {
            clock.Now = T0.AddSeconds(20 * k);
            var old = string.Join('\n', lines.Skip(k * 150).Take(150)) + "\n";
            verdicts.Add(Hook("Edit", $$"""{"file_path":{{J(path)}},"old_string":{{J(old)}},"new_string":"" }""", clock));
        }
        Assert.Equal("", verdicts[12]); // 1,950 lines
        Assert.Contains("[budget.breaker]", verdicts[13]); // 2,100 > 2,000
        Assert.Contains("removed 2100 lines", verdicts[13]);
    }

    [Fact]
    public void The_store_counts_concurrent_sessions_exactly_and_trips_once()
    {
        var limits = new BudgetLimits { FilesDeleted = 50 };
        var results = Enumerable.Range(0, 80).AsParallel().WithDegreeOfParallelism(8).Select(i =>
        {
            using var s = _state.Open(busyTimeoutMs: 30_000);
            return s.Budgets.Record("codex:s1", new BudgetUsage(1, 0, 1), T0.AddSeconds(i % 10), limits);
        }).ToList();
        Assert.Single(results, r => r.TrippedNow);
        Assert.Equal(80, results.Max(r => r.WindowTotals.FilesDeleted));
        using var store = _state.Open();
        var late = store.Budgets.Record("codex:s1", new BudgetUsage(1, 0, 1), T0.AddMinutes(30), limits);
        Assert.Equal(1, late.WindowTotals.FilesDeleted); // the old usage left the window...
        Assert.NotNull(late.Breaker); // ...but a tripped breaker stays tripped until a human resets it
    }

    [Fact]
    public void Breaker_cli_lists_and_resets_and_agents_cannot_reset()
    {
        using (var store = _state.Open())
            store.Budgets.Record("claude-code:abc", new BudgetUsage(30, 0, 30), DateTimeOffset.UtcNow, new BudgetLimits());
        var status = Cli("breaker", "status");
        Assert.Contains("claude-code session abc", status.Stdout);
        Assert.Contains("more than 25 files", status.Stdout);
        Assert.Equal(0, Cli("breaker", "reset", "--session", "abc").Exit);
        Assert.Equal(1, Cli("breaker", "reset", "--session", "abc").Exit);
        Assert.Equal(64, Cli("breaker", "reset").Exit);

        var clock = new Clock(T0);
        Assert.Contains("\"permissionDecision\":\"deny\"", Bash("interlock breaker reset --session abc", clock));
        Assert.Equal("", Bash("interlock breaker status", clock));
    }

    private (int Exit, string Stdout, string Stderr) Cli(params string[] args) => TestCli.Run(_state.Path, args);
}
