namespace Interlock.Cli.Install;

/// <summary>Where an install runs: the home and project directories, and the binary the hook command names; for
/// `doctor` also the policy files that apply to the project (system, user, project, as the hook finds them) and the
/// approval server's URL (null: none configured). Commands read the machine only through this record, so tests
/// run them on temporary directories without touching the real configuration.</summary>
internal sealed record InstallEnvironment(string Home, string Project, string Binary, TextWriter Out, TextWriter Error,
    IReadOnlyList<(Interlock.Core.Policy.PolicyLayer Layer, string Path)> PolicyLayers, string? ServerUrl,
    Func<string, string?>? Variables = null, Func<string, string?>? Versions = null)
{
    /// <summary>The first line `&lt;program&gt; --version` prints (found on PATH), or null when it is not installed or
    /// does not answer. Tests give none.</summary>
    public string? ProgramVersion(string program) => Versions?.Invoke(program);

    /// <summary>An environment variable the harnesses read to find their settings (CODEX_HOME, COPILOT_HOME); null
    /// when unset or empty. Tests give none, so the machine's own never leak in.</summary>
    public string? Variable(string name) => Variables?.Invoke(name) is { Length: > 0 } v ? v : null;

    /// <summary>The real machine: $HOME, the repository (or directory) the command runs in, this executable, the
    /// policy layers the hook would load there, $INTERLOCK_SERVER_URL.</summary>
    public static InstallEnvironment FromProcess(string? dir)
    {
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var start = Path.GetFullPath(dir ?? Environment.CurrentDirectory);
        var project = ProjectRoot(start);
        var server = Environment.GetEnvironmentVariable("INTERLOCK_SERVER_URL");
        return new(home, project, HookBinary(Environment.ProcessPath ?? "interlock"), Console.Out, Console.Error,
            PolicyLoader.Locate(project), string.IsNullOrWhiteSpace(server) ? null : server, Environment.GetEnvironmentVariable, InstalledVersion);
    }

    /// <summary>`program --version`'s first line, bounded to 5 s; null when it is not on PATH or fails.</summary>
    private static string? InstalledVersion(string program)
    {
        try
        {
            var psi = new System.Diagnostics.ProcessStartInfo(program, ["--version"]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            using var p = System.Diagnostics.Process.Start(psi);
            if (p is null) return null;
            p.StandardInput.Close();
            var output = p.StandardOutput.ReadLineAsync();
            if (!p.WaitForExit(5000)) { p.Kill(entireProcessTree: true); return null; }
            return p.ExitCode == 0 ? output.Result : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>What the hook command runs: interlock-hook when it was published beside this interlock (it starts in a
    /// fraction of the time and passes anything it cannot answer to interlock), else this interlock itself.</summary>
    public static string HookBinary(string interlock)
    {
        var fast = Path.Combine(Path.GetDirectoryName(interlock) ?? ".", "interlock-hook");
        return File.Exists(fast) ? fast : interlock;
    }

    /// <summary>The git working tree containing <paramref name="dir"/>, else the directory itself.</summary>
    public static string ProjectRoot(string dir)
    {
        for (var d = new DirectoryInfo(dir); d is not null; d = d.Parent)
            if (Directory.Exists(Path.Combine(d.FullName, ".git")) || File.Exists(Path.Combine(d.FullName, ".git"))) return d.FullName;
        return dir;
    }

    /// <summary>The command registered for <paramref name="harness"/>: the fail-closed wrapper (<see cref="HookCommandLine"/>)
    /// where the harness runs it, else the plain command its plugin calls.</summary>
    public string HookCommand(Harness harness) =>
        harness.RunsRegisteredCommand ? HookCommandLine.Build(Binary, harness.Name, HookCommandLine.FindTimeout()) : PlainHookCommand(harness.Name);

    /// <summary>`&lt;binary&gt; hook &lt;harness&gt;`, as messages show it.</summary>
    public string PlainHookCommand(string harness) =>
        (Binary.Contains(' ') ? $"\"{Binary}\"" : Binary) + " hook " + harness;
}

/// <summary>`interlock install|uninstall &lt;harness&gt;`: register the hook in the harness's settings, or remove it.</summary>
internal static class InstallCommands
{
    public const string BackupSuffix = ".interlock-backup";
    private const int ExitUsage = 64;

    public const string Help = """
        interlock install <harness> [--user | --project] [--dir D] [--agent NAME] [--binary PATH]
        interlock uninstall <harness> [--user | --project] [--dir D] [--agent NAME]

        Registers `interlock hook <harness>` in the agent's own settings, pointing at this binary by absolute path,
        and merges it with what is there: other settings and hooks are kept as they are. Installing twice changes
        nothing. The file as it was before the first install is kept beside it (<file>.interlock-backup), and
        uninstall removes only Interlock's entries, restoring that backup byte for byte when nothing else changed.

        --user      for every project (the default)
        --project   for the repository containing the current directory (or --dir D)
        --agent     Kiro / Amazon Q: the agent configuration to guard (default: interlock, created with all tools)
        --binary    the interlock binary the hook runs (default: this one)

        Harness      settings (user | project)
        claude-code  ~/.claude/settings.json | .claude/settings.json            PreToolUse
        codex        ~/.codex/config.toml | .codex/config.toml                   [[hooks.PreToolUse]] and its [hooks.state] trust entry
        gemini       ~/.gemini/settings.json | .gemini/settings.json             BeforeTool
        cursor       ~/.cursor/hooks.json | .cursor/hooks.json                   beforeShellExecution, beforeMCPExecution, beforeReadFile, preToolUse
        copilot      ~/.copilot/hooks/interlock.json | .github/hooks/interlock.json   preToolUse ($COPILOT_HOME/hooks when set)
        kiro         ~/.kiro/agents/NAME.json | .kiro/agents/NAME.json           preToolUse
        amazon-q     ~/.aws/amazonq/cli-agents/NAME.json | .amazonq/cli-agents/NAME.json
        opencode     ~/.config/opencode/plugin/interlock.js | .opencode/plugin/interlock.js   (a generated plugin)

        `interlock doctor` checks every harness found on this machine.

        Enforced mode, which the agent cannot switch off: `sudo interlock install --system [harness...]`
        (see `interlock install --system --help` and docs/security.md).
        """;

    public static int Run(string verb, string[] args, Func<string?, InstallEnvironment> environment)
    {
        if (args.Contains("--system"))
        {
            if (OperatingSystem.IsLinux()) return SystemInstall.Run(verb, args, Console.Out, Console.Error);
            Console.Error.WriteLine("interlock: enforced mode (--system) runs on Linux only.");
            return 1;
        }
        if (args.Length == 0 || args[0] is "-h" or "--help")
        {
            Console.Out.WriteLine(Help);
            return args.Length == 0 ? ExitUsage : 0;
        }
        InstallScope? scope = null;
        string? dir = null, agent = null, binary = null;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--user": scope = InstallScope.User; break;
                case "--project": scope = InstallScope.Project; break;
                case "--dir" when i + 1 < args.Length: dir = args[++i]; break;
                case "--agent" when i + 1 < args.Length: agent = args[++i]; break;
                case "--binary" when i + 1 < args.Length && verb == "install": binary = args[++i]; break;
                default:
                    Console.Error.WriteLine($"interlock {verb}: unknown option `{args[i]}`. See `interlock {verb} --help`.");
                    return ExitUsage;
            }
        }
        var env = environment(dir);
        if (binary is not null) env = env with { Binary = Path.GetFullPath(binary) };
        return verb == "install" ? Install(args[0], scope, agent, env) : Uninstall(args[0], scope, agent, env);
    }

    private static (Harness? Harness, string? Path, int Exit) Resolve(string name, InstallScope? requested, string? agent, InstallEnvironment env, string verb)
    {
        var harness = Harness.Find(name);
        if (harness is null)
        {
            env.Error.WriteLine($"interlock {verb}: unknown harness `{name}`. Supported: {string.Join(", ", Harness.All.Select(h => h.Name))}.");
            return (null, null, ExitUsage);
        }
        if (agent is not null && harness is not KiroHarness)
        {
            env.Error.WriteLine($"interlock {verb}: --agent applies to kiro and amazon-q only.");
            return (null, null, ExitUsage);
        }
        if (agent is not null && (agent.Length == 0 || agent.IndexOfAny(['/', '\\']) >= 0 || agent.StartsWith('.')))
        {
            env.Error.WriteLine($"interlock {verb}: --agent must be a plain agent name (letters, digits, - and _), not `{agent}`.");
            return (null, null, ExitUsage);
        }
        var scope = requested ?? InstallScope.User;
        string path;
        try
        {
            path = harness.SettingsPath(scope, env, agent ?? KiroHarness.DefaultAgent);
        }
        catch (InstallException e)
        {
            env.Error.WriteLine($"interlock {verb} {harness.Name}: {e.Message}");
            return (null, null, 1);
        }
        return (harness, path, 0);
    }

    public static int Install(string name, InstallScope? requested, string? agent, InstallEnvironment env)
    {
        var (harness, path, exit) = Resolve(name, requested, agent, env, "install");
        if (harness is null || path is null) return exit;
        if (!Path.IsPathFullyQualified(env.Binary) || !File.Exists(env.Binary))
        {
            env.Error.WriteLine($"interlock install: the hook must name the interlock binary by absolute path, but `{env.Binary}` is not an existing file. Publish it to a fixed place (see README) and run that copy's `install`, or pass --binary PATH.");
            return 1;
        }
        try
        {
            var text = harness.Install(path, env.HookCommand(harness), requested ?? InstallScope.User, env);
            if (text is null)
            {
                env.Out.WriteLine($"{harness.Product}: Interlock is already registered in {path}; nothing changed.");
                return 0;
            }
            // The backup is the file as it was before Interlock: taken once, and never of a file already holding it.
            if (File.Exists(path) && !File.Exists(path + BackupSuffix) && harness.RegisteredCommand(path) is null) File.Copy(path, path + BackupSuffix);
            WriteAtomically(path, text);
            env.Out.WriteLine($"{harness.Product}: registered `{env.PlainHookCommand(harness.Name)}` in {path}" +
                (harness.RunsRegisteredCommand ? ", wrapped so that a hook that gives no answer (missing, crashed, hung) stops the action instead of letting it through." : "."));
            if (File.Exists(path + BackupSuffix)) env.Out.WriteLine($"  The file as it was before is kept in {path + BackupSuffix}.");
            if (harness is KiroHarness)
                env.Out.WriteLine($"  Hooks run for the agent `{Path.GetFileNameWithoutExtension(path)}`: start it with `--agent {Path.GetFileNameWithoutExtension(path)}`, or make it the default agent.");
            // A .NET tool lives in a directory named by its version, which `dotnet tool update` removes.
            if (env.Binary.Contains($"{Path.DirectorySeparatorChar}.store{Path.DirectorySeparatorChar}interlock{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                env.Out.WriteLine($"  That path is this version's: after `dotnet tool update interlock`, run `interlock install {harness.Name}` again (until then the hook stops every action; `interlock doctor` says so).");
            env.Out.WriteLine("  Check it with `interlock doctor`.");
            return 0;
        }
        catch (Exception e) when (e is InstallException or IOException or UnauthorizedAccessException)
        {
            env.Error.WriteLine($"interlock install {harness.Name}: {e.Message}");
            return 1;
        }
    }

    public static int Uninstall(string name, InstallScope? requested, string? agent, InstallEnvironment env)
    {
        var (harness, path, exit) = Resolve(name, requested, agent, env, "uninstall");
        if (harness is null || path is null) return exit;
        try
        {
            var text = harness.Uninstall(path);
            if (text == Harness.Unchanged)
            {
                env.Out.WriteLine($"{harness.Product}: Interlock is not registered in {path}; nothing changed.");
                return 0;
            }
            var backup = path + BackupSuffix;
            if (File.Exists(backup) && (text is null || harness.SameSettings(text, File.ReadAllText(backup))))
            {
                File.Copy(backup, path, overwrite: true);
                File.Delete(backup);
                env.Out.WriteLine($"{harness.Product}: removed Interlock; {path} is restored as it was before the install.");
            }
            else if (text is null)
            {
                File.Delete(path);
                env.Out.WriteLine($"{harness.Product}: removed Interlock; {path} held nothing else and is deleted.");
            }
            else
            {
                WriteAtomically(path, text);
                env.Out.WriteLine($"{harness.Product}: removed Interlock's entries from {path}; everything else is kept.");
            }
            return 0;
        }
        catch (Exception e) when (e is InstallException or IOException or UnauthorizedAccessException)
        {
            env.Error.WriteLine($"interlock uninstall {harness.Name}: {e.Message}");
            return 1;
        }
    }

    /// <summary>Writes through a temporary file in the same directory, so a crash never leaves half a settings file.</summary>
    private static void WriteAtomically(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".interlock-tmp";
        File.WriteAllText(temp, text);
        if (File.Exists(path) && !OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
        File.Move(temp, path, overwrite: true);
    }
}
