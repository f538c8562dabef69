namespace Interlock.Testing;

/// <summary>The ```yaml blocks of a Markdown file (the policy examples of docs/policy.md), for the property tests and
/// the fuzzer's seeds; none when the file is absent.</summary>
internal static class MarkdownYamlBlocks
{
    public static IEnumerable<string> Read(string markdownPath)
    {
        if (!File.Exists(markdownPath)) yield break;
        System.Text.StringBuilder? block = null;
        foreach (var line in File.ReadLines(markdownPath))
        {
            if (block is null) { if (line.Trim() == "```yaml") block = new(); continue; }
            if (line.Trim() == "```") { yield return block.ToString(); block = null; continue; }
            block.Append(line).Append('\n');
        }
    }
}
