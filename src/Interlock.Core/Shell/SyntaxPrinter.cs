using System.Text;

namespace Interlock.Core.Shell;

/// <summary>An indented, human-readable rendering of a syntax tree (for `interlock explain`).</summary>
public static class SyntaxPrinter
{
    private const int MaxLines = 200;

    public static string Print(Script script)
    {
        var sb = new StringBuilder();
        Script(script, sb, 1);
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, int depth, string text)
    {
        if (sb.Length > MaxLines * 120) return;
        sb.Append(' ', depth * 2).AppendLine(text);
    }

    private static void Script(Script s, StringBuilder sb, int depth)
    {
        foreach (var item in s.Items)
        {
            var andOr = item.Body;
            Line(sb, depth, andOr.Pipelines.Count > 1 ? $"list ({string.Join(" ", andOr.Operators)}){(item.Background ? " &" : "")}" : item.Background ? "background" : "command");
            for (var i = 0; i < andOr.Pipelines.Count; i++)
            {
                var p = andOr.Pipelines[i];
                var d = depth + 1;
                if (p.Commands.Count > 1) { Line(sb, d, $"pipeline{(p.Negated ? " !" : "")} [{p.Span}]"); d++; }
                foreach (var c in p.Commands) Command(c, sb, d);
            }
        }
    }

    private static void Command(Command c, StringBuilder sb, int depth)
    {
        switch (c)
        {
            case SimpleCommand s:
                var assigns = s.Assignments.Select(a => $"{a.Name}={(a.Value is null ? "(...)" : WordText(a.Value))}");
                Line(sb, depth, $"simple [{s.Span}]: {string.Join(' ', assigns.Concat(s.Words.Select(WordText)))}");
                foreach (var w in s.Words) Substitutions(w, sb, depth + 1);
                break;
            case SubshellCommand sub: Line(sb, depth, $"subshell [{sub.Span}]"); Script(sub.Body, sb, depth + 1); break;
            case BraceGroupCommand g: Line(sb, depth, $"group [{g.Span}]"); Script(g.Body, sb, depth + 1); break;
            case IfCommand i:
                foreach (var (cond, body) in i.Branches)
                {
                    Line(sb, depth, "if"); Script(cond, sb, depth + 1);
                    Line(sb, depth, "then"); Script(body, sb, depth + 1);
                }
                if (i.Else is not null) { Line(sb, depth, "else"); Script(i.Else, sb, depth + 1); }
                break;
            case ForCommand f: Line(sb, depth, $"for {f.Variable} in {string.Join(' ', (f.Words ?? []).Select(WordText))}"); Script(f.Body, sb, depth + 1); break;
            case ArithmeticForCommand af: Line(sb, depth, $"for (({af.Header}))"); Script(af.Body, sb, depth + 1); break;
            case LoopCommand l: Line(sb, depth, l.Until ? "until" : "while"); Script(l.Condition, sb, depth + 1); Line(sb, depth, "do"); Script(l.Body, sb, depth + 1); break;
            case CaseCommand cc:
                Line(sb, depth, $"case {WordText(cc.Subject)}");
                foreach (var (patterns, body) in cc.Items) { Line(sb, depth + 1, string.Join('|', patterns.Select(WordText)) + ")"); Script(body, sb, depth + 2); }
                break;
            case FunctionDefinition fd: Line(sb, depth, $"function {fd.Name} (runs only when called)"); Command(fd.Body, sb, depth + 1); break;
            case TestCommand t: Line(sb, depth, $"test [{t.Span}]"); break;
        }
        foreach (var r in c.Redirects)
            Line(sb, depth + 1, r.HereDoc is { } doc ? $"here-document ({(doc.QuotedDelimiter ? "literal" : "expanded")}, {doc.Body.Parts.Sum(p => p is LiteralPart l ? l.Text.Length : 0)} chars)" : $"redirect {r.Kind} {WordText(r.Target)}");
    }

    private static void Substitutions(Word w, StringBuilder sb, int depth)
    {
        foreach (var part in w.Parts)
        {
            if (part is CommandSubstitutionPart cs) { Line(sb, depth, "command substitution (runs)"); Script(cs.Body, sb, depth + 1); }
            if (part is ProcessSubstitutionPart ps) { Line(sb, depth, "process substitution (runs)"); Script(ps.Body, sb, depth + 1); }
        }
    }

    private static string WordText(Word w) => string.Concat(w.Parts.Select(p => p switch
    {
        LiteralPart { Quoted: true } l => "'" + l.Text.Replace("\n", "\\n") + "'",
        LiteralPart l => l.Text,
        ParameterPart pp => "${" + pp.Name + (pp.Operator ?? "") + "}",
        CommandSubstitutionPart => "$(…)",
        ArithmeticPart => "$((…))",
        ProcessSubstitutionPart => "<(…)",
        _ => "?",
    }));
}
