using System.Text;
using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// pdm and hatch run scripts defined in the nearest pyproject.toml (hatch also hatch.toml): <c>pdm run name</c> runs
/// <c>[tool.pdm.scripts]</c> name (a command string, <c>{cmd = ...}</c>, <c>{shell = ...}</c>, <c>{composite = [...]}</c>,
/// with its <c>pre_name</c>/<c>post_name</c> hooks); <c>hatch run [env:]name</c> runs <c>[tool.hatch.envs.env.scripts]</c>
/// name (a string or a list; a command naming another script runs that script). Each command is analysed as shell code
/// in the project directory, with arguments appended (or put at <c>{args}</c>). <c>{call = "module:function"}</c> and
/// poetry's <c>[tool.poetry.scripts]</c> are Python entry points of the project: project code, as a script file is, and
/// not analysed. A name that is no script is a command, which the shell analysis already sees through <c>pdm run</c>.
/// </summary>
public sealed class PythonProjectScripts : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["pdm", "hatch"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var dir = TaskRunners.StartDirectory(inv);
        var i = 0;
        while (i < args.Count && args[i].Known && args[i].Text.StartsWith('-'))
        {
            if (args[i].Text is "-p" or "--project" or "-e" or "--env" && i + 1 < args.Count)
            {
                if (args[i].Text is "-p" or "--project") dir = args[i + 1].Known && dir is not null ? TaskRunners.Directory(dir, args[i + 1].Text) : null;
                i += 2;
                continue;
            }
            i++;
        }
        if (i >= args.Count || args[i].Text != "run") return;
        i++;
        while (i < args.Count && args[i].Known && args[i].Text.StartsWith('-') && args[i].Text != "--")
            i += args[i].Text is "-p" or "--project" or "--venv" ? 2 : 1;
        if (i < args.Count && args[i].Text == "--") i++;
        if (i >= args.Count || dir is null) return;
        var nameArg = args[i];
        if (!nameArg.Known) return; // the shell analysis reports a command computed at run time
        var rest = args.Skip(i + 1).ToList();
        var file = TaskRunners.Find(ctx, dir, upwards: true, "pyproject.toml");
        var how = string.Join(' ', new[] { inv.Name! }.Concat(args.Select(a => a.Text)));
        if (inv.Name == "hatch" && TaskRunners.Find(ctx, dir, upwards: true, "hatch.toml") is { } hatchToml) file = hatchToml;
        if (file is null) return;
        var text = TaskRunners.Read(ctx, file);
        var doc = text is null ? null : MiniToml.Parse(text);
        if (doc is null) { TaskRunners.Unknown(inv, $"`{how}` may run scripts from {TaskRunners.Display(inv, file)}, which cannot be read or parsed", effects); return; }
        var root = TaskRunners.DirectoryOf(file);
        var extra = TaskRunners.Quote(rest);
        if (inv.Name == "pdm")
        {
            if (MiniToml.Table(doc, "tool", "pdm", "scripts") is not { } scripts || !scripts.ContainsKey(nameArg.Text)) return;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            void Pdm(string name, string append, int depth)
            {
                if (depth > 16 || !seen.Add(name) || !scripts.TryGetValue(name, out var s)) return;
                if (scripts.ContainsKey("pre_" + name)) Pdm("pre_" + name, "", depth + 1);
                switch (s)
                {
                    case string cmd: Line(cmd + append, name); break;
                    case Dictionary<string, object?> m when m.GetValueOrDefault("cmd") is string cmd: Line(cmd + append, name); break;
                    case Dictionary<string, object?> m when m.GetValueOrDefault("cmd") is List<object?> parts: Line(string.Join(' ', parts.Select(p => TaskRunners.QuoteWord(p as string ?? ""))) + append, name); break;
                    case Dictionary<string, object?> m when m.GetValueOrDefault("shell") is string cmd: Line(cmd + append, name); break;
                    case Dictionary<string, object?> m when m.GetValueOrDefault("composite") is List<object?> items:
                        foreach (var item in items.OfType<string>())
                        {
                            var first = item.Split(' ', 2)[0];
                            if (scripts.ContainsKey(first)) Pdm(first, item.Length > first.Length ? " " + item[(first.Length + 1)..] : "", depth + 1);
                            else Line(item, name);
                        }
                        break;
                    case Dictionary<string, object?> m when m.ContainsKey("call"): break; // a Python function of the project
                    default: TaskRunners.Unknown(inv, $"`{how}` runs the pdm script `{name}` in {TaskRunners.Display(inv, file)}, written in a form Interlock does not read", effects); break;
                }
                if (scripts.ContainsKey("post_" + name)) Pdm("post_" + name, "", depth + 1);
            }
            void Line(string code, string name) => TaskRunners.Line(ctx, inv, how, $"the pdm script `{name}` ([tool.pdm.scripts])", file, code, root, effects);
            Pdm(nameArg.Text, extra, 0);
            return;
        }

        // hatch: `env:script`, default environment `default`; environments may inherit scripts from `default`.
        var (env, script) = nameArg.Text.IndexOf(':') is var colon and > 0 ? (nameArg.Text[..colon], nameArg.Text[(colon + 1)..]) : ("default", nameArg.Text);
        var prefix = file.EndsWith("hatch.toml") ? new[] { "envs" } : ["tool", "hatch", "envs"];
        var own = MiniToml.Table(doc, [.. prefix, env, "scripts"]);
        var inherited = MiniToml.Table(doc, [.. prefix, "default", "scripts"]);
        Dictionary<string, object?> all = new(inherited ?? [], StringComparer.Ordinal);
        foreach (var (k, v) in own ?? []) all[k] = v;
        if (!all.ContainsKey(script)) return;
        var ran = new HashSet<string>(StringComparer.Ordinal);
        void Hatch(string name, string append, int depth)
        {
            if (depth > 16 || !ran.Add(name)) return;
            var commands = all[name] switch { string s => [s], List<object?> l => l.OfType<string>().ToList(), _ => null };
            if (commands is null) { TaskRunners.Unknown(inv, $"`{how}` runs the hatch script `{name}`, written in a form Interlock does not read", effects); return; }
            foreach (var c in commands)
            {
                var cmd = c.TrimStart('-', ' ');
                var first = cmd.Split(' ', 2)[0];
                if (all.ContainsKey(first) && first != name) { Hatch(first, cmd.Length > first.Length ? " " + cmd[(first.Length + 1)..] : "", depth + 1); continue; }
                var code = cmd.Contains("{args") ? ReplaceArgs(cmd, append.TrimStart()) : cmd + append;
                if (code is null || code.Contains("{env:") || code.Contains("{root") || code.Contains("{home"))
                    TaskRunners.Unknown(inv, $"`{how}` runs the hatch script `{name}`, a command whose fields cannot be worked out: {cmd}", effects);
                else TaskRunners.Line(ctx, inv, how, $"the hatch script `{name}` (environment {env})", file, code, root, effects);
            }
        }
        Hatch(script, extra, 0);
    }

    private static string? ReplaceArgs(string cmd, string args)
    {
        var at = cmd.IndexOf("{args", StringComparison.Ordinal);
        var close = cmd.IndexOf('}', at);
        if (close < 0) return null;
        var field = cmd[(at + 1)..close];
        var value = args.Length > 0 ? args : field.Length > 5 && field[4] == ':' ? field[5..] : "";
        return cmd[..at] + value + cmd[(close + 1)..];
    }
}

