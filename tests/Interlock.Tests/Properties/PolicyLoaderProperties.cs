using CsCheck;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;
using Xunit;

namespace Interlock.Tests.Properties;

public sealed class PolicyLoaderProperties
{
    private const string Path = "/p/policy.yaml";

    // The file's own vocabulary (every field name the parser knows, effect names, verdicts) and YAML's syntax.
    private static readonly string[] YamlTokens =
    [
        .. PolicyParser.TopLevelFields, .. PolicyParser.SettingFields, .. PolicyParser.RuleFields, .. PolicyParser.MatchFields, .. PolicyParser.CommandFields,
        .. PolicyParser.ApprovalFields, .. PolicyParser.TestFields, .. PolicyParser.ArgsFields, .. PolicyParser.ListOperationFields, .. PolicyParser.EffectNames.Take(12),
        "allow", "ask", "deny", "shadow", "enforce", "1", "2", "0.5", "30m", "-1", "1e999", "~", "null", "true", "**/*.py", "~/.ssh/**", "git.stash-drop", "fs.delete-outside-project",
        ": ", ": ", "\n", "\n", "\n  ", "\n    ", "\n  - ", "- ", "[", "]", "{", "}", ", ", "'", "\"", "#", "---\n", "&a ", "*a", "!!str ", "!tag ", "|\n  ", ">\n  ", "? ", "%YAML 1.2\n", "\t", "\r\n",
    ];

    private static readonly string[] Examples = [StarterPolicy.Text, .. PolicyExamples()];

    private static readonly Gen<string> YamlLike =
        Gen.Frequency((4, Gen.Int[0, YamlTokens.Length - 1].Select(i => YamlTokens[i])), (1, Gen.Char.Select(c => c.ToString())))
            .Array[0, 60].Select(parts => string.Concat(parts));

    private static readonly Gen<string> Example = Gen.Int[0, Examples.Length - 1].Select(i => Examples[i]);

    private static readonly Gen<string> MutatedExample =
        Gen.Select(Example, Example, Gen.Int[0, int.MaxValue].Array[3, 12], Gen.Char["abc :-[]{}'\"#\n\t&*!|>?%é"], Inputs.Mutate);

    private static IEnumerable<string> PolicyExamples() => Interlock.Testing.MarkdownYamlBlocks.Read(System.IO.Path.Combine(AppContext.BaseDirectory, "policy.md"));

    [Fact]
    public void The_documentation_examples_are_among_the_inputs() => Assert.True(Examples.Length >= 4, $"found {Examples.Length - 1} examples in docs/policy.md");

    [Fact]
    public void Loading_never_throws_stays_within_the_time_bound_and_gives_errors_with_positions_or_a_policy_that_decides() =>
        Gen.Select(Gen.Frequency((3, YamlLike), (3, MutatedExample), (1, Example), (1, Gen.String)), Gen.Enum<PolicyLayer>().Where(l => l != PolicyLayer.BuiltIn)).Sample((text, layer) =>
        {
            var file = Inputs.WithinBound("policy parse", text, () => PolicyParser.Parse(text, Path, layer));
            foreach (var d in file.Diagnostics)
            {
                Assert.False(string.IsNullOrWhiteSpace(d.Message), $"a diagnostic without a message for: {text}");
                Assert.Equal(Path, d.Location.File);
                Assert.True(d.Location.Line >= 0 && d.Location.Column >= 0, $"diagnostic at {d.Location} for: {text}");
            }
            if (file.HasErrors) return;
            var (set, diagnostics) = Inputs.WithinBound("policy merge", text, () => PolicyMerger.Merge([file]));
            if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error)) return;
            var engine = new Engine(Inputs.WithinBound("policy compile", text, () => CompiledPolicy.Compile(set)));
            foreach (var command in (string[])["rm -rf ~", "git push --force origin main", "kubectl --context prod delete ns x", "ls"])
            {
                var d = Inputs.WithinBound("engine with the policy", text, () => engine.Evaluate(new ActionRequest("Bash", command, TestWorld.Project), new TestWorld()));
                Assert.True(d.RuleId != "internal-error", $"internal error on `{command}` with the policy {text}: {d.Reason}");
            }
        }, iter: Inputs.Iterations);
}
