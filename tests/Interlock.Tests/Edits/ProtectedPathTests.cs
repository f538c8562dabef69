using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Edits;

/// <summary>Protected paths are stopped whether a file tool or the shell reaches them.</summary>
public sealed class ProtectedPathTests
{
    private const string P = TestWorld.Project;
    private const string H = TestWorld.Home;

    /// <summary>Every protected location, with the rule that stops changes to it.</summary>
    public static TheoryData<string, string> Paths() => new()
    {
        { H + "/.config/interlock/policy.toml", "protected.guard-config" },
        { H + "/.local/state/interlock/state.db", "protected.guard-config" },
        { H + "/.local/share/interlock/interlock.dll", "protected.guard-config" },
        { "/etc/interlock/policy.toml", "protected.guard-config" },
        { P + "/.interlock/policy.json", "protected.guard-config" },
        { P + "/.claude/settings.json", "protected.hook-settings" },
        { P + "/.claude/settings.local.json", "protected.hook-settings" },
        { H + "/.claude/settings.json", "protected.hook-settings" },
        { P + "/.codex/config.toml", "protected.hook-settings" },
        { H + "/.codex/config.toml", "protected.hook-settings" },
        { P + "/.gemini/settings.json", "protected.hook-settings" },
        { P + "/.cursor/hooks.json", "protected.hook-settings" },
        { P + "/.github/hooks/guard.json", "protected.hook-settings" },
        { P + "/.amazonq/hooks.json", "protected.hook-settings" },
        { P + "/.kiro/hooks/guard.kiro.hook", "protected.hook-settings" },
        // Files that switch hooks off or register them, whatever their size (issue 16: each was changed unguarded).
        { P + "/.github/copilot/settings.json", "protected.hook-settings" },
        { P + "/.github/copilot/settings.local.json", "protected.hook-settings" },
        { H + "/.copilot/hooks/interlock.json", "protected.hook-settings" },
        { H + "/.copilot/config.json", "protected.hook-settings" },
        { H + "/.config/opencode/plugin/interlock.js", "protected.hook-settings" },
        { P + "/.opencode/plugin/interlock.js", "protected.hook-settings" },
        { H + "/.gemini/settings.json", "protected.hook-settings" },
        { "/etc/gemini-cli/settings.json", "protected.hook-settings" },
        { "/etc/claude-code/managed-settings.json", "protected.hook-settings" },
        { "/etc/codex/requirements.toml", "protected.hook-settings" },
        { H + "/.local/bin/interlock", "protected.guard-binary" },
        { P + "/tools/interlock", "protected.guard-binary" },
        { P + "/.git/config", "protected.git-internals" },
        { P + "/.git/HEAD", "protected.git-internals" },
        { P + "/.git/hooks/pre-commit", "protected.git-internals" },
        { H + "/.ssh/authorized_keys", "protected.authorized-keys" },
        { H + "/.bashrc", "protected.shell-startup" },
        { H + "/.zshrc", "protected.shell-startup" },
        { H + "/.profile", "protected.shell-startup" },
        { H + "/.bash_profile", "protected.shell-startup" },
        { H + "/.zprofile", "protected.shell-startup" },
    };