/// <summary>
/// The part of TOML that project files use for scripts: <c>[table.path]</c> headers (bare or quoted keys), <c>key = value</c>
/// with basic and literal strings (also multi-line), arrays (also over several lines), inline tables, and other scalars
/// as their text. Dotted keys on the left and arrays of tables are not understood (such entries are skipped, which loses
/// only scripts); a malformed document is null.
/// </summary>
public static class MiniToml
{
    public static Dictionary<string, object?>? Parse(string text)
    {
        var root = new Dictionary<string, object?>(StringComparer.Ordinal);
        var table = root;
        var p = new Reader(text.Replace("\r\n", "\n"));
        while (true)
        {
            p.SkipBlank(newlines: true);
            if (p.End) return root;
            if (p.Peek == '[')
            {
                var array = p.Text.AsSpan(p.At).StartsWith("[[");
                p.At += array ? 2 : 1;
                var keys = p.Keys(']');
                if (keys is null) return null;
                p.SkipTo('\n');
                table = array ? new Dictionary<string, object?>(StringComparer.Ordinal) : Descend(root, keys);
                if (table is null) return null;
                continue;
            }
            var key = p.Keys('=');
            if (key is null) return null;
            var value = p.Value(0);
            if (value is null && !p.Ok) return null;
            if (key.Count == 1) table.TryAdd(key[0], value);
            else if (Descend(table, key.Take(key.Count - 1).ToList()) is { } inner) inner.TryAdd(key[^1], value);
            p.SkipTo('\n');
        }
    }

