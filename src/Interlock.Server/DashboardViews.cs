using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Interlock.State;
using Interlock.State.Approvals;
using Interlock.State.Identity;

namespace Interlock.Server;

/// <summary>Whether a human may vote on a request, and if not, why (shown where the buttons would be). The store
/// applies the same rules (<see cref="ApprovalRules.Check"/>) when the vote arrives; this only spares people buttons
/// that could not work.</summary>
internal readonly record struct VoteRight(bool MayApprove, bool MayDeny, string? Why)
{
    public static VoteRight Of(ApprovalRequest r, Principal p)
    {
        var groups = p.Groups.ToArray();
        var approve = ApprovalRules.Check(r, p.Name, groups, approve: true);
        var deny = ApprovalRules.Check(r, p.Name, groups, approve: false);
        var mine = r.Votes.FirstOrDefault(v => v.Approver == p.Name);
        string? why = approve switch
        {
            null => null,
            VoteOutcome.NotPending => $"This request is {Html.Status(r.Status)}: there is nothing left to vote on.",
            VoteOutcome.AlreadyVoted => $"You already voted: you {(mine?.Approve == true ? "approved" : "denied")} it. Each person counts once.",
            VoteOutcome.OperatorCannotApprove => "You are the agent's operator, so your approval would not count (two-person rule): another approver must approve. You may still deny it.",
            VoteOutcome.NotInGroup => $"Approving needs a member of {r.Action.ApproverGroup}, and you are not in {r.Action.ApproverGroup}. You may still deny it; an administrator adds members with interlock admin user add.",
            _ => "You cannot approve this request.",
        };
        return new VoteRight(approve is null, deny is null, why);
    }
}

/// <summary>HTML fragments of the dashboard. Everything a request or record carries is encoded here; text in
/// `backticks` (how effects and reasons quote paths and commands) becomes code.</summary>
internal static partial class Html
{
    public static string E(string? s) => WebUtility.HtmlEncode(s ?? "");

    public static string Status(ApprovalStatus s) => s.ToString().ToLowerInvariant();

    /// <summary>Plain text with `quoted` parts rendered as code.</summary>
    public static string Prose(string? text)
    {
        var parts = (text ?? "").Split('`');
        if (parts.Length < 3) return E(text);
        var sb = new StringBuilder();
        for (var i = 0; i < parts.Length; i++)
        {
            var closed = i % 2 == 1 && i < parts.Length - 1; // an odd number of backticks leaves the last one as text
            if (closed) sb.Append("<code>").Append(E(parts[i])).Append("</code>");
            else sb.Append(i % 2 == 1 ? "`" : "").Append(E(parts[i]));
        }
        return sb.ToString();
    }

    /// <summary>A time as people read it ("3 min ago", "in 2 h"), with the exact UTC time on hover; the script keeps
    /// it current.</summary>
    public static string When(DateTimeOffset t, DateTimeOffset now) =>
        $"<time datetime='{t.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}' title='{t.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC' data-rel>{Relative(t, now)}</time>";

    public static string Relative(DateTimeOffset t, DateTimeOffset now)
    {
        var s = (t - now).TotalSeconds;
        var a = Math.Abs(s);
        if (a < 45) return s < 0 ? "just now" : "in a moment";
        var span = a < 5400 ? $"{Math.Round(a / 60)} min" : a < 129600 ? $"{Math.Round(a / 3600)} h" : $"{Math.Round(a / 86400)} d";
        return s < 0 ? span + " ago" : "in " + span;
    }

    public static string EnvBadge(string env) => $"<span class='badge env-{Css(env)}' title='environment'>{E(env)}</span>";

    public static string StatusBadge(ApprovalStatus s) => $"<span class='badge st-{Status(s)}'>{Status(s)}</span>";

    private static string Css(string s) => s is "production" or "staging" or "development" ? s : "unknown";

    private static readonly HashSet<string> KnownEffectFields = new(StringComparer.Ordinal) { "kind", "target", "class", "recursive", "environment", "description" };

