using System.Diagnostics;
using System.Text;
using Interlock.Core.Shell;
using Xunit;

namespace Interlock.Tests.Shell;

/// <summary>Inputs whose parse work grew exponentially (found by fuzzing): every `$((` that is not arithmetic is
/// re-read as `$( (`, and nested ones were tried again on every re-read.</summary>
public sealed class ParserWorkBoundTests
{
    private static (ParseResult Result, long Ms) Timed(string s)
    {
        var clock = Stopwatch.StartNew();
        var r = ShellParser.Parse(s);
        return (r, clock.ElapsedMilliseconds);
    }

    [Fact]
    public void The_fuzzer_input_parses_quickly()
    {
        // 185 bytes that took 1.1 s (UTF-8 decoded the way the fuzz target decodes them).
        var input = Encoding.UTF8.GetString(Convert.FromHexString("6d3e286d6d3c22072428062b22072428282428287f072428062b22072428282428287f1af72428282428291af724286f6975877feb062b2065c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1072428282428287f072428062b22072428282428287f1af72428282428072428282428287f072428062b22072428282428287f1af72428291a65eb2824282829292929292929292929372929292929292929292929292929292929292929292929292929f72428"));
        var (r, ms) = Timed(input);
        Assert.True(ms < 500, $"{ms} ms");
        Assert.False(r.Success);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(40)]
    [InlineData(200)]
    public void Nested_dollar_double_parens_that_are_not_arithmetic_stay_within_the_bound(int levels)
    {
        // Every level's arithmetic reading fails on the unterminated backquote at the bottom.
        var s = "echo " + string.Concat(Enumerable.Repeat("$((", levels)) + "`" + string.Concat(Enumerable.Repeat("))", levels));
        var (r, ms) = Timed(s);
        // Exponential work would need 2^levels re-reads and never finish; polynomial work takes well under a second
        // even on a saturated CI machine (800 ms was seen there), so the bound only has to tell the two apart.
        Assert.True(ms < 10_000, $"{levels} levels took {ms} ms");
        Assert.False(r.Success);
    }

    [Fact]
    public void Ordinary_arithmetic_and_subshell_substitutions_still_parse()
    {
        Assert.True(ShellParser.Parse("echo $((1 + $((2 * 3)))) $( (cd src && ls) )").Success);
        var many = string.Join("; ", Enumerable.Range(0, 100).Select(i => $"x=$(( (i + {i}) ))"));
        Assert.True(ShellParser.Parse(many).Success);
        var subshells = string.Join("; ", Enumerable.Range(0, 100).Select(i => $"x=$((cd d{i}) && ls)"));
        Assert.True(ShellParser.Parse(subshells).Success); // each is a $( ( retry: the budget is per nesting, not per script
    }
}
