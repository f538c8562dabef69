using System.Text;
using System.Text.Json;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.State.Identity;
using static Interlock.Server.Html;

namespace Interlock.Server;

/// <summary>
/// The dashboard: server-rendered HTML with one stylesheet and one script (/assets/), live updates over server-sent
/// events. Humans sign in with their token or a passkey; either sets an HttpOnly, SameSite=Strict session cookie (a
/// short-lived session token stored hashed like any other). Everything that changes something is a POST whose
/// Origin (or Referer) must be this server's.
/// </summary>
public static class Dashboard
{
    private const string Csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    public static void Map(WebApplication app, ApprovalService service)
    {
        app.MapGet("/assets/app.css", (HttpContext ctx) => Asset(ctx, "text/css; charset=utf-8", DashboardAssets.Css));
        app.MapGet("/assets/app.js", (HttpContext ctx) => Asset(ctx, "text/javascript; charset=utf-8", DashboardAssets.Js));
        SignIn.Map(app, service);
        app.MapGet("/", (HttpContext ctx) => Page(ctx, service, "/", async p =>
        {
            var now = service.Time.GetUtcNow();
            var recent = await service.Store.RunAsync((_, a, _) => a.ListAsync(null, 40).AsTask());
            var sb = new StringBuilder(Flash(ctx.Request.Query["msg"], ctx.Request.Query["tone"]));
            var pending = await service.Store.RunAsync((_, a, _) => a.ListAsync(ApprovalStatus.Pending, 100).AsTask());
            sb.Append($"<h2>Waiting for approval <span class=count id=pending-count>{pending.Count}</span> <span id=live class=live title='updates arrive without reloading'>live</span></h2>");
            sb.Append("<div id=pending data-live='/fragments/pending'>").Append(PendingHtml(pending, p, now)).Append("</div>");
            sb.Append("<h2>Recently decided</h2>");
            var decided = recent.Where(r => r.Status != ApprovalStatus.Pending).Take(25).ToList();
            if (decided.Count == 0)
                sb.Append(Empty("No decisions yet", "<p>Requests that were approved, denied, used or expired are listed here, with who voted. The full record of every decision, including actions that were simply allowed, is in the <a href='/audit'>audit trail</a>.</p>"));
            else
            {
                sb.Append("<table><tr><th>status</th><th>request</th><th>agent</th><th>action</th><th>votes</th><th class=nowrap>when</th></tr>");
                foreach (var r in decided)
                {
                    var votes = r.Votes.Count == 0 ? "<span class=muted>none</span>" : string.Join(", ", r.Votes.Select(v => $"{E(v.Approver)} {(v.Approve ? "approved" : "denied")}"));
                    sb.Append($"<tr><td>{StatusBadge(r.Status)}</td><td><a class=req-id href='/requests/{E(r.Id)}'>{E(r.Id)}</a></td><td>{E(r.Action.AgentId)}</td><td class=action><code>{E(Clip(r.Action.Action))}</code></td><td>{votes}</td><td class=nowrap>{When(r.ConsumedAt ?? r.DecidedAt ?? r.ExpiresAt, now)}</td></tr>");
                }
                sb.Append("</table>");
            }
            return sb.ToString();
        }, "Approvals"));
        app.MapGet("/fragments/pending", (HttpContext ctx) => Api.Authed(ctx, service, TokenKind.Human, async p =>
        {
            var pending = await service.Store.RunAsync((_, a, _) => a.ListAsync(ApprovalStatus.Pending, 100).AsTask());
            await Fragment(ctx, PendingHtml(pending, p, service.Time.GetUtcNow()));
        }));
        app.MapGet("/requests/{id}", (HttpContext ctx) => Page(ctx, service, "/", async p =>
        {
            var id = (string)ctx.Request.RouteValues["id"]!;
            var body = await RequestDetail(service, id, p);
            if (body is null) return Empty("No request has this id", $"<p>Check the link, or find the request in the <a href='/'>approval queue</a> or the <a href='/audit'>audit trail</a>.</p>");
            return Flash(ctx.Request.Query["msg"], ctx.Request.Query["tone"]) +
                $"<p class='muted small'><span id=live class=live>live</span> · <a href='/audit?q={Uri.EscapeDataString(id)}'>audit records of this request</a></p>" +
                $"<div data-live='/fragments/requests/{E(id)}'>{body}</div>";
        }, "Request"));
        app.MapGet("/fragments/requests/{id}", (HttpContext ctx) => Api.Authed(ctx, service, TokenKind.Human, async p =>
        {
            var body = await RequestDetail(service, (string)ctx.Request.RouteValues["id"]!, p);
            if (body is null) { ctx.Response.StatusCode = 404; return; }
            await Fragment(ctx, body);
        }));
        app.MapPost("/requests/{id}/vote", (HttpContext ctx) => Api.Authed(ctx, service, TokenKind.Human, async p =>
        {
            if (!SameOrigin(ctx)) { await CrossSite(ctx); return; }
            var id = (string)ctx.Request.RouteValues["id"]!;
            var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
            var approve = form["decision"].ToString() == "approve";
            var comment = form["comment"].ToString().Trim();
            if (comment.Length > 2000) comment = comment[..2000];
            var back = form["return"].ToString();
            if (!(back == "/" || (back.StartsWith("/requests/", StringComparison.Ordinal) && back.Length < 100 && !back.Contains("//", StringComparison.Ordinal)))) back = "/";
            var result = await service.VoteAsync(p, id, approve, comment.Length == 0 ? null : comment);
            var tone = result.Outcome is VoteOutcome.Counted or VoteOutcome.Decided ? "ok" : "warn";
            ctx.Response.Redirect($"{back}?tone={tone}&msg={Uri.EscapeDataString(ApprovalRules.Explain(result.Outcome, result.Request, p.Name))}");
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
        app.MapGet("/audit", (HttpContext ctx) => Page(ctx, service, "/audit", async _ => await AuditPage(ctx, service), "Audit trail"));
        app.MapGet("/fragments/audit/verify", (HttpContext ctx) => Api.Authed(ctx, service, TokenKind.Human, async _ =>
        {
            var v = await service.Store.RunAsync((log, _, _) => AuditVerifier.VerifyAsync(log, ctx.RequestAborted).AsTask());
            await Fragment(ctx, VerificationBanner(v));
        }));
        app.MapGet("/policy", (HttpContext ctx) => Page(ctx, service, "/policy", _ =>
        {
            var o = service.Options;
            return Task.FromResult($"""
                <dl class=policy>
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

    /// <summary>The queue: requests this viewer can act on first, then by time left.</summary>
    private static string PendingHtml(IReadOnlyList<ApprovalRequest> pending, Principal p, DateTimeOffset now)
    {
        if (pending.Count == 0)
            return Empty("Nothing is waiting", """
                <p>When an agent's action needs a human (deleting infrastructure, force-pushing a protected branch, anything in production), it appears here at once, without reloading, with what it would do and who asked.</p>
                <p>To connect an agent, give it its own token (<code>interlock admin token agent &lt;name&gt; --operator &lt;you&gt;</code>) and set <code>INTERLOCK_SERVER_URL</code> and <code>INTERLOCK_AGENT_TOKEN</code> where its hook runs. You can also vote from a terminal: <code>interlock requests</code>, <code>interlock approve &lt;id&gt;</code>.</p>
                """);
        var sb = new StringBuilder();
        foreach (var r in pending.OrderByDescending(r => VoteRight.Of(r, p).MayApprove).ThenBy(r => r.ExpiresAt))
            sb.Append(RequestCard(r, p, now, "/", detail: false));
        return sb.ToString();
    }

    private static async Task<string?> RequestDetail(ApprovalService service, string id, Principal p)
    {
        var r = id.Length > 64 ? null : await service.Store.RunAsync((_, a, _) => a.GetAsync(id).AsTask());
        return r is null ? null : RequestCard(r, p, service.Time.GetUtcNow(), "/requests/" + r.Id, detail: true);
    }

    private static async Task<string> AuditPage(HttpContext ctx, ApprovalService service)
    {
        var q = ctx.Request.Query;
        string F(string name, int max = 200) { var v = q[name].ToString().Trim(); return v.Length > max ? v[..max] : v; }
        var who = F("who", 64);
        if (who.Length == 0) who = F("agent", 64); // the old filter's name
        var session = F("session");
        var verdict = F("verdict", 16);
        var text = F("q");
        const int scanned = 2000, shown = 300;
        var records = await service.Store.RunAsync((log, _, _) => log.TailAsync(scanned).AsTask());
        var now = service.Time.GetUtcNow();
        var sb = new StringBuilder("<div id=verify data-once='/fragments/audit/verify'><p class='banner info'>Verifying the hash chain...</p></div>");
        sb.Append("<form method=get class=filters>");
        sb.Append($"<label>Who <input name=who value='{E(who)}' placeholder='agent or human' size=14></label>");
        sb.Append($"<label>Session <input name=session value='{E(session)}' size=14></label>");
        sb.Append("<label>Verdict <select name=verdict><option value=''>any</option>");
        foreach (var v in new[] { "allow", "ask", "deny" }) sb.Append($"<option{(v == verdict ? " selected" : "")}>{v}</option>");
        sb.Append("</select></label>");
        sb.Append($"<label>Contains <input name=q value='{E(text)}' placeholder='command, request id, reason' size=22></label>");
        sb.Append("<button class=primary>Filter</button>");
        if (who.Length + session.Length + verdict.Length + text.Length > 0) sb.Append("<a class=button href='/audit'>Clear</a>");
        sb.Append("</form>");
        var rows = new StringBuilder();
        var count = 0;
        foreach (var r in records.Reverse())
        {
            var e = r.Entry;
            var actor = Actor(e.Reason);
            if (who.Length > 0 && actor.Name != who && actor.Operator != who) continue;
            if (session.Length > 0 && e.SessionId != session) continue;
            if (verdict.Length > 0 && e.Verdict != verdict) continue;
            if (text.Length > 0 && !(e.Request ?? "").Contains(text, StringComparison.OrdinalIgnoreCase) && !e.Reason.Contains(text, StringComparison.OrdinalIgnoreCase)) continue;
            if (++count > shown) break;
            var whoHtml = actor.Kind switch
            {
                "human" => $"<b>{E(actor.Name)}</b> <span class=muted>human</span>",
                "agent" => $"<b>{E(actor.Name)}</b> <span class=muted>agent{(actor.Operator is { } op ? $", operator {E(op)}" : "")}</span>",
                _ => $"<span class=muted>{E(e.Harness)}</span>",
            };
            var sessionHtml = e.SessionId is null || actor.Kind == "human" || e.SessionId.StartsWith("agent:", StringComparison.Ordinal) || e.SessionId.StartsWith("human:", StringComparison.Ordinal)
                ? "" : $"<div class=small><a href='/audit?session={Uri.EscapeDataString(e.SessionId)}'>{E(e.SessionId)}</a></div>";
            var request = actor.RequestId is { } rid ? $" <a class=req-id href='/requests/{E(rid)}'>{E(rid)}</a>" : "";
            rows.Append($"<tr><td class='nowrap muted'>{r.Sequence}</td><td class=nowrap>{When(e.Timestamp, now)}</td><td>{whoHtml}{sessionHtml}</td>");
            rows.Append($"<td><span class='badge v-{E(e.Verdict)}'>{E(e.Verdict)}</span>{(actor.Status is { } st ? $"<div class='small muted'>{E(st)}{request}</div>" : "")}</td>");
            rows.Append($"<td class=action><code>{E(Clip(e.Request ?? e.Tool))}</code></td><td>{Prose(actor.Reason)} <span class=rule>{E(e.RuleId)}</span></td></tr>");
        }
        if (count == 0)
            sb.Append(records.Count == 0
                ? Empty("The audit trail is empty", "<p>Every decision the server makes (allowed, asked, denied) and every vote is recorded here, hash-chained so that a changed or removed record is detected. Records appear once agents send their actions to this server.</p>")
                : Empty("No record matches these filters", $"<p>Searched the newest {Number(Math.Min(records.Count, scanned))} records. <a href='/audit'>Clear the filters</a>, or export the whole trail with <code>GET /v1/audit/export</code>.</p>"));
        else
        {
            sb.Append("<table><tr><th>#</th><th>when</th><th>who</th><th>verdict</th><th>action</th><th>reason</th></tr>").Append(rows).Append("</table>");
            sb.Append($"<p class='muted small'>{(count > shown ? $"The newest {shown} matches" : $"{count} match{(count == 1 ? "" : "es")}")} among the newest {Number(Math.Min(records.Count, scanned))} records. Export the whole trail as JSONL from <code>GET /v1/audit/export</code>; verify it offline with <code>interlock audit verify --server</code>.</p>");
        }
        return sb.ToString();
    }

    private static string VerificationBanner(AuditVerification v)
    {
        var from = v.Checkpoint is { } c ? $" from the checkpoint after record #{c.LastSequence} (older records were archived)" : "";
        if (v.Intact)
            return $"<p class='banner ok' id=chain data-intact=true>✓ <b>Chain intact:</b> {Number(v.RecordCount)} records verified{from}, up to #{v.LastSequence}. No record was changed, inserted or removed.</p>";
        var first = v.Problems[0];
        return $"<p class='banner bad' id=chain data-intact=false>✗ <b>Chain broken:</b> {Number(v.Problems.Count)}{(v.ProblemsTruncated ? "+" : "")} {Interlock.Core.Plural.Noun(v.Problems.Count, "problem")}, the first at record #{first.Sequence} ({E(first.Kind)}: {E(first.Message)}). Records may have been changed or removed: keep a copy of the database and run <code>interlock audit verify --server</code> for the full report.</p>";
    }

    /// <summary>A full page for a signed-in human, or a redirect to sign-in.</summary>
    internal static async Task Page(HttpContext ctx, ApprovalService service, string section, Func<Principal, Task<string>> body, string title)
    {
        var caller = await Api.CallerOf(ctx, service);
        if (caller.PausedFor is { } wait)
        {
            await TooMany(ctx, wait, $"Too many requests from your address carried a session or token that is not valid ({service.TokenFailures.Limit} in {Interlock.Core.Plural.Duration(service.TokenFailures.Window)}), so they are paused for it. Try again in {Interlock.Core.Plural.Duration(TimeSpan.FromSeconds(Api.RetryAfterSeconds(wait)))}; if a script or agent on your machine uses an old token, give it a valid one first.", "Requests paused");
            return;
        }
        var p = caller.Principal;
        if (p is null || !p.IsHuman) { ctx.Response.Redirect("/login"); return; }
        var content = await body(p);
        string Link(string href, string text) => $"<a href='{href}'{(href == section ? " aria-current=page" : "")}>{text}</a>";
        var groups = p.Groups.Count == 0 ? "no groups" : string.Join(", ", p.Groups.Select(E));
        var top = $"<header class=top><a class=brand href='/'>Interlock</a><nav>{Link("/", "Approvals")}{Link("/audit", "Audit")}{Link("/policy", "Policy")}{Link("/account", "Account")}</nav>" +
                  $"<span class=who><b>{E(p.Name)}</b> · {groups}</span><form method=post action=/logout class=inline><button class=ghost>Sign out</button></form></header>";
        await Write(ctx, 200, title, $"{top}<main><h1>{E(title)}</h1>{content}</main>");
    }

    internal static Task TooMany(HttpContext ctx, TimeSpan wait, string message, string heading = "Sign-in paused")
    {
        ctx.Response.Headers.RetryAfter = Api.RetryAfterSeconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Write(ctx, 429, "Too many attempts", $"<main class=signin><div class=card><h1>{heading}</h1><p class='banner bad' id=limited>{message}</p></div></main>");
    }

    internal static Task CrossSite(HttpContext ctx) =>
        Write(ctx, 403, "Refused", "<main class=signin><div class=card><h1>Refused</h1><p class='banner bad'>Cross-site form posts are refused: this form must be sent from the dashboard's own pages. Open the dashboard and try again there.</p></div></main>");

    internal static Task Write(HttpContext ctx, int status, string title, string body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "text/html; charset=utf-8";
        ctx.Response.Headers.ContentSecurityPolicy = Csp;
        ctx.Response.Headers.CacheControl = "no-store";
        return ctx.Response.WriteAsync($"""
            <!doctype html><html lang=en><head><meta charset=utf-8><meta name=viewport content="width=device-width, initial-scale=1">
            <meta name=color-scheme content="light dark"><title>{E(title)} · Interlock</title>
            <link rel=stylesheet href="/assets/app.css"><script src="/assets/app.js" defer></script></head><body>{body}</body></html>
            """);
    }

    private static Task Fragment(HttpContext ctx, string html)
    {
        ctx.Response.ContentType = "text/html; charset=utf-8";
        ctx.Response.Headers.CacheControl = "no-store";
        return ctx.Response.WriteAsync(html);
    }

    private static Task Asset(HttpContext ctx, string type, string text)
    {
        ctx.Response.ContentType = type;
        ctx.Response.Headers.CacheControl = "public, max-age=300";
        return ctx.Response.WriteAsync(text);
    }

    /// <summary>A state-changing form must come from this server's own pages (CSRF defence next to SameSite=Strict).</summary>
    internal static bool SameOrigin(HttpContext ctx)
    {
        var origin = ctx.Request.Headers.Origin.ToString();
        if (origin.Length == 0 || origin == "null") origin = ctx.Request.Headers.Referer.ToString();
        if (origin.Length == 0) return false;
        return Uri.TryCreate(origin, UriKind.Absolute, out var u) && string.Equals(u.Authority, ctx.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    private static string Clip(string s) => s.Length > 120 ? s[..120] + "..." : s;
}
