using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary><c>rm</c>, <c>rmdir</c>, <c>unlink</c>, <c>shred</c>: deletion of paths. <c>rimraf</c> (the npm package's
/// CLI) deletes every operand recursively, like <c>rm -rf</c>; with <c>--glob</c> (and in rimraf 3, by default) it expands
/// quoted patterns itself.</summary>
public sealed class Rm : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["rm", "rmdir", "unlink", "shred", "srm", "rimraf"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (inv.Name == "rimraf")
        {
            Rimraf(inv, ctx, effects);
            return;
        }
        var (flags, operands) = Options.Split(inv.Args, f => inv.Name is "shred" && f is "-n" or "-s" or "--iterations" or "--size" or "--random-source");
        if (flags.Contains("--help") || flags.Contains("--version")) return;
        if (inv.Name is "shred")
        {
            // shred destroys contents beyond recovery; on a device it wipes the disk.
            foreach (var op in operands)
                ctx.AddPathEffects(effects, EffectKind.DestroyContents, op, false, inv,
                    t => t.Class == PathClass.Disk ? $"overwrites the disk {t.Path} with random data" : $"overwrites {t.Path} with random data so it cannot be recovered");
            return;
        }
        var recursive = inv.Name is "rm" or "srm" && (Options.Has(flags, 'r', "--recursive") || Options.Has(flags, 'R'));
        var noPreserveRoot = flags.Contains("--no-preserve-root");
        foreach (var op in operands)
        {
            ctx.AddPathEffects(effects, EffectKind.DeletePath, op, recursive, inv, t => Describe(t, recursive, inv.Name!));
            if (noPreserveRoot) effects[^1] = effects[^1] with { Detail = "no-preserve-root" };
        }
    }

    private static void Rimraf(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, f => f is "--impl" or "--tmp");
        if (flags.Any(f => f is "-h" or "--help" or "--version")) return;
        var noGlob = flags.Any(f => f is "-G" or "--no-glob");
        var noPreserveRoot = flags.Contains("--no-preserve-root");
        foreach (var op in operands)
        {
            // A quoted pattern reaches rimraf as written and rimraf may expand it: judged as the glob it may be.
            var arg = !noGlob && op.Known && !op.Glob && PathResolver.HasGlob(op.Text) ? op with { Glob = true } : op;
            ctx.AddPathEffects(effects, EffectKind.DeletePath, arg, true, inv, t => Describe(t, true, "rimraf"));
            if (noPreserveRoot) effects[^1] = effects[^1] with { Detail = "no-preserve-root" };
        }
    }

    private static string Describe(PathTarget t, bool recursive, string name)
    {
        var what = t.Class switch
        {
            PathClass.Root => "the whole file system (/)",
            PathClass.Home => $"the home directory {t.Path}",
            PathClass.ProjectRoot => $"the whole project at {t.Path}",
            PathClass.Unknown => $"`{t.Path}`, whose value cannot be known in advance",
            _ => t.Path,
        };
        return name == "rmdir" ? $"removes the directory {what} (only if empty)"
            : recursive && !t.IsFile ? $"deletes {what} and everything in it" : $"deletes {what}";
    }
}
