using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fido2NetLib;
using B64 = System.Buffers.Text.Base64Url;
using Fido2NetLib.Objects;
using Interlock.State.Identity;

namespace Interlock.Server;

/// <summary>Who the browser thinks it is talking to: the WebAuthn RP ID (a host name) and the page's origin. A
/// passkey is bound to the RP ID it was made for; every answer must come from <see cref="Origin"/>.</summary>
public sealed record RelyingParty(string Id, string Origin)
{
    /// <summary>The relying party for a request: <see cref="ServerOptions.PublicUrl"/> when set (behind a TLS proxy the
    /// server cannot see the browser's scheme), else the scheme and Host the browser used. Null, with the reason, when
    /// passkeys cannot work there (WebAuthn refuses IP addresses as RP IDs).</summary>
    public static RelyingParty? For(HttpContext ctx, ServerOptions options, out string why)
    {
        why = "";
        Uri? url;
        if (options.PublicUrl is { } configured) url = new Uri(configured);
        else if (!Uri.TryCreate($"{ctx.Request.Scheme}://{ctx.Request.Host.Value}", UriKind.Absolute, out url)) { why = "the request's Host header is not a valid host"; return null; }
        if (IPAddress.TryParse(url.IdnHost.Trim('[', ']'), out _))
        {
            why = $"passkeys need the server to be reached by a host name, and this page was opened at the IP address {url.Host}; open it as http://localhost:{url.Port} (on this machine) or at the server's DNS name, or set --public-url";
            return null;
        }
        return new RelyingParty(url.IdnHost, url.GetLeftPart(UriPartial.Authority));
    }
}

/// <summary>A passkey ceremony that failed: <see cref="Exception.Message"/> says why in words a person can act on.</summary>
public sealed class PasskeyRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// WebAuthn registration and sign-in, verified by the Fido2 library: the challenge (issued here, taken once by the
/// caller from the store), the origin, the RP ID hash, the user-presence flag, the signature with the stored public
/// key, and the signature counter (it must grow when the authenticator counts). Only ES256 and RS256 keys are
/// accepted (System.Security.Cryptography verifies them; no native library is needed), and no attestation is asked
/// for: a passkey proves the same person comes back, not which device model it is.
/// </summary>
public static class Passkeys
{
    public static readonly TimeSpan ChallengeLifetime = TimeSpan.FromMinutes(3);
    public const int MaxResponseBytes = 16 * 1024;
    public const string SignInPurpose = "sign-in";

    public static string RegisterPurpose(string user) => "register:" + user;

    private static readonly PubKeyCredParam[] Algorithms = [PubKeyCredParam.ES256, PubKeyCredParam.RS256];

    private static Fido2 Library(RelyingParty rp) => new(new Fido2Configuration
    {
        RPID = rp.Id,
        RPName = "Interlock",
        Origins = new HashSet<string>(StringComparer.Ordinal) { rp.Origin },
        Timeout = (uint)ChallengeLifetime.TotalMilliseconds,
    });

    /// <summary>The opaque WebAuthn user handle for an account (not the name itself: handles are not to carry
    /// personal data).</summary>
    public static byte[] UserHandle(string user) => SHA256.HashData(Encoding.UTF8.GetBytes("interlock-user:" + user))[..16];

    public static CredentialCreateOptions RegistrationOptions(RelyingParty rp, string user, IEnumerable<Passkey> existing, byte[]? challenge = null) => new()
    {
        Rp = new PublicKeyCredentialRpEntity(rp.Id, "Interlock", null),
        User = new Fido2User { Id = UserHandle(user), Name = user, DisplayName = user },
        Challenge = challenge ?? RandomNumberGenerator.GetBytes(32),
        PubKeyCredParams = Algorithms,
        Timeout = (ulong)ChallengeLifetime.TotalMilliseconds,
        Attestation = AttestationConveyancePreference.None,
        AuthenticatorSelection = new AuthenticatorSelection { ResidentKey = ResidentKeyRequirement.Required, UserVerification = UserVerificationRequirement.Preferred },
        ExcludeCredentials = existing.Select(k => new PublicKeyCredentialDescriptor(B64.DecodeFromChars(k.CredentialId))).ToArray(),
    };

    public static AssertionOptions SignInOptions(RelyingParty rp, byte[]? challenge = null) => new()
    {
        Challenge = challenge ?? RandomNumberGenerator.GetBytes(32),
        RpId = rp.Id,
        Timeout = (ulong)ChallengeLifetime.TotalMilliseconds,
        UserVerification = UserVerificationRequirement.Preferred,
        AllowCredentials = [], // discoverable: the authenticator offers the user's passkeys for this site
    };

    public static string OptionsJson(CredentialCreateOptions o) => o.ToJson();

    public static string OptionsJson(AssertionOptions o) => o.ToJson();

    /// <summary>The browser's answer to navigator.credentials.create, as the dashboard's script posts it (the
    /// PublicKeyCredential's JSON form: base64url fields), read field by field (bounded, no reflection).</summary>
    public static AuthenticatorAttestationRawResponse ParseRegistration(JsonElement json)
    {
        var response = Object(json, "response");
        return new AuthenticatorAttestationRawResponse
        {
            Id = Text(json, "id"),
            RawId = Bytes(json, "rawId"),
            Type = PublicKeyCredentialType.PublicKey,
            Response = new AuthenticatorAttestationRawResponse.AttestationResponse
            {
                AttestationObject = Bytes(response, "attestationObject"),
                ClientDataJson = Bytes(response, "clientDataJSON"),
                Transports = [],
            },
            ClientExtensionResults = new AuthenticationExtensionsClientOutputs(),
        };
    }

