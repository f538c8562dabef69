using Interlock.Core.Analysis;
using Interlock.Core.Interpreters;

namespace Interlock.Core.Knowledge;

/// <summary>
/// rake runs tasks of the nearest Rakefile (Rakefile, rakefile, Rakefile.rb; searched upwards, or <c>-f</c>; plus files it
/// <c>import</c>s or <c>load</c>s by a literal name): the tasks named (or <c>default</c>), after their prerequisites. The
/// body of each task (<c>task :name =&gt; [:deps] do ... end</c>, in namespaces) is analysed as Ruby with the Ruby analyser,
/// rake's <c>sh "..."</c> read as <c>system</c>: shell strings go back through the shell analysis in the Rakefile's
/// directory, FileUtils deletions are judged like rm, and code built at run time asks. Tasks defined elsewhere (gems,
/// Rails' <c>load_tasks</c>) are framework or project code and are left to the Rails knowledge.
/// </summary>
public sealed class Rake : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["rake"];

    private sealed record RakeTask(string Name, List<string> Prereqs, string Body, string File);

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Any(a => a.Known && a.Text is "--help" or "-h" or "-T" or "--tasks" or "-D" or "--describe" or "-P" or "--prereqs" or "-W" or "--where"
                or "--version" or "-V" or "-n" or "--dry-run")) return;
        var dir = TaskRunners.StartDirectory(inv);
        string? file = null;
        var goals = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t is "-f" or "--rakefile" && i + 1 < args.Count) { file = args[++i].Known ? args[i].Text : "\0"; continue; }
            if (t is "-C" or "--directory" && i + 1 < args.Count) { var d = args[++i]; dir = d.Known && dir is not null ? TaskRunners.Directory(dir, d.Text) : null; continue; }
            if (t is "-e" or "--execute" or "-p" or "--execute-print" or "-E" or "--execute-continue" or "-r" or "--require" or "-R" or "--rakelibdir" or "-I" or "--libdir" or "-j" or "--jobs") { i++; continue; }
            if (t.StartsWith('-') && args[i].Known) continue;
            if (args[i].Known && t.IndexOf('=') is var eq and > 0 && !t.Contains('[')) continue; // VAR=value
            if (!args[i].Known) { TaskRunners.Unknown(inv, $"`rake {t}` runs a task named at run time", effects); return; }
            goals.Add(t.IndexOf('[') is var b and > 0 ? t[..b] : t);
        }
        if (dir is null || file == "\0") return;
        var path = file is not null ? PathResolver.Combine(dir, file)! : TaskRunners.Find(ctx, dir, upwards: true, "rakefile", "Rakefile", "rakefile.rb", "Rakefile.rb");
        if (path is null || ctx.World.GetPathKind(path) != PathKind.File) return;
        var how = string.Join(' ', new[] { "rake" }.Concat(args.Select(a => a.Text)));
        var root = TaskRunners.DirectoryOf(path);
        var tasks = new Dictionary<string, List<RakeTask>>(StringComparer.Ordinal);
        var read = 0;
        if (!ReadFile(path))
        {
            TaskRunners.Unknown(inv, $"`{how}` runs tasks from {TaskRunners.Display(inv, path)}, which cannot be read", effects);
            return;
        }
        if (goals.Count == 0) goals.Add("default");

        var sub = inv with { Context = inv.Context with { Cwds = [root], Via = [.. inv.Context.Via, how] } };
        var ran = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in goals) Run(g, 0);

        bool ReadFile(string f)
        {
            if (++read > 16) return true;
            var text = TaskRunners.Read(ctx, f);
            if (text is null) return false;
            Parse(text, f, tasks, imported => { var p = PathResolver.Combine(TaskRunners.DirectoryOf(f), imported)!; if (ctx.World.GetPathKind(p) == PathKind.File) ReadFile(p); });
            return true;
        }

        void Run(string name, int depth)
        {
            if (depth > 32 || !ran.Add(name)) return;
            var key = name.TrimStart(':');
            if (!tasks.TryGetValue(key, out var defs)) return; // rake stops, or a task of a gem or framework
            foreach (var d in defs) foreach (var p in d.Prereqs) Run(p, depth + 1);
            foreach (var d in defs)
            {
                if (d.Body.Trim().Length == 0) continue;
                var prefix = $"`{how}` runs the task `{key}` in {TaskRunners.Display(inv, d.File)}";
                foreach (var f in ScriptAnalyzer.Analyze(d.Body, ScriptLanguage.Ruby))
                {
                    var arg = f.Argument is null ? new Arg($"<value computed by {f.Api}>", false, false) : Arg.Literal(f.Argument);
                    switch (f.Kind)
                    {
                        case ScriptFindingKind.DeletePath:
                            ctx.AddPathEffects(effects, EffectKind.DeletePath, arg, f.Recursive, sub,
                                t => $"{prefix}: `{f.Api}` deletes {(t.Class == PathClass.Unknown ? "a path computed at run time" : t.Path)}{(f.Recursive && !t.IsFile ? " and everything in it" : "")}");
                            break;
                        case ScriptFindingKind.WriteFile:
                            ctx.AddPathEffects(effects, EffectKind.OverwriteFile, arg, false, sub,
                                t => $"{prefix}: `{f.Api}` overwrites {(t.Class == PathClass.Unknown ? "a file named at run time" : t.Path)}");
                            break;
                        case ScriptFindingKind.ShellCommand when f.Argument is not null:
                            TaskRunners.Line(ctx, inv, how, $"the task `{key}`", d.File, f.Argument, root, effects);
                            break;
                        default:
                            TaskRunners.Unknown(inv, $"{prefix}, which {f.Description}", effects);
                            break;
                    }
                }
            }
        }
    }

    /// <summary>Finds <c>task</c>/<c>file</c>/<c>multitask</c> definitions by line, inside <c>namespace</c> blocks; a <c>do</c>
    /// body ends at the <c>end</c> indented like its first line.</summary>
    private static void Parse(string text, string file, Dictionary<string, List<RakeTask>> tasks, Action<string> import)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var namespaces = new List<(int Indent, string Name)>();
        for (var n = 0; n < lines.Length; n++)
        {
            var line = lines[n];
            var trimmed = line.Trim();
            var indent = line.Length - line.TrimStart().Length;
            if (trimmed == "end") { if (namespaces.Count > 0 && namespaces[^1].Indent == indent) namespaces.RemoveAt(namespaces.Count - 1); continue; }
            if ((trimmed.StartsWith("import ") || trimmed.StartsWith("load ")) && Literal(trimmed[(trimmed.IndexOf(' ') + 1)..].Trim()) is { } imported) { import(imported); continue; }
            if (trimmed.StartsWith("namespace ") && trimmed.EndsWith(" do"))
            {
                var ns = Symbol(trimmed[10..^3].Trim());
                if (ns is not null) namespaces.Add((indent, ns));
                continue;
            }
            var word = trimmed.Split([' ', '('], 2)[0];
            if (word is not ("task" or "file" or "multitask")) continue;
            var head = trimmed[word.Length..].Trim().TrimStart('(');
            string body;
            var doAt = head.EndsWith(" do") ? head.Length - 3 : head.Contains(" do |") ? head.IndexOf(" do |", StringComparison.Ordinal) : -1;
            if (doAt >= 0)
            {
                head = head[..doAt];
                var lines2 = new List<string>();
                while (++n < lines.Length && !(lines[n].Trim() == "end" && lines[n].Length - lines[n].TrimStart().Length == indent)) lines2.Add(lines[n]);
                body = string.Join('\n', lines2);
            }
            else if (head.IndexOf('{') is var brace and > 0 && head.EndsWith('}')) { body = head[(brace + 1)..^1]; head = head[..brace]; }
            else body = "";
            head = head.TrimEnd(')', ' ');
            var (name, prereqs) = Head(head);
            if (name is null) continue;
            var full = string.Join(':', namespaces.Select(s => s.Name).Append(name));
            if (!tasks.TryGetValue(full, out var list)) tasks[full] = list = [];
            list.Add(new RakeTask(full, prereqs.Select(p => p.Contains(':') || namespaces.Count == 0 ? p : string.Join(':', namespaces.Select(s => s.Name).Append(p))).ToList(), Rewrite(body), file));
        }
    }

    /// <summary>rake's <c>sh</c> helper is <c>system</c> for the Ruby analyser.</summary>
    private static string Rewrite(string body) =>
        string.Join('\n', body.Split('\n').Select(l =>
        {
            var t = l.TrimStart();
            return t.StartsWith("sh ") || t.StartsWith("sh(") || t.StartsWith("sh %") ? l[..(l.Length - t.Length)] + "system" + t[2..] : l;
        }));

    /// <summary><c>:name</c>, <c>name: [:a]</c>, <c>:name =&gt; [:a, :b]</c>, <c>"name" =&gt; :a</c>, <c>:name, [:arg] =&gt; :dep</c>.</summary>
    private static (string?, List<string>) Head(string head)
    {
        string? name;
        string deps = "";
        if (head.Contains("=>"))
        {
            var at = head.IndexOf("=>", StringComparison.Ordinal);
            var left = head[..at].Trim();
            if (left.Contains(',')) left = left[..left.IndexOf(',')];
            name = Symbol(left);
            deps = head[(at + 2)..].Trim();
        }
        else if (head.Length > 0 && (char.IsAsciiLetter(head[0]) || head[0] == '_') && head.IndexOf(':') is var c and > 0 && (c + 1 == head.Length || head[c + 1] == ' '))
        {
            name = head[..c];
            deps = head[(c + 1)..].Trim();
        }
        else name = Symbol(head.Split(',')[0].Trim());
        var prereqs = deps.Trim('[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Symbol).OfType<string>().ToList();
        return (name, prereqs);
    }

    private static string? Symbol(string s)
    {
        s = s.Trim();
        if (s.StartsWith(':') && s.Length > 1) return s[1..].Trim('"', '\'');
        return Literal(s);
    }

    private static string? Literal(string s) =>
        s.Length >= 2 && s[0] is '"' or '\'' && s[^1] == s[0] && s.IndexOf(s[0], 1) == s.Length - 1 && !s.Contains("#{") ? s[1..^1] : null;
}
