using System.Net;
using Interlock.State.Identity;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>A clock the test moves by hand (wall clock and timestamps together).</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private long _ticks;
    public override DateTimeOffset GetUtcNow() => start + TimeSpan.FromTicks(Interlocked.Read(ref _ticks));
    public override long GetTimestamp() => Interlocked.Read(ref _ticks);
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}

public sealed class SignInLimitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 5, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_limiter_blocks_at_the_limit_until_the_window_ends_and_keys_are_independent()
    {
        var limiter = new AttemptLimiter(3, TimeSpan.FromMinutes(15));
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limiter.RetryAfter("10.0.0.1", T0));
            limiter.Record("10.0.0.1", T0);
        }
        Assert.Equal(TimeSpan.FromMinutes(15), limiter.RetryAfter("10.0.0.1", T0));
        Assert.Equal(TimeSpan.FromMinutes(5), limiter.RetryAfter("10.0.0.1", T0.AddMinutes(10)));
        Assert.Null(limiter.RetryAfter("10.0.0.2", T0));
        Assert.Null(limiter.RetryAfter("10.0.0.1", T0.AddMinutes(15)));
        limiter.Record("10.0.0.1", T0.AddMinutes(15));
        Assert.Null(limiter.RetryAfter("10.0.0.1", T0.AddMinutes(15)));
    }

    [Fact]
    public void Memory_is_bounded_a_flood_of_new_keys_evicts_the_oldest_not_the_limit()
    {
        var limiter = new AttemptLimiter(2, TimeSpan.FromMinutes(15), maxKeys: 100);
        limiter.Record("victim-of-guessing", T0.AddSeconds(50));
        limiter.Record("victim-of-guessing", T0.AddSeconds(50));
        for (var i = 0; i < 10_000; i++) limiter.Record($"spray-{i}", T0.AddSeconds(60 + i % 30));
        Assert.Equal(100, limiter.TrackedKeys);
        Assert.Null(limiter.RetryAfter("victim-of-guessing", T0.AddSeconds(100))); // the oldest went first
        // A key that is over its limit now survives a further flood: eviction takes the oldest windows.
        limiter.Record("attacker", T0.AddSeconds(200));
        limiter.Record("attacker", T0.AddSeconds(200));
        for (var i = 0; i < 99; i++) limiter.Record($"more-{i}", T0.AddSeconds(201));
        Assert.Equal(100, limiter.TrackedKeys);
        Assert.NotNull(limiter.RetryAfter("attacker", T0.AddSeconds(202)));
        // Expired windows are dropped first when room is needed.
        limiter.Record("late", T0.AddHours(1));
        Assert.Equal(1, limiter.TrackedKeys);
    }

    [Fact]
    public void Ipv6_clients_are_counted_per_slash_64_and_ipv4_mapped_addresses_as_ipv4()
    {
        Assert.Equal(AttemptLimiter.AddressKey(IPAddress.Parse("2001:db8:1:2::1")), AttemptLimiter.AddressKey(IPAddress.Parse("2001:db8:1:2:ffff::9")));
        Assert.NotEqual(AttemptLimiter.AddressKey(IPAddress.Parse("2001:db8:1:2::1")), AttemptLimiter.AddressKey(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("127.0.0.1", AttemptLimiter.AddressKey(IPAddress.Parse("::ffff:127.0.0.1")));
    }

    private static async Task<HttpResponseMessage> SignIn(HttpClient c, string url, string token) =>
        await c.SendAsync(new HttpRequestMessage(HttpMethod.Post, url + "/login")
        {
            Headers = { { "Origin", url } },
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }),
        });

    [Fact]
    public async Task Dashboard_sign_in_pauses_an_address_after_repeated_failures_even_for_a_valid_token()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { SignInFailuresPerAddress = 3 });
        using var c = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        for (var i = 0; i < 3; i++)
        {
            using var bad = await SignIn(c, t.Url, "ilk_wrong" + i);
            Assert.Equal(HttpStatusCode.Redirect, bad.StatusCode);
            Assert.Contains("error=", bad.Headers.Location!.ToString());
        }
        // An agent token is a failed sign-in too; but the address is already paused, so even a valid human token waits.
        using var limited = await SignIn(c, t.Url, t.Ana);
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var page = await limited.Content.ReadAsStringAsync();
        Assert.Contains("Too many failed sign-ins from your address", page);
        Assert.Contains("Try again in", page);
        Assert.False(limited.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task Dashboard_sign_in_limits_sessions_per_account_but_not_other_accounts()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { SignInsPerAccount = 2 });
        using var c = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });
        for (var i = 0; i < 2; i++)
        {
            using var ok = await SignIn(c, t.Url, t.Ana);
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
            Assert.Contains(ok.Headers.GetValues("Set-Cookie"), v => v.StartsWith(Api.SessionCookie + "="));
        }
        using var third = await SignIn(c, t.Url, t.Ana);
        Assert.Equal((HttpStatusCode)429, third.StatusCode);
        Assert.Contains("Account ana has signed in 2 times", await third.Content.ReadAsStringAsync());
        using var ben = await SignIn(c, t.Url, t.Ben);
        Assert.Equal(HttpStatusCode.Redirect, ben.StatusCode);
    }

    [Fact]
    public async Task A_token_revoked_elsewhere_stops_working_within_the_auth_cache_bound_and_a_sign_out_at_once()
    {
        var dir = Path.Combine(Path.GetTempPath(), "interlock-authcache-" + Guid.NewGuid().ToString("N")[..12]);
        var options = new ServerOptions { DataDirectory = dir, AuthCacheFor = TimeSpan.FromSeconds(5) };
        var time = new ManualTime(T0);
        try
        {
            await using var store = await ServerStore.OpenAsync(options);
            await using var webhooks = new Webhooks([], () => store, time);
            var service = new ApprovalService(store, options, new ChangeFeed(), webhooks, time);
            var (issued, session) = await store.RunAsync(async (_, _, ids) =>
            {
                await ids.SaveUserAsync("ana", ["prod-approvers"], T0);
                return (await ids.IssueTokenAsync(TokenKind.Human, "ana", null, T0, null), await ids.IssueTokenAsync(TokenKind.Session, "ana", null, T0, T0.AddHours(8)));
            });
            Assert.Equal("ana", (await service.AuthenticateAsync(issued.Secret))?.Name);
            Assert.Equal("ana", (await service.AuthenticateAsync(session.Secret))?.Name);

            // `interlock admin token revoke` is another process: it changes the database, not this server's memory.
            await store.RunAsync((_, _, ids) => ids.RevokeTokenAsync(issued.Info.Id, T0).AsTask());
            time.Advance(TimeSpan.FromSeconds(4.9));
            Assert.NotNull(await service.AuthenticateAsync(issued.Secret)); // inside the bound: still remembered
            time.Advance(TimeSpan.FromSeconds(0.2));
            Assert.Null(await service.AuthenticateAsync(issued.Secret)); // past it: the revocation bites

            // A sign-out on this server forgets the session at once.
            await store.RunAsync((_, _, ids) => ids.RevokeTokenAsync(session.Info.Id, time.GetUtcNow()).AsTask());
            service.ForgetAuthentication(session.Secret);
            Assert.Null(await service.AuthenticateAsync(session.Secret));
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
