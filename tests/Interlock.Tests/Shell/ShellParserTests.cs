using Interlock.Core.Shell;
using Xunit;

namespace Interlock.Tests.Shell;

public sealed class ShellParserTests
{
    private static Script Parse(string s)
    {
        var r = ShellParser.Parse(s);
        Assert.True(r.Success, $"parse failed: {r.Error}");
        return r.Script!;
    }

    private static SimpleCommand Simple(string s) =>
        (SimpleCommand)Parse(s).Items.Single().Body.Pipelines.Single().Commands.Single();

    private static string[] Words(string s) => Simple(s).Words.Select(w => w.StaticText ?? "<dynamic>").ToArray();

    [Theory]
    [InlineData("rm -rf /", new[] { "rm", "-rf", "/" })]
    [InlineData("r''m -rf x", new[] { "rm", "-rf", "x" })]
    [InlineData("\"r\"m x", new[] { "rm", "x" })]
    [InlineData("\\rm x", new[] { "rm", "x" })]
    [InlineData("$'\\x72\\x6d' x", new[] { "rm", "x" })]
    [InlineData("$'a\\nb'", new[] { "a\nb" })]
    [InlineData("echo 'it''s'", new[] { "echo", "its" })]
    [InlineData("echo \"a \\\"b\\\" c\"", new[] { "echo", "a \"b\" c" })]
    [InlineData("rm \\\n -rf x", new[] { "rm", "-rf", "x" })]
    [InlineData("echo a#b # comment", new[] { "echo", "a#b" })]
    [InlineData("ls\t-la", new[] { "ls", "-la" })]
    public void Words_after_quote_removal(string input, string[] expected) => Assert.Equal(expected, Words(input));

    [Fact]
    public void Lists_and_pipelines_keep_their_operators()
    {
        var s = Parse("a && b || c; d & e | f");
        Assert.Equal(3, s.Items.Count);
        Assert.Equal(["&&", "||"], s.Items[0].Body.Operators);
        Assert.True(s.Items[1].Background);
        Assert.Equal(2, s.Items[2].Body.Pipelines[0].Commands.Count);
    }

    [Fact]
    public void Substitutions_are_parsed_as_scripts()
    {
        var cmd = Simple("echo $(rm -rf x) `ls` ${HOME} $HOME $((1+2)) <(cat y)");
        var parts = cmd.Words.SelectMany(w => w.Parts).ToList();
        Assert.Contains(parts, p => p is CommandSubstitutionPart c && c.Body.Items.Count == 1);
        Assert.Equal(2, parts.Count(p => p is CommandSubstitutionPart));
        Assert.Equal(2, parts.Count(p => p is ParameterPart { Name: "HOME" }));
        Assert.Contains(parts, p => p is ArithmeticPart);
        Assert.Contains(parts, p => p is ProcessSubstitutionPart);
    }

    [Fact]
    public void Parameter_operators_keep_their_argument()
    {
        var p = (ParameterPart)Simple("echo ${X:-/tmp/y}").Words[1].Parts[0];
        Assert.Equal("X", p.Name);
        Assert.Equal(":-", p.Operator);
        Assert.Equal("/tmp/y", p.Argument!.StaticText);
    }

    [Fact]
    public void Heredoc_bodies_are_attached_to_their_redirect()
    {
        var s = Parse("cat <<EOF > out.txt\nline $X\nEOF\necho done");
        Assert.Equal(2, s.Items.Count);
        var cat = (SimpleCommand)s.Items[0].Body.Pipelines[0].Commands[0];
        var doc = cat.Redirects.Single(r => r.Kind == RedirectKind.HereDoc).HereDoc!;
        Assert.False(doc.QuotedDelimiter);
        Assert.Contains(doc.Body.Parts, p => p is ParameterPart { Name: "X" });
        Assert.Contains(cat.Redirects, r => r.Kind == RedirectKind.Output && r.Target.StaticText == "out.txt");
    }

