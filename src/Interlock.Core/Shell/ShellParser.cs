using System.Runtime.CompilerServices;
using System.Text;

namespace Interlock.Core.Shell;

/// <summary>Bounds on the work one parse may do. Hitting any of them makes the result indeterminate.</summary>
public sealed record ParseLimits(int MaxLength = 256 * 1024, int MaxDepth = 48, int MaxNodes = 20_000)
{
    public static readonly ParseLimits Default = new();
}

/// <summary>The outcome of a parse: a script, or the reason none could be produced.</summary>
public sealed record ParseResult(Script? Script, string? Error, int ErrorPosition, bool LimitHit)
{
    public bool Success => Script is not null;
}

/// <summary>
/// A recursive-descent parser for POSIX sh plus the bash syntax agents use. It reads characters directly
/// (shell tokenisation depends on grammatical context) and never throws to its caller.
/// </summary>
public sealed class ShellParser
{
    private static readonly string[] ReservedStops = ["then", "else", "elif", "fi", "do", "done", "esac", "}"];

    private readonly string _s;
    private readonly ParseLimits _limits;
    private int _pos;
    private int _depth;
    private int _nodes;
    private readonly List<HereDocument> _pendingHereDocs = [];

    /// <summary>Work shared with the parsers of nested text (arithmetic, here-document bodies, backquotes).</summary>
    private sealed class SharedBudget
    {
        /// <summary><c>$((</c> inside another <c>$((</c> that turned out not to be arithmetic and were re-read as <c>$( (</c>.</summary>
        public int ArithmeticRetries;

        /// <summary>How many <c>$((</c> readings are in progress (nested in each other).</summary>
        public int OpenAttempts;
    }

    /// <summary>Each failed <c>$((</c> re-reads its text as a command substitution, whose nested <c>$((</c> are tried
    /// again: nested failures double the work per level (a 185-byte input took a second; found by fuzzing). Past this
    /// many nested retries the command is too ambiguous to analyse; retries one after another (`$((cd a) && ls)` in
    /// many places) are not counted, they cost linear work.</summary>
    private const int MaxArithmeticRetries = 64;

    private SharedBudget _budget = new();

    private sealed class ParseException(string message, int position, bool limit) : Exception(message)
    {
        public int Position { get; } = position;
        public bool Limit { get; } = limit;
    }

    private ShellParser(string source, ParseLimits limits)
    {
        _s = source;
        _limits = limits;
    }

    public static ParseResult Parse(string source, ParseLimits? limits = null)
    {
        limits ??= ParseLimits.Default;
        if (source.Length > limits.MaxLength)
            return new ParseResult(null, $"command is {source.Length} characters long; the limit is {limits.MaxLength}", limits.MaxLength, true);
        if (source.Contains('\0'))
            return new ParseResult(null, "command contains a NUL character, which no shell accepts in a command line", source.IndexOf('\0'), false);
        var parser = new ShellParser(source, limits);
        try
        {
            var script = parser.ParseScript(topLevel: true);
            parser.SkipBlanksAndComments();
            if (parser._pos < source.Length)
                throw parser.Error($"unexpected '{source[parser._pos]}'");
            if (parser._pendingHereDocs.Count > 0)
                parser.ReadPendingHereDocs();
            return new ParseResult(script, null, -1, false);
        }
        catch (ParseException e)
        {
            return new ParseResult(null, e.Message, e.Position, e.Limit);
        }
        catch (InsufficientExecutionStackException)
        {
            return new ParseResult(null, "command nests too deeply to analyse", parser._pos, true);
        }
    }

    // ------------------------------------------------------------ helpers

    private ParseException Error(string message) => new($"syntax error at offset {_pos}: {message}", _pos, false);

    private void Count()
    {
        if (++_nodes > _limits.MaxNodes)
            throw new ParseException($"command has more than {_limits.MaxNodes} syntax elements; too large to analyse", _pos, true);
    }

    private void Enter()
    {
        if (++_depth > _limits.MaxDepth)
            throw new ParseException($"command nests more than {_limits.MaxDepth} levels deep; too deep to analyse", _pos, true);
        RuntimeHelpers.EnsureSufficientExecutionStack();
    }

    private void Leave() => _depth--;

    private char Peek(int ahead = 0) => _pos + ahead < _s.Length ? _s[_pos + ahead] : '\0';
    private bool AtEnd => _pos >= _s.Length;
    private bool StartsWith(string text) => string.CompareOrdinal(_s, _pos, text, 0, text.Length) == 0;

    private static bool IsBlank(char c) => c is ' ' or '\t' or '\r';
    private static bool IsMeta(char c) => c is ' ' or '\t' or '\r' or '\n' or ';' or '&' or '|' or '<' or '>' or '(' or ')';
    private static bool IsNameStart(char c) => c == '_' || char.IsAsciiLetter(c);
    private static bool IsNameChar(char c) => c == '_' || char.IsAsciiLetterOrDigit(c);

