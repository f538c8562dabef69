using System.Text.Json;

namespace Interlock.Fuzz;

/// <summary>Seed material from the repository: the commands of the labeled corpus (tests/corpus/*.jsonl).</summary>
public sealed class SeedSources(string repositoryRoot)
{
    /// <summary>Every command of every corpus file, in file order.</summary>
    public IEnumerable<string> CorpusCommands()
    {
        var dir = Path.Combine(repositoryRoot, "tests", "corpus");
        if (!Directory.Exists(dir)) yield break;
        foreach (var file in Directory.GetFiles(dir, "*.jsonl").Order())
            foreach (var line in File.ReadLines(file))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.TryGetProperty("command", out var c) && c.GetString() is { } command)
                    yield return command;
            }
    }

    /// <summary>Every <paramref name="step"/>-th corpus command: enough variety for a seed set, few enough that the
    /// fuzzer's calibration of the seeds takes seconds.</summary>
    public IEnumerable<string> SampledCorpusCommands(int step) => CorpusCommands().Where((_, i) => i % step == 0);

    /// <summary>The YAML examples of docs/policy.md (each ```yaml block).</summary>
    public IEnumerable<string> PolicyExamples() => Interlock.Testing.MarkdownYamlBlocks.Read(Path.Combine(repositoryRoot, "docs", "policy.md"));
}
