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
