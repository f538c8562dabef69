using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Interlock.Cli;
using Interlock.Core;
using Interlock.State;
using Interlock.Tests.State;
using Xunit;

namespace Interlock.Tests.Snapshots;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
/// <summary>Capture before destructive file effects (hook in-process, real git repos) and undo (the built apphost).</summary>
public sealed class SnapshotTests : IDisposable
{
    private readonly TempStateDir _state = new();
    private readonly string _repo;

    public SnapshotTests()
    {
        // Not under /tmp: files in temp are never captured (nor stopped).
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        _repo = Path.Combine(home, "interlock-snapshot-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_repo);
        Git("init", "-q");
        Git("config", "user.email", "t@example.com");
        Git("config", "user.name", "t");
        File.WriteAllText(Path.Combine(_repo, "README"), "tracked\n");
        Git("add", ".");
        Git("commit", "-qm", "init");
    }

    public void Dispose()
    {
        _state.Dispose();
        try { Directory.Delete(_repo, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = _repo, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {err}");
    }

    private string P(string rel) => Path.Combine(_repo, rel);

    private static string Json(string s) => JsonSerializer.Serialize(s, JsonStrings.Default.String);

    private string Hook(string tool, string toolInputJson, SnapshotLimits? limits = null, string session = "sess-1")
    {
        var json = $$"""{"session_id":"{{session}}","cwd":{{Json(_repo)}},"hook_event_name":"PreToolUse","tool_name":"{{tool}}","tool_input":{{toolInputJson}} }""";
        var snapshots = new SnapshotStage(limits);
        return TestHooks.ClaudeCode(Encoding.UTF8.GetBytes(json), new Engine(), () => new FileSystemWorld(), null, snapshots, () => _state.Open());
    }

    private string Bash(string command, SnapshotLimits? limits = null) => Hook("Bash", $$"""{"command":{{Json(command)}} }""", limits);

    private static string Exe => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "interlock.exe" : "interlock");

    private (int Exit, string Stdout, string Stderr) Cli(params string[] args) => TestCli.Run(_state.Path, args);

    private static string Lines(int n, string prefix = "line") => string.Concat(Enumerable.Range(1, n).Select(i => $"{prefix} {i} of the module\n"));

    private static (string Decision, string Reason) Parse(string output)
    {
        using var doc = JsonDocument.Parse(output);
        var o = doc.RootElement.GetProperty("hookSpecificOutput");
        return (o.GetProperty("permissionDecision").GetString()!, o.GetProperty("permissionDecisionReason").GetString()!);
    }

    [Fact]
    public void An_edit_that_removes_most_of_a_file_is_undone_byte_for_byte_with_its_mode()
    {
        var path = P("module.py");
        var original = Lines(60) + "tail without newline \u00e9";
        File.WriteAllText(path, original);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        var originalBytes = File.ReadAllBytes(path);

        var removed = Lines(50);
        var output = Hook("Edit", $$"""{"file_path":{{Json(path)}},"old_string":{{Json(removed)}},"new_string":""}""");
        Assert.Equal("ask", Parse(output).Decision);

        // The human approves; the tool applies the edit.
        File.WriteAllText(path, original.Replace(removed, ""));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var history = Cli("history");
        Assert.Equal(0, history.Exit);
        Assert.Contains("Edit", history.Stdout);
        Assert.Contains("sess-1", history.Stdout);

        var undo = Cli("undo", "1");
        Assert.True(undo.Exit == 0, undo.Stderr);
        Assert.Equal(originalBytes, File.ReadAllBytes(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Git_clean_fdx_over_untracked_work_is_undone_byte_for_byte()
    {
        File.WriteAllText(P(".gitignore"), ".env\n");
        File.WriteAllText(P(".env"), "TOKEN=abc\n");
        Directory.CreateDirectory(P("src/deep/er"));
        File.WriteAllText(P("src/new.py"), Lines(10));
        File.WriteAllBytes(P("src/deep/er/blob.bin"), Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray());
        File.WriteAllText(P("run.sh"), "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(P("run.sh"), (UnixFileMode)Convert.ToInt32("755", 8));
        var before = new[] { ".gitignore", ".env", "src/new.py", "src/deep/er/blob.bin", "run.sh" }.ToDictionary(f => f, f => File.ReadAllBytes(P(f)));

        Assert.Equal("ask", Parse(Bash("git clean -fdx")).Decision);
        Git("clean", "-fdxq");
        Assert.False(Directory.Exists(P("src")));

        var dry = Cli("undo", "--session", "sess-1", "--dry-run");
        Assert.Equal(0, dry.Exit);
        Assert.Contains("would restore", dry.Stdout);
        Assert.False(File.Exists(P("run.sh")));

        var undo = Cli("undo", "1");
        Assert.True(undo.Exit == 0, undo.Stderr);
        foreach (var (f, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(P(f)));
        Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), File.GetUnixFileMode(P("run.sh")));
        Assert.Equal("tracked\n", File.ReadAllText(P("README")));
    }

    [Fact]
    public void A_newer_change_blocks_undo_unless_forced()
    {
        var path = P("notes.txt");
        File.WriteAllText(path, Lines(60));
        var original = File.ReadAllBytes(path);
        Assert.Equal("ask", Parse(Hook("Write", $$"""{"file_path":{{Json(path)}},"content":"stub\n"}""")).Decision);
        File.WriteAllText(path, "stub\n");       // what the Write left
        File.WriteAllText(path, "stub\nmore\n"); // a newer change

        var refused = Cli("undo", "1");
        Assert.Equal(1, refused.Exit);
        Assert.Contains(path, refused.Stderr);
        Assert.Equal("stub\nmore\n", File.ReadAllText(path));

        var forced = Cli("undo", "1", "--force");
        Assert.True(forced.Exit == 0, forced.Stderr);
        Assert.Equal(original, File.ReadAllBytes(path));
    }

    [Fact]
    public void A_capture_over_the_cap_turns_an_allow_into_an_ask_that_says_why()
    {
        File.WriteAllText(P("data.txt"), new string('x', 4096));
        Assert.Equal("", Bash("rm data.txt")); // allowed, and covered by a capture
        var output = Bash("rm data.txt", new SnapshotLimits { MaxEventBytes = 1024 });
        var (decision, reason) = Parse(output);
        Assert.Equal("ask", decision);
        Assert.Contains("undo copy", reason);
        Assert.Contains("cap", reason);

        using var store = _state.Open();
        Assert.Single(store.Snapshots.List(10));
    }

    [Fact]
    public void Ordinary_allows_capture_nothing()
    {
        File.WriteAllText(P("a.txt"), Lines(5));
        Assert.Equal("", Bash("ls -la && git status"));
        Assert.Equal("", Hook("Edit", $$"""{"file_path":{{Json(P("a.txt"))}},"old_string":"line 1 of","new_string":"line one of"}"""));
        Assert.False(File.Exists(_state.DatabasePath));
    }

    [Fact]
    public void The_same_content_captured_twice_is_stored_once()
    {
        File.WriteAllText(P("one.txt"), Lines(80, "same"));
        File.WriteAllText(P("two.txt"), Lines(80, "same"));
        Assert.Equal("ask", Parse(Hook("Write", $$"""{"file_path":{{Json(P("one.txt"))}},"content":""}""")).Decision);
        Assert.Equal("ask", Parse(Hook("Write", $$"""{"file_path":{{Json(P("two.txt"))}},"content":""}""")).Decision);

        using var store = _state.Open();
        Assert.Equal(2, store.Snapshots.List(10).Count);
        var objects = Directory.EnumerateFiles(store.Snapshots.ObjectsDirectory, "*", SearchOption.AllDirectories).ToList();
        Assert.Single(objects);
        Assert.Equal(new FileInfo(P("one.txt")).Length, store.Snapshots.StoredBytes());
    }

    [Fact]
    public void Git_reset_hard_captures_modified_tracked_files()
    {
        File.WriteAllText(P("README"), "tracked\nplus uncommitted work\n");
        Assert.Equal("ask", Parse(Bash("git reset --hard")).Decision);
        Git("reset", "-q", "--hard");
        Assert.Equal("tracked\n", File.ReadAllText(P("README")));
        var undo = Cli("undo", "1");
        Assert.True(undo.Exit == 0, undo.Stderr);
        Assert.Equal("tracked\nplus uncommitted work\n", File.ReadAllText(P("README")));
    }

    [Fact]
    public void After_git_reset_hard_a_newer_change_blocks_undo_unless_forced()
    {
        File.WriteAllText(P("README"), "tracked\nplus uncommitted work\n");
        Assert.Equal("ask", Parse(Bash("git reset --hard")).Decision);
        Git("reset", "-q", "--hard");
        File.WriteAllText(P("README"), "tracked\nwritten after the reset\n");

        var refused = Cli("undo", "1");
        Assert.Equal(1, refused.Exit);
        Assert.Contains(P("README"), refused.Stderr);
        Assert.Equal("tracked\nwritten after the reset\n", File.ReadAllText(P("README")));
        Assert.Equal(0, Cli("undo", "1", "--force").Exit);
        Assert.Equal("tracked\nplus uncommitted work\n", File.ReadAllText(P("README")));
    }

    [Fact]
    public void A_notebook_cell_edit_is_undone_and_a_later_cell_change_blocks_the_undo()
    {
        static string Notebook(params string[] sources) =>
            "{\"cells\": [" + string.Join(", ", sources.Select((s, i) => $"{{\"cell_type\": \"code\", \"id\": \"c{i}\", \"metadata\": {{}}, \"source\": {Json(s)}}}")) + "], \"metadata\": {}, \"nbformat\": 4, \"nbformat_minor\": 5}\n";
        var path = P("analysis.ipynb");
        var cells = Enumerable.Range(0, 3).Select(i => string.Concat(Enumerable.Range(0, i == 1 ? 80 : 5).Select(j => $"result_{i}_{j} = compute({i}, {j})\n"))).ToArray();
        File.WriteAllText(path, Notebook(cells));
        var original = File.ReadAllBytes(path);
        Assert.Equal("ask", Parse(Hook("NotebookEdit", $$"""{"notebook_path":{{Json(path)}},"cell_id":"c1","new_source":"","edit_mode":"delete"}""")).Decision);

        // The tool writes the notebook in its own formatting: the cells are what the undo compares.
        File.WriteAllText(path, Notebook(cells[0], cells[2]).Replace("{\"cells\": [", "{\n \"cells\": [\n  "));
        var undo = Cli("undo", "1");
        Assert.True(undo.Exit == 0, undo.Stderr);
        Assert.Equal(original, File.ReadAllBytes(path));

        Assert.Equal("ask", Parse(Hook("NotebookEdit", $$"""{"notebook_path":{{Json(path)}},"cell_id":"c1","new_source":"","edit_mode":"delete"}""")).Decision);
        File.WriteAllText(path, Notebook(cells[0], "print('a newer cell')\n"));
        Assert.Equal(1, Cli("undo", "2").Exit);
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Captures_older_than_the_retention_are_pruned_by_later_captures()
    {
        string Capture(string name, DateTimeOffset at)
        {
            File.WriteAllText(P(name), Lines(60, name));
            var json = $$"""{"session_id":"s1","cwd":{{Json(_repo)}},"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":{{Json(P(name))}},"content":"x\n"} }""";
            return TestHooks.ClaudeCode(Encoding.UTF8.GetBytes(json), new Engine(), () => new FileSystemWorld(), null,
                new SnapshotStage(new SnapshotLimits { Retention = TimeSpan.FromDays(14) }, new Clock(at)), () => _state.Open());
        }
        var t0 = DateTimeOffset.UtcNow.AddDays(-30);
        Capture("old.txt", t0);
        Capture("recent.txt", t0.AddDays(10));
        using (var store = _state.Open()) Assert.Equal(2, store.Snapshots.List(10).Count);
        Capture("new.txt", t0.AddDays(20)); // the first is now 20 days old
        using var after = _state.Open();
        Assert.Equal(["Write " + P("new.txt"), "Write " + P("recent.txt")], after.Snapshots.List(10).Select(e => e.Entry.Request));
    }

    [Fact]
    public void Prune_older_than_0d_frees_everything_recorded_until_now_and_says_what_it_freed()
    {
        File.WriteAllText(P("gone.txt"), "bye\n");
        Assert.Equal("", Bash("rm gone.txt"));
        var pruned = Cli("history", "prune", "--older-than", "0d");
        Assert.Equal(0, pruned.Exit);
        // The copy belonged to the pruned event and nothing touched it since: no capture can be recording it.
        Assert.Contains("pruned 1 captured event older than 0d (they can no longer be undone) and freed 1 stored file copy (4 bytes)", pruned.Stdout);
        Assert.DoesNotContain("kept", pruned.Stdout);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_state.Path, "snapshots", "objects"), "*", SearchOption.AllDirectories));

        var bad = Cli("history", "prune", "--older-than", "7");
        Assert.NotEqual(0, bad.Exit);
        Assert.Contains("`--older-than` takes an age such as 90s, 30m, 12h, 7d or 2w (0d prunes everything recorded until now), not `7`", bad.Stderr);
    }

    [Fact]
    public void Prune_removes_old_events_and_unreferenced_objects()
    {
        File.WriteAllText(P("gone.txt"), "bye\n");
        Assert.Equal("", Bash("rm gone.txt"));
        var none = Cli("history", "prune", "--older-than", "1d");
        Assert.Equal(0, none.Exit);
        Assert.Contains("pruned 0 captured events older than 1d", none.Stdout);
        _state.Sql("UPDATE snapshot_event SET ts = '2020-01-01T00:00:00.000000Z';");
        var pruned = Cli("history", "prune", "--older-than", "7d");
        Assert.Equal(0, pruned.Exit);
        Assert.Contains("pruned 1 captured event older than 7d (they can no longer be undone)", pruned.Stdout);
        // The copy was written moments ago: a capture may still be recording it, so it stays, and the user is told.
        Assert.Contains("freed 0 stored file copies (0 bytes); 1 copy written in the last 2 minutes is kept", pruned.Stdout);
        using (var store = _state.Open())
        {
            Assert.Empty(store.Snapshots.List(10));
            Assert.Equal(0, store.Snapshots.StoredBytes());
        }
        foreach (var f in Directory.EnumerateFiles(Path.Combine(_state.Path, "snapshots", "objects"), "*", SearchOption.AllDirectories))
            File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddMinutes(-3));
        var later = Cli("history", "prune", "--older-than", "0d");
        Assert.Contains("pruned 0 captured events older than 0d (they can no longer be undone) and freed 1 stored file copy", later.Stdout);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_state.Path, "snapshots", "objects"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Rm_of_a_tree_and_of_a_glob_capture_the_files_but_not_build_output()
    {
        Directory.CreateDirectory(P("lib/node_modules/pkg"));
        File.WriteAllText(P("lib/node_modules/pkg/index.js"), "module.exports = 1;\n");
        File.WriteAllText(P("lib/main.c"), "int main(void) { return 0; }\n");
        File.WriteAllText(P("a.txt"), "a\n");
        File.WriteAllText(P("b.txt"), "b\n");
        File.WriteAllText(P("keep.md"), "k\n");

        Assert.Equal("ask", Parse(Bash("rm -rf lib")).Decision);
        Bash("rm *.txt");

        using var store = _state.Open();
        var events = store.Snapshots.List(10);
        Assert.Equal(2, events.Count);
        Assert.Equal([P("a.txt"), P("b.txt")], store.Snapshots.Files(events[0].Id).Select(f => f.Path));
        Assert.Equal([P("lib/main.c")], store.Snapshots.Files(events[1].Id).Select(f => f.Path));
    }

    [Fact]
    public void Symbolic_links_are_captured_as_links_and_restored_as_links()
    {
        Directory.CreateDirectory(P("conf/shared"));
        File.WriteAllText(P("conf/shared/app.yaml"), "port: 8080\n");
        File.CreateSymbolicLink(P("conf/current.yaml"), "shared/app.yaml");
        File.CreateSymbolicLink(P("conf/latest"), "shared");
        File.CreateSymbolicLink(P("conf/dangling"), "/nowhere/at/all");

        Assert.Equal("ask", Parse(Bash("rm -rf conf")).Decision);
        Directory.Delete(P("conf"), recursive: true);

        var undo = Cli("undo", "1");
        Assert.True(undo.Exit == 0, undo.Stderr);
        Assert.Equal("shared/app.yaml", new FileInfo(P("conf/current.yaml")).LinkTarget);
        Assert.Equal("shared", new FileInfo(P("conf/latest")).LinkTarget);
        Assert.Equal("/nowhere/at/all", new FileInfo(P("conf/dangling")).LinkTarget);
        Assert.Equal("port: 8080\n", File.ReadAllText(P("conf/current.yaml")));
        Assert.Equal("nothing to restore: every file is as it was before the action", Cli("undo", "1").Stdout.Trim());
    }
}
