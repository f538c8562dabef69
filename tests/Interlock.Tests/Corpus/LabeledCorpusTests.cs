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

    [Theory]
    [InlineData("git-fs.jsonl", 600)]
    public void Every_row_gets_its_labeled_verdict(string file, int minimumRows)
    {
        var rows = Load(file);
        Assert.True(rows.Count >= minimumRows, $"{file} has {rows.Count} rows; expected at least {minimumRows}");
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
