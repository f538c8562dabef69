using System;
using System.Buffers;
using System.Collections.Frozen;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Interlock.Core.Interpreters;

/// <summary>
/// Language-independent part of the analysers: walks the token stream, parses call chains such as
/// <c>__import__('os').system(...)</c> or <c>require('fs').promises.rm(...)</c>, splits arguments, folds literal
/// strings and reports findings. Subclasses supply the lexer, alias resolution and the table of destructive APIs.
/// </summary>
internal abstract class ScriptAnalyzerBase
{
    private const int MaxChainSegments = 256;
    protected static readonly FrozenSet<string> NoWords = FrozenSet<string>.Empty;

    private readonly string code;
    private readonly int depth;
    private readonly int maxLength;
    private readonly List<ScriptFinding> findings = [];
    private long budget;
    private int[] match = [];

    protected ScriptAnalyzerBase(string code, int depth, int maxLength)
    {
        this.code = code;
        this.depth = depth;
        this.maxLength = maxLength;
    }

    protected List<Token> T { get; private set; } = [];

    protected abstract LexResult Lex(string source);
    protected abstract bool IsMemberSeparator(Token token);
    protected abstract void HandleCall(CallSite call);

    protected virtual string ConcatOperator => "+";
    protected virtual bool AdjacentLiteralsConcatenate => false;
    protected virtual bool ParenthesizedLists => false;
    protected virtual bool AllowsParenlessCalls => false;
    protected virtual bool AllowsComputedMembers => false;
    /// <summary>Keywords after which an identifier is being defined, not called (def, function, sub, ...).</summary>
    protected virtual FrozenSet<string> DefinitionKeywords => NoWords;
    /// <summary>Api name reported for backtick / qx / %x tokens.</summary>
    protected virtual string CommandTokenApi(Token token) => token.Text.StartsWith('`') ? "backticks" : "qx";

    protected virtual void CollectAliases() { }
    /// <summary>The single best resolution of a name (used while collecting aliases and for nested chains).</summary>
    protected virtual ChainHead ResolveHead(string identifier) => new(identifier);
    /// <summary>Every resolution of a name that a call through it should be checked under.</summary>
    protected virtual IEnumerable<ChainHead> ResolveHeads(string identifier) => [ResolveHead(identifier)];
    protected virtual string Canonical(string name) => name;
    protected virtual ChainHead AfterCall(CallSite call) => new(call.Name + "()");
    protected virtual int SkipChainPrefix(int index) => index;
    protected virtual bool IsArgSeparator(Token token) => token.Is(",");
    protected virtual bool WantsParenlessCall(string name) => false;
    protected virtual bool StartsParenlessArgs(int index) => false;
    protected virtual bool EndsParenlessArgs(int index) => true;
    protected virtual bool IsKeywordArg(TokenRange range, out string name, out TokenRange value)
    {
        name = "";
        value = default;
        return false;
    }

    public IReadOnlyList<ScriptFinding> Run()
    {
        var lexed = Lex(code);
        T = lexed.Tokens;
        match = BuildMatches(T);
        // Bounds the total work of argument scanning so adversarial input cannot go quadratic.
        budget = 4_000_000L + 64L * T.Count;
        try
        {
            CollectAliases();
            for (int i = 0; i < T.Count; i++)
            {
                var token = T[i];
                if (token.Kind is TokenKind.Command or TokenKind.Regex) HandleToken(i);
                else if (token.Kind == TokenKind.Identifier && IsChainStart(i))
                {
                    AnalyzeChain(i);
                }
            }
        }
        catch (BudgetExceeded)
        {
            findings.Add(new ScriptFinding(ScriptFindingKind.Indeterminate, "analyzer", null, false, 0, code.Length,
                "analysis work limit reached"));
        }

        if (lexed.Error is not null)
        {
            findings.Add(new ScriptFinding(ScriptFindingKind.Indeterminate, "lexer", null, false, lexed.ErrorPosition,
                code.Length - lexed.ErrorPosition, $"cannot lex the script: {lexed.Error}"));
        }
        return findings.OrderBy(f => f.Start).ToList();
    }

    // ---- token helpers -------------------------------------------------------------------------------------

    protected Token? At(int index) => index >= 0 && index < T.Count ? T[index] : null;
    protected int MatchOf(int index) => index >= 0 && index < match.Length ? match[index] : -1;

    private void Spend(int amount = 1)
    {
        budget -= amount;
        if (budget < 0) throw new BudgetExceeded();
    }