    private void SkipBlanks()
    {
        while (!AtEnd)
        {
            var c = _s[_pos];
            if (IsBlank(c)) _pos++;
            else if (c == '\\' && Peek(1) == '\n') _pos += 2; // line continuation
            else if (c == '\\' && Peek(1) == '\r' && Peek(2) == '\n') _pos += 3;
            else break;
        }
    }

    private void SkipBlanksAndComments()
    {
        SkipBlanks();
        if (Peek() == '#')
            while (!AtEnd && _s[_pos] != '\n') _pos++;
    }

    /// <summary>Skips blanks, comments and newlines (reading any here-document bodies the newlines start).</summary>
    private void SkipLineBreaks()
    {
        while (true)
        {
            SkipBlanksAndComments();
            if (Peek() == '\n') { _pos++; ReadPendingHereDocs(); }
            else return;
        }
    }

    /// <summary>Looks at the next word without consuming it, when it is a plain unquoted token.</summary>
    private string? PeekBareWord()
    {
        var p = _pos;
        while (p < _s.Length && !IsMeta(_s[p]) && _s[p] is not ('\'' or '"' or '\\' or '$' or '`')) p++;
        if (p < _s.Length && _s[p] is '\'' or '"' or '\\' or '$' or '`') return null;
        return p == _pos ? null : _s[_pos..p];
    }

    private bool AtReservedWord(string word)
    {
        var w = PeekBareWord();
        return w == word;
    }

    private void ExpectReserved(string word)
    {
        SkipLineBreaks();
        if (!AtReservedWord(word)) throw Error($"expected '{word}'");
        _pos += word.Length;
    }

    // ------------------------------------------------------------ lists

    private Script ParseScript(bool topLevel = false)
    {
        Enter();
        var start = _pos;
        var items = new List<ListItem>();
        while (true)
        {
            SkipLineBreaks();
            if (AtEnd) break;
            var c = Peek();
            if (c == ')' ) break;
            if (c == ';' && Peek(1) is ';' or '&') break; // case item terminator
            if (c is ';' or '&' ) throw Error($"unexpected '{c}'");
            var bare = PeekBareWord();
            if (bare is not null && Array.IndexOf(ReservedStops, bare) >= 0) break;

            var andOr = ParseAndOr();
            SkipBlanksAndComments();
            var background = false;
            if (Peek() == '&' && Peek(1) != '&') { _pos++; background = true; }
            else if (Peek() == ';' && Peek(1) is not (';' or '&')) _pos++;
            else if (Peek() == '\n') { _pos++; ReadPendingHereDocs(); }
            else if (!AtEnd && Peek() != ')' && !(Peek() == ';' && Peek(1) is ';' or '&'))
            {
                var next = PeekBareWord();
                if (next is null || Array.IndexOf(ReservedStops, next) < 0)
                    throw Error($"unexpected '{Peek()}'");
            }
            items.Add(new ListItem(andOr, background));
            Count();
        }
        Leave();
        return new Script(Span.FromTo(start, _pos), items);
    }

    private AndOr ParseAndOr()
    {
        var start = _pos;
        var pipelines = new List<Pipeline> { ParsePipeline() };
        var ops = new List<string>();
        while (true)
        {
            SkipBlanksAndComments();
            if (StartsWith("&&") || StartsWith("||"))
            {
                ops.Add(_s.Substring(_pos, 2));
                _pos += 2;
                SkipLineBreaks();
                pipelines.Add(ParsePipeline());
            }
            else break;
        }
        return new AndOr(Span.FromTo(start, _pos), pipelines, ops);
    }

    private Pipeline ParsePipeline()
    {
        SkipBlanks();
        var start = _pos;
        var negated = false;
        // `time` and `!` prefix a whole pipeline.
        while (true)
        {
            if (Peek() == '!' && (IsBlank(Peek(1)) || Peek(1) == '\n')) { negated = !negated; _pos++; SkipBlanks(); continue; }
            break;
        }
        var commands = new List<Command> { ParseCommand() };
        while (true)
        {
            SkipBlanks();
            if (Peek() == '|' && Peek(1) != '|')
            {
                _pos += Peek(1) == '&' ? 2 : 1;
                SkipLineBreaks();
                commands.Add(ParseCommand());
            }
            else break;
        }
        return new Pipeline(Span.FromTo(start, _pos), commands, negated);
    }

    // ------------------------------------------------------------ commands

