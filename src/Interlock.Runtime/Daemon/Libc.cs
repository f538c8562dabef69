using System.Runtime.InteropServices;
using System.Text;

namespace Interlock.Runtime.Daemon;

/// <summary>
/// The few C library calls the hook makes to reach its daemon. System.Net.Sockets would start an event thread and
/// probe for IPv4 and IPv6 support in every hook process, a measurable part of a call that must take milliseconds;
/// a blocking Unix socket needs none of that. The AOT build links these calls directly (DirectPInvoke in the project
/// file): no library lookup at run time.
/// </summary>
internal static unsafe class Libc
{
    /// <summary>The calls a hook makes on every run, linked directly in the native build (DirectPInvoke in the
    /// project files; the JIT maps the name to the C library).</summary>
    private const string Library = "libc";

    /// <summary>The rest, bound on first use by the library's real name: probing for "libc" at run time would try
    /// dozens of paths, and a C library without one of these (an old glibc) fails only that use.</summary>
    private const string LazyLibrary = "libc.so.6";

    private const int AfUnix = 1, SockStream = 1, SockCloexec = 0x80000;
    private const int SolSocket = 1, SoPeerCred = 17, SoRcvTimeo = 20, SoSndTimeo = 21;
    private const int MsgNoSignal = 0x4000;
    private const int EIntr = 4, EAgain = 11;

    /// <summary>sun_path's size in struct sockaddr_un.</summary>
    public const int MaxSocketPathBytes = 108;

    [DllImport(Library, EntryPoint = "geteuid")]
    public static extern uint GetEffectiveUid();

    [DllImport(LazyLibrary, EntryPoint = "stat")]
    private static extern int Stat(byte* path, byte* buffer);

    [DllImport(Library, EntryPoint = "socket", SetLastError = true)]
    private static extern int Socket(int domain, int type, int protocol);

    [DllImport(Library, EntryPoint = "connect", SetLastError = true)]
    private static extern int Connect(int fd, byte* address, uint length);

    [DllImport(Library, EntryPoint = "getsockopt", SetLastError = true)]
    private static extern int GetSocketOption(int fd, int level, int name, byte* value, uint* length);

    [DllImport(Library, EntryPoint = "setsockopt", SetLastError = true)]
    private static extern int SetSocketOption(int fd, int level, int name, byte* value, uint length);

    [DllImport(Library, EntryPoint = "send", SetLastError = true)]
    private static extern nint Send(int fd, byte* buffer, nuint length, int flags);

    [DllImport(Library, EntryPoint = "recv", SetLastError = true)]
    private static extern nint Receive(int fd, byte* buffer, nuint length, int flags);

    [DllImport(Library, EntryPoint = "close")]
    private static extern int Close(int fd);

    [DllImport(LazyLibrary, EntryPoint = "posix_spawn_file_actions_init")]
    private static extern int FileActionsInit(byte* actions);

    [DllImport(LazyLibrary, EntryPoint = "posix_spawn_file_actions_addopen")]
    private static extern int FileActionsAddOpen(byte* actions, int fd, byte* path, int flags, uint mode);

    [DllImport(LazyLibrary, EntryPoint = "posix_spawn_file_actions_addclosefrom_np")]
    private static extern int FileActionsAddCloseFrom(byte* actions, int from);

    [DllImport(LazyLibrary, EntryPoint = "posix_spawn_file_actions_destroy")]
    private static extern int FileActionsDestroy(byte* actions);

    [DllImport(LazyLibrary, EntryPoint = "posix_spawnattr_init")]
    private static extern int SpawnAttrInit(byte* attributes);

    [DllImport(LazyLibrary, EntryPoint = "posix_spawnattr_setflags")]
    private static extern int SpawnAttrSetFlags(byte* attributes, short flags);

    [DllImport(LazyLibrary, EntryPoint = "posix_spawnattr_setsigmask")]
    private static extern int SpawnAttrSetSignalMask(byte* attributes, byte* mask);

