using System.Buffers.Binary;
using System.Formats.Cbor;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Interlock.State.Identity;
using Xunit;
using B64 = System.Buffers.Text.Base64Url;

namespace Interlock.Server.Tests;

/// <summary>A software authenticator (ES256 or RS256), building the messages of WebAuthn Level 3 §6.1 (authenticator
/// data), §6.5 (attested credential data, "none" attestation) and §7 (client data), so the verification can be fed
/// answers that are right in every respect but one.</summary>
internal sealed class SoftAuthenticator(bool rsa = false)
{
    private readonly ECDsa _ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly RSA _rsa = RSA.Create(2048);
    public byte[] CredentialId { get; } = RandomNumberGenerator.GetBytes(16);
    public uint Counter { get; set; }

    public static byte[] ClientData(string type, string challenge, string origin) =>
        Encoding.UTF8.GetBytes($"{{\"type\":\"{type}\",\"challenge\":\"{challenge}\",\"origin\":\"{origin}\",\"crossOrigin\":false}}");

    private byte[] CoseKey()
    {
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        if (rsa)
        {
            var p = _rsa.ExportParameters(false);
            w.WriteStartMap(4);
            w.WriteInt32(1); w.WriteInt32(3);      // kty: RSA
            w.WriteInt32(3); w.WriteInt32(-257);   // alg: RS256
            w.WriteInt32(-1); w.WriteByteString(p.Modulus!);
            w.WriteInt32(-2); w.WriteByteString(p.Exponent!);
        }
        else
        {
            var p = _ec.ExportParameters(false);
            w.WriteStartMap(5);
            w.WriteInt32(1); w.WriteInt32(2);      // kty: EC2
            w.WriteInt32(3); w.WriteInt32(-7);     // alg: ES256
            w.WriteInt32(-1); w.WriteInt32(1);     // crv: P-256
            w.WriteInt32(-2); w.WriteByteString(p.Q.X!);
            w.WriteInt32(-3); w.WriteByteString(p.Q.Y!);
        }
        w.WriteEndMap();
        return w.Encode();
    }

    public byte[] AuthenticatorData(string rpId, bool attested, byte flags = 0x05)
    {
        var data = new List<byte>(SHA256.HashData(Encoding.UTF8.GetBytes(rpId)));
        data.Add((byte)(flags | (attested ? 0x40 : 0)));
        var count = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(count, Counter);
        data.AddRange(count);
        if (attested)
        {
            data.AddRange(new byte[16]); // AAGUID: none
            data.Add((byte)(CredentialId.Length >> 8)); data.Add((byte)CredentialId.Length);
            data.AddRange(CredentialId);
            data.AddRange(CoseKey());
        }
        return [.. data];
    }

    /// <summary>The JSON the dashboard's script posts after navigator.credentials.create.</summary>
    public string Registration(string rpId, string origin, string challenge, string label = "test key")
    {
        var w = new CborWriter(CborConformanceMode.Ctap2Canonical);
        w.WriteStartMap(3);
        w.WriteTextString("fmt"); w.WriteTextString("none");
        w.WriteTextString("attStmt"); w.WriteStartMap(0); w.WriteEndMap();
        w.WriteTextString("authData"); w.WriteByteString(AuthenticatorData(rpId, attested: true));
        w.WriteEndMap();
        var id = B64.EncodeToString(CredentialId);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["label"] = label, ["id"] = id, ["rawId"] = id, ["type"] = "public-key",
            ["response"] = new Dictionary<string, string>
            {
                ["clientDataJSON"] = B64.EncodeToString(ClientData("webauthn.create", challenge, origin)),
                ["attestationObject"] = B64.EncodeToString(w.Encode()),
            },
        });
    }

    /// <summary>The JSON posted after navigator.credentials.get; <paramref name="tamper"/> changes the signature.</summary>
    public string Assertion(string rpId, string origin, string challenge, string user, bool tamper = false, string type = "webauthn.get")
    {
        var authData = AuthenticatorData(rpId, attested: false);
        var clientData = ClientData(type, challenge, origin);
        var signed = authData.Concat(SHA256.HashData(clientData)).ToArray();
        var signature = rsa ? _rsa.SignData(signed, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) : _ec.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        if (tamper) signature[^1] ^= 0x5a;
        var id = B64.EncodeToString(CredentialId);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["id"] = id, ["rawId"] = id, ["type"] = "public-key",
            ["response"] = new Dictionary<string, string>
            {
                ["clientDataJSON"] = B64.EncodeToString(clientData), ["authenticatorData"] = B64.EncodeToString(authData),
                ["signature"] = B64.EncodeToString(signature), ["userHandle"] = B64.EncodeToString(Passkeys.UserHandle(user)),
            },
        });
    }
}