    private static void Denied(Decision d, string rule, string what)
    {
        Assert.True(d.Verdict == Verdict.Deny, $"{what}: expected deny ({rule}), got {d.Verdict} {d.RuleId}: {d.Reason}");
        Assert.Equal(rule, d.RuleId);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void File_tools_cannot_change_protected_paths(string path, string rule)
    {
        var world = Edit.World((path, "{\n  \"hooks\": {}\n}\n"));
        Denied(Edit.Write(path, "{}", world), rule, "Write " + path);
        Denied(Edit.Replace(path, "\"hooks\": {}", "\"hooks\": null", world), rule, "Edit " + path);
        Denied(Edit.Check(new FileAction(FileToolKind.MultiEdit, path) { Edits = [new TextEdit("{", "[")] }, world), rule, "MultiEdit " + path);
        Denied(Edit.Write(path, "{}", new TestWorld()), rule, "Write (creating) " + path);
        Assert.Equal(Verdict.Allow, Edit.Read(path, world).Verdict);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_shell_cannot_change_protected_paths(string path, string rule)
    {
        string[] commands =
        [
            $"rm -f {path}", $"rm -rf {path}", $"sed -i 's/a/b/' {path}", $"sed -i.bak -e 's/a/b/' {path}", $"perl -pi -e 's/a/b/' {path}",
            $"echo '{{}}' > {path}", $"tee {path} < /tmp/x", $"cat /tmp/x | tee /tmp/log {path}", $"mv /tmp/x {path}", $"cp /tmp/x {path}",
            $"mv {path} /tmp/x", $"truncate -s 0 {path}", $"chmod 777 {path}", $": > {path}", $"ln -sf /tmp/x {path}",
            $"sudo rm {path}", $"bash -c 'rm -f {path}'", $"cd /tmp && rm -f {path}", $"python3 -c \"import os; os.remove('{path}')\"",
        ];
        foreach (var command in commands)
            Denied(TestWorld.Check(command), rule, command);
    }

    [Fact]
    public void Copying_into_an_existing_hook_directory_is_caught()
    {
        var world = new TestWorld(extraDirs: [P + "/.claude"]);
        var d = new Engine().Evaluate(new ActionRequest("Bash", "cp /tmp/evil.json settings.json && cp settings.json .claude/", P), world);
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Equal("protected.hook-settings", d.RuleId);
        Assert.Contains(".claude/settings.json", d.Reason);
    }

    [Theory]
    [InlineData("CODEX_HOME", "/srv/codex-home", "/srv/codex-home/config.toml")]
    [InlineData("COPILOT_HOME", "/srv/copilot", "/srv/copilot/hooks/interlock.json")]
    [InlineData("COPILOT_HOME", "/srv/copilot", "/srv/copilot/settings.json")]
    [InlineData("CLAUDE_CONFIG_DIR", "/srv/claude", "/srv/claude/settings.json")]
    [InlineData("XDG_CONFIG_HOME", "/srv/xdg", "/srv/xdg/opencode/plugin/interlock.js")]
    [InlineData("GEMINI_CLI_SYSTEM_SETTINGS_PATH", "/srv/gemini-system.json", "/srv/gemini-system.json")]
    [InlineData("CODEX_HOME", "/tmp/codex", "/tmp/codex/config.toml")] // configured in temp: still the live one
    public void Hook_settings_where_a_harness_variable_points_are_protected(string variable, string value, string path)
    {
        var world = new TestWorld();
        world.Variables[variable] = value;
        foreach (var command in new[] { $"rm -f {path}", $"echo '{{}}' > {path}", $"sed -i 's/a/b/' {path}" })
        {
            var d = new Engine().Evaluate(new ActionRequest("Bash", command, P), world);
            Denied(d, "protected.hook-settings", command);
        }
        // Without the variable the same path is an ordinary file.
        Assert.NotEqual("protected.hook-settings", TestWorld.Check($"echo '{{}}' > {path}").RuleId);
    }

    [Fact]
    public void A_short_hook_plugin_is_protected_against_overwriting_whatever_its_size()
    {
        var path = P + "/.opencode/plugin/interlock.js";
        var world = Edit.World((path, string.Join("\n", Enumerable.Range(1, 32).Select(i => $"// line {i}")) + "\n"));
        Denied(Edit.Write(path, "// nothing\n", world), "protected.hook-settings", "Write over a 32-line plugin");
        // Other files of the project's OpenCode folder are the project's own.
        Assert.Equal(Verdict.Allow, Edit.Write(P + "/.opencode/agent/review.md", "be brief\n", new TestWorld()).Verdict);
    }

    [Fact]
    public void The_configured_state_directory_is_protected_even_in_temp()
    {
        var world = new TestWorld();
        world.Variables["XDG_STATE_HOME"] = "/tmp/xdg-state";
        var d = new Engine().Evaluate(new ActionRequest("Bash", "rm -rf /tmp/xdg-state/interlock", P), world);
        Assert.Equal("protected.guard-config", d.RuleId);
        Assert.Equal(Verdict.Allow, new Engine().Evaluate(new ActionRequest("Bash", "rm -rf /tmp/xdg-state/other", P), world).Verdict);
    }

    [Fact]
    public void Directories_holding_protected_locations_cannot_be_deleted_or_moved()
    {
        var world = new TestWorld(extraDirs: [H + "/.config", H + "/.config/interlock", H + "/.ssh"], extraFiles: [H + "/.ssh/authorized_keys"]);
        Decision Run(string c) => new Engine().Evaluate(new ActionRequest("Bash", c, P), world);
        Assert.Equal("protected.guard-config", Run("rm -rf ~/.config").RuleId);
        Assert.Equal(Verdict.Deny, Run("mv ~/.config ~/.config.old").Verdict);
        Assert.Equal("protected.authorized-keys", Run("rm -rf ~/.ssh").RuleId);
        Assert.Equal(Verdict.Allow, Run("chmod 700 ~/.ssh").Verdict);
        Assert.Equal(Verdict.Ask, Run("rm -rf ~/.config/Code").Verdict);
        // Without those locations present the old rules apply: deleting a home directory asks.
        Assert.Equal(Verdict.Ask, TestWorld.Check("rm -rf ~/.config").Verdict);
    }

    [Theory]
    [InlineData("echo 'export PATH=$HOME/.local/bin:$PATH' >> ~/.bashrc")]
    [InlineData("echo '*.log' >> .git/info/exclude")]
    [InlineData("rm -f .git/index.lock")]
    [InlineData("rm -f .git/refs/heads/main.lock")]
    [InlineData("cat .claude/settings.json")]
    [InlineData("cp ~/.bashrc /tmp/bashrc.bak")]
    [InlineData("mkdir -p ~/.config/interlock")]
    [InlineData("git config user.name dev")]
    [InlineData("git init && git add -A && git commit -m init")]
    [InlineData("rm -rf /tmp/scratch-repo/.git")]
    [InlineData("echo x > .claude/commands/review.md")]
    [InlineData("sed -i 's/node 18/node 20/' .github/workflows/ci.yml")]
    [InlineData("rm -rf bin/Release/net10.0/linux-x64/publish/interlock")]
    [InlineData("sed -i 's/a/b/' src/app.py")]
    [InlineData("sed -n 's/a/b/p' ~/.bashrc")]
    [InlineData("sed 's/a/b/' .git/config > /tmp/config")]
    [InlineData("perl -ne 'print if /x/' ~/.bashrc")]
    [InlineData("source ~/.bashrc")]
    [InlineData("ls ~/.ssh/authorized_keys")]
    public void Everyday_commands_near_protected_paths_are_allowed(string command)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict == Verdict.Allow, $"{command}: {d.Verdict} {d.RuleId}: {d.Reason}");
    }

