using Xunit;
using Interlock.Core;
using Interlock.Core.Policy;

namespace Interlock.Tests.Policy;

/// <summary>Every match condition, verdict resolution, approvals, overrides and custom command rules.</summary>
public class PolicyRuleTests
{
    private static CompiledPolicy Rule(string match, string verdict = "ask", string extra = "") => P.User($"""
        rules:
          - id: team.rule
            match: {match}
            verdict: {verdict}
            message: the team says so
        {extra}
        """);

    [Fact]
    public void Effect_condition_adds_a_stop_to_an_allowed_effect()
    {
        Assert.Equal(Verdict.Allow, TestWorld.Check("rm -rf node_modules").Verdict);
        var d = P.Check(Rule("{ effect: delete-path, path: node_modules }"), "rm -rf node_modules");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("team.rule", d.RuleId);
        Assert.Contains("Why this stops: the team says so.", d.Reason);
        Assert.Equal(Verdict.Allow, P.Check(Rule("{ effect: move-path }"), "rm -rf node_modules").Verdict);
    }

    [Fact]
    public void Path_relative_to_the_repository_root_matches_from_any_directory_and_ancestors()
    {
        var policy = Rule("{ path: db/migrations/** }", "deny");
        Assert.Equal("team.rule", P.Check(policy, "rm db/migrations/001.sql").RuleId);
        Assert.Equal("team.rule", P.Check(policy, "rm ../db/migrations/001.sql", TestWorld.Project + "/src").RuleId);
        Assert.Equal("team.rule", P.Check(policy, "rm -rf db").RuleId); // deleting an ancestor destroys it too
        Assert.Equal(Verdict.Allow, P.Check(policy, "rm db/seed.sql").Verdict);
        Assert.Equal(Verdict.Allow, P.Check(policy, "cat db/migrations/001.sql").Verdict);
    }

    [Fact]
    public void Path_without_a_slash_matches_a_name_at_any_depth_and_home_and_absolute_paths_are_anchored()
    {
        Assert.Equal(Verdict.Deny, P.Check(Rule("{ path: '*.sql' }", "deny"), "rm src/deep/x.sql").Verdict);
        Assert.Equal(Verdict.Allow, P.Check(Rule("{ path: '*.sql' }", "deny"), "rm src/app.py").Verdict);
        Assert.Equal(Verdict.Deny, P.Check(Rule("{ path: '~/notes/**' }", "deny"), "rm ~/notes/a.txt").Verdict);
        Assert.Equal(Verdict.Deny, P.Check(Rule("{ path: '/srv/data/**' }", "deny"), "rm /srv/data/x/y").Verdict);
        Assert.Equal(Verdict.Ask, P.Check(Rule("{ path: '/srv/data/**' }", "deny"), "rm /srv/other/y").Verdict); // built-in: outside the project
    }

