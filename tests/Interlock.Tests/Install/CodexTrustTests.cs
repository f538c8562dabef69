using System.Diagnostics;
using System.Text.Json;
using Interlock.Cli.Install;
using Interlock.Core.Policy;
using Interlock.Tests.Hooks;
using Xunit;

namespace Interlock.Tests.Install;

/// <summary>Codex runs a config.toml hook only when its trust entry holds the hash Codex computes for it: the
/// installer records it, keeps it current, removes it, and the doctor checks it.</summary>
public sealed class CodexTrustTests : IDisposable
{
    private readonly string _root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "interlock-tests", "codex-trust-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public CodexTrustTests()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Path.Combine(Project, ".git"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Home => Path.Combine(_root, "home");

    private string Project => Path.Combine(_root, "project");

    private string Config => Path.Combine(Home, ".codex", "config.toml");

    private static string Hook => HookCommandLine.Build(HookProcessTests.Exe, "codex", HookCommandLine.FindTimeout());

    private InstallEnvironment Env(Dictionary<string, string>? variables = null) =>
        new(Home, Project, HookProcessTests.Exe, _out, _err,
            [(PolicyLayer.System, Path.Combine(_root, "etc", "policy.yaml")), (PolicyLayer.User, Path.Combine(_root, "user.yaml")), (PolicyLayer.Project, Path.Combine(_root, "project.yaml"))],
            null, variables is null ? null : n => variables.GetValueOrDefault(n));

    /// <summary>Hashes Codex 0.171 itself reported for these entries (`codex app-server`, hooks/list currentHash).</summary>
    [Theory]
    [InlineData("/usr/local/bin/interlock hook codex", 30, null, null, "sha256:f578e1808b08db3980f60845f8248dfc1982626ecfb236860ea1fd7dbbb1d562")]
    [InlineData("echo a", null, "Bash", null, "sha256:e858b0fa107866bd5702cb2dffd866040cad81f83f76ff7697d1c7fad904b5e5")]
    [InlineData("/x/interlock hook codex", 30, null, "checking", "sha256:9230ae70951431f854cd29b6464016e5f78af10f2d38cf1aafc0807c25a349ef")]
    [InlineData("/opt/My Tools/interlock hook codex --say \"hi\" \\ é\t\u0001 \u007f /d 日本", 0, "^(Bash|apply_patch)$", null, "sha256:f1f4cde9ca73a1621ae74157e06c662804046a4ac05a7af62daca442aefd14e7")]
    public void The_hash_is_the_one_codex_computes(string command, int? timeout, string? matcher, string? status, string expected) =>
        Assert.Equal(expected, CodexTrust.Hash(command, timeout, matcher, status));

    [Fact]
    public void The_key_names_the_file_the_event_and_the_entrys_position() =>
        Assert.Equal("/home/u/.codex/config.toml:pre_tool_use:2:0", CodexTrust.Key("/home/u/.codex/config.toml", 2));

