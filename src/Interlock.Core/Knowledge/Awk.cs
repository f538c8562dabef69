using System.Text;
using System.Text.RegularExpressions;
using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// awk runs shell commands from its program: <c>system("cmd")</c>, <c>print ... | "cmd"</c>, <c>"cmd" | getline</c>
/// (and gawk's <c>|&amp;</c>), and writes files with <c>print ... &gt; "file"</c>. Commands given as string literals are
/// analysed as shell code; commands built at run time (variables, <c>$0</c>, sprintf) and program files (<c>-f</c>) are
/// indeterminate. Programs without these constructs have no effect.
/// </summary>
public sealed partial class Awk : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["awk", "gawk", "mawk", "nawk"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var programs = new List<string>();
        var programFromOption = false;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") { if (!programFromOption && i + 1 < args.Count) programs.Add(args[i + 1].Text); break; }
            if (t is "-f" or "--file" or "-i" or "--include" || t.StartsWith("--file=") || (t.StartsWith("-f") && t.Length > 2))
            {
                EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` runs a program file whose commands cannot be analysed", effects);
                return;
            }
            if (t is "-e" or "--source") { if (i + 1 < args.Count) programs.Add(args[++i].Text); programFromOption = true; continue; }
            if (t.StartsWith("--source=")) { programs.Add(t["--source=".Length..]); programFromOption = true; continue; }
            if (t is "-v" or "-F" or "--assign" or "--field-separator") { i++; continue; }
            if (t.StartsWith('-') && t.Length > 1) continue;
            if (!programFromOption) programs.Add(t);
            break;
        }
        foreach (var p in programs) AnalyzeProgram(p, inv, ctx, effects);
    }

    [GeneratedRegex("""\b(system|close)\s*\(""")]
    private static partial Regex SystemCall();

    [GeneratedRegex("""\bprintf?\b[^;{}\n]*?(?<!>)(>>?)\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;{}()]+))""")]
    private static partial Regex PrintRedirect();

    [GeneratedRegex(@"\bgetline\b\s*(?:[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?)?\s*<\s*""((?:[^""\\]|\\.)*)""")]
    private static partial Regex GetlineFile();

    [GeneratedRegex("""^\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\)""")]
    private static partial Regex LiteralArgument();

    [GeneratedRegex(@"""((?:[^""\\]|\\.)*)""")]
    private static partial Regex StringLiteral();

    internal static void AnalyzeProgram(string program, Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        foreach (Match m in SystemCall().Matches(program))
        {
            if (m.Groups[1].Value == "close") continue;
            var after = program[(m.Index + m.Length)..];
            var lit = LiteralArgument().Match(after);
            if (lit.Success)
                EmbeddedCode.Shell(ctx, inv, Concat(lit.Groups[1].Value), $"{inv.Name} system()", effects);
            else
                EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` runs a shell command built at run time with system()", effects);
        }
        // Pipes to and from commands: `| "cmd"`, `|& "cmd"`, `"cmd" | getline`. `||` is a logical or.
        for (var i = 0; i < program.Length; i++)
        {
            if (program[i] == '"') { i = SkipString(program, i); continue; }
            if (program[i] == '/' && IsRegexStart(program, i)) { i = SkipRegex(program, i); continue; }
            if (program[i] != '|') continue;
            if (i + 1 < program.Length && program[i + 1] == '|') { i++; continue; }
            var j = i + 1;
            if (j < program.Length && program[j] == '&') j++;
            var rest = program[j..].TrimStart();
            if (rest.StartsWith("getline"))
            {
                // "cmd" | getline: the command is the string before the pipe.
                var before = program[..i].TrimEnd();
                if (before.EndsWith('"') && StringLiteral().Matches(before) is { Count: > 0 } ms && ms[^1].Index + ms[^1].Length == before.Length)
                    EmbeddedCode.Shell(ctx, inv, Unescape(ms[^1].Groups[1].Value), $"{inv.Name} getline", effects);
                else
                    EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` reads from a command built at run time (`cmd | getline`)", effects);
            }
            else if (StringLiteral().Match(rest) is { Success: true, Index: 0 } s)
            {
                var target = Unescape(s.Groups[1].Value);
                if (target.Trim().Split(' ')[0].Split('/')[^1] is "sh" or "bash" or "dash" or "zsh" or "ksh" or "python" or "python3" or "perl" or "ruby" or "node" or "xargs")
                    EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` pipes its output into `{target}`, which runs it as code", effects);
                else
                    EmbeddedCode.Shell(ctx, inv, target, $"{inv.Name} print |", effects);
            }
            else
                EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` pipes output into a command built at run time", effects);
            i = j - 1;
        }
        // getline < "file" reads the file: a secret file is read like `cat` would read it.
        foreach (Match m in GetlineFile().Matches(program))
            foreach (var target in ctx.Paths.Resolve(Arg.Literal(Unescape(m.Groups[1].Value)), inv.Context))
                if (target.Path.StartsWith('/') && SecretFiles.Describe(target.Path, inv.Context.Home, ctx.World, ctx.Options.FileEditMaxBytes) is { } secret)
                    effects.Add(new Effect(EffectKind.ReadSecret, target.Path, target.Class, false, true,
                        $"`{inv.Name}` reads {target.Path} with getline, which holds {secret}", inv));
        foreach (Match m in PrintRedirect().Matches(program))
        {
            if (m.Groups[2].Success)
                EmbeddedCode.Write(ctx, inv, Unescape(m.Groups[2].Value), $"{inv.Name} print {m.Groups[1].Value}", effects);
            else
                EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` writes to a file named at run time (`print {m.Groups[1].Value} {m.Groups[3].Value}`)", effects);
        }
    }

    private static bool IsRegexStart(string s, int i)
    {
        var k = i - 1;
        while (k >= 0 && s[k] is ' ' or '\t') k--;
        return k < 0 || s[k] is '(' or ',' or '{' or '}' or ';' or '!' or '~' or '&' or '|' or '\n';
    }

    private static int SkipRegex(string s, int i)
    {
        for (var k = i + 1; k < s.Length; k++)
        {
            if (s[k] == '\\') { k++; continue; }
            if (s[k] == '/') return k;
        }
        return s.Length;
    }

    private static int SkipString(string s, int i)
    {
        for (var k = i + 1; k < s.Length; k++)
        {
            if (s[k] == '\\') { k++; continue; }
            if (s[k] == '"') return k;
        }
        return s.Length;
    }

    private static string Concat(string literals) =>
        string.Concat(StringLiteral().Matches(literals).Select(m => Unescape(m.Groups[1].Value)));

    internal static string Unescape(string s)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\' || i + 1 == s.Length) { sb.Append(s[i]); continue; }
            var c = s[++i];
            sb.Append(c switch { 'n' => '\n', 't' => '\t', _ => c });
        }
        return sb.ToString();
    }
}
