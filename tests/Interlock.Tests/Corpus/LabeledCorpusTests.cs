using System.Text.Json;
using Interlock.Core;
using Xunit;
using Xunit.Abstractions;

namespace Interlock.Tests.Corpus;

/// <summary>The project's own labeled corpus (tests/corpus/*.jsonl): every row must get its expected verdict.</summary>
public sealed class LabeledCorpusTests(ITestOutputHelper output)
{
    public sealed record Row(string Command, string Expected, string Category, string Note, string? Cwd, string File, int Line);

    public static IReadOnlyList<Row> Load(string fileName)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "corpus", fileName);
        var rows = new List<Row>();
        var line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            using var doc = JsonDocument.Parse(text);
            var r = doc.RootElement;
            rows.Add(new Row(r.GetProperty("command").GetString()!, r.GetProperty("expected").GetString()!,
                r.TryGetProperty("category", out var c) ? c.GetString()! : "", r.TryGetProperty("note", out var n) ? n.GetString()! : "",
                r.TryGetProperty("cwd", out var cwd) ? cwd.GetString() : null, fileName, line));
        }
        return rows;
    }

    /// <summary>Every labeled corpus file in tests/corpus (one per area: git-fs, clusters, cloud, databases...).
    /// adversarial.jsonl is left out: its rows only have to be stopped (<see cref="AdversarialCorpusTests"/>).</summary>
    public static IEnumerable<string> LabeledFiles() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus"), "*.jsonl").Order()
            .Where(f => Path.GetFileName(f) != AdversarialCorpusTests.FileName);

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var f in LabeledFiles())
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Fact]
    public void The_corpus_is_large_enough()
    {
        var total = LabeledFiles().Sum(f => Load(Path.GetFileName(f)).Count);
        Assert.True(total >= 600, $"the labeled corpus has {total} rows");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_row_gets_its_labeled_verdict(string file)
    {
        var rows = Load(file);
        Assert.NotEmpty(rows);
        var failures = new List<string>();
        foreach (var row in rows)
        {
            var d = TestWorld.Check(row.Command, row.Cwd ?? TestWorld.Project);
            var got = d.Verdict.ToString().ToLowerInvariant();
            if (got != row.Expected)
                failures.Add($"{row.File}:{row.Line} [{row.Category}] expected {row.Expected}, got {got} ({d.RuleId}): {row.Command.Replace("\n", "\\n")}\n    note: {row.Note}\n    reason: {d.Reason}");
        }
        foreach (var f in failures) output.WriteLine(f);
        Assert.True(failures.Count == 0, $"{failures.Count} of {rows.Count} rows disagree:\n" + string.Join('\n', failures.Take(60)));
    }
}
