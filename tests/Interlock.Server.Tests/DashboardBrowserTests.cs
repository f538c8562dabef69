using Microsoft.Playwright;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>The dashboard in a real browser (Debian's chromium driven by Playwright). Screenshots of the main views,
/// light and dark, go to INTERLOCK_SCREENSHOT_DIR when set (CI keeps them), else to screenshots/ in the test's
/// output directory.</summary>
public sealed class DashboardBrowserTests
{
    private static readonly string Shots = Environment.GetEnvironmentVariable("INTERLOCK_SCREENSHOT_DIR") is { Length: > 0 } dir
        ? dir : Path.Combine(AppContext.BaseDirectory, "screenshots");

    private static async Task<IBrowser> LaunchAsync(IPlaywright playwright) => await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = BrowserFactAttribute.Chromium,
        Headless = true,
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });

    private static async Task<IPage> PageAsync(IBrowser browser, ColorScheme scheme = ColorScheme.Light)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ColorScheme = scheme, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Shots);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Shots, name + ".png"), FullPage = true });
    }

    private static async Task SignInAsync(IPage page, string url, string token)
    {
        await page.GotoAsync(url + "/login");
        await page.FillAsync("#token", token);
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync(".top .who");
    }

    [BrowserFact]
    public async Task A_request_appears_live_a_human_approves_it_with_a_comment_and_the_agents_retry_passes()
    {
        await using var t = await TestServer.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await PageAsync(browser);

        // Signing in with an agent's token is refused.
        await page.GotoAsync(t.Url + "/");
        await ShotAsync(page, "sign-in-light");
        await page.FillAsync("#token", t.AgentToken);
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("text=Agent tokens cannot sign in");

        await page.FillAsync("#token", t.Dev);
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync(".empty:has-text('Nothing is waiting')"); // the empty queue says what will appear and how
        await page.WaitForSelectorAsync("text=INTERLOCK_AGENT_TOKEN");
        await page.WaitForSelectorAsync("#live[data-state=open]");
        await ShotAsync(page, "queue-empty-light");

        // The agent asks; the page is not reloaded: the request arrives over the live feed.
        var cwd = Path.Combine(Path.GetTempPath(), "interlock-browser-" + Guid.NewGuid().ToString("N")[..8], "infra", "dev");
        Directory.CreateDirectory(cwd);
        var first = HookServerTests.RunHook(t.Url, t.AgentToken, "terraform destroy", cwd);
        Assert.Contains("\"permissionDecision\":\"deny\"", first.Stdout);
        var card = await page.WaitForSelectorAsync(".card[data-request]");
        var id = await card!.GetAttributeAsync("data-request");
        Assert.Contains(id!, first.Stdout);
        var text = await card.InnerTextAsync();
        Assert.Contains("terraform destroy", text);
        Assert.Contains("ci-bot", text);       // the agent
        Assert.Contains("olivia", text);       // its operator
        Assert.Contains("deletes every resource", text); // the effect in plain words
        Assert.Contains("0 of 1", text);       // approvals so far and needed
        Assert.Matches(@"expires in \d+ h", text); // time left, in words
        Assert.DoesNotContain("`", text);      // quoted paths are rendered as code, not as raw backticks
        Assert.Equal("1", await page.InnerTextAsync("#pending-count"));

        await page.FillAsync($".card[data-request='{id}'] input[name=comment]", "plan checked, dev only");
        await page.ClickAsync($".card[data-request='{id}'] button.approve");
        await page.WaitForSelectorAsync($"#flash:has-text('is now approved')");

        // The agent's retry of the same action passes, once.
        Assert.Equal("", HookServerTests.RunHook(t.Url, t.AgentToken, "terraform destroy", cwd).Stdout);
        Assert.Contains("\"permissionDecision\":\"deny\"", HookServerTests.RunHook(t.Url, t.AgentToken, "terraform destroy", cwd).Stdout);

        // The request page shows the vote and its comment; the audit timeline shows the agent's session and the human
        // as a human (not as an agent), with the chain verified.
        await page.GotoAsync($"{t.Url}/requests/{id}");
        await page.WaitForSelectorAsync("blockquote:has-text('plan checked, dev only')");
        await page.GotoAsync($"{t.Url}/audit?session=sess-1");
        await page.WaitForSelectorAsync("td:has-text('approval.granted')");
        await page.GotoAsync($"{t.Url}/audit?who=dev");
        var voteRow = await page.WaitForSelectorAsync("tr:has-text('approval.approve')");
        Assert.Contains("human", await voteRow!.InnerTextAsync());
        Assert.DoesNotContain("agent:dev", await page.ContentAsync());
        await page.WaitForSelectorAsync("#chain[data-intact=true]");
        await page.GotoAsync($"{t.Url}/policy");
        await page.WaitForSelectorAsync("text=prod-approvers");
    }

    /// <summary>A production request as each person sees it: the operator and a human outside the group get the
    /// reason instead of an approve button (and may deny); an approver approves on the request page with a comment,
    /// and then sees that they already voted; the others' pages update live.</summary>
    [BrowserFact]
    public async Task Approve_buttons_show_only_to_those_who_may_vote_and_the_others_see_why()
    {
        await using var t = await TestServer.StartAsync();
        var id = (await t.DecideAsync("terraform destroy", "/srv/infra/prod-a")).GetProperty("requestId").GetString()!;
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);

        var olivia = await PageAsync(browser);
        await SignInAsync(olivia, t.Url, t.Olivia);
        var card = $".card[data-request='{id}']";
        await olivia.WaitForSelectorAsync($"{card} [data-cannot]:has-text(\"You are the agent's operator\")");
        Assert.Equal(0, await olivia.Locator($"{card} button.approve").CountAsync());
        Assert.Equal(1, await olivia.Locator($"{card} button.deny").CountAsync()); // the operator may still stop it
        await olivia.GotoAsync($"{t.Url}/requests/{id}");
        await olivia.WaitForSelectorAsync("[data-cannot]:has-text(\"You are the agent's operator\")");
        // Who asked, from where: the agent's host, and the repository with its branch.
        Assert.Equal("olivia-laptop", await olivia.Locator("dt:text-is('host') + dd").InnerTextAsync());
        Assert.Equal("/srv/infra on branch main", await olivia.Locator("dt:text-is('repository') + dd").InnerTextAsync());
        await olivia.WaitForSelectorAsync("#live[data-state=open]");
        await ShotAsync(olivia, "request-as-operator-light");

        var dev = await PageAsync(browser, ColorScheme.Dark);
        await SignInAsync(dev, t.Url, t.Dev);
        await dev.WaitForSelectorAsync($"{card} [data-cannot]:has-text('not in prod-approvers')");
        Assert.Equal(0, await dev.Locator($"{card} button.approve").CountAsync());

        var ana = await PageAsync(browser);
        await SignInAsync(ana, t.Url, t.Ana);
        await ana.WaitForSelectorAsync($"{card} button.approve");
        Assert.Equal(0, await ana.Locator($"{card} [data-cannot]").CountAsync());
        await ana.WaitForSelectorAsync($"{card} .env-production");
        await ShotAsync(ana, "queue-as-approver-light");
        var anaDark = await PageAsync(browser, ColorScheme.Dark);
        await SignInAsync(anaDark, t.Url, t.Ana);
        await anaDark.WaitForSelectorAsync($"{card} button.approve");
        await ShotAsync(anaDark, "queue-as-approver-dark");

        await ana.GotoAsync($"{t.Url}/requests/{id}");
        await ShotAsync(ana, "request-as-approver-light");
        await anaDark.GotoAsync($"{t.Url}/requests/{id}");
        await anaDark.WaitForSelectorAsync("button.approve");
        await ShotAsync(anaDark, "request-as-approver-dark");
        await ana.FillAsync("input[name=comment]", "reviewed the plan with ben");
        await ana.ClickAsync("button.approve");
        await ana.WaitForSelectorAsync("#flash:has-text('1 of 2 approvals are in')");
        Assert.EndsWith($"/requests/{id}", new Uri(ana.Url).AbsolutePath); // back on the request page
        await ana.WaitForSelectorAsync("[data-cannot]:has-text('You already voted')");
        Assert.Equal(0, await ana.Locator("button.approve").CountAsync());

        // The operator's open request page took in ana's vote without a reload.
        await olivia.WaitForSelectorAsync("blockquote:has-text('reviewed the plan with ben')");
        await olivia.WaitForSelectorAsync(".progress:has-text('1 of 2')");

        // Ben completes the two-person rule; the queue empties live for dev.
        var (status, _) = await t.VoteAsync(t.Ben, id, approve: true);
        Assert.Equal(System.Net.HttpStatusCode.OK, status);
        await dev.WaitForSelectorAsync(".empty:has-text('Nothing is waiting')");
        await dev.GotoAsync(t.Url + "/");
        await dev.WaitForSelectorAsync("td .st-approved");
        await ShotAsync(dev, "queue-decided-dark");

        await ana.GotoAsync($"{t.Url}/audit");
        await ana.WaitForSelectorAsync("#chain[data-intact=true]");
        await ana.WaitForSelectorAsync("tr:has-text('approval.approve'):has-text('ana')");
        await ShotAsync(ana, "audit-light");
        await anaDark.GotoAsync($"{t.Url}/audit?verdict=deny");
        await anaDark.WaitForSelectorAsync("#chain[data-intact=true]");
        await ShotAsync(anaDark, "audit-dark");
        await ana.GotoAsync($"{t.Url}/audit?who=nobody-at-all");
        await ana.WaitForSelectorAsync(".empty:has-text('No record matches these filters')");
    }

    /// <summary>A human registers a passkey from the account page (Chromium's virtual authenticator stands in for
    /// the device), signs out, and signs back in with it, no token needed; a removed passkey no longer works.</summary>
    [BrowserFact]
    public async Task A_human_registers_a_passkey_and_signs_in_with_it()
    {
        await using var t = await TestServer.StartAsync();
        var url = t.Url.Replace("127.0.0.1", "localhost", StringComparison.Ordinal); // WebAuthn needs a host name
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await LaunchAsync(playwright);
        var page = await PageAsync(browser);
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true, ["hasUserVerification"] = true,
                ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });

        await SignInAsync(page, url, t.Ana);
        await page.GotoAsync(url + "/account");
        await page.WaitForSelectorAsync(".empty:has-text('No passkeys yet')");
        await page.FillAsync("#passkey-label", "virtual laptop");
        await page.ClickAsync("#add-passkey");
        await page.WaitForSelectorAsync("#flash:has-text('added')");
        await page.WaitForSelectorAsync("#passkeys td:has-text('virtual laptop')");
        await ShotAsync(page, "account-light");

        await page.ClickAsync("text=Sign out");
        await page.WaitForSelectorAsync("#passkey-signin");
        await page.ClickAsync("#passkey-signin");
        await page.WaitForSelectorAsync(".top .who:has-text('ana')"); // signed in as ana, without a token
        Assert.Equal(url + "/", page.Url);
        var keys = await t.Server.Service.Store.RunAsync((_, _, ids) => ids.ListPasskeysAsync("ana").AsTask());
        Assert.NotNull(Assert.Single(keys).LastUsedAt);

        // Removed: the authenticator still holds the key, and the server refuses it, saying what to do.
        await page.GotoAsync(url + "/account");
        await page.ClickAsync("#passkeys button.deny");
        await page.WaitForSelectorAsync("#flash:has-text('Passkey removed')");
        await page.ClickAsync("text=Sign out");
        await page.ClickAsync("#passkey-signin");
        await page.WaitForSelectorAsync("#passkey-status:has-text('not registered here')");
    }
}
