using Interlock.Core.Analysis;
using System.Text;

namespace Interlock.Core.Knowledge;

/// <summary>
/// just runs recipes of the nearest justfile (justfile, .justfile, Justfile; searched upwards, or <c>-f</c>): the recipes
/// named on the command line with their arguments (or the first recipe, or <c>default</c>), after their dependencies and
/// before their <c>&amp;&amp;</c> subsequents. Each body line (less its <c>@</c>/<c>-</c> prefix) is analysed as shell code in
/// the justfile's directory, with <c>{{param}}</c> and <c>{{var}}</c> replaced by the arguments, parameter defaults and
/// string variables; backtick variables become the shell's <c>$(cmd)</c>. Other expressions, shebang recipes in other
/// languages and a replaced shell are indeterminate. A missing recipe or justfile runs nothing.
/// </summary>
public sealed class Just : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["just"];

    private sealed record Recipe(string Name, List<(string Name, string? Default, bool Variadic)> Params, List<(string Name, List<string> Args)> Before, List<(string Name, List<string> Args)> After, List<string> Body, bool Shebang);

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Any(a => a.Known && a.Text is "--help" or "-h" or "--version" or "-V" or "--list" or "-l" or "--summary" or "--show" or "-s" or "--dump" or "--fmt"
                or "--init" or "--edit" or "-e" or "--evaluate" or "--variables" or "--dry-run" or "-n" or "--groups" or "--completions" or "--changelog")) return;
        var dir = TaskRunners.StartDirectory(inv);
        string? file = null;
        var words = new List<Arg>();
        var overrides = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t is "-f" or "--justfile" && i + 1 < args.Count) { file = args[++i].Known ? args[i].Text : "\0"; continue; }
            if (t is "-d" or "--working-directory" && i + 1 < args.Count) { var d = args[++i]; dir = d.Known && dir is not null ? TaskRunners.Directory(dir, d.Text) : null; continue; }
            if (t is "--set" && i + 2 < args.Count) { overrides[args[i + 1].Text] = args[i + 2].Known ? args[i + 2].Text : null; i += 2; continue; }
            if (t is "--choose") { TaskRunners.Unknown(inv, "`just --choose` runs a recipe picked interactively", effects); return; }
            if (t is "--shell" or "--shell-arg" or "--command" or "-c") { TaskRunners.Unknown(inv, $"`just {t}` runs commands through a shell given on the command line", effects); return; }
            if (t.StartsWith('-') && words.Count == 0 && args[i].Known) continue;
            if (words.Count == 0 && args[i].Known && t.IndexOf('=') is var eq and > 0) { overrides[t[..eq]] = t[(eq + 1)..]; continue; }
            words.Add(args[i]);
        }
        if (dir is null || file == "\0") return;
        var path = file is not null ? PathResolver.Combine(dir, file)! : TaskRunners.Find(ctx, dir, upwards: true, "justfile", ".justfile", "Justfile", "JUSTFILE");
        if (path is null || ctx.World.GetPathKind(path) != PathKind.File) return;
        var how = string.Join(' ', new[] { "just" }.Concat(args.Select(a => a.Text)));
        var text = TaskRunners.Read(ctx, path);
        if (text is null) { TaskRunners.Unknown(inv, $"`{how}` runs recipes from {TaskRunners.Display(inv, path)}, which cannot be read", effects); return; }
        var (recipes, vars, problem) = Parse(text);
        if (problem is not null) { TaskRunners.Unknown(inv, $"`{how}`: {TaskRunners.Display(inv, path)} {problem}", effects); return; }
        foreach (var (k, v) in overrides) vars[k] = v;
        var workdir = TaskRunners.DirectoryOf(path);

        var ran = new HashSet<string>(StringComparer.Ordinal);
        var lines = 0;
        void Run(string name, List<string?> values, int depth)
        {
            if (depth > 32 || !recipes.TryGetValue(name, out var r) || !ran.Add(name)) return;
            var scope = new Dictionary<string, string?>(vars, StringComparer.Ordinal);
            for (var p = 0; p < r.Params.Count; p++)
            {
                var (pn, def, variadic) = r.Params[p];
                scope[pn] = variadic ? (values.Skip(p).Any(v => v is null) ? null : string.Join(' ', values.Skip(p))) : p < values.Count ? values[p] : def is null ? null : Interpolate(def, scope);
            }
            foreach (var (dn, da) in r.Before) Run(dn, da.Select(a => Interpolate(a, scope)).ToList(), depth + 1);
            if (r.Shebang && !ShellShebang(r.Body[0]))
                TaskRunners.Unknown(inv, $"`{how}` runs the recipe `{name}` in {TaskRunners.Display(inv, path)}, a script for {r.Body[0][2..].Trim()}", effects);
            else
            {
                var body = r.Shebang ? [string.Join('\n', r.Body.Skip(1))] : r.Body;
                foreach (var raw in body)
                {
                    if (++lines > TaskRunners.MaxLines) { TaskRunners.Unknown(inv, $"`{how}` runs more than {TaskRunners.MaxLines} recipe lines", effects); return; }
                    var line = raw.TrimStart('@', '-');
                    var code = Interpolate(line, scope);
                    if (code is null) TaskRunners.Unknown(inv, $"`{how}` runs the recipe `{name}` in {TaskRunners.Display(inv, path)}, a line whose values cannot be worked out: {raw.Trim()}", effects);
                    else TaskRunners.Line(ctx, inv, how, $"the recipe `{name}`", path, code, workdir, effects);
                }
            }
            foreach (var (dn, da) in r.After) Run(dn, da.Select(a => Interpolate(a, scope)).ToList(), depth + 1);
        }

        if (words.Count == 0)
        {
            var first = recipes.ContainsKey("default") ? "default" : recipes.Keys.FirstOrDefault();
            if (first is not null) Run(first, [], 0);
            return;
        }
        for (var w = 0; w < words.Count;)
        {
            if (!words[w].Known) { TaskRunners.Unknown(inv, $"`{how}` runs a recipe named at run time", effects); return; }
            if (!recipes.TryGetValue(words[w].Text, out var r)) return; // just stops: no such recipe
            var take = r.Params.Any(p => p.Variadic) ? words.Count - w - 1 : Math.Min(r.Params.Count, words.Count - w - 1);
            Run(r.Name, words.Skip(w + 1).Take(take).Select(a => a.Known ? a.Text : null).ToList(), 0);
            w += 1 + take;
        }
    }

    /// <summary>Replaces <c>{{name}}</c> (and <c>{{ name }}</c>) with known values; null when an expression is not a plain name
    /// with a known value. <c>{{{{</c> is a literal <c>{{</c>.</summary>
    private static string? Interpolate(string text, Dictionary<string, string?> scope)
    {
        var sb = new StringBuilder();
        for (var k = 0; k < text.Length; k++)
        {
            if (text.AsSpan(k).StartsWith("{{{{")) { sb.Append("{{"); k += 3; continue; }
            if (!text.AsSpan(k).StartsWith("{{")) { sb.Append(text[k]); continue; }
            var close = text.IndexOf("}}", k + 2, StringComparison.Ordinal);
            if (close < 0) return null;
            var expr = text[(k + 2)..close].Trim();
            if (!scope.TryGetValue(expr, out var v) || v is null) return null;
            sb.Append(v);
            k = close + 1;
        }
        return sb.ToString();
    }

    private static (Dictionary<string, Recipe>, Dictionary<string, string?>, string?) Parse(string text)
    {
        var recipes = new Dictionary<string, Recipe>(StringComparer.Ordinal);
        var vars = new Dictionary<string, string?>(StringComparer.Ordinal);
        var aliases = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            if (line.Length == 0 || line[0] is ' ' or '\t' or '#' or '[') continue;
            var trimmed = line.Trim();
            if (trimmed.StartsWith("set "))
            {
                var setting = trimmed[4..].Trim();
                if ((setting.StartsWith("shell") || setting.StartsWith("script-interpreter")) && setting.IndexOf(":=") is var at and > 0)
                {
                    var value = setting[(at + 2)..].Trim().Replace('\'', '"');
                    if (!(value.StartsWith("[\"bash\"") || value.StartsWith("[\"sh\"") || value.StartsWith("[\"zsh\"") || value.StartsWith("[\"/bin/bash\"") || value.StartsWith("[\"/bin/sh\"")))
                        return (recipes, vars, $"sets the shell to {value}, which Interlock does not analyse");
                }
                continue;
            }
            if (trimmed.StartsWith("import ") || trimmed.StartsWith("import? ") || trimmed.StartsWith("mod "))
            {
                if (!trimmed.StartsWith("import?")) return (recipes, vars, $"imports other justfiles (`{trimmed}`), which are not read");
                continue;
            }
            if (trimmed.StartsWith("alias "))
            {
                var eq = trimmed.IndexOf(":=");
                if (eq > 0) { var alias = trimmed[6..eq].Trim(); var target = trimmed[(eq + 2)..].Trim(); aliases[alias] = target; }
                continue;
            }
            var assign = trimmed.StartsWith("export ") ? trimmed[7..] : trimmed;
            var ae = assign.IndexOf(":=");
            var colon = RecipeColon(trimmed);
            if (ae > 0 && (colon < 0 || ae <= colon))
            {
                var name = assign[..ae].Trim();
                var value = assign[(ae + 2)..].Trim();
                vars[name] = Literal(value);
                continue;
            }
            if (colon < 0) continue;
            var head = trimmed[..colon].TrimStart('@').Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (head.Length == 0) continue;
            var ps = new List<(string, string?, bool)>();
            foreach (var p in head.Skip(1))
            {
                var variadic = p.StartsWith('+') || p.StartsWith('*');
                var pn = p.TrimStart('+', '*', '$');
                var eq = pn.IndexOf('=');
                ps.Add(eq > 0 ? (pn[..eq], Literal(pn[(eq + 1)..]), variadic) : (pn, p.StartsWith('*') ? "" : null, variadic));
            }
            var deps = trimmed[(colon + 1)..];
            var amp = deps.IndexOf("&&", StringComparison.Ordinal);
            var before = Dependencies(amp >= 0 ? deps[..amp] : deps);
            var after = amp >= 0 ? Dependencies(deps[(amp + 2)..]) : [];
            var body = new List<string>();
            while (n + 1 < lines.Length && (lines[n + 1].Length == 0 || lines[n + 1][0] is ' ' or '\t'))
            {
                n++;
                var b = lines[n].Trim();
                if (b.Length == 0) continue;
                // A continued line (ending in a backslash) is one shell line.
                if (body.Count > 0 && body[^1].EndsWith('\\')) body[^1] = body[^1][..^1] + " " + b;
                else body.Add(b);
            }
            var shebang = body.Count > 0 && body[0].StartsWith("#!");
            if (!shebang) body = body.Where(b => !b.StartsWith('#')).ToList();
            recipes.TryAdd(head[0], new Recipe(head[0], ps, before, after, body, shebang));
        }
        foreach (var (alias, target) in aliases) if (recipes.TryGetValue(target, out var r)) recipes.TryAdd(alias, r);
        return (recipes, vars, null);
    }

    /// <summary>A shebang line naming sh, bash, dash or zsh (directly or through env), with any flags.</summary>
    private static bool ShellShebang(string line)
    {
        var words = line[2..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (words.Count > 0 && words[0].EndsWith("/env")) words.RemoveAt(0);
        while (words.Count > 0 && words[0].StartsWith('-')) words.RemoveAt(0);
        return words.Count > 0 && words[0][(words[0].LastIndexOf('/') + 1)..] is "sh" or "bash" or "dash" or "zsh";
    }

    private static int RecipeColon(string line)
    {
        var quote = '\0';
        for (var k = 0; k < line.Length; k++)
        {
            var c = line[k];
            if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
            if (c is '"' or '\'') quote = c;
            else if (c == ':' && (k + 1 >= line.Length || line[k + 1] != '=')) return k;
            else if (c == ':' ) return -1;
        }
        return -1;
    }

    private static List<(string, List<string>)> Dependencies(string text)
    {
        var deps = new List<(string, List<string>)>();
        var k = 0;
        while (k < text.Length)
        {
            if (char.IsWhiteSpace(text[k])) { k++; continue; }
            if (text[k] == '(')
            {
                var close = text.IndexOf(')', k);
                if (close < 0) break;
                var parts = text[(k + 1)..close].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length > 0) deps.Add((parts[0], parts.Skip(1).Select(p => Literal(p) ?? "{{\u0000}}").ToList()));
                k = close + 1;
                continue;
            }
            var end = k;
            while (end < text.Length && !char.IsWhiteSpace(text[end])) end++;
            deps.Add((text[k..end], []));
            k = end;
        }
        return deps;
    }

    /// <summary>A string literal's value; a backtick becomes the shell's command substitution; null for expressions.</summary>
    private static string? Literal(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"' && value.IndexOf('"', 1) == value.Length - 1) return value[1..^1].Replace("\\n", "\n").Replace("\\t", "\t").Replace("\\\"", "\"").Replace("\\\\", "\\");
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'' && value.IndexOf('\'', 1) == value.Length - 1) return value[1..^1];
        if (value.Length >= 2 && value[0] == '`' && value[^1] == '`' && value.IndexOf('`', 1) == value.Length - 1) return "$(" + value[1..^1] + ")";
        return null;
    }
}
