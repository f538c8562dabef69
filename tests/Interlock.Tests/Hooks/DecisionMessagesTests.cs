using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Hooks;

public sealed class DecisionMessagesTests
{
    private static Decision D(string reason, string? alternative) => new(Verdict.Ask, "budget.breaker", reason, alternative, [], [], null);

    [Theory]
    [InlineData("every further destructive action in it needs a human", "Interlock needs a human to approve this command [budget.breaker]: every further destructive action in it needs a human. Instead: Stop.")]
    [InlineData("it deletes the tree.", "Interlock needs a human to approve this command [budget.breaker]: it deletes the tree. Instead: Stop.")]
    [InlineData("it runs `rm -rf ~` ", "Interlock needs a human to approve this command [budget.breaker]: it runs `rm -rf ~`. Instead: Stop.")]
    [InlineData("(see the log.)", "Interlock needs a human to approve this command [budget.breaker]: (see the log.) Instead: Stop.")]
    public void A_reason_without_a_closing_stop_does_not_run_into_the_alternative(string reason, string expected) =>
        Assert.Equal(expected, DecisionMessages.Describe(D(reason, "Stop.")));
}

/// <summary>The one joiner, pluraliser and duration reader every message goes through.</summary>
public sealed class MessageFormTests
{
    [Theory]
    [InlineData(new[] { "it needs a human", "Instead: stop" }, "it needs a human. Instead: stop.")]
    [InlineData(new[] { "run `interlock approve 7`.", "Then retry." }, "run `interlock approve 7`. Then retry.")]
    [InlineData(new[] { "approve..", "retry" }, "approve. retry.")]
    [InlineData(new[] { "wait...", "" }, "wait...")]
    [InlineData(new[] { "  ", "x (see below.)", "y?" }, "x (see below.) y?")]
    public void Sentences_never_run_together_nor_double_their_stops(string[] parts, string expected) =>
        Assert.Equal(expected, DecisionMessages.Sentences(parts));

    [Fact]
    public void A_clause_loses_its_stop_but_an_ellipsis_stays()
    {
        Assert.Equal("it deletes the tree", DecisionMessages.Clause("it deletes the tree. "));
        Assert.Equal("so...", DecisionMessages.Clause("so..."));
    }

    [Theory]
    [InlineData(1, "rule", null, "1 rule")]
    [InlineData(0, "rule", null, "0 rules")]
    [InlineData(2, "copy", "copies", "2 copies")]
    [InlineData(1, "copy", "copies", "1 copy")]
    public void Counts_take_the_right_number(long n, string one, string? many, string expected) => Assert.Equal(expected, Plural.Of(n, one, many));

    [Theory]
    [InlineData(1, "1 second")]
    [InlineData(0.2, "1 second")]
    [InlineData(0, "0 seconds")]
    [InlineData(25, "25 seconds")]
    [InlineData(90, "90 seconds")]
    [InlineData(60, "1 minute")]
    [InlineData(330, "6 minutes")]
    [InlineData(3600, "1 hour")]
    [InlineData(86_400, "1 day")]
    [InlineData(30 * 86_400, "30 days")]
    public void Durations_read_naturally(double seconds, string expected) => Assert.Equal(expected, Plural.Duration(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData("0d", 0)]
    [InlineData("90s", 90)]
    [InlineData("1.5h", 5400)]
    [InlineData("2w", 14 * 86_400)]
    public void Durations_parse_one_way(string text, double seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.Parse(text));

    [Theory]
    [InlineData("7")]
    [InlineData("d")]
    [InlineData("-1d")]
    [InlineData("1y")]
    [InlineData(".5h")]
    [InlineData("1e3s")]
    public void Anything_else_is_not_a_duration(string text) => Assert.Null(Durations.Parse(text));
}
