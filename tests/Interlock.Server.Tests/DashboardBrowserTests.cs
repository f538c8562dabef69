using Microsoft.Playwright;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>The dashboard in a real browser (Debian's chromium driven by Playwright).</summary>
public sealed class DashboardBrowserTests
{
    [BrowserFact]
    public async Task A_request_appears_live_a_human_approves_it_with_a_comment_and_the_agents_retry_passes()
    {
        await using var t = await TestServer.StartAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFactAttribute.Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        var page = await browser.NewPageAsync();
        page.SetDefaultTimeout(20_000);

        // Signing in with an agent's token is refused.
        await page.GotoAsync(t.Url + "/");
        await page.FillAsync("#token", t.AgentToken);
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("text=Agent tokens cannot sign in");

        await page.FillAsync("#token", t.Dev);
        await page.ClickAsync("#signin");
        await page.WaitForSelectorAsync("text=Nothing is waiting.");
        await page.WaitForSelectorAsync("#live[data-state=open]");

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

        await page.FillAsync($".card[data-request='{id}'] input[name=comment]", "plan checked, dev only");
        await page.ClickAsync($".card[data-request='{id}'] button.approve");
        await page.WaitForSelectorAsync($"#flash:has-text('is now approved')");

        // The agent's retry of the same action passes, once.
        Assert.Equal("", HookServerTests.RunHook(t.Url, t.AgentToken, "terraform destroy", cwd).Stdout);
        Assert.Contains("\"permissionDecision\":\"deny\"", HookServerTests.RunHook(t.Url, t.AgentToken, "terraform destroy", cwd).Stdout);

        // The request page shows the vote and its comment; the audit timeline shows the agent's session.
        await page.GotoAsync($"{t.Url}/requests/{id}");
        await page.WaitForSelectorAsync("text=plan checked, dev only");
        await page.GotoAsync($"{t.Url}/audit?session=sess-1");
        await page.WaitForSelectorAsync("td:has-text('approval.granted')");
        await page.GotoAsync($"{t.Url}/policy");
        await page.WaitForSelectorAsync("text=prod-approvers");
    }
}
