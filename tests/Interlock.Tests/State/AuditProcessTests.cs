using System.Diagnostics;
using System.Text.Json;
using Interlock.State;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>The built `interlock` apphost, run as real processes with INTERLOCK_STATE_DIR pointing at a temp dir.</summary>
public sealed class AuditProcessTests : IDisposable
{
    private readonly TempStateDir _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>How long one process may take: far beyond the usual second, for a saturated shared machine.</summary>
    private static readonly TimeSpan ProcessBound = TimeSpan.FromMinutes(10);

    private static string Exe
    {
        get
        {
            var exe = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "interlock.exe" : "interlock");
            Assert.True(File.Exists(exe), "the interlock apphost is copied next to the tests");
            return exe;
        }
    }

    private Process Start(string[] args, string? stateDir = null)
    {
        var psi = new ProcessStartInfo(Exe, args)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["INTERLOCK_STATE_DIR"] = stateDir ?? _dir.Path;
        // No policy files from the machine: only the built-in defaults (tests must not depend on ~/.config or /etc).
        psi.Environment["INTERLOCK_CONFIG_DIR"] = psi.Environment["INTERLOCK_SYSTEM_CONFIG_DIR"] = "/nonexistent/interlock-tests-no-policy";
        // These tests are about concurrency, not speed: 100 JIT-started processes on 2 shared cores have taken minutes
        // when the load average was above 100. The hook's deadline (and with it its SQLite busy timeout) is set beyond
        // any such wait, so a slow machine cannot turn into a "locked" or deadline answer; what is checked stays the
        // same (every decision recorded exactly once, no lock error).
        psi.Environment["INTERLOCK_HOOK_TIMEOUT_MS"] = ((int)ProcessBound.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Process.Start(psi)!;
    }

    private async Task<(int Exit, string Stdout, string Stderr)> Run(string[] args, string? stdin = null, string? stateDir = null)
    {
        using var p = Start(args, stateDir);
        if (stdin is not null) await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ProcessBound);
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            Assert.Fail($"`interlock {string.Join(' ', args)}` did not finish within {ProcessBound.TotalMinutes} minutes (load average {File.ReadAllText("/proc/loadavg").Trim()})");
        }
        return (p.ExitCode, await stdout, await stderr);
    }

    private static string Event(string command, string session = "proc-test", string cwd = "/tmp") =>
        $$"""{"session_id":"{{session}}","cwd":"{{cwd}}","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":{{JsonSerializer.Serialize(command, JsonStrings.Default.String)}} } }""";

    private Task<(int Exit, string Stdout, string Stderr)> Hook(string command) => Run(["hook", "claude-code"], Event(command));

    [Fact]
    public async Task A_hundred_concurrent_hook_processes_record_every_decision_exactly_once()
    {
        const int n = 100;
        var runs = Enumerable.Range(1, n).Select(i => Task.Run(() => Run(["hook", "claude-code"], Event($"echo concurrent-{i}", session: $"s{i % 5}")))).ToArray();
        var results = await Task.WhenAll(runs);

        for (var i = 0; i < n; i++)
        {
            Assert.True(results[i].Exit == 0, $"hook {i + 1} exited {results[i].Exit}: {results[i].Stderr}");
            Assert.True(results[i].Stdout == "", $"hook {i + 1} answered {results[i].Stdout} (stderr: {results[i].Stderr})");
            Assert.DoesNotContain("audit", results[i].Stderr);
        }

        using (var store = _dir.Open(create: false))
        {
            var all = await Entries.All(store.Audit);
            Assert.Equal(n, all.Count);
            Assert.Equal(Enumerable.Range(1, n).Select(i => (long)i), all.Select(r => r.Sequence));
            Assert.Equal(Enumerable.Range(1, n).Select(i => $"echo concurrent-{i}").Order(), all.Select(r => r.Entry.Request!).Order());
            var verification = await AuditVerifier.VerifyAsync(store.Audit);
            Assert.True(verification.Intact, string.Join("; ", verification.Problems));
        }

        var verify = await Run(["audit", "verify"]);
        Assert.Equal(0, verify.Exit);
        Assert.Contains($"audit trail intact: {n} records", verify.Stdout);
    }

    [Fact]
    public async Task Audit_commands_read_export_and_verify_what_the_hook_wrote()
    {
        Assert.Equal("", (await Hook("git status")).Stdout);
        Assert.Contains("\"permissionDecision\":\"deny\"", (await Hook("rm -rf /")).Stdout);
        Assert.Contains("\"permissionDecision\":\"ask\"", (await Hook("git reset --hard")).Stdout);

        var tail = await Run(["audit", "tail", "-n", "2"]);
        Assert.Equal(0, tail.Exit);
        var lines = tail.Stdout.TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^\s+2  \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ  deny \s+fs\.delete-root  Bash  session proc-test  rm -rf /$", lines[0]);
        Assert.Contains("git.discard-changes", lines[1]);

        var show = await Run(["audit", "show", "2"]);
        Assert.Equal(0, show.Exit);
        Assert.Contains("record 2", show.Stdout);
        Assert.Contains("request:    rm -rf /", show.Stdout);
        Assert.Contains("rule:       fs.delete-root", show.Stdout);
        Assert.Contains("\"kind\":\"DeletePath\"", show.Stdout);
        Assert.Matches("hash:       [0-9a-f]{64}", show.Stdout);

        var showJson = await Run(["audit", "show", "3", "--json"]);
        using (var doc = JsonDocument.Parse(showJson.Stdout)) Assert.Equal(3, doc.RootElement.GetProperty("seq").GetInt64());

        var missing = await Run(["audit", "show", "99"]);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("no audit record 99 (the trail holds records 1 to 3)", missing.Stderr);

        var file = Path.Combine(_dir.Path, "export.jsonl");
        var export = await Run(["audit", "export", "--jsonl", "--output", file]);
        Assert.Equal(0, export.Exit);
        var exported = File.ReadAllLines(file);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(3, exported.Length);
        var previous = AuditChain.GenesisHash;
        for (var i = 0; i < 3; i++)
        {
            using var doc = JsonDocument.Parse(exported[i]);
            var r = doc.RootElement;
            Assert.Equal(i + 1, r.GetProperty("seq").GetInt64());
            Assert.Equal(previous, r.GetProperty("prev_hash").GetString());
            Assert.Equal(JsonValueKind.Array, r.GetProperty("effects").ValueKind);
            previous = r.GetProperty("hash").GetString()!;
        }
        var stdoutExport = await Run(["audit", "export", "--jsonl"]);
        Assert.Equal(string.Join('\n', exported) + "\n", stdoutExport.Stdout);

        var verify = await Run(["audit", "verify"]);
        Assert.Equal(0, verify.Exit);
        Assert.Contains("audit trail intact: 3 records", verify.Stdout);

        _dir.Sql("UPDATE audit SET verdict = 'allow' WHERE seq = 2;");
        var tampered = await Run(["audit", "verify"]);
        Assert.Equal(1, tampered.Exit);
        Assert.Contains("TAMPERED", tampered.Stdout);
        Assert.Contains("first bad record: 2", tampered.Stdout);
        Assert.Contains("record 2: edited: record 2 was changed after it was written", tampered.Stdout);

        var warned = await Run(["audit", "show", "2"]);
        Assert.Contains("WARNING", warned.Stdout);
    }

    [Fact]
    public async Task Audit_commands_explain_a_missing_state_and_honour_state_dir()
    {
        using var empty = new TempStateDir();
        foreach (var sub in new[] { "tail", "verify", "export --jsonl", "show 1" })
        {
            var r = await Run(["audit", .. sub.Split(' ')], stateDir: empty.Path);
            Assert.Equal(66, r.Exit);
            Assert.Contains("no Interlock state at", r.Stderr);
            Assert.Contains("INTERLOCK_STATE_DIR", r.Stderr);
        }
        Assert.False(File.Exists(empty.DatabasePath));

        await Hook("git status");
        var viaOption = await Run(["audit", "verify", "--state-dir", _dir.Path], stateDir: empty.Path);
        Assert.Equal(0, viaOption.Exit);
        Assert.Contains("intact: 1 record (1 to 1)", viaOption.Stdout);
    }

    [Fact]
    public async Task Prune_archives_removes_and_verify_proves_the_archive_and_names_tampering()
    {
        for (var i = 0; i < 5; i++) await Hook($"echo {i}");
        var archiveDir = Path.Combine(_dir.Path, "archive");

        var refused = await Run(["audit", "prune", "--keep", "2"]);
        Assert.Equal(64, refused.Exit);
        Assert.Contains("refusing to prune without an archive", refused.Stderr);
        Assert.Contains("--archive-dir DIR", refused.Stderr);
        Assert.Contains("--no-archive", refused.Stderr);

        var dry = await Run(["audit", "prune", "--keep", "2", "--dry-run"]);
        Assert.Equal(0, dry.Exit);
        Assert.Contains("dry run: would archive and remove records 1 to 3 (3 records, written ", dry.Stdout);
        Assert.Contains("2 records would stay (4 to 5)", dry.Stdout);
        Assert.Contains("intact: 5 records (1 to 5)", (await Run(["audit", "verify"])).Stdout);

        var nothing = await Run(["audit", "prune", "--before", "2000-01-01", "--archive-dir", archiveDir]);
        Assert.Equal(0, nothing.Exit);
        Assert.Contains("nothing to prune", nothing.Stdout);

        var pruned = await Run(["audit", "prune", "--before", "0d", "--keep", "2", "--archive-dir", archiveDir]);
        Assert.True(pruned.Exit == 0, pruned.Stderr);
        var archive = Assert.Single(Directory.GetFiles(archiveDir));
        Assert.Matches(@"interlock-audit-0000000001-0000000003-\d{8}T\d{6}Z\.jsonl$", archive);
        Assert.Contains("archived records 1 to 3 (3 records, written ", pruned.Stdout);
        Assert.Contains($"to {archive} (SHA-256 ", pruned.Stdout);
        Assert.Contains($"interlock audit verify --archive {archive}", pruned.Stdout);
        Assert.Contains("\"request\":\"echo 0\"", File.ReadAllLines(archive)[0]);

        var verify = await Run(["audit", "verify", "--archive", archive]);
        Assert.True(verify.Exit == 0, verify.Stdout + verify.Stderr);
        Assert.Contains($"archive {archive} intact: records 1 to 3, chained, ending exactly at checkpoint 1's hash, SHA-256 as the checkpoint recorded", verify.Stdout);
        Assert.Contains("audit trail intact: 2 records (4 to 5) after checkpoint 1 (records 1 to 3 (pruned ", verify.Stdout);
        await Hook("echo after");
        Assert.Contains("intact: 3 records (4 to 6)", (await Run(["audit", "verify"])).Stdout);

        var lines = File.ReadAllLines(archive);
        File.WriteAllLines(archive, lines.Select(l => l.Replace("echo 1", "echo one")));
        var changed = await Run(["audit", "verify", "--archive", archive]);
        Assert.Equal(1, changed.Exit);
        Assert.Contains("NOT PROVEN", changed.Stdout);
        Assert.Contains("record 2: edited", changed.Stdout);
        File.WriteAllLines(archive, lines);

        var missing = await Run(["audit", "verify", "--archive", archive + ".nope"]);
        Assert.Equal(66, missing.Exit);
        Assert.Contains("cannot read the archive", missing.Stderr);

        _dir.Sql("DELETE FROM audit WHERE seq = 4;");
        var tampered = await Run(["audit", "verify"]);
        Assert.Equal(1, tampered.Exit);
        Assert.Contains("record 4: missing: record 4 is missing: checkpoint 1 accounts for records up to 3", tampered.Stdout);

        // A tampered trail is not pruned: nothing is removed and no archive is left.
        var refusedTampered = await Run(["audit", "prune", "--keep", "1", "--archive-dir", archiveDir]);
        Assert.Equal(1, refusedTampered.Exit);
        Assert.Contains("nothing was pruned", refusedTampered.Stderr);
        Assert.Single(Directory.GetFiles(archiveDir));
    }

    [Fact]
    public async Task Prune_without_an_archive_only_when_asked_and_the_agent_may_not_prune()
    {
        for (var i = 0; i < 3; i++) await Hook($"echo {i}");
        var pruned = await Run(["audit", "prune", "--keep", "1", "--no-archive"]);
        Assert.True(pruned.Exit == 0, pruned.Stderr);
        Assert.Contains("WITHOUT an archive (--no-archive): they can no longer be checked", pruned.Stdout);
        var verify = await Run(["audit", "verify"]);
        Assert.Equal(0, verify.Exit);
        Assert.Contains("after checkpoint 1 (records 1 to 2 (pruned ", verify.Stdout);
        Assert.Contains("without an archive)", verify.Stdout);

        // Pruning changes the guard's own record: an agent is denied; reading and proving are allowed.
        Assert.Equal(2, (await Run(["check", "interlock audit prune --before 1d --archive-dir /tmp/a"])).Exit);
        Assert.Equal(0, (await Run(["check", "interlock audit verify --archive /tmp/a/x.jsonl"])).Exit);
    }

    [Theory]
    [InlineData("audit prune --help", "interlock audit prune --before <age|date>")]
    [InlineData("audit verify --help", "--archive FILE")]
    [InlineData("audit --help", "interlock audit prune --before")]
    [InlineData("audit --help", "interlock audit <tail|show|export|verify|prune>")]
    [InlineData("audit tail --help", "interlock audit tail [-n N]")]
    [InlineData("audit show --help", "interlock audit show <seq>")]
    [InlineData("audit export --help", "interlock audit export --jsonl")]
    [InlineData("audit verify --help", "Exit status: 0 intact, 1 tampered")]
    [InlineData("--help", "interlock audit <tail|show|export|verify|prune>")]
    [InlineData("hook --help", "audit trail")]
    public async Task Help_is_printed(string args, string expected)
    {
        var r = await Run(args.Split(' '));
        Assert.Equal(0, r.Exit);
        Assert.Contains(expected, r.Stdout);
    }

    [Theory]
    [InlineData("audit", "needs a subcommand")]
    [InlineData("audit frob", "unknown audit subcommand `frob`")]
    [InlineData("audit show", "needs a record's sequence number")]
    [InlineData("audit show x", "needs a record's sequence number")]
    [InlineData("audit export", "needs a format: --jsonl")]
    [InlineData("audit tail -n 0", "positive number")]
    [InlineData("audit verify --bogus", "unexpected argument `--bogus`")]
    [InlineData("audit prune --archive-dir /tmp/a", "needs a cut-off: --before <age|date>")]
    [InlineData("audit prune --before 90x --archive-dir /tmp/a", "`--before`: `90x` is neither an age")]
    [InlineData("audit prune --before 2999-01-01 --archive-dir /tmp/a", "is in the future")]
    [InlineData("audit prune --keep 1 --archive-dir /tmp/a --no-archive", "contradict each other")]
    [InlineData("audit prune --keep x --archive-dir /tmp/a", "`--keep` needs a number")]
    [InlineData("audit verify --archive", "`--archive` needs the archive file")]
    public async Task Usage_errors_exit_64_with_a_message(string args, string expected)
    {
        var r = await Run(args.Split(' '));
        Assert.Equal(64, r.Exit);
        Assert.Contains(expected, r.Stderr);
    }
}
