using System.Runtime.InteropServices;
using System.Text;

namespace Interlock.Cli.Daemon;

/// <summary>
/// The few C library calls the hook makes to reach its daemon. System.Net.Sockets would start an event thread and
/// probe for IPv4 and IPv6 support in every hook process, a measurable part of a call that must take milliseconds;
/// a blocking Unix socket needs none of that. The AOT build links these calls directly (DirectPInvoke in the project
/// file): no library lookup at run time.
/// </summary>
internal static unsafe class Libc
{
    private const string Library = "libc"; // the runtime maps this name to the C library itself (libc.so.6)

    private const int AfUnix = 1, SockStream = 1, SockCloexec = 0x80000;
    private const int SolSocket = 1, SoPeerCred = 17, SoRcvTimeo = 20, SoSndTimeo = 21;
    private const int MsgNoSignal = 0x4000;
    private const int EIntr = 4, EAgain = 11;

    /// <summary>sun_path's size in struct sockaddr_un.</summary>
    public const int MaxSocketPathBytes = 108;

    [DllImport(Library, EntryPoint = "geteuid")]
    public static extern uint GetEffectiveUid();

    [DllImport(Library, EntryPoint = "stat")]
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

    /// <summary>(device, inode) of a path, or null when it does not exist.</summary>
    public static (ulong, ulong)? FileIdentity(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        var buffer = stackalloc byte[256]; // struct stat is 144 bytes on x86-64, 128 on arm64; st_dev and st_ino lead both
        fixed (byte* p = bytes)
            return Stat(p, buffer) == 0 ? (*(ulong*)buffer, *(ulong*)(buffer + 8)) : null;
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