/// <summary>The WebAuthn verification itself: what passes, and each way an answer is refused.</summary>
public sealed class PasskeyVerificationTests
{
    private static readonly RelyingParty Rp = new("localhost", "http://localhost:8787");
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);

    private static string Challenge() => B64.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private static async Task<(SoftAuthenticator Auth, Passkey Key)> Registered(bool rsa = false)
    {
        var auth = new SoftAuthenticator(rsa);
        var challenge = Challenge();
        using var json = JsonDocument.Parse(auth.Registration(Rp.Id, Rp.Origin, challenge));
        var key = await Passkeys.VerifyRegistrationAsync(Rp, "ana", "laptop", challenge, Passkeys.ParseRegistration(json.RootElement), T0, default);
        Assert.Equal(B64.EncodeToString(auth.CredentialId), key.CredentialId);
        Assert.Equal("ana", key.User);
        Assert.Equal("localhost", key.RelyingParty);
        return (auth, key);
    }

    private static Task<uint> SignIn(SoftAuthenticator auth, Passkey key, string? rpId = null, string? origin = null, bool tamper = false, string? signedChallenge = null, string? expectedChallenge = null, string type = "webauthn.get")
    {
        var challenge = expectedChallenge ?? Challenge();
        using var json = JsonDocument.Parse(auth.Assertion(rpId ?? Rp.Id, origin ?? Rp.Origin, signedChallenge ?? challenge, key.User, tamper, type));
        return Passkeys.VerifySignInAsync(Rp, challenge, Passkeys.ParseSignIn(json.RootElement), key, default);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_registered_key_signs_in_and_its_counter_moves(bool rsa)
    {
        var (auth, key) = await Registered(rsa);
        auth.Counter = 7;
        Assert.Equal(7u, await SignIn(auth, key));
    }

    [Fact]
    public async Task A_bad_signature_is_refused()
    {
        var (auth, key) = await Registered();
        var e = await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(auth, key, tamper: true));
        Assert.Contains("refused", e.Message);
    }

    [Fact]
    public async Task Another_key_cannot_answer_for_a_registered_credential()
    {
        var (_, key) = await Registered();
        var impostor = new SoftAuthenticator();
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(impostor, key with { CredentialId = key.CredentialId }));
    }

    [Fact]
    public async Task An_answer_made_for_another_origin_or_rp_id_is_refused()
    {
        var (auth, key) = await Registered();
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(auth, key, origin: "https://evil.example"));
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(auth, key, origin: "http://localhost:9999"));
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(auth, key, rpId: "evil.example"));
        // A key registered for another host name is refused before its signature is even looked at.
        var e = await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(auth, key with { RelyingParty = "interlock.example.com" }));
        Assert.Contains("registered for interlock.example.com", e.Message);
    }

    [Fact]
    public async Task An_answer_to_another_challenge_or_of_the_wrong_type_is_refused()
    {
        var (auth, key) = await Registered();
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(auth, key, signedChallenge: Challenge()));
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(auth, key, type: "webauthn.create"));
    }

    [Fact]
    public async Task A_counter_that_does_not_grow_is_refused_a_cloned_key_or_a_replayed_answer()
    {
        var (auth, key) = await Registered();
        auth.Counter = 5;
        Assert.Equal(5u, await SignIn(auth, key));
        var used = key with { SignCount = 5 };
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(auth, used)); // the same count again
        auth.Counter = 3;
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => SignIn(auth, used)); // a lower one
        auth.Counter = 6;
        Assert.Equal(6u, await SignIn(auth, used));
    }

    [Fact]
    public async Task A_registration_for_another_origin_or_challenge_is_refused()
    {
        var auth = new SoftAuthenticator();
        var challenge = Challenge();
        using var wrongOrigin = JsonDocument.Parse(auth.Registration(Rp.Id, "https://evil.example", challenge));
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => Passkeys.VerifyRegistrationAsync(Rp, "ana", "x", challenge, Passkeys.ParseRegistration(wrongOrigin.RootElement), T0, default));
        using var wrongChallenge = JsonDocument.Parse(auth.Registration(Rp.Id, Rp.Origin, Challenge()));
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => Passkeys.VerifyRegistrationAsync(Rp, "ana", "x", challenge, Passkeys.ParseRegistration(wrongChallenge.RootElement), T0, default));
        using var wrongRp = JsonDocument.Parse(auth.Registration("evil.example", Rp.Origin, challenge));
        await Assert.ThrowsAsync<PasskeyRefusedException>(() => Passkeys.VerifyRegistrationAsync(Rp, "ana", "x", challenge, Passkeys.ParseRegistration(wrongRp.RootElement), T0, default));
    }

    [Fact]
    public void Malformed_answers_are_refused_with_what_is_wrong()
    {
        using var empty = JsonDocument.Parse("{}");
        Assert.Contains("`response`", Assert.Throws<PasskeyRefusedException>(() => Passkeys.ParseSignIn(empty.RootElement)).Message);
        using var bad = JsonDocument.Parse("""{"id":"x","rawId":"!!","response":{}}""");
        Assert.Throws<PasskeyRefusedException>(() => Passkeys.ParseSignIn(bad.RootElement));
        Assert.Throws<PasskeyRefusedException>(() => Passkeys.ChallengeOf(Encoding.UTF8.GetBytes("not json")));
    }
}

