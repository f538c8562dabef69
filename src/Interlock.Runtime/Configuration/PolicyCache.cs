using System.Buffers.Binary;
using System.Text;
using Interlock.Core.Policy;
using Interlock.Policy;
using Interlock.State;

namespace Interlock.Runtime.Configuration;

/// <summary>
/// The merged policy, cached so that a hook process does not parse YAML when the policy files have not changed (parsing
/// a 100-rule policy is most of the hook's CPU otherwise; see docs/performance.md).
///
/// An entry is keyed by the SHA-256 of the exact bytes of every layer file (and its path and layer), the interlock build
/// and the encoding's format version, so any change to a file, a different binary or a new format misses. Entries live in
/// <c>policy-cache/</c> in the state directory, which is a protected path (agents cannot write it); the directory is
/// owner-only (0700) and entries are 0600, written to a temp file and renamed into place. Even so, an entry is never
/// trusted on its face: the header, the embedded key, the length and the SHA-256 of the body must all match and the body
/// must decode completely and consistently, else the entry is ignored and the files are parsed (and the entry rewritten).
/// Only policies without errors are cached: an invalid policy is parsed every time, so its stop names the file and line.
/// The cache is bounded: entries over <see cref="MaxEntryBytes"/> are neither written nor read, and at most
/// <see cref="MaxEntries"/> are kept (the oldest written are removed).
/// </summary>
internal sealed class PolicyCache(string directory, string buildIdentity)
{
    public const string DirectoryName = "policy-cache";
    public const int MaxEntries = 32;
    public const int MaxEntryBytes = 8 * 1024 * 1024;
    private static readonly byte[] Magic = "ILPOLC\r\n"u8.ToArray();
    private const int HeaderBytes = 8 + 4 + Sha256.HashSizeInBytes + 4 + Sha256.HashSizeInBytes;

    public string Directory { get; } = directory;

    /// <summary>The cache in the state directory, keyed with this build of interlock.</summary>
    public static PolicyCache ForStateDirectory(string stateDirectory) => new(Path.Combine(stateDirectory, DirectoryName), BuildIdentity());

    /// <summary>What identifies this build: the version, and the size and modification time of the executable and (when not
    /// compiled ahead of time) the assemblies that read and compile policies. A rebuilt binary never reads an older
    /// build's entries, whose meaning it might read differently. Read once per process: a binary replaced while
    /// it runs (the daemon) is still the old build.</summary>
    public static string BuildIdentity() => _buildIdentity ??= ReadBuildIdentity();

    private static string? _buildIdentity;

    private static string ReadBuildIdentity()
    {
        var sb = new StringBuilder(BuildInfo.Version);
        void Stat(string? path)
        {
            if (string.IsNullOrEmpty(path)) return;
            try
            {
                var info = new FileInfo(path);
                if (info.Exists) sb.Append('|').Append(path).Append(':').Append(info.Length).Append(':').Append(info.LastWriteTimeUtc.Ticks);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { sb.Append("|?"); }
        }
        Stat(Environment.ProcessPath);
        foreach (var name in new[] { "interlock.dll", "Interlock.Policy.dll", "Interlock.Core.dll" })
            Stat(Path.Combine(AppContext.BaseDirectory, name));
        return sb.ToString();
    }

    /// <summary>The key of a set of layer files as read (null contents: the file does not exist).</summary>
    public byte[] Key(IReadOnlyList<(PolicyLayer Layer, string Path, byte[]? Contents)> layers)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write("interlock policy cache");
            w.Write(PolicySetCodec.FormatVersion);
            w.Write(buildIdentity);
            w.Write(layers.Count);
            foreach (var (layer, path, contents) in layers)
            {
                w.Write((int)layer);
                w.Write(path);
                w.Write(contents?.Length ?? -1);
                if (contents is not null) w.Write(contents);
            }
        }
        var key = new byte[Sha256.HashSizeInBytes];
        Sha256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), key);
        return key;
    }

    private string EntryPath(byte[] key) => Path.Combine(Directory, Convert.ToHexStringLower(key) + ".bin");

    /// <summary>The cached policy for <paramref name="key"/>, or null when there is none or it does not check out.</summary>
    public PolicySet? TryRead(byte[] key)
    {
        try
        {
            using var stream = new FileStream(EntryPath(key), FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.None);
            if (stream.Length < HeaderBytes || stream.Length > MaxEntryBytes) return null;
            var data = new byte[stream.Length];
            stream.ReadExactly(data);
            var span = data.AsSpan();
            if (!span[..8].SequenceEqual(Magic)) return null;
            if (BinaryPrimitives.ReadInt32LittleEndian(span[8..]) != PolicySetCodec.FormatVersion) return null;
            if (!span.Slice(12, Sha256.HashSizeInBytes).SequenceEqual(key)) return null;
            var length = BinaryPrimitives.ReadInt32LittleEndian(span[(12 + Sha256.HashSizeInBytes)..]);
            if (length != data.Length - HeaderBytes) return null;
            var body = span[HeaderBytes..];
            Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
            Sha256.HashData(body, hash);
            if (!hash.SequenceEqual(span.Slice(16 + Sha256.HashSizeInBytes, Sha256.HashSizeInBytes))) return null;
            return PolicySetCodec.Decode(body);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="set"/> under <paramref name="key"/>. Best effort: a failure costs only the next
    /// call's parse.</summary>
    public void Write(byte[] key, PolicySet set)
    {
        string? temp = null;
        try
        {
            var body = PolicySetCodec.Encode(set);
            if (body.Length > MaxEntryBytes - HeaderBytes) return;
            var data = new byte[HeaderBytes + body.Length];
            var span = data.AsSpan();
            Magic.CopyTo(span);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], PolicySetCodec.FormatVersion);
            key.CopyTo(span[12..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[(12 + Sha256.HashSizeInBytes)..], body.Length);
            Sha256.HashData(body, span.Slice(16 + Sha256.HashSizeInBytes, Sha256.HashSizeInBytes));
            body.CopyTo(span[HeaderBytes..]);

            if (OperatingSystem.IsWindows()) System.IO.Directory.CreateDirectory(Directory);
            else System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var target = EntryPath(key);
            temp = $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options)) stream.Write(data);
            File.Move(temp, target, overwrite: true);
            temp = null;
            Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort (a full disk, a read-only state directory): the policy was parsed and is used as is.
        }
        finally
        {
            if (temp is not null) try { File.Delete(temp); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Keeps at most <see cref="MaxEntries"/> files, removing the oldest written first (including temp files
    /// left by a process that died mid-write).</summary>
    private void Trim()
    {
        var files = new DirectoryInfo(Directory).GetFiles();
        if (files.Length <= MaxEntries) return;
        foreach (var old in files.OrderByDescending(f => f.LastWriteTimeUtc).Skip(MaxEntries))
            try { old.Delete(); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
