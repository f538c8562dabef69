using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Interlock.Runtime.World;
using Interlock.State;

namespace Interlock.Runtime.Daemon;

/// <summary>
/// `interlock daemon --system`: the decision daemon of enforced mode, the one privileged part (OpenSSH's monitor,
/// in spirit). It runs as the system user that alone owns the state directory (audit chain, approvals, budgets,
/// snapshots), so nothing the agent's uid runs can forge an approval, reset a breaker or delete a record. Hooks of
/// any user reach it on a Unix socket; it names each caller by SO_PEERCRED and /etc/passwd, decides with the
/// root-owned system policy, ignores (and records) variables that would relocate or loosen the guard, and answers
/// administrative requests (approve, deny, breaker reset) only from callers allowed to make them. Calls are served
/// one at a time: each call's environment is applied to this process for the call.
/// </summary>
internal static class SystemDaemon
{
    /// <summary>The state directory of enforced mode, fixed (the daemon's user owns it, mode 0700).</summary>
    public const string StateDirectoryPath = "/var/lib/interlock";

    /// <summary>An administrative request from <paramref name="caller"/> (who belongs to <paramref name="groups"/>):
    /// runs the CLI command <paramref name="op"/> with <paramref name="args"/> against the daemon's state and
    /// returns what it printed and its exit code.</summary>
    public delegate HookAnswer AdminHandler(SystemAccount caller, IReadOnlyList<string> groups, EnforcedMode mode, string op, string[] args);

    /// <summary>Longest a hook call may take here, whatever the caller asks for.</summary>
    private static readonly TimeSpan MaxCallDeadline = TimeSpan.FromSeconds(20);

