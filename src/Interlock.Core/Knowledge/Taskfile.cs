using System.Text;
using Interlock.Core.Analysis;
using Interlock.Core.Environments;

namespace Interlock.Core.Knowledge;

/// <summary>
/// task (go-task) runs tasks of the nearest Taskfile.yml (Taskfile.yaml, taskfile.yml, Taskfile.dist.yml; searched
/// upwards, or <c>-t</c>): the tasks named (or <c>default</c>), after their <c>deps</c>, with their <c>cmds</c> (strings,
/// <c>cmd:</c> entries, <c>task:</c> calls of other tasks, <c>defer:</c>) analysed as shell code in the Taskfile's
/// directory (or the task's <c>dir</c>). <c>{{.VAR}}</c> is replaced by string <c>vars</c>, <c>VAR=value</c> arguments and
/// <c>{{.CLI_ARGS}}</c> by the arguments after <c>--</c>; other templates, <c>sh:</c> variables and tasks from
/// <c>includes</c> are indeterminate. A missing task runs nothing.
/// </summary>
public sealed class Taskfile : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["task", "go-task"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Any(a => a.Known && a.Text is "--help" or "-h" or "--version" or "--list" or "-l" or "--list-all" or "-a" or "--dry" or "-n" or "--summary" or "--init" or "-i" or "--completion")) return;
        var dir = TaskRunners.StartDirectory(inv);
        string? file = null;
        var names = new List<Arg>();
        var vars = new Dictionary<string, string?>(StringComparer.Ordinal);
        var cliArgs = "";
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") { cliArgs = TaskRunners.Quote(args.Skip(i + 1)).TrimStart(); vars["CLI_ARGS"] = args.Skip(i + 1).All(a => a.Known) ? cliArgs : null; break; }
            if (t is "-t" or "--taskfile" && i + 1 < args.Count) { file = args[++i].Known ? args[i].Text : "\0"; continue; }
            if (t is "-d" or "--dir" && i + 1 < args.Count) { var d = args[++i]; dir = d.Known && dir is not null ? TaskRunners.Directory(dir, d.Text) : null; continue; }
            if (t.StartsWith('-') && args[i].Known) continue;
            if (args[i].Known && t.IndexOf('=') is var eq and > 0) { vars[t[..eq]] = t[(eq + 1)..]; continue; }
            names.Add(args[i]);
        }
        vars.TryAdd("CLI_ARGS", "");
        if (dir is null || file == "\0") return;
        var path = file is not null ? PathResolver.Combine(dir, file)! : TaskRunners.Find(ctx, dir, upwards: true, "Taskfile.yml", "taskfile.yml", "Taskfile.yaml", "taskfile.yaml", "Taskfile.dist.yml", "taskfile.dist.yml", "Taskfile.dist.yaml", "taskfile.dist.yaml");
        if (path is null || ctx.World.GetPathKind(path) != PathKind.File) return;
        var how = string.Join(' ', new[] { inv.Name! }.Concat(args.Select(a => a.Text)));
        var text = TaskRunners.Read(ctx, path);
        var doc = text is null ? null : MiniYaml.ParseMapping(text);
        if (doc is null) { TaskRunners.Unknown(inv, $"`{how}` runs tasks from {TaskRunners.Display(inv, path)}, which cannot be read or parsed", effects); return; }
        if (doc.GetValueOrDefault("tasks") is not Dictionary<string, object?> tasks) return;
        if (doc.GetValueOrDefault("vars") is Dictionary<string, object?> top)
            foreach (var (k, v) in top) vars.TryAdd(k, v as string);
        var root = TaskRunners.DirectoryOf(path);
        var ran = new HashSet<string>(StringComparer.Ordinal);
        var lines = 0;

        void Run(string name, Dictionary<string, string?> scope, int depth)
        {
            if (depth > 32 || !ran.Add(name)) return;
            if (!tasks.TryGetValue(name, out var node))
            {
                if (name.Contains(':') && doc.ContainsKey("includes"))
                    TaskRunners.Unknown(inv, $"`{how}` runs the task `{name}` from a Taskfile included by {TaskRunners.Display(inv, path)}, which is not read", effects);
                return; // task stops: no such task
            }
            var local = new Dictionary<string, string?>(scope, StringComparer.Ordinal);
            var taskDir = root;
            var cmds = node switch
            {
                string s => [s],
                List<object?> l => l,
                Dictionary<string, object?> m => Commands(m),
                _ => [],
            };
            if (node is Dictionary<string, object?> map)
            {
                if (map.GetValueOrDefault("vars") is Dictionary<string, object?> tv) foreach (var (k, v) in tv) local[k] = v as string;
                if (map.GetValueOrDefault("dir") is string d) { var e = Expand(d, local); taskDir = e is null ? root : PathResolver.Combine(root, e)!; }
                foreach (var dep in Items(map.GetValueOrDefault("deps")))
                {
                    if (dep is string ds) Run(ds, local, depth + 1);
                    else if (dep is Dictionary<string, object?> dm && dm.GetValueOrDefault("task") is string dt) Run(dt, WithVars(local, dm), depth + 1);
                    else TaskRunners.Unknown(inv, $"`{how}` runs a dependency of `{name}` that cannot be read", effects);
                }
            }
            foreach (var c in cmds)
            {
                if (++lines > TaskRunners.MaxLines) { TaskRunners.Unknown(inv, $"`{how}` runs more than {TaskRunners.MaxLines} commands", effects); return; }
                string? code = null;
                switch (c)
                {
                    case string s: code = s; break;
                    case Dictionary<string, object?> m when m.GetValueOrDefault("task") is string t: Run(t, WithVars(local, m), depth + 1); continue;
                    case Dictionary<string, object?> m when m.GetValueOrDefault("cmd") is string s: code = s; break;
                    case Dictionary<string, object?> m when m.GetValueOrDefault("defer") is string s: code = s; break;
                    case Dictionary<string, object?> m when m.GetValueOrDefault("defer") is Dictionary<string, object?> dm && dm.GetValueOrDefault("task") is string t: Run(t, WithVars(local, dm), depth + 1); continue;
                }
                var expanded = code is null ? null : Expand(code, local);
                if (expanded is null) TaskRunners.Unknown(inv, $"`{how}` runs the task `{name}` in {TaskRunners.Display(inv, path)}, a command that cannot be worked out: {code ?? "(not a string)"}", effects);
                else TaskRunners.Line(ctx, inv, how, $"the task `{name}`", path, expanded, taskDir, effects);
            }
        }

        if (names.Count == 0) { Run("default", vars, 0); return; }
        foreach (var n in names)
        {
            if (!n.Known) { TaskRunners.Unknown(inv, $"`{how}` runs a task named at run time", effects); return; }
            Run(n.Text, vars, 0);
        }
    }

    private static List<object?> Commands(Dictionary<string, object?> task) =>
        task.GetValueOrDefault("cmd") is string one ? [one] : Items(task.GetValueOrDefault("cmds"));

    /// <summary>A sequence, also written in flow style (<c>[a, b]</c>, which MiniYaml reads as its text).</summary>
    private static List<object?> Items(object? node) => node switch
    {
        List<object?> l => l,
        string s when s.StartsWith('[') && s.EndsWith(']') => s[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(x => (object?)x.Trim('"', '\'')).ToList(),
        string s => [s],
        _ => [],
    };

    private static Dictionary<string, string?> WithVars(Dictionary<string, string?> scope, Dictionary<string, object?> call)
    {
        var result = new Dictionary<string, string?>(scope, StringComparer.Ordinal);
        if (call.GetValueOrDefault("vars") is Dictionary<string, object?> v) foreach (var (k, x) in v) result[k] = x as string;
        return result;
    }

    /// <summary>Replaces <c>{{.NAME}}</c> with a known value; null for any other template or an unknown value.</summary>
    private static string? Expand(string text, Dictionary<string, string?> scope)
    {
        var sb = new StringBuilder();
        for (var k = 0; k < text.Length; k++)
        {
            if (!text.AsSpan(k).StartsWith("{{")) { sb.Append(text[k]); continue; }
            var close = text.IndexOf("}}", k + 2, StringComparison.Ordinal);
            if (close < 0) return null;
            var expr = text[(k + 2)..close].Trim();
            if (!expr.StartsWith('.') || !scope.TryGetValue(expr[1..], out var v) || v is null || v.Contains("{{")) return null;
            sb.Append(v);
            k = close + 1;
        }
        return sb.ToString();
    }
}
