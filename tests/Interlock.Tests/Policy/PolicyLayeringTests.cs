using Xunit;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Policy;

namespace Interlock.Tests.Policy;

/// <summary>Layering: built-in &lt; system &lt; user &lt; project, and a project file can only tighten.</summary>
public class PolicyLayeringTests
{
    [Fact]
    public void A_project_file_that_tries_to_allow_rm_rf_home_changes_nothing()
    {
        var (policy, diagnostics) = P.Build((PolicyLayer.Project, """
            settings:
              regenerable_names: { add: [src, "*"] }
              protected_branches: []
              production_names: { remove: [prod] }
              fail_closed: ask
              edit_thresholds: { min_lines: 1000, removed_fraction: 0.99 }
              budgets: { files_deleted: 999999999 }
            overrides:
              fs.delete-home: { verdict: allow }
              git.discard-changes: { verdict: allow }
              data.destroy.production: { approval: 1 }
            """));
        Assert.DoesNotContain(diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.True(diagnostics.Count(d => d.Severity == DiagnosticSeverity.Warning) >= 8, string.Join("\n", diagnostics));
        Assert.All(diagnostics, d => Assert.Contains("can only tighten", d.Message));

        foreach (var command in new[] { "rm -rf ~", "rm -rf /home/dev", "git reset --hard", "rm -rf src", "git push --force origin main",
                     "kubectl --context prod delete ns payments", "psql -h prod-db -c 'DROP TABLE users'" })
        {
            var builtIn = TestWorld.Check(command);
            var layered = P.Check(policy, command);
            Assert.Equal(builtIn.Verdict, layered.Verdict);
            Assert.Equal(builtIn.RuleId, layered.RuleId);
            Assert.Equal(builtIn.RequiredApprovals, layered.RequiredApprovals);
        }
        Assert.Equal(PolicySettings.Default.EditThresholds, policy.Settings.EditThresholds);
        Assert.Equal(Verdict.Deny, policy.Settings.FailClosed);
        Assert.Equal(BudgetSettings.Default.FilesDeleted, policy.Settings.Budgets.FilesDeleted);
    }

    [Fact]
    public void A_project_rule_that_allows_is_an_error_and_a_project_can_add_stops()
    {
        Assert.Contains(P.Errors("""
            rules:
              - id: p.allow
                match: { path: '~' }
                verdict: allow
            """, PolicyLayer.Project), e => e.Message.Contains("cannot allow") && e.Location.Line == 4);
        var policy = P.Valid((PolicyLayer.Project, """
            settings:
              protected_branches: { add: [qa] }
              regenerable_names: { remove: [dist] }
              edit_thresholds: { min_lines: 10 }
            overrides:
              git.force-push-protected: { verdict: deny }
              git.clean: { approval: 2 }
            rules:
              - id: p.sacred
                match: { path: db/** }
                verdict: deny
            """));
        Assert.Equal(Verdict.Deny, P.Check(policy, "git push --force origin main").Verdict);
        Assert.Equal(2, P.Check(policy, "git clean -fd").RequiredApprovals);
        Assert.Equal("git.force-push-protected", P.Check(policy, "git push --force-with-lease origin qa").RuleId);
        Assert.Equal(Verdict.Ask, P.Check(policy, "rm -rf dist").Verdict);
        Assert.Equal(Verdict.Deny, P.Check(policy, "rm db/x.sql").Verdict);
        Assert.Contains("main", policy.Settings.ProtectedBranches); // kept: the project only added
        Assert.Equal(10, policy.Settings.EditThresholds.MinLines);
    }

    [Fact]
    public void Later_trusted_layers_replace_settings_and_origins_say_where_each_came_from()
    {
        var (policy, _) = P.Build(
            (PolicyLayer.System, "settings: { production_names: [prod, live], budgets: { files_deleted: 100 } }"),
            (PolicyLayer.User, "settings:\n  production_names: { add: [blue] }\n  budgets: { files_deleted: 500 }"),
            (PolicyLayer.Project, "settings: { production_names: { add: [green] }, budgets: { files_deleted: 1000 } }"));
        Assert.Equal(["prod", "live", "blue", "green"], policy.Settings.ProductionNames);
        Assert.Equal(500, policy.Settings.Budgets.FilesDeleted); // the project may not raise it
        Assert.Equal("project.yaml:1:31", policy.Source.Origins["production_names"]);
        Assert.Equal("user.yaml:3:29", policy.Source.Origins["budgets.files_deleted"]);
        Assert.Equal("built-in", policy.Source.Origins["protected_paths"]);
    }

    [Fact]
    public void User_overrides_beat_system_overrides_and_the_project_cannot_undo_a_system_stop()
    {
        var policy = P.Valid(
            (PolicyLayer.System, "overrides: { git.stash-drop: { verdict: deny } }"),
            (PolicyLayer.User, "overrides: { git.stash-drop: { verdict: allow } }"),
            (PolicyLayer.Project, "overrides: { git.discard-changes: { verdict: deny } }"));
        Assert.Equal(Verdict.Allow, P.Check(policy, "git stash drop").Verdict);
        Assert.Equal(Verdict.Deny, P.Check(policy, "git reset --hard").Verdict);
        var systemStop = P.Valid(
            (PolicyLayer.System, "rules: [{ id: org.no-clean, match: { effect: delete-untracked-files }, verdict: deny }]"),
            (PolicyLayer.Project, "overrides: { git.clean: { verdict: allow } }"));
        Assert.Equal("org.no-clean", P.Check(systemStop, "git clean -fdx").RuleId);
    }

    [Fact]
    public void Explain_lists_every_match_and_the_winner()
    {
        var policy = P.Valid(
            (PolicyLayer.User, "rules: [{ id: u.ask, match: { effect: delete-path, path: 'src/**' }, verdict: ask }]"),
            (PolicyLayer.Project, "rules: [{ id: p.deny, match: { path: 'src/lib/**' }, verdict: deny }]"));
        var d = P.Check(policy, "rm -rf src/lib");
        Assert.Equal("p.deny", d.RuleId);
        var ids = d.Matches.Select(m => (m.RuleId, m.Won)).ToList();
        Assert.Contains(("fs.delete-source-tree", false), ids);
        Assert.Contains(("u.ask", false), ids);
        Assert.Contains(("p.deny", true), ids);
        Assert.Equal("project.yaml:1:9", d.Matches.Single(m => m.RuleId == "p.deny").Origin);
        Assert.Equal("built-in", d.Matches.Single(m => m.RuleId == "fs.delete-source-tree").Origin);
    }
}
