using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;
using Interlock.Core.Shell;
using Xunit;

namespace Interlock.Tests.Policy;

/// <summary>The parser's verdicts (parse.limit: too long or too deep; parse.error: not shell syntax) go through the policy
/// like any built-in ruling, so any layer can tighten them; none can loosen them to allow, because an agent can make any
/// command unparseable.</summary>
public sealed class PolicyParseRulingTests
{
    private static readonly string TooLong = "echo " + new string('a', ParseLimits.Default.MaxLength + 10) + " && rm -rf ~";
    private const string Unparseable = "echo \"unterminated; rm -rf ~";

    [Fact]
    public void Built_in_the_parser_verdicts_ask_under_their_own_rule_ids()
    {
        var limit = P.Check(CompiledPolicy.Default, TooLong);
        Assert.Equal((Verdict.Ask, "parse.limit"), (limit.Verdict, limit.RuleId));
        Assert.StartsWith("Interlock could not analyse this command: ", limit.Reason);
        Assert.Contains("a human must decide", limit.Reason);
        Assert.True(limit.Reason.Length < 1000, "the reason does not echo the overlong command");
        Assert.Equal("Split the work into smaller, simpler commands.", limit.Alternative);
        var error = P.Check(CompiledPolicy.Default, Unparseable);
        Assert.Equal((Verdict.Ask, "parse.error"), (error.Verdict, error.RuleId));
        Assert.Contains("quoting", error.Alternative);
    }

    [Fact]
    public void A_project_file_can_tighten_them()
    {
        var policy = P.Valid((PolicyLayer.Project, """
            overrides:
              parse.limit: { verdict: deny, message: nothing this long runs here }
              parse.error: { approval: { approvers: 2, group: leads, expiry: 10m } }
            """));
        var limit = P.Check(policy, TooLong);
        Assert.Equal((Verdict.Deny, "parse.limit"), (limit.Verdict, limit.RuleId));
        Assert.Contains("nothing this long runs here", limit.Reason);
        var error = P.Check(policy, Unparseable);
        Assert.Equal((Verdict.Ask, 2, "leads", TimeSpan.FromMinutes(10)), (error.Verdict, error.RequiredApprovals, error.ApproverGroup, error.ApprovalExpiry));
        // explain lists the override that decided.
        Assert.Contains(error.Matches, m => m.RuleId == "parse.error" && m.Won && m.Origin.StartsWith("project.yaml:", StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_on_indeterminate_effects_and_shadow_overrides_apply_to_them()
    {
        var policy = P.Valid((PolicyLayer.User, """
            rules:
              - id: team.no-guessing
                match: { effect: indeterminate, session: ci-* }
                verdict: deny
            overrides:
              parse.error: { verdict: deny, mode: shadow }
            """));
        var ci = P.Evaluate(policy, new ActionRequest("Bash", TooLong, TestWorld.Project) { Session = "ci-7" });
        Assert.Equal((Verdict.Deny, "team.no-guessing"), (ci.Verdict, ci.RuleId));
        var shadowed = P.Check(policy, Unparseable);
        Assert.Equal((Verdict.Ask, "parse.error"), (shadowed.Verdict, shadowed.RuleId));
        Assert.Equal((Verdict.Deny, "parse.error"), (shadowed.ShadowVerdict, shadowed.ShadowRuleId));
    }

    [Theory]
    [InlineData(PolicyLayer.System)]
    [InlineData(PolicyLayer.User)]
    [InlineData(PolicyLayer.Project)]
    public void No_file_can_allow_them(PolicyLayer layer)
    {
        var file = PolicyParser.Parse("overrides:\n  parse.limit: { verdict: allow }\n", "p.yaml", layer);
        var error = Assert.Single(file.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("p.yaml:2:27", error.Location.ToString());
        Assert.Contains("`parse.limit` can only be tightened", error.Message);
        Assert.Contains("an agent can make any command unreadable", error.Message);

        // The compiled policy is the backstop: an allow that reached it anyway does not loosen.
        var set = new PolicySet { Rules = [new PolicyRule("parse.limit", RuleConditions.Any, Verdict.Allow) { Overrides = "parse.limit", Layer = layer }] };
        var decision = P.Check(CompiledPolicy.Compile(set), TooLong);
        Assert.Equal((Verdict.Ask, "parse.limit"), (decision.Verdict, decision.RuleId));
    }
}
