namespace Interlock.Core.Knowledge;

/// <summary>
/// In-place edits: <c>sed -i</c> (GNU and BSD forms: <c>-i</c>, <c>-i.bak</c>, <c>-i ''</c>, <c>--in-place</c>, bundles
/// such as <c>-ni</c>/<c>-Ei</c>) and, through <see cref="PerlInPlace"/> (called by <see cref="Interpreters"/>, which owns
/// perl), <c>perl -pi -e</c>. Each file operand is an <see cref="EffectKind.OverwriteFile"/> with Detail
/// <c>in-place</c>: an edit, allowed like any edit, except on protected paths and system files, which the policy stops.
/// Without <c>-i</c>, sed only prints, unless its script runs commands or writes files: GNU sed's <c>e</c> command and
/// <c>s///e</c> flag run shell commands (a literal <c>e command</c> is analysed; <c>e</c> alone and <c>s///e</c> run text
/// from the input and are indeterminate), and <c>w file</c>, <c>W file</c> and <c>s///w file</c> overwrite the file.
/// Script files (<c>-f</c>) cannot be read and are indeterminate.
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
        var scripts = new List<string>();
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
                    var value = t.Contains('=') ? t[(t.IndexOf('=') + 1)..] : i + 1 < args.Count ? args[i + 1].Text : null;
                    if (!t.Contains('=')) i++;
                    if (t.StartsWith("--file", StringComparison.Ordinal)) EmbeddedCode.Indeterminate(inv, "`sed -f` runs a script file whose commands cannot be analysed", effects);
                    else if (value is not null) scripts.Add(value);
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
                    var value = rest ? (i + 1 < args.Count ? args[i + 1].Text : null) : t[(j + 1)..];
                    if (rest) i++;
                    if (ch == 'f') EmbeddedCode.Indeterminate(inv, "`sed -f` runs a script file whose commands cannot be analysed", effects);
                    else if (value is not null) scripts.Add(value);
                    break;
                }
                if (ch == 'l')
                {
                    if (rest) i++;
                    break;
                }
            }
        }
        if (!scriptGiven && operands.Count > 0) scripts.Add(operands[0].Text);
        foreach (var script in scripts) AnalyzeScript(script, inv, ctx, effects);
        if (!inPlace) return;
        var emptiesFiles = scripts.Any(DeletesEveryLine);
        foreach (var file in scriptGiven ? operands : operands.Skip(1))
        {
            if (emptiesFiles)
                ctx.AddPathEffects(effects, EffectKind.EmptyFile, file, false, inv,
                    t => $"`sed -i` with a script that deletes every line empties {t.Path}; its contents are gone unless committed");
            else
                AddInPlace(file, "sed -i", ctx, inv, effects);
        }
    }

    /// <summary>A script with a <c>d</c> command that applies to every line (no address, <c>1,$</c>, or a regex that
    /// matches every line): sed deletes each line before anything else prints it, so the file ends up empty.</summary>
    internal static bool DeletesEveryLine(string script)
    {
        foreach (var raw in script.Split([';', '\n']))
        {
            var command = string.Concat(raw.Where(c => !char.IsWhiteSpace(c)));
            if (command is "d" or "1,$d" or "0,$d" or "/^/d" or "/$/d" or "/.*/d" or "/^.*$/d" or "/^.*/d" or "/.*$/d" or "1,${d}" or "{d}") return true;
        }
        return false;
    }

    /// <summary>Finds the commands of a sed script that run shell commands or write files.</summary>
    internal static void AnalyzeScript(string script, Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var s = script;
        var i = 0;
        string RestOfLine()
        {
            var end = s.IndexOf('\n', i);
            if (end < 0) end = s.Length;
            var text = s[i..end].Trim();
            i = end;
            return text;
        }
        void SkipDelimited(char delim)
        {
            for (; i < s.Length; i++)
            {
                if (s[i] == '\\') { i++; continue; }
                if (s[i] == delim) { i++; return; }
            }
        }
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c) || c is ';' or '{' or '}' or '!' or ',' or '$' or '+' or '~' || char.IsAsciiDigit(c)) { i++; continue; }
            if (c == '/') { i++; SkipDelimited('/'); continue; }                 // address regex
            if (c == '\\' && i + 1 < s.Length) { var d = s[i + 1]; i += 2; SkipDelimited(d); continue; }
            if (c == '#' || c == ':') { RestOfLine(); continue; }               // comment, label
            i++;
            switch (c)
            {
                case 's':
                {
                    if (i >= s.Length) return;
                    var d = s[i++];
                    SkipDelimited(d);
                    SkipDelimited(d);
                    var flagsStart = i;
                    while (i < s.Length && s[i] is not (';' or '\n' or '}' or 'w' or 'W')) i++;
                    var flags = s[flagsStart..i];
                    if (flags.Contains('e'))
                        EmbeddedCode.Indeterminate(inv, "`sed s///e` runs the substituted text as a shell command", effects);
                    if (i < s.Length && s[i] is 'w' or 'W')
                    {
                        i++;
                        EmbeddedCode.Write(ctx, inv, RestOfLine(), "sed s///w", effects);
                    }
                    break;
                }
                case 'y':
                {
                    if (i >= s.Length) return;
                    var d = s[i++];
                    SkipDelimited(d);
                    SkipDelimited(d);
                    break;
                }
                case 'e':
                {
                    var cmd = RestOfLine();
                    if (cmd.Length == 0) EmbeddedCode.Indeterminate(inv, "`sed e` runs the input text as a shell command", effects);
                    else EmbeddedCode.Shell(ctx, inv, cmd, "sed e", effects);
                    break;
                }
                case 'w' or 'W':
                    EmbeddedCode.Write(ctx, inv, RestOfLine(), $"sed {c}", effects);
                    break;
                case 'a' or 'i' or 'c' or 'r' or 'R' or 'b' or 't' or 'T' or 'v':
                    while (i < s.Length && s[i] is not ('\n' or ';' or '}')) { if (s[i] == '\\') i++; i++; }
                    break;
            }
        }
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