    private Command ParseCommand()
    {
        Enter();
        Count();
        SkipBlanks();
        var start = _pos;
        Command command;
        if (AtEnd) throw Error("expected a command");
        if (StartsWith("((")) command = ParseArithmeticCommand(start);
        else if (Peek() == '(') command = ParseSubshell(start);
        else
        {
            var bare = PeekBareWord();
            command = bare switch
            {
                "{" => ParseBraceGroup(start),
                "if" => ParseIf(start),
                "for" or "select" => ParseFor(start),
                "while" or "until" => ParseLoop(start),
                "case" => ParseCase(start),
                "function" => ParseFunctionKeyword(start),
                "[[" => ParseDoubleBracket(start),
                _ => ParseSimpleCommandOrFunction(start),
            };
        }
        Leave();
        return command;
    }

    private List<Redirect> ParseTrailingRedirects()
    {
        var redirects = new List<Redirect>();
        while (true)
        {
            SkipBlanks();
            var r = TryParseRedirect();
            if (r is null) break;
            redirects.Add(r);
        }
        return redirects;
    }

    private Command ParseSubshell(int start)
    {
        _pos++; // (
        var body = ParseScript();
        SkipLineBreaks();
        if (Peek() != ')') throw Error("expected ')' to close the subshell");
        _pos++;
        var redirects = ParseTrailingRedirects();
        return new SubshellCommand(Span.FromTo(start, _pos), body, redirects);
    }

    private Command ParseArithmeticCommand(int start)
    {
        _pos += 2;
        var expr = ReadArithmeticBody();
        var words = new List<Word> { ArithmeticWord(expr, start) };
        var redirects = ParseTrailingRedirects();
        return new TestCommand(Span.FromTo(start, _pos), words, redirects);
    }

    private Word ArithmeticWord(string expression, int start)
    {
        // Substitutions inside arithmetic still run: parse the expression as double-quoted text to find them.
        var inner = new ShellParser(expression, _limits) { _depth = _depth, _budget = _budget };
        try
        {
            var w = inner.ReadDoubleQuotedContent(untilQuote: false);
            _nodes += inner._nodes;
            return new Word(Span.FromTo(start, _pos), w);
        }
        catch (ParseException e) { throw new ParseException(e.Message, start, e.Limit); }
    }

    /// <summary>Reads up to the matching <c>))</c>, keeping nested parentheses balanced.</summary>
    private string ReadArithmeticBody()
    {
        var start = _pos;
        var depth = 0;
        while (!AtEnd)
        {
            var c = _s[_pos];
            if (c == '(') depth++;
            else if (c == ')')
            {
                if (depth == 0 && Peek(1) == ')') { var text = _s[start.._pos]; _pos += 2; return text; }
                depth--;
                if (depth < 0) throw Error("unbalanced ')' in arithmetic");
            }
            _pos++;
        }
        throw Error("unterminated arithmetic '(('");
    }

    private Command ParseBraceGroup(int start)
    {
        _pos++; // {
        var body = ParseScript();
        ExpectReserved("}");
        var redirects = ParseTrailingRedirects();
        return new BraceGroupCommand(Span.FromTo(start, _pos), body, redirects);
    }

    private Command ParseIf(int start)
    {
        _pos += 2;
        var branches = new List<(Script, Script)>();
        Script? elseBody = null;
        var condition = ParseScript();
        ExpectReserved("then");
        var body = ParseScript();
        branches.Add((condition, body));
        while (true)
        {
            SkipLineBreaks();
            if (AtReservedWord("elif"))
            {
                _pos += 4;
                var c = ParseScript();
                ExpectReserved("then");
                branches.Add((c, ParseScript()));
            }
            else if (AtReservedWord("else"))
            {
                _pos += 4;
                elseBody = ParseScript();
            }
            else break;
        }
        ExpectReserved("fi");
        var redirects = ParseTrailingRedirects();
        return new IfCommand(Span.FromTo(start, _pos), branches, elseBody, redirects);
    }

    private Command ParseFor(int start)
    {
        _pos += PeekBareWord()!.Length;
        SkipBlanks();
        if (StartsWith("(("))
        {
            _pos += 2;
            var header = ReadArithmeticBody();
            SkipBlanks();
            if (Peek() == ';') _pos++;
            var b = ParseDoGroup();
            return new ArithmeticForCommand(Span.FromTo(start, _pos), header, b, ParseTrailingRedirects());
        }
        var nameStart = _pos;
        while (!AtEnd && IsNameChar(_s[_pos])) _pos++;
        if (_pos == nameStart) throw Error("expected a variable name after 'for'");
        var name = _s[nameStart.._pos];
        List<Word>? words = null;
        SkipLineBreaks();
        if (AtReservedWord("in"))
        {
            _pos += 2;
            words = [];
            while (true)
            {
                SkipBlanks();
                if (AtEnd || Peek() is ';' or '\n') break;
                words.Add(ReadWord() ?? throw Error("expected a word in the 'for' list"));
            }
        }
        SkipBlanks();
        if (Peek() == ';') _pos++;
        var body = ParseDoGroup();
        return new ForCommand(Span.FromTo(start, _pos), name, words, body, ParseTrailingRedirects());
    }

