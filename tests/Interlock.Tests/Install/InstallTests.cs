using System.Diagnostics;
using System.Text.Json.Nodes;
using Interlock.Cli.Install;
using Interlock.Core.Policy;
using Interlock.Tests.Hooks;
using Xunit;

namespace Interlock.Tests.Install;

/// <summary>install / uninstall on temporary home and project directories: existing settings are kept, a second
/// install changes nothing, uninstall restores the file byte for byte.</summary>
public sealed class InstallTests : IDisposable
{
    private readonly string _root = Path.Combine(AppContext.BaseDirectory, "scratch", "interlock-install-" + Guid.NewGuid().ToString("N"));
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public InstallTests()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Path.Combine(Project, ".git"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Home => Path.Combine(_root, "home");

    private string Project => Path.Combine(_root, "project");

    private InstallEnvironment Env(string? binary = null) => new(Home, Project, binary ?? HookProcessTests.Exe, _out, _err, PolicyLayers, null);

    // The policy layers the doctor checks: all inside this test's directory, never the machine's.
    private IReadOnlyList<(PolicyLayer, string)> PolicyLayers =>
    [
        (PolicyLayer.System, Path.Combine(_root, "etc", "policy.yaml")),
        (PolicyLayer.User, Path.Combine(Home, ".config", "interlock", "policy.yaml")),
        (PolicyLayer.Project, Path.Combine(Project, ".interlock", "policy.yaml")),
    ];

    private int Install(string harness, InstallScope? scope = null, string? agent = null, string? binary = null) => InstallCommands.Install(harness, scope, agent, Env(binary));

    private int Uninstall(string harness, InstallScope? scope = null, string? agent = null) => InstallCommands.Uninstall(harness, scope, agent, Env());

    /// <summary>The doctor process reads the policy layers and state the hook would: all inside this test's directories.</summary>
    private Dictionary<string, string> DoctorEnvironment => new()
    {
        ["HOME"] = Home,
        ["INTERLOCK_STATE_DIR"] = Path.Combine(_root, "state"),
        ["INTERLOCK_CONFIG_DIR"] = Path.Combine(_root, "user-config"),
        ["INTERLOCK_SYSTEM_CONFIG_DIR"] = Path.Combine(_root, "system-config"),
    };

    private static string Hook(string harness) => Wrapped(HookProcessTests.Exe, harness);

    private static string Wrapped(string binary, string harness) => HookCommandLine.Build(binary, harness, HookCommandLine.FindTimeout());

    private string Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Claude_code_settings_are_merged_kept_and_restored()
    {
        const string original = """
            {
              // the user's own settings
              "model": "opus",
              "permissions": { "allow": ["Bash(npm test)"] },
              "hooks": {
                "PreToolUse": [ { "matcher": "Bash", "hooks": [ { "type": "command", "command": "/usr/bin/my-linter" } ] } ],
                "Stop": [ { "hooks": [ { "type": "command", "command": "notify-send done" } ] } ]
              },
              "env": { "FOO": "1" }
            }
            """;
        var path = Write("home/.claude/settings.json", original);
        Assert.Equal(0, Install("claude-code"));
        var merged = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(["model", "permissions", "hooks", "env"], merged.Select(p => p.Key));
        Assert.Equal("opus", (string?)merged["model"]);
        var pre = merged["hooks"]!["PreToolUse"]!.AsArray();
        Assert.Equal(2, pre.Count);
        Assert.Equal("/usr/bin/my-linter", (string?)pre[0]!["hooks"]![0]!["command"]);
        Assert.Equal(Hook("claude-code"), (string?)pre[1]!["hooks"]![0]!["command"]);
        Assert.Equal("*", (string?)pre[1]!["matcher"]);
        Assert.NotNull(merged["hooks"]!["Stop"]);
        Assert.Equal(original, File.ReadAllText(path + InstallCommands.BackupSuffix));

        var after = File.ReadAllBytes(path);
        Assert.Equal(0, Install("claude-code"));
        Assert.Equal(after, File.ReadAllBytes(path));
        Assert.Contains("already registered", _out.ToString());

        Assert.Equal(0, Uninstall("claude-code"));
        Assert.Equal(original, File.ReadAllText(path));
        Assert.False(File.Exists(path + InstallCommands.BackupSuffix));
    }

    [Fact]
    public void A_moved_binary_replaces_the_entry_instead_of_adding_one()
    {
        var other = Write("bin2/interlock", "#!/bin/sh\n");
        Assert.Equal(0, Install("gemini"));
        Assert.Equal(0, Install("gemini", binary: other));
        var path = Path.Combine(Home, ".gemini", "settings.json");
        var hooks = JsonNode.Parse(File.ReadAllText(path))!["hooks"]!["BeforeTool"]!.AsArray();
        Assert.Single(hooks);
        Assert.Equal(Wrapped(other, "gemini"), (string?)hooks[0]!["hooks"]![0]!["command"]);
        Assert.Equal(0, Uninstall("gemini"));
        Assert.False(File.Exists(path)); // it held nothing else
    }

    [Fact]
    public void Codex_config_toml_gets_one_block_and_loses_it_again()
    {
        const string original = "# my codex config\nmodel = \"gpt-5\"\n\n[mcp_servers.docs]\ncommand = \"docs-server\"\n";
        var path = Write("home/.codex/config.toml", original);
        Assert.Equal(0, Install("codex"));
        var text = File.ReadAllText(path);
        Assert.StartsWith(original, text);
        Assert.Contains("[[hooks.PreToolUse]]\n\n[[hooks.PreToolUse.hooks]]\ntype = \"command\"\ncommand = " + CodexHarness.TomlString(Hook("codex")) + "\ntimeout = 30\n", text);
        Assert.Equal(0, Install("codex"));
        Assert.Equal(text, File.ReadAllText(path));
        Assert.Equal(0, Uninstall("codex"));
        Assert.Equal(original, File.ReadAllText(path));
    }

    [Fact]
    public void Codex_config_with_inline_hooks_is_left_alone_with_instructions()
    {
        var path = Write("home/.codex/config.toml", "[hooks]\nPreToolUse = []\n");
        Assert.Equal(1, Install("codex"));
        Assert.Contains("defines its hooks inline", _err.ToString());
        Assert.Contains("[[hooks.PreToolUse.hooks]]", _err.ToString());
        Assert.Equal("[hooks]\nPreToolUse = []\n", File.ReadAllText(path));
    }

    [Fact]
    public void Cursor_gets_every_before_event_in_a_new_versioned_file()
    {
        Assert.Equal(0, Install("cursor", InstallScope.Project));
        var path = Path.Combine(Project, ".cursor", "hooks.json");
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal(1, (int)root["version"]!);
        Assert.Equal(["beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "preToolUse"], root["hooks"]!.AsObject().Select(p => p.Key));
        Assert.Equal(Hook("cursor"), (string?)root["hooks"]!["beforeShellExecution"]![0]!["command"]);
        Assert.Equal(0, Uninstall("cursor", InstallScope.Project));
        Assert.False(File.Exists(path));
    }

    /// <summary>Copilot CLI 1.0.102 loads ~/.copilot/hooks/*.json in every folder, but .github/hooks/*.json only in
    /// folders the user trusted: per user is the default, per repository an option. Both files have one format.</summary>
    [Fact]
    public void Copilot_installs_per_user_by_default_and_per_repository_on_request()
    {
        Assert.Equal(0, Install("copilot"));
        var user = Path.Combine(Home, ".copilot", "hooks", "interlock.json");
        Assert.Equal(0, Install("copilot", InstallScope.Project));
        var path = Path.Combine(Project, ".github", "hooks", "interlock.json");
        Assert.Equal(File.ReadAllText(user), File.ReadAllText(path));
        Assert.Equal($$"""
            {
              "version": 1,
              "hooks": {
                "preToolUse": [
                  {
                    "type": "command",
                    "bash": {{System.Text.Json.JsonSerializer.Serialize(Hook("copilot"), new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })}},
                    "timeoutSec": 30
                  }
                ]
              }
            }

            """, File.ReadAllText(path));
        Assert.Equal(0, Uninstall("copilot"));
        Assert.False(File.Exists(user));
        Assert.True(File.Exists(path));

        // $COPILOT_HOME moves the per-user directory.
        var copilotHome = Path.Combine(_root, "copilot-home");
        Assert.Equal(0, InstallCommands.Install("copilot", null, null, Env() with { Variables = n => n == "COPILOT_HOME" ? copilotHome : null }));
        Assert.True(File.Exists(Path.Combine(copilotHome, "hooks", "interlock.json")));
    }

    [Fact]
    public void Kiro_and_amazon_q_register_in_an_agent_configuration()
    {
        const string agent = """{"name":"dev","tools":["read","write","shell"],"allowedTools":["read"]}""";
        var path = Write("home/.kiro/agents/dev.json", agent);
        Assert.Equal(0, Install("kiro", agent: "dev"));
        var root = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.Equal(Hook("kiro"), (string?)root["hooks"]!["preToolUse"]![0]!["command"]);
        Assert.Equal(3, root["tools"]!.AsArray().Count);
        Assert.Equal(0, Uninstall("kiro", agent: "dev"));
        Assert.Equal(agent, File.ReadAllText(path));

        Assert.Equal(0, Install("amazon-q"));
        var created = Path.Combine(Home, ".aws", "amazonq", "cli-agents", "interlock.json");
        var fresh = JsonNode.Parse(File.ReadAllText(created))!;
        Assert.Equal("*", (string?)fresh["tools"]![0]);
        Assert.Contains("--agent interlock", _out.ToString());
        Assert.Equal(0, Uninstall("amazon-q"));
        Assert.False(File.Exists(created));
        Assert.Equal(64, Install("kiro", agent: "../evil"));
    }

    [Fact]
    public void Broken_settings_are_never_overwritten()
    {
        var path = Write("home/.claude/settings.json", "{ not json");
        Assert.Equal(1, Install("claude-code"));
        Assert.Contains("not valid JSON", _err.ToString());
        Assert.Equal("{ not json", File.ReadAllText(path));
        Assert.Equal(1, InstallCommands.Install("claude-code", null, null, Env("relative/interlock")));
        Assert.Contains("absolute path", _err.ToString());
    }

    [Fact]
    public void The_opencode_plugin_stops_a_denied_call_in_a_real_javascript_runtime()
    {
        Assert.Equal(0, Install("opencode"));
        var plugin = Path.Combine(Home, ".config", "opencode", "plugin", "interlock.js");
        Assert.Equal(0, Install("opencode"));
        Assert.Contains("already registered", _out.ToString());
        if (FindOnPath("node") is not { } node) return; // no JavaScript runtime on this machine: the plugin text is still checked above
        var module = Path.Combine(_root, "plugin.mjs");
        File.Copy(plugin, module);
        var driver = Write("driver.mjs", $$"""
            import { InterlockGuard } from "./plugin.mjs";
            const hooks = await InterlockGuard({ directory: "/tmp" });
            const run = async (command) => {
              try { await hooks["tool.execute.before"]({ tool: "bash", sessionID: "s", callID: "c" }, { args: { command } }); return "allowed"; }
              catch (e) { return "stopped: " + e.message; }
            };
            console.log(await run("git status"));
            console.log(await run("rm -rf /"));
            """);
        var psi = new ProcessStartInfo(node, [driver]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["INTERLOCK_STATE_DIR"] = Path.Combine(_root, "state");
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit(30_000);
        Assert.Equal("allowed\nstopped: Interlock blocked this command [fs.delete-root]: `rm -rf /` deletes the whole file system (/) and everything in it. Why this stops: nothing on the machine would survive. Instead: Delete the specific files you mean, by path, inside the project.\n", output);
        Assert.Equal(0, Uninstall("opencode"));
        Assert.False(File.Exists(plugin));
    }

    [Fact]
    public void Interlock_hook_published_beside_interlock_is_what_install_registers_and_doctor_probes()
    {
        var bin = Path.Combine(_root, "bin");
        var interlock = Write("bin/interlock", "#!/bin/sh\n");
        Assert.Equal(interlock, InstallEnvironment.HookBinary(interlock)); // no interlock-hook: interlock itself
        var front = Write("bin/interlock-hook", "#!/bin/sh\n");
        Assert.Equal(front, InstallEnvironment.HookBinary(interlock));
        Assert.True(JsonSettings.IsOurCommand(front + " hook claude-code", "claude-code"));
        Assert.False(JsonSettings.IsOurCommand(Path.Combine(bin, "interlock-hooks") + " hook claude-code", "claude-code"));

        // The real pair, as the test build places it: registered, replaced by a reinstall, probed by the doctor.
        var real = InstallEnvironment.HookBinary(HookProcessTests.Exe);
        Assert.EndsWith("/interlock-hook", real);
        Assert.Equal(0, Install("claude-code")); // names interlock itself, as an install from before interlock-hook did
        var env = DoctorEnvironment;
        var before = HookProcessTests.Interlock("", env, "doctor", "--dir", Project).Stdout;
        Assert.Contains($"note: {real} is the faster hook command (about 1 ms less per call; docs/performance.md); `interlock install claude-code --user` registers it", before);
        Assert.Equal(0, Install("claude-code", binary: real));
        var path = Path.Combine(Home, ".claude", "settings.json");
        var hooks = JsonNode.Parse(File.ReadAllText(path))!["hooks"]!["PreToolUse"]!.AsArray();
        Assert.Single(hooks);
        Assert.Equal(Wrapped(real, "claude-code"), (string?)hooks[0]!["hooks"]![0]!["command"]);
        var (stdout, _, _) = HookProcessTests.Interlock("", env, "doctor", "--dir", Project);
        Assert.Contains(real + " runs and lets a harmless `git status` through in", stdout);
        Assert.DoesNotContain("note:", stdout);
    }

    [Fact]
    public void Doctor_probe_is_not_recorded_as_a_decision()
    {
        Assert.Equal(0, Install("claude-code"));
        var env = DoctorEnvironment;
        string Trail() => HookProcessTests.Interlock("", env, "audit", "export", "--jsonl").Stdout;
        var before = Trail();
        var (stdout, _, exit) = HookProcessTests.Interlock("", env, "doctor", "--dir", Project);
        Assert.Equal(0, exit);
        Assert.Contains("lets a harmless `git status` through in", stdout);
        Assert.Contains("(decided in-process, not recorded)", stdout);
        Assert.Equal(before, Trail());
        // The control: the same harmless event sent by an agent is recorded.
        var ev = $$"""{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"git status"},"cwd":"{{Project}}"}""";
        Assert.Equal(0, HookProcessTests.Interlock(ev, env, "hook", "claude-code").Exit);
        Assert.NotEqual(before, Trail());
    }

    [Fact]
    public void Doctor_names_the_exact_fix_for_a_registered_binary_that_is_gone()
    {
        var gone = Path.Combine(_root, "old-version", "interlock-hook");
        Directory.CreateDirectory(Path.GetDirectoryName(gone)!);
        File.WriteAllText(gone, "");
        Assert.Equal(0, Install("claude-code", binary: gone));
        File.Delete(gone);
        var (stdout, _, exit) = HookProcessTests.Interlock("", DoctorEnvironment, "doctor", "--dir", Project);
        Assert.Equal(1, exit);
        Assert.Contains($"binary:  PROBLEM {gone} does not exist", stdout);
        Assert.Contains($"fix: {HookProcessTests.Exe} install claude-code --user   (registers this installation's {InstallEnvironment.HookBinary(HookProcessTests.Exe)}; the registered one is gone", stdout);
    }

    [Fact]
    public void Doctor_reports_a_hook_registered_without_the_fail_closed_wrapper()
    {
        // What installs before the wrapper wrote: a crash of this command lets Claude Code run the action.
        Write("home/.claude/settings.json", $$$"""{"hooks":{"PreToolUse":[{"matcher":"*","hooks":[{"type":"command","command":"{{{HookProcessTests.Exe}}} hook claude-code"}]}]}}""");
        var (stdout, _, exit) = HookProcessTests.Interlock("", DoctorEnvironment, "doctor", "--dir", Project);
        Assert.Equal(1, exit);
        Assert.Contains("PROBLEM registered without the fail-closed wrapper: if the hook cannot start, crashes or hangs, Claude Code lets the action through", stdout);
        Assert.Contains("fix: interlock install claude-code --user", stdout);
        Assert.Equal(0, Install("claude-code"));
        Assert.DoesNotContain("fail-closed wrapper", HookProcessTests.Interlock("", DoctorEnvironment, "doctor", "--dir", Project).Stdout);
    }

    [Fact]
    public void Doctor_reports_registration_and_a_working_binary_and_says_how_to_fix_problems()
    {
        Directory.CreateDirectory(Path.Combine(Home, ".gemini"));
        Assert.Equal(0, Install("claude-code"));
        var env = DoctorEnvironment;
        var (stdout, _, exit) = HookProcessTests.Interlock("", env, "doctor", "--dir", Project);
        Assert.Equal(1, exit); // gemini is present but not registered
        Assert.Contains("claude-code (Claude Code)\n  hook:    registered in " + Path.Combine(Home, ".claude", "settings.json"), stdout);
        Assert.Contains("runs and lets a harmless `git status` through in", stdout);
        Assert.Contains("gemini (Gemini CLI)\n  hook:    PROBLEM not registered", stdout);
        Assert.Contains("fix: interlock install gemini --user", stdout);
        Assert.DoesNotContain("codex", stdout);

        Assert.Equal(0, Install("gemini"));
        var healthy = HookProcessTests.Interlock("", env, "doctor", "--dir", Project);
        Assert.True(healthy.Exit == 0, $"doctor exit {healthy.Exit}:\n{healthy.Stdout}\n{healthy.Stderr}");

        // An invalid project policy is a problem, with where and how to fix it.
        Directory.CreateDirectory(Path.Combine(Project, ".interlock"));
        File.WriteAllText(Path.Combine(Project, ".interlock", "policy.yaml"), "rules:\n  - id: x\n    verdikt: ask\n");
        var broken = HookProcessTests.Interlock("", env, "doctor", "--dir", Project);
        Assert.Equal(1, broken.Exit);
        Assert.Contains("policy:  PROBLEM " + Path.Combine(Project, ".interlock", "policy.yaml") + ":3:5: ", broken.Stdout);
        Assert.Contains("run `interlock policy validate` in " + Project, broken.Stdout);
    }

    [Fact]
    public void Doctor_reports_a_registered_hook_that_a_setting_switches_off_with_the_file_and_the_fix()
    {
        Assert.Equal(0, Install("claude-code"));
        Assert.Equal(0, Install("gemini"));
        Assert.Equal(0, Install("copilot"));
        Assert.Equal(0, DoctorCommand.Check(Env()));

        var claude = Write("project/.claude/settings.local.json", """{ "disableAllHooks": true }""");
        var gemini = Write("project/.gemini/settings.json", """{ "hooksConfig": { "enabled": false } }""");
        var copilot = Write("project/.github/copilot/settings.json", """{ "disableAllHooks": true }""");
        _out.GetStringBuilder().Clear();
        Assert.Equal(1, DoctorCommand.Check(Env()));
        var text = _out.ToString();
        Assert.Contains($"PROBLEM hook disabled: `disableAllHooks: true` in {claude}, so Claude Code skips every hook (Interlock's included)", text);
        Assert.Contains($"fix: remove `disableAllHooks` from {claude} (or set it to false)", text);
        Assert.Contains($"PROBLEM hook disabled: `hooksConfig.enabled: false` in {gemini}, so Gemini CLI skips", text);
        Assert.Contains($"PROBLEM hook disabled: `disableAllHooks: true` in {copilot}, so GitHub Copilot CLI skips", text);
        Assert.Contains("3 problems found.", text);

        // Gemini's list of disabled hooks naming Interlock's; a setting that leaves hooks on is no problem.
        File.WriteAllText(gemini, """{ "hooksConfig": { "enabled": true, "disabled": ["interlock"] } }""");
        File.WriteAllText(claude, """{ "disableAllHooks": false }""");
        File.Delete(copilot);
        _out.GetStringBuilder().Clear();
        Assert.Equal(1, DoctorCommand.Check(Env()));
        text = _out.ToString();
        Assert.Contains($"PROBLEM hook disabled: `hooksConfig.disabled` lists interlock in {gemini}, so Gemini CLI skips Interlock's hook", text);
        Assert.Contains($"fix: remove interlock from `hooksConfig.disabled` in {gemini}", text);
        Assert.Contains("1 problem found.", text);
    }

    [Fact]
    public void Doctor_checks_the_policy_layers_it_is_given_valid_or_with_the_place_and_the_fix()
    {
        // No policy files: valid, the built-in policy applies.
        Assert.Equal(0, DoctorCommand.Check(Env()));
        Assert.Contains("policy:  valid (no policy files: " + Path.Combine(_root, "etc", "policy.yaml"), _out.ToString());

        // Valid user and project layers: valid, naming the files it read.
        var user = Write("home/.config/interlock/policy.yaml", "overrides:\n  fs.delete-home: { verdict: deny }\n");
        var project = Write("project/.interlock/policy.yaml", "rules:\n  - id: no-drop\n    match: { effect: delete-path }\n    verdict: ask\n");
        _out.GetStringBuilder().Clear();
        Assert.Equal(0, DoctorCommand.Check(Env()));
        Assert.Contains($"policy:  valid ({user}, {project})\n", _out.ToString());

        // An invalid project layer: a problem, at its file, line and column, with the fix.
        File.WriteAllText(project, "rules:\n  - id: x\n    verdikt: ask\n");
        _out.GetStringBuilder().Clear();
        Assert.Equal(1, DoctorCommand.Check(Env()));
        var output = _out.ToString();
        Assert.Contains($"policy:  PROBLEM {project}:3:5: ", output);
        Assert.Contains("the hook stops every action until it is fixed", output);
        Assert.Contains($"fix: edit {project}, then run `interlock policy validate` in {Project}", output);
        Assert.Contains("1 problem found.", output);

        // An invalid user layer is found the same way (the project's is fixed again).
        File.WriteAllText(project, "rules: []\n");
        File.WriteAllText(user, "overrides:\n  fs.delete-home: { verdict: nope }\n");
        _out.GetStringBuilder().Clear();
        Assert.Equal(1, DoctorCommand.Check(Env()));
        Assert.Contains($"policy:  PROBLEM {user}:2:", _out.ToString());
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
