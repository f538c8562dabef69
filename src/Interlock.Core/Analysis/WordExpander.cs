using System.Text;
using Interlock.Core.Shell;

namespace Interlock.Core.Analysis;

/// <summary>
/// Expands words the way the shell would, as far as that can be known statically: brace expansion, tilde,
/// parameters with known values, field splitting of unquoted expansions, and glob detection. What cannot be
/// known (unknown variables, command output) makes the argument <see cref="Arg.Known"/> false.
/// </summary>
internal static class WordExpander
{
    private const int MaxBraceExpansions = 256;

    public static List<Arg> Expand(Word word, ShellState state)
    {
        var result = new List<Arg>();
        foreach (var variant in BraceExpand(word))
            ExpandFields(variant, state, result);
        // Brace expansion mixed with expansions (`{rm,-rf,$HOME}`) is not expanded here: its words cannot be known.
        var unquoted = string.Concat(word.Parts.OfType<LiteralPart>().Where(l => !l.Quoted).Select(l => l.Text));
        if (!word.IsStatic && unquoted.Contains('{') && unquoted.Contains('}') && (unquoted.Contains(',') || unquoted.Contains("..")))
            for (var i = 0; i < result.Count; i++) result[i] = result[i] with { Known = false };
        if (SetupCode(word) is { } from)
            for (var i = 0; i < result.Count; i++) result[i] = result[i] with { SetupCodeFrom = from };
        if (UnknownWithDefault(word.Parts, state) is { } names)
        {
            var unset = new List<Arg>();
            foreach (var variant in BraceExpand(word)) ExpandFields(variant, state, unset, assumeUnset: true);
            WithUnsetValues(result, unset, names);
        }
        return result;
    }

    /// <summary>The variables of <c>${NAME:-word}</c>, <c>${NAME-word}</c>, <c>${NAME:=word}</c> or <c>${NAME=word}</c> in
    /// <paramref name="parts"/> whose value is not known (they may be set in the environment, or not) and that the
    /// hook's own environment does not set, or null.</summary>
    private static string? UnknownWithDefault(IReadOnlyList<WordPart> parts, ShellState state)
    {
        List<string>? names = null;
        foreach (var part in parts)
            // A variable the hook's environment sets (which the agent's shell inherits) is probably set: its default is not taken.
            if (part is ParameterPart { Operator: ":-" or "-" or ":=" or "=" } p && Lookup(p, state) is null
                && (state.RemoteHost is not null || state.World.GetEnvironmentVariable(p.Name) is not { Length: > 0 })
                && !(names ??= []).Contains(p.Name))
                names.Add(p.Name);
        return names is null ? null : string.Join(", ", names.Select(n => "$" + n));
    }

    /// <summary>Records on each unknown field what it is when the defaulted variables are unset (<see cref="Arg.WhenUnset"/>),
    /// when that reading gives as many fields, all known.</summary>
    private static void WithUnsetValues(List<Arg> result, List<Arg> unset, string names)
    {
        if (unset.Count != result.Count || unset.Any(a => !a.Known)) return;
        for (var i = 0; i < result.Count; i++)
            if (!result[i].Known) result[i] = result[i] with { WhenUnset = unset[i].Text, UnsetVariables = names };
    }

    /// <summary>The command of a word that is only <c>$(cmd)</c> or <c>&lt;(cmd)</c>, when cmd prints only shell set-up code.</summary>
    private static string? SetupCode(Word word)
    {
        if (word.Parts is not [var part]) return null;
        var body = part switch
        {
            CommandSubstitutionPart c => c.Body,
            ProcessSubstitutionPart { IsOutput: false } p => p.Body,
            _ => null,
        };
        if (body is not { Items: [{ Background: false, Body.Pipelines: [{ Commands: [SimpleCommand { Assignments.Count: 0, Redirects.Count: 0 } sc] }] }] }) return null;
        if (sc.Words.Any(w => !w.IsStatic)) return null;
        var words = sc.Words.Select(w => w.StaticText!).ToList();
        return Knowledge.ShellSetupCode.Prints(words) ? string.Join(' ', words) : null;
    }

