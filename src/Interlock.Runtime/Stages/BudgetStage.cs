using Interlock.Core;
using Interlock.Core.Analysis;
using Interlock.State;
using Interlock.State.Budgets;

namespace Interlock.Runtime.Stages;

/// <summary>
/// Session budgets and the circuit breaker. Each action that will run (allow) or may run (ask: a human may approve
/// it, and the hook is not called again) adds its destructive work to the session's log: files deleted or emptied,
/// lines removed by file edits, destructive actions. When the session exceeds a budget within the window, its
/// breaker trips, and from then on every destructive action in that session asks, saying why, until a human runs
/// `interlock breaker reset --session &lt;id&gt;`. Safe actions never touch the store here.
/// </summary>
internal sealed class BudgetStage(Func<IWorldView> world, EngineOptions options, BudgetLimits limits, TimeProvider? time = null) : IDecisionStage
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public void Run(DecisionContext context)
    {
        if (context.Event.Request is not { } request || context.Decision.Verdict == Verdict.Deny) return;
        var usage = Measure(context.Decision, request, world(), options);
        if (usage.IsZero) return;
        var key = SessionKey(context.Event);
        BudgetCheck check;
        try
        {
            check = context.Store.Budgets.Record(key, usage, _time.GetUtcNow(), limits);
        }
        catch (StateStoreException e)
        {
            // Without the count, the breaker cannot protect this session: destructive work needs a human.
            context.RequireHuman("budget.unavailable",
                $"this action destroys work, and Interlock could not count it against the session's budget ({e.Message})",
                "Fix the state directory (or point INTERLOCK_STATE_DIR at a writable one).",
                $"could not check the session budget: {e.Message}");
            return;
        }
        if (check.Breaker is not { } breaker) return;

        var d = context.Decision;
        var since = check.FirstInWindow is { } first ? Plural.Duration(_time.GetUtcNow() - first) : "the last few minutes";
        context.Decision = d with
        {
            Verdict = Verdict.Ask,
            RuleId = "budget.breaker",
            Reason = $"this session has {Totals(check.WindowTotals)} in {since} ({breaker.Reason}; the circuit breaker tripped at {breaker.TrippedAt:HH:mm:ss} UTC), " +
                     $"so every further destructive action in it needs a human" + (d.Verdict == Verdict.Ask ? $"; this one also meets rule {d.RuleId}: {DecisionMessages.Clause(d.Reason)}" : ""),
            Alternative = $"Stop and let the user review the work so far (`git status`, `interlock history --session {context.Event.SessionId}`); a human resets the breaker with `interlock breaker reset --session {context.Event.SessionId ?? "<id>"}`.",
        };
        context.Message = null;
    }

    /// <summary>Budgets are per agent session; grants and breakers use the same key.</summary>
    internal static string SessionKey(HookEvent e) => ApprovalStage.AgentId(e);

    /// <summary>What one decision's action destroys, in budget units. Regenerable output, temp files and secret reads
    /// do not count.</summary>
    internal static BudgetUsage Measure(Decision d, ActionRequest request, IWorldView world, EngineOptions options)
    {
        int files = 0;
        var destructive = false;
        foreach (var e in d.Effects)
        {
            if (e.Kind == EffectKind.ReadSecret || e.Class is PathClass.Regenerable or PathClass.Temp or PathClass.NullDevice) continue;
            destructive = true;
            if (e.Kind is EffectKind.DeletePath or EffectKind.EmptyFile || e.Kind == EffectKind.RewriteFile && e.Detail == "emptied") files++;
        }
        var lines = 0;
        if (request.File is { Kind: FileToolKind.Write or FileToolKind.Edit or FileToolKind.MultiEdit } file &&
            PathResolver.Combine(request.Cwd, file.Path) is { } path &&
            world.ReadTextFile(path, options.FileEditMaxBytes) is { } old)
        {
            var updated = file.Kind == FileToolKind.Write ? file.Content ?? "" : FileEditAnalyzer.ApplyEdits(old, file.Edits);
            if (updated is not null) lines = FileEditAnalyzer.Compare(old, updated).Removed;
        }
        return new BudgetUsage(files, lines, destructive ? 1 : 0);
    }

    private static string Totals(BudgetUsage t)
    {
        var parts = new List<string>();
        if (t.FilesDeleted > 0) parts.Add($"deleted or emptied {Plural.Of(t.FilesDeleted, "file")}");
        if (t.LinesRemoved > 0) parts.Add($"removed {Plural.Of(t.LinesRemoved, "line")}");
        if (t.DestructiveCommands > 0) parts.Add($"run {Plural.Of(t.DestructiveCommands, "destructive action")}");
        return parts.Count == 0 ? "done destructive work" : string.Join(", ", parts);
    }
}
