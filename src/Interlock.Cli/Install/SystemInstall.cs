using System.Diagnostics;

namespace Interlock.Cli.Install;

/// <summary>
/// `sudo interlock install --system [harness...]`: enforced mode. Everything the guard trusts becomes root's or the
/// daemon's: the binaries in /usr/local/lib/interlock, the policy and the mode switch in /etc/interlock, the state in
/// /var/lib/interlock (the `interlock` system user's, mode 0700), the decision daemon as a systemd socket and
/// service, and the hooks in each harness's administrator-managed settings. The agent's uid can then neither edit,
/// relocate nor bypass any of it (docs/security.md lists what each mode still leaves open).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static class SystemInstall
{
    public const string LibraryDirectory = "/usr/local/lib/interlock";
    public const string BinLink = "/usr/local/bin/interlock";
    public const string DaemonUser = "interlock";
    public const string UnitDirectory = "/etc/systemd/system";

    public const string Help = """
        sudo interlock install --system [harness...] [--no-start]
        sudo interlock uninstall --system

        Enforced mode: a guard the agents it guards cannot switch off. Run as root, from the published binaries
        (interlock, interlock-hook and libe_sqlite3.so side by side). It
          - copies the binaries to /usr/local/lib/interlock (root-owned) and links /usr/local/bin/interlock;
          - creates the system user `interlock` (it alone owns /var/lib/interlock: audit chain, approvals, budgets,
            snapshots) and the group `interlock-approvers` (humans who may approve; never add an account agents run as);
          - writes /etc/interlock/policy.yaml (if absent) and /etc/interlock/enforced.conf, which switches every hook
            on this machine to the decision daemon; variables such as INTERLOCK_STATE_DIR are then ignored;
          - installs interlock.socket and interlock.service and starts them when systemd runs (else it prints the
            command that runs the daemon in the foreground, for containers);
          - registers the hook in the administrator-managed settings of each harness named (default: every harness
            that has such settings: claude-code codex gemini cursor copilot opencode).
        Then: `sudo usermod -aG interlock-approvers <human>`, and `interlock doctor`.
        Approving: `sudo interlock approve <id>`, or as a member of interlock-approvers; the user whose agent asked
        never counts. If the daemon is down, every hook call is stopped.
        uninstall --system removes the mode switch, the units and the managed hook entries; the state is kept.
        """;

    public static int Run(string verb, string[] args, TextWriter output, TextWriter error)
    {
        if (args.Any(a => a is "-h" or "--help")) { output.WriteLine(Help); return 0; }
        if (!OperatingSystem.IsLinux()) { error.WriteLine("interlock: enforced mode (--system) runs on Linux only."); return 1; }
        if (Libc.GetEffectiveUid() != 0)
        {
            error.WriteLine($"interlock {verb} --system changes root-owned files (/etc/interlock, /usr/local/lib/interlock, the harnesses' managed settings): run it as root, e.g. `sudo {Environment.ProcessPath ?? "interlock"} {verb} --system {string.Join(' ', args.Where(a => a != "--system"))}`.");
            return 77;
        }
        var start = !args.Contains("--no-start");
        var names = args.Where(a => a is not ("--system" or "--no-start")).ToList();
        var unknown = names.FirstOrDefault(n => ManagedHarnesses.Find(n) is null);
        if (unknown is not null)
        {
            error.WriteLine($"interlock {verb} --system: `{unknown}` has no administrator-managed settings Interlock can use. Harnesses: {string.Join(", ", ManagedHarnesses.All.Select(h => h.Name))} (Kiro and Amazon Q have no machine-wide hooks; see docs/security.md).");
            return 64;
        }
        var harnesses = names.Count == 0 ? ManagedHarnesses.All : names.Select(n => ManagedHarnesses.Find(n)!).ToList();
        try
        {
            return verb == "install" ? Install(harnesses, start, output, error) : Uninstall(harnesses, output);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InstallException)
        {
            error.WriteLine($"interlock {verb} --system: {e.Message}");
            return 1;
        }
    }

    private static int Install(IReadOnlyList<ManagedHarness> harnesses, bool start, TextWriter output, TextWriter error)
    {
        var source = Path.GetDirectoryName(Environment.ProcessPath) ?? ".";
        foreach (var needed in new[] { "interlock", "interlock-hook", "libe_sqlite3.so" })
        {
            if (File.Exists(Path.Combine(source, needed))) continue;
            error.WriteLine($"interlock install --system: {Path.Combine(source, needed)} is missing: run it from the published binaries (`dotnet publish src/Interlock.Cli -c Release -r linux-x64 -o out`, then `sudo out/interlock install --system`).");
            return 1;
        }

        // 1. Binaries, root-owned: the hook registered below runs these, and only root can replace them.
        Directory.CreateDirectory(LibraryDirectory);
        File.SetUnixFileMode(LibraryDirectory, (UnixFileMode)0b111_101_101);
        if (Path.GetFullPath(source) != LibraryDirectory)
        {
            foreach (var file in Directory.GetFiles(source))
            {
                var name = Path.GetFileName(file);
                if (name.EndsWith(".dbg", StringComparison.Ordinal) || name.EndsWith(".pdb", StringComparison.Ordinal)) continue;
                var target = Path.Combine(LibraryDirectory, name);
                var temp = target + ".interlock-tmp";
                File.Copy(file, temp, overwrite: true);
                File.SetUnixFileMode(temp, (UnixFileMode)0b111_101_101);
                File.Move(temp, target, overwrite: true); // a running daemon keeps its old inode
            }
        }
        var interlock = Path.Combine(LibraryDirectory, "interlock");
        if (File.Exists(BinLink) || new FileInfo(BinLink).LinkTarget is not null)
        {
            if (new FileInfo(BinLink).LinkTarget != interlock) output.WriteLine($"  {BinLink} exists and is not Interlock's link; left as it is (run {interlock} by its full path).");
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(BinLink)!);
            File.CreateSymbolicLink(BinLink, interlock);
        }
        output.WriteLine($"binaries: {LibraryDirectory} (root-owned), {BinLink}");

        // 2. The daemon's system user and the approvers' group.
        if (Accounts().ByName(DaemonUser) is null)
            Run("useradd", "--system", "--user-group", "--home-dir", SystemDaemon.StateDirectoryPath, "--no-create-home", "--shell", "/usr/sbin/nologin", "--comment", "Interlock decision daemon", DaemonUser);
        if (!File.ReadAllLines("/etc/group").Any(l => l.StartsWith(EnforcedMode.DefaultApproversGroup + ":", StringComparison.Ordinal)))
            Run("groupadd", "--system", EnforcedMode.DefaultApproversGroup);
        var daemon = Accounts().ByName(DaemonUser) ?? throw new InstallException($"the system user `{DaemonUser}` could not be created");
        output.WriteLine($"accounts: system user {DaemonUser} (uid {daemon.Uid}), group {EnforcedMode.DefaultApproversGroup}");

        // 3. The state, the daemon's alone.
        foreach (var (dir, mode) in new[] { (SystemDaemon.StateDirectoryPath, 0b111_000_000), (Path.GetDirectoryName(EnforcedMode.DefaultSocket)!, 0b111_101_101) })
        {
            Directory.CreateDirectory(dir);
            Run("chown", $"{daemon.Uid}:{daemon.Gid}", dir);
            File.SetUnixFileMode(dir, (UnixFileMode)mode);
        }
        output.WriteLine($"state: {SystemDaemon.StateDirectoryPath} (owned by {DaemonUser}, mode 0700)");

        // 4. Policy and the mode switch, root's.
        Directory.CreateDirectory(EnforcedMode.ConfigDirectory);
        File.SetUnixFileMode(EnforcedMode.ConfigDirectory, (UnixFileMode)0b111_101_101);
        var policy = Path.Combine(EnforcedMode.ConfigDirectory, PolicyLoader.FileName);
        if (!File.Exists(policy)) WriteRootFile(policy, StarterPolicyText);
        var config = new EnforcedMode(EnforcedMode.DefaultSocket, daemon.Uid, EnforcedMode.DefaultApproversGroup);
        WriteRootFile(EnforcedMode.ConfigPath, config.Render());
        output.WriteLine($"policy: {policy}; enforced mode switched on by {EnforcedMode.ConfigPath}");

        // 5. The decision daemon.
        WriteRootFile(Path.Combine(UnitDirectory, "interlock.socket"), SocketUnit);
        WriteRootFile(Path.Combine(UnitDirectory, "interlock.service"), ServiceUnit(interlock));
        var foreground = $"setpriv --reuid={daemon.Uid} --regid={daemon.Gid} --init-groups --inh-caps=+dac_read_search --ambient-caps=+dac_read_search {interlock} daemon --system";
        if (Directory.Exists("/run/systemd/system") && start)
        {
            Run("systemctl", "daemon-reload");
            Run("systemctl", "enable", "--now", "interlock.socket");
            Run("systemctl", "restart", "interlock.service");
            output.WriteLine("daemon: interlock.socket enabled and started (interlock.service starts on the first call)");
        }
        else
        {
            output.WriteLine($"daemon: systemd is not running here; units are in {UnitDirectory}. Run the daemon in the foreground as root's child:");
            output.WriteLine($"  {foreground}");
        }

        // 6. Hooks in the administrator-managed settings.
        var timeout = HookCommandLine.FindTimeout();
        foreach (var harness in harnesses)
        {
            var written = harness.Install(HookCommandLine.Build(Path.Combine(LibraryDirectory, "interlock-hook"), harness.Name, timeout));
            output.WriteLine($"{harness.Product}: registered in {string.Join(" and ", written)} (root-owned, administrator-managed)");
            foreach (var caveat in harness.Caveats) output.WriteLine($"  note: {caveat}");
        }
        output.WriteLine($"Next: add the humans who approve: `sudo usermod -aG {EnforcedMode.DefaultApproversGroup} <user>` (never the account agents run as); check with `interlock doctor`.");
        return 0;
    }

    private static int Uninstall(IReadOnlyList<ManagedHarness> harnesses, TextWriter output)
    {
        foreach (var harness in harnesses)
            foreach (var path in harness.Uninstall())
                output.WriteLine($"{harness.Product}: removed Interlock from {path}");
        if (Directory.Exists("/run/systemd/system"))
        {
            TryRun("systemctl", "disable", "--now", "interlock.socket", "interlock.service");
        }
        foreach (var unit in new[] { "interlock.socket", "interlock.service" }) File.Delete(Path.Combine(UnitDirectory, unit));
        File.Delete(EnforcedMode.ConfigPath);
        var policy = Path.Combine(EnforcedMode.ConfigDirectory, PolicyLoader.FileName);
        if (File.Exists(policy) && File.ReadAllText(policy) == StarterPolicyText) File.Delete(policy); // the install's, unedited
        output.WriteLine($"enforced mode is off ({EnforcedMode.ConfigPath} removed); the state in {SystemDaemon.StateDirectoryPath} and the binaries in {LibraryDirectory} are kept.");
        return 0;
    }

    public const string SocketUnit = """
        [Unit]
        Description=Interlock decision daemon socket (enforced mode)

        [Socket]
        ListenStream=/run/interlock/decide.sock
        SocketUser=interlock
        SocketGroup=interlock
        # Every local user's hooks connect; the daemon identifies each caller by SO_PEERCRED.
        SocketMode=0666
        DirectoryMode=0755

        [Install]
        WantedBy=sockets.target

        """;

    public static string ServiceUnit(string interlock) => $"""
        [Unit]
        Description=Interlock decision daemon (enforced mode)
        Requires=interlock.socket
        After=interlock.socket

        [Service]
        Type=simple
        ExecStart={interlock} daemon --system
        User=interlock
        Group=interlock
        # Reads the callers' files to decide (scripts, git state) and to keep undo copies; writes only its state.
        AmbientCapabilities=CAP_DAC_READ_SEARCH
        CapabilityBoundingSet=CAP_DAC_READ_SEARCH
        NoNewPrivileges=yes
        StateDirectory=interlock
        StateDirectoryMode=0700
        RuntimeDirectory=interlock
        RuntimeDirectoryPreserve=yes
        ProtectSystem=strict
        ReadWritePaths=/var/lib/interlock /run/interlock
        PrivateTmp=yes
        Restart=always
        RestartSec=1

        [Install]
        WantedBy=multi-user.target

        """;

    internal static SystemAccounts Accounts() => new();

    private static string StarterPolicyText => Interlock.Policy.StarterPolicy.Text.Replace("\r\n", "\n") + "\n";

    /// <summary>Root's, mode 0644, written through a temporary file.</summary>
    internal static void WriteRootFile(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".interlock-tmp";
        File.WriteAllText(temp, text);
        File.SetUnixFileMode(temp, (UnixFileMode)0b110_100_100);
        File.Move(temp, path, overwrite: true);
    }

    private static void Run(string program, params string[] args)
    {
        if (TryRun(program, args) is { } failure) throw new InstallException(failure);
    }

    private static string? TryRun(string program, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(psi)!;
            var err = p.StandardError.ReadToEndAsync();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0 ? null : $"`{program} {string.Join(' ', args)}` failed (exit {p.ExitCode}): {err.Result.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"`{program}` could not be run ({e.Message}); it is needed to set up enforced mode";
        }
    }
}
