using System.Text.Json;
using Interlock.Core;
using Xunit;
using Xunit.Abstractions;

namespace Interlock.Tests.Corpus;

/// <summary>
/// The peer corpus in ../shared/corpus/dcg-v0.4.1 (outside test data, read when present). Its labels are the
/// peer's opinion: this test reports agreement and fails only if the git/filesystem rows that the peer denies
/// fall below the floor measured when this test was written, so regressions show.
/// </summary>
public sealed class PeerCorpusTests(ITestOutputHelper output)
{
    private static string? CorpusPath()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null)
        {
            var candidate = Path.Combine(dir, "..", "shared", "corpus", "dcg-v0.4.1", "commands.jsonl");
            if (File.Exists(candidate)) return candidate;
            dir = Path.GetDirectoryName(dir);
        }
        return null;
    }

    private static bool IsGitOrFs(string command, string? pack)
    {
        if (pack is not null) return pack.StartsWith("core.") || pack.StartsWith("system.disk") || pack.StartsWith("filesystem");
        var words = command.Split([' ', '\t', '\n', ';', '&', '|', '(', '\'', '"'], StringSplitOptions.RemoveEmptyEntries);
        return words.Any(w => w is "git" or "rm" or "find" or "shred" or "truncate" or "dd" or "mv" or "rmdir" || w.EndsWith("/rm") || w.EndsWith("/git"));
    }

    [Fact]
    public void Agreement_with_the_peer_corpus_on_git_and_filesystem_rows()
    {
        var path = CorpusPath();
        if (path is null)
        {
            output.WriteLine("peer corpus not present; nothing to compare");
            return;
        }
        var engine = new Engine();
        var world = new TestWorld();
        int denyRows = 0, denyStopped = 0, allowRows = 0, allowAllowed = 0;
        var misses = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var command = r.GetProperty("command").GetString()!;
            var expected = r.GetProperty("expected").GetString();
            var pack = r.TryGetProperty("pack", out var p) ? p.GetString() : r.TryGetProperty("rule_id", out var id) ? id.GetString()!.Split(':')[0] : null;
            if (!IsGitOrFs(command, pack)) continue;
            var verdict = engine.Evaluate(new ActionRequest("Bash", command, TestWorld.Project), world).Verdict;
            if (expected == "deny")
            {
                denyRows++;
                if (verdict != Verdict.Allow) denyStopped++;
                else misses.Add($"peer denies, we allow: {command.Replace("\n", "\\n")}");
            }
            else
            {
                allowRows++;
                if (verdict == Verdict.Allow) allowAllowed++;
                else misses.Add($"peer allows, we {verdict.ToString().ToLowerInvariant()}: {command.Replace("\n", "\\n")}");
            }
        }
        output.WriteLine($"git/fs deny rows stopped: {denyStopped}/{denyRows} ({100.0 * denyStopped / Math.Max(1, denyRows):F1}%)");
        output.WriteLine($"git/fs allow rows allowed: {allowAllowed}/{allowRows} ({100.0 * allowAllowed / Math.Max(1, allowRows):F1}%)");
        foreach (var m in misses) output.WriteLine(m);
        File.WriteAllLines(Path.Combine(AppContext.BaseDirectory, "peer-corpus-disagreements.txt"),
            [$"deny stopped {denyStopped}/{denyRows}; allow allowed {allowAllowed}/{allowRows}", .. misses]);
        Assert.True(denyRows > 0);
        // Floor measured at 161/202 when git/fs analysis landed; most misses are interpreter one-liners, cloud
        // storage and container rows that later analyses cover, or reviewed disagreements (docs/corpus-review.md).
        Assert.True(denyStopped >= 161, $"only {denyStopped}/{denyRows} peer-denied git/fs rows were stopped (floor 161)");
    }
}