    /// <summary>Expands to a single string, joining fields with spaces (assignment values, redirect targets).</summary>
    public static Arg ExpandSingle(Word word, ShellState state)
    {
        var fields = new List<Arg>();
        ExpandFields(word.Parts, state, fields, split: false);
        var single = fields.Count == 1 ? fields[0] : new Arg(string.Join(' ', fields.Select(f => f.Text)), fields.All(f => f.Known), fields.Any(f => f.Glob));
        if (single.Known || UnknownWithDefault(word.Parts, state) is not { } names) return single;
        var unset = new List<Arg>();
        ExpandFields(word.Parts, state, unset, split: false, assumeUnset: true);
        var result = new List<Arg> { single };
        WithUnsetValues(result, unset.Count == 1 ? unset : [], names);
        return result[0];
    }

    private static void ExpandFields(IReadOnlyList<WordPart> parts, ShellState state, List<Arg> output, bool split = true, bool assumeUnset = false)
    {
        var text = new StringBuilder();
        var known = true;
        var glob = false;
        var started = false; // a quoted empty string still makes a field
        void EndField()
        {
            if (started || text.Length > 0) output.Add(new Arg(text.ToString(), known, glob));
            text.Clear();
            known = true;
            glob = false;
            started = false;
        }

        for (var i = 0; i < parts.Count; i++)
        {
            switch (parts[i])
            {
                case LiteralPart { Quoted: true } l:
                    text.Append(l.Text);
                    started = true;
                    break;
                case LiteralPart l:
                {
                    var t = l.Text;
                    if (i == 0 && t.StartsWith('~')) t = ExpandTilde(t, state);
                    else if (i == 0 && AssignmentTilde(t) is var eq and > 0) t = t[..(eq + 1)] + ExpandTilde(t[(eq + 1)..], state);
                    if (PathResolver.HasGlob(t)) glob = true;
                    text.Append(t);
                    if (t.Length > 0) started = true;
                    break;
                }
                case ParameterPart p:
                {
                    var value = Lookup(p, state, assumeUnset);
                    if (value is null)
                    {
                        known = false;
                        text.Append(p.Operator is null ? "$" + p.Name : "${" + p.Name + p.Operator + "...}");
                        started = true;
                    }
                    else if (p.Quoted || !split)
                    {
                        text.Append(value);
                        started = true;
                    }
                    else
                    {
                        // Unquoted expansion: split on IFS whitespace, and globbing applies to the result.
                        // A script that sets IFS (`IFS=,; $x`) splits on its characters; set to something unknown, the fields are unknown.
                        var ifs = state.Variables.TryGetValue("IFS", out var setIfs) ? setIfs : " \t\n";
                        if (ifs is null) known = false;
                        var pieces = string.IsNullOrEmpty(ifs) ? [value] : value.Split(ifs.ToCharArray(), StringSplitOptions.None);
                        for (var k = 0; k < pieces.Length; k++)
                        {
                            if (k > 0) EndField();
                            if (PathResolver.HasGlob(pieces[k])) glob = true;
                            text.Append(pieces[k]);
                            if (pieces[k].Length > 0) started = true;
                        }
                    }
                    break;
                }
                case CommandSubstitutionPart c:
                {
                    var value = KnownOutput(c.Body, state);
                    if (value is null) { known = false; text.Append("$(...)"); }
                    else text.Append(value);
                    started = true;
                    break;
                }
                case ArithmeticPart a:
                    known = false;
                    text.Append("$((...))");
                    started = true;
                    _ = a;
                    break;
                case ProcessSubstitutionPart:
                    known = false;
                    text.Append("<(...)");
                    started = true;
                    break;
            }
        }
        EndField();
    }