    [Fact]
    public void A_source_folder_named_interlock_is_not_the_guard()
    {
        var world = new TestWorld(extraDirs: [P + "/src/interlock"]);
        var d = new Engine().Evaluate(new ActionRequest("Bash", "rm -rf src/interlock", P), world);
        Assert.Equal("fs.delete-source-tree", d.RuleId);
    }

    [Fact]
    public void In_place_edits_of_system_files_are_denied_and_elsewhere_allowed()
    {
        Assert.Equal(Verdict.Deny, TestWorld.Check("sudo sed -i 's/^#Port 22/Port 2222/' /etc/ssh/sshd_config").Verdict);
        Assert.Equal(Verdict.Allow, TestWorld.Check("sed -i '' 's/a/b/' ~/notes/todo.md").Verdict);
        Assert.Equal(Verdict.Allow, TestWorld.Check("perl -i.bak -pe 's/a/b/' docs/guide.md README.md").Verdict);
        var effects = TestWorld.Check("sed -i -e 's/a/b/' -e 's/c/d/' a.txt b.txt").Effects;
        Assert.Equal(2, effects.Count(e => e.Kind == EffectKind.OverwriteFile && e.Detail == "in-place"));
        Assert.Single(TestWorld.Check("sed -i '' 's/a/b/' a.txt").Effects); // BSD: '' is the suffix, the script is next
        Assert.Empty(TestWorld.Check("sed -n '1,5p' a.txt").Effects);
    }

    [Theory]
    [InlineData("interlock breaker reset --session s1")]
    [InlineData("interlock undo 42")]
    [InlineData("interlock undo --session s1")]
    [InlineData("interlock disable")]
    [InlineData("interlock policy set git.clean allow")]
    [InlineData("interlock approve 17")]
    [InlineData("interlock audit prune")]
    [InlineData("sudo interlock disable")]
    [InlineData("bash -c 'interlock breaker reset --session s1'")]
    [InlineData("/home/dev/.local/bin/interlock allow --all")]
    [InlineData("interlock $SUBCOMMAND")]
    [InlineData("interlock history prune --older-than 0m")]
    [InlineData("interlock undo 3")]
    [InlineData("interlock undo --session s1 --force")]
    public void Interlock_commands_that_change_the_guard_are_denied(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Equal("guard.self-change", d.RuleId);
        Assert.Contains("a human must run it", d.Alternative);
    }

    [Theory]
    [InlineData("interlock check 'rm -rf /'")]
    [InlineData("interlock explain 'git reset --hard'")]
    [InlineData("interlock --help")]
    [InlineData("interlock --version")]
    [InlineData("interlock")]
    [InlineData("interlock audit tail")]
    [InlineData("interlock audit show 12")]
    [InlineData("interlock audit export --jsonl")]
    [InlineData("interlock audit verify")]
    [InlineData("interlock history")]
    [InlineData("interlock history -n 5 --session s1")]
    [InlineData("interlock undo --help")]
    [InlineData("echo '{}' | interlock hook claude-code")]
    public void Interlock_commands_that_only_read_are_allowed(string command) =>
        Assert.Equal(Verdict.Allow, TestWorld.Check(command).Verdict);
}
