using System.Diagnostics;
using Xunit;

namespace Interlock.Tests.Policy;

/// <summary>The real `interlock` process with policy layers in temp directories ($INTERLOCK_CONFIG_DIR,
/// $INTERLOCK_SYSTEM_CONFIG_DIR, and a project's .interlock/policy.yaml): the hook and check load the layered policy,
/// an invalid file stops everything naming file:line:column, and the audit trail records shadow outcomes.</summary>
public sealed class PolicyHookTests : IDisposable
{
    private readonly PolicyValidationTests.TempDir _dir = new();
    private string User => Path.Combine(_dir.Path, "user");
    private string System => Path.Combine(_dir.Path, "system");
    private string State => Path.Combine(_dir.Path, "state");
    private string Repo => Path.Combine(_dir.Path, "repo");

    public PolicyHookTests()
    {
        foreach (var d in new[] { User, System, State, Path.Combine(Repo, ".git"), Path.Combine(Repo, ".interlock") }) Directory.CreateDirectory(d);
    }

    public void Dispose() => _dir.Dispose();

    private (int Exit, string Stdout, string Stderr) Run(string? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "interlock"), args)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Repo,
        };
        psi.Environment["INTERLOCK_STATE_DIR"] = State;
        psi.Environment["INTERLOCK_CONFIG_DIR"] = User;
        psi.Environment["INTERLOCK_SYSTEM_CONFIG_DIR"] = System;
        psi.Environment["INTERLOCK_HOOK_TIMEOUT_MS"] = "120000";
        using var p = Process.Start(psi)!;
        if (stdin is not null) p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000));
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private string Hook(string command) =>
        Run($$$"""{"session_id":"pol-1","cwd":"{{{Repo}}}","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"{{{command}}}"} }""", "hook", "claude-code").Stdout;

    [Fact]
    public void The_hook_applies_user_rules_and_the_project_cannot_loosen()
    {
        File.WriteAllText(Path.Combine(User, "policy.yaml"), """
            rules:
              - id: team.no-terraform-destroy
                match: { executable: terraform, effect: destroy-infrastructure }
                verdict: deny
                message: infrastructure is destroyed by the pipeline only
            commands:
              - id: ourctl.wipe
                executable: ourctl
                subcommand: wipe
                verdict: ask
                approval: { approvers: 2, group: sre }
            """);
        File.WriteAllText(Path.Combine(Repo, ".interlock", "policy.yaml"), "overrides:\n  fs.delete-home: { verdict: allow }\n");
        Assert.Contains("team.no-terraform-destroy", Hook("terraform destroy"));
        Assert.Contains("\"permissionDecision\":\"deny\"", Hook("terraform destroy"));
        Assert.Contains("ourctl.wipe", Hook("ourctl wipe all"));
        var home = Hook("rm -rf ~");
        Assert.Contains("\"permissionDecision\":\"deny\"", home);
        Assert.Contains("fs.delete-home", home);
        Assert.Equal("", Hook("ls -la"));
    }

    [Fact]
    public void An_invalid_policy_file_stops_every_analysed_action_and_names_the_position()
    {
        File.WriteAllText(Path.Combine(User, "policy.yaml"), "rules:\n  - id: a\n    match: { effect: delete-path }\n    verdict: nope\n");
        var answer = Hook("ls -la");
        Assert.Contains("\"permissionDecision\":\"deny\"", answer);
        Assert.Contains("policy.invalid", answer);
        Assert.Contains(Path.Combine(User, "policy.yaml") + ":4:14", answer);
        var check = Run(null, "check", "ls");
        Assert.Equal(2, check.Exit);
        Assert.Contains("policy.yaml:4:14", check.Stdout);
        var validate = Run(null, "policy", "validate");
        Assert.Equal(1, validate.Exit);
        Assert.Contains("policy.yaml:4:14: error: verdict must be allow, ask or deny, not the value `nope`", validate.Stdout);
    }

    [Fact]
    public void Shadow_outcomes_are_recorded_in_the_audit_trail()
    {
        File.WriteAllText(Path.Combine(System, "policy.yaml"), """
            mode: shadow
            rules:
              - id: org.no-force-push
                match: { effect: force-push-remote }
                verdict: deny
            """);
        var answer = Hook("git push --force origin feature/x");
        Assert.Contains("\"permissionDecision\":\"ask\"", answer); // the shadow rule does not decide
        var audit = Run(null, "audit", "show", "1", "--json");
        Assert.True(audit.Exit == 0, audit.Stderr);
        Assert.Contains("shadow: rule org.no-force-push would have given deny", audit.Stdout);
        Assert.Contains("\"shadowRule\":\"org.no-force-push\",\"shadowVerdict\":\"deny\"", audit.Stdout);
    }

    [Fact]
    public void Policy_commands_and_init_work_on_the_layer_directories()
    {
        var init = Run(null, "init");
        Assert.Equal(0, init.Exit);
        Assert.True(File.Exists(Path.Combine(Repo, ".interlock", "policy.yaml")));
        Assert.Equal(1, Run(null, "init").Exit); // refuses to overwrite
        var test = Run(null, "policy", "test");
        Assert.True(test.Exit == 0, test.Stdout + test.Stderr);
        Assert.Contains("passed, 0 failed", test.Stdout);
        var show = Run(null, "policy", "show");
        Assert.Contains("project.migrations-are-reviewed", show.Stdout);
        Assert.Contains("fail_closed: deny", show.Stdout);
        Assert.Equal(0, Run(null, "policy", "validate").Exit);
    }
}