    private Script ParseDoGroup()
    {
        SkipLineBreaks();
        if (Peek() == '{') // bash accepts `for x in y; { ...; }`
        {
            _pos++;
            var b = ParseScript();
            ExpectReserved("}");
            return b;
        }
        ExpectReserved("do");
        var body = ParseScript();
        ExpectReserved("done");
        return body;
    }

    private Command ParseLoop(int start)
    {
        var until = AtReservedWord("until");
        _pos += 5; // `while` and `until` are both five letters
        var condition = ParseScript();
        var body = ParseDoGroup();
        return new LoopCommand(Span.FromTo(start, _pos), until, condition, body, ParseTrailingRedirects());
    }

    private Command ParseCase(int start)
    {
        _pos += 4;
        SkipBlanks();
        var subject = ReadWord() ?? throw Error("expected a word after 'case'");
        ExpectReserved("in");
        var items = new List<(IReadOnlyList<Word>, Script)>();
        while (true)
        {
            SkipLineBreaks();
            if (AtReservedWord("esac")) { _pos += 4; break; }
            if (AtEnd) throw Error("expected 'esac'");
            if (Peek() == '(') _pos++;
            var patterns = new List<Word>();
            while (true)
            {
                SkipBlanks();
                patterns.Add(ReadWord() ?? throw Error("expected a case pattern"));
                SkipBlanks();
                if (Peek() == '|') { _pos++; continue; }
                if (Peek() == ')') { _pos++; break; }
                throw Error("expected ')' after a case pattern");
            }
            var body = ParseScript();
            SkipLineBreaks();
            if (StartsWith(";;&")) _pos += 3;
            else if (StartsWith(";;") || StartsWith(";&")) _pos += 2;
            items.Add((patterns, body));
            Count();
        }
        return new CaseCommand(Span.FromTo(start, _pos), subject, items, ParseTrailingRedirects());
    }

    private Command ParseFunctionKeyword(int start)
    {
        _pos += "function".Length;
        SkipBlanks();
        var name = ReadWord()?.StaticText ?? throw Error("expected a function name");
        SkipBlanks();
        if (Peek() == '(')
        {
            _pos++;
            SkipBlanks();
            if (Peek() != ')') throw Error("expected ')' in function definition");
            _pos++;
        }
        SkipLineBreaks();
        var body = ParseCommand();
        return new FunctionDefinition(Span.FromTo(start, _pos), name, body, []);
    }

    private Command ParseDoubleBracket(int start)
    {
        _pos += 2;
        var words = new List<Word>();
        while (true)
        {
            SkipBlanks();
            if (AtEnd) throw Error("expected ']]'");
            if (PeekBareWord() == "]]") { _pos += 2; break; }
            // Inside [[ ]], && || < > ( ) ! are operators, not command separators.
            if (StartsWith("&&") || StartsWith("||")) { _pos += 2; continue; }
            if (Peek() is '(' or ')' or '<' or '>' or '!') { _pos++; continue; }
            if (Peek() == '\n') { _pos++; continue; }
            words.Add(ReadWord() ?? throw Error("unexpected character in '[['"));
            Count();
        }
        return new TestCommand(Span.FromTo(start, _pos), words, ParseTrailingRedirects());
    }

    private Command ParseSimpleCommandOrFunction(int start)
    {
        var assignments = new List<Assignment>();
        var words = new List<Word>();
        var redirects = new List<Redirect>();
        while (true)
        {
            SkipBlanks();
            if (AtEnd) break;
            var c = Peek();
            var redirect = TryParseRedirect();
            if (redirect is not null) { redirects.Add(redirect); Count(); continue; }
            if (c is '\n' or ';' or '&' or '|' or ')') break;
            if (c == '(')
            {
                // name() { ...; } : a function definition.
                if (words.Count == 1 && assignments.Count == 0 && redirects.Count == 0 && words[0].StaticText is { } fname)
                {
                    _pos++;
                    SkipBlanks();
                    if (Peek() != ')') throw Error("expected ')' in function definition");
                    _pos++;
                    SkipLineBreaks();
                    var body = ParseCommand();
                    return new FunctionDefinition(Span.FromTo(start, _pos), fname, body, []);
                }
                throw Error("unexpected '('");
            }
            if (c == '#' ) { SkipBlanksAndComments(); continue; }
            if (words.Count == 0 && TryParseAssignment() is { } assignment) { assignments.Add(assignment); Count(); continue; }
            var word = ReadWord();
            if (word is null) throw Error($"unexpected '{c}'");
            words.Add(word);
            Count();
        }
        if (words.Count == 0 && assignments.Count == 0 && redirects.Count == 0)
            throw Error(AtEnd ? "expected a command" : $"unexpected '{Peek()}'");
        return new SimpleCommand(Span.FromTo(start, _pos), assignments, words, redirects);
    }

