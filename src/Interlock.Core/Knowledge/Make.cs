using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// make runs the recipes of the makefile it reads. The project's own Makefile is trusted like any project script, but
/// a makefile given on stdin (<c>-f -</c>, <c>-f /dev/stdin</c>) or in <c>--eval</c> is code written in the command:
/// its recipe lines (tab-indented) are analysed as shell code when the text is known (a here-string or pipe) and are
/// indeterminate otherwise; a makefile from a process substitution and a replaced <c>SHELL</c> are indeterminate.
/// </summary>
public sealed class Make : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["make", "gmake"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            string? file = null;
            if (t is "-f" or "--file" or "--makefile") { if (i + 1 < args.Count) { a = args[++i]; file = a.Text; } }
            else if (t.StartsWith("--file=") || t.StartsWith("--makefile=")) file = t[(t.IndexOf('=') + 1)..];
            else if (t.StartsWith("-f") && t.Length > 2 && !t.StartsWith("--")) file = t[2..];
            else if (t.StartsWith("--eval=")) { Recipes(t["--eval=".Length..], a.Known, inv, ctx, effects, "make --eval"); continue; }
            else if (t == "--eval" && i + 1 < args.Count) { a = args[++i]; Recipes(a.Text, a.Known, inv, ctx, effects, "make --eval"); continue; }
            else if (t.StartsWith("SHELL=") || t.StartsWith(".SHELLFLAGS="))
            {
                EmbeddedCode.Indeterminate(inv, $"`make {t}` runs every recipe through a replaced shell", effects);
                continue;
            }
            if (file is null) continue;
            if (file is "-" or "/dev/stdin" or "/proc/self/fd/0" or "/dev/fd/0")
            {
                if (inv.Stdin is { } text && inv.StdinFromUnknown is null) Recipes(text, true, inv, ctx, effects, "make -f -");
                else EmbeddedCode.Indeterminate(inv, "`make -f -` runs recipes read from stdin, which cannot be known in advance", effects);
            }
            else if (!a.Known || file.StartsWith("/dev/fd/") || file.StartsWith("/proc/"))
                EmbeddedCode.Indeterminate(inv, $"`make -f {file}` runs recipes from a makefile computed at run time", effects);
        }
    }

    private static void Recipes(string makefile, bool known, Invocation inv, KnowledgeContext ctx, List<Effect> effects, string how)
    {
        if (!known)
        {
            EmbeddedCode.Indeterminate(inv, $"`{how}` runs recipes computed at run time", effects);
            return;
        }
        foreach (var line in makefile.Replace("\r\n", "\n").Split('\n'))
        {
            if (!line.StartsWith('\t')) continue;
            var recipe = line.TrimStart('\t').TrimStart('@', '-', '+', ' ');
            if (recipe.Contains("$(") || recipe.Contains("${"))
                EmbeddedCode.Indeterminate(inv, $"`{how}` runs a recipe with make variables: {recipe}", effects);
            else if (recipe.Length > 0)
                EmbeddedCode.Shell(ctx, inv, recipe, how, effects);
        }
    }
}