    private static int[] BuildMatches(List<Token> tokens)
    {
        var result = new int[tokens.Count];
        Array.Fill(result, -1);
        var stack = new List<int>();
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.IsOpener)
            {
                stack.Add(i);
            }
            else if (t.IsCloser && stack.Count > 0)
            {
                string opener = t.Text switch { ")" => "(", "]" => "[", _ => "{" };
                if (tokens[stack[^1]].Text != opener) continue; // stray closer: ignore
                int j = stack[^1];
                stack.RemoveAt(stack.Count - 1);
                result[i] = j;
                result[j] = i;
            }
        }
        return result;
    }

    protected virtual bool IsChainStart(int i)
    {
        if (i == 0) return true;
        var prev = T[i - 1];
        if (IsMemberSeparator(prev)) return false;
        return !(prev.Kind == TokenKind.Identifier && DefinitionKeywords.Contains(prev.Text));
    }

    // ---- call chains ---------------------------------------------------------------------------------------

    /// <summary>
    /// Analyses the chain starting at <paramref name="start"/> once per way its first name can resolve: aliases are
    /// collected flow-insensitively, so a later rebinding (os = None) must not hide an earlier os.system(...).
    /// A call that already produced findings under one resolution is not reported again under another.
    /// </summary>
    private void AnalyzeChain(int start)
    {
        var reportedCalls = new List<int>();
        var seenNames = new List<string>();
        foreach (var head in ResolveHeads(T[start].Text))
        {
            if (seenNames.Contains(head.Name) && !head.HasReceiver) continue;
            seenNames.Add(head.Name);
            var calls = ParseChain(start, head, out var reference);
            foreach (var call in calls)
            {
                if (reportedCalls.Contains(call.EndToken)) continue;
                int before = findings.Count;
                HandleCall(call);
                if (findings.Count > before) reportedCalls.Add(call.EndToken);
            }
            if (reference is { } r && !reportedCalls.Contains(-1) && !NotReferences.Contains(start) && ReferenceKind(r.Name) is { } kind)
            {
                // map(os.remove, files), files.forEach(fs.unlinkSync): the function escapes, its argument is unknown.
                Report(kind.Kind, r.Name, null, kind.Recursive, start, r.EndToken, $"{r.Name} is passed as a function value; what it acts on is unknown");
                reportedCalls.Add(-1);
            }
        }
    }

    /// <summary>Chain starts that name a function without calling it but are bindings, not uses (imports, alias right-hand sides).</summary>
    protected HashSet<int> NotReferences { get; } = [];

    /// <summary>The finding a dangerous function gets when it is used as a value instead of being called; null if harmless.</summary>
    protected virtual (ScriptFindingKind Kind, bool Recursive)? ReferenceKind(string name) => null;

    private List<CallSite> ParseChain(int start, ChainHead head, out (string Name, int EndToken)? reference)
    {
        reference = null;
        var calls = new List<CallSite>();
        string name = head.Name;
        int j = start + 1;
        bool endedWithCall = false;
        for (int segment = 0; segment < MaxChainSegments && j < T.Count; segment++)
        {
            Spend();
            if (TryCallAt(j, name, head, start, out var call))
            {
                calls.Add(call);
                head = AfterCall(call);
                name = head.Name;
                j = call.EndToken;
                endedWithCall = true;
            }
            else if (TryMemberAt(j, out string member, out int next))
            {
                name += "." + member;
                j = next;
                endedWithCall = false;
            }
            else
            {
                break;
            }
        }

        if (!endedWithCall && !AllowsParenlessCalls) reference = (Canonical(name), j);
        if (!endedWithCall && AllowsParenlessCalls)
        {
            string canonical = Canonical(name);
            if (WantsParenlessCall(canonical))
            {
                int end = j;
                IReadOnlyList<TokenRange> args = StartsParenlessArgs(j) ? ParenlessArgs(j, out end) : [];
                calls.Add(new CallSite
                {
                    Name = canonical, StartToken = start, EndToken = end, Args = args, Parenless = true,
                    HasReceiver = head.HasReceiver, ReceiverLiteral = head.ReceiverLiteral,
                });
            }
        }
        return calls;
    }

    private bool TryCallAt(int j, string name, ChainHead head, int start, out CallSite call)
    {
        call = null!;
        var t = T[j];
        if (!t.Is("(") || t.Synthetic) return false;
        int close = match[j];
        int argsEnd = close < 0 ? T.Count : close;
        call = new CallSite
        {
            Name = Canonical(name),
            StartToken = start,
            EndToken = close < 0 ? T.Count : close + 1,
            Args = SplitArgs(j + 1, argsEnd),
            HasReceiver = head.HasReceiver,
            ReceiverLiteral = head.ReceiverLiteral,
        };
        return true;
    }

    private bool TryMemberAt(int j, out string member, out int next)
    {
        member = "";
        next = j;
        var t = T[j];
        if (IsMemberSeparator(t) && At(j + 1) is { Kind: TokenKind.Identifier } name)
        {
            member = name.Text;
            next = j + 2;
            return true;
        }
        // obj['rmSync'] is the same member as obj.rmSync.
        if (AllowsComputedMembers && t.Is("[") && At(j + 1) is { Kind: TokenKind.String, Value: { } value } && At(j + 2)?.Is("]") == true)
        {
            member = value;
            next = j + 3;
            return true;
        }
        return false;
    }

    /// <summary>
    /// Resolves a chain made only of names and module-producing calls (require('fs'), __import__('os'),
    /// Path('x')), as used on the right of an alias assignment. Fails on any other call.
    /// </summary>
    protected bool TryStaticChain(int index, out ChainHead head, out int end)
    {
        head = default;
        end = index;
        index = SkipChainPrefix(index);
        if (At(index) is not { Kind: TokenKind.Identifier } first) return false;
        head = ResolveHead(first.Text);
        string name = head.Name;
        int j = index + 1;
        for (int segment = 0; segment < MaxChainSegments && j < T.Count; segment++)
        {
            Spend();
            if (TryCallAt(j, name, head, index, out var call))
            {
                head = AfterCall(call);
                if (!head.HasReceiver && head.Name.EndsWith("()", StringComparison.Ordinal)) return false;
                name = head.Name;
                j = call.EndToken;
            }
            else if (TryMemberAt(j, out string member, out int next))
            {
                name += "." + member;
                j = next;
            }
            else
            {
                break;
            }
        }
        head = head with { Name = Canonical(name) };
        end = j;
        return true;
    }

    /// <summary>True when the range is exactly a static chain (see <see cref="TryStaticChain"/>).</summary>
    protected bool IsWholeStaticChain(TokenRange range, out ChainHead head) =>
        TryStaticChain(range.Start, out head, out int end) && end == range.End;

    protected List<TokenRange> SplitArgs(int from, int to)
    {
        var args = new List<TokenRange>();
        int start = from;
        to = Math.Min(to, T.Count);
        for (int k = from; k < to; k++)
        {
            Spend();
            var t = T[k];
            if (t.IsOpener && match[k] > k)
            {
                k = Math.Min(match[k], to - 1);
                continue;
            }
            if (IsArgSeparator(t))
            {
                if (k > start) args.Add(new TokenRange(start, k));
                start = k + 1;
            }
        }
        if (to > start) args.Add(new TokenRange(start, to));
        return args;
    }

    private List<TokenRange> ParenlessArgs(int from, out int end)
    {
        int k = from;
        while (k < T.Count)
        {
            Spend();
            var t = T[k];
            if (k > from && EndsParenlessArgs(k)) break;
            if (t.IsOpener)
            {
                if (match[k] < k) { k = T.Count; break; }
                k = match[k] + 1;
                continue;
            }
            if (t.IsCloser) break;
            k++;
        }
        end = k;
        return SplitArgs(from, k);
    }

    protected List<TokenRange> Positional(CallSite call) =>
        call.Args.Where(a => !IsKeywordArg(a, out _, out _)).ToList();

    protected TokenRange? KeywordArg(CallSite call, string name)
    {
        foreach (var arg in call.Args)
        {
            if (IsKeywordArg(arg, out string n, out var value) && n == name) return value;
        }
        return null;
    }

    protected static TokenRange? Nth(List<TokenRange> args, int index) => index < args.Count ? args[index] : null;

    // ---- literal evaluation --------------------------------------------------------------------------------

    private (int Start, int End) StripParens(TokenRange range)
    {
        int s = range.Start, e = range.End;
        while (e - s >= 2 && T[s].Is("(") && !T[s].Synthetic && match[s] == e - 1)
        {
            s++;
            e--;
        }
        return (s, e);
    }

    /// <summary>The value of a literal string expression: one literal, adjacent literals, or literals joined by the concat operator.</summary>
    protected string? Literal(TokenRange? range)
    {
        if (range is not { } r || r.Count <= 0) return null;
        var (s, e) = StripParens(r);
        var sb = new StringBuilder();
        bool needOperand = true;
        for (int k = s; k < e; k++)
        {
            Spend();
            var t = T[k];
            if (t.Kind == TokenKind.String && t.Value is { } value)
            {
                if (!needOperand && !AdjacentLiteralsConcatenate) return null;
                if (sb.Length + value.Length > maxLength) return null;
                sb.Append(value);
                needOperand = false;
            }
            else if (t.Is(ConcatOperator) && !needOperand)
            {
                needOperand = true;
            }
            // Recurse on the group's contents only (strictly smaller, so it terminates); interpolation groups are never literal.
            else if (t.Is("(") && !t.Synthetic && needOperand && match[k] > k && match[k] < e && Literal(new TokenRange(k + 1, match[k])) is { } inner)
            {
                sb.Append(inner);
                needOperand = false;
                k = match[k];
            }
            else
            {
                return null;
            }
        }
        return needOperand ? null : sb.ToString();
    }

    /// <summary>Decoded text of a string literal before its first interpolation (for "&gt;$file"-style checks).</summary>
    protected string? LiteralPrefix(TokenRange? range)
    {
        if (range is not { } r || r.Count <= 0) return null;
        var (s, e) = StripParens(r);
        return s < e && T[s].Kind == TokenKind.String ? T[s].LiteralPrefix : null;
    }

    /// <summary>Elements of a list literal ([..], (..) where lists are parenthesised, qw/%w, PHP array(..)) when all are literal.</summary>
    protected List<string>? ListLiteral(TokenRange? range)
    {
        if (range is not { } r || r.Count <= 0) return null;
        int s = r.Start, e = r.End;
        if (e - s == 1 && T[s].Kind == TokenKind.WordList) return T[s].Words?.ToList();
        if (T[s].Is("[") && match[s] == e - 1) return FlattenArgs(SplitArgs(s + 1, e - 1));
        if (ParenthesizedLists && T[s].Is("(") && !T[s].Synthetic && match[s] == e - 1) return FlattenArgs(SplitArgs(s + 1, e - 1));
        if (T[s].Kind == TokenKind.Identifier && T[s].Text.Equals("array", StringComparison.OrdinalIgnoreCase)
            && At(s + 1)?.Is("(") == true && match[s + 1] == e - 1)
        {
            return FlattenArgs(SplitArgs(s + 2, e - 1));
        }
        return null;
    }

    /// <summary>Flattens arguments that are each a literal or a literal list; null when any is not literal.</summary>
    protected List<string>? FlattenArgs(IEnumerable<TokenRange> args)
    {
        var items = new List<string>();
        foreach (var arg in args)
        {
            if (Literal(arg) is { } literal) items.Add(literal);
            else if (ListLiteral(arg) is { } list) items.AddRange(list);
            else return null;
        }
        return items;
    }

    /// <summary>Keys of an object / hash / dict literal {k: v, "k" => v, k => v} mapped to their value ranges.</summary>
    protected Dictionary<string, TokenRange>? Props(TokenRange? range)
    {
        if (range is not { } r || r.Count < 2 || !T[r.Start].Is("{") || match[r.Start] != r.End - 1) return null;
        var props = new Dictionary<string, TokenRange>(StringComparer.Ordinal);
        foreach (var element in SplitArgs(r.Start + 1, r.End - 1))
        {
            var first = T[element.Start];
            if (first.Kind == TokenKind.Label)
            {
                props[first.Text] = new TokenRange(element.Start + 1, element.End);
            }
            else if (element.Count >= 2 && (T[element.Start + 1].Is(":") || T[element.Start + 1].Is("=>")))
            {
                string? key = first.Kind switch
                {
                    TokenKind.String or TokenKind.Symbol => first.Value,
                    TokenKind.Identifier or TokenKind.Number => first.Text,
                    _ => null,
                };
                if (key is not null) props[key] = new TokenRange(element.Start + 2, element.End);
            }
            else if (element.Count == 1 && first.Kind == TokenKind.Identifier)
            {
                props[first.Text] = element; // JS shorthand {recursive}
            }
        }
        return props;
    }

    /// <summary>True when an options literal sets <paramref name="key"/> to anything but a literal false value.</summary>
    protected bool Flag(TokenRange? options, string key) =>
        Props(options) is { } props && props.TryGetValue(key, out var value) && !IsFalsy(value);

    protected bool IsFalsy(TokenRange range)
    {
        if (range.Count != 1) return false;
        var t = T[range.Start];
        return t.Kind == TokenKind.String ? t.Value == "" : t.Text is "false" or "False" or "0" or "null" or "undefined" or "nil" or "None";
    }

    protected bool StartsWithPunct(TokenRange? range, string punct) => range is { Count: > 0 } r && T[r.Start].Is(punct);

    // ---- reporting -----------------------------------------------------------------------------------------

    private (int Start, int Length) SpanOf(int startToken, int endToken)
    {
        if (T.Count == 0) return (0, 0);
        startToken = Math.Clamp(startToken, 0, T.Count - 1);
        endToken = Math.Clamp(endToken, startToken + 1, T.Count);
        int start = T[startToken].Start;
        int end = start;
        for (int k = Math.Max(startToken, endToken - 2); k < endToken; k++) end = Math.Max(end, T[k].End);
        return (start, end - start);
    }

    protected void Report(ScriptFindingKind kind, string api, string? argument, bool recursive, int startToken, int endToken, string description)
    {
        var (start, length) = SpanOf(startToken, endToken);
        findings.Add(new ScriptFinding(kind, api, argument, recursive, start, length, description));
    }

    protected void ReportDelete(CallSite call, string? path, bool recursive, string? api = null)
    {
        api ??= call.Name;
        string what = path is null ? "a path that is not a literal" : $"'{path}'";
        Report(ScriptFindingKind.DeletePath, api, path, recursive, call.StartToken, call.EndToken,
            $"{api} deletes {what}{(recursive ? " recursively" : "")}");
    }

    protected void ReportMove(CallSite call, string? source, string? destination, bool copy = false, bool recursive = false, string? api = null)
    {
        api ??= call.Name;
        var (start, length) = SpanOf(call.StartToken, call.EndToken);
        findings.Add(new ScriptFinding(copy ? ScriptFindingKind.CopyPath : ScriptFindingKind.MovePath, api, source, recursive, start, length,
            $"{api} {(copy ? "copies" : "moves")} {(source is null ? "a path that is not a literal" : $"'{source}'")} to {(destination is null ? "a path that is not a literal" : $"'{destination}'")}")
        { Destination = destination });
    }

    protected void ReportEmpty(CallSite call, string? path, string? api = null)
    {
        api ??= call.Name;
        Report(ScriptFindingKind.EmptyFile, api, path, false, call.StartToken, call.EndToken,
            $"{api} empties {(path is null ? "a file that is not a literal" : $"'{path}'")}");
    }

    protected void ReportRead(CallSite call, string? path, string? api = null)
    {
        if (path is null) return; // a computed name: reads are reported only to find secret files by name
        api ??= call.Name;
        Report(ScriptFindingKind.ReadFile, api, path, false, call.StartToken, call.EndToken, $"{api} reads '{path}'");
    }

    protected void ReportWrite(CallSite call, string? path, string? api = null, string? note = null)
    {
        api ??= call.Name;
        string what = path is null ? "a path that is not a literal" : $"'{path}'";
        Report(ScriptFindingKind.WriteFile, api, path, false, call.StartToken, call.EndToken,
            $"{api} overwrites {what}{note}");
    }

    /// <summary>One DeletePath per path argument (literal, literal list, or unknown), skipping option hashes and flags.</summary>
    protected void ReportDeleteEach(CallSite call, IEnumerable<TokenRange> args, bool recursive)
    {
        foreach (var arg in args)
        {
            if (StartsWithPunct(arg, "{") || (arg.Count == 1 && T[arg.Start].Kind is TokenKind.Number or TokenKind.Symbol) || IsKeywordArg(arg, out _, out _))
            {
                continue;
            }
            if (Literal(arg) is { } path) ReportDelete(call, path, recursive);
            else if (ListLiteral(arg) is { } paths) paths.ForEach(p => ReportDelete(call, p, recursive));
            else ReportDelete(call, null, recursive);
        }
    }

    /// <summary>A shell command string; a command that is not a literal becomes DynamicCode.</summary>
    protected void ReportCommand(CallSite call, string? command, string? api = null) =>
        ReportCommandSpan(api ?? call.Name, command, call.StartToken, call.EndToken);

    protected void ReportCommandSpan(string api, string? command, int startToken, int endToken)
    {
        if (command is not null)
        {
            Report(ScriptFindingKind.ShellCommand, api, command, false, startToken, endToken, $"{api} runs shell command: {command}");
        }
        else
        {
            Report(ScriptFindingKind.DynamicCode, api, null, false, startToken, endToken, $"{api} runs a command that is not a literal");
        }
    }

    /// <summary>A command given as an argv list (no shell): reported as one shell-quoted string.</summary>
    protected void ReportArgv(CallSite call, List<string>? argv, string? api = null) =>
        ReportCommand(call, argv is null ? null : ShellWords.FromArgv(argv), api);

    protected void ReportDynamic(CallSite call, string description, string? api = null) =>
        Report(ScriptFindingKind.DynamicCode, api ?? call.Name, null, false, call.StartToken, call.EndToken, description);

    /// <summary>eval-like call: a literal is analysed recursively as <paramref name="language"/>, anything else is DynamicCode.</summary>
    protected void ReportCode(CallSite call, TokenRange? source, ScriptLanguage language, string? api = null)
    {
        api ??= call.Name;
        if (Literal(source) is { } literal) AnalyzeNested(literal, language, call.StartToken, call.EndToken, api);
        else ReportDynamic(call, $"{api} evaluates code that is not a literal", api);
    }

    protected void AnalyzeNested(string source, ScriptLanguage language, int startToken, int endToken, string via)
    {
        if (depth + 1 > ScriptAnalyzer.MaxDepth)
        {
            Report(ScriptFindingKind.Indeterminate, via, null, false, startToken, endToken, $"{via}: code nested too deeply to analyse");
            return;
        }
        var (start, length) = SpanOf(startToken, endToken);
        foreach (var inner in ScriptAnalyzer.AnalyzeCore(source, language, maxLength, depth + 1))
        {
            findings.Add(inner with { Start = start, Length = length, Description = $"inside {via}: {inner.Description}" });
        }
    }

    /// <summary>Default handling of command-substitution tokens (backticks, qx, %x).</summary>
    protected virtual void HandleToken(int index)
    {
        var token = T[index];
        if (token.Kind == TokenKind.Command) ReportCommandSpan(CommandTokenApi(token), token.Value, index, index + 1);
    }

    private sealed class BudgetExceeded : Exception;
}

