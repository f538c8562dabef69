using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary><c>chmod</c>, <c>chown</c>, <c>chgrp</c>: recursive changes can lock a system or a user out.</summary>
public sealed class Permissions : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["chmod", "chown", "chgrp", "setfacl"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, f => f is "--reference");
        if (flags.Contains("--help")) return;
        var recursive = Options.Has(flags, 'R', "--recursive");
        // The first operand is the mode or owner (unless --reference gave it).
        var paths = flags.Any(f => f.StartsWith("--reference")) || inv.Name == "setfacl" ? operands : operands.Skip(1);
        if (inv.Name == "setfacl") paths = paths.Skip(1);
        var change = inv.Name == "chmod" ? "permissions" : "ownership";
        foreach (var p in paths)
            ctx.AddPathEffects(effects, EffectKind.ChangePermissions, p, recursive, inv,
                t => $"changes the {change} of {t.Path}{(recursive && !t.IsFile ? " and everything in it" : "")}");
    }
}
