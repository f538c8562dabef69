using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary><c>find ... -delete</c>. (Commands run by <c>-exec</c> are resolved by the shell analysis.)</summary>
public sealed class Find : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["find"];

    /// <summary>Tests and actions that take one argument (find(1)): what follows them is their value, never a primary,
    /// so in <c>find . -name -delete</c> the name is "-delete".</summary>
    private static readonly HashSet<string> OneArgument =
    [
        "-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex", "-iregex", "-lname", "-ilname", "-type", "-xtype",
        "-user", "-group", "-uid", "-gid", "-perm", "-size", "-mtime", "-atime", "-ctime", "-mmin", "-amin", "-cmin", "-used",
        "-newer", "-anewer", "-cnewer", "-maxdepth", "-mindepth", "-samefile", "-inum", "-links", "-fstype", "-context", "-printf",
        "-fprint", "-fprint0", "-fls", "-regextype", "-files0-from",
    ];

    /// <summary>Whether <c>-delete</c> appears as an action, not as the value of a test or inside an -exec command.</summary>
    internal static bool Deletes(IReadOnlyList<Arg> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (!args[i].Known) continue;
            if (t == "-delete") return true;
            if (t is "-exec" or "-execdir" or "-ok" or "-okdir")
            {
                while (i + 1 < args.Count && args[i + 1].Text is not (";" or "+")) i++;
                i++;
                continue;
            }
            if (t == "-fprintf") { i += 2; continue; }
            if (OneArgument.Contains(t) || t.StartsWith("-newer", StringComparison.Ordinal) && t.Length > 6) i++;
        }
        return false;
    }

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (!Deletes(inv.Args)) return;
        foreach (var target in Matches(inv.Args))
            ctx.AddPathEffects(effects, EffectKind.DeletePath, target, true, inv, t => $"deletes every file matched under {Root(t.Path)}");
    }

    private static string Root(string pattern) => pattern.Contains("/**/") ? pattern[..pattern.IndexOf("/**/", StringComparison.Ordinal)] : pattern;

    /// <summary>The set of paths find visits, as a glob: <c>ROOT/**/PATTERN</c> when one -name filter narrows it.</summary>
    public static List<Arg> Matches(IReadOnlyList<Arg> args)
    {
        var roots = new List<Arg>();
        var i = 0;
        while (i < args.Count && args[i].Text is "-H" or "-L" or "-P" || (i < args.Count && args[i].Text.StartsWith("-O"))) i++;
        for (; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t.StartsWith('-') || t is "(" or "!" or ")") break;
            roots.Add(args[i]);
        }
        if (roots.Count == 0) roots.Add(Arg.Literal("."));
        string? pattern = null;
        var names = 0;
        for (var k = i; k < args.Count - 1; k++)
        {
            if (args[k].Text is "-name" or "-iname") { names++; pattern = args[k + 1].Known ? args[k + 1].Text : null; }
            if (args[k].Text is "-o" or "-or" or "-path" or "-ipath" or "-regex" or "-iregex" or "-wholename") names = 2; // alternatives: be broad
            if (args[k].Text is "-exec" or "-execdir" or "-ok" or "-okdir") break;
        }
        var leaf = names == 1 && pattern is not null && !pattern.Contains('/') ? pattern : "*";
        return roots.Select(r => new Arg(r.Text.TrimEnd('/') + "/**/" + leaf, r.Known, true)).ToList();
    }
}
