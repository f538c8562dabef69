using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.State.Budgets;
using Interlock.State.Sqlite;

namespace Interlock.Runtime.Daemon;

/// <summary>
/// `interlock daemon`: a resident process that answers hook calls for the environment it was started in, so each
/// call pays for a process start and a connection instead of loading the policy, the engine and the state database.
/// It runs the same code as the hook process (<see cref="DecisionPipelines.Decide"/>), one call at a time, over one open
/// store. It listens on a Unix socket in the state directory (owner-only), answers only its own user, and leaves
/// when idle, when its socket is taken away, or after a call that missed its deadline.
/// </summary>
internal static class HookDaemon
{
    /// <summary>Serves hook calls until idle for <paramref name="idle"/> (infinite: never), its socket is removed, or a
    /// call overruns its deadline; <paramref name="verbose"/> prints a line per call on stderr. The exit code.</summary>
    public static int Host(TimeSpan idle, bool verbose)
    {
        if (!OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("interlock: daemon: only Linux is supported (it checks the caller's uid with SO_PEERCRED); hooks decide in-process elsewhere.");
            return 1;
        }
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("INTERLOCK_SERVER_URL")))
        {
            Console.Error.WriteLine("interlock: daemon: INTERLOCK_SERVER_URL is set, so hooks decide through the approval server and a daemon would not help; unset it or don't start the daemon.");
            return 1;
        }
        var key = DaemonEndpoint.EnvironmentKey(Environment.ProcessPath ?? "");
        var path = DaemonEndpoint.SocketPath(key);
        if (path is null)
        {
            Console.Error.WriteLine($"interlock: daemon: {DaemonEndpoint.NoSocketPath}.");
            return 1;
        }
        uint uid;
        try
        {
            uid = Libc.GetEffectiveUid(); // the daemon checks its callers with the C library's own answer
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Console.Error.WriteLine("interlock: daemon: the C library's geteuid could not be called (glibc expected); hooks decide in-process.");
            return 1;
        }

        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        FileStream lockFile;
        try
        {
            // Held for the daemon's life: one daemon per environment.
            lockFile = new FileStream(path + ".lock", new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        }
        catch (IOException)
        {
            Console.Error.WriteLine($"interlock: daemon: another daemon already serves this environment ({path}).");
            return 1;
        }
        using var _ = lockFile;
        File.Delete(path); // a leftover of a daemon that died: we hold the lock, so nobody else listens there
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        listener.Listen(128);
        var identity = Libc.FileIdentity(path);
        Console.Error.WriteLine($"interlock daemon: serving hook calls on {path} (pid {Environment.ProcessId})");

        // One long-lived connection never rebuilds the WAL index, so it checkpoints rarely (hook processes that
        // decide in-process while it runs still pay for a long WAL once, then keep it short themselves).
        using var store = new DaemonStore(() => DecisionPipelines.OpenStore(DecisionPipelines.Deadline(), walCheckpointBytes: 512 * 1024));
        var watch = new CallWatch();
        var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

        // Calls are served one at a time, on one thread with room for deep inputs: they would queue for the one store
        // anyway, and handing each call to another thread cost more than some calls take.
        var served = 0;
        var server = new Thread(() => served = Serve(listener, path, identity, idle, key, uid, store, watch, verbose, stop.Token), 16 * 1024 * 1024)
        {
            IsBackground = true,
            Name = "interlock-daemon",
        };
        server.Start();
        // This thread watches the calls. One still running past its deadline may never finish, and it holds the
        // store: the daemon leaves, so hooks decide in-process again. The caller stopped waiting at that deadline
        // and answered with a stop itself.
        while (!server.Join(100))
        {
            if (!watch.Overdue) continue;
            Console.Error.WriteLine("interlock daemon: a call missed its deadline; exiting so later calls are decided by the hook processes");
            if (Libc.FileIdentity(path) == identity) File.Delete(path);
            Environment.Exit(1);
        }
        if (Libc.FileIdentity(path) == identity) File.Delete(path);
        return served;
    }

    /// <summary>The accept loop: serves calls until stopped, idle, or its socket is taken away. Returns the exit code.</summary>
    private static int Serve(Socket listener, string path, (ulong, ulong)? identity, TimeSpan idle, string key, uint uid, DaemonStore store, CallWatch watch, bool verbose, CancellationToken stop)
    {
        var lastCall = Stopwatch.StartNew();
        var lastCheck = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested)
        {
            if (idle != Timeout.InfiniteTimeSpan && lastCall.Elapsed > idle) { Console.Error.WriteLine("interlock daemon: idle, exiting"); return 0; }
            if (lastCheck.Elapsed > TimeSpan.FromSeconds(1))
            {
                if (Libc.FileIdentity(path) != identity) { Console.Error.WriteLine("interlock daemon: its socket was removed or replaced, exiting"); return 0; }
                lastCheck.Restart();
            }
            if (!listener.Poll(TimeSpan.FromSeconds(1), SelectMode.SelectRead)) continue;
            Socket connection;
            try
            {
                connection = listener.Accept();
            }
            catch (SocketException)
            {
                continue; // the caller gave up before it was accepted
            }
            lastCall.Restart();
            ServeOne(connection, key, uid, store, watch, verbose);
        }
        return 0;
    }

    private static void ServeOne(Socket connection, string key, uint uid, DaemonStore store, CallWatch watch, bool verbose)
    {
        using var _ = connection;
        try
        {
            if (Peer(connection) is not (_, var peerUid) || peerUid != uid) return; // another user: hang up without a word
            connection.ReceiveTimeout = 2000; // a caller that connects and says nothing holds up the others this long at most
            using var stream = new NetworkStream(connection, ownsSocket: false);
            if (DaemonEndpoint.ReadFrame(stream) is not { } frame) return;
            var request = DaemonRequest.Decode(frame);
            HookAnswer? answer = null;
            var clock = Stopwatch.StartNew();
            if (request.Key == key && HookAdapters.All.TryGetValue(request.Harness, out var create) && Directory.Exists(request.Cwd))
            {
                // The call runs as it would in the hook process: its working directory is the hook's. Calls are served
                // one at a time, so changing the process's directory is safe.
                Environment.CurrentDirectory = request.Cwd;
                var adapter = create();
                var deadline = TimeSpan.FromMilliseconds(request.DeadlineMs);
                watch.Begin(deadline);
                answer = DecisionPipelines.Guarded(adapter, () => DecisionPipelines.Decide(adapter, request.Input, deadline, store.Open));
                watch.End();
            }
            DaemonEndpoint.WriteFrame(stream, DaemonEndpoint.EncodeAnswer(answer));
            if (verbose) Console.Error.WriteLine($"interlock daemon: {request.Harness} {(answer is null ? "declined" : $"exit {answer.ExitCode}")} in {clock.Elapsed.TotalMilliseconds:0.00} ms");
        }
        catch (Exception e) when (e is IOException or SocketException or InvalidDataException or ObjectDisposedException)
        {
            // The client decides in-process when it gets no answer.
        }
    }

    /// <summary>The process at the other end of a connected Unix socket (SO_PEERCRED), or null.</summary>
    internal static (int Pid, uint Uid)? Peer(Socket socket)
    {
        Span<byte> cred = stackalloc byte[12]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        const int SolSocket = 1, SoPeerCred = 17;
        return socket.GetRawSocketOption(SolSocket, SoPeerCred, cred) == 12
            ? (System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(cred), System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(cred[4..]))
            : null;
    }

    /// <summary>When the call being served must be done by (Stopwatch ticks; 0 while none runs), read by the watchdog.</summary>
    private sealed class CallWatch
    {
        private long _due;

        public void Begin(TimeSpan deadline) => Volatile.Write(ref _due, Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency));

        public void End() => Volatile.Write(ref _due, 0);

        public bool Overdue => Volatile.Read(ref _due) is var due && due != 0 && Stopwatch.GetTimestamp() > due;
    }

    /// <summary>One state store kept open across calls (the hook's main cost is opening it), reopened when its file
    /// is replaced or removed (a store that points at a deleted file would record into nothing).</summary>
    private sealed class DaemonStore(Func<IStateStore> open) : IDisposable
    {
        private IStateStore? _store;
        private (ulong, ulong)? _identity;

        public IStateStore Open()
        {
            var path = Path.Combine(StateDirectory.Resolve(), SqliteStateStoreOptions.DefaultFileName);
            if (_store is not null && Libc.FileIdentity(path) != _identity) Reset();
            if (_store is null)
            {
                var store = open();
                _identity = Libc.FileIdentity(path);
                _store = store;
            }
            return new Borrowed(_store);
        }

        public void Reset()
        {
            _store?.Dispose();
            _store = null;
        }

        public void Dispose() => Reset();

        /// <summary>The shared store for one call: the call's Dispose leaves it open.</summary>
        private sealed class Borrowed(IStateStore inner) : IStateStore
        {
            public string Location => inner.Location;
            public IAuditLog Audit => inner.Audit;
            public ISnapshotLog Snapshots => inner.Snapshots;
            public IApprovalStore Approvals => inner.Approvals;
            public IBudgetLog Budgets => inner.Budgets;
            public Interlock.State.Provenance.ISessionFiles SessionFiles => inner.SessionFiles;
            public void Dispose() { }
            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