    [Fact]
    public void Quoted_heredoc_delimiter_makes_the_body_literal_and_dash_strips_tabs()
    {
        var s = Parse("cat <<-'END'\n\t$(rm -rf /)\n\tEND\n");
        var doc = ((SimpleCommand)s.Items[0].Body.Pipelines[0].Commands[0]).Redirects[0].HereDoc!;
        Assert.True(doc.QuotedDelimiter);
        Assert.Equal("$(rm -rf /)\n", doc.Body.StaticText);
    }

    [Fact]
    public void Here_strings_and_fd_redirections()
    {
        var cmd = Simple("bash <<< 'ls' 2>&1 >>log &>/dev/null");
        Assert.Equal([RedirectKind.HereString, RedirectKind.DuplicateOut, RedirectKind.Append, RedirectKind.OutputBoth], cmd.Redirects.Select(r => r.Kind));
    }

    [Fact]
    public void Compound_commands()
    {
        var s = Parse("if true; then a; elif b; then c; else d; fi; for x in 1 2; do e; done; while f; do g; done; until h; do i; done; case $y in a|b) j;; *) k;; esac; (l); { m; }; f() { n; }; [[ -f x && -d y ]]; (( z++ ))");
        var kinds = s.Items.Select(i => i.Body.Pipelines[0].Commands[0].GetType().Name).ToArray();
        Assert.Equal(["IfCommand", "ForCommand", "LoopCommand", "LoopCommand", "CaseCommand", "SubshellCommand", "BraceGroupCommand", "FunctionDefinition", "TestCommand", "TestCommand"], kinds);
    }

    [Fact]
    public void Assignments_before_commands_and_arrays()
    {
        var cmd = Simple("A=1 B=\"x y\" C=(a b) env");
        Assert.Equal(["A", "B", "C"], cmd.Assignments.Select(a => a.Name));
        Assert.Equal(2, cmd.Assignments[2].ArrayValues!.Count);
        Assert.Equal("env", cmd.Words.Single().StaticText);
    }

    [Fact]
    public void Spans_point_into_the_source()
    {
        const string src = "ls; rm -rf x";
        var s = Parse(src);
        var rm = s.Items[1].Body.Span;
        Assert.Equal("rm -rf x", src.Substring(rm.Start, rm.Length));
    }

    [Theory]
    [InlineData("echo 'unterminated")]
    [InlineData("echo \"unterminated")]
    [InlineData("echo $(ls")]
    [InlineData("if true; then echo")]
    [InlineData("a && && b")]
    [InlineData("( a")]
    [InlineData("echo `ls")]
    [InlineData("case x in")]
    [InlineData("| ls")]
    public void Malformed_input_is_an_error_not_an_exception(string input)
    {
        var r = ShellParser.Parse(input);
        Assert.False(r.Success);
        Assert.False(string.IsNullOrEmpty(r.Error));
    }

    [Fact]
    public void Limits_make_the_result_indeterminate()
    {
        var deep = string.Concat(Enumerable.Repeat("( ", 5000)) + "ls" + new string(')', 5000);
        var r = ShellParser.Parse(deep);
        Assert.False(r.Success);
        Assert.True(r.LimitHit);

        var longLine = "echo " + new string('a', 300_000);
        Assert.True(ShellParser.Parse(longLine).LimitHit);

        var many = string.Join(";", Enumerable.Repeat("ls", 30_000));
        Assert.True(ShellParser.Parse(many).LimitHit);

        var nestedSubst = string.Concat(Enumerable.Repeat("$(", 200)) + "ls" + new string(')', 200);
        Assert.True(ShellParser.Parse("echo " + nestedSubst).LimitHit);
    }

    [Fact]
    public void Nul_bytes_are_rejected()
    {
        var r = ShellParser.Parse("rm\0 -rf /");
        Assert.False(r.Success);
        Assert.Contains("NUL", r.Error);
    }

    [Fact]
    public void Crlf_line_endings_separate_commands()
    {
        var s = Parse("ls\r\nrm -rf x\r\n");
        Assert.Equal(2, s.Items.Count);
        Assert.Equal("x", ((SimpleCommand)s.Items[1].Body.Pipelines[0].Commands[0]).Words[2].StaticText);
    }
}
