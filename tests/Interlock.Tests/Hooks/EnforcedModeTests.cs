using Interlock.Cli;
using Interlock.Core.Policy;
using Xunit;

namespace Interlock.Tests.Hooks;

/// <summary>The parts of enforced mode that run without root: its configuration, the wire format to the system
/// daemon, how callers' environments are treated, who may run administrative requests. The whole mode, with real
/// users, is tested as root by tests/enforced/run.sh (in CI).</summary>
public sealed class EnforcedModeTests
{
    private static string Scratch()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "scratch", "enforced-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    [Fact]
    public void The_configuration_names_the_socket_the_daemon_uid_and_the_approvers()
    {
        var mode = EnforcedMode.Parse("# comment\nsocket = /run/x/d.sock\ndaemon_uid = 999\napprovers_group = ops\n", "f", out var problem);
        Assert.Null(problem);
        Assert.Equal(new EnforcedMode("/run/x/d.sock", 999, "ops"), mode);
        Assert.Equal(mode, EnforcedMode.Parse(mode!.Render(), "f", out _));
    }

    [Theory]
    [InlineData("socket = /s\n", "daemon_uid is missing")]
    [InlineData("daemon_uid = 0\n", "not root")]
    [InlineData("daemon_uid = 9\nsocket = relative.sock\n", "absolute path")]
    [InlineData("daemon_uid = 9\nstate_dir = /x\n", "unknown key `state_dir`")]
    [InlineData("daemon_uid 9\n", "f:1: expected `key = value`")]
    public void A_configuration_that_cannot_be_trusted_is_a_problem_never_user_mode(string text, string expected)
    {
        Assert.Null(EnforcedMode.Parse(text, "f", out var problem));
        Assert.Contains(expected, problem);
    }

    [Fact]
    public void No_file_is_user_mode_and_a_symlink_is_refused()
    {
        var dir = Scratch();
        Assert.Null(EnforcedMode.Load(Path.Combine(dir, "enforced.conf"), requireRoot: false, out var none));
        Assert.Null(none);
        File.WriteAllText(Path.Combine(dir, "real.conf"), "daemon_uid = 5\n");
        File.CreateSymbolicLink(Path.Combine(dir, "enforced.conf"), Path.Combine(dir, "real.conf"));
        Assert.Null(EnforcedMode.Load(Path.Combine(dir, "enforced.conf"), requireRoot: false, out var problem));
        Assert.Contains("symbolic link", problem);
    }

    [Fact]
    public void A_file_the_agent_could_have_written_is_not_trusted()
    {
        if (Libc.GetEffectiveUid() == 0) return; // root owns what it writes; the ownership check is tested by tests/enforced/run.sh
        var dir = Scratch();
        File.WriteAllText(Path.Combine(dir, "enforced.conf"), "daemon_uid = 5\n");
        Assert.Null(EnforcedMode.Load(Path.Combine(dir, "enforced.conf"), requireRoot: true, out var problem));
        Assert.Contains("not root", problem);
    }

