using System.Net;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>The dashboard's CSRF defence: a signed-in human's session cookie does not let another site's page vote,
/// sign out or sign in (an Origin, or failing that a Referer, of this server is required on every form post), while
/// the dashboard's own forms work; the session cookie is HttpOnly and SameSite=Strict.</summary>
public sealed class DashboardCsrfTests
{
    private const string Evil = "https://evil.example";

    private static HttpClient Browser(string url) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(url + "/"), Timeout = TimeSpan.FromSeconds(60) };

    private static async Task<HttpResponseMessage> PostForm(HttpClient c, string path, Dictionary<string, string> form, string? cookie, string? origin, string? referer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        if (cookie is not null) request.Headers.Add("Cookie", cookie);
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (referer is not null) request.Headers.Referrer = new Uri(referer);
        return await c.SendAsync(request);
    }

    private static async Task<int> CountedApprovals(TestServer t, string id)
    {
        using var human = t.Client(t.Ana);
        return (await human.GetFromJsonElement($"v1/requests/{id}")).GetProperty("countedApprovals").GetInt32();
    }

    [Fact]
    public async Task A_cross_site_post_with_the_session_cookie_is_refused_and_the_dashboards_own_form_works()
    {
        await using var t = await TestServer.StartAsync();
        using var browser = Browser(t.Url);

        // Signing in from another site is refused too (login CSRF would sign the victim in as the attacker).
        using (var crossLogin = await PostForm(browser, "login", new() { ["token"] = t.Ana }, null, Evil))
        {
            Assert.Equal(HttpStatusCode.Forbidden, crossLogin.StatusCode);
            Assert.False(crossLogin.Headers.Contains("Set-Cookie"));
        }
        using var login = await PostForm(browser, "login", new() { ["token"] = t.Ana }, null, t.Url);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var setCookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        var attributes = setCookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.DoesNotContain("secure", attributes); // plain HTTP here: Secure is set only over HTTPS
        var cookie = setCookie.Split(';')[0];

        var id = (await t.DecideAsync("terraform destroy", "/srv/infra/prod-a")).GetProperty("requestId").GetString()!;
        var approve = new Dictionary<string, string> { ["decision"] = "approve", ["comment"] = "csrf" };

        // Another site's page posting the dashboard's vote form with the victim's cookie: every variant is refused.
        foreach (var (origin, referer, what) in new (string?, string?, string)[]
        {
            (Evil, null, "a foreign Origin"),
            (null, Evil + "/page", "a foreign Referer and no Origin"),
            ("null", null, "Origin null (a sandboxed frame) and no Referer"),
            (null, null, "neither Origin nor Referer"),
            ($"http://127.0.0.1.evil.example:{new Uri(t.Url).Port}", null, "a host that only starts with the server's"),
            ("http://127.0.0.2:" + new Uri(t.Url).Port, null, "another host on the same port"),
        })
        {
            using var cross = await PostForm(browser, $"requests/{id}/vote", approve, cookie, origin, referer);
            Assert.True(cross.StatusCode == HttpStatusCode.Forbidden, $"{what}: {(int)cross.StatusCode}");
            Assert.Equal(0, await CountedApprovals(t, id));
        }
        using (var crossLogout = await PostForm(browser, "logout", [], cookie, Evil))
            Assert.Equal(HttpStatusCode.Forbidden, crossLogout.StatusCode);

        // The dashboard's own form (same origin) with the cookie: counted.
        using var own = await PostForm(browser, $"requests/{id}/vote", approve, cookie, t.Url);
        Assert.Equal(HttpStatusCode.Redirect, own.StatusCode);
        Assert.Equal(1, await CountedApprovals(t, id));
        // A same-origin Referer (no Origin, as some browsers send for same-origin forms) works too, and the session is
        // still valid: the refused cross-site logout did not end it. Ben's vote completes the two-person rule.
        using var benLogin = await PostForm(browser, "login", new() { ["token"] = t.Ben }, null, t.Url);
        var benCookie = benLogin.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        using var byReferer = await PostForm(browser, $"requests/{id}/vote", approve, benCookie, null, t.Url + "/requests/" + id);
        Assert.Equal(HttpStatusCode.Redirect, byReferer.StatusCode);
        using var human = t.Client(t.Ana);
        Assert.Equal("approved", (await human.GetFromJsonElement($"v1/requests/{id}")).GetProperty("status").GetString());
        using var stillSignedIn = new HttpRequestMessage(HttpMethod.Get, "");
        stillSignedIn.Headers.Add("Cookie", cookie);
        using var page = await browser.SendAsync(stillSignedIn);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }
}