/// <summary>Name bindings (imports, require, assignments) collected in one pass over the script.</summary>
internal sealed class AliasTable
{
    private const int MaxBindingsPerName = 8;
    private readonly Dictionary<string, List<ChainHead>> bindings = new(StringComparer.Ordinal);

    public void Bind(string name, ChainHead head)
    {
        if (!bindings.TryGetValue(name, out var list)) bindings[name] = list = [];
        list.Remove(head);
        if (list.Count >= MaxBindingsPerName) list.RemoveAt(0);
        list.Add(head);
    }

    /// <summary>The most recent binding so far: while collecting in text order this is the one in force.</summary>
    public bool TryGetLatest(string name, out ChainHead head)
    {
        head = default;
        if (!bindings.TryGetValue(name, out var list) || list.Count == 0) return false;
        head = list[^1];
        return true;
    }

    /// <summary>All bindings of a name, latest first, then <paramref name="fallback"/> (the unbound meaning).</summary>
    public IEnumerable<ChainHead> All(string name, ChainHead fallback)
    {
        if (bindings.TryGetValue(name, out var list))
        {
            for (int i = list.Count - 1; i >= 0; i--) yield return list[i];
        }
        yield return fallback;
    }
}

/// <summary>Turns argv lists into one shell command string for the shell analyser.</summary>
internal static class ShellWords
{
    private static readonly SearchValues<char> NeedsQuoting = SearchValues.Create(" \t\n\r'\"\\$`;&|<>()*?[]{}#~!");
    private static readonly FrozenSet<string> Shells = new[] { "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh", "busybox sh" }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>["sh","-c",cmd,...] yields cmd itself; anything else is joined, quoting words that the shell would split or expand.</summary>
    public static string FromArgv(IReadOnlyList<string> argv)
    {
        if (argv.Count >= 3 && IsShell(argv[0]) && IsDashC(argv[1])) return argv[2];
        return string.Join(" ", argv.Select(Quote));
    }

    public static string Quote(string word)
    {
        if (word.Length == 0) return "''";
        return word.AsSpan().IndexOfAny(NeedsQuoting) < 0 ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static bool IsShell(string program)
    {
        int slash = program.LastIndexOf('/');
        return Shells.Contains(slash >= 0 ? program[(slash + 1)..] : program);
    }

    /// <summary>-c, -lc, -ec, -xc ...: option clusters that make the next word the script.</summary>
    private static bool IsDashC(string option) =>
        option.Length >= 2 && option[0] == '-' && option.Contains('c', StringComparison.Ordinal) && option.Skip(1).All(char.IsAsciiLetter);
}
