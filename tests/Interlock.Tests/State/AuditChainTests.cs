using System.Security.Cryptography;
using System.Text;
using Interlock.State;
using Xunit;

namespace Interlock.Tests.State;

public sealed class AuditChainTests
{
    [Fact]
    public void Managed_sha256_matches_the_platform_for_every_padding_case_and_random_inputs()
    {
        var random = new Random(42);
        Span<byte> mine = stackalloc byte[32];
        for (var length = 0; length < 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);
            Sha256.ManagedHashData(data, mine);
            Assert.Equal(Convert.ToHexString(SHA256.HashData(data)), Convert.ToHexString(mine));
        }
        var big = new byte[1_000_003];
        random.NextBytes(big);
        Sha256.ManagedHashData(big, mine);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(big)), Convert.ToHexString(mine));
        Sha256.ManagedHashData("abc"u8, mine);
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(mine));
    }

    [Fact]
    public void The_canonical_form_is_the_documented_one()
    {
        // Expected values computed independently (Python's hashlib over the byte layout described in AuditChain).
        var first = AuditChain.Seal(new AuditEntry(
            new DateTimeOffset(2025, 3, 4, 6, 6, 7, TimeSpan.FromHours(1)).AddTicks(1_234_567), // 05:06:07.1234567Z
            "claude-code", "s1", "/home/dev/project", "Bash", "rm -rf ~ # é", "deny", "fs.delete-home",
            "deletes the home directory", "[]", 1234), 1, AuditChain.GenesisHash);
        Assert.Equal("2025-03-04T05:06:07.123456Z", AuditChain.FormatTimestamp(first.Entry.Timestamp));
        Assert.Equal(TimeSpan.Zero, first.Entry.Timestamp.Offset);
        Assert.Equal("7e8439877aaf0da34bc79231c30f7c93e140ef30bf0ce8ab58dc13d606b7f1d0", first.Hash);

        var second = AuditChain.Seal(new AuditEntry(
            new DateTimeOffset(2025, 3, 4, 5, 6, 8, TimeSpan.Zero), "claude-code", null, "/tmp", "Read", null, "allow", "allow",
            "no destructive effect found", "[]", 0), 2, first.Hash);
        Assert.Equal("9aee1ab671479527f8417bf6010d39898f411444a776b70e1af365f122f3ed03", second.Hash);
        Assert.Equal(second.Hash, AuditChain.ComputeHash(second));
    }

    [Fact]
    public void Null_and_empty_strings_hash_differently_and_fields_cannot_be_shifted()
    {
        var e = Entries.Make(1);
        var a = AuditChain.Seal(e with { Request = null }, 1, AuditChain.GenesisHash);
        var b = AuditChain.Seal(e with { Request = "" }, 1, AuditChain.GenesisHash);
        Assert.NotEqual(a.Hash, b.Hash);
        // Moving text from one field to the next changes the hash (length prefixes, not separators).
        var c = AuditChain.Seal(e with { RuleId = "ab", Reason = "c" }, 1, AuditChain.GenesisHash);
        var d = AuditChain.Seal(e with { RuleId = "a", Reason = "bc" }, 1, AuditChain.GenesisHash);
        Assert.NotEqual(c.Hash, d.Hash);
    }

    [Fact]
    public void Timestamps_round_trip_through_text()
    {
        var t = new DateTimeOffset(2031, 12, 31, 23, 59, 59, TimeSpan.FromHours(-5)).AddTicks(9_999_999);
        var text = AuditChain.FormatTimestamp(t);
        Assert.Equal("2032-01-01T04:59:59.999999Z", text);
        Assert.Equal(AuditChain.NormalizeTimestamp(t), AuditChain.ParseTimestamp(text));
        Assert.Equal(Encoding.UTF8.GetByteCount(text), text.Length);
    }
}