    [Fact]
    public void Requests_round_trip_and_malformed_frames_are_refused()
    {
        var request = new SystemRequest("hook", "codex", "/home/a/p", 900, ["HOME=/home/a", "X=1=2"], ["--comment", "ok"], [1, 2, 3]);
        var back = SystemRequest.Decode(request.Encode());
        Assert.Equal(request.Op, back.Op);
        Assert.Equal(request.Cwd, back.Cwd);
        Assert.Equal(request.Environment, back.Environment);
        Assert.Equal(request.Args, back.Args);
        Assert.Equal(request.Input, back.Input);
        var bytes = request.Encode();
        Assert.Throws<InvalidDataException>(() => SystemRequest.Decode(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<InvalidDataException>(() => SystemRequest.Decode([.. bytes, 0]));
        Assert.Throws<InvalidDataException>(() => SystemRequest.Decode(new DaemonRequest("k", "codex", "/", 5, []).Encode()));
    }

    [Fact]
    public void Variables_that_would_relocate_or_loosen_the_guard_are_ignored_and_named_secrets_by_name_only()
    {
        var account = new SystemAccount(1001, 1001, "agent", "/home/agent");
        var caller = CallerEnvironment.From(["INTERLOCK_STATE_DIR=/home/agent/fake", "INTERLOCK_AGENT_TOKEN=secret", "INTERLOCK_HOOK_TIMEOUT_MS=5000", "XDG_CONFIG_HOME=/home/agent/cfg", "HOME=/elsewhere", "PATH=/bin"]);
        var ignored = caller.Ignored(account);
        Assert.Contains("INTERLOCK_STATE_DIR=/home/agent/fake", ignored);
        Assert.Contains("INTERLOCK_AGENT_TOKEN", ignored);
        Assert.DoesNotContain(ignored, i => i.Contains("secret"));
        Assert.DoesNotContain(ignored, i => i.Contains("HOOK_TIMEOUT"));
        Assert.Contains("XDG_CONFIG_HOME=/home/agent/cfg", ignored);
        Assert.Contains(ignored, i => i.StartsWith("HOME=/elsewhere", StringComparison.Ordinal));
        Assert.Empty(CallerEnvironment.From(["HOME=/home/agent/", "PATH=/bin"]).Ignored(account));
        var note = new CallerIdentity(1001, 42, "agent", ignored).AuditNote;
        Assert.Contains("caller: uid 1001 (agent), pid 42", note);
        Assert.Contains("ignored, as enforced mode does: ", note);
    }

    [Fact]
    public void In_enforced_mode_the_user_layer_which_the_agent_can_write_is_not_read()
    {
        var layers = PolicyLoader.LocateEnforced("/home/agent/proj");
        Assert.DoesNotContain(layers, l => l.Layer == PolicyLayer.User);
        Assert.Contains(layers, l => l.Layer == PolicyLayer.System && l.Path == "/etc/interlock/policy.yaml");
        Assert.Contains(layers, l => l.Layer == PolicyLayer.Project);
    }

    [Fact]
    public void Accounts_come_from_the_passwd_and_group_files()
    {
        var dir = Scratch();
        File.WriteAllText(Path.Combine(dir, "passwd"), "root:x:0:0:root:/root:/bin/bash\nana:x:1002:1002::/home/ana:/bin/bash\n");
        File.WriteAllText(Path.Combine(dir, "group"), "ana:x:1002:\ninterlock-approvers:x:990:bob,ana\nother:x:5:bob\n");
        var accounts = new SystemAccounts(Path.Combine(dir, "passwd"), Path.Combine(dir, "group"));
        var ana = accounts.ByUid(1002)!;
        Assert.Equal(("ana", "/home/ana"), (ana.Name, ana.Home));
        Assert.Equal(["ana", "interlock-approvers"], accounts.GroupsOf(ana));
        Assert.Null(accounts.ByUid(4242));
    }

    [Theory]
    [InlineData("approve", new[] { "r1" }, "approve")]
    [InlineData("requests", new string[0], "list requests")]
    [InlineData("breaker", new[] { "reset", "--session", "s" }, "reset a breaker")]
    public void Only_root_or_an_approver_may_approve_list_or_reset(string op, string[] args, string what)
    {
        var mode = new EnforcedMode("/run/interlock/decide.sock", 999, "interlock-approvers");
        var answer = EnforcedCommands.Handle(new SystemAccount(1001, 1001, "agent", "/home/agent"), ["agent"], mode, op, args);
        Assert.Equal(77, answer.ExitCode);
        Assert.Contains($"agent (uid 1001) is neither root nor a member of `interlock-approvers`, and in enforced mode only they may {what}", answer.Stderr);
        Assert.Equal(64, EnforcedCommands.Handle(new SystemAccount(0, 0, "root", "/root"), ["root"], mode, "approve", ["r1", "--state-dir", "/x"]).ExitCode);
        Assert.Equal(64, EnforcedCommands.Handle(new SystemAccount(0, 0, "root", "/root"), ["root"], mode, "undo-everything", []).ExitCode);
    }
}

/// <summary>The system daemon reads with CAP_DAC_READ_SEARCH; the world view must not read, for a caller, what the
/// caller could not read itself (its content could surface in a decision's message).</summary>
public sealed class CallerAccessTests
{
    [Fact]
    public void A_file_is_read_for_a_caller_only_when_the_caller_could_read_it()
    {
        if (!OperatingSystem.IsLinux()) return;
        var dir = Path.Combine(AppContext.BaseDirectory, "scratch", "access-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        var me = Libc.FileOwner(dir)!.Value;
        var open = Path.Combine(dir, "open.sql");
        var secret = Path.Combine(dir, "secret.sql");
        File.WriteAllText(open, "DROP TABLE a;");
        File.WriteAllText(secret, "DROP TABLE users;");
        File.SetUnixFileMode(open, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(secret, (UnixFileMode)0b110_000_000);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        var stranger = new CallerAccess(me.Uid + 4242, [me.Gid + 4242]);
        Assert.True(stranger.MayRead(open));
        Assert.False(stranger.MayRead(secret));
        Assert.True(new CallerAccess(me.Uid, [me.Gid]).MayRead(secret));
        Assert.Null(new FileSystemWorld(stranger).ReadTextFile(secret, 1000));
        Assert.Equal("DROP TABLE a;", new FileSystemWorld(stranger).ReadTextFile(open, 1000));
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_000_000); // no search for others: nothing inside is reachable
        Assert.False(stranger.MayRead(open));
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
    }
}