    private static Dictionary<string, object?>? Descend(Dictionary<string, object?> root, List<string> keys)
    {
        var t = root;
        foreach (var k in keys)
        {
            if (!t.TryGetValue(k, out var next)) t[k] = next = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (next is not Dictionary<string, object?> d) return null;
            t = d;
        }
        return t;
    }

    /// <summary>The table at a path of keys, or null.</summary>
    public static Dictionary<string, object?>? Table(Dictionary<string, object?> doc, params string[] keys)
    {
        object? node = doc;
        foreach (var k in keys) if (node is not Dictionary<string, object?> m || !m.TryGetValue(k, out node)) return null;
        return node as Dictionary<string, object?>;
    }

    private sealed class Reader(string text)
    {
        public string Text { get; } = text;
        public int At;
        public bool Ok = true;
        public bool End => At >= Text.Length;
        public char Peek => Text[At];

        public void SkipBlank(bool newlines)
        {
            while (!End)
            {
                var c = Peek;
                if (c is ' ' or '\t' || (newlines && c is '\n' or '\r')) At++;
                else if (c == '#') SkipTo('\n');
                else break;
            }
        }

        public void SkipTo(char c)
        {
            while (!End && Peek != c) At++;
        }

        /// <summary>Dotted keys up to <paramref name="until"/> (consumed).</summary>
        public List<string>? Keys(char until)
        {
            var keys = new List<string>();
            while (true)
            {
                SkipBlank(false);
                if (End) return null;
                if (Peek is '"' or '\'') { var s = String(); if (s is null) return null; keys.Add(s); }
                else
                {
                    var start = At;
                    while (!End && (char.IsAsciiLetterOrDigit(Peek) || Peek is '-' or '_')) At++;
                    if (At == start) return null;
                    keys.Add(Text[start..At]);
                }
                SkipBlank(false);
                if (End) return null;
                if (Peek == '.') { At++; continue; }
                if (Peek == until) { At++; if (until == ']' && !End && Peek == ']') At++; return keys; }
                return null;
            }
        }

        public object? Value(int depth)
        {
            SkipBlank(false);
            if (End || depth > 32) { Ok = false; return null; }
            var c = Peek;
            if (c is '"' or '\'') { var s = String(); if (s is null) Ok = false; return s; }
            if (c == '[')
            {
                At++;
                var list = new List<object?>();
                while (true)
                {
                    SkipBlank(true);
                    if (End) { Ok = false; return null; }
                    if (Peek == ']') { At++; return list; }
                    var v = Value(depth + 1);
                    if (!Ok) return null;
                    list.Add(v);
                    SkipBlank(true);
                    if (!End && Peek == ',') At++;
                }
            }
            if (c == '{')
            {
                At++;
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                while (true)
                {
                    SkipBlank(false);
                    if (End) { Ok = false; return null; }
                    if (Peek == '}') { At++; return map; }
                    var keys = Keys('=');
                    if (keys is null) { Ok = false; return null; }
                    var v = Value(depth + 1);
                    if (!Ok) return null;
                    map.TryAdd(string.Join('.', keys), v);
                    SkipBlank(false);
                    if (!End && Peek == ',') At++;
                }
            }
            var start = At;
            while (!End && Peek is not (',' or ']' or '}' or '\n' or '#')) At++;
            return Text[start..At].Trim();
        }

        private string? String()
        {
            var q = Peek;
            var multi = Text.AsSpan(At).StartsWith(new string(q, 3));
            At += multi ? 3 : 1;
            if (multi && !End && Peek == '\n') At++;
            var sb = new StringBuilder();
            while (!End)
            {
                if (multi ? Text.AsSpan(At).StartsWith(new string(q, 3)) : Peek == q)
                {
                    At += multi ? 3 : 1;
                    return sb.ToString();
                }
                if (!multi && Peek == '\n') return null;
                if (q == '"' && Peek == '\\' && At + 1 < Text.Length)
                {
                    var e = Text[At + 1];
                    At += 2;
                    switch (e)
                    {
                        case 'n': sb.Append('\n'); break;
                        case 't': sb.Append('\t'); break;
                        case '"': sb.Append('"'); break;
                        case '\\': sb.Append('\\'); break;
                        case '\n': while (!End && char.IsWhiteSpace(Peek)) At++; break;
                        default: return null; // \u escapes and the rest: not read
                    }
                    continue;
                }
                sb.Append(Peek);
                At++;
            }
            return null;
        }
    }
}
