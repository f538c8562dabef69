using System.Text.Json;

namespace Interlock.Core.Knowledge;

/// <summary>
/// composer runs the <c>scripts</c> of composer.json (in the working directory or <c>-d</c>): <c>composer run-script x</c>,
/// <c>composer run x</c> and <c>composer x</c> for a custom script; <c>install</c>, <c>update</c>, <c>require</c>,
/// <c>remove</c> and <c>dump-autoload</c> their event scripts (pre/post-install-cmd, pre/post-update-cmd,
/// pre/post-autoload-dump...). A script is a string or a list; <c>@other</c> runs another script, <c>@php</c> and
/// <c>@composer</c> run php and composer, <c>Class::method</c> is a PHP callback of the project (project code, not analysed);
/// the rest is analysed as shell code in the project directory. <c>--no-scripts</c> skips event scripts.
/// </summary>
public sealed class Composer : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["composer", "composer.phar"];

    private static readonly HashSet<string> Commands =
    [
        "about", "archive", "audit", "browse", "home", "bump", "check-platform-reqs", "clear-cache", "clearcache", "cc", "config", "create-project", "depends",
        "why", "diagnose", "dump-autoload", "dumpautoload", "exec", "fund", "global", "help", "init", "install", "i", "licenses", "list", "outdated",
        "prohibits", "why-not", "reinstall", "remove", "rm", "uninstall", "require", "r", "run-script", "run", "search", "self-update", "selfupdate",
        "show", "info", "status", "suggests", "update", "u", "upgrade", "validate",
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Any(a => a.Known && a.Text is "--help" or "-h" or "--version" or "-V" or "--list" or "--dry-run")) return;
        var dir = TaskRunners.StartDirectory(inv);
        var words = new List<Arg>();
        var noScripts = false;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (words.Count > 0 && words[0].Text is "run-script" or "run" && words.Count >= 2 || words.Count == 1 && !Commands.Contains(words[0].Text)) { words.Add(args[i]); continue; }
            if (t is "-d" or "--working-dir" && i + 1 < args.Count) { var d = args[++i]; dir = d.Known && dir is not null ? TaskRunners.Directory(dir, d.Text) : null; continue; }
            if (t.StartsWith("--working-dir=")) { dir = args[i].Known && dir is not null ? TaskRunners.Directory(dir, t[14..]) : null; continue; }
            if (t == "--no-scripts") { noScripts = true; continue; }
            if (t.StartsWith('-') && args[i].Known) continue;
            words.Add(args[i]);
        }
        if (dir is null || words.Count == 0 || !words[0].Known) return;
        var sub = words[0].Text;
        List<string> run;
        string? main = null;
        switch (sub)
        {
            case "run-script" or "run":
                if (words.Count < 2) return; // lists the scripts
                if (!words[1].Known) { TaskRunners.Unknown(inv, "`composer run-script` runs a script named at run time", effects); return; }
                main = words[1].Text;
                run = [main];
                break;
            case "install" or "i" or "reinstall":
                run = noScripts ? [] : ["pre-install-cmd", "pre-autoload-dump", "post-autoload-dump", "post-install-cmd"];
                break;
            case "update" or "u" or "upgrade" or "require" or "r" or "remove" or "rm" or "uninstall":
                run = noScripts ? [] : ["pre-update-cmd", "pre-autoload-dump", "post-autoload-dump", "post-update-cmd"];
                break;
            case "dump-autoload" or "dumpautoload":
                run = noScripts ? [] : ["pre-autoload-dump", "post-autoload-dump"];
                break;
            case "create-project":
                return; // the new project's scripts are the package's code
            default:
                if (Commands.Contains(sub)) return;
                main = sub;
                run = [main];
                break;
        }
        var file = TaskRunners.Find(ctx, dir, upwards: false, "composer.json");
        if (file is null || run.Count == 0) return;
        var how = string.Join(' ', new[] { inv.Name! }.Concat(args.Select(a => a.Text)));
        var scripts = Scripts(ctx, file);
        if (scripts is null) { TaskRunners.Unknown(inv, $"`{how}` runs scripts from {TaskRunners.Display(inv, file)}, which cannot be read or parsed", effects); return; }
        if (main is not null && !scripts.ContainsKey(main)) return;
        var root = TaskRunners.DirectoryOf(file);
        var extra = main is null ? "" : TaskRunners.Quote(words.Skip(sub is "run-script" or "run" ? 2 : 1).Where(w => w.Text != "--"));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Run(string name, string append, int depth)
        {
            if (depth > 16 || !seen.Add(name) || !scripts.TryGetValue(name, out var lines)) return;
            foreach (var raw in lines)
            {
                var line = raw.Trim();
                if (line.StartsWith('@'))
                {
                    var word = line.Split(' ', 2)[0][1..];
                    var rest = line.Length > word.Length + 1 ? line[(word.Length + 2)..] : "";
                    if (word == "php") line = "php " + rest;
                    else if (word == "composer") line = "composer " + rest;
                    else if (word == "putenv") continue;
                    else { Run(word, rest.Length > 0 ? " " + rest : "", depth + 1); continue; }
                }
                else if (!line.Contains(' ') && line.Contains("::")) continue; // a PHP callback of the project
                TaskRunners.Line(ctx, inv, how, $"the composer script `{name}`", file, line + append, root, effects);
            }
        }
        foreach (var s in run) Run(s, s == main ? extra : "", 0);
    }

    private static Dictionary<string, List<string>>? Scripts(KnowledgeContext ctx, string file)
    {
        var text = TaskRunners.Read(ctx, file);
        if (text is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            if (doc.RootElement.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object)
                foreach (var p in scripts.EnumerateObject())
                    result[p.Name] = p.Value.ValueKind switch
                    {
                        JsonValueKind.String => [p.Value.GetString()!],
                        JsonValueKind.Array => p.Value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToList(),
                        _ => [],
                    };
            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
