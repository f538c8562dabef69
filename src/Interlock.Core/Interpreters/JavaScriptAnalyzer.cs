using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Interlock.Core.Interpreters;

/// <summary>
/// JavaScript (node, deno, bun): fs deletions and writes, child_process, Deno and Bun process APIs, eval / Function.
/// Tracks require()/import bindings, destructuring and simple <c>x = module.attr</c> aliases. Under <c>node -e</c>
/// the core modules are globals, so unresolved names such as <c>fs.rmSync</c> are taken at face value.
/// </summary>
internal sealed class JavaScriptAnalyzer(string code, int depth, int maxLength) : ScriptAnalyzerBase(code, depth, maxLength)
{
    private static readonly FrozenSet<string> Definitions = new[] { "function", "class" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly FrozenSet<string> Declarations = new[] { "const", "let", "var" }.ToFrozenSet(StringComparer.Ordinal);
    private static readonly ImmutableArray<string> GlobalObjects = ["globalThis.", "window.", "global.", "self."];

    private readonly AliasTable aliases = new();

    protected override LexResult Lex(string source) => new JavaScriptLexer(source).Run();
    protected override bool IsMemberSeparator(Token token) => token.Is(".") || token.Is("?.");
    protected override bool AllowsComputedMembers => true;
    protected override FrozenSet<string> DefinitionKeywords => Definitions;
    protected override int SkipChainPrefix(int index) => At(index)?.IsWord("await") == true ? index + 1 : index;

    // ---- aliases -------------------------------------------------------------------------------------------

    protected override void CollectAliases()
    {
        for (int i = 0; i < T.Count; i++)
        {
            var t = T[i];
            if (t.Kind != TokenKind.Identifier || (i > 0 && IsMemberSeparator(T[i - 1]))) continue;
            if (t.Text == "import" && At(i + 1) is { } next && !next.Is("(") && !next.Is("."))
            {
                i = ParseImport(i);
            }
            else if (Declarations.Contains(t.Text) && At(i + 1)?.Is("{") == true)
            {
                ParseDestructuring(i + 1);
            }
            else if (At(i + 1)?.Is("=") == true && !(i > 0 && (T[i - 1].Is(",") || T[i - 1].Is("("))))
            {
                if (TryStaticChain(i + 2, out var head, out int end)
                    && (At(end) is not { Kind: TokenKind.Punct } after || after.Text is ";" or "," or ")" or "]" or "}"))
                {
                    aliases.Bind(t.Text, head);
                    NotReferences.Add(i);
                    NotReferences.Add(SkipChainPrefix(i + 2));
                }
            }
        }
    }

    /// <summary>const { execSync, exec: run } = require('child_process')</summary>
    private void ParseDestructuring(int open)
    {
        int close = MatchOf(open);
        if (close < 0 || At(close + 1)?.Is("=") != true || !TryStaticChain(close + 2, out var source, out _)) return;
        MarkBindings(open, close + 2);
        foreach (var element in SplitArgs(open + 1, close))
        {
            var first = T[element.Start];
            string? key = first.Kind switch
            {
                TokenKind.Identifier => first.Text,
                TokenKind.String => first.Value,
                _ => null,
            };
            if (key is null) continue;
            string local = key;
            if (element.Count >= 3 && T[element.Start + 1].Is(":") && T[element.Start + 2].Kind == TokenKind.Identifier)
            {
                local = T[element.Start + 2].Text;
            }
            aliases.Bind(local, new ChainHead(Canonical(source.Name + "." + key)));
        }
    }

    /// <summary>import fs from 'fs'; import * as cp from 'node:child_process'; import { rmSync as r } from 'fs'</summary>
    private int ParseImport(int i)
    {
        var bindings = new List<(string Local, string? Member)>();
        int j = i + 1;
        while (j < T.Count)
        {
            var t = T[j];
            if (t.Kind == TokenKind.Identifier && t.Text != "from")
            {
                bindings.Add((t.Text, null));
                j++;
            }
            else if (t.Is("*") && At(j + 1)?.IsWord("as") == true && At(j + 2) is { Kind: TokenKind.Identifier } ns)
            {
                bindings.Add((ns.Text, null));
                j += 3;
            }
            else if (t.Is("{") && MatchOf(j) > j)
            {
                int close = MatchOf(j);
                foreach (var element in SplitArgs(j + 1, close))
                {
                    var first = T[element.Start];
                    string? member = first.Kind == TokenKind.String ? first.Value : first.Kind == TokenKind.Identifier ? first.Text : null;
                    if (member is null) continue;
                    string local = element.Count >= 3 && T[element.Start + 1].IsWord("as") ? T[element.Start + 2].Text : member;
                    bindings.Add((local, member));
                }
                j = close + 1;
            }
            else
            {
                break;
            }
            if (At(j)?.Is(",") != true) break;
            j++;
        }
        if (At(j)?.IsWord("from") == true && At(j + 1) is { Kind: TokenKind.String, Value: { } module })
        {
            MarkBindings(i, j);
            string name = ModuleName(module);
            foreach (var (local, member) in bindings)
            {
                aliases.Bind(local, new ChainHead(member is null || member == "default" ? name : Canonical(name + "." + member)));
            }
            return j + 1;
        }
        return i;
    }

    /// <summary>Names in import specifiers and destructuring patterns bind functions; they do not pass them around.</summary>
    private void MarkBindings(int from, int to)
    {
        for (int k = from; k <= to && k < T.Count; k++) NotReferences.Add(k);
    }

    protected override (ScriptFindingKind Kind, bool Recursive)? ReferenceKind(string name)
    {
        string fsMethod = name.StartsWith("fs.promises.", StringComparison.Ordinal) ? name[12..] : name.StartsWith("fs.", StringComparison.Ordinal) ? name[3..] : "";
        if (fsMethod is "rm" or "rmSync" or "rmdir" or "rmdirSync" or "unlink" or "unlinkSync") return (ScriptFindingKind.DeletePath, false);
        return name is "eval" or "child_process.exec" or "child_process.execSync" or "child_process.spawn" or "child_process.spawnSync"
            or "child_process.execFile" or "child_process.execFileSync"
            ? (ScriptFindingKind.DynamicCode, false)
            : null;
    }

    private static string ModuleName(string module)
    {
        if (module.StartsWith("node:", StringComparison.Ordinal)) module = module[5..];
        return module.Replace('/', '.'); // fs/promises -> fs.promises
    }

    protected override ChainHead ResolveHead(string identifier) =>
        aliases.TryGetLatest(identifier, out var head) ? head : new ChainHead(identifier);

    protected override IEnumerable<ChainHead> ResolveHeads(string identifier) => aliases.All(identifier, new ChainHead(identifier));

    protected override string Canonical(string name)
    {
        bool stripped = true;
        while (stripped)
        {
            stripped = false;
            foreach (string global in GlobalObjects)
            {
                if (name.StartsWith(global, StringComparison.Ordinal) && name.Length > global.Length)
                {
                    name = name[global.Length..];
                    stripped = true;
                }
            }
        }
        return name;
    }

    protected override ChainHead AfterCall(CallSite call)
    {
        if (call.Name is "require" or "import" or "module.require" or "process.mainModule.require"
            && Literal(Nth(call.Args.ToList(), 0)) is { } module)
        {
            return new ChainHead(ModuleName(module));
        }
        return new ChainHead(call.Name + "()");
    }

    // ---- calls ---------------------------------------------------------------------------------------------

    protected override void HandleCall(CallSite call)
    {
        var args = call.Args.ToList();
        TokenRange? Arg(int index) => Nth(args, index);
        string name = call.Name;

        if (name.StartsWith("fs.promises.", StringComparison.Ordinal)) HandleFs(call, name["fs.promises.".Length..], args);
        else if (name.StartsWith("fs.", StringComparison.Ordinal)) HandleFs(call, name[3..], args);

        switch (name)
        {
            case "child_process.exec" or "child_process.execSync":
                ReportCommand(call, Literal(Arg(0)));
                break;
            case "child_process.execFile" or "child_process.execFileSync" or "child_process.spawn" or "child_process.spawnSync":
                HandleSpawn(call, args);
                break;
            case "Deno.remove" or "Deno.removeSync":
                ReportDelete(call, Literal(Arg(0)), Flag(Arg(1), "recursive"));
                break;
            case "Deno.writeTextFile" or "Deno.writeTextFileSync" or "Deno.writeFile" or "Deno.writeFileSync" or "Deno.create" or "Deno.createSync":
                ReportWrite(call, Literal(Arg(0)));
                break;
            case "Deno.run":
                ReportArgv(call, Props(Arg(0)) is { } runOptions && runOptions.TryGetValue("cmd", out var cmd) ? ListLiteral(cmd) : null);
                break;
            case "Deno.Command":
                HandleDenoCommand(call, args);
                break;
            case "Bun.spawn" or "Bun.spawnSync":
                ReportArgv(call, ListLiteral(Arg(0))
                    ?? (Props(Arg(0)) is { } bunOptions && bunOptions.TryGetValue("cmd", out var bunCmd) ? ListLiteral(bunCmd) : null));
                break;
            case "Bun.write":
                ReportWrite(call, Literal(Arg(0)));
                break;
            case "eval" or "vm.runInThisContext" or "vm.runInNewContext" or "vm.runInContext" or "vm.Script" or "vm.compileFunction":
                if (args.Count > 0) ReportCode(call, args[0], ScriptLanguage.JavaScript);
                break;
            case "Function":
                HandleFunctionConstructor(call, args);
                break;
            case "setTimeout" or "setInterval" or "setImmediate":
                // Only the string form evaluates code; a function argument is the common, harmless case.
                if (Literal(Arg(0)) is not null) ReportCode(call, Arg(0), ScriptLanguage.JavaScript);
                break;
        }
    }

    private void HandleFs(CallSite call, string method, List<TokenRange> args)
    {
        TokenRange? Arg(int index) => Nth(args, index);
        switch (method)
        {
            case "rm" or "rmSync" or "rmdir" or "rmdirSync":
                ReportDelete(call, Literal(Arg(0)), Flag(Arg(1), "recursive"));
                break;
            case "unlink" or "unlinkSync":
                ReportDelete(call, Literal(Arg(0)), recursive: false);
                break;
            case "writeFile" or "writeFileSync":
                if (Literal(Arg(1)) is "") ReportEmpty(call, Literal(Arg(0)));
                else ReportWrite(call, Literal(Arg(0)));
                break;
            case "truncate" or "truncateSync":
                // fs.truncateSync(path[, len]): the length defaults to 0.
                if (Arg(1) is { Count: 1 } n && T[n.Start].Kind == TokenKind.Number && T[n.Start].Text != "0") ReportWrite(call, Literal(Arg(0)));
                else ReportEmpty(call, Literal(Arg(0)));
                break;
            case "rename" or "renameSync":
                ReportMove(call, Literal(Arg(0)), Literal(Arg(1)));
                break;
            case "copyFile" or "copyFileSync" or "cp" or "cpSync":
                ReportMove(call, Literal(Arg(0)), Literal(Arg(1)), copy: true, recursive: method is "cp" or "cpSync" && Flag(Arg(2), "recursive"));
                break;
            case "readFile" or "readFileSync" or "createReadStream":
                ReportRead(call, Literal(Arg(0)));
                break;
            case "createWriteStream":
                if (!OpenFlagsAppend(Arg(1))) ReportWrite(call, Literal(Arg(0)));
                break;
            case "open" or "openSync":
                if (Literal(Arg(1)) is { } flags && flags.Contains('w', StringComparison.Ordinal)) ReportWrite(call, Literal(Arg(0)));
                else if (Arg(1) is null || Literal(Arg(1)) is { } r && !r.Contains('a')) ReportRead(call, Literal(Arg(0)));
                break;
        }
    }

    /// <summary>createWriteStream(p, {flags: 'a'}) or (p, 'a') appends instead of truncating.</summary>
    private bool OpenFlagsAppend(TokenRange? options)
    {
        string? flags = Literal(options);
        if (flags is null && Props(options) is { } props && props.TryGetValue("flags", out var value)) flags = Literal(value);
        return flags is not null && flags.Contains('a', StringComparison.Ordinal);
    }

    /// <summary>spawn(cmd, [args], {shell}) / execFile(cmd, [args]): argv, or a shell string when shell is set.</summary>
    private void HandleSpawn(CallSite call, List<TokenRange> args)
    {
        if (Literal(Nth(args, 0)) is not { } program)
        {
            ReportCommand(call, null);
            return;
        }
        var argv = new List<string> { program };
        TokenRange? options = Nth(args, 2);
        if (Nth(args, 1) is { } second)
        {
            if (StartsWithPunct(second, "{")) options = second;
            else if (ListLiteral(second) is { } rest) argv.AddRange(rest);
            else
            {
                ReportCommand(call, null);
                return;
            }
        }
        // With shell: true node joins the words with spaces and hands the string to /bin/sh.
        if (Flag(options, "shell")) ReportCommand(call, string.Join(" ", argv));
        else ReportArgv(call, argv);
    }

    private void HandleDenoCommand(CallSite call, List<TokenRange> args)
    {
        if (Literal(Nth(args, 0)) is not { } program)
        {
            ReportCommand(call, null);
            return;
        }
        var argv = new List<string> { program };
        if (Props(Nth(args, 1)) is { } options && options.TryGetValue("args", out var list))
        {
            if (ListLiteral(list) is not { } rest)
            {
                ReportCommand(call, null);
                return;
            }
            argv.AddRange(rest);
        }
        else if (Nth(args, 1) is not null && Props(Nth(args, 1)) is null)
        {
            ReportCommand(call, null); // options object passed as a variable
            return;
        }
        ReportArgv(call, argv);
    }

    /// <summary>new Function('a', 'b', body): the body is the last argument; every argument must be literal.</summary>
    private void HandleFunctionConstructor(CallSite call, List<TokenRange> args)
    {
        if (args.Count == 0) return;
        if (args.Any(a => Literal(a) is null))
        {
            ReportDynamic(call, "Function constructor builds code that is not a literal");
            return;
        }
        ReportCode(call, args[^1], ScriptLanguage.JavaScript);
    }
}