/// <summary>The passkey routes over HTTP: register from a signed-in session, sign in, and the refusals (replayed
/// answer, cross-site, unknown key) with failed sign-ins rate-limited per address like token sign-ins.</summary>
public sealed class PasskeySignInTests
{
    private const string Public = "http://localhost:8787"; // the address the browser would use (RP ID localhost)

    private static HttpClient Browser(string url) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(url + "/"), Timeout = TimeSpan.FromSeconds(60) };

    private static async Task<(HttpStatusCode Status, JsonElement Body, string? Cookie)> Post(HttpClient c, string path, string json, string? cookie, string origin)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Origin", origin);
        using var response = await c.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var set = response.Headers.TryGetValues("Set-Cookie", out var v) ? v.First().Split(';')[0] : null;
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone(), set);
    }

    private static async Task<string> SignInWithToken(HttpClient c, string url, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "login") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }) };
        request.Headers.Add("Origin", url);
        using var response = await c.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").First().Split(';')[0];
    }

    [Fact]
    public async Task Register_then_sign_in_and_a_replayed_answer_is_refused()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { PublicUrl = Public, SignInFailuresPerAddress = 4 });
        using var c = Browser(t.Url);
        var cookie = await SignInWithToken(c, t.Url, t.Ana);
        var auth = new SoftAuthenticator();

        var (status, options, _) = await Post(c, "account/passkeys/options", "{}", cookie, t.Url);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("localhost", options.GetProperty("rp").GetProperty("id").GetString());
        var challenge = options.GetProperty("challenge").GetString()!;
        // Registering needs a signed-in human and this site's pages.
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(c, "account/passkeys", auth.Registration("localhost", Public, challenge), cookie, "https://evil.example")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(c, "account/passkeys", auth.Registration("localhost", Public, challenge), null, t.Url)).Status);
        var (added, addedBody, _) = await Post(c, "account/passkeys", auth.Registration("localhost", Public, challenge, "work laptop"), cookie, t.Url);
        Assert.True(added == HttpStatusCode.OK, addedBody.ToString());
        var keys = await t.Server.Service.Store.RunAsync((_, _, ids) => ids.ListPasskeysAsync("ana").AsTask());
        Assert.Equal("work laptop", Assert.Single(keys).Label);
        // The registration challenge was used: the same answer again is refused.
        Assert.Equal(HttpStatusCode.BadRequest, (await Post(c, "account/passkeys", auth.Registration("localhost", Public, challenge), cookie, t.Url)).Status);

        (status, options, _) = await Post(c, "login/passkey/options", "{}", null, t.Url);
        Assert.Equal(HttpStatusCode.OK, status);
        auth.Counter = 1;
        var answer = auth.Assertion("localhost", Public, options.GetProperty("challenge").GetString()!, "ana");
        var (signedIn, _, session) = await Post(c, "login/passkey", answer, null, t.Url);
        Assert.Equal(HttpStatusCode.OK, signedIn);
        Assert.NotNull(session);
        var principal = await t.Server.Service.AuthenticateAsync(session!.Split('=', 2)[1]);
        Assert.Equal(("ana", TokenKind.Session), (principal!.Name, principal.Token.Kind));

        // The same answer again (a replay): its challenge is gone.
        var (replayed, replayBody, replayCookie) = await Post(c, "login/passkey", answer, null, t.Url);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed);
        Assert.Contains("already used or has expired", replayBody.GetProperty("error").GetString());
        Assert.Null(replayCookie);
        // From another site: refused before anything is looked at.
        Assert.Equal(HttpStatusCode.Forbidden, (await Post(c, "login/passkey/options", "{}", null, "https://evil.example")).Status);
    }

    [Fact]
    public async Task Failed_passkey_sign_ins_pause_the_address_like_failed_token_sign_ins()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { PublicUrl = Public, SignInFailuresPerAddress = 3 });
        using var c = Browser(t.Url);
        var stranger = new SoftAuthenticator(); // never registered
        for (var i = 0; i < 3; i++)
        {
            var (_, options, _) = await Post(c, "login/passkey/options", "{}", null, t.Url);
            var (status, body, _) = await Post(c, "login/passkey", stranger.Assertion("localhost", Public, options.GetProperty("challenge").GetString()!, "ana"), null, t.Url);
            Assert.Equal(HttpStatusCode.Unauthorized, status);
            Assert.Contains("not registered here", body.GetProperty("error").GetString());
        }
        var (paused, pausedBody, _) = await Post(c, "login/passkey/options", "{}", null, t.Url);
        Assert.Equal(HttpStatusCode.TooManyRequests, paused);
        Assert.Contains("try again in", pausedBody.GetProperty("error").GetString());
        // The pause is shared with token sign-in: the address is paused for both.
        using var form = new HttpRequestMessage(HttpMethod.Post, "login") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = t.Ana }) };
        form.Headers.Add("Origin", t.Url);
        using var tokenSignIn = await c.SendAsync(form);
        Assert.Equal(HttpStatusCode.TooManyRequests, tokenSignIn.StatusCode);
    }

    [Fact]
    public async Task Passkeys_say_why_they_are_unavailable_at_an_ip_address()
    {
        await using var t = await TestServer.StartAsync(); // no public URL; the client uses 127.0.0.1
        using var c = Browser(t.Url);
        var (status, body, _) = await Post(c, "login/passkey/options", "{}", null, t.Url);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("host name", body.GetProperty("error").GetString());
        var login = await c.GetStringAsync("login");
        Assert.Contains("Passkeys are not available at this address", login);
        Assert.Contains("localhost", login);
    }
}
