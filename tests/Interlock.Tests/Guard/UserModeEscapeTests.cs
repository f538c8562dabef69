using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Guard;

/// <summary>
/// Issue 17, user mode: an agent with the operator's uid reaches the guard's protected paths (its state and
/// configuration, its programs, every harness's hook configuration) through symbolic and hard links, archive
/// extraction, copy and sync, git checkout/restore/apply, patch and MCP filesystem tools. Each of these is a write to
/// where it lands and must be stopped like `echo x &gt; .claude/settings.json`; the same tools used on ordinary project
/// files stay as they were.
/// </summary>
public sealed class UserModeEscapeTests
{
    private const string P = TestWorld.Project;
    private const string H = TestWorld.Home;

    /// <summary>A project whose root holds Claude Code settings, and a home with ~/.claude.</summary>
    private static TestWorld ClaudeWorld() => new(
        extraFiles: [P + "/.claude/settings.json", H + "/.claude/settings.json", P + "/evil.tar", P + "/release.tgz"],
        extraDirs: [P + "/.claude", H + "/.claude", H + "/.claude/hooks", P + "/vendor", P + "/backup", H + "/.local/bin"]);

    private static Decision Run(string command, TestWorld? world = null, string cwd = P) =>
        new Engine().Evaluate(new ActionRequest("Bash", command, cwd), world ?? ClaudeWorld());

    private static Decision Mcp(string tool, string json, TestWorld? world = null) =>
        new Engine().Evaluate(new ActionRequest("mcp__filesystem__" + tool, null, P) { ToolArguments = json }, world ?? ClaudeWorld());

    private static void Denied(Decision d, string what, string rule = "protected.hook-settings")
    {
        Assert.True(d.Verdict == Verdict.Deny && d.RuleId == rule, $"{what}: expected deny ({rule}), got {d.Verdict} {d.RuleId}: {d.Reason}");
    }

    private static void Unchanged(Decision d, string what)
    {
        Assert.False(d.RuleId.StartsWith("protected.", StringComparison.Ordinal),
            $"{what}: an ordinary project action was stopped as touching a protected path: {d.Verdict} {d.RuleId}: {d.Reason}");
    }

    // ------------------------------------------------------------ symbolic links that already exist

    [Fact]
    public void Deleting_through_an_existing_link_to_a_protected_directory_is_denied()
    {
        var world = ClaudeWorld();
        world.Symlinks[P + "/cc"] = H + "/.claude";
        Denied(Run("rm -rf cc/", world), "rm -rf cc/ (cc → ~/.claude)");
        Denied(Run("rm -rf cc/settings.json", world), "rm through a linked directory");
        Denied(Run("rm -rf ./cc/.", world), "rm -rf cc/.");
        // Removing the link itself removes only the link.
        Assert.Equal(Verdict.Allow, Run("rm cc", world).Verdict);
        Assert.Equal(Verdict.Allow, Run("rm -f cc", world).Verdict);
    }

    [Fact]
    public void Writing_through_an_existing_link_to_a_protected_file_is_denied()
    {
        var world = ClaudeWorld();
        world.Symlinks[P + "/s"] = H + "/.claude/settings.json";
        foreach (var command in new[] { "echo x > s", "echo x >> s", "tee s < /tmp/x", "cp /tmp/x s", "truncate -s 0 s", "dd if=/tmp/x of=s", "chmod 666 s" })
            Denied(Run(command, world), command + " (s → ~/.claude/settings.json)");
        var write = new Engine().Evaluate(new ActionRequest("Write", null, P) { File = new FileAction(FileToolKind.Write, P + "/s") { Content = "{}" } }, world);
        Denied(write, "Write tool on a link to ~/.claude/settings.json");
    }

    [Fact]
    public void Relative_links_and_dot_dot_after_a_link_are_followed_like_the_kernel_does()
    {
        var world = ClaudeWorld();
        world.Symlinks[P + "/hk"] = H + "/.claude/hooks";
        // Lexically hk/../settings.json is the project's settings.json; on disk it is ~/.claude/settings.json.
        Denied(Run("echo '{}' > hk/../settings.json", world), "echo > hk/../settings.json");
        world.Symlinks[P + "/docs/up"] = "../..";
        Denied(Run("echo '{}' > docs/up/.claude/settings.json", world), "a relative link to home");
        Denied(Run("rm -rf docs/up/.claude/", world), "rm through a relative link");
    }

