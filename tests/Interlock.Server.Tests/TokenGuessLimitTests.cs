using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>Requests with invalid tokens are limited per client address (ApprovalService.TokenFailures): the address
/// is paused with 429 + Retry-After until the window passes; other addresses and requests without a token are not.</summary>
public sealed class TokenGuessLimitTests
{
    private const string ProdA = "/srv/infra/prod-a";

    /// <summary>A client whose connections come from <paramref name="localAddress"/> (any 127.x.y.z is this machine),
    /// so the server sees a different client address.</summary>
    private static HttpClient ClientFrom(TestServer t, string localAddress, string? token = null, string? cookie = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseCookies = false,
            AllowAutoRedirect = false,
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(IPAddress.Parse(localAddress), 0));
                    await socket.ConnectAsync(context.DnsEndPoint, ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        var c = new HttpClient(handler) { BaseAddress = new Uri(t.Url + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (cookie is not null) c.DefaultRequestHeaders.Add("Cookie", $"{Api.SessionCookie}={cookie}");
        return c;
    }

    private static async Task<HttpResponseMessage> Get(TestServer t, string from, string? token, string path = "v1/requests")
    {
        using var c = ClientFrom(t, from, token);
        return await c.GetAsync(path);
    }

    [Fact]
    public async Task Invalid_tokens_pause_their_address_until_the_window_passes_and_other_addresses_are_unaffected()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var t = await TestServer.StartAsync(configure: o => o with { TokenFailuresPerAddress = 3, TokenFailureWindow = TimeSpan.FromMinutes(1) }, time: time);
        const string guesser = "127.0.0.1", other = "127.0.0.2";
        var failures = t.Server.Service.TokenFailures;

        // Valid tokens are never counted.
        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await Get(t, guesser, t.Ana)).StatusCode);
        Assert.Equal(0, failures.TrackedKeys);

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await Get(t, guesser, "ilk_wrong" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using (var limited = await Get(t, guesser, "ilk_wrong3"))
        {
            Assert.Equal((HttpStatusCode)429, limited.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(429, problem.GetProperty("status").GetInt32());
            Assert.Equal("rate-limited", problem.GetProperty("code").GetString());
            var detail = problem.GetProperty("detail").GetString()!;
            Assert.Contains("3 requests from your address (127.0.0.1) carried a token that is not valid", detail);
            Assert.Contains("refused for 60 more seconds", detail);
            Assert.Contains("interlock admin tokens", detail);
        }
        // Paused means paused: a valid token from that address waits too (else guessing there would go on, with the
        // right guess told apart from the wrong ones), and an agent's decision call is refused, not decided.
        Assert.Equal((HttpStatusCode)429, (await Get(t, guesser, t.Ana)).StatusCode);
        using (var agent = ClientFrom(t, guesser, t.AgentToken))
            Assert.Equal((HttpStatusCode)429, (await TestServer.PostAsync(agent, "v1/decisions", TestServer.DecisionBody("ls", ProdA))).Status);
        // A request without a token guesses nothing: it is told to sign in, and /health answers.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(t, guesser, null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(t, guesser, null, "health")).StatusCode);

        // Another address is not affected, for humans and agents alike.
        Assert.Equal(HttpStatusCode.OK, (await Get(t, other, t.Ana)).StatusCode);
        using (var agent = ClientFrom(t, other, t.AgentToken))
            Assert.Equal(HttpStatusCode.OK, (await TestServer.PostAsync(agent, "v1/decisions", TestServer.DecisionBody("ls", ProdA))).Status);
        Assert.Equal(1, failures.TrackedKeys);

        // The pause lasts until the window ends, then the address starts afresh.
        time.Advance(TimeSpan.FromSeconds(59.5));
        using (var almost = await Get(t, guesser, t.Ana))
        {
            Assert.Equal((HttpStatusCode)429, almost.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), almost.Headers.RetryAfter?.Delta);
        }
        time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(HttpStatusCode.OK, (await Get(t, guesser, t.Ana)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Get(t, guesser, "ilk_wrong-again")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(t, guesser, t.Ana)).StatusCode); // 1 of 3: not paused
    }

