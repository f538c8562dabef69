using Interlock.Core.Analysis;
using Interlock.Core.Policy;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Lines appended to a shell start-up file (<c>echo ... &gt;&gt; ~/.bashrc</c>, <c>tee -a ~/.zshrc</c>) run in every new
/// shell, later and outside the session the guard checks. Appending is what installers do (<c>export PATH=...</c>), so
/// the appended text is analysed as the shell code it will become: an append whose code does nothing the guard would
/// stop stays allowed; one that would be stopped, or whose text cannot be known, installs persistence and asks.
/// Overwriting or deleting a start-up file is denied by <see cref="ProtectedPaths"/>; the other locations whose
/// contents run later (<see cref="ProtectedKind.Persistence"/>) ask on any write.
/// </summary>
public static class Persistence
{
    /// <summary>Checks an append of <paramref name="text"/> (null when not known) to <paramref name="target"/>.</summary>
    public static void CheckStartupAppend(Invocation inv, KnowledgeContext ctx, PathTarget target, string? text, List<Effect> effects)
    {
        if (target.Class != PathClass.Protected) return;
        var remote = inv.Context.RemoteHost is not null;
        if (ProtectedPaths.Match(target.Path, inv.Context.Home, remote ? null : ctx.World, remote, inTemp: false) is not { Kind: ProtectedKind.ShellStartup }) return;
        if (text is null)
        {
            effects.Add(Make(inv, target.Path, $"appends text the guard cannot see in advance to {target.Path}, which every new shell runs"));
            return;
        }
        var nested = ctx.AnalyzeShellCode(text, inv.Context, inv);
        var stopped = nested.FirstOrDefault(e => BuiltInPolicy.Evaluate(e, ctx.World).Verdict != Verdict.Allow);
        if (stopped is not null)
            effects.Add(Make(inv, target.Path, $"appends to {target.Path} code that every new shell will run: {stopped.Description}"));
    }

    public static Effect Make(Invocation inv, string target, string description, string? detail = null) =>
        new(EffectKind.InstallPersistence, target, PathClass.Unknown, false, false, description, inv, detail);
}