    /// <summary>Bash expands a tilde after the `=` of any word shaped like an assignment (`of=~/x`).</summary>
    private static int AssignmentTilde(string t)
    {
        var eq = t.IndexOf('=');
        if (eq <= 0 || eq + 1 >= t.Length || t[eq + 1] != '~' || !(char.IsAsciiLetter(t[0]) || t[0] == '_')) return -1;
        for (var k = 1; k < eq; k++) if (!(char.IsAsciiLetterOrDigit(t[k]) || t[k] == '_')) return -1;
        return eq;
    }

    private static string ExpandTilde(string text, ShellState state)
    {
        var slash = text.IndexOf('/');
        var user = slash < 0 ? text[1..] : text[1..slash];
        var rest = slash < 0 ? "" : text[slash..];
        if (user.Length == 0) return state.Home + rest;
        if (user == "root") return "/root" + rest;
        if (user is "+" or "-") return text; // ~+ and ~- are PWD/OLDPWD; rare, left as written
        return "/home/" + user + rest;
    }

    /// <summary>The value of a parameter, or null when it cannot be known.</summary>
    /// <param name="assumeUnset">Read a variable whose value is not known as unset, so that a default applies.</param>
    private static string? Lookup(ParameterPart p, ShellState state, bool assumeUnset = false)
    {
        if (p.Operator is "#" or "!") return null; // length and indirection
        var value = state.GetVariable(p.Name);
        switch (p.Operator)
        {
            case null:
                return value;
            case ":-" or "-":
                if (value is { Length: > 0 }) return value;
                if (value is null && !assumeUnset) return null; // may be set in the environment
                return p.Argument is null ? "" : StaticValue(p.Argument, state);
            case ":=" or "=":
                if (value is { Length: > 0 }) return value;
                return assumeUnset && (value is null || p.Operator == ":=") ? p.Argument is null ? "" : StaticValue(p.Argument, state) : null;
            case ":?" or "?":
                return value;
            default:
                return null; // substitutions, case changes, substrings: not worth modelling
        }
    }

    private static string? StaticValue(Word w, ShellState state)
    {
        var fields = new List<Arg>();
        ExpandFields(w.Parts, state, fields, split: false);
        return fields.Count == 1 && fields[0].Known ? fields[0].Text : fields.Count == 0 ? "" : null;
    }

    /// <summary>The output of a command substitution when it is statically known (<c>$(pwd)</c>, <c>$(echo x)</c>).</summary>
    private static string? KnownOutput(Script body, ShellState state)
    {
        if (body.Items is not [{ Body.Pipelines: [{ Commands: [SimpleCommand { Assignments.Count: 0, Redirects.Count: 0 } cmd] }] }])
            return null;
        if (cmd.Words.Count == 1 && cmd.Words[0].StaticText == "pwd" && state.Cwds is [{ } cwd]) return cwd;
        if (cmd.Words.Count == 0) return null;
        // The words are expanded as the shell would (`echo ~` prints the home directory, `echo {a,b}` two words,
        // `echo $HOME` the home directory); any part that cannot be known makes the output unknown.
        var words = cmd.Words.SelectMany(w => Expand(w, state)).ToList();
        if (words.Count == 0 || words.Any(a => !a.Known || a.Glob)) return null;
        // $(...) drops trailing newlines.
        return StaticOutput.Of(words[0].Text, words.Skip(1).ToList(), null)?.TrimEnd('\n');
    }

    // ------------------------------------------------------------ brace expansion

    /// <summary>Bash brace expansion over unquoted text: <c>{a,b}</c> and <c>{1..3}</c>. Words with
    /// expansions inside are left alone (bash would expand them, but the parts would be unknown anyway).</summary>
    private static IEnumerable<IReadOnlyList<WordPart>> BraceExpand(Word word)
    {
        if (!word.Parts.Any(p => p is LiteralPart { Quoted: false } l && l.Text.Contains('{')) || !word.IsStatic)
            return [word.Parts];
        // Flatten to characters, remembering which were quoted.
        var chars = new List<(char C, bool Quoted)>();
        foreach (LiteralPart l in word.Parts)
            foreach (var c in l.Text) chars.Add((c, l.Quoted));
        var results = new List<List<(char, bool)>>();
        Expand(chars, results);
        if (results.Count > MaxBraceExpansions) return [word.Parts];
        return results.Select(r => (IReadOnlyList<WordPart>)ToParts(r)).ToList();
    }