    [Fact]
    public void Install_records_the_trust_entry_for_the_hook_it_writes()
    {
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env()));
        var text = File.ReadAllText(Config);
        Assert.Contains($"""

            [[hooks.PreToolUse.hooks]]
            type = "command"
            command = {CodexHarness.TomlString(Hook)}
            timeout = 30

            # Codex runs the hook above only while this hash of it is recorded; `interlock install codex` keeps it current.
            [hooks.state."{Config}:pre_tool_use:0:0"]
            trusted_hash = "{CodexTrust.Hash(Hook, 30)}"
            # <<< interlock hook

            """, text);
        Assert.Empty(Problems());

        Assert.Equal(0, InstallCommands.Uninstall("codex", null, null, Env()));
        Assert.False(File.Exists(Config)); // it held nothing else: the trust entry went with the hook
    }

    [Fact]
    public void The_entrys_position_counts_the_groups_before_it_and_a_reinstall_follows_a_move()
    {
        const string mine = "model = \"gpt-5\"\n\n[[hooks.PreToolUse]]\nmatcher = \"Bash\"\n[[hooks.PreToolUse.hooks]]\ntype = \"command\"\ncommand = \"my-linter\"\n";
        File.WriteAllText(Directory.CreateDirectory(Path.GetDirectoryName(Config)!).FullName + "/config.toml", mine);
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env()));
        Assert.Contains($"[hooks.state.\"{Config}:pre_tool_use:1:0\"]", File.ReadAllText(Config));
        Assert.Empty(Problems());

        // The user adds a group before Interlock's: the entry moved to index 2, so its old trust no longer applies.
        var text = File.ReadAllText(Config);
        File.WriteAllText(Config, text.Replace("model = \"gpt-5\"\n", "model = \"gpt-5\"\n\n[[hooks.PreToolUse]]\n[[hooks.PreToolUse.hooks]]\ntype = \"command\"\ncommand = \"other\"\n"));
        var problem = Assert.Single(Problems());
        Assert.Equal($"hook not trusted: Codex skips it (no [hooks.state.\"{Config}:pre_tool_use:2:0\"] trust entry in {Config})", problem.Summary);
        Assert.StartsWith("interlock install codex --user", problem.Fix);
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env()));
        Assert.Contains($"[hooks.state.\"{Config}:pre_tool_use:2:0\"]", File.ReadAllText(Config));
        Assert.DoesNotContain(":pre_tool_use:1:0", File.ReadAllText(Config));
        Assert.Empty(Problems());
    }

    [Fact]
    public void An_edited_entry_or_a_disabled_one_is_reported_with_the_fix()
    {
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env()));
        var installed = File.ReadAllText(Config);
        File.WriteAllText(Config, installed.Replace("timeout = 30", "timeout = 5"));
        var problem = Assert.Single(Problems());
        Assert.StartsWith($"hook not trusted: Codex skips it (the trusted_hash recorded in {Config} is {CodexTrust.Hash(Hook, 30)}, but Codex computes {CodexTrust.Hash(Hook, 5)}", problem.Summary);

        // Codex's /hooks writes `enabled = false` into the existing table (toml_edit keeps it in place).
        File.WriteAllText(Config, installed.Replace("trusted_hash = ", "enabled = false\ntrusted_hash = "));
        Assert.StartsWith("hook disabled: `enabled = false` under [hooks.state.", Assert.Single(Problems()).Summary);
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env()));
        Assert.Equal(installed, File.ReadAllText(Config));
    }

    [Fact]
    public void An_install_from_before_trust_entries_is_not_trusted_and_a_reinstall_fixes_it()
    {
        // The block an earlier `interlock install codex` wrote: the hook without its trust entry.
        Directory.CreateDirectory(Path.GetDirectoryName(Config)!);
        File.WriteAllText(Config, $"# >>> interlock hook (managed by `interlock install codex`; remove with `interlock uninstall codex`)\n[[hooks.PreToolUse]]\n\n[[hooks.PreToolUse.hooks]]\ntype = \"command\"\ncommand = \"{Hook}\"\ntimeout = 30\n# <<< interlock hook\n");
        Assert.StartsWith("hook not trusted: Codex skips it (no [hooks.state.", Assert.Single(Problems()).Summary);
        var doctor = HookProcessTests.Interlock("", new Dictionary<string, string> { ["HOME"] = Home, ["INTERLOCK_STATE_DIR"] = Path.Combine(_root, "state"), ["INTERLOCK_CONFIG_DIR"] = Path.Combine(_root, "cfg"), ["INTERLOCK_SYSTEM_CONFIG_DIR"] = Path.Combine(_root, "sys") }, "doctor", "--dir", Project);
        Assert.Equal(1, doctor.Exit);
        Assert.Contains("  hook:    PROBLEM hook not trusted: Codex skips it", doctor.Stdout);
        Assert.Contains("fix: interlock install codex --user", doctor.Stdout);
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env()));
        Assert.Empty(Problems());
    }

    [Fact]
    public void A_state_table_codex_wrote_for_the_entry_elsewhere_is_replaced_not_duplicated()
    {
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env()));
        var installed = File.ReadAllText(Config);
        // Codex's /hooks, trusting an entry whose table it did not find, appends one at the end.
        var key = $"{Config}:pre_tool_use:0:0";
        File.WriteAllText(Config, installed.Replace($"[hooks.state.\"{key}\"]\ntrusted_hash = \"{CodexTrust.Hash(Hook, 30)}\"\n", "") + $"\n[hooks.state.\"{key}\"]\ntrusted_hash = \"sha256:old\"\n\n[tui]\ntheme = \"dark\"\n");
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env()));
        var text = File.ReadAllText(Config);
        Assert.Single(TomlLines.Headers(text), h => h.Is("hooks", "state", key));
        Assert.DoesNotContain("sha256:old", text);
        Assert.Contains("[tui]\ntheme = \"dark\"\n", text);
        Assert.Empty(Problems());

        // A form a line edit cannot take apart is left to the user, with the reason.
        File.WriteAllText(Config, $"[hooks]\nstate = {{ \"{key}\" = {{ enabled = false }} }}\n");
        Assert.Equal(1, InstallCommands.Install("codex", null, null, Env()));
        Assert.Contains("remove that entry by hand", _err.ToString());
    }

    [Fact]
    public void Codex_home_is_where_the_user_config_is_with_its_links_resolved()
    {
        var real = Directory.CreateDirectory(Path.Combine(_root, "real-codex")).FullName;
        var link = Path.Combine(_root, "codex-link");
        File.CreateSymbolicLink(link, real);
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env(new() { ["CODEX_HOME"] = link })));
        var config = Path.Combine(real, "config.toml");
        Assert.Contains($"[hooks.state.\"{config}:pre_tool_use:0:0\"]", File.ReadAllText(config));
        Assert.False(File.Exists(Config));
        Assert.Equal(1, InstallCommands.Install("codex", null, null, Env(new() { ["CODEX_HOME"] = Path.Combine(_root, "missing") })));
        Assert.Contains("CODEX_HOME is", _err.ToString());
    }

    [Fact]
    public void Table_headers_are_read_as_toml_reads_them()
    {
        var text = "a = 1\n[[ hooks . \"PreToolUse\" ]] # first\n[hooks.state.'lit:key']\ns = \"\"\"\n[[hooks.PreToolUse]]\n\"\"\"\n[[hooks.PreToolUse]]\n[hooks.state.\"q\\\"k\"]\n";
        var headers = TomlLines.Headers(text);
        Assert.Equal(2, headers.Count(h => h.IsArray && h.Is("hooks", "PreToolUse")));
        Assert.Contains(headers, h => h.Is("hooks", "state", "lit:key"));
        Assert.Contains(headers, h => h.Is("hooks", "state", "q\"k"));
    }

    /// <summary>With a real Codex (INTERLOCK_TEST_CODEX: the path of a `codex` 0.171 binary), Codex itself reports
    /// the installed hook as trusted. The end-to-end suite runs it in CI; without the variable only the hashes
    /// above, taken from Codex, check the computation.</summary>
    [Fact]
    public void A_real_codex_reports_the_installed_hook_as_trusted()
    {
        if (Environment.GetEnvironmentVariable("INTERLOCK_TEST_CODEX") is not { Length: > 0 } codex) return;
        File.WriteAllText(Directory.CreateDirectory(Path.GetDirectoryName(Config)!).FullName + "/config.toml", "[[hooks.PreToolUse]]\nmatcher = \"Bash\"\n[[hooks.PreToolUse.hooks]]\ntype = \"command\"\ncommand = \"my-linter\"\n");
        Assert.Equal(0, InstallCommands.Install("codex", null, null, Env()));
        var psi = new ProcessStartInfo(codex, ["app-server"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Project };
        psi.Environment["HOME"] = Home;
        using var p = Process.Start(psi)!;
        _ = p.StandardError.ReadToEndAsync();
        p.StandardInput.WriteLine("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"clientInfo":{"name":"interlock-tests","version":"1"}}}""");
        p.StandardInput.WriteLine("""{"jsonrpc":"2.0","method":"initialized"}""");
        p.StandardInput.WriteLine($$$"""{"jsonrpc":"2.0","id":2,"method":"hooks/list","params":{"cwds":[{{{JsonSerializer.Serialize(Project, JsonStrings.Default.String)}}}]}}""");
        string? line;
        JsonElement hooks = default;
        while ((line = p.StandardOutput.ReadLine()) is not null)
        {
            using var doc = JsonDocument.Parse(line);
            if (!doc.RootElement.TryGetProperty("id", out var id) || id.GetInt32() != 2) continue;
            hooks = doc.RootElement.GetProperty("result").GetProperty("data")[0].GetProperty("hooks").Clone();
            break;
        }
        p.Kill(entireProcessTree: true);
        var ours = hooks.EnumerateArray().Single(h => h.GetProperty("command").GetString() == Hook);
        Assert.Equal($"{Config}:pre_tool_use:1:0", ours.GetProperty("key").GetString());
        Assert.Equal("trusted", ours.GetProperty("trustStatus").GetString());
        Assert.Equal("untrusted", hooks.EnumerateArray().Single(h => h.GetProperty("command").GetString() == "my-linter").GetProperty("trustStatus").GetString());
    }

    private List<HookProblem> Problems() => Harness.Find("codex")!.Problems(InstallScope.User, Config, Env()).ToList();
}