    [Fact]
    public void File_tool_writes_are_effects_when_a_path_rule_may_care()
    {
        var policy = Rule("{ path: db/migrations/** }");
        var write = new ActionRequest("Write", null, TestWorld.Project) { File = new FileAction(FileToolKind.Write, "db/migrations/002.sql") { Content = "ALTER TABLE x;" } };
        var d = P.Evaluate(policy, write);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.WriteFile);
        // Without such a rule, ordinary writes produce no effect at all (as before).
        Assert.DoesNotContain(new Engine().Evaluate(write, new TestWorld()).Effects, e => e.Kind == EffectKind.WriteFile);
    }

    [Fact]
    public void Target_environment_executable_and_recursive_conditions()
    {
        Assert.Equal("team.rule", P.Check(Rule("{ target: 'feature/*' }", "deny"), "git push origin :feature/x").RuleId);
        var prod = Rule("{ executable: kubectl, environment: production }", "deny");
        Assert.Equal(Verdict.Deny, P.Check(prod, "kubectl --context prod-eu delete pod api-1").Verdict);
        Assert.Equal(Verdict.Ask, P.Check(prod, "kubectl --context staging delete pod api-1").Verdict);
        Assert.Equal(Verdict.Ask, P.Check(Rule("{ executable: helm, environment: production }", "deny"), "kubectl --context prod-eu delete pod api-1").Verdict);
        var recursive = Rule("{ effect: delete-path, recursive: true }", "deny");
        Assert.Equal(Verdict.Deny, P.Check(recursive, "rm -rf src/lib").Verdict);
        Assert.Equal(Verdict.Allow, P.Check(recursive, "rm src/app.py").Verdict);
    }

    [Fact]
    public void Tool_agent_and_session_conditions_read_the_request()
    {
        var policy = Rule("{ tool: Bash, agent: codex, session: 'ci-*', effect: delete-path }", "deny");
        ActionRequest Request(string? agent, string? session) => new("Bash", "rm src/app.py", TestWorld.Project) { Agent = agent, Session = session };
        Assert.Equal(Verdict.Deny, P.Evaluate(policy, Request("codex", "ci-42")).Verdict);
        Assert.Equal(Verdict.Allow, P.Evaluate(policy, Request("claude-code", "ci-42")).Verdict);
        Assert.Equal(Verdict.Allow, P.Evaluate(policy, Request("codex", "laptop")).Verdict);
        Assert.Equal(Verdict.Allow, P.Evaluate(policy, Request(null, null)).Verdict);
    }

    [Fact]
    public void Repository_and_branch_conditions_use_the_world_view()
    {
        Assert.Equal(Verdict.Deny, P.Check(Rule("{ repository: project, effect: delete-path }", "deny"), "rm src/app.py").Verdict);
        Assert.Equal(Verdict.Deny, P.Check(Rule("{ repository: '/home/dev/*', effect: delete-path }", "deny"), "rm src/app.py").Verdict);
        Assert.Equal(Verdict.Allow, P.Check(Rule("{ repository: payments, effect: delete-path }", "deny"), "rm src/app.py").Verdict);
        Assert.Equal(Verdict.Deny, P.Check(Rule("{ branch: 'feature/*', effect: delete-path }", "deny"), "rm src/app.py").Verdict);
        Assert.Equal(Verdict.Allow, P.Check(Rule("{ branch: main, effect: delete-path }", "deny"), "rm src/app.py").Verdict);
        Assert.Equal(Verdict.Allow, P.Check(Rule("{ branch: main, effect: delete-path }", "deny"), "rm /tmp/x/y", "/tmp").Verdict); // no repository
    }

    [Fact]
    public void Amount_matches_the_lines_a_file_edit_removes()
    {
        var world = new TestWorld();
        var path = TestWorld.Project + "/src/big.py";
        var old = string.Join('\n', Enumerable.Range(0, 30).Select(i => $"line_{i} = {i}")) + "\n";
        world.Contents[path] = old;
        var edit = new ActionRequest("Edit", null, TestWorld.Project)
        {
            File = new FileAction(FileToolKind.Edit, path) { Edits = [new TextEdit(string.Join('\n', Enumerable.Range(0, 12).Select(i => $"line_{i} = {i}")), "pass")] },
        };
        var many = Rule("{ effect: write-file, amount: '>= 10' }", "ask");
        var few = Rule("{ effect: write-file, amount: { min: 20 } }", "ask");
        var files = new TestWorld(extraFiles: [path]);
        files.Contents[path] = old;
        Assert.Equal(Verdict.Ask, P.Evaluate(many, edit, files).Verdict);
        Assert.Equal(12, P.Evaluate(many, edit, files).Effects.Single(e => e.Kind == EffectKind.WriteFile).Amount);
        Assert.Equal(Verdict.Allow, P.Evaluate(few, edit, files).Verdict);
    }

    [Fact]
    public void Deny_beats_ask_and_among_equal_verdicts_the_more_specific_rule_decides()
    {
        var policy = P.User("""
            rules:
              - id: a.broad
                match: { effect: delete-path }
                verdict: ask
                message: broad
              - id: b.specific
                match: { effect: delete-path, path: src/** }
                verdict: ask
                message: specific
              - id: c.deny
                match: { path: src/lib/** }
                verdict: deny
            """);
        var d = P.Check(policy, "rm -rf src/app.py");
        Assert.Equal("b.specific", d.RuleId);
        Assert.Contains(d.Matches, m => m.RuleId == "a.broad" && !m.Won);
        Assert.Contains(d.Matches, m => m.RuleId == "b.specific" && m.Won);
        Assert.Equal("c.deny", P.Check(policy, "rm src/lib/util.py").RuleId);
    }

    [Fact]
    public void Approval_requirement_group_and_expiry_reach_the_decision()
    {
        var policy = P.User("""
            rules:
              - id: sre.prod-cluster
                match: { effect: delete-cluster-resources, environment: production }
                verdict: ask
                approval: { approvers: 3, group: sre, expiry: 30m }
            """);
        var d = P.Check(policy, "kubectl --context prod delete deploy api");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(3, d.RequiredApprovals);
        Assert.Equal("sre", d.ApproverGroup);
        Assert.Equal(TimeSpan.FromMinutes(30), d.ApprovalExpiry);
        // The built-in two-person rule is not weakened by a rule asking for fewer approvers.
        var one = P.User("""
            rules:
              - id: sre.one
                match: { effect: delete-cluster-resources }
                verdict: ask
                approval: 1
            """);
        Assert.Equal(2, P.Check(one, "kubectl --context prod delete deploy api").RequiredApprovals);
    }

    [Fact]
    public void User_override_loosens_a_built_in_rule_by_id_and_can_require_more_approvers()
    {
        Assert.Equal("git.discard-changes", TestWorld.Check("git reset --hard").RuleId);
        var policy = P.User("""
            overrides:
              git.discard-changes: { verdict: allow }
              infra.destroy.production:
                approval: { approvers: 2, group: platform, expiry: 1h }
            """);
        Assert.Equal(Verdict.Allow, P.Check(policy, "git reset --hard").Verdict);
        var d = P.Check(policy, "terraform -chdir=envs/prod destroy");
        if (d.RuleId == "infra.destroy.production")
        {
            Assert.Equal("platform", d.ApproverGroup);
            Assert.Equal(TimeSpan.FromHours(1), d.ApprovalExpiry);
        }
        var scoped = P.User("""
            overrides:
              fs.delete-outside-project:
                verdict: allow
                match: { path: '~/scratch/**' }
            """);
        Assert.Equal(Verdict.Allow, P.Check(scoped, "rm -rf ~/scratch/old").Verdict);
        Assert.Equal(Verdict.Ask, P.Check(scoped, "rm -rf ~/notes").Verdict);
    }

    [Fact]
    public void Override_without_a_verdict_keeps_the_built_in_verdict()
    {
        var policy = P.User("""
            overrides:
              git.clean:
                message: untracked files here are often generated fixtures; check twice
                approval: { approvers: 2 }
            """);
        var d = P.Check(policy, "git clean -fd");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        Assert.Contains("generated fixtures", d.Reason);
    }

    [Fact]
    public void Protected_paths_setting_denies_every_change_to_them()
    {
        var policy = P.User("settings: { protected_paths: [db/migrations/**, '~/important/**'] }");
        var world = new TestWorld(extraFiles: [TestWorld.Project + "/db/migrations/001.sql"], extraDirs: [TestWorld.Project + "/db", TestWorld.Project + "/db/migrations"]);
        Assert.Equal(CompiledPolicy.ProtectedPathRuleId, P.Check(policy, "sed -i s/a/b/ db/migrations/001.sql", world: world).RuleId);
        Assert.Equal(CompiledPolicy.ProtectedPathRuleId, P.Check(policy, "mv db /tmp/", world: world).RuleId);
        Assert.Equal(CompiledPolicy.ProtectedPathRuleId, P.Check(policy, "rm ~/important/a").RuleId);
        Assert.Equal(Verdict.Allow, P.Check(policy, "sed -i s/a/b/ src/app.py", world: world).Verdict);
    }

    [Fact]
    public void Command_rules_teach_an_unknown_tool()
    {
        var policy = P.User("""
            commands:
              - id: ourctl.wipe
                executable: ourctl
                subcommand: wipe
                args: { none_of: [--dry-run] }
                effect: destroy-data
                target: $1
                environment_from: --env
                description: wipes a tenant's data
              - id: ourctl.scale
                executable: ourctl
                subcommand: [scale, down]
                args: { any_of: [-f, --force] }
                verdict: deny
                message: scaling down with force drops connections
              - id: ourctl.purge
                executable: ourctl
                subcommand: purge
                args: { all_of: [--all, --yes] }
                effect: destroy-data
                amount_from: --older-than-days
            rules:
              - id: team.purge-recent
                match: { effect: destroy-data, executable: ourctl, amount: '< 30' }
                verdict: deny
            """);
        var d = P.Check(policy, "ourctl --env staging wipe tenant-7");
        Assert.Equal(Verdict.Ask, d.Verdict); // destroy-data: the built-in data.destroy rule decides
        Assert.Equal("data.destroy", d.RuleId);
        Assert.Contains("wipes a tenant's data", d.Reason);
        Assert.Equal("tenant-7", d.Effects.Single().Target);
        Assert.Equal("data.destroy.production", P.Check(policy, "ourctl --env prod wipe tenant-7").RuleId);
        Assert.Equal(2, P.Check(policy, "ourctl --env prod wipe tenant-7").RequiredApprovals);
        Assert.Equal(Verdict.Allow, P.Check(policy, "ourctl wipe tenant-7 --dry-run").Verdict);
        Assert.Equal(Verdict.Allow, P.Check(policy, "ourctl list wipe").Verdict);
        Assert.Equal("ourctl.scale", P.Check(policy, "ourctl scale down api -rf").RuleId);
        Assert.Equal(Verdict.Allow, P.Check(policy, "ourctl scale down api").Verdict);
        Assert.Equal(Verdict.Allow, P.Check(policy, "ourctl purge --all").Verdict);
        Assert.Equal("data.destroy", P.Check(policy, "ourctl purge --all --yes --older-than-days 90").RuleId);
        Assert.Equal("team.purge-recent", P.Check(policy, "ourctl purge --all --yes --older-than-days=7").RuleId);
        // Found wherever it runs: through sudo, in a pipeline, in bash -c.
        Assert.Equal("ourctl.scale", P.Check(policy, "true && sudo bash -c 'ourctl scale down api --force'").RuleId);
    }

    [Fact]
    public void Shadow_rules_decide_nothing_but_record_what_they_would_have_done()
    {
        var policy = P.User("""
            rules:
              - id: team.no-force-push
                mode: shadow
                match: { effect: force-push-remote }
                verdict: deny
            """);
        var d = P.Check(policy, "git push --force origin feature/x");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("git.force-push", d.RuleId);
        Assert.Equal(Verdict.Deny, d.ShadowVerdict);
        Assert.Equal("team.no-force-push", d.ShadowRuleId);
        Assert.Contains(d.Matches, m => m.RuleId == "team.no-force-push" && m.Mode == RuleMode.Shadow && m.Won);
        Assert.Null(P.Check(policy, "git push origin feature/x").ShadowVerdict);
    }

    [Fact]
    public void File_wide_shadow_mode_shadows_every_rule_and_override_of_that_file_only()
    {
        var policy = P.Valid(
            (PolicyLayer.System, """
                rules:
                  - id: org.no-db-deletes
                    match: { path: 'db/**' }
                    verdict: deny
                """),
            (PolicyLayer.User, """
                mode: shadow
                rules:
                  - id: me.ask-src
                    match: { path: 'src/**', effect: delete-path }
                    verdict: ask
                overrides:
                  git.discard-changes: { verdict: deny }
                """));
        var d = P.Check(policy, "rm src/app.py");
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Equal(Verdict.Ask, d.ShadowVerdict);
        Assert.Equal("me.ask-src", d.ShadowRuleId);
        var reset = P.Check(policy, "git reset --hard");
        Assert.Equal(Verdict.Ask, reset.Verdict);
        Assert.Equal(Verdict.Deny, reset.ShadowVerdict);
        Assert.Equal(Verdict.Deny, P.Check(policy, "rm db/x.sql").Verdict);
    }

    [Fact]
    public void Settings_become_engine_options()
    {
        var policy = P.User("""
            settings:
              production_names: { add: [blue] }
              regenerable_names: { add: [generated] }
              protected_branches: [trunk-only]
            """);
        Assert.Equal(2, P.Check(policy, "kubectl --context blue delete deploy api").RequiredApprovals);
        Assert.Equal(Verdict.Allow, P.Check(policy, "rm -rf generated").Verdict);
        Assert.Equal(Verdict.Ask, TestWorld.Check("rm -rf generated").Verdict);
        Assert.Equal("git.force-push-protected", P.Check(policy, "git push --force-with-lease origin trunk-only").RuleId);
    }

    [Fact]
    public void Edit_thresholds_are_policy_settings()
    {
        var path = TestWorld.Project + "/src/mid.py";
        var world = new TestWorld(extraFiles: [path]);
        world.Contents[path] = string.Join('\n', Enumerable.Range(0, 20).Select(i => $"value_{i} = compute({i})")) + "\n";
        var edit = new ActionRequest("Write", null, TestWorld.Project) { File = new FileAction(FileToolKind.Write, path) { Content = "print('hello')\n" } };
        Assert.Equal(Verdict.Allow, new Engine().Evaluate(edit, world).Verdict); // 20 lines: under the default 40
        var strict = P.User("settings: { edit_thresholds: { min_lines: 10 } }");
        Assert.Equal("edit.replace-file", P.Evaluate(strict, edit, world).RuleId);
    }

    [Fact]
    public void Fail_closed_posture_decides_internal_errors()
    {
        Assert.Equal(Verdict.Deny, PolicySettings.Default.FailClosed);
        var ask = P.User("settings: { fail_closed: ask }");
        Assert.Equal(Verdict.Ask, ask.Settings.FailClosed);
        var d = new Engine(ask).Evaluate(new ActionRequest("Bash", "ls", "/"), new ThrowingWorld());
        Assert.Equal("internal-error", d.RuleId);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(Verdict.Deny, new Engine(P.User("settings: { budgets: { files_deleted: 10 } }")).Evaluate(new ActionRequest("Bash", "ls", "/"), new ThrowingWorld()).Verdict);
        Assert.NotEmpty(P.Errors("settings: { fail_closed: allow }"));
    }

    [Fact]
    public void Budgets_are_typed_settings_with_defaults_that_do_not_trip_on_normal_work()
    {
        var policy = P.User("settings: { budgets: { window: 2h, files_deleted: 300, lines_removed: 5000, destructive_commands: 20 } }");
        var b = policy.Settings.Budgets;
        Assert.Equal((TimeSpan.FromHours(2), 300, 5000, 20), (b.Window, b.FilesDeleted, b.LinesRemoved, b.DestructiveCommands));
        var breaker = new Interlock.State.Budgets.BudgetLimits();
        Assert.Equal((breaker.Window, breaker.FilesDeleted, breaker.LinesRemoved, breaker.DestructiveCommands),
            (BudgetSettings.Default.Window, BudgetSettings.Default.FilesDeleted, BudgetSettings.Default.LinesRemoved, BudgetSettings.Default.DestructiveCommands));
    }

    private sealed class ThrowingWorld : IWorldView
    {
        public string HomeDirectory => throw new InvalidOperationException("boom");
        public string? GetEnvironmentVariable(string name) => throw new InvalidOperationException("boom");
        public PathKind GetPathKind(string absolutePath) => throw new InvalidOperationException("boom");
        public string? FindRepositoryRoot(string absoluteDirectory) => throw new InvalidOperationException("boom");
        public string? CurrentBranch(string repositoryRoot) => throw new InvalidOperationException("boom");
        public string? ReadTextFile(string absolutePath, int maxBytes) => throw new InvalidOperationException("boom");
    }
}