    [Fact]
    public async Task Invalid_session_cookies_count_too_and_the_dashboard_says_the_address_is_paused()
    {
        var time = new ManualTime(DateTimeOffset.UtcNow);
        await using var t = await TestServer.StartAsync(configure: o => o with { TokenFailuresPerAddress = 2, TokenFailureWindow = TimeSpan.FromMinutes(5) }, time: time);
        for (var i = 0; i < 2; i++)
        {
            using var c = ClientFrom(t, "127.0.0.3", cookie: "ilk_stale" + i);
            using var page = await c.GetAsync("");
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode); // to /login
        }
        // A human (not session) token in the cookie is not a session either: it counts, and pauses the address.
        using var human = ClientFrom(t, "127.0.0.3", cookie: t.Ana);
        using var paused = await human.GetAsync("");
        Assert.Equal((HttpStatusCode)429, paused.StatusCode);
        Assert.Equal(TimeSpan.FromMinutes(5), paused.Headers.RetryAfter?.Delta);
        var html = await paused.Content.ReadAsStringAsync();
        Assert.Contains("Requests paused", html);
        Assert.Contains("Try again in 5 minutes", html);
    }

    [Fact]
    public async Task Signing_out_from_a_paused_address_still_ends_the_session()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { TokenFailuresPerAddress = 2, TokenFailureWindow = TimeSpan.FromMinutes(5) });
        string session;
        using (var browser = ClientFrom(t, "127.0.0.4"))
        {
            using var form = new HttpRequestMessage(HttpMethod.Post, "login") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = t.Ana }) };
            form.Headers.Add("Origin", t.Url);
            using var login = await browser.SendAsync(form);
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
            var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
            session = setCookie[(setCookie.IndexOf('=') + 1)..setCookie.IndexOf(';')];
        }
        for (var i = 0; i < 2; i++) (await Get(t, "127.0.0.4", "ilk_" + new string('7', 64))).Dispose();
        using (var paused = ClientFrom(t, "127.0.0.4", cookie: session))
        {
            using var page = await paused.GetAsync("");
            Assert.Equal((HttpStatusCode)429, page.StatusCode);
            using var logout = new HttpRequestMessage(HttpMethod.Post, "logout");
            logout.Headers.Add("Origin", t.Url);
            using var answer = await paused.SendAsync(logout);
            Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        }
        // The session no longer opens the dashboard from anywhere.
        using var elsewhere = ClientFrom(t, "127.0.0.5", cookie: session);
        using var after = await elsewhere.GetAsync("");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.EndsWith("/login", after.Headers.Location?.ToString());
    }

    [Fact]
    public async Task The_servers_limiter_stays_bounded_under_a_flood_of_addresses()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { TokenFailuresPerAddress = 2 });
        var failures = t.Server.Service.TokenFailures;
        var now = DateTimeOffset.UtcNow;
        // 40,000 addresses fail at once, each also being checked, from many threads.
        Parallel.For(0, 40_000, i =>
        {
            var key = AttemptLimiter.AddressKey(new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]));
            failures.Record(key, now.AddTicks(1 + i % 1000));
            failures.RetryAfter(key, now);
        });
        Assert.Equal(10_000, failures.TrackedKeys);
        // Still counting: an address that fails twice now is paused, and the number of keys did not grow.
        failures.Record("203.0.113.9", now.AddSeconds(1));
        failures.Record("203.0.113.9", now.AddSeconds(1));
        Assert.NotNull(failures.RetryAfter("203.0.113.9", now.AddSeconds(2)));
        Assert.Equal(10_000, failures.TrackedKeys);
        // Once the flood's windows have passed, a new failure clears them out.
        failures.Record("203.0.113.10", now.AddMinutes(6));
        Assert.Equal(1, failures.TrackedKeys);
        using var c = t.Client(t.Ana);
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("v1/requests")).StatusCode);
    }
}