    /// <summary>The browser's answer to navigator.credentials.get (see <see cref="ParseRegistration"/>).</summary>
    public static AuthenticatorAssertionRawResponse ParseSignIn(JsonElement json)
    {
        var response = Object(json, "response");
        return new AuthenticatorAssertionRawResponse
        {
            Id = Text(json, "id"),
            RawId = Bytes(json, "rawId"),
            Type = PublicKeyCredentialType.PublicKey,
            Response = new AuthenticatorAssertionRawResponse.AssertionResponse
            {
                AuthenticatorData = Bytes(response, "authenticatorData"),
                Signature = Bytes(response, "signature"),
                ClientDataJson = Bytes(response, "clientDataJSON"),
                UserHandle = response.TryGetProperty("userHandle", out var h) && h.ValueKind == JsonValueKind.String ? Decode(h.GetString()!, "response.userHandle") : null,
            },
            ClientExtensionResults = new AuthenticationExtensionsClientOutputs(),
        };
    }

    private static JsonElement Object(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v
            : throw new PasskeyRefusedException($"the browser's passkey answer has no `{name}` object");

    private static string Text(JsonElement json, string name) =>
        json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 1400 } s ? s
            : throw new PasskeyRefusedException($"the browser's passkey answer has no valid `{name}`");

    private static byte[] Bytes(JsonElement json, string name) => Decode(Text(json, name), name);

    private static byte[] Decode(string text, string name)
    {
        try { return B64.DecodeFromChars(text); }
        catch (FormatException) { throw new PasskeyRefusedException($"`{name}` in the browser's passkey answer is not base64url"); }
    }

    /// <summary>The challenge the browser signed (base64url, as issued), read from its client data; the caller takes
    /// it from the store (once) before verifying anything else.</summary>
    public static string ChallengeOf(byte[] clientDataJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(clientDataJson, new JsonDocumentOptions { MaxDepth = 8 });
            if (doc.RootElement.TryGetProperty("challenge", out var c) && c.ValueKind == JsonValueKind.String && c.GetString() is { Length: > 0 and <= 128 } s) return s;
        }
        catch (JsonException) { }
        throw new PasskeyRefusedException("the browser's passkey answer carries no readable challenge");
    }

    /// <summary>Verifies a new passkey for <paramref name="user"/> against the challenge issued for it.</summary>
    public static async Task<Passkey> VerifyRegistrationAsync(RelyingParty rp, string user, string label, string challenge, AuthenticatorAttestationRawResponse response, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var options = RegistrationOptions(rp, user, [], B64.DecodeFromChars(challenge));
            var made = await Library(rp).MakeNewCredentialAsync(new MakeNewCredentialParams
            {
                AttestationResponse = response,
                OriginalOptions = options,
                IsCredentialIdUniqueToUserCallback = (_, _) => Task.FromResult(true), // the store's primary key decides
            }, ct);
            return new Passkey(B64.EncodeToString(made.Id), user, label, made.PublicKey, made.SignCount, rp.Id, now, null);
        }
        catch (Exception e) when (e is Fido2VerificationException or FormatException or ArgumentException or CryptographicException or InvalidOperationException)
        {
            throw new PasskeyRefusedException($"the new passkey was not accepted: {e.Message}", e);
        }
    }

    /// <summary>Verifies a sign-in answer against <paramref name="stored"/> and the challenge issued for it; returns
    /// the authenticator's new signature counter.</summary>
    public static async Task<uint> VerifySignInAsync(RelyingParty rp, string challenge, AuthenticatorAssertionRawResponse response, Passkey stored, CancellationToken ct)
    {
        if (!string.Equals(stored.RelyingParty, rp.Id, StringComparison.Ordinal))
            throw new PasskeyRefusedException($"this passkey was registered for {stored.RelyingParty}, and this page is {rp.Id}; open the dashboard at the address where you registered it, or sign in with your token and register a passkey here");
        try
        {
            var result = await Library(rp).MakeAssertionAsync(new MakeAssertionParams
            {
                AssertionResponse = response,
                OriginalOptions = SignInOptions(rp, B64.DecodeFromChars(challenge)),
                StoredPublicKey = stored.PublicKey,
                StoredSignatureCounter = (uint)Math.Clamp(stored.SignCount, 0, uint.MaxValue),
                IsUserHandleOwnerOfCredentialIdCallback = (p, _) => Task.FromResult(p.UserHandle is null || p.UserHandle.AsSpan().SequenceEqual(UserHandle(stored.User))),
            }, ct);
            return result.SignCount;
        }
        catch (Exception e) when (e is Fido2VerificationException or FormatException or ArgumentException or CryptographicException or InvalidOperationException)
        {
            throw new PasskeyRefusedException($"the passkey's answer was refused: {e.Message}", e);
        }
    }

    /// <summary>A label people recognise a passkey by (bounded, printable).</summary>
    public static string Label(string? text)
    {
        var label = new string((text ?? "").Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (label.Length > 60) label = label[..60];
        return label.Length == 0 ? "passkey" : label;
    }
}