    public static int Host(EnforcedMode mode, bool verbose, AdminHandler admin)
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("interlock: daemon --system: enforced mode runs on Linux only.");
            return 1;
        }
        var uid = Libc.GetEffectiveUid();
        if (uid != mode.DaemonUid)
        {
            Console.Error.WriteLine($"interlock: daemon --system must run as the daemon's system user (uid {mode.DaemonUid}, from {EnforcedMode.ConfigPath}), not uid {uid}: start it with `systemctl start interlock.socket`, or in a container `setpriv --reuid={mode.DaemonUid} --regid={mode.DaemonUid} --init-groups --inh-caps=+dac_read_search --ambient-caps=+dac_read_search interlock daemon --system`.");
            return 1;
        }
        // The decision reads the callers' files (scripts, git state, snapshots of what is about to be deleted) with
        // CAP_DAC_READ_SEARCH; without it a private file is unreadable, which the engine treats as indeterminate
        // (stops), never as harmless.
        FixEnvironment();
        var listener = SystemdListener() ?? Bind(mode.Socket);
        if (listener is null) return 1;
        Console.Error.WriteLine($"interlock daemon --system: serving hook calls on {mode.Socket} (pid {Environment.ProcessId}, state in {StateDirectoryPath})");

        var accounts = new SystemAccounts();
        using var store = new SharedStore(() => DecisionPipelines.OpenStore(MaxCallDeadline, walCheckpointBytes: 512 * 1024, stateDirectory: StateDirectoryPath));
        var stop = new CancellationTokenSource();
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        long due = 0;
        var server = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                if (!listener.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectRead)) continue;
                Socket connection;
                try { connection = listener.Accept(); }
                catch (SocketException) { continue; }
                ServeOne(connection, mode, accounts, store, admin, verbose, d => Volatile.Write(ref due, d));
            }
        }, 16 * 1024 * 1024) { IsBackground = true, Name = "interlock-system-daemon" };
        server.Start();
        // A call stuck past its deadline holds the store: leave, and let the service manager start a fresh daemon
        // (hooks stop their actions meanwhile; nothing is ever decided anywhere else).
        while (!server.Join(100))
        {
            if (Volatile.Read(ref due) is var d && d != 0 && Stopwatch.GetTimestamp() > d)
            {
                Console.Error.WriteLine("interlock daemon --system: a call missed its deadline; exiting (the service manager restarts the daemon; hooks stop actions until then)");
                Environment.Exit(1);
            }
        }
        listener.Dispose();
        return 0;
    }

    /// <summary>The daemon's own configuration is fixed, whatever environment it was started in: state and policy
    /// in their enforced places, no user-level configuration.</summary>
    private static void FixEnvironment()
    {
        Environment.SetEnvironmentVariable(StateDirectory.OverrideVariable, StateDirectoryPath);
        Environment.SetEnvironmentVariable("INTERLOCK_SYSTEM_CONFIG_DIR", EnforcedMode.ConfigDirectory);
        foreach (var name in new[] { "INTERLOCK_CONFIG_DIR", "INTERLOCK_DAEMON", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME" })
            Environment.SetEnvironmentVariable(name, null);
    }

    /// <summary>The socket systemd passed (socket activation: LISTEN_PID is this process, LISTEN_FDS=1, fd 3).</summary>
    private static Socket? SystemdListener()
    {
        if (Environment.GetEnvironmentVariable("LISTEN_PID") != Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)) return null;
        if (Environment.GetEnvironmentVariable("LISTEN_FDS") != "1") return null;
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        return new Socket(new SafeSocketHandle(3, ownsHandle: true));
    }

    private static Socket? Bind(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        try
        {
            var directory = Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            File.Delete(path);
            var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            // Every local user's hooks must reach it; who calls is checked per call (SO_PEERCRED), not by the mode.
            File.SetUnixFileMode(path, (UnixFileMode)0b110_110_110);
            listener.Listen(128);
            return listener;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SocketException)
        {
            Console.Error.WriteLine(Interlock.Core.DecisionMessages.Sentences($"interlock: daemon --system: cannot listen on {path}: {e.Message}", "Its directory must be the daemon user's (systemd's RuntimeDirectory=interlock makes /run/interlock)."));
            return null;
        }
    }

    private static void ServeOne(Socket connection, EnforcedMode mode, SystemAccounts accounts, SharedStore store, AdminHandler admin, bool verbose, Action<long> watch)
    {
        using var _ = connection;
        var clock = Stopwatch.StartNew();
        string summary = "";
        try
        {
            if (HookDaemon.Peer(connection) is not var (pid, uid)) return;
            connection.ReceiveTimeout = 2000;
            using var stream = new NetworkStream(connection, ownsSocket: false);
            if (DaemonEndpoint.ReadFrame(stream) is not { } frame) return;
            var request = SystemRequest.Decode(frame);
            HookAnswer answer;
            if (accounts.ByUid(uid) is not { } account)
            {
                var why = $"Interlock: uid {uid} (pid {pid}) has no entry in /etc/passwd, so the decision daemon does not serve it; the action is stopped.";
                RecordUnknownCaller(store, request, why);
                answer = new HookAnswer("", why, 2);
            }
            else if (request.Op == "hook")
            {
                var deadline = TimeSpan.FromMilliseconds(Math.Min(request.DeadlineMs, MaxCallDeadline.TotalMilliseconds));
                watch(Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency));
                answer = Decide(request, account, CallerAccess.For(account, accounts), pid, deadline, store);
                watch(0);
            }
            else
            {
                answer = admin(account, accounts.GroupsOf(account), mode, request.Op, request.Args);
            }
            summary = $"uid {uid} pid {pid} {request.Op} {request.Harness}: exit {answer.ExitCode}";
            DaemonEndpoint.WriteFrame(stream, DaemonEndpoint.EncodeAnswer(answer));
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or ObjectDisposedException)
        {
            summary = $"call failed: {e.Message}";
        }
        if (verbose) Console.Error.WriteLine($"interlock daemon --system: {summary} in {clock.Elapsed.TotalMilliseconds:0.00} ms");
    }

    /// <summary>A call from a uid without an account is recorded like any stop (best effort: it is stopped either way).</summary>
    private static void RecordUnknownCaller(SharedStore store, SystemRequest request, string why)
    {
        try
        {
            using var open = store.Open();
            open.Audit.AppendAsync(new AuditEntry(DateTimeOffset.UtcNow, request.Harness, null, request.Cwd, request.Op, null, "deny", "enforced.unknown-caller", why, "[]", 0)).AsTask().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is StateStoreException or IOException)
        {
            Console.Error.WriteLine($"interlock daemon --system: could not record a call from an unknown uid: {e.Message}");
        }
    }

    /// <summary>Decides one hook event for <paramref name="account"/>, with the caller's environment applied for the
    /// call (only the variables the decision reads; HOME, USER and LOGNAME from /etc/passwd).</summary>
    private static HookAnswer Decide(SystemRequest request, SystemAccount account, CallerAccess access, int pid, TimeSpan deadline, SharedStore store)
    {
        if (!HookAdapters.All.TryGetValue(request.Harness, out var create))
            return new HookAnswer("", $"Interlock: unknown harness `{request.Harness}` in the hook command, so the action is stopped.", 2);
        var adapter = create();
        var caller = CallerEnvironment.From(request.Environment);
        var identity = new CallerIdentity(account.Uid, pid, account.Name, caller.Ignored(account));
        var applied = caller.Apply(account);
        try
        {
            if (request.Cwd.StartsWith('/') && Directory.Exists(request.Cwd)) Environment.CurrentDirectory = request.Cwd;
            return DecisionPipelines.Guarded(adapter, () => DecisionPipelines.DecideEnforced(adapter, request.Input, identity, access, deadline, store.Open));
        }
        finally
        {
            CallerEnvironment.Reset(applied);
            Environment.CurrentDirectory = "/";
        }
    }

    /// <summary>One store kept open across calls (see <see cref="HookDaemon"/>'s).</summary>
    private sealed class SharedStore(Func<IStateStore> open) : IDisposable
    {
        private IStateStore? _store;

        public IStateStore Open() => new Borrowed(_store ??= open());

        public void Dispose() => _store?.Dispose();

        private sealed class Borrowed(IStateStore inner) : IStateStore
        {
            public string Location => inner.Location;
            public IAuditLog Audit => inner.Audit;
            public ISnapshotLog Snapshots => inner.Snapshots;
            public Interlock.State.Approvals.IApprovalStore Approvals => inner.Approvals;
            public Interlock.State.Budgets.IBudgetLog Budgets => inner.Budgets;
            public Interlock.State.Provenance.ISessionFiles SessionFiles => inner.SessionFiles;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}

/// <summary>
/// A caller's environment as its hook sent it. The decision sees only the variables the world view exposes; every
/// variable that would relocate or loosen the guard in user mode (INTERLOCK_*, XDG config and state homes, a HOME
/// that is not the caller's) is ignored and named in the record.
/// </summary>
internal sealed class CallerEnvironment
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    private static readonly string[] Relocating = ["XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"];

    public static CallerEnvironment From(IEnumerable<string> entries)
    {
        var e = new CallerEnvironment();
        foreach (var entry in entries)
        {
            var eq = entry.IndexOf('=');
            if (eq > 0) e._variables[entry[..eq]] = entry[(eq + 1)..];
        }
        return e;
    }

    public string? this[string name] => _variables.TryGetValue(name, out var v) ? v : null;

    /// <summary>What was ignored, for the record: names and (bounded) values; secrets by name only.</summary>
    public IReadOnlyList<string> Ignored(SystemAccount account)
    {
        var ignored = new List<string>();
        foreach (var (name, value) in _variables.OrderBy(v => v.Key, StringComparer.Ordinal))
        {
            if (name == "INTERLOCK_HOOK_TIMEOUT_MS") continue; // bounds the caller's own wait; never loosens
            if (!name.StartsWith("INTERLOCK_", StringComparison.Ordinal) && Array.IndexOf(Relocating, name) < 0) continue;
            ignored.Add(name.Contains("TOKEN", StringComparison.Ordinal) ? name : $"{name}={Bounded(value)}");
        }
        if (this["HOME"] is { } home && home.TrimEnd('/') != account.Home.TrimEnd('/')) ignored.Add($"HOME={Bounded(home)} (the account's home is {account.Home})");
        return ignored;
    }

    private static string Bounded(string value) => value.Length > 80 ? value[..80] + "..." : value;

    /// <summary>Sets the variables the decision reads to the caller's (HOME, USER, LOGNAME from /etc/passwd) and
    /// returns their names, for <see cref="Reset"/>.</summary>
    public List<string> Apply(SystemAccount account)
    {
        var applied = new List<string>();
        foreach (var name in FileSystemWorld.ExposedVariables)
        {
            if (name.StartsWith("INTERLOCK_", StringComparison.Ordinal) || Array.IndexOf(Relocating, name) >= 0) continue;
            var value = name switch
            {
                "HOME" => account.Home,
                "USER" or "LOGNAME" => account.Name,
                _ => this[name],
            };
            Environment.SetEnvironmentVariable(name, value);
            applied.Add(name);
        }
        return applied;
    }

    public static void Reset(List<string> applied)
    {
        foreach (var name in applied) Environment.SetEnvironmentVariable(name, null);
    }
}
