using Xunit;
using System.Text.RegularExpressions;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;

namespace Interlock.Tests.Policy;

/// <summary>Bad input: every problem is an error at its file, line and column that says what is expected.</summary>
public class PolicyValidationTests
{
    private static PolicyDiagnostic Single(string yaml)
    {
        var errors = P.Errors(yaml);
        Assert.True(errors.Count == 1, string.Join("\n", errors));
        return errors[0];
    }

    [Fact]
    public void Unknown_field_names_its_position_suggests_the_nearest_and_lists_the_expected()
    {
        var e = P.Errors("""
            rules:
              - id: a
                match: { effect: delete-path }
                verdcit: deny
            """)[0];
        Assert.Equal(("p.yaml", 4, 5), (e.Location.File, e.Location.Line, e.Location.Column));
        Assert.Contains("unknown field `verdcit`", e.Message);
        Assert.Contains("did you mean `verdict`?", e.Message);
        Assert.Contains("expected one of: id, description, match, verdict", e.Message);
    }

    [Theory]
    [InlineData("rules:\n\t- id: a\n", 2, 1)]
    [InlineData("rules:\n  - id: a\n    match: { effect: delete-path }\n  \tverdict: deny\n", 4, 3)]
    public void A_tab_in_the_indentation_is_reported_where_it_is(string text, int line, int column)
    {
        var e = Single(text);
        Assert.Equal((line, column), (e.Location.Line, e.Location.Column));
        Assert.Contains("YAML indents with spaces, and this line's indentation has a tab; replace the tab with spaces", e.Message);
    }

    [Fact]
    public void A_reader_failure_never_shows_the_runtimes_message() =>
        Assert.DoesNotContain("Exception", PolicyParser.ReaderFailure);

    [Theory]
    // A tab inside a block scalar is content, not the cause: the unclosed quote two lines on is.
    [InlineData("rules:\n  - id: a\n    description: |\n      \tliteral tab\n    match: { effect: delete-path }\n    verdict: deny\n  - id: \"b\n", 7, 9, "quoted scalar")]
    // A tab after the indentation is fine YAML; the error is the unknown effect, at its own column (a tab counts as one).
    [InlineData("rules:\n  - id: a\n    match: {\teffect: delete-pth }\n    verdict: deny\n", 3, 22, "unknown effect `delete-pth`")]
    [InlineData("settings:\n  budgets:\n    window:\t[1]\n", 3, 13, "window must be a duration")]
    [InlineData("settings: {budgets: {window: 5m},\tfoo: 1}\n", 1, 35, "unknown field `foo`")]
    public void A_tab_that_is_not_the_cause_does_not_move_the_error(string text, int line, int column, string expected)
    {
        var e = Single(text);
        Assert.Equal((line, column), (e.Location.Line, e.Location.Column));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain("tab", e.Message);
    }

    [Theory]
    [InlineData("Arg_InvalidOperationException", true)]
    [InlineData("Argument_AddingDuplicateWithKey, fail_closed", true)]
    [InlineData("Duplicate key fail_closed", false)]
    [InlineData("While scanning a quoted scalar, found unexpected end of stream.", false)]
    public void Runtime_resource_keys_are_recognised_and_never_shown(string message, bool isKey) =>
        Assert.Equal(isKey, PolicyParser.LooksLikeResourceKey(message));