    private Assignment? TryParseAssignment()
    {
        var p = _pos;
        if (p >= _s.Length || !IsNameStart(_s[p])) return null;
        while (p < _s.Length && IsNameChar(_s[p])) p++;
        if (p < _s.Length && _s[p] == '[') // a[i]=v
        {
            var close = _s.IndexOf(']', p);
            if (close < 0) return null;
            p = close + 1;
        }
        var append = false;
        if (p < _s.Length && _s[p] == '+') { append = true; p++; }
        if (p >= _s.Length || _s[p] != '=') return null;
        var start = _pos;
        var name = _s[_pos..p].TrimEnd('+');
        var bracket = name.IndexOf('[');
        if (bracket >= 0) name = name[..bracket];
        _pos = p + 1;
        if (Peek() == '(')
        {
            _pos++;
            var values = new List<Word>();
            while (true)
            {
                SkipLineBreaks();
                if (Peek() == ')') { _pos++; break; }
                if (AtEnd) throw Error("unterminated array assignment");
                values.Add(ReadWord() ?? throw Error("unexpected character in array assignment"));
            }
            return new Assignment(Span.FromTo(start, _pos), name, null, values, append);
        }
        var value = AtEnd || IsMeta(Peek()) ? new Word(new Span(_pos, 0), [new LiteralPart("", true)]) : ReadWord();
        return new Assignment(Span.FromTo(start, _pos), name, value, null, append);
    }

    // ------------------------------------------------------------ redirections

    private Redirect? TryParseRedirect()
    {
        var start = _pos;
        var p = _pos;
        int? fd = null;
        while (p < _s.Length && char.IsAsciiDigit(_s[p])) p++;
        if (p > _pos && p < _s.Length && _s[p] is '<' or '>')
        {
            if (!int.TryParse(_s.AsSpan(_pos, p - _pos), out var n)) return null;
            fd = n;
        }
        else if (p > _pos) return null;
        else if (Peek() == '{') // {varname}>file
        {
            var close = _s.IndexOf('}', _pos);
            if (close > _pos + 1 && close + 1 < _s.Length && _s[close + 1] is '<' or '>' &&
                _s.AsSpan(_pos + 1, close - _pos - 1).IndexOfAnyExcept("_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") < 0)
                p = close + 1;
            else return null;
        }
        if (p >= _s.Length) return null;
        string op;
        var rest = _s.AsSpan(p);
        if (rest.StartsWith("&>>")) op = "&>>";
        else if (rest.StartsWith("&>")) op = "&>";
        else if (rest.StartsWith("<<<")) op = "<<<";
        else if (rest.StartsWith("<<-")) op = "<<-";
        else if (rest.StartsWith("<<")) op = "<<";
        else if (rest.StartsWith(">>")) op = ">>";
        else if (rest.StartsWith(">|")) op = ">|";
        else if (rest.StartsWith(">&")) op = ">&";
        else if (rest.StartsWith("<&")) op = "<&";
        else if (rest.StartsWith("<>")) op = "<>";
        else if (rest.StartsWith(">(") || rest.StartsWith("<(")) return null; // process substitution: a word
        else if (rest.StartsWith(">")) op = ">";
        else if (rest.StartsWith("<")) op = "<";
        else return null;
        _pos = p + op.Length;
        SkipBlanks();
        if (op is "<<" or "<<-") return ParseHereDocRedirect(start, fd, op == "<<-");
        var target = ReadWord() ?? throw Error($"expected a file name after '{op}'");
        var kind = op switch
        {
            "<" => RedirectKind.Input,
            ">" => RedirectKind.Output,
            ">|" => RedirectKind.Clobber,
            ">>" => RedirectKind.Append,
            "<>" => RedirectKind.ReadWrite,
            "&>" => RedirectKind.OutputBoth,
            "&>>" => RedirectKind.AppendBoth,
            "<&" => RedirectKind.DuplicateIn,
            "<<<" => RedirectKind.HereString,
            // `>&2` duplicates a descriptor; `>& file` (bash) writes a file.
            ">&" => target.StaticText is { } t && (t == "-" || t.All(char.IsAsciiDigit)) ? RedirectKind.DuplicateOut : RedirectKind.OutputBoth,
            _ => throw Error($"unknown redirection '{op}'"),
        };
        return new Redirect(Span.FromTo(start, _pos), fd, kind, target);
    }

    private Redirect ParseHereDocRedirect(int start, int? fd, bool stripTabs)
    {
        var delimiterWord = ReadWord() ?? throw Error("expected a here-document delimiter");
        // The delimiter is the word after quote removal; any quoting makes the body literal.
        var delimiter = string.Concat(delimiterWord.Parts.Select(p => p switch
        {
            LiteralPart l => l.Text,
            ParameterPart pp => "$" + pp.Name,
            _ => "",
        }));
        var quoted = delimiterWord.Parts.Any(p => p is LiteralPart { Quoted: true });
        var doc = new HereDocument(delimiter, quoted, stripTabs);
        _pendingHereDocs.Add(doc);
        // The body is read when the line ends (ReadPendingHereDocs) and stored in the shared HereDocument.
        return new Redirect(Span.FromTo(start, _pos), fd, RedirectKind.HereDoc, delimiterWord) { HereDoc = doc };
    }

