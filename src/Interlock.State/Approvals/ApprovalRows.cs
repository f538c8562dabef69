using System.Data.Common;

namespace Interlock.State.Approvals;

/// <summary>How an approval request is stored, shared by the SQLite and PostgreSQL stores: its status text, its
/// id, and the submission columns of a row (the same order in both schemas).</summary>
internal static class ApprovalRows
{
    public static string StatusText(ApprovalStatus s) => s switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Denied => "denied",
        ApprovalStatus.Expired => "expired",
        _ => "consumed",
    };

    public static ApprovalStatus ParseStatus(string s) => s switch
    {
        "pending" => ApprovalStatus.Pending,
        "approved" => ApprovalStatus.Approved,
        "denied" => ApprovalStatus.Denied,
        "expired" => ApprovalStatus.Expired,
        "consumed" => ApprovalStatus.Consumed,
        _ => throw new StateStoreException($"unknown approval status `{s}` in the state database (written by a newer version?)"),
    };

    /// <summary>A short id people can type: "r" and 10 base-32 characters.</summary>
    public static string NewId()
    {
        const string Alphabet = "abcdefghijkmnpqrstuvwxyz23456789";
        Span<byte> bytes = stackalloc byte[16];
        Guid.NewGuid().TryWriteBytes(bytes); // cryptographically random, without loading OpenSSL into a hook process
        Span<char> id = stackalloc char[11];
        id[0] = 'r';
        for (var i = 1; i < id.Length; i++) id[i] = Alphabet[bytes[i] & 31];
        return new string(id);
    }

    /// <summary>Columns 1 to 16 of a request row: fingerprint, agent, operator, harness, session, tool, action, cwd,
    /// repository, environment, rule, reason, effects, approvals required, approver group, grant validity (µs); and
    /// 23 and 24, the asker's host and branch (added by a later migration, so they come last).</summary>
    public static ApprovalSubmission ReadSubmission(DbDataReader r) => new()
    {
        Fingerprint = r.GetString(1),
        AgentId = r.GetString(2),
        Operator = r.IsDBNull(3) ? null : r.GetString(3),
        Harness = r.GetString(4),
        SessionId = r.IsDBNull(5) ? null : r.GetString(5),
        Tool = r.GetString(6),
        Action = r.GetString(7),
        Cwd = r.GetString(8),
        Repository = r.IsDBNull(9) ? null : r.GetString(9),
        Environment = r.GetString(10),
        RuleId = r.GetString(11),
        Reason = r.GetString(12),
        EffectsJson = r.GetString(13),
        RequiredApprovals = Convert.ToInt32(r.GetValue(14), System.Globalization.CultureInfo.InvariantCulture), // INTEGER in SQLite, int4 in PostgreSQL
        ApproverGroup = r.IsDBNull(15) ? null : r.GetString(15),
        GrantValidFor = TimeSpan.FromMicroseconds(r.GetInt64(16)),
        Host = r.IsDBNull(23) ? null : r.GetString(23),
        Branch = r.IsDBNull(24) ? null : r.GetString(24),
    };
}