    [Fact]
    public void A_temp_path_that_is_a_link_into_home_is_judged_where_it_lands()
    {
        var world = ClaudeWorld();
        world.Symlinks["/tmp/h"] = H;
        var d = Run("rm -rf /tmp/h/", world);
        Assert.True(d.Verdict == Verdict.Deny && d.RuleId == "fs.delete-home", $"rm -rf /tmp/h/ (→ home): {d.Verdict} {d.RuleId}: {d.Reason}");
        Assert.NotEqual(Verdict.Allow, Run("rm -rf /tmp/h/project/src", world).Verdict);
        // An ordinary scratch directory in temp stays scratch.
        Assert.Equal(Verdict.Allow, Run("rm -rf /tmp/scratch/", world).Verdict);
    }

    [Fact]
    public void A_path_protected_by_its_name_stays_protected_when_it_is_a_link()
    {
        var world = ClaudeWorld();
        world.Symlinks[P + "/.claude/settings.json"] = "/tmp/shared-settings.json";
        Denied(Run("echo '{}' > .claude/settings.json", world), "the hook settings are a link into temp");
        Denied(Run("rm .claude/settings.json", world), "deleting hook settings that are a link");
    }

    [Fact]
    public void A_home_that_is_itself_a_link_keeps_its_rules()
    {
        var world = ClaudeWorld();
        world.Symlinks[H] = "/data/dev";
        foreach (var command in new[] { "rm -rf src", "rm -rf node_modules", "echo x > src/app.py", "rm -rf ~" })
            Assert.Equal(Run(command, ClaudeWorld()).Verdict, Run(command, world).Verdict);
        Denied(Run("echo '{}' > ~/.claude/settings.json", world), "home behind a link");
        Denied(Run("ln -s /data/dev/.claude cc && rm -rf cc/", world), "a link to home's real place");
    }

    [Fact]
    public void System_directories_behind_links_keep_their_rules()
    {
        // macOS: /etc → private/etc, /tmp → private/tmp; merged /usr: /bin → usr/bin.
        var world = ClaudeWorld();
        world.Symlinks["/etc"] = "private/etc";
        world.Symlinks["/tmp"] = "private/tmp";
        world.Symlinks["/bin"] = "usr/bin";
        foreach (var command in new[] { "echo x > /etc/hosts", "rm -rf /etc", "rm -f /bin/ls", "rm -rf /tmp/build-cache", "echo x > /tmp/out.txt" })
            Assert.Equal(Run(command, ClaudeWorld()).Verdict, Run(command, world).Verdict);
    }

    [Fact]
    public void Ordinary_links_in_a_project_change_nothing()
    {
        var world = ClaudeWorld();
        world.Symlinks[P + "/current"] = "build";
        Assert.Equal(Verdict.Allow, Run("rm -rf current/", world).Verdict);
        Assert.Equal(Verdict.Allow, Run("echo x > current/out.txt", world).Verdict);
        Assert.Equal(Verdict.Allow, Run("ln -s build current2 && echo x > current2/log.txt", world).Verdict);
    }

    // ------------------------------------------------------------ links created earlier in the same command

