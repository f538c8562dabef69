using System.Text.RegularExpressions;
using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Editors run commands given on their command line. vim/vi/nvim/view/ex: <c>-c CMD</c>, <c>--cmd CMD</c> and
/// <c>+CMD</c> are Ex commands: <c>:!cmd</c>, <c>:r !cmd</c>, <c>:w !cmd</c> and range filters (<c>:%!cmd</c>) run shell
/// code (analysed); <c>:w FILE</c>/<c>:saveas FILE</c> overwrite the file; <c>system()</c>, <c>lua</c>, <c>python</c>,
/// <c>perl</c>, <c>ruby</c>, <c>terminal</c>, <c>execute</c> and sourced scripts (<c>-S</c>, <c>:source</c>) are
/// indeterminate. <c>+N</c> and <c>+/pattern</c> only move the cursor. emacs: <c>--eval</c> and <c>-l</c> code that
/// runs processes or deletes/writes files is indeterminate.
/// </summary>
public sealed partial class Editors : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["vim", "vi", "nvim", "view", "ex", "vimdiff", "gvim", "nvi", "emacs"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (inv.Name == "emacs") { Emacs(inv, effects); return; }
        var args = inv.Args;
        var commands = new List<string>();
        var files = new List<Arg>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") { files.AddRange(args.Skip(i + 1)); break; }
            if (!t.StartsWith('-') && !t.StartsWith('+')) { files.Add(args[i]); continue; }
            if (t is "-u" or "-U" or "-i" or "-T" or "-r" or "-w" or "-W" or "-s" or "-t" or "-q" or "--startuptime" or "--listen" or "--servername" && i + 1 < args.Count) { i++; continue; }
            string? cmd = null;
            if (t is "-c" or "--cmd") cmd = i + 1 < args.Count ? args[++i].Text : null;
            else if (t.StartsWith('+') && t.Length > 1) cmd = t[1..];
            else if (t == "-S" || (t.StartsWith("-S") && t.Length > 2))
            {
                EmbeddedCode.Indeterminate(inv, $"`{inv.Name} -S` sources a script whose commands cannot be analysed", effects);
                if (t == "-S" && i + 1 < args.Count && !args[i + 1].Text.StartsWith('-')) i++;
                continue;
            }
            if (cmd is null) continue;
            foreach (var part in cmd.Split('|'))
            {
                commands.Add(part);
                ExCommand(part, inv, ctx, effects);
            }
        }
        if (EmptiesBuffer(commands))
            foreach (var f in files)
                ctx.AddPathEffects(effects, EffectKind.EmptyFile, f, false, inv,
                    t => $"`{inv.Name}` deletes every line of {t.Path} and writes it back (`{string.Join(" | ", commands.Select(c => c.Trim()))}`), emptying it; its contents are gone unless committed");
    }

    [GeneratedRegex(@"^(?:d|de|del|dele|delet|delete)!?(?:\s.*)?$")]
    private static partial Regex DeleteLines();

    [GeneratedRegex(@"^(?:g|gl|glo|glob|globa|global)!?/(?:\^|\.\*|\$|\^\.\*\$|\^\.\*)/(?:d|de|del|dele|delet|delete)$")]
    private static partial Regex GlobalDeleteAll();

    [GeneratedRegex(@"^(?:w|wr|wri|writ|write|wq|x|xi|xit|exi|exit|up|upd|upda|updat|update|wa|wal|wall|wqa|wqall|xa|xal|xall)!?$")]
    private static partial Regex WriteBack();

    /// <summary>Ex commands that delete every line of the buffer (<c>:%d</c>, <c>:1,$d</c>, <c>:g/^/d</c>) followed by a
    /// write of the same file (<c>:w</c>, <c>:wq</c>, <c>:x</c>): the file is emptied.</summary>
    internal static bool EmptiesBuffer(IEnumerable<string> commands)
    {
        var deleted = false;
        foreach (var raw in commands)
        {
            var c = Modifiers().Replace(raw.Trim().TrimStart(':').Trim(), "");
            var range = Range().Match(c).Value;
            var rest = c[range.Length..].TrimStart();
            var whole = range.Replace(" ", "") is "%" or "1,$" or "0,$";
            if (whole && DeleteLines().IsMatch(rest) || (range.Length == 0 || range == "%") && GlobalDeleteAll().IsMatch(rest)) deleted = true;
            else if (deleted && range.Length == 0 && WriteBack().IsMatch(rest)) return true;
        }
        return false;
    }

    [GeneratedRegex(@"^(?:silent!?\s*|sil!?\s*|keepalt\s*|noautocmd\s*)*")]
    private static partial Regex Modifiers();

    [GeneratedRegex(@"^(?:[%.$]|\d+|'[a-z<>]|/[^/]*/|\?[^?]*\?|[,;+-])*")]
    private static partial Regex Range();

    [GeneratedRegex(@"^(?:w|wr|wri|writ|write|sav|saveas|up|update|x|xit|wq|exi|exit)(?:!)?\s+(\S.*)$")]
    private static partial Regex WriteFile();

    [GeneratedRegex(@"^(?:(?:r|re|rea|read)\s*!|(?:w|wr|wri|writ|write)\s+!)(.*)$")]
    private static partial Regex ReadWriteCommand();

    [GeneratedRegex(@"system\s*\(|systemlist\s*\(|^(?:lua|luado|luafile|py|py3|python|python3|pydo|py3do|pyfile|perl|ruby|rubydo|ter|term|terminal|exe|exec|execute|so|source|ru|runtime|call|norm|normal|!)|jobstart|termopen|os\.execute|io\.popen", RegexOptions.IgnoreCase)]
    private static partial Regex Opaque();

    private static void ExCommand(string raw, Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var c = raw.Trim().TrimStart(':').Trim();
        if (c.Length == 0 || c[0] == '/' && !c.Contains('!') || c.All(char.IsAsciiDigit)) return; // +/pattern, +N
        c = Modifiers().Replace(c, "");
        c = Range().Replace(c, "").TrimStart();
        if (c.StartsWith('!'))
        {
            EmbeddedCode.Shell(ctx, inv, c[1..], $"{inv.Name} :!", effects);
            return;
        }
        if (ReadWriteCommand().Match(c) is { Success: true } rw)
        {
            EmbeddedCode.Shell(ctx, inv, rw.Groups[1].Value, $"{inv.Name} :{c.Split('!')[0].Trim()} !", effects);
            return;
        }
        if (WriteFile().Match(c) is { Success: true } w)
        {
            EmbeddedCode.Write(ctx, inv, w.Groups[1].Value.Trim(), $"{inv.Name} :{c.Split(' ')[0]}", effects);
            return;
        }
        if (Opaque().IsMatch(c))
            EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` runs `{c}`, which can run commands the guard cannot analyse", effects);
    }

    [GeneratedRegex(@"shell-command|call-process|start-process|make-process|process-file|delete-file|delete-directory|write-region|write-file|async-shell-command|shell-command-to-string", RegexOptions.IgnoreCase)]
    private static partial Regex EmacsRisky();

    private static void Emacs(Invocation inv, List<Effect> effects)
    {
        var args = inv.Args;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            string? code = null;
            if (t is "--eval" or "-eval") code = i + 1 < args.Count ? args[++i].Text : null;
            else if (t.StartsWith("--eval=")) code = t["--eval=".Length..];
            else if (t is "-l" or "--load" or "--script" || t.StartsWith("--load=") || t.StartsWith("--script="))
            {
                EmbeddedCode.Indeterminate(inv, "`emacs` loads a Lisp file whose code cannot be analysed", effects);
                continue;
            }
            if (code is not null && (EmacsRisky().IsMatch(code) || !args[i].Known))
                EmbeddedCode.Indeterminate(inv, $"`emacs --eval` runs `{code}`, which can run processes or delete files", effects);
        }
    }
}