    /// <summary>The effects in plain words, each with what it touches; any further fields a record carries
    /// (environment evidence, the deciding rule...) are shown as they are, so richer records need no change here.</summary>
    public static string Effects(string effectsJson, out List<string> evidence)
    {
        evidence = [];
        var sb = new StringBuilder();
        try
        {
            using var doc = JsonDocument.Parse(effectsJson);
            if (doc.RootElement.ValueKind != JsonValueKind.Array || doc.RootElement.GetArrayLength() == 0) return "<p class=muted>No effects were recorded for this action.</p>";
            sb.Append("<ul class=effects>");
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object) continue;
                var env = Str(e, "environment");
                sb.Append(env == "production" ? "<li class=env-effect-production>" : "<li>");
                sb.Append(Prose(Str(e, "description") ?? Str(e, "kind") ?? "an effect"));
                sb.Append("<div class=touch>");
                if (Str(e, "target") is { Length: > 0 } target) sb.Append(target.Contains('`') ? $"<span>{Prose(target)}</span>" : $"<code>{E(target)}</code>");
                if (Str(e, "kind") is { } kind) sb.Append("<span class=chip>").Append(E(Words(kind))).Append("</span>");
                if (Str(e, "class") is { } cls && cls is not ("Other" or "Unknown")) sb.Append("<span class=chip>").Append(E(Words(cls))).Append("</span>");
                if (e.TryGetProperty("recursive", out var rec) && rec.ValueKind == JsonValueKind.True) sb.Append("<span class=chip>whole tree</span>");
                if (env is { Length: > 0 } && env != "unknown") sb.Append(EnvBadge(env));
                foreach (var p in e.EnumerateObject())
                {
                    if (KnownEffectFields.Contains(p.Name)) continue;
                    var value = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                    if (p.Name.Contains("evidence", StringComparison.OrdinalIgnoreCase)) evidence.Add(value);
                    sb.Append("<span class=chip>").Append(E(Words(p.Name))).Append(": ").Append(Prose(value)).Append("</span>");
                }
                sb.Append("</div></li>");
            }
            sb.Append("</ul>");
        }
        catch (JsonException) { return "<p class=muted>The effects recorded for this action could not be read.</p>"; }
        return sb.ToString();
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>"FileDelete" → "file delete", "shadowRule" → "shadow rule".</summary>
    public static string Words(string identifier) => CamelBreak().Replace(identifier, " $1").ToLowerInvariant().Trim();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex CamelBreak();

    /// <summary>One request: what would run and why it asks, its effects, who asked, the approvals so far, time left,
    /// and the vote (or why this viewer cannot vote).</summary>
    public static string RequestCard(ApprovalRequest r, Principal viewer, DateTimeOffset now, string returnTo, bool detail)
    {
        var a = r.Action;
        var sb = new StringBuilder();
        sb.Append($"<article class=card data-request='{E(r.Id)}'><header class=req-head>");
        sb.Append(EnvBadge(a.Environment)).Append(StatusBadge(r.Status));
        sb.Append(detail ? $"<span class=req-id>{E(r.Id)}</span>" : $"<a class=req-id href='/requests/{E(r.Id)}'>{E(r.Id)}</a>");
        sb.Append("<span class=spacer></span>");
        if (r.Status == ApprovalStatus.Pending)
        {
            var soon = r.ExpiresAt - now < TimeSpan.FromHours(1);
            sb.Append($"<span class='time-left{(soon ? " soon" : "")}'>expires {When(r.ExpiresAt, now)}</span>");
        }
        else if (r.DecidedAt is { } decided) sb.Append($"<span class=time-left>decided {When(decided, now)}</span>");
        sb.Append("</header>");
        sb.Append($"<pre class=cmd><code>{E(a.Action)}</code></pre>");
        sb.Append($"<p class=reason>{Prose(a.Reason)} <span class=rule title='the rule that asked'>{E(a.RuleId)}</span></p>");
        sb.Append("<h4>What it would do</h4>").Append(Effects(a.EffectsJson, out var evidence));
        sb.Append("<dl class=facts>");
        Fact(sb, "agent", $"{E(a.AgentId)} <span class=muted>via {E(a.Harness)}</span>");
        Fact(sb, "operator", a.Operator is null ? "<span class=muted>none recorded</span>" : $"{E(a.Operator)}{(a.Operator == viewer.Name ? " <span class=muted>(you)</span>" : "")}");
        Fact(sb, "environment", $"{EnvBadge(a.Environment)}{(evidence.Count > 0 ? $"<div class=evidence>{string.Join("<br>", evidence.Distinct().Select(Prose))}</div>" : "")}");
        Fact(sb, "host", a.Host is null ? "<span class=muted>not reported</span>" : $"<code>{E(a.Host)}</code>");
        Fact(sb, "repository", a.Repository is null ? "<span class=muted>not in a repository</span>"
            : $"<code>{E(a.Repository)}</code>{(a.Branch is null ? "" : $" <span class=muted>on branch</span> <code>{E(a.Branch)}</code>")}");
        Fact(sb, "directory", $"<code>{E(a.Cwd)}</code>");
        if (a.SessionId is not null) Fact(sb, "session", $"<a href='/audit?session={Uri.EscapeDataString(a.SessionId)}'>{E(a.SessionId)}</a>");
        Fact(sb, "asked", When(r.CreatedAt, now));
        sb.Append("</dl>");
        var need = Math.Max(1, a.RequiredApprovals);
        sb.Append($"<div class=progress><meter min=0 max={need} value={Math.Min(need, r.CountedApprovals)}></meter><span><b>{r.CountedApprovals} of {need}</b> approval{(need == 1 ? "" : "s")}{(a.ApproverGroup is { } g ? $" from {E(g)}" : " from any human")}; the operator's own approval never counts</span></div>");
        if (detail)
        {
            sb.Append("<h4>Votes</h4>");
            if (r.Votes.Count == 0) sb.Append("<p class=muted>No votes yet.</p>");
            else
            {
                sb.Append("<ul class=votes>");
                foreach (var v in r.Votes)
                {
                    var note = v.Approve && v.Approver == a.Operator ? " <span class=muted>(the agent's operator: not counted)</span>" : "";
                    sb.Append($"<li><b>{E(v.Approver)}</b> <span class='badge {(v.Approve ? "st-approved" : "st-denied")}'>{(v.Approve ? "approved" : "denied")}</span> {When(v.At, now)}{note}");
                    if (!string.IsNullOrEmpty(v.Comment)) sb.Append($"<blockquote>{E(v.Comment)}</blockquote>");
                    sb.Append("</li>");
                }
                sb.Append("</ul>");
            }
        }
        var right = VoteRight.Of(r, viewer);
        if (right.MayApprove || right.MayDeny)
        {
            sb.Append($"<form method=post action='/requests/{E(r.Id)}/vote' class=vote><input type=hidden name=return value='{E(returnTo)}'>");
            sb.Append("<input name=comment placeholder='Comment (recorded with your vote)' maxlength=2000 aria-label='comment'>");
            if (right.MayApprove) sb.Append("<button name=decision value=approve class=approve>Approve</button>");
            sb.Append("<button name=decision value=deny class=deny>Deny</button></form>");
        }
        if (right.Why is not null && r.Status == ApprovalStatus.Pending) sb.Append($"<p class=cannot data-cannot>{E(right.Why)}</p>");
        sb.Append("</article>");
        return sb.ToString();
    }

    private static void Fact(StringBuilder sb, string name, string html) => sb.Append("<div><dt>").Append(name).Append("</dt><dd>").Append(html).Append("</dd></div>");

    public static string Empty(string title, string body) => $"<div class=empty><strong>{title}</strong>{body}</div>";

    public static string Flash(string? message, string? tone) =>
        string.IsNullOrEmpty(message) ? "" : $"<p class='banner {(tone is "ok" or "warn" or "bad" ? tone : "info")}' id=flash role=status>{Prose(message)}</p>";

    /// <summary>Who an audit record is about, read from the prefix the server writes to its reasons
    /// ("[pending r1; agent ci-bot, operator olivia] ..." or "[approve r1; human ana] ..."), and the rest of the reason.</summary>
    public static (string? Status, string? RequestId, string? Kind, string? Name, string? Operator, string Reason) Actor(string reason)
    {
        var m = ActorPrefix().Match(reason);
        if (!m.Success) return (null, null, null, null, null, reason);
        string? G(string n) => m.Groups[n].Success ? m.Groups[n].Value : null;
        return (G("status"), G("id"), G("kind"), G("name"), G("op"), G("rest") ?? "");
    }

    [GeneratedRegex(@"^\[(?<status>[a-z]+)(?: (?<id>[^;\] ]+))?; (?<kind>human|agent) (?<name>[^,\]]+)(?:, operator (?<op>[^\]]+))?\] (?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex ActorPrefix();

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
