using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Interlock.Core.Interpreters;

/// <summary>
/// Perl: unlink, rmdir, File::Path rmtree/remove_tree, system/exec (list form joined), backticks and qx,
/// piped and writing open(), eval STRING and s///e. Calls may omit parentheses.
/// </summary>
internal sealed class PerlAnalyzer(string code, int depth, int maxLength) : ScriptAnalyzerBase(code, depth, maxLength)
{
    private static readonly FrozenSet<string> Definitions = new[] { "sub", "package", "use", "no", "require" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Low-precedence operators and statement modifiers that end a paren-less argument list.</summary>
    private static readonly FrozenSet<string> Terminators = new[]
    {
        "or", "and", "xor", "if", "unless", "while", "until", "for", "foreach", "x", "eq", "ne", "lt", "gt", "le", "ge", "cmp",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Interesting = new[]
    {
        "unlink", "rmdir", "rmtree", "remove_tree", "File::Path::rmtree", "File::Path::remove_tree", "system", "exec", "readpipe", "open", "eval",
        "rename", "move", "File::Copy::move", "copy", "File::Copy::copy", "read_file", "File::Slurp::read_file", "path",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly ImmutableArray<string> CorePrefixes = ["CORE::GLOBAL::", "CORE::", "main::", "::"];

    protected override LexResult Lex(string source) => new PerlLexer(source).Run();
    protected override bool IsMemberSeparator(Token token) => token.Is("->");
    protected override bool IsArgSeparator(Token token) => token.Is(",") || token.Is("=>");
    protected override string ConcatOperator => ".";
    protected override bool ParenthesizedLists => true;
    protected override bool AllowsParenlessCalls => true;
    protected override FrozenSet<string> DefinitionKeywords => Definitions;

    protected override string Canonical(string name)
    {
        foreach (string prefix in CorePrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)) name = name[prefix.Length..];
        }
        return name;
    }

    protected override bool IsChainStart(int i)
    {
        if (!base.IsChainStart(i)) return false;
        if (At(i + 1)?.Is("=>") == true) return false; // hash key: unlink => 1
        // $h{unlink}, $r->{unlink}, $h{a}{unlink} are hash keys; a block { unlink } is a call.
        bool braced = At(i - 1)?.Is("{") == true && At(i + 1)?.Is("}") == true;
        return !(braced && At(i - 2) is { } before && (before.Kind == TokenKind.Variable || before.Is("->") || before.Is("}") || before.Is("]")));
    }

    protected override bool WantsParenlessCall(string name) => Interesting.Contains(name);

    protected override bool StartsParenlessArgs(int index) => At(index) switch
    {
        null => false,
        { Kind: TokenKind.String or TokenKind.Command or TokenKind.WordList or TokenKind.Variable or TokenKind.Number or TokenKind.Regex } => true,
        { Kind: TokenKind.Identifier } t => !Terminators.Contains(t.Text),
        { Kind: TokenKind.Punct } t => t.Text is "[" or "{" or "\\" or "<",
        _ => false,
    };

    protected override bool EndsParenlessArgs(int index)
    {
        var t = T[index];
        return t.Kind == TokenKind.Punct ? t.Text is ";" or "||" or "&&" or "//" or "?" or ":" : t.Kind == TokenKind.Identifier && Terminators.Contains(t.Text);
    }

    protected override void HandleToken(int index)
    {
        var token = T[index];
        if (token.Kind == TokenKind.Regex && token.Value is { } replacement) AnalyzeNested(replacement, ScriptLanguage.Perl, index, index + 1, "s///e");
        else base.HandleToken(index);
    }

    protected override void HandleCall(CallSite call)
    {
        var args = call.Args.ToList();
        switch (call.Name)
        {
            case "unlink" or "rmdir":
                if (args.Count == 0) ReportDelete(call, null, recursive: false); // operates on $_
                else ReportDeleteEach(call, args, recursive: false);
                break;
            case "rmtree" or "remove_tree" or "File::Path::rmtree" or "File::Path::remove_tree":
                ReportDeleteEach(call, args, recursive: true);
                break;
            case "system" or "exec":
                HandleSystem(call, args);
                break;
            case "readpipe":
                ReportCommand(call, Literal(Nth(args, 0)));
                break;
            case "open":
                HandleOpen(call, args);
                break;
            case "rename" or "move" or "File::Copy::move":
                if (args.Count >= 2) ReportMove(call, Literal(Nth(args, 0)), Literal(Nth(args, 1)));
                break;
            case "copy" or "File::Copy::copy":
                if (args.Count >= 2) ReportMove(call, Literal(Nth(args, 0)), Literal(Nth(args, 1)), copy: true);
                break;
            case "read_file" or "File::Slurp::read_file":
                ReportRead(call, Literal(Nth(args, 0)));
                break;
            case "eval":
                if (args.Count == 0) ReportDynamic(call, "eval evaluates $_");
                else if (!StartsWithPunct(args[0], "{")) ReportCode(call, args[0], ScriptLanguage.Perl); // eval { } is a block
                break;
        }
    }

    /// <summary>system LIST: one string goes through the shell, several words are an argv.</summary>
    private void HandleSystem(CallSite call, List<TokenRange> args)
    {
        if (args.Count == 0) return;
        if (StartsWithPunct(args[0], "{"))
        {
            ReportDynamic(call, $"{call.Name} {{ PROGRAM }} LIST runs a program that is not a literal");
            return;
        }
        var words = FlattenArgs(args);
        if (words is null) ReportCommand(call, null);
        else if (words.Count == 1) ReportCommand(call, words[0]);
        else if (words.Count > 1) ReportArgv(call, words);
    }

    /// <summary>open FH, "| cmd" / "cmd |" / '-|', LIST run commands; "&gt;file" and '&gt;', $path truncate.</summary>
    private void HandleOpen(CallSite call, List<TokenRange> args)
    {
        if (args.Count < 2) return;
        if (args.Count == 2)
        {
            if (Literal(args[1]) is { } spec)
            {
                string s = spec.Trim();
                if (s.StartsWith('|')) ReportCommand(call, s[1..].Trim());
                else if (s.EndsWith('|')) ReportCommand(call, s[..^1].Trim());
                else if (s.StartsWith("+>", StringComparison.Ordinal)) ReportWrite(call, s[2..].Trim());
                else if (s.StartsWith('>') && !s.StartsWith(">>", StringComparison.Ordinal)) ReportWrite(call, s[1..].Trim());
                else if (!s.StartsWith(">>", StringComparison.Ordinal)) ReportRead(call, s.TrimStart('<').Trim());
                return;
            }
            string prefix = (LiteralPrefix(args[1]) ?? "").TrimStart();
            if (prefix.StartsWith('|')) ReportCommand(call, null);
            else if (prefix.StartsWith("+>", StringComparison.Ordinal) || (prefix.StartsWith('>') && !prefix.StartsWith(">>", StringComparison.Ordinal))) ReportWrite(call, null);
            else if (prefix.Length == 0) ReportDynamic(call, "two-argument open of a value that is not a literal may run a command");
            return;
        }

        if (Literal(args[1]) is not { } mode)
        {
            ReportDynamic(call, "open with a mode that is not a literal may run a command");
            return;
        }
        string m = mode.Trim();
        if (m.StartsWith("-|", StringComparison.Ordinal) || m.StartsWith("|-", StringComparison.Ordinal))
        {
            var words = FlattenArgs(args.Skip(2));
            if (words is { Count: 1 }) ReportCommand(call, words[0]);
            else ReportArgv(call, words);
        }
        else if (m.StartsWith("+>", StringComparison.Ordinal) || (m.StartsWith('>') && !m.StartsWith(">>", StringComparison.Ordinal)))
        {
            ReportWrite(call, Literal(args[2]));
        }
        else if (m.StartsWith('<') || m.StartsWith("+<", StringComparison.Ordinal))
        {
            ReportRead(call, Literal(args[2]));
        }
    }
}
