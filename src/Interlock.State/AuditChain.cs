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
        var bytes = CanonicalBytes(sequence, entry, previousHash);
        Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
        Sha256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    public static byte[] CanonicalBytes(long sequence, AuditEntry e, string previousHash)
    {
        var buffer = new MemoryStream(256 + (e.Request?.Length ?? 0) + e.Reason.Length + e.EffectsJson.Length);
        buffer.Write(Magic);
        WriteInt64(buffer, sequence);
        WriteString(buffer, FormatTimestamp(e.Timestamp));
        WriteString(buffer, e.Harness);
        WriteString(buffer, e.SessionId);
        WriteString(buffer, e.Cwd);
        WriteString(buffer, e.Tool);
        WriteString(buffer, e.Request);
        WriteString(buffer, e.Verdict);
        WriteString(buffer, e.RuleId);
        WriteString(buffer, e.Reason);
        WriteString(buffer, e.EffectsJson);
        WriteInt64(buffer, e.DecisionMicros);
        WriteString(buffer, previousHash);
        return buffer.ToArray();
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
