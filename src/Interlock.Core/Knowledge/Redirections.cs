using Interlock.Core.Analysis;

using Interlock.Core.Shell;

namespace Interlock.Core.Knowledge;

/// <summary>Output redirections (<c>&gt;</c>, <c>&gt;|</c>, <c>&amp;&gt;</c>, <c>&gt;&gt;</c>) of any command.</summary>
public static class Redirections
{
    public static void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        foreach (var r in inv.Redirects)
        {
            if (!r.Kind.IsWrite()) continue;
            var append = r.Kind is RedirectKind.Append or RedirectKind.AppendBoth;
            var empties = !append && WritesNothing(inv);
            foreach (var t in ctx.Paths.Resolve(r.Target, inv.Context))
            {
                if (t.Class == PathClass.NullDevice) continue;
                if (t.Class == PathClass.Disk)
                {
                    effects.Add(new Effect(EffectKind.WipeDevice, t.Path, t.Class, true, false, $"writes directly onto the disk device {t.Path}, destroying its file systems", inv));
                    continue;
                }
                var kind = append ? EffectKind.AppendFile : empties && t.Exists ? EffectKind.EmptyFile : EffectKind.OverwriteFile;
                var description = kind switch
                {
                    EffectKind.AppendFile => $"appends to {t.Path}",
                    EffectKind.EmptyFile => $"empties the existing file {t.Path}",
                    _ => t.Exists ? $"overwrites the existing file {t.Path}" : $"writes the file {t.Path}",
                };
                effects.Add(new Effect(kind, t.Path, t.Class, false, false, description, inv, t.Exists ? "exists" : null));
                if (append) Persistence.CheckStartupAppend(inv, ctx, t, WritesNothing(inv) ? "" : inv.Name is null ? null : StaticOutput.Of(inv.Name, inv.Args, inv.Stdin), effects);
            }
        }
    }

    private static bool IsWrite(this RedirectKind k) =>
        k is RedirectKind.Output or RedirectKind.Clobber or RedirectKind.OutputBoth or RedirectKind.Append or RedirectKind.AppendBoth;

    /// <summary>Commands whose redirected output is empty, so `cmd &gt; file` only truncates.</summary>
    private static bool WritesNothing(Invocation inv) => inv.Name switch
    {
        "" or ":" or "true" or "false" => true,
        "cat" => inv.Args.Count == 1 && inv.Args[0].Text == "/dev/null",
        "echo" => inv.Args.Count == 1 && inv.Args[0].Text == "-n",
        "printf" => inv.Args.Count == 1 && inv.Args[0].Text == "",
        _ => false,
    };
}
