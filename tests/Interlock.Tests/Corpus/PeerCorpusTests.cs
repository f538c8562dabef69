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

    private sealed record Tally(string Name)
    {
        public int DenyRows, DenyStopped, AllowRows, AllowAllowed;
        public override string ToString() =>
            $"{Name}: peer-denied rows stopped {DenyStopped}/{DenyRows} ({100.0 * DenyStopped / Math.Max(1, DenyRows):F1}%), peer-allowed rows allowed {AllowAllowed}/{AllowRows} ({100.0 * AllowAllowed / Math.Max(1, AllowRows):F1}%)";
    }

    [Fact]
    public void Agreement_with_the_peer_corpus()
    {
        var path = CorpusPath();
        if (path is null)
        {
            output.WriteLine("peer corpus not present; nothing to compare");
            return;
        }
        var engine = new Engine();
        var world = new TestWorld();
        var all = new Tally("all rows");
        var gitFs = new Tally("git/filesystem rows");
        var misses = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            var command = r.GetProperty("command").GetString()!;
            var expected = r.GetProperty("expected").GetString();
            var pack = r.TryGetProperty("pack", out var p) ? p.GetString() : r.TryGetProperty("rule_id", out var id) ? id.GetString()!.Split(':')[0] : null;
            var verdict = engine.Evaluate(new ActionRequest("Bash", command, TestWorld.Project), world).Verdict;
            foreach (var t in IsGitOrFs(command, pack) ? new[] { all, gitFs } : [all])
            {
                if (expected == "deny") { t.DenyRows++; if (verdict != Verdict.Allow) t.DenyStopped++; }
                else { t.AllowRows++; if (verdict == Verdict.Allow) t.AllowAllowed++; }
            }
            if (expected == "deny" && verdict == Verdict.Allow) misses.Add($"peer denies, we allow [{pack ?? "-"}]: {command.Replace("\n", "\\n")}");
            if (expected == "allow" && verdict != Verdict.Allow) misses.Add($"peer allows, we {verdict.ToString().ToLowerInvariant()} [{pack ?? "-"}]: {command.Replace("\n", "\\n")}");
        }
        output.WriteLine(all.ToString());
        output.WriteLine(gitFs.ToString());
        foreach (var m in misses) output.WriteLine(m);
        File.WriteAllLines(Path.Combine(AppContext.BaseDirectory, "peer-corpus-disagreements.txt"), [all.ToString(), gitFs.ToString(), .. misses]);
        // Floors measured when each analysis landed, so a regression fails; the reviewed disagreements are in
        // docs/corpus-review.md.
        // 181: `git push --force-with-lease-if-includes` is no git option (git refuses it), so it is allowed since git's
        // options are read as git reads them (issue 18).
        Assert.True(gitFs.DenyStopped >= 181, gitFs.ToString());
        Assert.True(all.DenyStopped >= 779, all.ToString());
        // 1095: since issue 18, commands that print a live credential (vault kv get, aws secretsmanager get-secret-value,
        // doppler secrets get, op read, az storage account keys list) ask, which the peer allows.
        Assert.True(all.AllowAllowed >= 1095, all.ToString());
    }
}
