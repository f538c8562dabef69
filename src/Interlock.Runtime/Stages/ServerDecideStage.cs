using System.Net;
using System.Text.Json;
using Interlock.Core;
using Interlock.State.Wire;

namespace Interlock.Runtime.Stages;

/// <summary>Where the approval server is and who this agent is: INTERLOCK_SERVER_URL and INTERLOCK_AGENT_TOKEN
/// (the hook), INTERLOCK_TOKEN (a human's CLI). INTERLOCK_SERVER_POSTURE: closed (default) or local.
/// <paramref name="WaitMs"/> is the longest this caller can let the server wait for humans (a bound from its deadline,
/// not a setting): how long the server waits is its own setting (`interlock serve --hook-wait`, default none).</summary>
internal sealed record ServerConnection(Uri Url, string Token, bool FailClosed, int WaitMs)
{
    /// <summary>How long one call may take in all (the wait for humans included); inside the hook's deadline.</summary>
    public int TimeoutMs { get; init; } = WaitMs + 2500;

    /// <summary>The server's answer, the network and the hook's own work after it: kept back from the deadline.</summary>
    public const int MarginMs = 3000;

    /// <summary>The hook's connection, or null when no server is configured (local decisions, as before).</summary>
    public static ServerConnection? ForAgent(TimeSpan deadline) => From("INTERLOCK_AGENT_TOKEN", deadline);

    /// <summary>A human's connection for approve/deny/requests, or null.</summary>
    public static ServerConnection? ForHuman() => From("INTERLOCK_TOKEN", TimeSpan.FromSeconds(30));

