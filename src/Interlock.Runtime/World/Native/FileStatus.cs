using System.Runtime.InteropServices;
using System.Text;
using Interlock.Core;

namespace Interlock.Runtime.World.Native;

/// <summary>
/// A file's identity (device, inode, link count) for the world view, from Linux's statx(2): its struct has one layout
/// on every architecture (unlike struct stat), so no per-platform offsets are guessed. Elsewhere, or when the C library
/// has no statx (glibc before 2.28), the identity is unknown and hard links are not recognised.
/// </summary>
internal static unsafe class FileStatus
{
    private const string Library = "libc.so.6";
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1, StatxMode = 0x2, StatxNlink = 0x4, StatxIno = 0x100;
    private const int StatxSize = 256;

    [DllImport(Library, EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);

    private static bool _unavailable;

    /// <summary>What changes whenever a file's content may have changed: device, inode, size, mtime and ctime (the
    /// status-change time, which no unprivileged call can set back, unlike mtime). Follows symbolic links, as reading
    /// does. Null when unknown.</summary>
    public static (ulong Device, ulong Inode, ulong Size, long CtimeSeconds, uint CtimeNanoseconds, long MtimeSeconds, uint MtimeNanoseconds)? Version(string absolutePath)
    {
        const uint StatxSizeMask = 0x200, StatxCtime = 0x80, StatxMtime = 0x40;
        if (_unavailable || !OperatingSystem.IsLinux() || absolutePath.Contains('\0')) return null;
        var bytes = Encoding.UTF8.GetBytes(absolutePath + "\0");
        var buffer = stackalloc byte[StatxSize];
        try
        {
            fixed (byte* p = bytes)
            {
                if (Statx(AtFdCwd, p, 0, StatxType | StatxIno | StatxSizeMask | StatxCtime | StatxMtime, buffer) != 0) return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return null;
        }
        var want = StatxType | StatxIno | StatxSizeMask | StatxCtime | StatxMtime;
        if ((*(uint*)buffer & want) != want) return null;
        if ((*(ushort*)(buffer + 28) & 0xF000) != 0x8000) return null; // not a regular file
        var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        return (device, *(ulong*)(buffer + 32), *(ulong*)(buffer + 40), *(long*)(buffer + 96), *(uint*)(buffer + 104), *(long*)(buffer + 112), *(uint*)(buffer + 120));
    }

    public static FileIdentity? Identity(string absolutePath)
    {
        if (_unavailable || !OperatingSystem.IsLinux() || absolutePath.Contains('\0')) return null;
        var bytes = Encoding.UTF8.GetBytes(absolutePath + "\0");
        var buffer = stackalloc byte[StatxSize];
        try
        {
            fixed (byte* p = bytes)
            {
                if (Statx(AtFdCwd, p, AtSymlinkNoFollow, StatxType | StatxMode | StatxNlink | StatxIno, buffer) != 0) return null;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return null;
        }
        var mask = *(uint*)buffer;
        if ((mask & (StatxType | StatxNlink | StatxIno)) != (StatxType | StatxNlink | StatxIno)) return null;
        var mode = *(ushort*)(buffer + 28);
        if ((mode & 0xF000) != 0x8000) return null; // not a regular file
        var links = *(uint*)(buffer + 16);
        var inode = *(ulong*)(buffer + 32);
        var device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        return new FileIdentity(device, inode, links);
    }
}
