using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Core;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.State.Identity;
using Interlock.State.Wire;
using Microsoft.AspNetCore.Http.Features;

namespace Interlock.Server;

/// <summary>
/// The JSON API (documented in <see cref="OpenApiDocument"/>). Handlers take the HttpContext and read and write
/// JSON with JsonDocument / Utf8JsonWriter: no reflection, and every malformed input becomes a 4xx problem
/// response that names the field. Every endpoint but /health needs a token.
/// </summary>
public static class Api
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonDocumentOptions ReaderOptions = new() { MaxDepth = 32 };
    public const string SessionCookie = "interlock_session";

    public static void Map(WebApplication app, ApprovalService service)
    {
        app.MapGet("/health", (HttpContext ctx) => Json(ctx, 200, w => { w.WriteString("status", "ok"); w.WriteString("version", ServerMain.Version); }));
        app.MapGet("/openapi.json", (HttpContext ctx) => Authed(ctx, service, null, _ =>
        {
            ctx.Response.ContentType = "application/json";
            return ctx.Response.WriteAsync(OpenApiDocument.Json);
        }));
        app.MapPost("/v1/decisions", (HttpContext ctx) => Authed(ctx, service, TokenKind.Agent, async p =>
        {
            var body = await ReadJsonAsync(ctx, service.Options.MaxBodyBytes);
            if (body is null) return;
            using (body)
            {
                DecisionCall call;
                try { call = DecisionWire.Read(body.RootElement); }
                catch (WireFormatException e) { await Problem(ctx, 400, "invalid decision request", e.Message, e.Field); return; }
                var d = await service.DecideAsync(p, call, ctx.RequestAborted);
                await Json(ctx, 200, w => WriteDecision(w, d));
            }
        }));
        app.MapGet("/v1/requests", (HttpContext ctx) => Authed(ctx, service, null, async p =>
        {
            ApprovalStatus? status = null;
            if (ctx.Request.Query["status"] is { Count: > 0 } sv)
            {
                if (!Enum.TryParse<ApprovalStatus>(sv[0], ignoreCase: true, out var s) || !Enum.IsDefined(s))
                { await Problem(ctx, 400, "invalid query", "`status` must be pending, approved, denied, expired or consumed", "status"); return; }
                status = s;
            }
            var limit = 50;
            if (ctx.Request.Query["limit"] is { Count: > 0 } lv && (!int.TryParse(lv[0], out limit) || limit < 1 || limit > 500))
            { await Problem(ctx, 400, "invalid query", "`limit` must be a whole number from 1 to 500", "limit"); return; }
            var list = await service.Store.RunAsync((_, a, _) => a.ListAsync(status, p.IsHuman ? limit : 500).AsTask());
            var visible = list.Where(r => p.IsHuman || r.Action.AgentId == p.Name).Take(limit);
            await Json(ctx, 200, w =>
            {
                w.WriteStartArray("requests");
                foreach (var r in visible) { w.WriteStartObject(); WriteRequest(w, r); w.WriteEndObject(); }
                w.WriteEndArray();
            });
        }));
        app.MapGet("/v1/requests/{id}", (HttpContext ctx) => Authed(ctx, service, null, async p =>
        {
            var id = (string)ctx.Request.RouteValues["id"]!;
            var r = id.Length > 64 ? null : await service.Store.RunAsync((_, a, _) => a.GetAsync(id).AsTask());
            if (r is null || (!p.IsHuman && r.Action.AgentId != p.Name)) { await Problem(ctx, 404, "no such request", $"no request has the id `{Clip(id)}` (agents see only their own)", "id"); return; }
            await Json(ctx, 200, w => WriteRequest(w, r));
        }));
        foreach (var verb in new[] { "approve", "deny" })
        {
            app.MapPost($"/v1/requests/{{id}}/{verb}", (HttpContext ctx) => Authed(ctx, service, TokenKind.Human, async p =>
            {
                var id = (string)ctx.Request.RouteValues["id"]!;
                string? comment = null;
                if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
                {
                    using var body = await ReadJsonAsync(ctx, 16 * 1024);
                    if (body is null) return;
                    if (body.RootElement.ValueKind != JsonValueKind.Object) { await Problem(ctx, 400, "invalid vote", "the body must be a JSON object like {\"comment\":\"...\"}", "$"); return; }
                    try { comment = DecisionWire.OptionalString(body.RootElement, "comment", 2000); }
                    catch (WireFormatException e) { await Problem(ctx, 400, "invalid vote", e.Message, e.Field); return; }
                }
                await VoteAndAnswer(ctx, service, p, id, verb == "approve", comment);
            }));
        }
        app.MapGet("/v1/audit", (HttpContext ctx) => Authed(ctx, service, TokenKind.Human, async _ =>
        {
            var count = 100;
            if (ctx.Request.Query["limit"] is { Count: > 0 } lv && (!int.TryParse(lv[0], out count) || count < 1 || count > 1000))
            { await Problem(ctx, 400, "invalid query", "`limit` must be a whole number from 1 to 1000", "limit"); return; }
            var records = await service.Store.RunAsync((log, _, _) => log.TailAsync(count).AsTask());
            await Json(ctx, 200, w =>
            {
                w.WriteStartArray("records");
                foreach (var r in records) AuditJsonl.Write(w, r);
                w.WriteEndArray();
            });
        }));
        app.MapGet("/v1/audit/export", (HttpContext ctx) => Authed(ctx, service, TokenKind.Human, async _ =>
        {
            // The lines of `interlock audit export --jsonl` and of a prune's archive (one writer, AuditJsonl), so a
            // server export is read, and its archived part proven (`interlock audit verify --archive`), like a local one.
            ctx.Response.ContentType = "application/x-ndjson";
            await service.Store.RunAsync(async (log, _, _) =>
            {
                using var buffer = new MemoryStream();
                await foreach (var r in log.ReadAsync(1, ctx.RequestAborted))
                {
                    buffer.SetLength(0);
                    AuditJsonl.Write(buffer, r);
                    buffer.WriteByte((byte)'\n');
                    await ctx.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), ctx.RequestAborted);
                }
                return 0;
            });
        }));
        app.MapGet("/v1/audit/verify", (HttpContext ctx) => Authed(ctx, service, TokenKind.Human, async _ =>
        {
            var v = await service.Store.RunAsync((log, _, _) => AuditVerifier.VerifyAsync(log, ctx.RequestAborted).AsTask());
            await Json(ctx, 200, w =>
            {
                w.WriteBoolean("intact", v.Intact);
                w.WriteNumber("records", v.RecordCount);
                w.WriteNumber("lastSequence", v.LastSequence);
                if (v.Checkpoint is { } c) { w.WriteStartObject("checkpoint"); WriteCheckpoint(w, c); w.WriteEndObject(); }
                w.WriteStartArray("problems");
                foreach (var pr in v.Problems) { w.WriteStartObject(); w.WriteNumber("sequence", pr.Sequence); w.WriteString("kind", pr.Kind); w.WriteString("message", pr.Message); w.WriteEndObject(); }
                w.WriteEndArray();
            });
        }));
        app.MapGet("/v1/policy", (HttpContext ctx) => Authed(ctx, service, null, _ => Json(ctx, 200, w => WritePolicy(w, service.Options))));
        app.MapGet("/v1/webhooks/deliveries", (HttpContext ctx) => Authed(ctx, service, TokenKind.Human, async _ =>
        {
            var list = await service.Store.RunAsync((_, _, ids) => ids.ListDeliveriesAsync(100).AsTask());
            await Json(ctx, 200, w =>
            {
                w.WriteStartArray("deliveries");
                foreach (var d in list)
                {
                    w.WriteStartObject();
                    w.WriteString("url", d.Url); w.WriteString("event", d.Event); w.WriteString("requestId", d.RequestId); w.WriteNumber("attempt", d.Attempt);
                    if (d.StatusCode is { } sc) w.WriteNumber("statusCode", sc); else w.WriteNull("statusCode");
                    w.WriteString("error", d.Error); w.WriteString("at", d.At);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            });
        }));
    }

    /// <summary>Retention: the checkpoints (humans), and pruning on demand (audit administrators only).</summary>
    public static void MapRetention(WebApplication app, ApprovalService service, AuditRetentionService retention)
    {
        app.MapGet("/v1/audit/checkpoints", (HttpContext ctx) => Authed(ctx, service, TokenKind.Human, async _ =>
        {
            var list = await service.Store.RunAsync((log, _, _) => log.GetCheckpointsAsync(ctx.RequestAborted).AsTask());
            await Json(ctx, 200, w =>
            {
                w.WriteStartArray("checkpoints");
                foreach (var c in list) { w.WriteStartObject(); WriteCheckpoint(w, c); w.WriteEndObject(); }
                w.WriteEndArray();
            });
        }));
        app.MapPost("/v1/audit/prune", (HttpContext ctx) => Authed(ctx, service, TokenKind.Human, async p =>
        {
            var group = service.Options.AuditAdminGroup;
            if (!p.Groups.Contains(group, StringComparer.Ordinal))
            {
                await Problem(ctx, 403, "not an audit administrator", $"pruning the audit trail is for members of the group `{group}` (the server's --audit-admin-group), and {p.Name} is not one; an administrator adds you with `interlock admin user add {p.Name} --group {group}`", "Authorization");
                return;
            }
            using var body = await ReadJsonAsync(ctx, 16 * 1024);
            if (body is null) return;
            string? beforeText;
            long keep;
            bool dryRun;
            try
            {
                if (body.RootElement.ValueKind != JsonValueKind.Object) throw new WireFormatException("$", "the body must be a JSON object like {\"before\":\"90d\",\"keep\":1000,\"dryRun\":true}");
                beforeText = DecisionWire.OptionalString(body.RootElement, "before", 64);
                keep = body.RootElement.TryGetProperty("keep", out var k) && k.ValueKind != JsonValueKind.Null
                    ? k.ValueKind == JsonValueKind.Number && k.TryGetInt64(out var n) && n >= 0 ? n : throw new WireFormatException("keep", "`keep` must be a whole number of records, 0 or more")
                    : 0;
                dryRun = body.RootElement.TryGetProperty("dryRun", out var d) && d.ValueKind != JsonValueKind.Null
                    && (d.ValueKind is JsonValueKind.True or JsonValueKind.False ? d.GetBoolean() : throw new WireFormatException("dryRun", "`dryRun` must be true or false"));
            }
            catch (WireFormatException e) { await Problem(ctx, 400, "invalid prune request", e.Message, e.Field); return; }
            DateTimeOffset? before = null;
            if (beforeText is not null)
            {
                before = AuditCutoff.ParseBefore(beforeText, service.Time.GetUtcNow(), out var error);
                if (before is null) { await Problem(ctx, 400, "invalid prune request", $"`before`: {error}", "before"); return; }
            }
            if (before is null && keep == 0) { await Problem(ctx, 400, "invalid prune request", "a prune needs a cut-off: `before` (an age such as 90d, or a date) and/or `keep` (the newest records to keep)", "before"); return; }
            AuditPruneOutcome outcome;
            try { outcome = await retention.PruneAsync(new AuditCutoff(before, keep), beforeText, dryRun, $"{p.Name} (POST /v1/audit/prune)", ctx.RequestAborted); }
            catch (AuditPruneException e) { await Problem(ctx, 409, e.Conflict ? "prune lost a race" : "prune refused", e.Message, null, e.Conflict ? "conflict" : "refused"); return; }
            await Json(ctx, 200, w =>
            {
                w.WriteBoolean("pruned", outcome.Checkpoint is not null);
                w.WriteBoolean("dryRun", outcome.DryRun);
                w.WriteString("message", outcome.Message);
                if (outcome.Plan is { } plan)
                {
                    w.WriteNumber("firstSequence", plan.FirstSequence);
                    w.WriteNumber("lastSequence", plan.LastSequence);
                    w.WriteNumber("count", plan.Count);
                }
                if (outcome.ArchivePath is not null) w.WriteString("archive", outcome.ArchivePath);
                if (outcome.Checkpoint is { } c) { w.WriteStartObject("checkpoint"); WriteCheckpoint(w, c); w.WriteEndObject(); }
            });
        }));
    }

    public static void WriteCheckpoint(Utf8JsonWriter w, AuditCheckpoint c)
    {
        w.WriteNumber("id", c.Id);
        w.WriteNumber("firstSequence", c.FirstSequence);
        w.WriteNumber("lastSequence", c.LastSequence);
        w.WriteString("lastHash", c.LastHash);
        w.WriteNumber("count", c.Count);
        w.WriteString("prunedAt", AuditChain.FormatTimestamp(c.PrunedAt));
        w.WriteString("archive", c.ArchiveName);
        w.WriteString("archiveSha256", c.ArchiveSha256);
        w.WriteString("previousHash", c.PreviousHash);
        w.WriteString("hash", c.Hash);
    }

    internal static async Task VoteAndAnswer(HttpContext ctx, ApprovalService service, Principal p, string id, bool approve, string? comment)
    {
        var result = await service.VoteAsync(p, id, approve, comment);
        var status = result.Outcome switch
        {
            VoteOutcome.Counted or VoteOutcome.Decided => 200,
            VoteOutcome.NotFound => 404,
            VoteOutcome.OperatorCannotApprove or VoteOutcome.NotInGroup => 403,
            _ => 409,
        };
        var message = ApprovalRules.Explain(result.Outcome, result.Request, p.Name);
        if (status != 200) { await Problem(ctx, status, "vote not counted", message, "id", result.Outcome.ToString()); return; }
        await Json(ctx, 200, w =>
        {
            w.WriteString("outcome", result.Outcome.ToString());
            w.WriteString("message", message);
            w.WriteStartObject("request"); WriteRequest(w, result.Request!); w.WriteEndObject();
        });
    }

    /// <summary>Runs <paramref name="handler"/> for a valid token of the right kind; 401 / 403 otherwise, and 429
    /// while the client's address is paused for presenting invalid tokens (<see cref="CallerOf"/>).</summary>
    internal static async Task Authed(HttpContext ctx, ApprovalService service, TokenKind? need, Func<Principal, Task> handler)
    {
        var caller = await CallerOf(ctx, service);
        if (caller.PausedFor is { } wait)
        {
            var limiter = service.TokenFailures;
            var seconds = RetryAfterSeconds(wait);
            ctx.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await Problem(ctx, 429, "too many invalid tokens",
                $"{limiter.Limit} requests from your address ({AttemptLimiter.AddressKey(ctx.Connection.RemoteIpAddress)}) carried a token that is not valid (unknown, revoked or expired) " +
                $"within {Plural.Duration(limiter.Window)}, so requests with a token from this address are refused for {seconds} more seconds (see Retry-After), valid token or not. " +
                "Find the client sending a wrong token (INTERLOCK_TOKEN, INTERLOCK_AGENT_TOKEN or the dashboard cookie), give it a valid one " +
                "(`interlock admin tokens` lists them; `interlock admin token agent|human ...` issues one), then retry after that time.",
                "Authorization", "rate-limited");
            return;
        }
        var p = caller.Principal;
        if (p is null)
        {
            ctx.Response.Headers.WWWAuthenticate = "Bearer";
            await Problem(ctx, 401, "not signed in", "send `Authorization: Bearer <token>` with an Interlock token (create one with `interlock admin token ...`)", "Authorization");
            return;
        }
        if (need == TokenKind.Human && !p.IsHuman)
        {
            await Problem(ctx, 403, "not allowed for agent tokens", "agent tokens can submit actions and read their own requests, never approve, deny or read the audit trail; use a human's token", "Authorization");
            return;
        }
        if (need == TokenKind.Agent && p.Token.Kind != TokenKind.Agent)
        {
            await Problem(ctx, 403, "decisions are for agent tokens", "POST /v1/decisions is called by an agent's hook with the agent's own token (bound to its operator); create one with `interlock admin token agent`", "Authorization");
            return;
        }
        await handler(p);
    }

    /// <summary>Who sent a request: <see cref="Principal"/> for a valid token, null for none or an invalid one; or,
    /// with <see cref="PausedFor"/>, nobody was asked because the client's address is paused.</summary>
    internal readonly record struct Caller(Principal? Principal, TimeSpan? PausedFor);

    /// <summary>
    /// Authenticates the request's bearer token (or dashboard session cookie). A token that does not authenticate
    /// counts against the client's address (<see cref="ApprovalService.TokenFailures"/>); once the address reaches
    /// the limit, its requests with a token are refused before the token is looked up, until the window ends, so
    /// guessing learns nothing there, right guess or not. A request without a token is not counted (nothing was
    /// guessed). The cost on the valid path is one lock-free dictionary lookup.
    /// </summary>
    internal static async Task<Caller> CallerOf(HttpContext ctx, ApprovalService service)
    {
        string? secret;
        var session = false;
        var header = ctx.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) secret = header[7..].Trim();
        else if (ctx.Request.Cookies.TryGetValue(SessionCookie, out var cookie) && cookie is not null) (secret, session) = (cookie, true);
        else return default;
        var failures = service.TokenFailures;
        var address = AttemptLimiter.AddressKey(ctx.Connection.RemoteIpAddress);
        if (failures.RetryAfter(address, service.Time.GetUtcNow()) is { } wait) return new Caller(null, wait);
        var p = await service.AuthenticateAsync(secret);
        if (session && p is not { Token.Kind: TokenKind.Session }) p = null;
        if (p is null) failures.Record(address, service.Time.GetUtcNow());
        return new Caller(p, null);
    }

    internal static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>The request body as JSON, bounded; answers 413 / 400 itself and returns null when it is not.</summary>
    internal static async Task<JsonDocument?> ReadJsonAsync(HttpContext ctx, long maxBytes)
    {
        if (ctx.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = maxBytes;
        if (ctx.Request.ContentLength > maxBytes) { await Problem(ctx, 413, "body too large", $"the request body is over {maxBytes} bytes", "$"); return null; }
        try
        {
            return await JsonDocument.ParseAsync(ctx.Request.Body, ReaderOptions, ctx.RequestAborted);
        }
        catch (JsonException e)
        {
            await Problem(ctx, 400, "malformed JSON", $"the body is not valid JSON: {e.Message}", e.Path is { Length: > 0 } path ? path : "$");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            await Problem(ctx, 413, "body too large", $"the request body is over {maxBytes} bytes", "$");
        }
        return null;
    }

    public static Task Problem(HttpContext ctx, int status, string title, string detail, string? field, string? code = null)
    {
        if (ctx.Response.HasStarted) return Task.CompletedTask;
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/problem+json";
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("type", "about:blank");
            w.WriteString("title", title);
            w.WriteNumber("status", status);
            w.WriteString("detail", detail);
            if (field is not null) w.WriteString("field", field);
            if (code is not null) w.WriteString("code", code);
            w.WriteEndObject();
        }
        return ctx.Response.Body.WriteAsync(stream.ToArray()).AsTask();
    }

    public static Task Json(HttpContext ctx, int status, Action<Utf8JsonWriter> write)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        using var stream = new MemoryStream(512);
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        // With its length known the response is sent whole, without chunked framing.
        ctx.Response.ContentLength = stream.Length;
        return ctx.Response.Body.WriteAsync(stream.GetBuffer().AsMemory(0, (int)stream.Length)).AsTask();
    }

    public static void WriteDecision(Utf8JsonWriter w, ServerDecision d)
    {
        w.WriteString("verdict", d.Verdict.ToString().ToLowerInvariant());
        w.WriteString("status", d.Status);
        w.WriteString("ruleId", d.RuleId);
        w.WriteString("reason", d.Reason);
        if (d.Alternative is not null) w.WriteString("alternative", d.Alternative);
        if (d.RequestId is not null) w.WriteString("requestId", d.RequestId);
        w.WriteNumber("requiredApprovals", d.RequiredApprovals);
        if (d.ApproverGroup is not null) w.WriteString("approverGroup", d.ApproverGroup);
        w.WriteString("environment", d.Environment);
        if (d.Repository is not null) w.WriteString("repository", d.Repository);
        w.WriteStartArray("effects");
        foreach (var e in d.Effects) w.WriteStringValue(e.Description);
        w.WriteEndArray();
    }

    public static void WriteRequest(Utf8JsonWriter w, ApprovalRequest r)
    {
        var a = r.Action;
        w.WriteString("id", r.Id);
        w.WriteString("status", r.Status.ToString().ToLowerInvariant());
        w.WriteString("agent", a.AgentId);
        w.WriteString("operator", a.Operator);
        w.WriteString("harness", a.Harness);
        w.WriteString("sessionId", a.SessionId);
        w.WriteString("tool", a.Tool);
        w.WriteString("action", a.Action);
        w.WriteString("cwd", a.Cwd);
        w.WriteString("repository", a.Repository);
        w.WriteString("branch", a.Branch);
        w.WriteString("host", a.Host);
        w.WriteString("environment", a.Environment);
        w.WriteString("ruleId", a.RuleId);
        w.WriteString("reason", a.Reason);
        w.WriteString("fingerprint", a.Fingerprint);
        w.WriteNumber("requiredApprovals", a.RequiredApprovals);
        w.WriteNumber("countedApprovals", r.CountedApprovals);
        w.WriteString("approverGroup", a.ApproverGroup);
        w.WritePropertyName("effects");
        try { using var effects = JsonDocument.Parse(a.EffectsJson); effects.RootElement.WriteTo(w); }
        catch (JsonException) { w.WriteStartArray(); w.WriteEndArray(); }
        w.WriteString("createdAt", r.CreatedAt);
        w.WriteString("expiresAt", r.ExpiresAt);
        if (r.DecidedAt is { } dd) w.WriteString("decidedAt", dd);
        if (r.GrantExpiresAt is { } ge) w.WriteString("grantExpiresAt", ge);
        if (r.ConsumedAt is { } ca) w.WriteString("consumedAt", ca);
        w.WriteStartArray("votes");
        foreach (var v in r.Votes)
        {
            w.WriteStartObject();
            w.WriteString("approver", v.Approver);
            w.WriteBoolean("approve", v.Approve);
            w.WriteString("comment", v.Comment);
            w.WriteString("at", v.At);
            w.WriteBoolean("counted", v.Approve && v.Approver != a.Operator);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void WritePolicy(Utf8JsonWriter w, ServerOptions o)
    {
        w.WriteString("policy", "built-in rules (deny the unrecoverable, ask for the destructive but legitimate, allow the rest); production targets need two approvals");
        w.WriteString("productionApproverGroup", o.ProductionApproverGroup);
        w.WriteString("approverGroup", o.ApproverGroup);
        w.WriteString("operatorCounts", "never: the agent's operator cannot approve their own agent's action");
        w.WriteNumber("pendingForSeconds", o.PendingFor.TotalSeconds);
        w.WriteNumber("grantValidForSeconds", o.GrantValidFor.TotalSeconds);
        w.WriteNumber("hookWaitMs", o.HookWait.TotalMilliseconds);
    }

    private static string Clip(string s) => s.Length > 64 ? s[..64] + "..." : s;
}