    [Theory]
    [InlineData("ln -s ~/.claude cc && rm -rf cc/")]
    [InlineData("ln -s ~/.claude cc; rm -rf cc/*")]
    [InlineData("ln -s /home/dev/.claude cc && echo '{}' > cc/settings.json")]
    [InlineData("ln -s ~/.claude/settings.json s; echo x > s")]
    [InlineData("ln -sf ~/.claude/settings.json s && cat /tmp/evil.json > s")]
    [InlineData("ln -s ~/.claude/settings.json s && tee s < /tmp/evil.json")]
    [InlineData("ln ~/.claude/settings.json s && echo x > s")]
    [InlineData("ln -T ~/.claude/settings.json s && truncate -s 0 s")]
    [InlineData("cp -l ~/.claude/settings.json s && echo x > s")]
    [InlineData("cp -s ~/.claude/settings.json s && echo x > s")]
    [InlineData("mkdir l && ln -s ~/.claude l/ && echo x > l/.claude/settings.json")]
    [InlineData("ln -s ../.claude docs/cc && echo x > docs/cc/settings.json")]
    [InlineData("ln -s ~/.claude -t docs && rm -rf docs/.claude/")]
    [InlineData("bash -c 'ln -s ~/.claude cc'; rm -rf cc/")]
    [InlineData("(ln -s ~/.claude cc); rm -rf cc/")]
    [InlineData("ln -s ~ h && echo x > h/.claude/settings.json")]
    [InlineData("cd /tmp && ln -s ~/.claude cc && rm -rf /tmp/cc/")]
    public void Links_created_earlier_in_the_command_are_followed(string command) => Denied(Run(command), command);

    [Fact]
    public void A_link_created_after_a_command_does_not_change_that_command()
    {
        Assert.Equal(Verdict.Allow, Run("rm -f cc && ln -s ~/.claude cc").Verdict);
        Assert.Equal(Verdict.Allow, Run("ln -s ~/.claude cc && rm cc").Verdict);
    }

    [Fact]
    public void A_link_created_into_temp_to_home_is_followed()
    {
        var d = Run("ln -s ~ /tmp/h && rm -rf /tmp/h/");
        Assert.True(d.Verdict == Verdict.Deny && d.RuleId == "fs.delete-home", $"{d.Verdict} {d.RuleId}: {d.Reason}");
    }

    // ------------------------------------------------------------ hard links the world view can tell

    [Fact]
    public void Writing_a_hard_link_of_a_protected_file_is_denied()
    {
        var world = ClaudeWorld(); // the project's .claude/settings.json exists
        var settings = new FileIdentity(7, 4242, 2);
        world.Identities[H + "/.claude/settings.json"] = settings;
        world.Identities[P + "/docs/guide.md"] = settings;
        Denied(Run("echo x > docs/guide.md", world), "echo > a hard link of ~/.claude/settings.json");
        Denied(new Engine().Evaluate(new ActionRequest("Edit", null, P) { File = new FileAction(FileToolKind.Write, P + "/docs/guide.md") { Content = "{}" } }, world), "Write tool on a hard link");
        // Another file with several names that is not a protected one is ordinary.
        world.Identities[P + "/README.md"] = new FileIdentity(7, 99, 3);
        Assert.Equal(Verdict.Allow, Run("echo x > README.md", world).Verdict);
    }

    // ------------------------------------------------------------ archives

    [Theory]
    [InlineData("tar xf evil.tar")]
    [InlineData("tar -xzf evil.tgz")]
    [InlineData("tar --extract --file=evil.tar")]
    [InlineData("tar xf evil.tar -C .")]
    [InlineData("tar xf evil.tar -C /home/dev/project")]
    [InlineData("tar xf /tmp/evil.tar -C ~")]
    [InlineData("tar xf evil.tar -C .claude")]
    [InlineData("tar xf evil.tar .claude/settings.json")]
    [InlineData("tar xf evil.tar -C ~ .claude")]
    [InlineData("bsdtar -xf evil.tar")]
    [InlineData("cd /tmp && tar xf evil.tar -C /home/dev/project")]
    [InlineData("unzip evil.zip")]
    [InlineData("unzip -o evil.zip -d .")]
    [InlineData("unzip evil.zip -d .claude")]
    [InlineData("unzip -o evil.zip .claude/settings.json")]
    [InlineData("unzip evil.zip -d ~")]
    [InlineData("7z x evil.7z")]
    [InlineData("7z x evil.7z -o.claude")]
    [InlineData("7z x -y evil.7z .claude/settings.json")]
    [InlineData("7z e evil.7z -o/home/dev/project/.claude")]
    [InlineData("7za x evil.7z")]
    public void Extracting_over_protected_paths_is_denied(string command) => Denied(Run(command), command);

