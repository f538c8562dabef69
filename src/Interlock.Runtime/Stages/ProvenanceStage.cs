using Interlock.Core;
using Interlock.State;

namespace Interlock.Runtime.Stages;

/// <summary>
/// Session provenance: each allowed action's writes (a file tool's path; a shell command's redirections, copies and the
/// files its commands name) are recorded for the agent's session, so that the decide stage of a later call can tell code
/// the session wrote from code that was already there (<see cref="World.SessionWorld"/>): a binary or unreadable file the
/// session wrote and then runs is stopped and named. Runs after the approval stage (an approved retry is an allow).
/// </summary>
internal sealed class ProvenanceStage(TimeProvider? time = null) : IDecisionStage
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public void Run(DecisionContext context)
    {
        var d = context.Decision;
        if (d.Verdict != Verdict.Allow || d.Writes.Count == 0 || context.Event.Request is not { } request || !context.HasStore) return;
        var now = _time.GetUtcNow();
        var how = request.Command is { } command
            ? $"by `{(command.Length > 80 ? command[..77] + "..." : command)}`"
            : $"by the {request.Tool} tool";
        try
        {
            context.Store.SessionFiles.Record(BudgetStage.SessionKey(context.Event), d.Writes, how, now);
        }
        catch (Exception e) when (e is StateStoreException or NotSupportedException)
        {
            // Unrecorded, a program this action builds would later run as if it had always been there.
            context.RequireHuman("provenance.unavailable",
                $"this action writes files ({string.Join(", ", d.Writes.Take(3))}{(d.Writes.Count > 3 ? ", ..." : "")}), and Interlock could not record them as this session's work ({e.Message})",
                "Fix the state directory (or point INTERLOCK_STATE_DIR at a writable one), then retry.",
                $"could not record the session's files: {e.Message}");
        }
    }

    /// <summary>The world of one call with the files its session wrote, looked up in the store when the engine asks.
    /// When the store cannot say, the problem is reported and the file counts as not written by the session (the audit
    /// append, which needs the same store, then stops the action anyway).</summary>
    internal static IWorldView WithSession(IWorldView world, DecisionContext context)
    {
        if (context.Event.Request is null || !context.HasStore) return world;
        var key = BudgetStage.SessionKey(context.Event);
        return new World.SessionWorld(world, paths =>
        {
            try
            {
                return context.Store.SessionFiles.Find(key, paths);
            }
            catch (Exception e) when (e is StateStoreException or NotSupportedException)
            {
                context.Problems.Add($"could not read the files this session wrote: {e.Message}");
                return null;
            }
        });
    }
}