    [Theory]
    [InlineData("settings:\n  approvals:\n    harness_prompt: sometimes\n", 3, 21, "harness_prompt must be never, user-mode or non-production, not the value `sometimes`")]
    [InlineData("settings:\n  approvals:\n    harness_promt: never\n", 3, 5, "did you mean `harness_prompt`?")]
    [InlineData("settings:\n  approvals: never\n", 2, 14, "`approvals` must be a mapping")]
    [InlineData("settings:\n  approvals:\n    harness_prompt: [never]\n", 3, 21, "not a list")]
    public void Approval_settings_are_validated_at_their_position(string text, int line, int column, string expected)
    {
        var e = Single(text);
        Assert.Equal((line, column), (e.Location.Line, e.Location.Column));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Yaml_syntax_errors_have_positions()
    {
        var e = Single("rules:\n  - id: a\n    match: { effect: delete-path\n");
        Assert.Equal(4, e.Location.Line);
        Assert.Contains("not valid YAML", e.Message);
    }

    [Theory]
    [InlineData("rules:\n  - id: a\n    match: { effect: delete-path }\n    verdict: maybe\n", 4, 14, "must be allow, ask or deny")]
    [InlineData("rules:\n  - id: a\n    match: { environment: prodution }\n    verdict: deny\n", 3, 27, "production, staging, development or unknown")]
    [InlineData("overrides:\n  git.claen: { verdict: allow }\n", 2, 3, "did you mean `git.clean`")]
    [InlineData("rules:\n  - id: a\n    match: { effect: delete-path }\n    verdict: ask\n    approval: { approvers: 2, expiry: soon }\n", 5, 39, "duration such as")]
    [InlineData("rules:\n  - id: a\n    match: { effect: delete-path }\n    verdict: ask\n    approval: { approvers: 99 }\n", 5, 28, "between 1 and 10")]
    [InlineData("settings:\n  edit_thresholds: { removed_fraction: 2 }\n", 2, 40, "fraction between 0 and 1")]
    [InlineData("settings:\n  budgets: { window: 0m }\n", 2, 22, "duration")]
    [InlineData("version: 2\n", 1, 10, "version must be 1")]
    [InlineData("rules:\n  - match: { effect: delete-path }\n    verdict: deny\n", 2, 5, "needs an `id`")]
    [InlineData("rules:\n  - id: a\n    verdict: deny\n", 2, 5, "needs `match:`")]
    [InlineData("rules:\n  - id: a\n    match: {}\n    verdict: deny\n", 3, 12, "at least one condition")]
    [InlineData("rules:\n  - id: git.clean\n    match: { effect: delete-path }\n    verdict: deny\n", 2, 5, "built-in rule id")]
    [InlineData("rules:\n  - id: 'has space'\n    match: { effect: delete-path }\n    verdict: deny\n", 2, 9, "may contain only")]
    [InlineData("rules:\n  - id: a\n    match: { amount: lots }\n    verdict: deny\n", 3, 22, "amount must be")]
    [InlineData("commands:\n  - id: c\n    executable: /usr/bin/ourctl\n    verdict: deny\n", 3, 17, "without a directory")]
    [InlineData("commands:\n  - id: c\n    executable: ourctl\n", 2, 5, "needs an `effect:`")]
    [InlineData("tests:\n  - command: ls\n", 2, 5, "needs `expect:`")]
    [InlineData("rules: { id: a }\n", 1, 8, "must be a list")]
    [InlineData("- a\n- b\n", 1, 1, "must be a mapping")]
    [InlineData("a: &x 1\nb: *x\n", 1, 4, "anchors")]
    public void Each_error_points_at_its_position_and_says_what_is_expected(string yaml, int line, int column, string expected)
    {
        var errors = P.Errors(yaml);
        Assert.Contains(errors, e => e.Message.Contains(expected));
        var e = errors.First(e => e.Message.Contains(expected));
        Assert.Equal((line, column), (e.Location.Line, e.Location.Column));
    }

    [Fact]
    public void Duplicate_ids_and_keys_are_errors()
    {
        Assert.Contains(P.Errors("""
            rules:
              - id: a
                match: { effect: delete-path }
                verdict: deny
              - id: a
                match: { effect: move-path }
                verdict: deny
            """), e => e.Message.Contains("used twice") && e.Location.Line == 5);
        Assert.NotEmpty(P.Errors("settings: {}\nsettings: {}\n"));
    }

    [Fact]
    public void Oversized_and_deeply_nested_files_are_refused_without_crashing()
    {
        Assert.Contains(P.Errors(new string('#', PolicyParser.MaxBytes + 1)), e => e.Message.Contains("larger than"));
        var deep = string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100));
        Assert.Contains(P.Errors("rules: " + deep), e => e.Message.Contains("nested"));
    }

    [Fact]
    public void An_empty_file_is_an_empty_policy()
    {
        Assert.Empty(P.Errors(""));
        Assert.Empty(P.Errors("# only comments\n"));
        Assert.Equal(Verdict.Deny, P.Check(P.User(""), "rm -rf ~").Verdict);
    }

    [Fact]
    public void Invalid_policy_files_stop_every_action_with_file_line_and_column()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "policy.yaml");
        File.WriteAllText(path, "rules:\n  - id: a\n    match: { effect: delete-path }\n    verdict: alow\n");
        var loaded = PolicyLoader.Load([(PolicyLayer.User, path)]);
        var d = loaded.InvalidPolicyDecision();
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Equal("policy.invalid", d.RuleId);
        Assert.Contains(path + ":4:14", d.Reason);
        Assert.Contains("interlock policy validate", d.Alternative);
        // A missing file is no policy; an unreadable path (a directory) is an error, never "allow everything".
        Assert.Null(PolicyLoader.Load([(PolicyLayer.User, Path.Combine(dir.Path, "missing.yaml"))]).FirstError);
        Directory.CreateDirectory(Path.Combine(dir.Path, "dir.yaml"));
        Assert.NotNull(PolicyLoader.Load([(PolicyLayer.User, Path.Combine(dir.Path, "dir.yaml"))]).FirstError);
    }

    [Fact]
    public void Starter_policy_is_valid_and_its_tests_pass()
    {
        var file = PolicyParser.Parse(StarterPolicy.Text, "starter.yaml", PolicyLayer.Project);
        Assert.Empty(file.Diagnostics);
        var (set, diagnostics) = PolicyMerger.Merge([file]);
        Assert.Empty(diagnostics);
        var results = PolicyTestRunner.Run(new Engine(CompiledPolicy.Compile(set)), set.Tests, new TestWorld(), TestWorld.Project);
        Assert.NotEmpty(results);
        Assert.All(results, r => Assert.True(r.Passed, r.Describe()));
    }

    [Fact]
    public void Policy_tests_report_failures_with_position_expected_and_actual()
    {
        var file = PolicyParser.Parse("""
            tests:
              - command: rm -rf ~
                expect: allow
              - command: git reset --hard
                expect: ask
                rule: git.clean
              - name: ok
                command: ls
                expect: allow
            """, "t.yaml", PolicyLayer.User);
        var results = PolicyTestRunner.Run(new Engine(), file.Tests, new TestWorld(), TestWorld.Project);
        Assert.Equal([false, false, true], results.Select(r => r.Passed));
        Assert.StartsWith("t.yaml:2:5: FAIL: rm -rf ~: expected allow, got deny (fs.delete-home)", results[0].Describe());
        Assert.Contains("expected ask (git.clean), got ask (git.discard-changes)", results[1].Describe());
    }

    [Fact]
    public void Built_in_rule_ids_match_the_built_in_policy_source()
    {
        var source = File.ReadAllText(Path.Combine(RepoRoot(), "src/Interlock.Core/Policy/BuiltInPolicy.cs"));
        var ids = Regex.Matches(source, "(?:Deny|Ask)\\(\"([a-z.-]+)\"|\"(protected\\.[a-z-]+)\"", RegexOptions.NonBacktracking)
            .Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value).ToHashSet();
        Assert.Subset(BuiltInRuleIds.All.ToHashSet(), ids);
        Assert.All(BuiltInRuleIds.All.Where(i => !i.EndsWith(".production")), id => Assert.Contains(id, ids));
    }

    internal static string RepoRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "Interlock.slnx"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("repository root not found");
    }

    internal sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("interlock-policy-").FullName;
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