    private static ServerConnection? From(string tokenVariable, TimeSpan deadline)
    {
        var url = Environment.GetEnvironmentVariable("INTERLOCK_SERVER_URL");
        if (string.IsNullOrWhiteSpace(url)) return null;
        var token = Environment.GetEnvironmentVariable(tokenVariable) ?? "";
        if (!Uri.TryCreate(url.TrimEnd('/') + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ServerUnreachableException($"INTERLOCK_SERVER_URL `{url}` is not an http(s) URL");
        var posture = Environment.GetEnvironmentVariable("INTERLOCK_SERVER_POSTURE");
        // Whatever the server's wait, it stays well inside the hook's own deadline (and so the agent's hook timeout).
        var wait = (int)Math.Max(0, deadline.TotalMilliseconds - MarginMs);
        return new ServerConnection(uri, token, !string.Equals(posture, "local", StringComparison.OrdinalIgnoreCase), wait)
        {
            TimeoutMs = (int)Math.Max(1000, deadline.TotalMilliseconds - 1000),
        };
    }

    public HttpClient Client(TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = Url, Timeout = timeout };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        client.DefaultRequestHeaders.UserAgent.ParseAdd("interlock/" + BuildInfo.Version);
        return client;
    }
}

/// <summary>The server could not be asked (down, unreachable, timed out, 5xx, refused the token).</summary>
internal sealed class ServerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The decide stage when the hook is connected to an approval server: the local engine runs (its answers about
/// this machine are recorded and sent along, and its effects feed the snapshot stage), but the verdict is the
/// server's, made with the organisation's policy. An ask becomes a request on the server, which answers at once (or
/// after its --hook-wait, inside the hook's deadline); still pending, it is a deny that carries the request's dashboard
/// link and says to retry after the approval. An ask the server's policy leaves to the harness's own prompt
/// (`approvals.harness_prompt: non-production`) stays an ask, recorded as such. When the server cannot be
/// reached, the posture decides: closed (default) stops anything the local policy would ask about or deny and
/// keeps the local allow for the rest; local uses the local decision. Nothing is ever approved offline.
/// </summary>
internal sealed class ServerDecideStage(Engine engine, Func<IWorldView> world, ServerConnection server) : IDecisionStage
{
    public void Run(DecisionContext context)
    {
        var e = context.Event;
        if (e.Invalid is not null || e.Request is null)
        {
            new DecideStage(engine, world).Run(context);
            return;
        }
        // The session's written files are asked through the recording, so the server sees the agent's new code as new.
        var recording = new RecordingWorld(ProvenanceStage.WithSession(world(), context));
        var local = engine.Evaluate(e.Request, recording);
        context.Analysed = true;
        try
        {
            // Asked here so the facts carry them: approvers see the repository and its branch beside the host.
            if (recording.FindRepositoryRoot(e.Request.Cwd) is { } repository) recording.CurrentBranch(repository);
            var call = new DecisionCall(e.Harness, e.SessionId, e.Request, recording.Facts, server.WaitMs) { HarnessCanAsk = context.Caller.SupportsAsk, Host = HostName() };
            var (answer, status) = Ask(call);
            // What the action writes is this machine's knowledge (the provenance stage records it for later calls).
            context.Decision = answer with { Effects = local.Effects, Invocations = local.Invocations, Parse = local.Parse, Writes = local.Writes };
            if (status == HarnessPromptStatus) context.ApprovalNote = Interlock.Core.Policy.ApprovalRoute.HarnessPromptNote;
        }
        catch (ServerUnreachableException ex)
        {
            context.Decision = Offline(local, ex.Message);
            context.Problems.Add($"the approval server could not be reached: {ex.Message}");
        }
    }

    internal Decision Offline(Decision local, string why)
    {
        if (!server.FailClosed || local.Verdict == Verdict.Allow) return local;
        return local with
        {
            Verdict = Verdict.Deny,
            RuleId = "server.unreachable",
            Reason = $"Interlock could not reach its approval server at {server.Url} ({why}). This action {(local.Verdict == Verdict.Ask ? "needs a human's approval" : "is not allowed")} ([{local.RuleId}] {local.Reason}), and nothing is approved while the server is away, so it is stopped.",
            Alternative = "Retry when the server is back (check it with `curl " + server.Url + "health`); tell the user the approval server is unreachable.",
        };
    }

    /// <summary>This machine's name, or null when the system gives none.</summary>
    private static string? HostName()
    {
        try { return Environment.MachineName is { Length: > 0 and <= 255 } name ? name : null; }
        catch (InvalidOperationException) { return null; }
    }

    /// <summary>The server's status for an ask left to the harness's own prompt (ApprovalService.HarnessPromptStatus).</summary>
    internal const string HarnessPromptStatus = "harness-prompt";

    /// <summary>The dashboard page of a request, as the humans reach the server.</summary>
    internal Uri RequestLink(string id) => new(server.Url, "requests/" + Uri.EscapeDataString(id));

    private (Decision Decision, string? Status) Ask(DecisionCall call)
    {
        using var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body)) DecisionWire.Write(w, call);
        using var client = server.Client(TimeSpan.FromMilliseconds(server.TimeoutMs));
        HttpResponseMessage response;
        try
        {
            using var content = new ByteArrayContent(body.ToArray());
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            response = client.PostAsync("v1/decisions", content).GetAwaiter().GetResult();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new ServerUnreachableException(ex is TaskCanceledException ? "no answer in time" : ex.Message, ex);
        }
        using (response)
        {
            var text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                throw new ServerUnreachableException($"it refused this agent's token (HTTP {(int)response.StatusCode}: {Detail(text)}); check INTERLOCK_AGENT_TOKEN");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                // The server pauses an address that sent too many invalid tokens; this agent's own may be fine.
                var wait = response.Headers.RetryAfter?.Delta is { } d ? $" for {Plural.Duration(d)}" : "";
                return (new Decision(Verdict.Deny, "server.paused", $"the approval server is refusing requests from this machine{wait} (HTTP 429: {Detail(text)}), so the action is stopped.",
                    $"Retry the action{(wait.Length > 0 ? " after that" : " later")}; if it keeps happening, a process here is using a wrong or revoked token: fix its INTERLOCK_AGENT_TOKEN.", [], [], null), null);
            }
            if (!response.IsSuccessStatusCode)
            {
                if ((int)response.StatusCode is >= 400 and < 500)
                    return (new Decision(Verdict.Deny, "server.rejected-request", $"the approval server rejected the request (HTTP {(int)response.StatusCode}: {Detail(text)}), so the action is stopped.", "Report this: the hook and the server may be different versions.", [], [], null), null);
                throw new ServerUnreachableException($"HTTP {(int)response.StatusCode}: {Detail(text)}");
            }
            try
            {
                using var doc = JsonDocument.Parse(text);
                var r = doc.RootElement;
                var verdict = r.GetProperty("verdict").GetString() switch { "allow" => Verdict.Allow, "ask" => Verdict.Ask, _ => Verdict.Deny };
                var alternative = r.TryGetProperty("alternative", out var a) ? a.GetString() : null;
                var required = r.TryGetProperty("requiredApprovals", out var ra) && ra.TryGetInt32(out var n) ? n : 1;
                var status = r.TryGetProperty("status", out var st) ? st.GetString() : null;
                // Only an ask the server left to the harness's prompt may reach the harness as an ask: any other ask
                // (a pending request) is a stop, or the harness's prompt would approve past the server.
                if (verdict == Verdict.Ask && status != HarnessPromptStatus) verdict = Verdict.Deny;
                if (status == "pending" && r.TryGetProperty("requestId", out var rid) && rid.GetString() is { Length: > 0 } id)
                    alternative = $"Tell the user it is waiting for approval at {RequestLink(id)} (or `interlock approve {id}`); once it is approved, retry exactly the same action: it will be allowed once.";
                return (new Decision(verdict, r.GetProperty("ruleId").GetString() ?? "server", r.GetProperty("reason").GetString() ?? "", alternative, [], [], null) { RequiredApprovals = required }, status);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new ServerUnreachableException($"its answer could not be read ({ex.Message})", ex);
            }
        }
    }

    internal static string Detail(string problemJson)
    {
        try
        {
            using var doc = JsonDocument.Parse(problemJson);
            return doc.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : problemJson;
        }
        catch (JsonException)
        {
            return problemJson.Length > 200 ? problemJson[..200] : problemJson;
        }
    }
}