    [DllImport(LazyLibrary, EntryPoint = "posix_spawnattr_destroy")]
    private static extern int SpawnAttrDestroy(byte* attributes);

    [DllImport(LazyLibrary, EntryPoint = "posix_spawn")]
    private static extern int PosixSpawn(int* pid, byte* path, byte* actions, byte* attributes, byte** argv, byte** envp);

    /// <summary>
    /// Starts <paramref name="path"/> with <paramref name="args"/> in a session of its own, detached from this process
    /// and its caller: standard input from /dev/null, standard output and error written to <paramref name="log"/>
    /// (truncated), no other descriptor inherited, no signals blocked. Returns its pid, or null when it could not be
    /// started.
    /// </summary>
    public static int? SpawnDetached(string path, IReadOnlyList<string> args, string log, IEnumerable<string> environment)
    {
        const int ORdOnly = 0, OWrOnly = 1, OCreat = 0x40, OTrunc = 0x200;
        const short SetSignalMask = 0x08, SetSid = 0x80; // glibc's POSIX_SPAWN_SETSIGMASK, POSIX_SPAWN_SETSID
        using var files = new CStrings(["/dev/null", log]);
        using var argv = new CStrings([path, .. args]);
        using var envp = new CStrings([.. environment]);
        // posix_spawn_file_actions_t is 80 bytes and posix_spawnattr_t 336 in glibc; sigset_t is 128.
        var actions = stackalloc byte[256];
        var attributes = stackalloc byte[512];
        var emptyMask = stackalloc byte[128];
        new Span<byte>(emptyMask, 128).Clear();
        if (FileActionsInit(actions) != 0) return null;
        if (SpawnAttrInit(attributes) != 0) { FileActionsDestroy(actions); return null; }
        try
        {
            if (FileActionsAddOpen(actions, 0, files[0], ORdOnly, 0) != 0
                || FileActionsAddOpen(actions, 1, files[1], OWrOnly | OCreat | OTrunc, 0x180) != 0 // 0600
                || FileActionsAddOpen(actions, 2, files[1], OWrOnly | OCreat, 0x180) != 0
                || SpawnAttrSetFlags(attributes, SetSid | SetSignalMask) != 0
                || SpawnAttrSetSignalMask(attributes, emptyMask) != 0)
                return null;
            try
            {
                // Descriptors the agent's harness left open to its hook (pipes it waits on) must not live on
                // in the daemon; .NET's own are close-on-exec.
                if (FileActionsAddCloseFrom(actions, 3) != 0) return null;
            }
            catch (EntryPointNotFoundException)
            {
                return null; // glibc before 2.34: no daemon rather than one that may hold the harness's pipes
            }
            int pid;
            return PosixSpawn(&pid, argv[0], actions, attributes, argv.Array, envp.Array) == 0 ? pid : null;
        }
        finally
        {
            FileActionsDestroy(actions);
            SpawnAttrDestroy(attributes);
        }
    }

    [DllImport(LazyLibrary, EntryPoint = "memfd_create", SetLastError = true)]
    private static extern int MemoryFileCreate(byte* name, uint flags);

    [DllImport(LazyLibrary, EntryPoint = "write", SetLastError = true)]
    private static extern nint WriteFile(int fd, byte* buffer, nuint length);

    [DllImport(LazyLibrary, EntryPoint = "lseek", SetLastError = true)]
    private static extern long Seek(int fd, long offset, int whence);

    [DllImport(LazyLibrary, EntryPoint = "dup2", SetLastError = true)]
    private static extern int Duplicate(int fd, int newFd);

    [DllImport(LazyLibrary, EntryPoint = "execv", SetLastError = true)]
    private static extern int Execute(byte* path, byte** argv);

