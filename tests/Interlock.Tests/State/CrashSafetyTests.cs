using System.Diagnostics;
using System.Text.Json;
using Interlock.State;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>
/// kill -9 in the middle of hook calls, in a loop: the audit chain still verifies, the store still accepts writes,
/// and every snapshot the index knows is complete (all its objects present with the recorded hashes): a capture
/// is either fully recorded or absent, never half-written and trusted.
/// </summary>
public sealed class CrashSafetyTests : IDisposable
{
    private readonly TempStateDir _state = new();
    private readonly string _repo;

    public CrashSafetyTests()
    {
        // Not under /tmp: files in temp are never captured.
        _repo = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), "interlock-crash-tests-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path.Combine(_repo, "src"));
        var random = new Random(7);
        for (var i = 0; i < 12; i++)
        {
            var bytes = new byte[256 * 1024];
            random.NextBytes(bytes);
            File.WriteAllText(Path.Combine(_repo, "src", $"part_{i}.txt"), Convert.ToBase64String(bytes)); // text, different every file
        }
        using var git = Process.Start(new ProcessStartInfo("git", ["init", "-q"]) { WorkingDirectory = _repo })!;
        git.WaitForExit();
    }

    public void Dispose()
    {
        _state.Dispose();
        try { Directory.Delete(_repo, recursive: true); } catch (IOException) { }
    }

    private Process StartHook(string command, int i)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "interlock"), ["hook", "claude-code"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["INTERLOCK_STATE_DIR"] = _state.Path;
        psi.Environment["INTERLOCK_HOOK_TIMEOUT_MS"] = "300000";
        var p = Process.Start(psi)!;
        p.StandardInput.Write($$"""{"session_id":"crash-{{i}}","cwd":{{JsonSerializer.Serialize(_repo, JsonStrings.Default.String)}},"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":{{JsonSerializer.Serialize(command, JsonStrings.Default.String)}} } }""");
        p.StandardInput.Close();
        return p;
    }

    [Fact]
    public async Task Killing_hook_processes_mid_write_leaves_a_verifiable_chain_and_only_complete_snapshots()
    {
        const int rounds = 24;
        var survived = 0;
        for (var i = 0; i < rounds; i++)
        {
            // rm -rf src asks, and asking captures the 3 MiB of files first: a window of store writes to kill into.
            using var p = StartHook(i % 3 == 0 ? "git status" : "rm -rf src", i);
            var stdout = p.StandardOutput.ReadToEndAsync();
            await Task.Delay(40 + 37 * i % 400);
            if (!p.HasExited) p.Kill(); // SIGKILL
            else survived++;
            await p.WaitForExitAsync();
            await stdout;
        }

        using (var store = _state.Open(busyTimeoutMs: 30_000))
        {
            var verification = await AuditVerifier.VerifyAsync(store.Audit);
            Assert.True(verification.Intact, string.Join("; ", verification.Problems));
            var objects = store.Snapshots.ObjectsDirectory;
            foreach (var e in store.Snapshots.List(1000))
            {
                var files = store.Snapshots.Files(e.Id);
                Assert.Equal(e.FileCount, files.Count);
                foreach (var f in files)
                {
                    var path = ObjectStore.PathOf(objects, f.Hash);
                    Assert.True(File.Exists(path), $"snapshot {e.Id} refers to a missing object for {f.Path}");
                    Assert.Equal(f.Hash, ObjectStore.Hash(File.ReadAllBytes(path)));
                }
            }
        }

        // The store is not wedged: a normal call still decides, captures and records.
        using var last = StartHook("rm -rf src", rounds);
        var answer = await last.StandardOutput.ReadToEndAsync();
        await last.WaitForExitAsync();
        Assert.Contains("\"permissionDecision\":\"ask\"", answer);
        Assert.DoesNotContain("could not", answer);
        using var after = _state.Open();
        Assert.True((await AuditVerifier.VerifyAsync(after.Audit)).Intact);
        Assert.Contains(after.Snapshots.List(1000), e => e.Entry.SessionId == $"crash-{rounds}" && e.FileCount == 12);
    }
}
