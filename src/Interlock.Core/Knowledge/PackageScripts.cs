using System.Text.Json;

namespace Interlock.Core.Knowledge;

/// <summary>
/// npm, yarn, pnpm and bun run the <c>scripts</c> of the nearest package.json (searched upwards from the working
/// directory) through the shell: <c>npm run x</c> runs <c>prex</c>, <c>x</c>, <c>postx</c> (with the arguments after
/// <c>--</c>); <c>npm test</c>/<c>start</c>/<c>stop</c>/<c>restart</c> the same for those names; <c>yarn x</c>,
/// <c>pnpm x</c> and <c>bun x</c> run a script when x is not one of their own commands; installing runs the project's
/// lifecycle scripts (preinstall, install, postinstall, prepublish, preprepare, prepare, postprepare), publishing and
/// packing theirs. Each script is analysed as shell code in the package's directory. A missing script runs nothing (the
/// tool stops), <c>--ignore-scripts</c> skips lifecycle scripts; a package.json that exists but cannot be read or
/// parsed, and workspace/recursive runs over other packages, are indeterminate. npx, <c>npm exec</c>, <c>pnpm dlx</c>
/// and <c>yarn dlx</c> run packages, not scripts, and are left to the shell analysis.
/// </summary>
public sealed class PackageScripts : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["npm", "yarn", "pnpm", "bun"];

    private static readonly string[] InstallLifecycle = ["preinstall", "install", "postinstall", "prepublish", "preprepare", "prepare", "postprepare"];
    private static readonly string[] PackLifecycle = ["prepack", "prepare", "postpack"];
    private static readonly string[] PublishLifecycle = ["prepublishOnly", "prepack", "prepare", "postpack", "publish", "postpublish"];

    private static readonly HashSet<string> Valued =
        ["--prefix", "-C", "--dir", "--cwd", "-w", "--workspace", "--filter", "-F", "--registry", "--loglevel", "--cache", "--userconfig", "--tag", "--otp", "--access", "--scope", "--reporter"];

    /// <summary>Commands of each tool that are not scripts (a script of the same name runs only through <c>run</c>).</summary>
    private static readonly HashSet<string> YarnCommands =
    [
        "add", "install", "remove", "upgrade", "up", "init", "info", "list", "why", "config", "cache", "global", "link", "unlink", "pack", "publish",
        "version", "workspace", "workspaces", "dlx", "exec", "bin", "create", "import", "audit", "outdated", "login", "logout", "owner", "tag", "team",
        "licenses", "generate-lock-entry", "check", "autoclean", "help", "node", "npm", "plugin", "set", "constraints", "rebuild", "dedupe", "explain",
        "patch", "patch-commit", "search", "stage", "unplug", "run", "upgrade-interactive", "policies", "env", "unpublish", "deprecate", "view", "whoami",
        "dist-tag", "access", "prune",
    ];
    private static readonly HashSet<string> PnpmCommands =
    [
        "add", "install", "i", "update", "up", "upgrade", "remove", "rm", "uninstall", "un", "link", "ln", "unlink", "import", "rebuild", "rb", "prune",
        "fetch", "install-test", "it", "patch", "patch-commit", "audit", "list", "ls", "ll", "la", "outdated", "why", "licenses", "exec", "dlx", "create",
        "run", "run-script", "store", "root", "bin", "setup", "init", "deploy", "doctor", "env", "config", "c", "get", "set", "publish", "pack", "server",
        "help", "dedupe", "approve-builds", "catalog", "self-update", "cache", "ci", "clean-install", "test", "t", "tst", "start", "stop", "restart", "node",
        "unpublish", "deprecate", "view", "info", "whoami", "dist-tag", "login", "logout", "owner", "search", "version",
    ];
    private static readonly HashSet<string> BunCommands =
    [
        "run", "test", "x", "repl", "exec", "install", "i", "add", "a", "remove", "rm", "update", "outdated", "link", "unlink", "pm", "build", "init",
        "create", "c", "upgrade", "publish", "patch", "patch-commit", "audit", "info", "why", "help", "completions", "discord", "getcompletes",
    ];
    private static readonly HashSet<string> NpmInstall =
        ["install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall", "add", "ci", "clean-install", "ic", "install-clean", "isntall-clean", "install-test", "it", "install-ci-test", "cit"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var tool = inv.Name!;
        var args = inv.Args;
        if (args.Any(a => a.Known && a.Text is "--help" or "-h" or "--version" or "-v")) return;
        var dir = TaskRunners.StartDirectory(inv);
        var words = new List<Arg>();
        var passthrough = new List<Arg>();
        var ignoreScripts = false;
        var global = false;
        string? across = null;
        var dashDash = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            // npm reads options after the script's name as its own until `--`; the others pass everything on.
            if (ScriptNamed(tool, words) && !(tool == "npm" && !dashDash && t.StartsWith('-') && t != "--"))
            {
                // Everything after the script's name is appended to it (a first `--` only separates).
                if (t == "--" && !dashDash) dashDash = true;
                else passthrough.Add(a);
                continue;
            }
            if (t == "--") { passthrough.AddRange(args.Skip(i + 1)); break; }
            if (t is "--ignore-scripts" or "--ignore-scripts=true") { ignoreScripts = true; continue; }
            if (t is "-g" or "--global" or "--location=global") { global = true; continue; }
            if (t is "--workspaces" or "-ws" or "-r" or "--recursive" or "--workspaces=true" || t.StartsWith("--filter=") || t.StartsWith("--workspace=")) { across = t; continue; }
            if (Valued.Contains(t) && i + 1 < args.Count)
            {
                var v = args[++i];
                if (t is "--prefix" or "-C" or "--dir" or "--cwd") dir = v.Known && dir is not null ? TaskRunners.Directory(dir, v.Text) : null;
                else if (t is "-w" or "--workspace" or "--filter" or "-F") across = $"{t} {v.Text}";
                continue;
            }
            if (t.StartsWith("--prefix=") || t.StartsWith("--cwd=") || t.StartsWith("--dir="))
            {
                dir = a.Known && dir is not null ? TaskRunners.Directory(dir, t[(t.IndexOf('=') + 1)..]) : null;
                continue;
            }
            if (t.StartsWith('-') && a.Known) continue;
            words.Add(a);
        }
        if (global) return;
        var sub = words.Count > 0 ? words[0] : null;
        if (sub is { Known: false }) return; // a command computed at run time: the shell analysis reports unknown commands
        var name = sub?.Text;
        var operand = words.Count > 1 ? words[1] : null;

        // What the invocation runs: (script names in order, the main script that must exist, extra arguments).
        List<string> scripts;
        string? main = null;
        var what = "";
        switch (tool, name)
        {
            case (_, "run" or "run-script" or "rum" or "urn"):
                if (operand is null) return; // lists the scripts
                if (!operand.Known) { TaskRunners.Unknown(inv, $"`{tool} run` runs a script whose name is computed at run time", effects); return; }
                main = operand.Text;
                if (tool == "bun" && (main.Contains('/') || main.Contains('.'))) { main = LooksLikeScriptName(main) ? main : null; if (main is null) return; }
                scripts = ignoreScripts ? [main] : ["pre" + main, main, "post" + main];
                break;
            case ("npm" or "pnpm" or "yarn", "test" or "t" or "tst" or "start" or "stop" or "restart"):
            {
                var s = name is "t" or "tst" ? "test" : name;
                main = s;
                scripts = s == "restart" ? ["prerestart", "restart", "postrestart"] : ["pre" + s, s, "post" + s];
                if (ignoreScripts) scripts = [s];
                break;
            }
            case ("npm", var n) when n is not null && NpmInstall.Contains(n):
                scripts = ignoreScripts ? [] : [.. InstallLifecycle, .. n is "install-test" or "it" or "install-ci-test" or "cit" ? new[] { "pretest", "test", "posttest" } : []];
                what = "lifecycle scripts";
                break;
            case ("yarn", null or "install" or "add"):
            case ("pnpm", "install" or "i" or "add" or "ci" or "clean-install" or "install-test" or "it"):
            case ("bun", "install" or "i" or "add" or "a"):
                scripts = ignoreScripts ? [] : [.. InstallLifecycle, .. name is "install-test" or "it" ? new[] { "pretest", "test", "posttest" } : []];
                what = "lifecycle scripts";
                break;
            case (_, "pack"):
                scripts = ignoreScripts ? [] : [.. PackLifecycle];
                what = "lifecycle scripts";
                break;
            case (_, "publish"):
                if (args.Any(a => a.Text is "--dry-run")) return;
                scripts = ignoreScripts ? [] : [.. PublishLifecycle];
                what = "lifecycle scripts";
                break;
            case ("npm", "version"):
                scripts = ignoreScripts ? [] : ["preversion", "version", "postversion"];
                what = "lifecycle scripts";
                break;
            case ("yarn", var n) when n is not null && !YarnCommands.Contains(n):
            case ("pnpm", var n2) when n2 is not null && !PnpmCommands.Contains(n2):
            case ("bun", var n3) when n3 is not null && !BunCommands.Contains(n3) && LooksLikeScriptName(n3):
                // `yarn build`: a script when package.json has one (else a binary of a dependency, left alone).
                main = name!;
                scripts = ignoreScripts ? [main] : ["pre" + main, main, "post" + main];
                break;
            default:
                return;
        }
        if (scripts.Count == 0 || dir is null) return;

        var file = TaskRunners.Find(ctx, dir, upwards: true, "package.json");
        if (file is null) return; // no project: the tool stops, or installs into an empty directory
        var how = string.Join(' ', new[] { tool }.Concat(args.Select(a => a.Text)));
        if (across is not null)
        {
            TaskRunners.Unknown(inv, $"`{how}` runs scripts in other packages of the workspace ({across}), which are not read", effects);
            return;
        }
        var defined = Scripts(ctx, file);
        if (defined is null)
        {
            TaskRunners.Unknown(inv, $"`{how}` runs scripts from {TaskRunners.Display(inv, file)}, which cannot be read or parsed", effects);
            return;
        }
        if (main is not null && !defined.ContainsKey(main))
        {
            // npm start without a start script runs `node server.js` (project code); any other missing script is an error.
            return;
        }
        var packageDir = TaskRunners.DirectoryOf(file);
        var extra = TaskRunners.Quote(passthrough);
        foreach (var s in scripts)
        {
            if (!defined.TryGetValue(s, out var code)) continue;
            var label = s == main ? $"the script `{s}`" : what.Length > 0 ? $"the {s} lifecycle script" : $"the script `{s}` (before/after `{main}`)";
            TaskRunners.Line(ctx, inv, how, $"{label} (scripts.{s})", file, s == main ? code + extra : code, packageDir, effects);
        }
    }

    private static bool ScriptNamed(string tool, List<Arg> words) =>
        words.Count >= 2 && words[0].Text is "run" or "run-script" or "rum" or "urn"
        || words.Count >= 1 && tool switch
        {
            "yarn" => !YarnCommands.Contains(words[0].Text),
            "pnpm" => !PnpmCommands.Contains(words[0].Text),
            "bun" => !BunCommands.Contains(words[0].Text) && LooksLikeScriptName(words[0].Text),
            _ => false,
        } && words[0].Text is not ("test" or "start" or "stop" or "restart");

    private static bool LooksLikeScriptName(string n) => n.Length > 0 && !n.EndsWith(".js") && !n.EndsWith(".ts") && !n.EndsWith(".mjs") && !n.EndsWith(".cjs")
        && !n.EndsWith(".tsx") && !n.EndsWith(".jsx") && !n.StartsWith("./") && !n.StartsWith('/');

    /// <summary>The string entries of package.json's <c>scripts</c>; null when the file cannot be read or is not JSON.</summary>
    private static Dictionary<string, string>? Scripts(KnowledgeContext ctx, string file)
    {
        var text = TaskRunners.Read(ctx, file);
        if (text is null) return null;
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return null;
            if (doc.RootElement.TryGetProperty("scripts", out var scripts) && scripts.ValueKind == JsonValueKind.Object)
                foreach (var p in scripts.EnumerateObject())
                    if (p.Value.ValueKind == JsonValueKind.String) result[p.Name] = p.Value.GetString()!;
            return result;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
