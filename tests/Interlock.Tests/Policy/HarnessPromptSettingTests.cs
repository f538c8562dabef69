using Xunit;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;

namespace Interlock.Tests.Policy;

/// <summary>settings.approvals.harness_prompt: its default, its layering (a project may only tighten) and the route it gives.</summary>
public sealed class HarnessPromptSettingTests
{
    [Fact]
    public void The_default_is_user_mode() => Assert.Equal(HarnessPrompt.UserMode, P.Valid().Settings.HarnessPrompt);

    [Fact]
    public void A_user_file_may_loosen_and_a_project_file_may_only_tighten()
    {
        Assert.Equal(HarnessPrompt.NonProduction, P.Valid((PolicyLayer.User, "settings: { approvals: { harness_prompt: non-production } }")).Settings.HarnessPrompt);
        Assert.Equal(HarnessPrompt.Never, P.Valid((PolicyLayer.Project, "settings: { approvals: { harness_prompt: never } }")).Settings.HarnessPrompt);
        var (policy, diagnostics) = P.Build((PolicyLayer.Project, "settings:\n  approvals:\n    harness_prompt: non-production\n"));
        Assert.Equal(HarnessPrompt.UserMode, policy.Settings.HarnessPrompt);
        var warning = Assert.Single(diagnostics, d => d.Severity == DiagnosticSeverity.Warning);
        Assert.Equal((3, 21), (warning.Location.Line, warning.Location.Column));
        Assert.Contains("`approvals.harness_prompt` can only be made stricter than the inherited user-mode in a project file, so non-production is ignored", warning.Message);
    }

    [Fact]
    public void The_setting_survives_the_policy_cache()
    {
        var set = PolicyMerger.Merge([PolicyParser.Parse("settings: { approvals: { harness_prompt: never } }", "u.yaml", PolicyLayer.User)]).Set;
        Assert.Equal(HarnessPrompt.Never, PolicySetCodec.Decode(PolicySetCodec.Encode(set)).Settings.HarnessPrompt);
    }

    private static Decision Ask(int approvals = 1, TargetEnvironment env = TargetEnvironment.Development) =>
        new(Verdict.Ask, "r", "why", null, [new Effect(EffectKind.DeletePath, "/p/src", PathClass.ProjectSource, true, false, "d", null!) { Environment = env }], [], null) { RequiredApprovals = approvals };

    [Theory]
    [InlineData(HarnessPrompt.UserMode, true, true, true)]
    [InlineData(HarnessPrompt.UserMode, true, false, false)] // with a server or in enforced mode
    [InlineData(HarnessPrompt.NonProduction, true, false, true)]
    [InlineData(HarnessPrompt.Never, true, true, false)]
    [InlineData(HarnessPrompt.NonProduction, false, true, false)] // the harness has no prompt
    public void The_route_follows_the_setting(HarnessPrompt setting, bool canAsk, bool userModeWithoutServer, bool expected) =>
        Assert.Equal(expected, ApprovalRoute.HarnessMayApprove(setting, Ask(), canAsk, userModeWithoutServer));

    [Fact]
    public void Production_never_goes_to_the_harness_prompt()
    {
        Assert.False(ApprovalRoute.HarnessMayApprove(HarnessPrompt.NonProduction, Ask(approvals: 2), true, true));
        Assert.False(ApprovalRoute.HarnessMayApprove(HarnessPrompt.NonProduction, Ask(env: TargetEnvironment.Production), true, true));
    }
}
