using System.Diagnostics;

namespace Interlock.Cli.Install;

/// <summary>
/// `interlock doctor`: for every harness found on this machine, is the hook registered, does the registered binary
/// run and answer a harmless event as that harness expects (and how fast), is the policy valid, is the server
/// reachable. Each problem comes with the command that fixes it. Exit 0 when nothing is wrong, 1 otherwise.
/// </summary>
internal static class DoctorCommand
{
    public const string Help = """
        interlock doctor [--dir D]

        For every agent harness found on this machine (its settings directory exists, or the project registers
        Interlock): whether `interlock hook <harness>` is registered (per user and for the project containing the
        current directory, or D), whether the registered binary runs and answers a harmless event in that
        harness's protocol (and in how many milliseconds), whether the policy files that apply to the project
        (system, user and project layers, as the hook loads them) are valid, and whether the approval server
        (INTERLOCK_SERVER_URL) is reachable. Every problem is printed with the command that fixes it.
        Exit status: 0 all well, 1 problems.
        """;

    /// <summary>Enforced mode, when this machine is in it: is the mode switch trustworthy, does the daemon answer.</summary>
    private static int Enforced(InstallEnvironment env)
    {
        var mode = EnforcedMode.Load(out var problem);
        if (mode is null && problem is null) return 0;
        env.Out.WriteLine($"enforced mode ({EnforcedMode.ConfigPath})");
        if (mode is null)
        {
            env.Out.WriteLine($"  config:  PROBLEM {problem}; every hook call is stopped until it is fixed");
            env.Out.WriteLine("           fix: sudo interlock install --system");
            return 1;
        }
        var answer = mode.Ask(new SystemRequest("status", "", "/", 5000, [], [], []), TimeSpan.FromSeconds(5));
        if (answer is null)
        {
            env.Out.WriteLine($"  daemon:  PROBLEM no answer on {mode.Socket} from uid {mode.DaemonUid}; every hook call is stopped until it runs");
            env.Out.WriteLine("           fix: sudo systemctl enable --now interlock.socket (in a container: the `setpriv ... interlock daemon --system` line `install --system` printed)");
            return 1;
        }
        env.Out.WriteLine($"  daemon:  {answer.Stdout.Trim()}");
        return 0;
    }

    // As long as the harness waits for the hook (30 s registered): slower is a problem only past that.
    private const int ProbeTimeoutMs = 30_000;