public class GlobTests
{
    [Theory]
    [InlineData("db/migrations/**", "db/migrations/001.sql", true)]
    [InlineData("db/migrations/**", "db/migrations/a/b/c", true)]
    [InlineData("db/migrations/**", "db/migrations", true)]
    [InlineData("db/migrations/**", "db/seed.sql", false)]
    [InlineData("**/secrets/*", "a/b/secrets/x", true)]
    [InlineData("**/secrets/*", "secrets/x", true)]
    [InlineData("src/*.py", "src/a.py", true)]
    [InlineData("src/*.py", "src/lib/a.py", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    public void Path_globs(string pattern, string path, bool expected) => Assert.Equal(expected, new Glob(pattern, pathMode: true).IsMatch(path));

    [Theory]
    [InlineData("services/*/db/migrations/**", "services/payments/db", true)]
    [InlineData("services/*/db/migrations/**", "services", true)]
    [InlineData("services/*/db/migrations/**", "", true)]
    [InlineData("services/*/db/migrations/**", "services/payments/src", false)]
    [InlineData("services/*/db/migrations/**", "node_modules", false)]
    [InlineData("db/migrations/**", "src", false)]
    [InlineData("scratch/**", "notes", false)]
    [InlineData("scratch/**", "scratch/a/b", true)]
    public void Could_match_below(string pattern, string path, bool expected) =>
        Assert.Equal(expected, new Glob(pattern, pathMode: true).CouldMatchBelow(path.Split('/', StringSplitOptions.RemoveEmptyEntries)));

    [Theory]
    [InlineData("release/*", "release/1.2", true)]
    [InlineData("prod-*", "prod-eu-1", true)]
    [InlineData("*prod*", "x-prod", true)]
    [InlineData("main", "mainline", false)]
    public void Text_globs(string pattern, string text, bool expected) => Assert.Equal(expected, new Glob(pattern, pathMode: false).IsMatch(text));

    [Fact]
    public void Pathological_patterns_stay_fast()
    {
        var pattern = string.Concat(Enumerable.Repeat("**/a*", 20)) + "/b";
        var path = string.Join('/', Enumerable.Repeat("aaaaaaaaaa", 12));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.False(new Glob(pattern, pathMode: true).IsMatch(path));
        Assert.False(Glob.MatchSegment(new string('*', 50) + "b", new string('a', 5000)));
        Assert.True(watch.ElapsedMilliseconds < 20_000, $"{watch.ElapsedMilliseconds} ms"); // backtracking would take hours; a loaded machine, seconds
    }
}