    /// <summary>Called after a newline: reads the bodies of here-documents started on the line just ended.</summary>
    private void ReadPendingHereDocs()
    {
        foreach (var doc in _pendingHereDocs)
        {
            var bodyStart = _pos;
            var body = new StringBuilder();
            while (!AtEnd)
            {
                var lineEnd = _s.IndexOf('\n', _pos);
                var end = lineEnd < 0 ? _s.Length : lineEnd;
                var line = _s[_pos..end];
                if (line.EndsWith('\r')) line = line[..^1];
                if (doc.StripTabs) line = line.TrimStart('\t');
                _pos = lineEnd < 0 ? _s.Length : lineEnd + 1;
                if (line == doc.Delimiter) break; // bash also accepts a body closed by end of input
                body.Append(line).Append('\n');
            }
            var text = body.ToString();
            if (doc.QuotedDelimiter)
            {
                doc.Body = new Word(Span.FromTo(bodyStart, _pos), [new LiteralPart(text, true)]);
                continue;
            }
            // Unquoted delimiter: the body undergoes parameter, command and arithmetic expansion.
            var inner = new ShellParser(text, _limits) { _depth = _depth, _nodes = _nodes, _budget = _budget };
            try
            {
                var parts = inner.ReadDoubleQuotedContent(untilQuote: false, hereDoc: true);
                _nodes = inner._nodes;
                doc.Body = new Word(Span.FromTo(bodyStart, _pos), parts);
            }
            catch (ParseException e) { throw new ParseException(e.Message, bodyStart, e.Limit); }
        }
        _pendingHereDocs.Clear();
    }

    // ------------------------------------------------------------ words

    /// <summary>Reads one word at the current position, or returns null when none starts here.</summary>
    private Word? ReadWord()
    {
        var start = _pos;
        var parts = new List<WordPart>();
        var literal = new StringBuilder();
        void Flush(bool quoted)
        {
            if (literal.Length == 0) return;
            parts.Add(new LiteralPart(literal.ToString(), quoted));
            literal.Clear();
        }
        while (!AtEnd)
        {
            var c = _s[_pos];
            if (c is '<' or '>' && Peek(1) == '(' )
            {
                Flush(false);
                var isOutput = c == '>';
                _pos += 2;
                var body = ParseScript();
                SkipLineBreaks();
                if (Peek() != ')') throw Error("expected ')' to close process substitution");
                _pos++;
                parts.Add(new ProcessSubstitutionPart(body, isOutput));
                continue;
            }
            if (IsMeta(c))
            {
                // extglob patterns such as @(a|b) or !(x) stay inside the word.
                if (c == '(' && literal.Length > 0 && literal[^1] is '@' or '!' or '+' or '*' or '?')
                {
                    literal.Append(ReadBalanced('(', ')'));
                    continue;
                }
                break;
            }
            switch (c)
            {
                case '\\':
                    if (Peek(1) == '\n') { _pos += 2; continue; }
                    if (Peek(1) == '\r' && Peek(2) == '\n') { _pos += 3; continue; }
                    Flush(false);
                    if (_pos + 1 < _s.Length) { parts.Add(new LiteralPart(_s[_pos + 1].ToString(), true)); _pos += 2; }
                    else _pos++;
                    continue;
                case '\'':
                {
                    Flush(false);
                    var close = _s.IndexOf('\'', _pos + 1);
                    if (close < 0) throw Error("unterminated single quote");
                    parts.Add(new LiteralPart(_s[(_pos + 1)..close], true));
                    _pos = close + 1;
                    continue;
                }
                case '"':
                    Flush(false);
                    _pos++;
                    var inner = ReadDoubleQuotedContent(untilQuote: true);
                    if (inner.Count == 0) parts.Add(new LiteralPart("", true));
                    parts.AddRange(inner);
                    continue;
                case '`':
                    Flush(false);
                    parts.Add(ReadBacktick(quoted: false));
                    continue;
                case '$':
                {
                    if (Peek(1) == '\'')
                    {
                        Flush(false);
                        _pos += 2;
                        parts.Add(new LiteralPart(ReadAnsiC(), true));
                        continue;
                    }
                    if (Peek(1) == '"') { _pos++; continue; } // $"..." locale translation: treat as "..."
                    var expansion = TryReadDollar(quoted: false);
                    if (expansion is not null) { Flush(false); parts.Add(expansion); continue; }
                    literal.Append('$');
                    _pos++;
                    continue;
                }
                default:
                    literal.Append(c);
                    _pos++;
                    continue;
            }
        }
        Flush(false);
        if (_pos == start) return null;
        Count();
        var word = new Word(Span.FromTo(start, _pos), parts);
        return word;
    }

