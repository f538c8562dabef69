using System.Security.Cryptography;

namespace Interlock.State.Identity;

/// <summary>What a token lets its bearer do.</summary>
public enum TokenKind
{
    /// <summary>An agent's token: submit actions and read its own requests; never vote.</summary>
    Agent,

    /// <summary>A human's API token (CLI approve/deny, dashboard sign-in).</summary>
    Human,

    /// <summary>A dashboard session created by signing in with a human token; expires.</summary>
    Session,
}

/// <summary>A human account: approvers belong to groups such as <c>prod-approvers</c>.</summary>
public sealed record UserAccount(string Name, IReadOnlyList<string> Groups, DateTimeOffset CreatedAt, bool Disabled);

/// <summary>A token as stored (never the secret itself, only its SHA-256).</summary>
/// <param name="Subject">The user's name (human, session) or the agent's name (agent).</param>
/// <param name="Operator">For agent tokens: the human who runs the agent (their approval never counts).</param>
public sealed record TokenInfo(string Id, TokenKind Kind, string Subject, string? Operator, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>Who presented a valid token: the token and, for humans, their groups.</summary>
public sealed record Principal(TokenInfo Token, IReadOnlyList<string> Groups)
{
    public string Name => Token.Subject;

    public bool IsHuman => Token.Kind is TokenKind.Human or TokenKind.Session;
}

/// <summary>A newly issued token: <see cref="Secret"/> is shown once and never stored.</summary>
public sealed record IssuedToken(TokenInfo Info, string Secret);

/// <summary>One attempt to deliver a webhook notification.</summary>
public sealed record WebhookDelivery(long Id, string Url, string Event, string? RequestId, int Attempt, int? StatusCode, string? Error, DateTimeOffset At);

/// <summary>A passkey (WebAuthn credential) a human registered to sign in to the dashboard: the public key only.</summary>
/// <param name="CredentialId">The authenticator's credential id, base64url.</param>
/// <param name="PublicKey">The COSE public key as the authenticator gave it at registration.</param>
/// <param name="SignCount">The highest signature counter seen (0 for authenticators that do not count).</param>
/// <param name="RelyingParty">The WebAuthn RP ID (the server's host name) it was registered for.</param>
public sealed record Passkey(string CredentialId, string User, string Label, byte[] PublicKey, long SignCount, string RelyingParty, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>
/// Users, groups and access tokens for the approval server (SQLite and PostgreSQL). Token secrets are random
/// (256 bits) and only their SHA-256 is stored, so a copy of the database cannot be used to sign in.
/// </summary>
public interface IIdentityStore
{
    /// <summary>Creates the user, or replaces the groups of an existing one.</summary>
    ValueTask<UserAccount> SaveUserAsync(string name, IReadOnlyList<string> groups, DateTimeOffset now, CancellationToken cancellationToken = default);

    ValueTask<UserAccount?> GetUserAsync(string name, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<UserAccount>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Disables the user: their tokens stop working (not deleted: the audit trail names them).</summary>
    ValueTask<bool> DisableUserAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Issues a token. Human and session tokens need an existing user; agent tokens need their operator to be one.</summary>
    ValueTask<IssuedToken> IssueTokenAsync(TokenKind kind, string subject, string? operatorName, DateTimeOffset now, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default);

    /// <summary>The principal for a secret, or null when unknown, revoked, expired or its user is disabled.</summary>
    ValueTask<Principal?> AuthenticateAsync(string secret, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Revokes a token by id; false when no such active token exists.</summary>
    ValueTask<bool> RevokeTokenAsync(string id, DateTimeOffset now, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<TokenInfo>> ListTokensAsync(CancellationToken cancellationToken = default);

    /// <summary>Stores a new passkey for an active user; false when its credential id is already registered.</summary>
    ValueTask<bool> AddPasskeyAsync(Passkey passkey, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<Passkey>> ListPasskeysAsync(string user, CancellationToken cancellationToken = default);

    /// <summary>The passkey with this credential id, with its owner active; null otherwise.</summary>
    ValueTask<Passkey?> FindPasskeyAsync(string credentialId, CancellationToken cancellationToken = default);

    /// <summary>Moves the signature counter from <paramref name="expected"/> to <paramref name="next"/> (compare and
    /// set, so two sign-ins with one signature cannot both pass); false when another sign-in moved it first.</summary>
    ValueTask<bool> UsePasskeyAsync(string credentialId, long expected, long next, DateTimeOffset now, CancellationToken cancellationToken = default);

    ValueTask<bool> RemovePasskeyAsync(string user, string credentialId, CancellationToken cancellationToken = default);

    /// <summary>Keeps a WebAuthn challenge until <paramref name="expiresAt"/>; <paramref name="purpose"/> says what it
    /// is for ("register:&lt;user&gt;", "sign-in"). Expired challenges are dropped here.</summary>
    ValueTask SaveChallengeAsync(string challenge, string purpose, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken = default);

    /// <summary>Takes a challenge (it can be used once): true when it existed, had this purpose and had not expired.</summary>
    ValueTask<bool> TakeChallengeAsync(string challenge, string purpose, DateTimeOffset now, CancellationToken cancellationToken = default);

    ValueTask RecordDeliveryAsync(WebhookDelivery delivery, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<WebhookDelivery>> ListDeliveriesAsync(int limit, CancellationToken cancellationToken = default);
}

/// <summary>Token secrets: generation and the hash that is stored. Shared by every store.</summary>
public static class TokenSecrets
{
    public const string Prefix = "ilk_";

    public static string NewSecret() => Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string NewId() => "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public static string Hash(string secret)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(secret);
        Span<byte> hash = stackalloc byte[Sha256.HashSizeInBytes];
        Sha256.HashData(bytes, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>Names of users, agents and groups: 1-64 of [A-Za-z0-9._@-].</summary>
    public static bool IsValidName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');

    internal static string KindText(TokenKind k) => k switch { TokenKind.Agent => "agent", TokenKind.Human => "human", _ => "session" };

    internal static TokenKind ParseKind(string s) => s switch
    {
        "agent" => TokenKind.Agent,
        "human" => TokenKind.Human,
        "session" => TokenKind.Session,
        _ => throw new StateStoreException($"unknown token kind `{s}` in the state database"),
    };

    internal static void Validate(TokenKind kind, string subject, string? operatorName)
    {
        if (!IsValidName(subject)) throw new ArgumentException($"`{subject}` is not a valid name: use 1-64 letters, digits, '.', '_', '-' or '@'");
        if (kind == TokenKind.Agent && !IsValidName(operatorName)) throw new ArgumentException("an agent token needs the name of the human operator who runs the agent");
    }
}
