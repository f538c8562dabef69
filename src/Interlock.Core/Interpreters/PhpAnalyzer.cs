using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;

namespace Interlock.Core.Interpreters;

/// <summary>
/// PHP: unlink, rmdir, shell_exec / exec / system / passthru / popen / proc_open / pcntl_exec, backticks, eval,
/// create_function, file_put_contents and fopen for writing, call_user_func('name', ...). Function names are
/// case-insensitive; methods ($pdo->exec) and namespaced functions (Foo\exec) are not the builtins.
/// </summary>
internal sealed class PhpAnalyzer(string code, int depth, int maxLength) : ScriptAnalyzerBase(code, depth, maxLength)
{
    private static readonly FrozenSet<string> Definitions = new[] { "function", "const", "new", "class", "interface", "trait", "enum", "use", "namespace" }
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    protected override LexResult Lex(string source) => new PhpLexer(source).Run();
    protected override bool IsMemberSeparator(Token token) => token.Is("->") || token.Is("?->") || token.Is("::");
    protected override string ConcatOperator => ".";
    protected override FrozenSet<string> DefinitionKeywords => Definitions;

    protected override string Canonical(string name)
    {
        name = name.ToLowerInvariant();
        return name.StartsWith('\\') ? name[1..] : name;
    }

    protected override void HandleCall(CallSite call)
    {
        if (call.IsMethod) return; // Foo::exec(), $x->system(): not the builtins
        var args = call.Args.ToList();
        TokenRange? Arg(int index) => Nth(args, index);
        switch (call.Name)
        {
            case "unlink" or "rmdir":
                ReportDelete(call, Literal(Arg(0)), recursive: false);
                break;
            case "shell_exec" or "exec" or "system" or "passthru" or "popen":
                if (args.Count > 0) ReportCommand(call, Literal(Arg(0)));
                break;
            case "proc_open":
                if (Literal(Arg(0)) is { } command) ReportCommand(call, command);
                else ReportArgv(call, ListLiteral(Arg(0))); // PHP 7.4+: an argv array bypasses the shell
                break;
            case "pcntl_exec":
                HandlePcntlExec(call, args);
                break;
            case "eval":
                if (args.Count > 0) ReportCode(call, args[0], ScriptLanguage.Php);
                break;
            case "create_function":
                if (args.Count >= 2) ReportCode(call, args[1], ScriptLanguage.Php);
                break;
            case "file_put_contents":
                // The FILE_APPEND flag appends instead of truncating.
                if (Arg(2) is not { } flags || !Enumerable.Range(flags.Start, flags.Count).Any(k => T[k].Text.Equals("FILE_APPEND", StringComparison.OrdinalIgnoreCase)))
                {
                    ReportWrite(call, Literal(Arg(0)));
                }
                break;
            case "file_get_contents" or "file" or "readfile" or "parse_ini_file" or "fpassthru" or "highlight_file" or "show_source":
                ReportRead(call, Literal(Arg(0)));
                break;
            case "rename":
                ReportMove(call, Literal(Arg(0)), Literal(Arg(1)));
                break;
            case "copy":
                ReportMove(call, Literal(Arg(0)), Literal(Arg(1)), copy: true);
                break;
            case "fopen":
                if (Literal(Arg(1)) is { } mode)
                {
                    if (mode.Contains('w', StringComparison.Ordinal)) ReportWrite(call, Literal(Arg(0)));
                    else if (mode.StartsWith('r')) ReportRead(call, Literal(Arg(0)));
                }
                else if (Arg(1) is not null)
                {
                    ReportWrite(call, Literal(Arg(0)), note: " (mode is not a literal)");
                }
                break;
            case "call_user_func" or "call_user_func_array":
                HandleCallUserFunc(call, args);
                break;
            case var name when CallbackPositions.TryGetValue(name, out int position):
                HandleCallback(call, Arg(position));
                break;
        }
    }

    /// <summary>Higher-order builtins and the argument that names their callback.</summary>
    private static readonly FrozenDictionary<string, int> CallbackPositions = new Dictionary<string, int>
    {
        ["array_map"] = 0, ["array_walk"] = 1, ["array_walk_recursive"] = 1, ["array_filter"] = 1, ["array_reduce"] = 1,
        ["usort"] = 1, ["uasort"] = 1, ["uksort"] = 1, ["iterator_apply"] = 1, ["register_shutdown_function"] = 0,
        ["register_tick_function"] = 0, ["set_error_handler"] = 0, ["set_exception_handler"] = 0, ["spl_autoload_register"] = 0,
        ["ob_start"] = 0, ["preg_replace_callback"] = 1, ["forward_static_call"] = 0, ["forward_static_call_array"] = 0,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>array_map('unlink', glob('*')): a dangerous builtin named as a callback acts on values we cannot see.</summary>
    private void HandleCallback(CallSite call, TokenRange? callback)
    {
        if (Literal(callback) is not { } function) return;
        string name = Canonical(function);
        switch (name)
        {
            case "unlink" or "rmdir":
                ReportDelete(call, null, recursive: false, api: name);
                break;
            case "shell_exec" or "exec" or "system" or "passthru" or "popen" or "proc_open" or "pcntl_exec" or "eval" or "assert":
                ReportDynamic(call, $"{call.Name} calls {name} on values that are not literals", name);
                break;
        }
    }

    private void HandlePcntlExec(CallSite call, List<TokenRange> args)
    {
        if (Literal(Nth(args, 0)) is not { } program)
        {
            ReportCommand(call, null);
            return;
        }
        var argv = new List<string> { program };
        if (Nth(args, 1) is { } rest)
        {
            if (ListLiteral(rest) is not { } words)
            {
                ReportCommand(call, null);
                return;
            }
            argv.AddRange(words);
        }
        ReportArgv(call, argv);
    }

    /// <summary>call_user_func('system', 'rm -rf /') is system('rm -rf /').</summary>
    private void HandleCallUserFunc(CallSite call, List<TokenRange> args)
    {
        if (args.Count == 0) return;
        if (Literal(args[0]) is not { } function || Canonical(function).StartsWith("call_user_func", StringComparison.Ordinal))
        {
            ReportDynamic(call, $"{call.Name} calls a function whose name is not a literal");
            return;
        }
        IReadOnlyList<TokenRange> forwarded = args.Skip(1).ToList();
        if (call.Name == "call_user_func_array")
        {
            if (Nth(args, 1) is not { } array || ArrayElements(array) is not { } elements)
            {
                ReportDynamic(call, $"{call.Name} passes arguments that are not a literal array");
                return;
            }
            forwarded = elements;
        }
        HandleCall(new CallSite { Name = Canonical(function), StartToken = call.StartToken, EndToken = call.EndToken, Args = forwarded });
    }

    /// <summary>Element ranges of [..] or array(..).</summary>
    private List<TokenRange>? ArrayElements(TokenRange range)
    {
        int s = range.Start, e = range.End;
        if (T[s].Is("[") && MatchOf(s) == e - 1) return SplitArgs(s + 1, e - 1);
        if (T[s].Text.Equals("array", StringComparison.OrdinalIgnoreCase) && At(s + 1)?.Is("(") == true && MatchOf(s + 1) == e - 1)
        {
            return SplitArgs(s + 2, e - 1);
        }
        return null;
    }
}
