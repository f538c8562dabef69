using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Core;
using Interlock.State;

namespace Interlock.Runtime.Stages;

/// <summary>
/// Appends each hook decision to the audit trail: the request, effects, verdict, rule, timing, harness and session.
/// The store is opened only here, and one append is one transaction.
///
/// The guard fails closed: when the record cannot be written (locked beyond the busy timeout, disk full, corrupt
/// database), an allow becomes an ask whose reason says so, and an ask or a deny keeps its verdict with the audit
/// failure appended to its reason.
/// </summary>
internal sealed class AuditStage(TimeProvider? time = null) : IDecisionStage
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Why the record could not be written, when it could not.</summary>
    public string? Failure { get; private set; }

    /// <summary>The record written, when it was.</summary>
    public AuditRecord? Written { get; private set; }

    public void Run(DecisionContext context)
    {
        var e = context.Event;
        var d = context.Decision;
        var micros = (long)Stopwatch.GetElapsedTime(context.Started).TotalMicroseconds;
        var entry = new AuditEntry(
            _time.GetUtcNow(),
            e.Harness,
            e.SessionId,
            e.Request?.Cwd ?? e.Cwd ?? "",
            e.Request?.Tool ?? e.Tool ?? "",
            e.What,
            d.Verdict.ToString().ToLowerInvariant(),
            d.RuleId,
            (context.Message ?? d.Reason) + ShadowNote(d) + (d.Verdict == Verdict.Ask ? context.ApprovalNote : null) + e.Caller?.AuditNote,
            AuditEffects.Json(d.Effects, d.Matches),
            micros);
        try
        {
            var append = context.Store.Audit.AppendAsync(entry);
            Written = append.IsCompleted ? append.GetAwaiter().GetResult() : append.AsTask().GetAwaiter().GetResult();
        }
        catch (Exception ex)
        {
            Failure = ex is StateStoreException ? ex.Message : $"{ex.GetType().Name}: {ex.Message}";
            FailClosed(context, Failure);
        }
    }

    /// <summary>An allow becomes an ask; an ask or deny keeps its verdict and says the audit failed.</summary>
    internal static void FailClosed(DecisionContext context, string failure)
    {
        if (failure.Length > 400) failure = failure[..400] + "...";
        context.RequireHuman("audit.unavailable",
            $"Interlock found nothing to stop in this action, but could not write its audit trail ({failure}), so a human must approve it.",
            "Fix the state directory (or point INTERLOCK_STATE_DIR at a writable one), then check it with `interlock audit verify`.",
            $"could not write its audit trail: {failure}");
    }

    /// <summary>Shadow mode: what the shadow rules would have decided, so the trail shows a rule's effect before it is enforced.</summary>
    internal static string ShadowNote(Decision d) =>
        d.ShadowVerdict is { } v ? $" [shadow: rule {d.ShadowRuleId} would have given {v.ToString().ToLowerInvariant()}]" : "";
}
