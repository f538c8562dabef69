using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading.Channels;
using Interlock.State.Approvals;
using Interlock.State.Identity;

namespace Interlock.Server;

/// <summary>
/// Notifications of new requests and their outcomes. Each configured receiver gets either a generic JSON payload
/// (signed: header X-Interlock-Signature = "sha256=" + hex HMAC-SHA256 over "{timestamp}.{body}" with the
/// receiver's secret, timestamp in X-Interlock-Timestamp) or a Slack-compatible {"text": ...} payload. Failed
/// deliveries are retried with exponential backoff (4 attempts); every attempt is recorded in the database.
/// Delivery never delays or changes a decision.
/// </summary>
public sealed class Webhooks : IAsyncDisposable
{
    public const int MaxAttempts = 4;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Channel<(string Event, ApprovalRequest Request)> _queue = Channel.CreateBounded<(string, ApprovalRequest)>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly IReadOnlyList<WebhookTarget> _targets;
    private readonly Func<ServerStore> _store;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly TimeProvider _time;
    private readonly Task _loop;
    private readonly TimeSpan _backoff;

    public Webhooks(IReadOnlyList<WebhookTarget> targets, Func<ServerStore> store, TimeProvider time, TimeSpan? firstBackoff = null)
    {
        _targets = targets;
        _store = store;
        _time = time;
        _backoff = firstBackoff ?? TimeSpan.FromSeconds(1);
        _loop = targets.Count == 0 ? Task.CompletedTask : Task.Run(Loop);
    }

    public void Notify(string eventName, ApprovalRequest request)
    {
        if (_targets.Count > 0) _queue.Writer.TryWrite((eventName, request));
    }

    private async Task Loop()
    {
        await foreach (var (ev, request) in _queue.Reader.ReadAllAsync())
            await Task.WhenAll(_targets.Select(t => DeliverAsync(t, ev, request)));
    }

    private async Task DeliverAsync(WebhookTarget target, string ev, ApprovalRequest r)
    {
        var body = target.Format == "slack" ? SlackBody(ev, r) : GenericBody(ev, r);
        var delay = _backoff;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            int? status = null;
            string? error = null;
            try
            {
                using var msg = new HttpRequestMessage(HttpMethod.Post, target.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (target.Format != "slack" && target.Secret is { Length: > 0 } secret)
                {
                    var ts = _time.GetUtcNow().ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                    msg.Headers.Add("X-Interlock-Timestamp", ts);
                    msg.Headers.Add("X-Interlock-Signature", "sha256=" + Sign(secret, ts, body));
                }
                msg.Headers.Add("X-Interlock-Event", ev);
                using var response = await _http.SendAsync(msg);
                status = (int)response.StatusCode;
                if (!response.IsSuccessStatusCode) error = $"HTTP {status}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                error = e.Message;
            }
            try
            {
                await _store().RunAsync(async (_, _, ids) => { await ids.RecordDeliveryAsync(new WebhookDelivery(0, target.Url, ev, r.Id, attempt, status, error, _time.GetUtcNow())); return 0; });
            }
            catch (Exception)
            {
                // The delivery itself matters more than its record; the next attempt records again.
            }
            if (error is null) return;
            if (attempt < MaxAttempts) await Task.Delay(delay);
            delay *= 2;
        }
    }

    public static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));

    private static string GenericBody(string ev, ApprovalRequest r)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("event", ev);
            Api.WriteRequest(w, r);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string SlackBody(string ev, ApprovalRequest r)
    {
        var what = ev switch
        {
            "request.created" => $"needs {Interlock.Core.Plural.Of(r.Action.RequiredApprovals, "approval")}{(r.Action.ApproverGroup is { } g ? $" from {g}" : "")}",
            "request.approved" => "was approved",
            "request.denied" => "was denied",
            "request.consumed" => "was approved and has now run",
            _ => ev,
        };
        var text = $"Interlock request {r.Id} {what}: `{Clip(r.Action.Action)}` by agent {r.Action.AgentId} (operator {r.Action.Operator ?? "-"}) in {r.Action.Repository ?? r.Action.Cwd} [{r.Action.Environment}]. {r.Action.Reason}";
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("text", text);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Clip(string s) => s.Length > 300 ? s[..300] + "..." : s;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAny(_loop, Task.Delay(2000));
        _http.Dispose();
    }
}