    private string ReadBalanced(char open, char close)
    {
        var start = _pos;
        var depth = 0;
        while (!AtEnd)
        {
            var c = _s[_pos++];
            if (c == '\\') { _pos++; continue; }
            if (c == open) depth++;
            else if (c == close && --depth == 0) return _s[start.._pos];
        }
        throw Error($"unterminated '{open}'");
    }

    private List<WordPart> ReadDoubleQuotedContent(bool untilQuote, bool hereDoc = false)
    {
        var parts = new List<WordPart>();
        var literal = new StringBuilder();
        void Flush()
        {
            if (literal.Length == 0) return;
            parts.Add(new LiteralPart(literal.ToString(), true));
            literal.Clear();
        }
        while (true)
        {
            if (AtEnd)
            {
                if (untilQuote) throw Error("unterminated double quote");
                break;
            }
            var c = _s[_pos];
            if (c == '"' && untilQuote) { _pos++; break; }
            if (c == '\\')
            {
                var n = Peek(1);
                if (n == '\n') { _pos += 2; continue; }
                if (n is '$' or '`' or '\\' || (n == '"' && !hereDoc)) { literal.Append(n); _pos += 2; continue; }
                literal.Append(c);
                _pos++;
                continue;
            }
            if (c == '`') { Flush(); parts.Add(ReadBacktick(quoted: true)); continue; }
            if (c == '$')
            {
                var expansion = TryReadDollar(quoted: true);
                if (expansion is not null) { Flush(); parts.Add(expansion); continue; }
            }
            literal.Append(c);
            _pos++;
        }
        Flush();
        return parts;
    }

    private WordPart ReadBacktick(bool quoted)
    {
        _pos++;
        var body = new StringBuilder();
        var bodyStart = _pos;
        while (true)
        {
            if (AtEnd) throw Error("unterminated backquote");
            var c = _s[_pos];
            if (c == '`') { _pos++; break; }
            if (c == '\\' && Peek(1) is '`' or '\\' or '$') { body.Append(Peek(1)); _pos += 2; continue; }
            body.Append(c);
            _pos++;
        }
        return new CommandSubstitutionPart(ParseNested(body.ToString(), bodyStart), quoted);
    }

    /// <summary>Parses text that the shell re-reads as a script (backquotes), keeping the limits and depth.</summary>
    private Script ParseNested(string text, int offset)
    {
        Enter();
        var inner = new ShellParser(text, _limits) { _depth = _depth, _nodes = _nodes, _budget = _budget };
        try
        {
            var script = inner.ParseScript(topLevel: true);
            inner.SkipBlanksAndComments();
            if (!inner.AtEnd) throw inner.Error($"unexpected '{inner.Peek()}'");
            if (inner._pendingHereDocs.Count > 0) inner.ReadPendingHereDocs();
            _nodes = inner._nodes;
            Leave();
            return script;
        }
        catch (ParseException e) { throw new ParseException(e.Message, offset + Math.Max(0, e.Position), e.Limit); }
    }

