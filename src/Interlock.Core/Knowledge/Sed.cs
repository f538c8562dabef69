namespace Interlock.Core.Knowledge;

/// <summary>
/// In-place edits: <c>sed -i</c> (GNU and BSD forms: <c>-i</c>, <c>-i.bak</c>, <c>-i ''</c>, <c>--in-place</c>, bundles
/// such as <c>-ni</c>/<c>-Ei</c>) and, through <see cref="PerlInPlace"/> (called by <see cref="Interpreters"/>, which owns
/// perl), <c>perl -pi -e</c>. Each file operand is an <see cref="EffectKind.OverwriteFile"/> with Detail
/// <c>in-place</c>: an edit, allowed like any edit, except on protected paths and system files, which the policy stops.
/// Without <c>-i</c>, sed only prints and has no effect.
/// </summary>
public sealed class Sed : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["sed", "gsed"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var inPlace = false;
        var scriptGiven = false;
        var endOfOptions = false;
        var operands = new List<Arg>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            if (endOfOptions || !a.Known || t.Length < 2 || t[0] != '-')
            {
                operands.Add(a);
                continue;
            }
            if (t == "--") { endOfOptions = true; continue; }
            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                if (t == "--help" || t == "--version") return;
                if (t.StartsWith("--in-place", StringComparison.Ordinal)) inPlace = true;
                else if (t.StartsWith("--expression", StringComparison.Ordinal) || t.StartsWith("--file", StringComparison.Ordinal))
                {
                    scriptGiven = true;
                    if (!t.Contains('=')) i++;
                }
                else if (t == "--line-length") i++;
                continue;
            }
            for (var j = 1; j < t.Length; j++)
            {
                var ch = t[j];
                var rest = j == t.Length - 1;
                if (ch == 'i')
                {
                    inPlace = true;
                    // BSD sed: `-i ''` or `-i .bak` gives the backup suffix as a separate argument.
                    if (rest && i + 1 < args.Count && args[i + 1].Known && IsBsdSuffix(args[i + 1].Text)) i++;
                    break;
                }
                if (ch is 'e' or 'f')
                {
                    scriptGiven = true;
                    if (rest) i++;
                    break;
                }
                if (ch == 'l')
                {
                    if (rest) i++;
                    break;
                }
            }
        }
        if (!inPlace) return;
        foreach (var file in scriptGiven ? operands : operands.Skip(1))
            AddInPlace(file, "sed -i", ctx, inv, effects);
    }

    private static bool IsBsdSuffix(string text) =>
        text.Length == 0 || (text[0] == '.' && text.Length <= 12 && text.Skip(1).All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '~' or '.'));

    /// <summary><c>perl -i[ext] -p/-n -e CODE files</c>: the files are edited in place.</summary>
    public static void PerlInPlace(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var inPlace = false;
        var codeSeen = false;
        var programFileSeen = false;
        var endOfOptions = false;
        var files = new List<Arg>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            if (!endOfOptions && a.Known && t == "--") { endOfOptions = true; continue; }
            if (!endOfOptions && a.Known && t.Length > 1 && t[0] == '-')
            {
                for (var j = 1; j < t.Length; j++)
                {
                    var ch = t[j];
                    if (ch == 'i') { inPlace = true; break; }            // the rest of the bundle is the backup extension
                    if (ch is 'e' or 'E')
                    {
                        codeSeen = true;
                        if (j == t.Length - 1) i++;                      // the code is the next argument
                        break;
                    }
                    if (ch is 'M' or 'm' or 'I' or '0' or 'l' or 'x' or 'C' or 'd' or 'D' or 'F' or 'V') break; // the rest is the option's value
                }
                continue;
            }
            if (!codeSeen && !programFileSeen) { programFileSeen = true; continue; } // `perl -i script.pl files`
            files.Add(a);
        }
        if (!inPlace) return;
        foreach (var f in files) AddInPlace(f, "perl -i", ctx, inv, effects);
    }

    private static void AddInPlace(Arg file, string how, KnowledgeContext ctx, Invocation inv, List<Effect> effects)
    {
        var before = effects.Count;
        ctx.AddPathEffects(effects, EffectKind.OverwriteFile, file, false, inv,
            t => $"edits {(t.Class == PathClass.Unknown ? $"`{t.Path}`, whose value cannot be known in advance," : t.Path)} in place ({how})");
        for (var k = before; k < effects.Count; k++) effects[k] = effects[k] with { Detail = "in-place" };
    }
}
