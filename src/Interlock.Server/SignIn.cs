using System.Text.Json;
using Interlock.State.Identity;
using static Interlock.Server.Html;

namespace Interlock.Server;

/// <summary>
/// Signing in and out of the dashboard, and a human's passkeys. Two ways in, one session: a human token, or a passkey
/// (WebAuthn) registered earlier from the account page. Failed sign-ins of either kind count against the client's
/// address (<see cref="ServerOptions.SignInFailuresPerAddress"/>), sessions against the account
/// (<see cref="ServerOptions.SignInsPerAccount"/>); the address is the TCP peer (a reverse proxy in front would make
/// every client one address: run the server on loopback behind it with its own limits).
/// </summary>
internal static class SignIn
{
    public static void Map(WebApplication app, ApprovalService service)
    {
        var o = service.Options;
        var failuresByAddress = new AttemptLimiter(o.SignInFailuresPerAddress, o.SignInWindow);
        var sessionsByAccount = new AttemptLimiter(o.SignInsPerAccount, o.SignInWindow);
        var passkeyStartsByAddress = new AttemptLimiter(o.PasskeyStartsPerAddress, o.SignInWindow);
        string AddressPaused(TimeSpan wait) =>
            $"Too many failed sign-ins from your address ({failuresByAddress.Limit} in {failuresByAddress.Window.TotalMinutes:0} minutes), so sign-in is paused for it. Try again in {Math.Ceiling(wait.TotalSeconds):0} seconds with a valid human token (an administrator creates one with <code>interlock admin token human &lt;name&gt;</code>) or a passkey you registered.";
        string AccountPaused(string name, TimeSpan wait) =>
            $"Account {name} has signed in {sessionsByAccount.Limit} times in {sessionsByAccount.Window.TotalMinutes:0} minutes, so new sessions for it are paused. Use a browser that is already signed in, or try again in {Math.Ceiling(wait.TotalSeconds):0} seconds; if you did not sign in that often, ask an administrator to rotate your token.";

        async Task StartSession(HttpContext ctx, string name, DateTimeOffset now)
        {
            sessionsByAccount.Record(name, now);
            var session = await service.Store.RunAsync((_, _, ids) => ids.IssueTokenAsync(TokenKind.Session, name, null, now, now + o.SessionLifetime).AsTask());
            ctx.Response.Cookies.Append(Api.SessionCookie, session.Secret, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = ctx.Request.IsHttps, Path = "/", MaxAge = o.SessionLifetime });
        }

        app.MapGet("/login", (HttpContext ctx) =>
        {
            var rp = RelyingParty.For(ctx, o, out var why);
            return Dashboard.Write(ctx, 200, "Sign in", LoginPage(ctx.Request.Query["error"].ToString(), rp is null ? why : null));
        });
        app.MapPost("/login", async (HttpContext ctx) =>
        {
            if (!Dashboard.SameOrigin(ctx)) { await Dashboard.CrossSite(ctx); return; }
            var address = AttemptLimiter.AddressKey(ctx.Connection.RemoteIpAddress);
            if (failuresByAddress.RetryAfter(address, service.Time.GetUtcNow()) is { } wait) { await Dashboard.TooMany(ctx, wait, AddressPaused(wait)); return; }
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var token = form["token"].ToString().Trim();
            var p = await service.AuthenticateAsync(token);
            if (p is not { Token.Kind: TokenKind.Human })
            {
                failuresByAddress.Record(address, service.Time.GetUtcNow());
                ctx.Response.Redirect("/login?error=" + Uri.EscapeDataString(p is null ? "That token is not valid (unknown, revoked or expired). Check that you pasted all of it, or ask an administrator for a new one." : "Agent tokens cannot sign in to the dashboard; use your own (human) token."));
                return;
            }
            var now = service.Time.GetUtcNow();
            if (sessionsByAccount.RetryAfter(p.Name, now) is { } accountWait) { await Dashboard.TooMany(ctx, accountWait, AccountPaused(p.Name, accountWait)); return; }
            await StartSession(ctx, p.Name, now);
            ctx.Response.Redirect("/");
        });

