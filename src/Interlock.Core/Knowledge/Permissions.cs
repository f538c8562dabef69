using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary><c>chmod</c>, <c>chown</c>, <c>chgrp</c>: recursive changes can lock a system or a user out.</summary>
public sealed class Permissions : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["chmod", "chown", "chgrp", "setfacl"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        // `chmod -x file`: a symbolic mode that starts with '-' is the mode, not an option.
        var args = inv.Args;
        var dashMode = inv.Name == "chmod" ? args.ToList().FindIndex(a => a.Known && IsDashMode(a.Text)) : -1;
        if (dashMode >= 0) args = args.Where((_, i) => i != dashMode).ToList();
        var (flags, operands) = Options.Split(args, f => f is "--reference");
        if (flags.Contains("--help")) return;
        var recursive = Options.Has(flags, 'R', "--recursive");
        // The first operand is the mode or owner (unless --reference gave it).
        var paths = dashMode >= 0 || flags.Any(f => f.StartsWith("--reference")) || inv.Name == "setfacl" ? operands : operands.Skip(1);
        if (inv.Name == "setfacl") paths = paths.Skip(1);
        var change = inv.Name == "chmod" ? "permissions" : "ownership";
        if (dashMode >= 0 && operands.Count == 0) return;
        foreach (var p in paths)
            ctx.AddPathEffects(effects, EffectKind.ChangePermissions, p, recursive, inv,
                t => $"changes the {change} of {t.Path}{(recursive && !t.IsFile ? " and everything in it" : "")}");
    }

    /// <summary><c>-x</c>, <c>-rwx</c>, <c>-w,o-r</c>: a symbolic mode removing permissions.</summary>
    private static bool IsDashMode(string t) =>
        t.Length > 1 && t[0] == '-' && t.Skip(1).All(c => "rwxXstugoa,+-=".Contains(c)) && t.Skip(1).Any(c => "rwxXst".Contains(c));
}
