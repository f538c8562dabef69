using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>Helpers for tools that run shell commands or write files named inside their own arguments
/// (awk system(), sed e/w, tar --checkpoint-action=exec, vim -c '!...', make recipes, git aliases).</summary>
public static class EmbeddedCode
{
    /// <summary>The effects of <paramref name="code"/> run by <paramref name="inv"/> through /bin/sh, in its context.</summary>
    public static void Shell(KnowledgeContext ctx, Invocation inv, string code, string via, List<Effect> effects)
    {
        var context = inv.Context with { Via = [.. inv.Context.Via, via] };
        effects.AddRange(ctx.AnalyzeShellCode(code, context, inv));
    }

    public static void Indeterminate(Invocation inv, string why, List<Effect> effects) =>
        effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false, why, inv));

    /// <summary>A file the tool overwrites (sed w, awk print >, vim :w).</summary>
    public static void Write(KnowledgeContext ctx, Invocation inv, string path, string how, List<Effect> effects)
    {
        if (path is "/dev/stdout" or "/dev/stderr" or "/dev/null") return;
        ctx.AddPathEffects(effects, EffectKind.OverwriteFile, Arg.Literal(path), false, inv,
            t => $"writes {t.Path} ({how})");
    }
}
