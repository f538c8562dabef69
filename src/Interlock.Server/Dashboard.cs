using System.Net;
using System.Text;
using System.Text.Json;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.State.Identity;

namespace Interlock.Server;

/// <summary>
/// The dashboard: server-rendered HTML, one small script for the live feed (server-sent events). Sign-in takes a
/// human's token and sets an HttpOnly, SameSite=Strict session cookie (a short-lived session token stored hashed
/// like any other). Forms that change something also check that the Origin is this server's.
/// </summary>
public static class Dashboard
{
    public static void Map(WebApplication app, ApprovalService service)
    {
        app.MapGet("/login", (HttpContext ctx) => Html(ctx, 200, "Sign in", LoginForm(ctx.Request.Query["error"].ToString())));
        // Sign-in limits (see ServerOptions.SignInFailuresPerAddress): guessing tokens from one address, and
        // minting sessions for one account, are both bounded; the address is the TCP peer (a reverse proxy in front
        // would make every client one address: run the server on loopback behind it with its own limits).
        var failuresByAddress = new AttemptLimiter(service.Options.SignInFailuresPerAddress, service.Options.SignInWindow);
        var sessionsByAccount = new AttemptLimiter(service.Options.SignInsPerAccount, service.Options.SignInWindow);
        app.MapPost("/login", async (HttpContext ctx) =>
        {
            if (!SameOrigin(ctx)) { await Html(ctx, 403, "Refused", "<p>Cross-site form posts are refused.</p>"); return; }
            var address = AttemptLimiter.AddressKey(ctx.Connection.RemoteIpAddress);
            if (failuresByAddress.RetryAfter(address, service.Time.GetUtcNow()) is { } wait)
            {
                await TooMany(ctx, wait, $"Too many failed sign-ins from your address ({failuresByAddress.Limit} in {failuresByAddress.Window.TotalMinutes:0} minutes), so sign-in is paused for it. Try again in {Math.Ceiling(wait.TotalSeconds):0} seconds with a valid human token (an administrator creates one with <code>interlock admin token human &lt;name&gt;</code>).");
                return;
            }
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var token = form["token"].ToString().Trim();
            var p = await service.AuthenticateAsync(token);
            if (p is not { Token.Kind: TokenKind.Human })
            {
                failuresByAddress.Record(address, service.Time.GetUtcNow());
                ctx.Response.Redirect("/login?error=" + Uri.EscapeDataString(p is null ? "That token is not valid (unknown, revoked or expired)." : "Agent tokens cannot sign in to the dashboard; use your own (human) token."));
                return;
            }
            var now = service.Time.GetUtcNow();
            if (sessionsByAccount.RetryAfter(p.Name, now) is { } accountWait)
            {
                await TooMany(ctx, accountWait, $"Account {E(p.Name)} has signed in {sessionsByAccount.Limit} times in {sessionsByAccount.Window.TotalMinutes:0} minutes, so new sessions for it are paused. Use a browser that is already signed in, or try again in {Math.Ceiling(accountWait.TotalSeconds):0} seconds; if you did not sign in that often, ask an administrator to rotate your token.");
                return;
            }
            sessionsByAccount.Record(p.Name, now);
            var session = await service.Store.RunAsync((_, _, ids) => ids.IssueTokenAsync(TokenKind.Session, p.Name, null, now, now + service.Options.SessionLifetime).AsTask());
            ctx.Response.Cookies.Append(Api.SessionCookie, session.Secret, new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = ctx.Request.IsHttps, Path = "/", MaxAge = service.Options.SessionLifetime });
            ctx.Response.Redirect("/");
        });
        app.MapPost("/logout", async (HttpContext ctx) =>
        {
            if (!SameOrigin(ctx)) { await Html(ctx, 403, "Refused", "<p>Cross-site form posts are refused.</p>"); return; }
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
        app.MapGet("/", (HttpContext ctx) => Page(ctx, service, async p =>
        {
            var pending = await PendingHtml(service);
            var recent = await service.Store.RunAsync((_, a, _) => a.ListAsync(null, 30).AsTask());
            var sb = new StringBuilder();
            if (ctx.Request.Query["msg"].ToString() is { Length: > 0 } msg) sb.Append("<p class=msg id=flash>").Append(E(msg)).Append("</p>");
            sb.Append("<h2>Waiting for approval <span id=live class=live>live</span></h2><div id=pending>").Append(pending).Append("</div>");
            sb.Append("<h2>Recent requests</h2><table><tr><th>id</th><th>status</th><th>agent</th><th>action</th><th>votes</th></tr>");
            foreach (var r in recent.Where(r => r.Status != ApprovalStatus.Pending))
                sb.Append($"<tr><td><a href='/requests/{E(r.Id)}'>{E(r.Id)}</a></td><td class='st-{r.Status.ToString().ToLowerInvariant()}'>{r.Status.ToString().ToLowerInvariant()}</td><td>{E(r.Action.AgentId)}</td><td><code>{E(Clip(r.Action.Action))}</code></td><td>{E(string.Join(", ", r.Votes.Select(v => $"{v.Approver} {(v.Approve ? "approved" : "denied")}")))}</td></tr>");
            sb.Append("</table>");
            sb.Append("""
                <script>
                const es = new EventSource('/events');
                es.onmessage = async () => {
                  const r = await fetch('/fragments/pending', {credentials: 'same-origin'});
                  if (r.ok) document.getElementById('pending').innerHTML = await r.text();
                };
                es.onopen = () => document.getElementById('live').dataset.state = 'open';
                </script>
                """);
            return sb.ToString();
        }, "Approvals"));
        app.MapGet("/fragments/pending", (HttpContext ctx) => Api.Authed(ctx, service, TokenKind.Human, async _ =>
        {
            ctx.Response.ContentType = "text/html; charset=utf-8";
            await ctx.Response.WriteAsync(await PendingHtml(service));
        }));
        app.MapGet("/requests/{id}", (HttpContext ctx) => Page(ctx, service, async _ =>
        {
            var id = (string)ctx.Request.RouteValues["id"]!;
            var r = id.Length > 64 ? null : await service.Store.RunAsync((_, a, _) => a.GetAsync(id).AsTask());
            if (r is null) return "<p>No request has this id.</p>";
            var sb = new StringBuilder(RequestCard(r));
            sb.Append("<h3>Votes</h3><ul>");
            foreach (var v in r.Votes)
                sb.Append($"<li>{E(v.Approver)} {(v.Approve ? "approved" : "denied")} at {v.At:u}{(v.Approve && v.Approver == r.Action.Operator ? " (the operator: not counted)" : "")}{(string.IsNullOrEmpty(v.Comment) ? "" : $": “{E(v.Comment)}”")}</li>");
            sb.Append("</ul>");
            return sb.ToString();
        }, "Request"));
        app.MapPost("/requests/{id}/vote", (HttpContext ctx) => Api.Authed(ctx, service, TokenKind.Human, async p =>
        {
            if (!SameOrigin(ctx)) { await Html(ctx, 403, "Refused", "<p>Cross-site form posts are refused.</p>"); return; }
            var id = (string)ctx.Request.RouteValues["id"]!;
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var approve = form["decision"].ToString() == "approve";
            var comment = form["comment"].ToString();
            if (comment.Length > 2000) comment = comment[..2000];
            var result = await service.VoteAsync(p, id, approve, comment.Length == 0 ? null : comment);
            ctx.Response.Redirect("/?msg=" + Uri.EscapeDataString(ApprovalRules.Explain(result.Outcome, result.Request, p.Name)));
        }));
        app.MapGet("/events", (HttpContext ctx) => Api.Authed(ctx, service, TokenKind.Human, async _ =>
        {
            ctx.Response.ContentType = "text/event-stream";
            ctx.Response.Headers.CacheControl = "no-cache";
            await ctx.Response.WriteAsync(": interlock live feed\n\n");
            await ctx.Response.Body.FlushAsync();
            string? last = null;
            // The stream ends when the client goes or the server stops (else shutdown would wait for every open
            // dashboard tab until the host's shutdown timeout).
            var stopping = ctx.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping);
            var ct = linked.Token;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var next = service.Changes.Next;
                    // Changes wake the loop at once (other replicas' too, with PostgreSQL LISTEN/NOTIFY); the 1 s poll is the safety net.
                    var list = await service.Store.RunAsync((_, a, _) => a.ListAsync(ApprovalStatus.Pending, 100).AsTask());
                    var state = string.Join(',', list.Select(r => $"{r.Id}:{r.Votes.Count}"));
                    if (state != last)
                    {
                        if (last is not null) await ctx.Response.WriteAsync($"data: {JsonEncodedText.Encode(state)}\n\n", ct);
                        else await ctx.Response.WriteAsync("data: hello\n\n", ct);
                        await ctx.Response.Body.FlushAsync(ct);
                        last = state;
                    }
                    await Task.WhenAny(next, Task.Delay(1000, ct));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // The client left or the server is stopping: the stream just ends.
            }
        }));
        app.MapGet("/audit", (HttpContext ctx) => Page(ctx, service, async _ =>
        {
            var agent = ctx.Request.Query["agent"].ToString();
            var session = ctx.Request.Query["session"].ToString();
            var records = await service.Store.RunAsync((log, _, _) => log.TailAsync(1000).AsTask());
            var sb = new StringBuilder("<form method=get class=filter>Agent <input name=agent value='" + E(agent) + "'> Session <input name=session value='" + E(session) + "'> <button>Filter</button></form>");
            sb.Append("<table><tr><th>#</th><th>time</th><th>session</th><th>verdict</th><th>rule</th><th>action</th><th>reason</th></tr>");
            foreach (var r in records.Reverse())
            {
                var e = r.Entry;
                if (agent.Length > 0 && !e.Reason.Contains($"agent {agent}", StringComparison.Ordinal) && e.SessionId != $"agent:{agent}") continue;
                if (session.Length > 0 && e.SessionId != session) continue;
                sb.Append($"<tr><td>{r.Sequence}</td><td>{e.Timestamp:u}</td><td>{E(e.SessionId ?? "")}</td><td class='v-{E(e.Verdict)}'>{E(e.Verdict)}</td><td>{E(e.RuleId)}</td><td><code>{E(Clip(e.Request ?? ""))}</code></td><td>{E(e.Reason)}</td></tr>");
            }
            sb.Append("</table><p>The full trail is hash-chained: verify it with <code>interlock audit verify --server</code> or GET /v1/audit/verify; export it as JSONL from GET /v1/audit/export.</p>");
            return sb.ToString();
        }, "Audit timeline"));
        app.MapGet("/policy", (HttpContext ctx) => Page(ctx, service, _ =>
        {
            var o = service.Options;
            return Task.FromResult($"""
                <dl>
                <dt>Rules</dt><dd>Interlock's built-in policy: deny the unrecoverable, ask for the destructive but legitimate, allow the rest. The server analyses every action itself; the agent's own verdict is never trusted.</dd>
                <dt>Production</dt><dd>Actions whose effects land in production need 2 approvals from members of <b>{E(o.ProductionApproverGroup)}</b>.</dd>
                <dt>Other asks</dt><dd>1 approval from {(o.ApproverGroup is { } g ? $"members of <b>{E(g)}</b>" : "any human account")}.</dd>
                <dt>Two-person rule</dt><dd>The agent's own operator never counts towards approvals (they may deny); one person counts once; one deny ends a request.</dd>
                <dt>Grants</dt><dd>An approval allows the exact action (tool, command or edit, directory, repository, environment) once, for the same agent, within {o.GrantValidFor.TotalMinutes:0} minutes.</dd>
                <dt>Waiting</dt><dd>Requests expire after {Interlock.Core.Plural.Duration(o.PendingFor)}; {(o.HookWait > TimeSpan.Zero ? $"a hook call waits up to {Interlock.Core.Plural.Duration(o.HookWait)} for the outcome, then answers with the request's link" : "a hook call does not wait: it answers at once with the request's link, and the agent retries after the approval")}.</dd>
                </dl>
                """);
        }, "Effective policy"));
    }

    private static async Task<string> PendingHtml(ApprovalService service)
    {
        var pending = await service.Store.RunAsync((_, a, _) => a.ListAsync(ApprovalStatus.Pending, 100).AsTask());
        if (pending.Count == 0) return "<p class=empty>Nothing is waiting.</p>";
        var sb = new StringBuilder();
        foreach (var r in pending)
        {
            sb.Append("<div class=card data-request='").Append(E(r.Id)).Append("'>").Append(RequestCard(r));
            sb.Append($"""
                <form method=post action="/requests/{E(r.Id)}/vote" class=vote>
                  <input name=comment placeholder="comment (recorded with your vote)" maxlength=2000>
                  <button name=decision value=approve class=approve>Approve</button>
                  <button name=decision value=deny class=deny>Deny</button>
                </form></div>
                """);
        }
        return sb.ToString();
    }

    private static string RequestCard(ApprovalRequest r)
    {
        var a = r.Action;
        var sb = new StringBuilder();
        sb.Append($"<h3><a href='/requests/{E(r.Id)}'>{E(r.Id)}</a> <span class='env env-{E(a.Environment)}'>{E(a.Environment)}</span> <span class='st-{r.Status.ToString().ToLowerInvariant()}'>{r.Status.ToString().ToLowerInvariant()}</span></h3>");
        sb.Append($"<pre class=action>{E(a.Action)}</pre>");
        sb.Append("<p class=reason>").Append(E(a.Reason)).Append(" <small>[").Append(E(a.RuleId)).Append("]</small></p>");
        sb.Append("<ul class=effects>");
        try
        {
            using var doc = JsonDocument.Parse(a.EffectsJson);
            foreach (var e in doc.RootElement.EnumerateArray())
                if (e.TryGetProperty("description", out var d)) sb.Append("<li>").Append(E(d.GetString() ?? "")).Append("</li>");
        }
        catch (JsonException) { sb.Append("<li>(effects unreadable)</li>"); }
        sb.Append("</ul><table class=facts>");
        sb.Append($"<tr><th>agent</th><td>{E(a.AgentId)} ({E(a.Harness)}{(a.SessionId is null ? "" : ", session " + E(a.SessionId))})</td></tr>");
        sb.Append($"<tr><th>operator</th><td>{E(a.Operator ?? "-")} (cannot approve)</td></tr>");
        sb.Append($"<tr><th>repository</th><td>{E(a.Repository ?? "-")}</td></tr><tr><th>directory</th><td>{E(a.Cwd)}</td></tr>");
        sb.Append($"<tr><th>needs</th><td>{a.RequiredApprovals} approval(s){(a.ApproverGroup is { } g ? " from " + E(g) : "")}; {r.CountedApprovals} so far</td></tr>");
        sb.Append($"<tr><th>expires</th><td>{r.ExpiresAt:u}</td></tr></table>");
        return sb.ToString();
    }

    private static async Task Page(HttpContext ctx, ApprovalService service, Func<Principal, Task<string>> body, string title)
    {
        var caller = await Api.CallerOf(ctx, service);
        if (caller.PausedFor is { } wait)
        {
            await TooMany(ctx, wait, $"Too many requests from your address carried a session or token that is not valid ({service.TokenFailures.Limit} in {service.TokenFailures.Window.TotalMinutes:0} minutes), so they are paused for it. Try again in {Api.RetryAfterSeconds(wait)} seconds; if a script or agent on your machine uses an old token, give it a valid one first.", "Requests paused");
            return;
        }
        var p = caller.Principal;
        if (p is null || !p.IsHuman) { ctx.Response.Redirect("/login"); return; }
        var nav = $"<nav><b>Interlock</b> <a href='/'>Approvals</a> <a href='/audit'>Audit</a> <a href='/policy'>Policy</a> <span class=who>{E(p.Name)} ({E(string.Join(", ", p.Groups))})</span> <form method=post action=/logout style=display:inline><button>Sign out</button></form></nav>";
        await Html(ctx, 200, title, nav + $"<h1>{E(title)}</h1>" + await body(p));
    }

    private static Task TooMany(HttpContext ctx, TimeSpan wait, string message, string heading = "Sign-in paused")
    {
        ctx.Response.Headers.RetryAfter = Api.RetryAfterSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Html(ctx, 429, "Too many attempts", $"<h1>{heading}</h1><p class=error id=limited>{message}</p>");
    }

    private static string LoginForm(string error) => $"""
        <h1>Interlock</h1>
        {(error.Length > 0 ? $"<p class=error>{E(error)}</p>" : "")}
        <form method=post action=/login>
          <label>Your token <input type=password name=token id=token autocomplete=current-password size=70></label>
          <button id=signin>Sign in</button>
        </form>
        <p>Get a token from an administrator: <code>interlock admin token human &lt;your-name&gt;</code>.</p>
        """;

    private static Task Html(HttpContext ctx, int status, string title, string body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/html; charset=utf-8";
        ctx.Response.Headers.ContentSecurityPolicy = "default-src 'self'; script-src 'unsafe-inline' 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'";
        return ctx.Response.WriteAsync($$"""
            <!doctype html><html><head><meta charset=utf-8><title>{{E(title)}} - Interlock</title>
            <style>
            body{font:14px system-ui,sans-serif;margin:1.5em;max-width:70em} nav a{margin-right:1em} .who{color:#555;margin:0 1em}
            .card{border:1px solid #ccc;border-radius:6px;padding:.5em 1em;margin:.8em 0} pre.action{background:#f4f4f4;padding:.5em;white-space:pre-wrap}
            .env-production{background:#c00;color:#fff;padding:0 .4em;border-radius:3px} .approve{background:#2a7;color:#fff} .deny{background:#c33;color:#fff}
            table{border-collapse:collapse} td,th{border-bottom:1px solid #eee;padding:.2em .5em;text-align:left;vertical-align:top} .msg{background:#ffd} .error{color:#c00}
            .live{font-size:60%;color:#999} .live[data-state=open]{color:#2a7}
            </style></head><body>{{body}}</body></html>
            """);
    }

    /// <summary>A state-changing form must come from this server's own pages (CSRF defence next to SameSite=Strict).</summary>
    private static bool SameOrigin(HttpContext ctx)
    {
        var origin = ctx.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || origin == "null") origin = ctx.Request.Headers.Referer.ToString();
        if (origin.Length == 0) return false;
        return Uri.TryCreate(origin, UriKind.Absolute, out var u) && string.Equals(u.Authority, ctx.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Clip(string s) => s.Length > 120 ? s[..120] + "..." : s;
}