    private static List<WordPart> ToParts(List<(char C, bool Quoted)> chars)
    {
        var parts = new List<WordPart>();
        var sb = new StringBuilder();
        bool? quoted = null;
        foreach (var (c, q) in chars)
        {
            if (quoted is { } cur && cur != q) { parts.Add(new LiteralPart(sb.ToString(), cur)); sb.Clear(); }
            quoted = q;
            sb.Append(c);
        }
        if (quoted is { } last) parts.Add(new LiteralPart(sb.ToString(), last));
        return parts;
    }

    private static void Expand(List<(char C, bool Quoted)> chars, List<List<(char, bool)>> results)
    {
        if (results.Count > MaxBraceExpansions) return;
        // Find the first unquoted '{' with a matching '}' that has a top-level ',' or '..'.
        for (var open = 0; open < chars.Count; open++)
        {
            if (chars[open] is not ('{', false)) continue;
            if (open > 0 && chars[open - 1] is ('$', false)) continue;
            var depth = 0;
            var commas = new List<int>();
            var close = -1;
            for (var j = open + 1; j < chars.Count; j++)
            {
                if (chars[j].Quoted) continue;
                if (chars[j].C == '{') depth++;
                else if (chars[j].C == '}')
                {
                    if (depth == 0) { close = j; break; }
                    depth--;
                }
                else if (chars[j].C == ',' && depth == 0) commas.Add(j);
            }
            if (close < 0) return; // no closing brace anywhere after: nothing expands
            var prefix = chars[..open];
            var suffix = chars[(close + 1)..];
            List<List<(char, bool)>> alternatives;
            if (commas.Count > 0)
            {
                alternatives = [];
                var from = open + 1;
                foreach (var cpos in commas.Append(close))
                {
                    alternatives.Add(chars[from..cpos]);
                    from = cpos + 1;
                }
            }
            else if (TrySequence(chars[(open + 1)..close], out var seq)) alternatives = seq;
            else continue; // `{x}` alone is literal; keep looking further on
            foreach (var alt in alternatives)
            {
                var combined = new List<(char, bool)>(prefix.Count + alt.Count + suffix.Count);
                combined.AddRange(prefix);
                combined.AddRange(alt);
                combined.AddRange(suffix);
                Expand(combined, results);
                if (results.Count > MaxBraceExpansions) return;
            }
            return;
        }
        results.Add(chars);
    }

    private static bool TrySequence(List<(char C, bool Quoted)> inner, out List<List<(char, bool)>> seq)
    {
        seq = [];
        var text = new string(inner.Select(c => c.C).ToArray());
        var dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots <= 0) return false;
        var a = text[..dots];
        var b = text[(dots + 2)..];
        var step = 1;
        var second = b.IndexOf("..", StringComparison.Ordinal);
        if (second >= 0)
        {
            if (!int.TryParse(b[(second + 2)..], out step) || step == 0) return false;
            step = Math.Abs(step);
            b = b[..second];
        }
        if (int.TryParse(a, out var x) && int.TryParse(b, out var y))
        {
            if (Math.Abs((long)y - x) / step > MaxBraceExpansions) return false;
            for (long v = x; x <= y ? v <= y : v >= y; v += x <= y ? step : -step)
                seq.Add(v.ToString().Select(c => (c, false)).ToList());
            return true;
        }
        if (a.Length == 1 && b.Length == 1 && char.IsAsciiLetter(a[0]) && char.IsAsciiLetter(b[0]))
        {
            for (int v = a[0]; a[0] <= b[0] ? v <= b[0] : v >= b[0]; v += a[0] <= b[0] ? step : -step)
                seq.Add([((char)v, false)]);
            return true;
        }
        return false;
    }
}