    /// <summary>Makes standard input a fresh in-memory file holding <paramref name="contents"/>, read from its start
    /// (what a program executed next reads as its input). Returns 0, or the errno.</summary>
    public static int ReplaceStandardInput(ReadOnlySpan<byte> contents)
    {
        var name = "interlock-event\0"u8;
        int fd;
        fixed (byte* n = name)
            fd = MemoryFileCreate(n, 0); // not close-on-exec: it becomes the next program's input
        if (fd < 0) return Marshal.GetLastPInvokeError();
        try
        {
            fixed (byte* p = contents)
            {
                var done = 0;
                while (done < contents.Length)
                {
                    var w = WriteFile(fd, p + done, (nuint)(contents.Length - done));
                    if (w < 0)
                    {
                        var errno = Marshal.GetLastPInvokeError();
                        if (errno != EIntr) return errno;
                    }
                    else done += (int)w;
                }
            }
            if (Seek(fd, 0, 0) < 0 || Duplicate(fd, 0) < 0) return Marshal.GetLastPInvokeError();
            return 0;
        }
        finally
        {
            if (fd != 0) Close(fd); // 0 when standard input was closed: the file itself became it
        }
    }

    /// <summary>Replaces this process with <paramref name="path"/> run with <paramref name="args"/> (argv[0] is the
    /// path) and this environment. Returns only when that failed, with the errno.</summary>
    public static int ReplaceProcess(string path, IReadOnlyList<string> args)
    {
        using var argv = new CStrings([path, .. args]);
        Execute(argv[0], argv.Array);
        return Marshal.GetLastPInvokeError();
    }

    /// <summary>Strings as the C library takes them: NUL-terminated UTF-8, pinned, and a NULL-terminated array of
    /// pointers to them (argv, envp), valid until disposed.</summary>
    private sealed class CStrings : IDisposable
    {
        private readonly GCHandle[] _handles;
        private readonly GCHandle _array;

        public CStrings(IReadOnlyList<string> strings)
        {
            _handles = new GCHandle[strings.Count];
            var pointers = new nint[strings.Count + 1];
            for (var i = 0; i < strings.Count; i++)
            {
                _handles[i] = GCHandle.Alloc(Encoding.UTF8.GetBytes(strings[i] + "\0"), GCHandleType.Pinned);
                pointers[i] = _handles[i].AddrOfPinnedObject();
            }
            _array = GCHandle.Alloc(pointers, GCHandleType.Pinned);
        }

        public byte* this[int index] => (byte*)_handles[index].AddrOfPinnedObject();

        public byte** Array => (byte**)_array.AddrOfPinnedObject();

        public void Dispose()
        {
            foreach (var h in _handles) h.Free();
            _array.Free();
        }
    }

    /// <summary>(device, inode) of a path, or null when it does not exist.</summary>
    public static (ulong, ulong)? FileIdentity(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        var buffer = stackalloc byte[256]; // struct stat is 144 bytes on x86-64, 128 on arm64; st_dev and st_ino lead both
        fixed (byte* p = bytes)
            return Stat(p, buffer) == 0 ? (*(ulong*)buffer, *(ulong*)(buffer + 8)) : null;
    }

    /// <summary>The owner's uid and the permission bits of <paramref name="path"/> (links followed), or null when it
    /// cannot be stat'ed. struct stat differs by architecture: x86-64 puts st_nlink (8 bytes) before st_mode, the
    /// generic layout (arm64) puts st_mode first and a 4-byte st_nlink after it.</summary>
    public static (uint Uid, uint Gid, uint Mode)? FileOwner(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        var buffer = stackalloc byte[256];
        fixed (byte* p = bytes)
        {
            if (Stat(p, buffer) != 0) return null;
            return RuntimeInformation.ProcessArchitecture == Architecture.X64
                ? (*(uint*)(buffer + 28), *(uint*)(buffer + 32), *(uint*)(buffer + 24) & 0xFFF)
                : (*(uint*)(buffer + 24), *(uint*)(buffer + 28), *(uint*)(buffer + 16) & 0xFFF);
        }
    }