        // Passkey sign-in: options (a fresh challenge, kept in the store so any replica can finish), then the answer.
        app.MapPost("/login/passkey/options", async (HttpContext ctx) =>
        {
            if (!Dashboard.SameOrigin(ctx)) { await JsonError(ctx, 403, "Cross-site requests are refused: start the sign-in from the dashboard's own page."); return; }
            var rp = RelyingParty.For(ctx, o, out var why);
            if (rp is null) { await JsonError(ctx, 400, $"Passkeys are not available here: {why}."); return; }
            var now = service.Time.GetUtcNow();
            var address = AttemptLimiter.AddressKey(ctx.Connection.RemoteIpAddress);
            if ((failuresByAddress.RetryAfter(address, now) ?? passkeyStartsByAddress.RetryAfter(address, now)) is { } wait)
            {
                ctx.Response.Headers.RetryAfter = Api.RetryAfterSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await JsonError(ctx, 429, $"Too many sign-in attempts from your address; try again in {Api.RetryAfterSeconds(wait)} seconds.");
                return;
            }
            passkeyStartsByAddress.Record(address, now);
            var options = Passkeys.SignInOptions(rp);
            await service.Store.RunAsync(async (_, _, ids) => { await ids.SaveChallengeAsync(System.Buffers.Text.Base64Url.EncodeToString(options.Challenge), Passkeys.SignInPurpose, now, now + Passkeys.ChallengeLifetime); return 0; });
            await RawJson(ctx, 200, Passkeys.OptionsJson(options));
        });
        app.MapPost("/login/passkey", async (HttpContext ctx) =>
        {
            if (!Dashboard.SameOrigin(ctx)) { await JsonError(ctx, 403, "Cross-site requests are refused: sign in from the dashboard's own page."); return; }
            var rp = RelyingParty.For(ctx, o, out var why);
            if (rp is null) { await JsonError(ctx, 400, $"Passkeys are not available here: {why}."); return; }
            var address = AttemptLimiter.AddressKey(ctx.Connection.RemoteIpAddress);
            if (failuresByAddress.RetryAfter(address, service.Time.GetUtcNow()) is { } wait)
            {
                ctx.Response.Headers.RetryAfter = Api.RetryAfterSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await JsonError(ctx, 429, $"Too many failed sign-ins from your address ({failuresByAddress.Limit} in {failuresByAddress.Window.TotalMinutes:0} minutes); sign-in is paused for it for {Api.RetryAfterSeconds(wait)} more seconds.");
                return;
            }
            using var body = await Api.ReadJsonAsync(ctx, Passkeys.MaxResponseBytes);
            if (body is null) return;
            Passkey? key = null;
            try
            {
                var answer = Passkeys.ParseSignIn(body.RootElement);
                var challenge = Passkeys.ChallengeOf(answer.Response.ClientDataJson);
                var now = service.Time.GetUtcNow();
                // Taken before anything else is checked, so an answer can never be tried twice.
                if (!await service.Store.RunAsync((_, _, ids) => ids.TakeChallengeAsync(challenge, Passkeys.SignInPurpose, now).AsTask()))
                    throw new PasskeyRefusedException("this sign-in attempt was already used or has expired; press the passkey button again");
                key = await service.Store.RunAsync((_, _, ids) => ids.FindPasskeyAsync(answer.Id).AsTask())
                    ?? throw new PasskeyRefusedException("this passkey is not registered here (or its account is disabled); sign in with your token, then add the passkey on your account page");
                var count = await Passkeys.VerifySignInAsync(rp, challenge, answer, key, ctx.RequestAborted);
                if (!await service.Store.RunAsync((_, _, ids) => ids.UsePasskeyAsync(key.CredentialId, key.SignCount, Math.Max(key.SignCount, count), now).AsTask()))
                    throw new PasskeyRefusedException("another sign-in with this passkey happened at the same moment; try again");
            }
            catch (PasskeyRefusedException e)
            {
                failuresByAddress.Record(address, service.Time.GetUtcNow());
                await JsonError(ctx, 401, $"Passkey sign-in refused: {e.Message}.");
                return;
            }
            var at = service.Time.GetUtcNow();
            if (sessionsByAccount.RetryAfter(key.User, at) is { } accountWait) { await JsonError(ctx, 429, AccountPaused(key.User, accountWait)); return; }
            await StartSession(ctx, key.User, at);
            await RawJson(ctx, 200, "{\"redirect\":\"/\"}");
        });