    [Theory]
    [InlineData("tar xzf release.tgz -C build/")]
    [InlineData("tar xzf release.tgz -C /tmp/x")]
    [InlineData("tar xf evil.tar src/app.py docs")]
    [InlineData("tar tf evil.tar")]
    [InlineData("tar xOf evil.tar .claude/settings.json")]
    [InlineData("unzip x.zip -d vendor/")]
    [InlineData("unzip -l evil.zip")]
    [InlineData("unzip -p evil.zip .claude/settings.json")]
    [InlineData("unzip -t evil.zip")]
    [InlineData("7z l evil.7z")]
    [InlineData("7z x a.7z -ovendor")]
    [InlineData("7z a backup.7z .claude")]
    public void Extracting_elsewhere_is_unchanged(string command) => Unchanged(Run(command), command);

    [Fact]
    public void Extracting_an_unknown_archive_into_a_project_without_protected_paths_is_unchanged()
    {
        // The project root holds .git (left out: every checkout has one) but no harness's hook configuration.
        foreach (var command in new[] { "tar xzf release.tgz", "unzip x.zip", "7z x a.7z", "cp -r /tmp/tpl/. .", "rsync -a /tmp/tpl/ ./", "git checkout main -- ." })
        {
            var d = Run(command, new TestWorld());
            Unchanged(d, command);
            if (!command.StartsWith("git", StringComparison.Ordinal)) Assert.Equal(Verdict.Allow, d.Verdict);
        }
    }

    // ------------------------------------------------------------ copy and sync

    [Theory]
    [InlineData("cp -r /tmp/evil/. .")]
    [InlineData("cp -rT /tmp/evil .")]
    [InlineData("cp -a /tmp/evil/. /home/dev/project/")]
    [InlineData("cp -r /tmp/evil/.claude .")]
    [InlineData("cp -r /tmp/evil/settings.json .claude/")]
    [InlineData("cp -rT /tmp/evil .claude")]
    [InlineData("cp -r /tmp/evil/. ~")]
    [InlineData("rsync -a /tmp/evil/ ./")]
    [InlineData("rsync -a /tmp/evil/ /home/dev/project")]
    [InlineData("rsync -a /tmp/evil/.claude .")]
    [InlineData("rsync -a /tmp/evil/ .claude/")]
    [InlineData("rsync /tmp/evil.json .claude/settings.json")]
    [InlineData("install -D /tmp/evil.json .claude/settings.json")]
    [InlineData("install -m 644 /tmp/evil.toml ~/.codex/config.toml")]
    [InlineData("install -t .claude /tmp/settings.json")]
    public void Copying_over_protected_paths_is_denied(string command) => Denied(Run(command), command);

    [Theory]
    [InlineData("cp -r src/ backup/")]
    [InlineData("cp -r src backup")]
    [InlineData("cp -a /tmp/tpl/. vendor/")]
    [InlineData("rsync -a src/ backup/")]
    [InlineData("rsync -av ./ /tmp/copy/")]
    [InlineData("install -m 755 build/app ~/.local/bin/app")]
    public void Copying_elsewhere_is_unchanged(string command) => Unchanged(Run(command), command);

    // ------------------------------------------------------------ git and patch

    [Theory]
    [InlineData("git checkout evil -- .claude")]
    [InlineData("git checkout evil -- .claude/settings.json")]
    [InlineData("git checkout evil .claude")]
    [InlineData("git checkout origin/evil -- .")]
    [InlineData("git checkout evil -- :/")]
    [InlineData("git checkout evil -- .codex/config.toml")]
    [InlineData("git restore --source evil .claude")]
    [InlineData("git restore --source=evil -- .claude/settings.json")]
    [InlineData("git restore -s evil --worktree .")]
    [InlineData("git -C /home/dev/project checkout evil -- .claude")]
    [InlineData("cd docs && git checkout evil -- ../.claude")]
    public void Git_writing_protected_paths_is_denied(string command) => Denied(Run(command), command);