    private string ReadAnsiC()
    {
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd) throw Error("unterminated $'...' string");
            var c = _s[_pos++];
            if (c == '\'') break;
            if (c != '\\') { sb.Append(c); continue; }
            if (AtEnd) throw Error("unterminated $'...' string");
            var e = _s[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'e': case 'E': sb.Append('\x1b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case '?': sb.Append('?'); break;
                case 'c': if (!AtEnd) sb.Append((char)(_s[_pos++] & 0x1f)); break;
                case 'x': sb.Append((char)ReadNumber(16, 2)); break;
                case 'u': sb.Append(CodePoint(ReadNumber(16, 4))); break;
                case 'U': sb.Append(CodePoint(ReadNumber(16, 8))); break;
                case >= '0' and <= '7': _pos--; sb.Append((char)(ReadNumber(8, 3) & 0xFF)); break;
                default: sb.Append('\\').Append(e); break;
            }
        }
        return sb.ToString();
    }

    private static string CodePoint(int value) =>
        value is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF) ? "\uFFFD" : char.ConvertFromUtf32(value);

    private int ReadNumber(int radix, int maxDigits)
    {
        var value = 0;
        var digits = 0;
        while (digits < maxDigits && !AtEnd)
        {
            var d = HexValue(_s[_pos]);
            if (d < 0 || d >= radix) break;
            value = value * radix + d;
            _pos++;
            digits++;
        }
        return value;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Reads <c>$name</c>, <c>${...}</c>, <c>$(...)</c> or <c>$((...))</c> at the current '$'.</summary>
    private WordPart? TryReadDollar(bool quoted)
    {
        var n = Peek(1);
        if (n == '(')
        {
            if (Peek(2) == '(' && TryReadArithmeticExpansion(quoted) is { } arith) return arith;
            _pos += 2;
            var body = ParseScript();
            SkipLineBreaks();
            if (Peek() != ')') throw Error("expected ')' to close '$('");
            _pos++;
            return new CommandSubstitutionPart(body, quoted);
        }
        if (n == '{')
        {
            _pos += 2;
            return ReadBracedParameter(quoted);
        }
        if (IsNameStart(n))
        {
            var start = _pos + 1;
            var p = start;
            while (p < _s.Length && IsNameChar(_s[p])) p++;
            _pos = p;
            return new ParameterPart(_s[start..p], null, null, quoted);
        }
        if (char.IsAsciiDigit(n) || n is '@' or '*' or '#' or '?' or '-' or '$' or '!')
        {
            _pos += 2;
            return new ParameterPart(n.ToString(), null, null, quoted);
        }
        return null;
    }

    private WordPart? TryReadArithmeticExpansion(bool quoted)
    {
        var save = _pos;
        _pos += 3;
        _budget.OpenAttempts++;
        try
        {
            var expr = ReadArithmeticBody();
            return new ArithmeticPart(ArithmeticWord(expr, save), quoted);
        }
        catch (ParseException e) when (!e.Limit)
        {
            if (_budget.OpenAttempts > 1 && ++_budget.ArithmeticRetries > MaxArithmeticRetries)
                throw new ParseException($"command has more than {MaxArithmeticRetries} `$((` that are not arithmetic; too ambiguous to analyse", save, true);
            _pos = save; // `$( (a) )` written without a space is a command substitution of a subshell
            return null;
        }
        finally
        {
            _budget.OpenAttempts--;
        }
    }

    private WordPart ReadBracedParameter(bool quoted)
    {
        // ${#name} ${!name} ${name} ${name:-word} ${name/pat/rep} ${name[0]}
        var prefix = "";
        if (Peek() is '#' or '!' && Peek(1) != '}') { prefix = Peek().ToString(); _pos++; }
        var nameStart = _pos;
        if (IsNameStart(Peek())) while (!AtEnd && IsNameChar(Peek())) _pos++;
        else if (!AtEnd && (char.IsAsciiDigit(Peek()) || Peek() is '@' or '*' or '#' or '?' or '-' or '$' or '!')) _pos++;
        if (_pos == nameStart) throw Error("bad parameter expansion");
        var name = prefix + _s[nameStart.._pos];
        if (Peek() == '[') name += ReadBalanced('[', ']');
        if (Peek() == '}') { _pos++; return new ParameterPart(name, prefix.Length > 0 ? prefix : null, null, quoted); }
        var opStart = _pos;
        if (Peek() == ':' && Peek(1) is '-' or '=' or '?' or '+') _pos += 2;
        else if (Peek() is '-' or '=' or '?' or '+' or ':' or '/' or '^' or ',' or '@') _pos++;
        else if (Peek() is '#' or '%') { _pos++; if (Peek() == _s[_pos - 1]) _pos++; }
        else throw Error("bad parameter expansion");
        if (Peek() == '/' && _s[opStart] == '/') _pos++;
        var op = _s[opStart.._pos];
        // The argument is a word in which quotes and expansions work; read up to the matching brace.
        var argParts = new List<WordPart>();
        var literal = new StringBuilder();
        var depth = 0;
        var argStart = _pos;
        while (true)
        {
            if (AtEnd) throw Error("unterminated '${'");
            var c = Peek();
            if (c == '}' && depth == 0) break;
            if (c == '{') depth++;
            if (c == '}') depth--;
            if (c is '\'' or '"' or '\\' or '$' or '`')
            {
                if (literal.Length > 0) { argParts.Add(new LiteralPart(literal.ToString(), quoted)); literal.Clear(); }
                if (c == '\'' && !quoted)
                {
                    var close = _s.IndexOf('\'', _pos + 1);
                    if (close < 0) throw Error("unterminated single quote");
                    argParts.Add(new LiteralPart(_s[(_pos + 1)..close], true));
                    _pos = close + 1;
                }
                else if (c == '"') { _pos++; argParts.AddRange(ReadDoubleQuotedContent(true)); }
                else if (c == '\\') { argParts.Add(new LiteralPart(Peek(1).ToString(), true)); _pos += 2; }
                else if (c == '`') argParts.Add(ReadBacktick(quoted));
                else if (TryReadDollar(quoted) is { } inner) argParts.Add(inner);
                else { literal.Append(c); _pos++; }
                continue;
            }
            literal.Append(c);
            _pos++;
        }
        if (literal.Length > 0) argParts.Add(new LiteralPart(literal.ToString(), quoted));
        _pos++; // }
        return new ParameterPart(name, op, new Word(Span.FromTo(argStart, _pos - 1), argParts), quoted);
    }
}