    public static int Run(string[] args, Func<string?, InstallEnvironment> environment)
    {
        string? dir = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "-h" or "--help") { Console.Out.WriteLine(Help); return 0; }
            if (args[i] == "--dir" && i + 1 < args.Length) { dir = args[++i]; continue; }
            Console.Error.WriteLine($"interlock doctor: unknown option `{args[i]}`. See `interlock doctor --help`.");
            return 64;
        }
        var env = environment(dir);
        // Colour at a terminal only, never with NO_COLOR (CommandLine/Colour.cs).
        if (CommandLine.Colour.OnStdout && ReferenceEquals(env.Out, Console.Out)) env = env with { Out = new CommandLine.DoctorColourWriter(Console.Out) };
        return Check(env);
    }

    /// <summary>The interlock that a fix should run: this one, by absolute path when it is not the one on PATH
    /// (after `dotnet tool update` the registered one may be gone, so `interlock` alone could be the old one).</summary>
    private static string Self => Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "interlock" ? p : "interlock";

    public static int Check(InstallEnvironment env)
    {
        var problems = Enforced(env);
        // Read first: a probe refused because of an invalid policy is fixed in the policy file, not by reinstalling.
        var (policyOk, policyLines) = Policy(env);
        var found = 0;
        foreach (var harness in Harness.All)
        {
            var paths = new List<(InstallScope Scope, string Path)>();
            var located = new List<string>(); // settings that cannot even be located (a CODEX_HOME that is not there)
            foreach (var scope in new[] { InstallScope.User, InstallScope.Project })
            {
                try
                {
                    paths.Add((scope, harness.SettingsPath(scope, env, KiroHarness.DefaultAgent)));
                }
                catch (InstallException e)
                {
                    located.Add(e.Message);
                }
            }
            var registered = paths.Select(p => (p.Scope, p.Path, Command: harness.RegisteredCommand(p.Path))).Where(r => r.Command is not null).ToList();
            var present = harness.Markers.Any(m => Directory.Exists(Path.Combine(env.Home, m)));
            if (!present && registered.Count == 0) continue;
            found++;
            env.Out.WriteLine($"{harness.Name} ({harness.Product})");
            foreach (var why in located)
            {
                env.Out.WriteLine($"  hook:    PROBLEM {why}");
                problems++;
            }
            if (registered.Count == 0)
            {
                env.Out.WriteLine($"  hook:    PROBLEM not registered ({string.Join(", ", paths.Select(p => p.Path))})");
                env.Out.WriteLine($"           fix: interlock install {harness.Name} --user");
                problems++;
                continue;
            }
            foreach (var (scope, path, command) in registered)
            {
                env.Out.WriteLine($"  hook:    registered in {path}");
                if (harness.RunsRegisteredCommand && !HookCommandLine.IsWrapped(command!))
                {
                    env.Out.WriteLine($"  hook:    PROBLEM registered without the fail-closed wrapper: if the hook cannot start, crashes or hangs, {harness.Product} lets the action through");
                    env.Out.WriteLine($"           fix: interlock install {harness.Name} --{scope.ToString().ToLowerInvariant()}");
                    problems++;
                }
                foreach (var problem in SafeProblems(harness, scope, path, env))
                {
                    env.Out.WriteLine($"  hook:    PROBLEM {problem.Summary}");
                    env.Out.WriteLine($"           fix: {problem.Fix}");
                    problems++;
                }
                var binary = HookCommandLine.Binary(command!, harness.Name)!;
                var (ok, detail) = Probe(binary, harness.RunsRegisteredCommand ? command : null, harness, env.Project);
                env.Out.WriteLine($"  binary:  {(ok ? "" : "PROBLEM ")}{detail}");
                if (!ok)
                {
                    env.Out.WriteLine(!File.Exists(binary)
                        ? $"           fix: {Self} install {harness.Name} --{scope.ToString().ToLowerInvariant()}   (registers this installation's {InstallEnvironment.HookBinary(Self)}; the registered one is gone, e.g. after `dotnet tool update` or a move)"
                        : !policyOk
                            ? "           fix: the policy problem below (an invalid policy stops every action, this probe's too)"
                            : $"           fix: {Self} install {harness.Name} --{scope.ToString().ToLowerInvariant()}   (registers this installation's {InstallEnvironment.HookBinary(Self)} in place of {binary})");
                    problems++;
                }
                else if (InstallEnvironment.HookBinary(binary) is var fast && fast != binary)
                    // Works, but each call starts all of interlock: an install from before interlock-hook existed.
                    env.Out.WriteLine($"           note: {fast} is the faster hook command (about 1 ms less per call; docs/performance.md); `interlock install {harness.Name} --{scope.ToString().ToLowerInvariant()}` registers it");
            }
            // Registered is not running: a setting elsewhere can switch every hook (or Interlock's) off.
            foreach (var problem in HookSwitchCheck.Problems(harness, env))
            {
                env.Out.WriteLine($"  hook:    PROBLEM {problem.Summary}");
                env.Out.WriteLine($"           fix: {problem.Fix}");
                problems++;
            }
        }
        if (found == 0) env.Out.WriteLine($"No agent harness found under {env.Home} ({string.Join(", ", Harness.All.Select(h => h.Name))}).\n         to guard one: {Self} install claude-code   (or codex, gemini, cursor, copilot, kiro, amazon-q, opencode)");
        // Not a safety problem (every call is still decided), but each one then costs a process start of all of interlock.
        env.Out.WriteLine(Interlock.Runtime.Daemon.DaemonEndpoint.Unavailable(env.Binary) is { } noDaemon
            ? $"daemon:  cannot run: {noDaemon}" + (noDaemon.StartsWith("INTERLOCK_DAEMON=", StringComparison.Ordinal) ? "\n         to use it: unset INTERLOCK_DAEMON (or set it to auto) where the agents run" : "")
            : "daemon:  available (the first hook call starts it; later calls are answered by it)");
        env.Out.WriteLine(policyLines);
        if (!policyOk) problems++;
        var (serverOk, serverLines) = Server(env.ServerUrl);
        env.Out.WriteLine(serverLines);
        if (!serverOk) problems++;
        env.Out.WriteLine(problems == 0 ? "No problems found." : $"{Interlock.Core.Plural.Of(problems, "problem")} found.");
        return problems == 0 ? 0 : 1;
    }

    /// <summary>The harness's reasons the hook would not run; a settings file that cannot be read is one too.</summary>
    private static IReadOnlyList<HookProblem> SafeProblems(Harness harness, InstallScope scope, string path, InstallEnvironment env)
    {
        try
        {
            return harness.Problems(scope, path, env).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InstallException)
        {
            return [new HookProblem($"{path} could not be read to check that {harness.Product} runs the hook ({e.Message})", $"fix the file, then run `interlock install {harness.Name} --{scope.ToString().ToLowerInvariant()}`")];
        }
    }

    /// <summary>Runs the registered command (through sh, as the harness does; the binary itself when the harness runs
    /// it directly, <paramref name="command"/> null) on the harness's harmless event; whether the answer is the
    /// expected one.</summary>
    private static (bool Ok, string Detail) Probe(string binary, string? command, Harness harness, string cwd)
    {
        if (!File.Exists(binary)) return (false, $"{binary} does not exist");
        var (input, exitCode, stdout) = harness.Probe(cwd);
        var scratch = Directory.CreateTempSubdirectory("interlock-doctor-").FullName;
        try
        {
            var psi = command is null ? new ProcessStartInfo(binary, ["hook", harness.Name]) : new ProcessStartInfo("/bin/sh", ["-c", command]);
            psi.RedirectStandardInput = psi.RedirectStandardOutput = psi.RedirectStandardError = true;
            psi.WorkingDirectory = cwd;
            // The probe is not a decision: it is kept out of the real audit trail, approvals and budgets (a
            // throw-away state directory), starts no daemon, and is not sent to an approval server. (In enforced
            // mode the system daemon decides and records it whatever the environment: it says `doctor` then.)
            psi.Environment[Interlock.State.StateDirectory.OverrideVariable] = scratch;
            psi.Environment["INTERLOCK_DAEMON"] = "off";
            foreach (var v in new[] { "INTERLOCK_SERVER_URL", "INTERLOCK_AGENT_TOKEN", "INTERLOCK_TOKEN" }) psi.Environment.Remove(v);
            var watch = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            p.StandardInput.Write(input);
            p.StandardInput.Close();
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(ProbeTimeoutMs))
            {
                p.Kill(entireProcessTree: true);
                return (false, $"{binary} did not answer within {ProbeTimeoutMs} ms");
            }
            var ms = watch.ElapsedMilliseconds;
            var got = output.Result.Trim();
            if (p.ExitCode != exitCode || got != stdout)
                return (false, $"{binary} answered a harmless `git status` with exit {p.ExitCode} and `{Short(got)}` (expected exit {exitCode} and `{stdout}`){(error.Result.Trim() is { Length: > 0 } e ? ": " + Short(e) : "")}");
            return (true, $"{binary} runs and lets a harmless `git status` through in {ms} ms (decided in-process, not recorded)");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return (false, $"{binary} could not be run ({e.Message})");
        }
        finally
        {
            try { Directory.Delete(scratch, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a temporary directory */ }
        }
    }

    /// <summary>Whether the policy files that apply to the project (the environment's layers, loaded as the hook
    /// loads them) are valid. An invalid one stops every action the hook sees, so it is a problem.</summary>
    private static (bool Ok, string Lines) Policy(InstallEnvironment env)
    {
        var policy = PolicyLoader.Load(env.PolicyLayers);
        if (policy.FirstError is { } error)
        {
            var count = policy.Diagnostics.Count(d => d.Severity == Interlock.Policy.DiagnosticSeverity.Error);
            return (false, $"policy:  PROBLEM {error.Location}: {error.Message}{(count > 1 ? $" ({Interlock.Core.Plural.Of(count - 1, "more error")})" : "")}; the hook stops every action until it is fixed\n" +
                $"         fix: edit {error.Location.File}, then run `interlock policy validate` in {env.Project} (it lists every problem and how to fix it)");
        }
        return (true, policy.Files.Count == 0
            ? $"policy:  valid (no policy files: {string.Join(", ", env.PolicyLayers.Select(l => l.Path))}; the built-in policy applies)"
            : $"policy:  valid ({string.Join(", ", policy.Files.Select(f => f.Path))})");
    }

    /// <summary>Whether the approval server (INTERLOCK_SERVER_URL) answers its health check.</summary>
    private static (bool Ok, string Lines) Server(string? url)
    {
        if (string.IsNullOrEmpty(url)) return (true, "server:  none configured (approvals are local: `interlock approve <id>`)");
        const string fix = "\n         fix: start it (`interlock serve`), correct INTERLOCK_SERVER_URL, or unset it to decide locally";
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
            var watch = Stopwatch.StartNew();
            using var response = http.GetAsync(url.TrimEnd('/') + "/health").GetAwaiter().GetResult();
            return response.IsSuccessStatusCode
                ? (true, $"server:  {url} answers its health check in {watch.ElapsedMilliseconds} ms")
                : (false, $"server:  PROBLEM {url}/health answered HTTP {(int)response.StatusCode}{fix}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or UriFormatException or InvalidOperationException)
        {
            return (false, $"server:  PROBLEM {url} is not reachable ({e.Message}){fix}");
        }
    }

    private static string Short(string s) => s.Length > 200 ? s[..200] + "..." : s;
}
