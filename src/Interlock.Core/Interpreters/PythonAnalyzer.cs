using System;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;

namespace Interlock.Core.Interpreters;

/// <summary>
/// Python: os / shutil / subprocess / pathlib deletions and commands, open(..., 'w'), exec/eval. Tracks
/// <c>import x as y</c>, <c>from x import y as z</c>, star imports and simple <c>name = module.attr</c> aliases.
/// </summary>
internal sealed class PythonAnalyzer(string code, int depth, int maxLength) : ScriptAnalyzerBase(code, depth, maxLength)
{
    private static readonly FrozenSet<string> Definitions = new[] { "def", "class" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>APIs a star import can bring into scope.</summary>
    private static readonly FrozenSet<string> KnownApis = new[]
    {
        "os.system", "os.popen", "os.remove", "os.unlink", "os.rmdir", "os.removedirs", "os.execv", "os.execve", "os.execvp",
        "os.execvpe", "pty.spawn", "os.spawnv", "os.spawnvp", "os.posix_spawn", "os.posix_spawnp", "os.execl", "os.execle", "os.execlp", "os.execlpe", "shutil.rmtree", "subprocess.run", "subprocess.call",
        "subprocess.check_call", "subprocess.check_output", "subprocess.Popen", "subprocess.getoutput", "subprocess.getstatusoutput",
        "pathlib.Path", "importlib.import_module", "shutil.move", "shutil.copy", "shutil.copy2", "shutil.copyfile", "shutil.copytree",
        "os.rename", "os.replace", "os.renames", "os.truncate",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> Subprocess = new[]
    {
        "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output", "subprocess.Popen",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly ImmutableArray<string> BuiltinModules = ["builtins.", "__builtins__."];

    private readonly AliasTable aliases = new();
    private readonly List<string> starModules = [];

    protected override LexResult Lex(string source) => new PythonLexer(source).Run();
    protected override bool IsMemberSeparator(Token token) => token.Is(".");
    protected override bool AdjacentLiteralsConcatenate => true;
    protected override bool ParenthesizedLists => true;
    protected override FrozenSet<string> DefinitionKeywords => Definitions;

    // ---- aliases -------------------------------------------------------------------------------------------

    protected override void CollectAliases()
    {
        for (int i = 0; i < T.Count; i++)
        {
            var t = T[i];
            if (t.Kind != TokenKind.Identifier || (i > 0 && IsMemberSeparator(T[i - 1]))) continue;
            if (t.Text == "from") i = ParseFromImport(i);
            else if (t.Text == "import") i = ParseImport(i);
            else if (At(i + 1)?.Is("=") == true && !(i > 0 && (T[i - 1].Is(",") || T[i - 1].Is("(")))) RecordAssignment(i);
        }
    }

    /// <summary>Reads a dotted name a.b.c at j; returns the index after it, or -1.</summary>
    private int ParseDotted(int j, out string name)
    {
        name = "";
        if (At(j) is not { Kind: TokenKind.Identifier } first) return -1;
        var sb = new StringBuilder(first.Text);
        j++;
        while (At(j)?.Is(".") == true && At(j + 1) is { Kind: TokenKind.Identifier } next)
        {
            sb.Append('.').Append(next.Text);
            j += 2;
        }
        name = sb.ToString();
        return j;
    }

    private int ParseImport(int i)
    {
        int end = ParseImportNames(i);
        MarkBindings(i, end);
        return end;
    }

    /// <summary>Names in import statements and on the right of alias assignments bind functions; they do not pass them around.</summary>
    private void MarkBindings(int from, int to)
    {
        for (int k = from; k <= to && k < T.Count; k++) NotReferences.Add(k);
    }

    private int ParseImportNames(int i)
    {
        int j = i + 1;
        while (true)
        {
            int after = ParseDotted(j, out string dotted);
            if (after < 0) return j - 1;
            j = after;
            if (At(j)?.IsWord("as") == true && At(j + 1) is { Kind: TokenKind.Identifier } alias)
            {
                aliases.Bind(alias.Text, new ChainHead(Canonical(dotted)));
                j += 2;
            }
            if (At(j)?.Is(",") != true) return j - 1;
            j++;
        }
    }

    private int ParseFromImport(int i)
    {
        int j = i + 1;
        var module = new StringBuilder();
        while (At(j) is { } dot && (dot.Is(".") || dot.Is("...")))
        {
            module.Append(dot.Text);
            j++;
        }
        int after = ParseDotted(j, out string dotted);
        if (after >= 0)
        {
            module.Append(dotted);
            j = after;
        }
        if (At(j)?.IsWord("import") != true) return i;
        j++;
        bool parenthesized = At(j)?.Is("(") == true;
        if (parenthesized) j++;
        string moduleName = module.ToString();
        while (true)
        {
            if (At(j)?.Is("*") == true)
            {
                starModules.Add(moduleName);
                j++;
            }
            else if (At(j) is { Kind: TokenKind.Identifier } name)
            {
                string local = name.Text;
                j++;
                if (At(j)?.IsWord("as") == true && At(j + 1) is { Kind: TokenKind.Identifier } alias)
                {
                    local = alias.Text;
                    j += 2;
                }
                aliases.Bind(local, new ChainHead(Canonical(moduleName + "." + name.Text)));
            }
            else
            {
                break;
            }
            if (At(j)?.Is(",") != true) break;
            j++;
        }
        if (parenthesized && At(j)?.Is(")") == true) j++;
        MarkBindings(i, j - 1);
        return j - 1;
    }

    /// <summary>name = module.attr / name = __import__('os') / name = Path('x') (only when nothing follows the chain).</summary>
    private void RecordAssignment(int i)
    {
        if (!TryStaticChain(i + 2, out var head, out int end)) return;
        if (At(end) is { Kind: TokenKind.Punct } next && next.Text is not (";" or "," or ")" or "]" or "}")) return;
        aliases.Bind(T[i].Text, head);
        NotReferences.Add(i);
        NotReferences.Add(i + 2);
    }

    protected override ChainHead ResolveHead(string identifier) =>
        aliases.TryGetLatest(identifier, out var head) ? head : Unbound(identifier);

    protected override IEnumerable<ChainHead> ResolveHeads(string identifier) => aliases.All(identifier, Unbound(identifier));

    /// <summary>What a name means without a binding of its own: a star-imported API, or itself.</summary>
    private ChainHead Unbound(string identifier)
    {
        foreach (string module in starModules)
        {
            string qualified = Canonical(module + "." + identifier);
            if (KnownApis.Contains(qualified)) return new ChainHead(qualified);
        }
        return new ChainHead(identifier);
    }

    protected override string Canonical(string name)
    {
        foreach (string builtins in BuiltinModules)
        {
            if (name.StartsWith(builtins, StringComparison.Ordinal)) name = name[builtins.Length..];
        }
        // posix / nt are the platform modules behind os.
        if (name.StartsWith("posix.", StringComparison.Ordinal)) name = "os." + name[6..];
        else if (name.StartsWith("nt.", StringComparison.Ordinal)) name = "os." + name[3..];
        return name switch
        {
            "io.open" or "codecs.open" => "open",
            "Path" or "PosixPath" or "WindowsPath" or "pathlib.PosixPath" or "pathlib.WindowsPath" => "pathlib.Path",
            _ => name,
        };
    }

    protected override ChainHead AfterCall(CallSite call)
    {
        var args = Positional(call);
        switch (call.Name)
        {
            case "__import__" or "importlib.import_module" when Literal(Nth(args, 0)) is { } module:
                return new ChainHead(Canonical(module));
            case "pathlib.Path":
                return new ChainHead("pathlib.Path()", HasReceiver: true, ReceiverLiteral: PathValue(Nth(args, 0)));
            case "getattr" when args.Count >= 2 && Literal(args[1]) is { } attribute && IsWholeStaticChain(args[0], out var target):
                return new ChainHead(Canonical(target.Name + "." + attribute));
            default:
                return new ChainHead(call.Name + "()");
        }
    }

    protected override (ScriptFindingKind Kind, bool Recursive)? ReferenceKind(string name) => name switch
    {
        "shutil.rmtree" => (ScriptFindingKind.DeletePath, true),
        "shutil.move" or "os.rename" or "os.replace" or "os.renames" => (ScriptFindingKind.MovePath, false),
        "os.remove" or "os.unlink" or "os.rmdir" or "os.removedirs" => (ScriptFindingKind.DeletePath, false),
        "os.system" or "os.popen" or "exec" or "eval" or "subprocess.getoutput" or "subprocess.getstatusoutput" => (ScriptFindingKind.DynamicCode, false),
        _ when Subprocess.Contains(name) => (ScriptFindingKind.DynamicCode, false),
        _ => null,
    };

    protected override bool IsKeywordArg(TokenRange range, out string name, out TokenRange value)
    {
        name = "";
        value = default;
        var first = T[range.Start];
        if (range.Count >= 2 && first.Kind == TokenKind.Identifier && T[range.Start + 1].Is("="))
        {
            name = first.Text;
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

    /// <summary>A path argument: a literal, Path('lit'), or os.path.join of literals.</summary>
    private string? PathValue(TokenRange? range)
    {
        if (Literal(range) is { } literal) return literal;
        if (range is not { } r || ParseDotted(r.Start, out string dotted) is var open && open < 0) return null;
        // base64.b64decode('...') of a literal, with or without .decode(): the path it hides, decoded.
        if (At(open)?.Is("(") == true && MatchOf(open) is var close and > 0 && close < r.End
            && Canonical(ResolveHead(dotted.Split('.')[0]).Name + (dotted.Contains('.') ? dotted[dotted.IndexOf('.')..] : "")) is "base64.b64decode" or "base64.standard_b64decode" or "base64.urlsafe_b64decode" or "base64.b32decode" or "binascii.a2b_base64"
            && SplitArgs(open + 1, close) is [var encoded, ..] && Literal(encoded) is { } text)
        {
            var tail = close + 1;
            if (tail < r.End && !(T[tail].Is(".") && tail + 1 < r.End && T[tail + 1].Text == "decode")) return null;
            return DecodeBase64(text, dotted.EndsWith("urlsafe_b64decode", StringComparison.Ordinal), dotted.EndsWith("b32decode", StringComparison.Ordinal));
        }
        if (At(open)?.Is("(") != true || MatchOf(open) != r.End - 1) return null;
        int dot = dotted.IndexOf('.', StringComparison.Ordinal);
        string callee = dot < 0 ? ResolveHead(dotted).Name : Canonical(ResolveHead(dotted[..dot]).Name + dotted[dot..]);
        callee = Canonical(callee);
        var parts = SplitArgs(open + 1, r.End - 1);
        if (callee == "pathlib.Path" && parts.Count == 1) return Literal(parts[0]);
        if (callee == "os.path.join" && parts.Count > 0)
        {
            string joined = "";
            foreach (var part in parts)
            {
                if (Literal(part) is not { } piece) return null;
                joined = piece.StartsWith('/') || joined.Length == 0 ? piece : joined.TrimEnd('/') + "/" + piece;
            }
            return joined;
        }
        return null;
    }

    /// <summary>The text a base64 (or base32) literal decodes to, as UTF-8; null when it is not valid.</summary>
    internal static string? DecodeBase64(string text, bool urlSafe, bool base32)
    {
        if (base32) return null;
        var s = text.Trim();
        if (urlSafe) s = s.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=');
        try { return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(s)); }
        catch (FormatException) { return null; }
    }

    // ---- calls ---------------------------------------------------------------------------------------------

    protected override void HandleCall(CallSite call)
    {
        var args = Positional(call);
        TokenRange? Arg(int index, string keyword) => Nth(args, index) ?? KeywordArg(call, keyword);

        switch (call.Name)
        {
            case "shutil.rmtree":
                ReportDelete(call, PathValue(Arg(0, "path")), recursive: true);
                return;
            case "os.remove" or "os.unlink" or "os.rmdir" or "os.removedirs":
                ReportDelete(call, PathValue(Arg(0, "path")), recursive: false);
                return;
            case "os.system" or "os.popen":
                ReportCommand(call, Literal(Arg(0, "command") ?? KeywordArg(call, "cmd")));
                return;
            case "subprocess.getoutput" or "subprocess.getstatusoutput":
                ReportCommand(call, Literal(Arg(0, "cmd")));
                return;
            case var name when Subprocess.Contains(name):
                HandleSubprocess(call, Arg(0, "args"));
                return;
            case "os.execv" or "os.execve" or "os.execvp" or "os.execvpe":
                ReportArgv(call, ListLiteral(Nth(args, 1)));
                return;
            case "pty.spawn" or "os.spawnvp" or "os.spawnv" or "os.posix_spawn" or "os.posix_spawnp":
            {
                // pty.spawn(argv), os.spawnv(mode, path, argv), os.posix_spawn(path, argv, env)
                var argv = call.Name switch { "pty.spawn" => Nth(args, 0), "os.spawnv" or "os.spawnvp" => Nth(args, 2), _ => Nth(args, 1) };
                if (argv is not null && call.Name == "pty.spawn" && Literal(argv) is { } single) ReportCommand(call, single);
                else ReportArgv(call, ListLiteral(argv));
                return;
            }
            case "os.execl" or "os.execlp":
                ReportArgv(call, FlattenArgs(args.Skip(1)));
                return;
            case "os.execle" or "os.execlpe": // the last argument is the environment
                ReportArgv(call, FlattenArgs(args.Skip(1).Take(Math.Max(0, args.Count - 2))));
                return;
            case "exec" or "eval" or "compile":
                if (Arg(0, "source") is { } source) ReportCode(call, source, ScriptLanguage.Python);
                return;
            case "__import__" or "importlib.import_module":
                if (Arg(0, "name") is { } module && Literal(module) is null) ReportDynamic(call, $"{call.Name} imports a module that is not a literal");
                return;
            case "open":
                HandleOpen(call, PathValue(Arg(0, "file")), Arg(1, "mode"), "open");
                return;
            case "shutil.move" or "os.rename" or "os.replace" or "os.renames":
                ReportMove(call, PathValue(Arg(0, "src")), PathValue(Arg(1, "dst")));
                return;
            case "shutil.copy" or "shutil.copy2" or "shutil.copyfile" or "shutil.copytree":
                ReportMove(call, PathValue(Arg(0, "src")), PathValue(Arg(1, "dst")), copy: true, recursive: call.Name == "shutil.copytree");
                return;
            case "os.truncate":
            {
                // os.truncate(path, length): to 0 empties the file; another literal size shrinks or grows it; a size
                // that is not a literal may be 0.
                var size = Arg(1, "length");
                if (size is { Count: 1 } n && T[n.Start].Kind == TokenKind.Number && T[n.Start].Text != "0") ReportWrite(call, PathValue(Arg(0, "path")));
                else ReportEmpty(call, PathValue(Arg(0, "path")));
                return;
            }
            case "pathlib.Path().rename" or "pathlib.Path().replace":
                ReportMove(call, call.ReceiverLiteral, PathValue(Arg(0, "target")), api: "pathlib.Path." + call.LastSegment);
                return;
            case "pathlib.Path().read_text" or "pathlib.Path().read_bytes":
                ReportRead(call, call.ReceiverLiteral, api: "pathlib.Path." + call.LastSegment);
                return;
            case "pathlib.Path().unlink" or "pathlib.Path().rmdir":
                ReportDelete(call, call.ReceiverLiteral, recursive: false, api: "pathlib.Path." + call.LastSegment);
                return;
            case "pathlib.Path().write_text" or "pathlib.Path().write_bytes":
                if (Literal(Arg(0, "data")) is "") ReportEmpty(call, call.ReceiverLiteral, api: "pathlib.Path." + call.LastSegment);
                else ReportWrite(call, call.ReceiverLiteral, api: "pathlib.Path." + call.LastSegment);
                return;
            case "pathlib.Path().open":
                HandleOpen(call, call.ReceiverLiteral, Arg(0, "mode"), "pathlib.Path.open");
                return;
        }

        // p.unlink() / p.rmdir() on a receiver we cannot see: pathlib's zero-argument signatures.
        if (call.IsMethod && args.Count == 0 && call.LastSegment is "unlink" or "rmdir" && !call.Name.StartsWith("os.", StringComparison.Ordinal))
        {
            ReportDelete(call, null, recursive: false, api: "pathlib.Path." + call.LastSegment);
        }
    }

    private void HandleSubprocess(CallSite call, TokenRange? command)
    {
        var shellArg = KeywordArg(call, "shell");
        bool shell = shellArg is { } s && !IsFalsy(s);
        if (command is null)
        {
            ReportDynamic(call, $"{call.Name} runs a command that is not a literal");
        }
        else if (Literal(command) is { } literal)
        {
            ReportCommand(call, literal);
        }
        else if (ListLiteral(command) is { } argv)
        {
            // With shell=True the first list element is the shell script itself.
            if (shell) ReportCommand(call, argv.Count > 0 ? argv[0] : "");
            else ReportArgv(call, argv);
        }
        else
        {
            ReportDynamic(call, $"{call.Name} runs a command that is not a literal");
        }
    }

    /// <summary>open(path, mode): only modes containing 'w' truncate; a mode we cannot read is assumed to.</summary>
    private void HandleOpen(CallSite call, string? path, TokenRange? mode, string api)
    {
        if (mode is null || Literal(mode) is { } rm && !rm.Contains('w') && !rm.Contains('a') && !rm.Contains('x'))
        {
            ReportRead(call, path, api);
            if (mode is null) return;
        }
        if (Literal(mode) is { } m)
        {
            if (m.Contains('w', StringComparison.Ordinal)) ReportWrite(call, path, api);
        }
        else
        {
            ReportWrite(call, path, api, note: " (mode is not a literal)");
        }
    }
}
