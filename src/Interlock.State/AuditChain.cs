using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Interlock.State;

/// <summary>
/// The hash chain: how a record's canonical bytes and hash are defined. Every store uses this, so a chain written
/// by one implementation verifies with any other (and with an external tool that follows this description).
///
/// Canonical bytes, version 1 (all integers big-endian; a string is its UTF-8 byte count as int32 followed by the
/// bytes, a null string is the int32 -1):
///   "interlock-audit-v1" (18 ASCII bytes), sequence (int64), timestamp (string, "yyyy-MM-ddTHH:mm:ss.ffffffZ"),
///   harness, session id, cwd, tool, request, verdict, rule id, reason, effects JSON (strings),
///   decision time in microseconds (int64), previous hash (string, 64 lower-case hex digits).
/// A record's hash is the lower-case hex SHA-256 of its canonical bytes; the first record's previous hash is
/// <see cref="GenesisHash"/>. Because each hash covers the previous one, editing, deleting or reordering any
/// record breaks the chain at that record.
/// </summary>
public static class AuditChain
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";
    private static ReadOnlySpan<byte> Magic => "interlock-audit-v1"u8;
    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    /// <summary>UTC, truncated to whole microseconds (what every store can keep exactly).</summary>
    public static DateTimeOffset NormalizeTimestamp(DateTimeOffset t)
    {
        var utc = t.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % 10, TimeSpan.Zero);
    }

    public static string FormatTimestamp(DateTimeOffset t) =>
        NormalizeTimestamp(t).UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string s) =>
        new(DateTime.ParseExact(s, TimestampFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), TimeSpan.Zero);

    /// <summary>Places <paramref name="entry"/> at <paramref name="sequence"/> after a record whose hash is <paramref name="previousHash"/>.</summary>
    public static AuditRecord Seal(AuditEntry entry, long sequence, string previousHash)
    {
        var normalized = entry with { Timestamp = NormalizeTimestamp(entry.Timestamp) };
        return new AuditRecord(sequence, normalized, previousHash, ComputeHash(sequence, normalized, previousHash));
    }

    /// <summary>The hash the record's contents should have (compare with <see cref="AuditRecord.Hash"/>).</summary>
    public static string ComputeHash(AuditRecord record) => ComputeHash(record.Sequence, record.Entry, record.PreviousHash);

    public static string ComputeHash(long sequence, AuditEntry entry, string previousHash)
    {
        // Encoded into one pooled buffer of the exact size (the server seals thousands of records a second).
        var length = CanonicalLength(sequence, entry, previousHash, out var timestamp);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var bytes = buffer.AsSpan(0, length);
            WriteCanonical(bytes, sequence, entry, previousHash, timestamp);
            Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
            Sha256.HashData(bytes, hash);
            return Convert.ToHexStringLower(hash);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static byte[] CanonicalBytes(long sequence, AuditEntry e, string previousHash)
    {
        var bytes = new byte[CanonicalLength(sequence, e, previousHash, out var timestamp)];
        WriteCanonical(bytes, sequence, e, previousHash, timestamp);
        return bytes;
    }

    private static int CanonicalLength(long sequence, AuditEntry e, string previousHash, out string timestamp)
    {
        timestamp = FormatTimestamp(e.Timestamp);
        return Magic.Length + 8 + Length(timestamp) + Length(e.Harness) + Length(e.SessionId) + Length(e.Cwd) + Length(e.Tool)
            + Length(e.Request) + Length(e.Verdict) + Length(e.RuleId) + Length(e.Reason) + Length(e.EffectsJson) + 8 + Length(previousHash);
    }

    private static int Length(string? value) => 4 + (value is null ? 0 : Encoding.UTF8.GetByteCount(value));

    private static void WriteCanonical(Span<byte> to, long sequence, AuditEntry e, string previousHash, string timestamp)
    {
        Magic.CopyTo(to);
        var at = Magic.Length;
        BinaryPrimitives.WriteInt64BigEndian(to[at..], sequence);
        at += 8;
        at = Write(to, at, timestamp);
        at = Write(to, at, e.Harness);
        at = Write(to, at, e.SessionId);
        at = Write(to, at, e.Cwd);
        at = Write(to, at, e.Tool);
        at = Write(to, at, e.Request);
        at = Write(to, at, e.Verdict);
        at = Write(to, at, e.RuleId);
        at = Write(to, at, e.Reason);
        at = Write(to, at, e.EffectsJson);
        BinaryPrimitives.WriteInt64BigEndian(to[at..], e.DecisionMicros);
        at += 8;
        at = Write(to, at, previousHash);
        if (at != to.Length) throw new InvalidOperationException("audit record encoding length mismatch");
    }

    private static int Write(Span<byte> to, int at, string? value)
    {
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(to[at..], -1);
            return at + 4;
        }
        var written = Encoding.UTF8.GetBytes(value, to[(at + 4)..]);
        BinaryPrimitives.WriteInt32BigEndian(to[at..], written);
        return at + 4 + written;
    }

    private static ReadOnlySpan<byte> CheckpointMagic => "interlock-audit-checkpoint-v1"u8;

    /// <summary>
    /// A checkpoint's hash: SHA-256 (lower-case hex) of "interlock-audit-checkpoint-v1" (29 ASCII bytes), then, encoded as
    /// for records: id, first sequence, last sequence (int64), last hash (string), count (int64), time (string),
    /// archive file name, archive SHA-256 (strings, null when pruned without an archive), previous checkpoint's hash
    /// (string; <see cref="GenesisHash"/> for the first). Checkpoints chain like records, so removing, editing or
    /// reordering one is seen.
    /// </summary>
    public static string ComputeCheckpointHash(AuditCheckpoint c)
    {
        var buffer = new MemoryStream(256);
        buffer.Write(CheckpointMagic);
        WriteInt64(buffer, c.Id);
        WriteInt64(buffer, c.FirstSequence);
        WriteInt64(buffer, c.LastSequence);
        WriteString(buffer, c.LastHash);
        WriteInt64(buffer, c.Count);
        WriteString(buffer, FormatTimestamp(c.PrunedAt));
        WriteString(buffer, c.ArchiveName);
        WriteString(buffer, c.ArchiveSha256);
        WriteString(buffer, c.PreviousHash);
        Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
        Sha256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), hash);
        return Convert.ToHexStringLower(hash);
    }

    private static void WriteInt64(Stream s, long value)
    {
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(b, value);
        s.Write(b);
    }

    private static void WriteString(Stream s, string? value)
    {
        Span<byte> len = stackalloc byte[4];
        if (value is null)
        {
            BinaryPrimitives.WriteInt32BigEndian(len, -1);
            s.Write(len);
            return;
        }
        var bytes = Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32BigEndian(len, bytes.Length);
        s.Write(len);
        s.Write(bytes);
    }
}
