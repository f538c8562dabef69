using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Interlock.Tests.Cli;

/// <summary>`interlock daemon` with real processes: the built apphost as daemon and as hook, in scratch directories.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HookDaemonTests : IDisposable
{
    private readonly string _root = Path.Combine("/tmp", "il-daemon-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<Process> _daemons = [];
    private readonly List<int> _startedPids = [];

    public HookDaemonTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, "repo"));
        Directory.CreateDirectory(Path.Combine(_root, "state"));
    }

    private string Repo => Path.Combine(_root, "repo");
    private string State => Path.Combine(_root, "state");

    private static string Exe => Path.Combine(AppContext.BaseDirectory, "interlock");

    /// <summary>interlock-hook, beside interlock as a publish places it.</summary>
    private static string Front => Path.Combine(AppContext.BaseDirectory, "interlock-hook");

    private ProcessStartInfo Start(params string[] args) => StartProgram(Exe, args);

    private ProcessStartInfo StartProgram(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = Repo };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["INTERLOCK_STATE_DIR"] = State;
        psi.Environment["INTERLOCK_CONFIG_DIR"] = psi.Environment["INTERLOCK_SYSTEM_CONFIG_DIR"] = "/nonexistent/interlock-tests-no-policy";
        psi.Environment["HOME"] = Path.Combine(_root, "home");
        // Test builds run JIT-compiled: a daemon's first call compiles the whole pipeline, which on a loaded 2-core
        // machine can take longer than the 10 s default deadline. Tests about deadlines set their own.
        psi.Environment["INTERLOCK_HOOK_TIMEOUT_MS"] = "60000";
        return psi;
    }

    /// <summary>Starts a daemon and waits for it to listen; returns its socket path and its stderr lines so far.</summary>
    private (Process Daemon, string Socket, List<string> Log) StartDaemon(params (string Name, string Value)[] env)
    {
        var psi = Start("daemon", "--verbose", "--idle-minutes", "2");
        foreach (var (n, v) in env) psi.Environment[n] = v;
        var p = Process.Start(psi)!;
        _daemons.Add(p);
        var log = new List<string>();
        var listening = new TaskCompletionSource<string>();
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.Add(e.Data);
            if (e.Data.Contains("serving hook calls on ")) listening.TrySetResult(e.Data.Split(" on ")[1].Split(' ')[0]);
        };
        p.BeginErrorReadLine();
        Assert.True(listening.Task.Wait(60_000), "the daemon did not start listening");
        return (p, listening.Task.Result, log);
    }

    private (int Exit, string Stdout) Hook(string command, params (string Name, string Value)[] env) => Run(Exe, command, env).Result;

    private (int Exit, string Stdout) FrontHook(string command, params (string Name, string Value)[] env) => Run(Front, command, env).Result;

    private static string Event(string command, string cwd) =>
        $$"""{"session_id":"s1","cwd":"{{cwd}}","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":{{System.Text.Json.JsonSerializer.Serialize(command, JsonStrings.Default.String)}} } }""";

    private ((int Exit, string Stdout) Result, string Stderr) Run(string exe, string command, params (string Name, string Value)[] env) =>
        RunEvent(exe, ["hook", "claude-code"], Event(command, Repo), env);

    private ((int Exit, string Stdout) Result, string Stderr) RunEvent(string exe, string[] args, string ev, params (string Name, string Value)[] env)
    {
        var psi = StartProgram(exe, args);
        foreach (var (n, v) in env) psi.Environment[n] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(ev);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(60_000));
        // The pipes close with the hook: nothing it started (a background daemon) holds them open.
        Assert.True(stdout.Wait(10_000) && stderr.Wait(10_000), "the hook's output pipes stayed open after it exited");
        return ((p.ExitCode, stdout.Result), stderr.Result);
    }

    private static int Served(List<string> log)
    {
        lock (log) return log.Count(l => l.StartsWith("interlock daemon: claude-code ", StringComparison.Ordinal));
    }

    private static void WaitFor(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(20);
        Assert.True(condition());
    }

    private static readonly string[] Commands = ["git status && npm test", "rm -rf ~", "git reset --hard", "echo 'rm -rf /' > notes.txt"];

    [Fact]
    public void A_daemon_answers_every_call_exactly_as_the_hook_process_does_and_records_it()
    {
        var alone = Commands.Select(c => Hook(c)).ToArray();
        var (_, _, log) = StartDaemon();
        var served = Commands.Select(c => Hook(c)).ToArray();
        Assert.Equal(alone, served);
        Assert.Contains("\"deny\"", served[1].Stdout);
        Assert.Contains("\"ask\"", served[2].Stdout);
        WaitFor(() => Served(log) == Commands.Length);
        var verify = TestCli.Run(State, "audit", "verify");
        Assert.Equal(0, verify.Exit);
        Assert.Contains((Commands.Length * 2).ToString(), verify.Stdout);
    }

    [Fact]
    public void A_state_directory_too_long_for_a_unix_socket_puts_the_socket_in_the_users_runtime_directory()
    {
        var deep = Path.Combine(State, new string('d', 60), new string('e', 60));
        Directory.CreateDirectory(deep);
        var runtime = Directory.CreateDirectory(Path.Combine(_root, "run")).FullName;
        var env = new[] { ("INTERLOCK_STATE_DIR", deep), ("XDG_RUNTIME_DIR", runtime) };
        var (_, socket, log) = StartDaemon(env);
        Assert.StartsWith(Path.Combine(runtime, "interlock") + "/hookd-", socket);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(runtime, "interlock")));
        Assert.Contains("\"deny\"", Hook("rm -rf ~", env).Stdout);
        WaitFor(() => Served(log) == 1); // answered by the daemon, not decided in-process
        var doctor = StartProgram(Exe, "doctor", "--dir", Repo);
        foreach (var (n, v) in env) doctor.Environment[n] = v;
        doctor.Environment["INTERLOCK_DAEMON"] = "auto";
        using var p = Process.Start(doctor)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Contains("daemon:  available", stdout);

        // A runtime directory another user could read (not 0700) is not used: no daemon, every call decided in-process.
        var open = Directory.CreateDirectory(Path.Combine(_root, "run2", "interlock")).FullName;
        File.SetUnixFileMode(open, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var psi = Start("daemon");
        psi.Environment["INTERLOCK_STATE_DIR"] = deep;
        psi.Environment["XDG_RUNTIME_DIR"] = Path.Combine(_root, "run2");
        using var second = Process.Start(psi)!;
        second.StandardInput.Close();
        var error = second.StandardError.ReadToEnd();
        Assert.True(second.WaitForExit(30_000));
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("no Unix socket path fits", error);
    }

    [Fact]
    public void A_policy_written_while_the_daemon_runs_applies_to_the_next_call()
    {
        var (_, _, log) = StartDaemon();
        Assert.Equal("", Hook("ourctl db reset").Stdout);
        Directory.CreateDirectory(Path.Combine(Repo, ".interlock"));
        File.WriteAllText(Path.Combine(Repo, ".interlock", "policy.yaml"), """
            version: 1
            commands:
              - id: team.ourctl-db-reset
                executable: ourctl
                subcommand: db reset
                verdict: deny
                message: ourctl db reset drops the database
            """);
        var (_, stdout) = Hook("ourctl db reset");
        Assert.Contains("team.ourctl-db-reset", stdout);
        WaitFor(() => Served(log) == 2);
    }

    [Fact]
    public void A_hook_in_another_environment_is_not_served_by_the_daemon()
    {
        var (_, _, log) = StartDaemon();
        Hook("git status");
        WaitFor(() => Served(log) == 1);
        var (_, stdout) = Hook("rm -rf ~", ("INTERLOCK_HOOK_TIMEOUT_MS", "9000"));
        Assert.Contains("\"deny\"", stdout);
        Thread.Sleep(500); // a call it served would be logged by now
        Assert.Equal(1, Served(log));
    }

    [Fact]
    public void A_killed_daemon_leaves_hooks_deciding_in_process_and_a_new_daemon_can_start()
    {
        var (daemon, socket, _) = StartDaemon();
        daemon.Kill();
        daemon.WaitForExit();
        Assert.True(File.Exists(socket)); // SIGKILL leaves the socket behind
        Assert.Contains("\"deny\"", Hook("rm -rf ~").Stdout);
        var (_, socket2, log2) = StartDaemon();
        Assert.Equal(socket, socket2);
        Assert.Contains("\"deny\"", Hook("rm -rf ~").Stdout);
        WaitFor(() => Served(log2) == 1);
    }

    [Fact]
    public void A_call_that_never_finishes_is_stopped_at_its_deadline_and_the_daemon_leaves()
    {
        // A policy file that is a FIFO nobody writes to: opening it blocks for ever, like a hung network mount.
        var policy = Path.Combine(Repo, ".interlock", "policy.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(policy)!);
        using (var mkfifo = Process.Start("mkfifo", [policy])) mkfifo.WaitForExit();
        var timeout = ("INTERLOCK_HOOK_TIMEOUT_MS", "1500");
        var (daemon, socket, log) = StartDaemon(timeout);

        var clock = Stopwatch.StartNew();
        var (exit, stdout) = Hook("git status", timeout);
        Assert.Equal(0, exit); // Claude Code reads the JSON answer
        Assert.Contains("\"deny\"", stdout);
        Assert.Contains("[hook.deadline]", stdout);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));

        Assert.True(daemon.WaitForExit(30_000), "the daemon kept running with a call stuck in it");
        Assert.Equal(1, daemon.ExitCode);
        lock (log) Assert.Contains(log, l => l.Contains("a call missed its deadline"));
        Assert.False(File.Exists(socket));

        File.Delete(policy);
        // Decided in-process now; with a deadline a loaded CI machine meets (1.5 s was only for the stuck call).
        Assert.Equal((0, ""), Hook("git status", ("INTERLOCK_HOOK_TIMEOUT_MS", "60000")));
    }

    [Fact]
    public void A_hook_that_decided_by_itself_starts_a_daemon_in_the_background_which_serves_the_next_calls()
    {
        var auto = ("INTERLOCK_DAEMON", "auto");
        Assert.Equal((0, ""), Hook("git status", auto)); // no daemon yet: decided in-process, then one is started
        WaitFor(() => Directory.GetFiles(State, "hookd-*.log").Any(f => File.ReadAllText(f).Contains("serving hook calls")));
        var log = File.ReadAllText(Directory.GetFiles(State, "hookd-*.log").Single());
        var pid = int.Parse(log[(log.IndexOf("(pid ", StringComparison.Ordinal) + 5)..].Split(')')[0]);
        _startedPids.Add(pid);
        // A session of its own, so it outlives the agent's hook process group and never reads its terminal.
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        Assert.Equal(pid.ToString(), stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3]);

        // Served by the daemon: it writes the answer and the audit record (an idle daemon writes nothing).
        var written = BytesWritten(pid);
        Assert.Contains("\"deny\"", Hook("rm -rf ~", auto).Stdout);
        Assert.True(BytesWritten(pid) > written);
        Assert.Single(Directory.GetFiles(State, "hookd-*.sock"));

        // With INTERLOCK_DAEMON=off (another environment) a hook neither uses nor starts one.
        Assert.Contains("\"deny\"", Hook("rm -rf ~", ("INTERLOCK_DAEMON", "off")).Stdout);
        Thread.Sleep(1000);
        Assert.Single(Directory.GetFiles(State, "hookd-*.sock"));
    }

    [Fact]
    public void Interlock_hook_is_served_by_the_daemon_and_answers_exactly_as_interlock_does()
    {
        var alone = Commands.Select(c => Hook(c)).ToArray();
        var (_, _, log) = StartDaemon();
        var served = Commands.Select(c => FrontHook(c)).ToArray();
        Assert.Equal(alone, served);
        WaitFor(() => Served(log) == Commands.Length);
    }

    [Fact]
    public void Without_a_daemon_interlock_hook_hands_the_call_to_interlock_which_decides_and_starts_one()
    {
        var auto = ("INTERLOCK_DAEMON", "auto");
        var alone = Commands.Select(c => Hook(c)).ToArray();
        Assert.Equal(alone[0], FrontHook(Commands[0], auto)); // executed interlock, which decided in-process
        WaitFor(() => Directory.GetFiles(State, "hookd-*.log").Any(f => File.ReadAllText(f).Contains("serving hook calls")));
        var log = File.ReadAllText(Directory.GetFiles(State, "hookd-*.log").Single());
        var pid = int.Parse(log[(log.IndexOf("(pid ", StringComparison.Ordinal) + 5)..].Split(')')[0]);
        _startedPids.Add(pid);
        var written = BytesWritten(pid);
        Assert.Equal(alone[1..], Commands[1..].Select(c => FrontHook(c, auto)).ToArray());
        Assert.True(BytesWritten(pid) > written); // the daemon interlock started served the rest
    }

    [Fact]
    public void Interlock_hook_passes_every_other_command_line_to_interlock()
    {
        var (version, _) = RunEvent(Front, ["--version"], "");
        Assert.Equal((0, $"interlock {Interlock.Cli.Program.Version}\n"), version);
        var (check, _) = RunEvent(Front, ["check", "rm -rf ~"], "");
        Assert.Equal(2, check.Exit);
        var (unknown, stderr) = RunEvent(Front, ["hook", "no-such-agent"], "{}");
        Assert.Equal(2, unknown.Exit);
        Assert.Contains("unknown harness `no-such-agent`", stderr);
        // An event over every harness's limit is not sent anywhere; interlock stops it as oversized.
        var (oversized, _) = RunEvent(Front, ["hook", "claude-code"], Event(new string('a', 2 * 1024 * 1024), Repo));
        Assert.Contains("\"deny\"", oversized.Stdout);
        Assert.Contains("byte limit", oversized.Stdout);
    }

    [Fact]
    public void Interlock_hook_without_interlock_beside_it_stops_the_action_and_says_why()
    {
        var alone = Path.Combine(_root, "alone");
        Directory.CreateDirectory(alone);
        foreach (var f in Directory.GetFiles(AppContext.BaseDirectory, "interlock-hook*"))
            File.Copy(f, Path.Combine(alone, Path.GetFileName(f)));
        var ((exit, stdout), stderr) = RunEvent(Path.Combine(alone, "interlock-hook"), ["hook", "claude-code"], Event("git status", Repo));
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("could not start", stderr);
        Assert.Contains("the action is stopped", stderr);
    }

    [Fact]
    public void A_stuck_daemon_leaves_interlock_hook_time_to_decide_in_process_within_the_deadline()
    {
        var policy = Path.Combine(Repo, ".interlock", "policy.yaml");
        Directory.CreateDirectory(Path.GetDirectoryName(policy)!);
        var timeout = ("INTERLOCK_HOOK_TIMEOUT_MS", "3000");
        var (daemon, _, _) = StartDaemon(timeout);
        using (var mkfifo = Process.Start("mkfifo", [policy])) mkfifo.WaitForExit(); // every call now hangs reading it
        var clock = Stopwatch.StartNew();
        var (exit, stdout) = FrontHook("git status", timeout);
        Assert.Equal(0, exit);
        Assert.Contains("[hook.deadline]", stdout); // interlock, executed with what was left, stopped it in time
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
        Assert.True(daemon.WaitForExit(30_000));
    }

    private static long BytesWritten(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/io").First(l => l.StartsWith("wchar:", StringComparison.Ordinal))[6..].Trim());

    [Fact]
    public void Only_one_daemon_serves_an_environment()
    {
        StartDaemon();
        using var second = Process.Start(Start("daemon"))!;
        var stderr = second.StandardError.ReadToEnd();
        Assert.True(second.WaitForExit(60_000));
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("another daemon already serves this environment", stderr);
    }

    [Fact]
    public void An_impostor_listening_on_the_daemon_socket_is_not_believed()
    {
        var (daemon, socket, _) = StartDaemon();
        daemon.Kill();
        daemon.WaitForExit();
        File.Delete(socket);
        // Something else (not interlock) answers "allow" to everything on the daemon's socket name.
        using var impostor = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        impostor.Bind(new UnixDomainSocketEndPoint(socket));
        impostor.Listen(8);
        var accepted = 0;
        var serve = Task.Run(() =>
        {
            try
            {
                while (true)
                {
                    using var c = impostor.Accept();
                    Interlocked.Increment(ref accepted);
                    using var s = new NetworkStream(c);
                    DaemonEndpoint.WriteFrame(s, DaemonEndpoint.EncodeAnswer(new HookAnswer("", "", 0)));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
            }
        });
        var (exit, stdout) = Hook("rm -rf ~");
        Assert.Equal(0, exit);
        Assert.Contains("\"deny\"", stdout);
        WaitFor(() => Volatile.Read(ref accepted) == 1); // it was reached, and ignored
        impostor.Close();
    }

    [Fact]
    public void Frames_that_are_not_requests_or_answers_are_rejected_not_trusted()
    {
        var request = new DaemonRequest("k", "claude-code", "/tmp", 1000, Encoding.UTF8.GetBytes("{}"));
        Assert.Equal(request.Input, DaemonRequest.Decode(request.Encode()).Input);
        Assert.Throws<InvalidDataException>(() => DaemonRequest.Decode(new byte[] { 1, 2, 3 }));
        var truncated = request.Encode()[..^1];
        Assert.Throws<InvalidDataException>(() => DaemonRequest.Decode(truncated));
        var answer = new HookAnswer("out", "err", 2);
        Assert.Equal(answer, DaemonEndpoint.DecodeAnswer(DaemonEndpoint.EncodeAnswer(answer)));
        Assert.Null(DaemonEndpoint.DecodeAnswer(DaemonEndpoint.EncodeAnswer(null)));
        Assert.Throws<InvalidDataException>(() => DaemonEndpoint.DecodeAnswer(DaemonEndpoint.EncodeAnswer(answer)[..^1]));
        Assert.Throws<InvalidDataException>(() => DaemonEndpoint.DecodeAnswer(new byte[] { 0, 1 }));
        using var oversized = new MemoryStream(BitConverter.GetBytes(DaemonEndpoint.MaxFrameBytes + 1));
        Assert.Throws<InvalidDataException>(() => DaemonEndpoint.ReadFrame(oversized));
    }

    public void Dispose()
    {
        foreach (var pid in _startedPids)
        {
            try { using var p = Process.GetProcessById(pid); p.Kill(); p.WaitForExit(10_000); } catch (Exception e) when (e is ArgumentException or InvalidOperationException) { }
        }
        foreach (var d in _daemons)
        {
            try { if (!d.HasExited) { d.Kill(); d.WaitForExit(10_000); } } catch (InvalidOperationException) { }
            d.Dispose();
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