    [DllImport(LazyLibrary, EntryPoint = "lchown", SetLastError = true)]
    private static extern int LChown(byte* path, uint uid, uint gid);

    /// <summary>Gives <paramref name="path"/> (a link itself, not its target) to uid and gid; errno, or 0.</summary>
    public static int ChangeOwner(string path, uint uid, uint gid)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
            return LChown(p, uid, gid) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>A connected, blocking Unix stream socket, closed on Dispose.</summary>
    public sealed class UnixStream : IDisposable
    {
        private int _fd;

        private UnixStream(int fd) => _fd = fd;

        /// <summary>Connects to the socket at <paramref name="path"/>; null when nothing listens there.</summary>
        public static UnixStream? Connect(string path)
        {
            var name = Encoding.UTF8.GetBytes(path);
            if (name.Length >= MaxSocketPathBytes) return null;
            var fd = Socket(AfUnix, SockStream | SockCloexec, 0);
            if (fd < 0) return null;
            var address = stackalloc byte[2 + MaxSocketPathBytes];
            new Span<byte>(address, 2 + MaxSocketPathBytes).Clear();
            *(ushort*)address = AfUnix;
            name.CopyTo(new Span<byte>(address + 2, MaxSocketPathBytes));
            int result;
            do result = Libc.Connect(fd, address, (uint)(2 + name.Length + 1));
            while (result < 0 && Marshal.GetLastPInvokeError() == EIntr);
            if (result < 0)
            {
                Close(fd);
                return null;
            }
            return new UnixStream(fd);
        }

        /// <summary>The process at the other end (SO_PEERCRED), or null.</summary>
        public (int Pid, uint Uid)? Peer()
        {
            var cred = stackalloc int[3]; // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
            uint length = 12;
            return GetSocketOption(_fd, SolSocket, SoPeerCred, (byte*)cred, &length) == 0 && length == 12 ? (cred[0], (uint)cred[1]) : null;
        }

        /// <summary>Bounds every later send and receive.</summary>
        public void SetTimeout(TimeSpan timeout)
        {
            var micros = Math.Max(1000L, (long)(timeout.TotalMilliseconds * 1000));
            var timeval = stackalloc long[2] { micros / 1_000_000, micros % 1_000_000 };
            SetSocketOption(_fd, SolSocket, SoRcvTimeo, (byte*)timeval, 16);
            SetSocketOption(_fd, SolSocket, SoSndTimeo, (byte*)timeval, 16);
        }

        /// <exception cref="TimeoutException">The send timeout passed.</exception>
        /// <exception cref="IOException">The connection failed.</exception>
        public void Write(ReadOnlySpan<byte> data)
        {
            fixed (byte* p = data)
            {
                var done = 0;
                while (done < data.Length)
                {
                    var n = Send(_fd, p + done, (nuint)(data.Length - done), MsgNoSignal);
                    if (n < 0) Fail("send");
                    else done += (int)n;
                }
            }
        }

        /// <summary>Fills <paramref name="buffer"/>; returns fewer bytes only at the end of the stream.</summary>
        /// <exception cref="TimeoutException">The receive timeout passed.</exception>
        /// <exception cref="IOException">The connection failed.</exception>
        public int ReadFully(Span<byte> buffer)
        {
            fixed (byte* p = buffer)
            {
                var done = 0;
                while (done < buffer.Length)
                {
                    var n = Receive(_fd, p + done, (nuint)(buffer.Length - done), 0);
                    if (n < 0) Fail("recv");
                    else if (n == 0) break;
                    else done += (int)n;
                }
                return done;
            }
        }

        private static void Fail(string call)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr) return; // retried by the caller's loop
            if (errno == EAgain) throw new TimeoutException($"{call} timed out");
            throw new IOException($"{call} failed (errno {errno})");
        }

        public void Dispose()
        {
            if (_fd >= 0) Close(_fd);
            _fd = -1;
        }
    }
}
