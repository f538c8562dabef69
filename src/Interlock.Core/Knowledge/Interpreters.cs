using Interlock.Core.Analysis;
using Interlock.Core.Interpreters;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Interpreter one-liners and scripts on standard input (<c>python3 -c</c>, <c>node -e</c>, <c>perl -e</c>,
/// <c>ruby -e</c>, <c>php -r</c>, <c>deno eval</c>, <c>python3 - &lt;&lt;EOF</c>). A small lexer per language finds
/// the calls that delete, write or run shell commands (<see cref="ScriptAnalyzer"/>); deletions are judged like
/// <c>rm</c>, shell strings go back through the shell analysis, and code built at run time asks.
/// </summary>
public sealed class Interpreters : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } =
    [
        "python", "python2", "python3", "pypy", "pypy3", "python3.8", "python3.9", "python3.10", "python3.11", "python3.12", "python3.13", "python3.14",
        "node", "nodejs", "deno", "bun", "perl", "ruby", "php",
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (inv.Name == "perl") Sed.PerlInPlace(inv, ctx, effects);
        var language = ScriptAnalyzer.LanguageOf(inv.Name!);
        if (language is null) return;
        var (code, source) = CodeOf(inv, language.Value);
        if (source is null && ScriptFileOf(inv, language.Value) is { } script && ReadScript(inv, ctx, script) is { } scriptText)
            (code, source) = (scriptText, $"the script {script}");
        if (source is null) return; // a module, an unreadable script or an interactive interpreter: not analysed here
        if (code is null)
        {
            effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                $"`{inv.Name}` runs code from {source}, which cannot be known in advance", inv));
            return;
        }
        var context = inv.Context with { Via = [.. inv.Context.Via, source.StartsWith("the script ", StringComparison.Ordinal) ? $"{inv.Name} {source["the script ".Length..]}" : $"{inv.Name} code"] };
        foreach (var f in ScriptAnalyzer.Analyze(code, language.Value))
        {
            var arg = f.Argument is null ? new Arg($"<value computed by {f.Api}>", false, false) : Arg.Literal(f.Argument);
            switch (f.Kind)
            {
                case ScriptFindingKind.DeletePath:
                    ctx.AddPathEffects(effects, EffectKind.DeletePath, arg, f.Recursive, inv,
                        t => $"`{f.Api}` deletes {(t.Class == PathClass.Unknown ? "a path computed at run time" : t.Path)}{(f.Recursive && !t.IsFile ? " and everything in it" : "")}");
                    break;
                case ScriptFindingKind.WriteFile:
                    ctx.AddPathEffects(effects, EffectKind.OverwriteFile, arg, false, inv,
                        t => $"`{f.Api}` overwrites {(t.Class == PathClass.Unknown ? "a file named at run time" : t.Path)}");
                    break;
                case ScriptFindingKind.EmptyFile:
                    ctx.AddPathEffects(effects, EffectKind.EmptyFile, arg, false, inv,
                        t => $"`{f.Api}` empties {(t.Class == PathClass.Unknown ? "a file named at run time" : t.Path)}");
                    break;
                case ScriptFindingKind.MovePath or ScriptFindingKind.CopyPath:
                    MoveOrCopy(f, inv, ctx, context, effects);
                    break;
                case ScriptFindingKind.ReadFile:
                    ReadFile(f, inv, ctx, effects);
                    break;
                case ScriptFindingKind.ShellCommand when f.Argument is not null:
                    effects.AddRange(ctx.AnalyzeShellCode(f.Argument, context, inv));
                    break;
                default:
                    effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                        $"`{inv.Name}` {f.Description}", inv));
                    break;
            }
        }
    }

    /// <summary>A move or copy in code is judged as the same `mv`/`cp` in the shell (a source tree moved out of the
    /// project, a protected file or an existing file replaced); a side that is not a literal is unknown.</summary>
    private static void MoveOrCopy(ScriptFinding f, Invocation inv, KnowledgeContext ctx, ExecContext context, List<Effect> effects)
    {
        var move = f.Kind == ScriptFindingKind.MovePath;
        if (f.Argument is null || f.Destination is null)
        {
            if (move && f.Argument is null)
                effects.Add(new Effect(EffectKind.MovePath, $"<value computed by {f.Api}>", PathClass.Unknown, true, true, $"`{f.Api}` moves a path computed at run time", inv));
            var dest = f.Destination is null ? new Arg($"<value computed by {f.Api}>", false, false) : Arg.Literal(f.Destination);
            ctx.AddPathEffects(effects, EffectKind.OverwriteFile, dest, false, inv,
                t => $"`{f.Api}` writes {(t.Class == PathClass.Unknown ? "a path computed at run time" : t.Path)}");
            return;
        }
        // A tree copy (shutil.copytree, fs.cpSync recursive) makes the destination a copy of the source: `cp -rT`.
        var command = $"{(move ? "mv" : f.Recursive ? "cp -rT" : "cp")} -- {ShellAnalyzer.Quote(f.Argument)} {ShellAnalyzer.Quote(f.Destination)}";
        effects.AddRange(ctx.AnalyzeShellCode(command, context with { Via = [.. context.Via, f.Api] }, inv));
    }

    /// <summary>A file the code reads: a secret file (.env, keys, credentials) is read like `cat` would read it.</summary>
    private static void ReadFile(ScriptFinding f, Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (f.Argument is null) return;
        foreach (var target in ctx.Paths.Resolve(Arg.Literal(f.Argument), inv.Context))
        {
            if (!target.Path.StartsWith('/')) continue;
            if (SecretFiles.Describe(target.Path, inv.Context.Home, ctx.World, ctx.Options.FileEditMaxBytes) is not { } secret) continue;
            effects.Add(new Effect(EffectKind.ReadSecret, target.Path, target.Class, false, true,
                $"`{f.Api}` in `{inv.Name}` code reads {target.Path}, which holds {secret}", inv));
        }
    }

    /// <summary>The script file the interpreter runs (<c>python3 x.py args</c>): the first operand when there is no
    /// inline code, module or standard-input program.</summary>
    private static string? ScriptFileOf(Invocation inv, ScriptLanguage language)
    {
        foreach (var a in inv.Args)
        {
            var t = a.Text;
            if (t == "-" || (t == "-m" && language == ScriptLanguage.Python)) return null;
            if (t.StartsWith('-')) continue;
            return a.Known && !a.Glob ? t : null;
        }
        return null;
    }

    /// <summary>The script's text through the world view, at most the parser's length limit; null when it cannot be
    /// read (missing, too large, on a remote host, several possible working directories).</summary>
    private static string? ReadScript(Invocation inv, KnowledgeContext ctx, string script)
    {
        if (inv.Context.RemoteHost is not null || inv.Context.Cwds.Count != 1) return null;
        var absolute = PathResolver.Combine(inv.Context.Cwds[0], script);
        return absolute is null ? null : ctx.World.ReadTextFile(absolute, ctx.Options.ParseLimits.MaxLength);
    }

    /// <summary>The inline code and where it came from; (null, null) when the interpreter runs a file or module.</summary>
    private static (string? Code, string? Source) CodeOf(Invocation inv, ScriptLanguage language)
    {
        var args = inv.Args;
        string[] codeOptions = language switch
        {
            ScriptLanguage.Python => ["-c"],
            ScriptLanguage.JavaScript => ["-e", "--eval", "-p", "--print", "eval"],
            ScriptLanguage.Perl => ["-e", "-E"],
            ScriptLanguage.Ruby => ["-e"],
            _ => ["-r"],
        };
        var codeParts = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (Array.IndexOf(codeOptions, t) >= 0)
            {
                if (i + 1 >= args.Count) return (null, null);
                if (!args[i + 1].Known) return (null, "a value computed at run time");
                codeParts.Add(args[++i].Text);
                if (language is ScriptLanguage.Python or ScriptLanguage.JavaScript or ScriptLanguage.Php) break; // the rest are the script's arguments
                continue;
            }
            // python -Bc 'code' and perl -we 'code': the code option at the end of a flag bundle.
            if (t.Length is > 2 and <= 5 && t[0] == '-' && t.Skip(1).All(char.IsAsciiLetter) && codeOptions.Any(o => o.Length == 2 && t.EndsWith(o[1])) && i + 1 < args.Count)
            {
                if (!args[i + 1].Known) return (null, "a value computed at run time");
                codeParts.Add(args[++i].Text);
                continue;
            }
            if (t is "-m" && language == ScriptLanguage.Python) return (null, null);
            if (t.StartsWith('-') && t != "-") continue;
            if (codeParts.Count > 0) break;
            if (t == "-") break; // `python3 -`: read the program from standard input
            return (null, null);  // a script file
        }
        if (codeParts.Count > 0) return (string.Join('\n', codeParts), "inline code");
        if (inv.Stdin is { } text) return (text, "standard input");
        if (inv.StdinFromUnknown is { } producer) return (null, producer);
        return (null, null); // interactive
    }
}