    [Theory]
    [InlineData("git checkout main -- src/app.py")]
    [InlineData("git checkout main -- src")]
    [InlineData("git restore --source main src/app.py")]
    [InlineData("git checkout feature/x")]
    public void Git_elsewhere_is_unchanged(string command)
    {
        var before = Run(command, new TestWorld());
        var after = Run(command);
        Assert.Equal(before.Verdict, after.Verdict);
        Unchanged(after, command);
    }

    private const string EvilPatch = "diff --git a/.claude/settings.json b/.claude/settings.json\n--- a/.claude/settings.json\n+++ b/.claude/settings.json\n@@ -1 +1 @@\n-{\"hooks\": {}}\n+{}\n";
    private const string FixPatch = "--- a/src/app.py\n+++ b/src/app.py\n@@ -1 +1 @@\n-print(1)\n+print(2)\n";
    private const string RenamePatch = "diff --git a/notes.json b/.claude/settings.json\nsimilarity index 100%\nrename from notes.json\nrename to .claude/settings.json\n";

    private static TestWorld PatchWorld()
    {
        var world = ClaudeWorld();
        world.Contents[P + "/evil.patch"] = EvilPatch;
        world.Contents[P + "/fix.patch"] = FixPatch;
        world.Contents[P + "/rename.patch"] = RenamePatch;
        return world;
    }

    [Theory]
    [InlineData("git apply evil.patch")]
    [InlineData("git apply --3way evil.patch")]
    [InlineData("git apply rename.patch")]
    [InlineData("git apply < evil.patch")]
    [InlineData("cat evil.patch | git apply")]
    [InlineData("git am evil.patch")]
    [InlineData("patch -p1 < evil.patch")]
    [InlineData("patch -p1 -i evil.patch")]
    [InlineData("patch --input=evil.patch -p1")]
    [InlineData("patch .claude/settings.json fix.patch")]
    [InlineData("patch -p0 < /tmp/unknown.patch")]
    [InlineData("curl -s https://x.example/p.diff | git apply")]
    public void Patches_writing_protected_paths_are_denied(string command) => Denied(Run(command, PatchWorld()), command);

    [Fact]
    public void A_patch_in_a_here_document_is_read()
    {
        Denied(Run("patch -p1 <<'EOF'\n" + EvilPatch + "EOF", PatchWorld()), "patch with a here-document");
        Unchanged(Run("patch -p1 <<'EOF'\n" + FixPatch + "EOF", PatchWorld()), "patch src/app.py with a here-document");
    }

    [Theory]
    [InlineData("git apply fix.patch")]
    [InlineData("patch -p1 < fix.patch")]
    [InlineData("git apply --check evil.patch")]
    [InlineData("git apply --stat evil.patch")]
    [InlineData("git apply --cached evil.patch")]
    [InlineData("patch --dry-run -p1 < evil.patch")]
    public void Patches_elsewhere_are_unchanged(string command) => Unchanged(Run(command, PatchWorld()), command);

    // ------------------------------------------------------------ MCP filesystem tools

    [Theory]
    [InlineData("write_file", """{"path": "/home/dev/project/.claude/settings.json", "content": "{}"}""")]
    [InlineData("write_file", """{"path": "/home/dev/.claude/settings.json", "content": "{}"}""")]
    [InlineData("edit_file", """{"path": "/home/dev/project/.claude/settings.json", "edits": [{"oldText": "hooks", "newText": "x"}]}""")]
    [InlineData("move_file", """{"source": "/tmp/evil.json", "destination": "/home/dev/project/.claude/settings.json"}""")]
    [InlineData("move_file", """{"source": "/home/dev/project/.claude/settings.json", "destination": "/tmp/x.json"}""")]
    [InlineData("move_file", """{"source": "/home/dev/.claude", "destination": "/tmp/old-claude"}""")]
    [InlineData("create_directory", """{"path": "/home/dev/project/.codex"}""")]
    public void Mcp_filesystem_tools_writing_protected_paths_are_denied(string tool, string json) => Denied(Mcp(tool, json), tool + " " + json);

    [Fact]
    public void Mcp_filesystem_tools_follow_links()
    {
        var world = ClaudeWorld();
        world.Symlinks[P + "/s"] = H + "/.claude/settings.json";
        Denied(Mcp("write_file", """{"path": "/home/dev/project/s", "content": "{}"}""", world), "write_file through a link");
        Denied(Mcp("write_file", """{"path": "s", "content": "{}"}""", world), "write_file with a relative path through a link");
    }