        app.MapPost("/logout", async (HttpContext ctx) =>
        {
            if (!Dashboard.SameOrigin(ctx)) { await Dashboard.CrossSite(ctx); return; }
            var caller = await Api.CallerOf(ctx, service);
            var p = caller.Principal;
            ctx.Request.Cookies.TryGetValue(Api.SessionCookie, out var s);
            // Signing out still revokes the session while the address is paused for token guessing: the answer is
            // the same either way (a redirect), so it tells a guesser nothing, and only a session is ever revoked.
            if (p is null && caller.PausedFor is not null && s is not null && await service.AuthenticateAsync(s) is { Token.Kind: TokenKind.Session } session)
                p = session;
            if (p is not null)
            {
                await service.Store.RunAsync((_, _, ids) => ids.RevokeTokenAsync(p.Token.Id, service.Time.GetUtcNow()).AsTask());
                if (s is not null) service.ForgetAuthentication(s);
            }
            ctx.Response.Cookies.Delete(Api.SessionCookie);
            ctx.Response.Redirect("/login");
        });

        // The account page: who you are, and your passkeys (add, remove).
        app.MapGet("/account", (HttpContext ctx) => Dashboard.Page(ctx, service, "/account", async p =>
        {
            var keys = await service.Store.RunAsync((_, _, ids) => ids.ListPasskeysAsync(p.Name).AsTask());
            var now = service.Time.GetUtcNow();
            var rp = RelyingParty.For(ctx, o, out var why);
            var sb = new System.Text.StringBuilder(Flash(ctx.Request.Query["msg"], ctx.Request.Query["tone"]));
            sb.Append($"<div class=card><dl class=facts><div><dt>account</dt><dd><b>{E(p.Name)}</b></dd></div><div><dt>groups</dt><dd>{(p.Groups.Count == 0 ? "<span class=muted>none</span>" : string.Join(", ", p.Groups.Select(E)))}</dd></div>");
            sb.Append($"<div><dt>signed in with</dt><dd>{(p.Token.Kind == TokenKind.Session ? "a dashboard session" : "a token")}, since {When(p.Token.CreatedAt, now)}</dd></div></dl></div>");
            sb.Append("<h2>Passkeys</h2><p class=muted>A passkey signs you in with this device's screen lock or a security key instead of pasting your token. Only its public key is stored here.</p>");
            if (keys.Count == 0) sb.Append(Empty("No passkeys yet", "<p>Add one below; next time, choose <b>Sign in with a passkey</b> on the sign-in page.</p>"));
            else
            {
                sb.Append("<table id=passkeys><tr><th>name</th><th>for</th><th>added</th><th>last used</th><th></th></tr>");
                foreach (var k in keys)
                    sb.Append($"<tr data-passkey='{E(k.CredentialId)}'><td><b>{E(k.Label)}</b></td><td><code>{E(k.RelyingParty)}</code></td><td>{When(k.CreatedAt, now)}</td><td>{(k.LastUsedAt is { } u ? When(u, now) : "<span class=muted>never</span>")}</td>" +
                              $"<td><form method=post action='/account/passkeys/remove' class=inline><input type=hidden name=id value='{E(k.CredentialId)}'><button class=deny>Remove</button></form></td></tr>");
                sb.Append("</table>");
            }
            if (rp is null) sb.Append($"<p class='banner warn'>Passkeys are not available at this address: {E(why)}.</p>");
            else
                sb.Append("<div class='row card'><input id=passkey-label placeholder='Name it (e.g. work laptop)' maxlength=60 aria-label='passkey name'><button id=add-passkey class=primary>Add a passkey</button></div>");
            sb.Append("<p id=passkey-status hidden></p>");
            return sb.ToString();
        }, "Account"));
        app.MapPost("/account/passkeys/options", (HttpContext ctx) => Api.Authed(ctx, service, TokenKind.Human, async p =>
        {
            if (!Dashboard.SameOrigin(ctx)) { await JsonError(ctx, 403, "Cross-site requests are refused: add passkeys from your account page."); return; }
            var rp = RelyingParty.For(ctx, o, out var why);
            if (rp is null) { await JsonError(ctx, 400, $"Passkeys are not available here: {why}."); return; }
            var now = service.Time.GetUtcNow();
            var keys = await service.Store.RunAsync((_, _, ids) => ids.ListPasskeysAsync(p.Name).AsTask());
            if (keys.Count >= 20) { await JsonError(ctx, 409, "You already have 20 passkeys, the most one account may hold; remove one you no longer use first."); return; }
            var options = Passkeys.RegistrationOptions(rp, p.Name, keys);
            await service.Store.RunAsync(async (_, _, ids) => { await ids.SaveChallengeAsync(System.Buffers.Text.Base64Url.EncodeToString(options.Challenge), Passkeys.RegisterPurpose(p.Name), now, now + Passkeys.ChallengeLifetime); return 0; });
            await RawJson(ctx, 200, Passkeys.OptionsJson(options));
        }));
        // Typed as a RequestDelegate: the request delegate generator otherwise misreads this handler (CS9144 under AOT).
        app.MapPost("/account/passkeys", (RequestDelegate)(ctx => Api.Authed(ctx, service, TokenKind.Human, async p =>
        {
            if (!Dashboard.SameOrigin(ctx)) { await JsonError(ctx, 403, "Cross-site requests are refused: add passkeys from your account page."); return; }
            var rp = RelyingParty.For(ctx, o, out var why);
            if (rp is null) { await JsonError(ctx, 400, $"Passkeys are not available here: {why}."); return; }
            using var body = await Api.ReadJsonAsync(ctx, Passkeys.MaxResponseBytes);
            if (body is null) return;
            try
            {
                var answer = Passkeys.ParseRegistration(body.RootElement);
                var challenge = Passkeys.ChallengeOf(answer.Response.ClientDataJson);
                var now = service.Time.GetUtcNow();
                if (!await service.Store.RunAsync((_, _, ids) => ids.TakeChallengeAsync(challenge, Passkeys.RegisterPurpose(p.Name), now).AsTask()))
                    throw new PasskeyRefusedException("this registration was already used, has expired, or was started by another account; press Add a passkey again");
                var label = Passkeys.Label(body.RootElement.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString() : null);
                var key = await Passkeys.VerifyRegistrationAsync(rp, p.Name, label, challenge, answer, now, ctx.RequestAborted);
                if (!await service.Store.RunAsync((_, _, ids) => ids.AddPasskeyAsync(key).AsTask()))
                    throw new PasskeyRefusedException("this passkey is already registered");
                await RawJson(ctx, 200, $"{{\"message\":{JsonSerializer.Serialize($"Passkey “{label}” added: you can now sign in with it.", DashboardJson.Default.String)}}}");
            }
            catch (PasskeyRefusedException e) { await JsonError(ctx, 400, $"The passkey was not added: {e.Message}."); }
        })));
        app.MapPost("/account/passkeys/remove", (HttpContext ctx) => Api.Authed(ctx, service, TokenKind.Human, async p =>
        {
            if (!Dashboard.SameOrigin(ctx)) { await Dashboard.CrossSite(ctx); return; }
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var id = form["id"].ToString();
            var removed = id.Length is > 0 and <= 1400 && await service.Store.RunAsync((_, _, ids) => ids.RemovePasskeyAsync(p.Name, id).AsTask());
            ctx.Response.Redirect("/account?" + (removed ? "tone=ok&msg=" + Uri.EscapeDataString("Passkey removed: it can no longer sign in to this account.") : "tone=warn&msg=" + Uri.EscapeDataString("No passkey of yours has that id (already removed?).")));
        }));
    }

    private static string LoginPage(string error, string? noPasskeys) => $"""
        <main class=signin><div class=card>
        <h1><span class=brand></span>Sign in to Interlock</h1>
        <p class=muted>Approve or deny what AI agents ask to do, and read the audit trail.</p>
        {(error.Length > 0 ? $"<p class='banner bad' role=alert>{E(error)}</p>" : "")}
        <form method=post action=/login>
          <label>Your token <input type=password name=token id=token autocomplete=current-password placeholder="ilk_..." required></label>
          <button id=signin class=primary>Sign in with token</button>
        </form>
        <div class=or>or</div>
        {(noPasskeys is null
            ? "<button id=passkey-signin type=button>Sign in with a passkey</button><p id=passkey-status hidden></p>"
            : $"<p class='banner info'>Passkeys are not available at this address: {E(noPasskeys)}.</p>")}
        <p class='muted small'>No token yet? An administrator creates one: <code>interlock admin token human &lt;your-name&gt;</code>. After signing in, add a passkey on your account page.</p>
        </div></main>
        """;

    private static Task RawJson(HttpContext ctx, int status, string json)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers.CacheControl = "no-store";
        return ctx.Response.WriteAsync(json);
    }

    private static Task JsonError(HttpContext ctx, int status, string message) =>
        RawJson(ctx, status, $"{{\"error\":{JsonSerializer.Serialize(message, DashboardJson.Default.String)}}}");
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class DashboardJson : System.Text.Json.Serialization.JsonSerializerContext;
