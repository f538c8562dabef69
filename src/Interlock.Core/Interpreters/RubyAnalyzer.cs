using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Interlock.Core.Interpreters;

/// <summary>
/// Ruby: FileUtils / File / Dir / Pathname deletions, File.write, system / exec / spawn / IO.popen / Open3,
/// backticks and %x, Kernel#open with a pipe, eval-family calls and send(:name, ...). Calls may omit parentheses.
/// </summary>
internal sealed class RubyAnalyzer(string code, int depth, int maxLength) : ScriptAnalyzerBase(code, depth, maxLength)
{
    private static readonly FrozenSet<string> Definitions = new[] { "def", "alias", "undef", "class", "module" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> FileUtilsRecursive =
        new[] { "rm_rf", "rm_r", "rmtree", "remove_dir", "remove_entry", "remove_entry_secure" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> FileUtilsPlain =
        new[] { "rm", "rm_f", "remove", "remove_file", "safe_unlink", "rmdir" }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Terminators = new[]
    {
        "if", "unless", "while", "until", "rescue", "and", "or", "then", "do", "end",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> CommandApis = new[]
    {
        "system", "exec", "spawn", "Open3.capture2", "Open3.capture2e", "Open3.capture3", "Open3.popen2", "Open3.popen2e", "Open3.popen3",
        "Open3.pipeline", "Open3.pipeline_r", "Open3.pipeline_w", "Open3.pipeline_rw", "Open3.pipeline_start",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> InterestingNames = new[]
    {
        "File.delete", "File.unlink", "Dir.rmdir", "Dir.delete", "Dir.unlink", "File.write", "IO.write", "File.binwrite", "IO.binwrite",
        "File.open", "File.new", "IO.popen", "open", "eval", "send", "public_send", "__send__",
        "File.read", "IO.read", "File.readlines", "IO.readlines", "File.foreach", "IO.foreach", "File.binread", "IO.binread", "File.rename",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> InterestingMethods = new[]
    {
        "rmtree", "delete", "unlink", "rmdir", "write", "eval", "instance_eval", "class_eval", "module_eval", "send", "public_send", "__send__",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly ImmutableArray<string> KernelModules = ["Kernel.", "Process.", "Object."];

    private readonly AliasTable aliases = new();
    private bool includesFileUtils;

    protected override LexResult Lex(string source) => new RubyLexer(source).Run();
    protected override bool IsMemberSeparator(Token token) => token.Is(".") || token.Is("&.") || token.Is("::");
    protected override bool AdjacentLiteralsConcatenate => true;
    protected override bool AllowsParenlessCalls => true;
    protected override FrozenSet<string> DefinitionKeywords => Definitions;
    protected override string CommandTokenApi(Token token) => token.Text.StartsWith('`') ? "backticks" : "%x";

    protected override bool IsChainStart(int i)
    {
        // ::FileUtils.rm_rf -- a leading scope operator, not a member access.
        if (i > 0 && T[i - 1].Is("::") && (i < 2 || !IsValueEnd(T[i - 2]))) return true;
        return base.IsChainStart(i);
    }

    private static bool IsValueEnd(Token t) =>
        t.Kind is TokenKind.Identifier or TokenKind.Variable || (t.Kind == TokenKind.Punct && t.Text is ")" or "]" or "}");

    protected override void CollectAliases()
    {
        for (int i = 0; i < T.Count; i++)
        {
            var t = T[i];
            if (t.Kind != TokenKind.Identifier || (i > 0 && IsMemberSeparator(T[i - 1]))) continue;
            if (t.Text is "include" or "extend" && At(i + 1)?.IsWord("FileUtils") == true)
            {
                includesFileUtils = true;
            }
            else if (At(i + 1)?.Is("=") == true && !(i > 0 && (T[i - 1].Is(",") || T[i - 1].Is("("))))
            {
                if (TryStaticChain(i + 2, out var head, out int end)
                    && (At(end) is not { } after || after.Kind == TokenKind.Newline || after.Is(";") || after.IsCloser))
                {
                    aliases.Bind(t.Text, head);
                }
            }
        }
    }

    protected override ChainHead ResolveHead(string identifier) =>
        aliases.TryGetLatest(identifier, out var head) ? head : Unbound(identifier);

    protected override IEnumerable<ChainHead> ResolveHeads(string identifier) => aliases.All(identifier, Unbound(identifier));

    private ChainHead Unbound(string identifier)
    {
        // rm_rf & co. only exist as bare names after `include FileUtils`; the distinctive ones are taken anyway.
        if (FileUtilsRecursive.Contains(identifier) || (includesFileUtils && FileUtilsPlain.Contains(identifier)))
        {
            return new ChainHead("FileUtils." + identifier);
        }
        return new ChainHead(identifier);
    }

    protected override string Canonical(string name)
    {
        if (name.StartsWith("FileUtils.Verbose.", StringComparison.Ordinal)) return "FileUtils." + name["FileUtils.Verbose.".Length..];
        foreach (string module in KernelModules)
        {
            if (name.StartsWith(module, StringComparison.Ordinal) && name[module.Length..] is "system" or "exec" or "spawn" or "open" or "eval" or "send" or "public_send" or "__send__")
            {
                return name[module.Length..];
            }
        }
        return name;
    }

    protected override ChainHead AfterCall(CallSite call)
    {
        var args = Positional(call);
        return call.Name switch
        {
            "Pathname.new" or "Pathname" => new ChainHead("Pathname()", HasReceiver: true, ReceiverLiteral: Literal(Nth(args, 0))),
            "Kernel.const_get" or "Object.const_get" when (Literal(Nth(args, 0)) ?? SymbolValue(Nth(args, 0))) is { } constant => new ChainHead(constant),
            _ => new ChainHead(call.Name + "()"),
        };
    }

    protected override bool WantsParenlessCall(string name) =>
        name.StartsWith("FileUtils.", StringComparison.Ordinal) || CommandApis.Contains(name) || InterestingNames.Contains(name)
        || (name.Contains('.', StringComparison.Ordinal) && InterestingMethods.Contains(name[(name.LastIndexOf('.') + 1)..]));

    protected override bool StartsParenlessArgs(int index) => At(index) switch
    {
        null => false,
        { Kind: TokenKind.String or TokenKind.Command or TokenKind.WordList or TokenKind.Variable or TokenKind.Number or TokenKind.Symbol or TokenKind.Label or TokenKind.Regex } => true,
        { Kind: TokenKind.Identifier } t => t.SpaceBefore && !Terminators.Contains(t.Text),
        { Kind: TokenKind.Punct } t => t.SpaceBefore && t.Text is "[" or "::" or "*",
        _ => false,
    };

    protected override bool EndsParenlessArgs(int index)
    {
        var t = T[index];
        return t.Kind switch
        {
            TokenKind.Newline => true,
            TokenKind.Identifier => Terminators.Contains(t.Text),
            // A '{' right after the arguments opens a block; after a comma it is a hash argument.
            TokenKind.Punct => t.Text is ";" or "||" or "&&" or "?" || (t.Text == "{" && !T[index - 1].Is(",")),
            _ => false,
        };
    }

    protected override bool IsKeywordArg(TokenRange range, out string name, out TokenRange value)
    {
        name = "";
        value = default;
        var first = T[range.Start];
        if (first.Kind == TokenKind.Label)
        {
            name = first.Text;
            value = new TokenRange(range.Start + 1, range.End);
            return true;
        }
        if (range.Count >= 2 && T[range.Start + 1].Is("=>") && first.Kind is TokenKind.Symbol or TokenKind.String)
        {
            name = first.Value ?? "";
            value = new TokenRange(range.Start + 2, range.End);
            return true;
        }
        if (first.Is("**"))
        {
            name = "**";
            value = new TokenRange(range.Start + 1, range.End);
            return true;
        }
        return false;
    }

    private string? SymbolValue(TokenRange? range) =>
        range is { Count: 1 } r && T[r.Start].Kind is TokenKind.Symbol or TokenKind.String ? T[r.Start].Value : null;

    protected override void HandleCall(CallSite call)
    {
        var args = Positional(call);
        string name = call.Name;
        if (name.StartsWith("FileUtils.", StringComparison.Ordinal))
        {
            string method = name["FileUtils.".Length..];
            if (FileUtilsRecursive.Contains(method)) ReportDeleteEach(call, args, recursive: true);
            else if (FileUtilsPlain.Contains(method)) ReportDeleteEach(call, args, recursive: false);
            else if (method is "mv" or "move") ReportMove(call, Literal(Nth(args, 0)), Literal(Nth(args, 1)));
            else if (method is "cp" or "copy" or "cp_r" or "copy_file" or "install") ReportMove(call, Literal(Nth(args, 0)), Literal(Nth(args, 1)), copy: true, recursive: method == "cp_r");
            return;
        }
        if (CommandApis.Contains(name))
        {
            HandleCommand(call, args);
            return;
        }

        switch (name)
        {
            case "File.delete" or "File.unlink" or "Dir.rmdir" or "Dir.delete" or "Dir.unlink":
                ReportDeleteEach(call, args, recursive: false);
                return;
            case "Pathname().rmtree":
                ReportDelete(call, call.ReceiverLiteral, recursive: true, api: "Pathname#rmtree");
                return;
            case "Pathname().delete" or "Pathname().unlink" or "Pathname().rmdir":
                ReportDelete(call, call.ReceiverLiteral, recursive: false, api: "Pathname#" + call.LastSegment);
                return;
            case "Pathname().write":
                ReportWrite(call, call.ReceiverLiteral, api: "Pathname#write");
                return;
            case "File.write" or "IO.write" or "File.binwrite" or "IO.binwrite":
                if (Literal(Nth(args, 1)) is "") ReportEmpty(call, Literal(Nth(args, 0)));
                else ReportWrite(call, Literal(Nth(args, 0)));
                return;
            case "File.read" or "IO.read" or "File.readlines" or "IO.readlines" or "File.foreach" or "IO.foreach" or "File.binread" or "IO.binread":
                ReportRead(call, Literal(Nth(args, 0)));
                return;
            case "Pathname().read" or "Pathname().readlines" or "Pathname().binread":
                ReportRead(call, call.ReceiverLiteral, api: "Pathname#" + call.LastSegment);
                return;
            case "File.rename":
                ReportMove(call, Literal(Nth(args, 0)), Literal(Nth(args, 1)));
                return;
            case "File.open" or "File.new":
                HandleOpenMode(call, Literal(Nth(args, 0)), Nth(args, 1) ?? KeywordArg(call, "mode"));
                return;
            case "IO.popen":
                HandleCommand(call, args.Take(StartsWithPunct(Nth(args, 0), "{") ? 2 : 1).ToList());
                return;
            case "open":
                HandleKernelOpen(call, args);
                return;
            case "send" or "public_send" or "__send__" or "self.send" or "self.public_send" or "self.__send__":
                // send(:send, ...) is not followed further: one level keeps the recursion bounded.
                if (SymbolValue(Nth(args, 0)) is { } method && method is not ("send" or "public_send" or "__send__"))
                {
                    HandleCall(new CallSite { Name = Canonical(method), StartToken = call.StartToken, EndToken = call.EndToken, Args = call.Args.Skip(1).ToList() });
                }
                else if (args.Count > 0)
                {
                    ReportDynamic(call, $"{name} calls a method whose name is not a literal");
                }
                return;
        }

        if (call.LastSegment == "method" && SymbolValue(Nth(args, 0)) is { } referenced)
        {
            // File.method(:delete), method(:system): a dangerous method escapes as a value.
            string target = Canonical(call.IsMethod ? call.Name[..call.Name.LastIndexOf('.')] + "." + referenced : ResolveHead(referenced).Name);
            if (MethodObjectKind(target) is { } kind)
            {
                Report(kind.Kind, target, null, kind.Recursive, call.StartToken, call.EndToken, $"{target} is passed as a method object; what it acts on is unknown");
            }
        }
        else if (call.LastSegment is "eval" or "instance_eval" or "class_eval" or "module_eval")
        {
            if (args.Count > 0) ReportCode(call, args[0], ScriptLanguage.Ruby);
        }
        else if (call.IsMethod && args.Count == 0 && call.LastSegment == "rmtree")
        {
            ReportDelete(call, null, recursive: true, api: "Pathname#rmtree"); // receiver we cannot see
        }
    }

    private static (ScriptFindingKind Kind, bool Recursive)? MethodObjectKind(string name)
    {
        if (name.StartsWith("FileUtils.", StringComparison.Ordinal))
        {
            string method = name[10..];
            return FileUtilsRecursive.Contains(method) ? (ScriptFindingKind.DeletePath, true)
                : FileUtilsPlain.Contains(method) ? (ScriptFindingKind.DeletePath, false) : null;
        }
        if (name is "File.delete" or "File.unlink" or "Dir.rmdir" or "Dir.delete" or "Dir.unlink") return (ScriptFindingKind.DeletePath, false);
        return CommandApis.Contains(name) || name is "eval" or "IO.popen" or "open" ? (ScriptFindingKind.DynamicCode, false) : null;
    }

    /// <summary>system([env,] command...[, options]): one string goes through the shell, several words are an argv.</summary>
    private void HandleCommand(CallSite call, List<TokenRange> args)
    {
        var words = args.ToList();
        if (words.Count > 0 && StartsWithPunct(words[0], "{")) words.RemoveAt(0); // environment hash
        if (words.Count > 0 && StartsWithPunct(words[^1], "{")) words.RemoveAt(words.Count - 1); // options hash
        if (words.Count == 0) return;
        if (words.Count == 1 && Literal(words[0]) is { } command)
        {
            ReportCommand(call, command);
            return;
        }
        ReportArgv(call, FlattenArgs(words));
    }

    private void HandleOpenMode(CallSite call, string? path, TokenRange? mode)
    {
        if (mode is null || Literal(mode) is { } rm && rm.StartsWith('r') && !rm.Contains('+')) ReportRead(call, path);
        if (mode is null) return;
        if (Literal(mode) is { } m)
        {
            if (m.Contains('w', StringComparison.Ordinal)) ReportWrite(call, path);
        }
        else if (SymbolValue(mode) is null)
        {
            ReportWrite(call, path, note: " (mode is not a literal)");
        }
    }

    /// <summary>Kernel#open("| cmd") runs a command; a name that is not a literal might.</summary>
    private void HandleKernelOpen(CallSite call, List<TokenRange> args)
    {
        if (args.Count == 0) return;
        if (Literal(args[0]) is { } target)
        {
            string t = target.TrimStart();
            if (t.StartsWith('|')) ReportCommand(call, t[1..].Trim());
            else HandleOpenMode(call, target, Nth(args, 1));
            return;
        }
        string prefix = (LiteralPrefix(args[0]) ?? "").TrimStart();
        if (prefix.StartsWith('|')) ReportCommand(call, null);
        else if (prefix.Length == 0) ReportDynamic(call, "Kernel#open of a value that is not a literal may run a command");
        else HandleOpenMode(call, null, Nth(args, 1));
    }
}