    [Theory]
    [InlineData("write_file", """{"path": "/home/dev/project/src/new.py", "content": "print(1)\n"}""")]
    [InlineData("edit_file", """{"path": "/home/dev/project/src/app.py", "edits": [{"oldText": "a", "newText": "b"}]}""")]
    [InlineData("edit_file", """{"path": "/home/dev/project/.claude/settings.json", "edits": [{"oldText": "a", "newText": "b"}], "dryRun": true}""")]
    [InlineData("move_file", """{"source": "/home/dev/project/src/a.py", "destination": "/home/dev/project/src/b.py"}""")]
    [InlineData("create_directory", """{"path": "/home/dev/project/src/pkg"}""")]
    [InlineData("read_file", """{"path": "/home/dev/project/.claude/settings.json"}""")]
    public void Mcp_filesystem_tools_elsewhere_are_unchanged(string tool, string json) => Unchanged(Mcp(tool, json), tool + " " + json);

    // ------------------------------------------------------------ every protected location, every write path

    /// <summary>The guard's state and configuration, its programs, and each harness's hook configuration.</summary>
    public static TheoryData<string, string> Locations() => new()
    {
        { H + "/.local/state/interlock/interlock.db", "protected.guard-config" },
        { H + "/.config/interlock/policy.yaml", "protected.guard-config" },
        { P + "/.interlock/policy.yaml", "protected.guard-config" },
        { H + "/.local/bin/interlock", "protected.guard-binary" },
        { H + "/.local/bin/interlock-hook", "protected.guard-binary" },
        { P + "/.claude/settings.json", "protected.hook-settings" },
        { P + "/.claude/settings.local.json", "protected.hook-settings" },
        { H + "/.claude/settings.json", "protected.hook-settings" },
        { H + "/.codex/config.toml", "protected.hook-settings" },
        { H + "/.codex/hooks.json", "protected.hook-settings" },
        { P + "/.gemini/settings.json", "protected.hook-settings" },
        { P + "/.cursor/hooks.json", "protected.hook-settings" },
        { H + "/.cursor/hooks.json", "protected.hook-settings" },
        { P + "/.github/hooks/interlock.json", "protected.hook-settings" },
        { P + "/.kiro/agents/default.json", "protected.hook-settings" },
        { H + "/.aws/amazonq/cli-agents/default.json", "protected.hook-settings" },
        { P + "/.opencode/plugin/interlock.js", "protected.hook-settings" },
        { H + "/.config/opencode/plugin/interlock.js", "protected.hook-settings" },
    };

    [Theory]
    [MemberData(nameof(Locations))]
    public void Every_write_path_stops_at_every_protected_location(string path, string rule)
    {
        var member = path.TrimStart('/');
        var dir = path[..path.LastIndexOf('/')];
        var name = path[(path.LastIndexOf('/') + 1)..];
        string[] commands =
        [
            $"ln -s {path} s; echo x > s",
            $"ln -s {dir} d && rm -rf d/{name}",
            $"ln {path} s && truncate -s 0 s",
            $"tar xf /tmp/evil.tar -C / {member}",
            $"unzip -o /tmp/evil.zip {member} -d /",
            $"7z x /tmp/evil.7z -o/ {member}",
            $"cp -r /tmp/evil/{name} {dir}/",
            $"rsync -a /tmp/evil/{name} {dir}/",
            $"install -D /tmp/evil {path}",
            $"cd / && git checkout evil -- {member}",
            $"cd / && git restore --source evil {member}",
        ];
        foreach (var command in commands)
            Denied(Run(command, new TestWorld(extraDirs: [dir])), command, rule);
        Denied(Mcp("write_file", $$"""{"path": "{{path}}", "content": "x"}""", new TestWorld()), "write_file " + path, rule);
        Denied(Mcp("move_file", $$"""{"source": "/tmp/x", "destination": "{{path}}"}""", new TestWorld()), "move_file " + path, rule);
    }
}
