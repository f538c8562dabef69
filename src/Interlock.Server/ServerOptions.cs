using Interlock.Core;
using Interlock.State;

namespace Interlock.Server;

/// <summary>A webhook receiver: <c>generic</c> (JSON signed with HMAC-SHA256) or <c>slack</c> (incoming-webhook text).</summary>
public sealed record WebhookTarget(string Url, string? Secret, string Format);

/// <summary>How the server runs. Every field has a safe default: loopback only, embedded SQLite.</summary>
public sealed record ServerOptions
{
    public const string DefaultUrl = "http://127.0.0.1:8787";

    public string Url { get; init; } = DefaultUrl;

    /// <summary>A PostgreSQL connection string; null for the embedded SQLite database in <see cref="DataDirectory"/>.</summary>
    public string? Database { get; init; }

    /// <summary>Where the embedded database lives (default: the state directory's server/ folder).</summary>
    public string DataDirectory { get; init; } = Path.Combine(StateDirectory.Resolve(), "server");

    /// <summary>Group whose members approve actions that need two approvals (production). Until the policy file
    /// names groups per rule, this is the one place the server decides who may approve.</summary>
    public string ProductionApproverGroup { get; init; } = "prod-approvers";

    /// <summary>Group for single-approval actions; null lets any human account approve them.</summary>
    public string? ApproverGroup { get; init; }

    /// <summary>How long a request waits for humans before it expires.</summary>
    public TimeSpan PendingFor { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long an approved action may be retried (once).</summary>
    public TimeSpan GrantValidFor { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How long a decision call that became a request waits for humans before it answers "pending" (with the
    /// request's dashboard link) — the one setting for that wait (`interlock serve --hook-wait`), shown on the
    /// dashboard's policy page and in GET /v1/policy. Default 0: the hook answers at once and the agent retries after
    /// the approval. A hook never waits past its own deadline: it sends the longest it can wait, and the shorter holds.</summary>
    public TimeSpan HookWait { get; init; } = TimeSpan.Zero;

    /// <summary>The longest <see cref="HookWait"/> may be: below the hooks' own deadline (INTERLOCK_HOOK_TIMEOUT_MS
    /// raised to its useful maximum) and every harness's hook timeout.</summary>
    public static readonly TimeSpan MaxHookWait = TimeSpan.FromSeconds(25);

    /// <summary>The server's policy's `settings.approvals.harness_prompt` (the built-in default without --policy).</summary>
    public Interlock.Core.Policy.HarnessPrompt HarnessPrompt => Policy?.Settings.HarnessPrompt ?? Interlock.Core.Policy.PolicySettings.Default.HarnessPrompt;

    /// <summary>How often a waiting decision call re-reads its request. Changes on this replica wake it at once; with
    /// PostgreSQL, other replicas' changes do too (LISTEN/NOTIFY) and <see cref="ListeningPollInterval"/> applies.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The safety-net poll while LISTEN/NOTIFY is connected (a lost notification costs at most this).</summary>
    public TimeSpan ListeningPollInterval { get; init; } = TimeSpan.FromSeconds(5);

    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    public IReadOnlyList<WebhookTarget> Webhooks { get; init; } = [];

    /// <summary>How long an authenticated token is remembered (revocation takes at most this long to bite).</summary>
    public TimeSpan AuthCacheFor { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(8);

    /// <summary>The address people open the dashboard at (https://interlock.example.com), when it differs from what
    /// the server sees (a TLS proxy in front): passkeys are bound to its host name and origin. Null: the scheme and
    /// Host of each request.</summary>
    public string? PublicUrl { get; init; }

    /// <summary>Passkey ceremonies started (options requested) per client address and <see cref="SignInWindow"/>:
    /// each stores a challenge, so this bounds what an anonymous client can make the server keep.</summary>
    public int PasskeyStartsPerAddress { get; init; } = 60;

    /// <summary>Dashboard sign-in limits, per <see cref="SignInWindow"/>: failed attempts from one client address
    /// (IPv6: one /64), and sessions issued to one account (each sign-in stores a session token).</summary>
    public int SignInFailuresPerAddress { get; init; } = 10;

    public int SignInsPerAccount { get; init; } = 20;

    public TimeSpan SignInWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Requests whose token does not authenticate (a bearer token or a session cookie that is unknown,
    /// revoked or expired), per client address (IPv6: one /64) and <see cref="TokenFailureWindow"/>: at this many,
    /// every request from that address that carries a token gets 429 until the window ends.</summary>
    public int TokenFailuresPerAddress { get; init; } = 30;

    public TimeSpan TokenFailureWindow { get; init; } = TimeSpan.FromMinutes(5);

    public EngineOptions? Engine { get; init; }

    /// <summary>Audit retention: records older than this are archived and pruned every <see cref="AuditPruneEvery"/>
    /// (null: never; the trail grows). Needs <see cref="AuditArchiveDirectory"/> or, explicitly, <see cref="AuditNoArchive"/>.</summary>
    public TimeSpan? AuditRetention { get; init; }

    /// <summary>Retention never prunes the newest this many records, however old.</summary>
    public long AuditKeep { get; init; }

    /// <summary>Where pruned records are written (JSONL, one file per prune) before they are deleted. Also what
    /// `interlock audit prune --server` uses; without it (and without <see cref="AuditNoArchive"/>) the server never prunes.</summary>
    public string? AuditArchiveDirectory { get; init; }

    /// <summary>Prune without keeping a copy: only when the operator says so (--audit-no-archive).</summary>
    public bool AuditNoArchive { get; init; }

    public TimeSpan AuditPruneEvery { get; init; } = TimeSpan.FromDays(1);

    /// <summary>The group whose members may prune the audit trail over the API (`interlock audit prune --server`).</summary>
    public string AuditAdminGroup { get; init; } = "audit-admins";

    /// <summary>The compiled policy the server decides with (its rules name approver groups and approval expiries per
    /// rule); null for the built-in policy with <see cref="Engine"/>'s options.</summary>
    public Interlock.Core.Policy.CompiledPolicy? Policy { get; init; }

    /// <summary>The approvals an ask needs, who may give them and how long a grant stays valid: the policy's ruling
    /// decides (its approvers, group and expiry); where it names no group, two or more approvals fall to
    /// <see cref="ProductionApproverGroup"/> and one to <see cref="ApproverGroup"/>; where it names no expiry,
    /// <see cref="GrantValidFor"/> holds.</summary>
    public (int Required, string? Group, TimeSpan GrantValidFor) ApprovalsFor(Decision decision)
    {
        var required = Math.Max(1, decision.RequiredApprovals);
        var group = decision.ApproverGroup ?? (required >= 2 ? ProductionApproverGroup : ApproverGroup);
        return (required, group, decision.ApprovalExpiry is { } expiry && expiry > TimeSpan.Zero ? expiry : GrantValidFor);
    }
}
