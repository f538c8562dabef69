using System.Text.Json;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Interlock.Tests.Policy;

/// <summary>docs/policy.md: every example is valid, its tests pass, and the docs, the schema and the parser agree on names.</summary>
public class PolicyDocumentationTests
{
    private static readonly string Root = PolicyValidationTests.RepoRoot();

    /// <summary>The examples: a YAML fence right after a `&lt;!-- example: NAME layer=LAYER --&gt;` comment.</summary>
    public static TheoryData<string> Examples()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _, _) in Read()) data.Add(name);
        return data;
    }

    private static List<(string Name, PolicyLayer Layer, string Yaml)> Read()
    {
        var text = File.ReadAllText(Path.Combine(Root, "docs/policy.md"));
        var result = new List<(string, PolicyLayer, string)>();
        var at = 0;
        while ((at = text.IndexOf("<!-- example: ", at, StringComparison.Ordinal)) >= 0)
        {
            var end = text.IndexOf("-->", at, StringComparison.Ordinal);
            var header = text[(at + 14)..end].Trim().Split(' ');
            var layer = Enum.Parse<PolicyLayer>(header[1]["layer=".Length..], ignoreCase: true);
            var start = text.IndexOf("```yaml\n", end, StringComparison.Ordinal) + 8;
            var stop = text.IndexOf("\n```", start, StringComparison.Ordinal);
            result.Add((header[0], layer, text[start..stop]));
            at = stop;
        }
        return result;
    }

    [Fact]
    public void There_are_five_examples() =>
        Assert.Equal(["solo-developer", "strict-production", "monorepo", "ci-runner", "custom-tool"], Read().Select(e => e.Name));

    [Theory]
    [MemberData(nameof(Examples))]
    public void Example_is_valid_and_its_tests_pass(string name)
    {
        var (_, layer, yaml) = Read().Single(e => e.Name == name);
        var file = PolicyParser.Parse(yaml, name + ".yaml", layer);
        Assert.True(!file.HasErrors, string.Join("\n", file.Diagnostics));
        var (set, _) = PolicyMerger.Merge([file]);
        Assert.True(set.Tests.Count >= 4, "each example carries its tests");
        var world = new TestWorld(extraFiles: [TestWorld.Project + "/services/payments/db/migrations/0042_add_index.sql"],
            extraDirs: [TestWorld.Project + "/services", TestWorld.Project + "/services/payments", TestWorld.Project + "/services/payments/db",
                TestWorld.Project + "/services/payments/db/migrations", TestWorld.Project + "/libs", TestWorld.Project + "/libs/auth",
                TestWorld.Home + "/scratch", TestWorld.Home + "/scratch/old-experiment", TestWorld.Home + "/notes"]);
        var results = PolicyTestRunner.Run(new Engine(CompiledPolicy.Compile(set)), set.Tests, world, TestWorld.Project);
        Assert.All(results, r => Assert.True(r.Passed, r.Describe()));
    }

    [Fact]
    public void The_schema_names_every_field_the_parser_reads_and_every_effect()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "docs/policy.schema.json")));
        var root = schema.RootElement;
        var defs = root.GetProperty("$defs");
        static HashSet<string> Props(JsonElement e) => e.GetProperty("properties").EnumerateObject().Select(p => p.Name).ToHashSet();
        var settings = root.GetProperty("properties").GetProperty("settings");
        Assert.Equal(PolicyParser.TopLevelFields.ToHashSet(), Props(root));
        Assert.Equal(PolicyParser.SettingFields.ToHashSet(), Props(settings));
        Assert.Equal(PolicyParser.EditThresholdFields.ToHashSet(), Props(settings.GetProperty("properties").GetProperty("edit_thresholds")));
        Assert.Equal(PolicyParser.BudgetFields.ToHashSet(), Props(settings.GetProperty("properties").GetProperty("budgets")));
        Assert.Equal(PolicyParser.RuleFields.ToHashSet(), Props(defs.GetProperty("rule")));
        Assert.Equal(PolicyParser.OverrideFields.ToHashSet(), Props(defs.GetProperty("override")));
        Assert.Equal(PolicyParser.MatchFields.ToHashSet(), Props(defs.GetProperty("match")));
        Assert.Equal(PolicyParser.CommandFields.ToHashSet(), Props(defs.GetProperty("command")));
        Assert.Equal(PolicyParser.ArgsFields.ToHashSet(), Props(defs.GetProperty("command").GetProperty("properties").GetProperty("args")));
        Assert.Equal(PolicyParser.TestFields.ToHashSet(), Props(defs.GetProperty("test")));
        Assert.Equal(PolicyParser.EffectNames.ToHashSet(), defs.GetProperty("effectKind").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!).ToHashSet());
    }

    [Fact]
    public void Every_key_in_the_examples_and_the_starter_policy_is_a_schema_property_and_documented()
    {
        var schemaText = File.ReadAllText(Path.Combine(Root, "docs/policy.schema.json"));
        var doc = File.ReadAllText(Path.Combine(Root, "docs/policy.md"));
        foreach (var yaml in Read().Select(e => e.Yaml).Append(StarterPolicy.Text))
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            foreach (var key in Keys(stream.Documents[0].RootNode, inOverrides: false))
            {
                Assert.Contains($"\"{key}\"", schemaText);
                Assert.True(doc.Contains($"`{key}`") || doc.Contains($".{key}`"), $"docs/policy.md documents `{key}`");
            }
        }
    }

    /// <summary>Mapping keys, except the rule ids that key `overrides`.</summary>
    private static IEnumerable<string> Keys(YamlNode node, bool inOverrides)
    {
        switch (node)
        {
            case YamlMappingNode m:
                foreach (var (k, v) in m.Children)
                {
                    var key = ((YamlScalarNode)k).Value!;
                    if (!inOverrides) yield return key;
                    foreach (var inner in Keys(v, key == "overrides")) yield return inner;
                }
                break;
            case YamlSequenceNode s:
                foreach (var item in s)
                    foreach (var inner in Keys(item, false)) yield return inner;
                break;
        }
    }
}
