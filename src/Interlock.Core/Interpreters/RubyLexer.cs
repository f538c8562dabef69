using System;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;

namespace Interlock.Core.Interpreters;

/// <summary>
/// Ruby lexer: '#' comments, =begin/=end, '' "" `` strings with #{} lexed in place, %q %Q %w %W %i %x %r literals
/// with any delimiter, heredocs, :symbols, labels, regex literals, and significant newlines (they end paren-less calls).
/// </summary>
internal sealed class RubyLexer(string src) : LexerBase(src)
{
    private static readonly ImmutableArray<string> Operators =
    [
        "**=", "<=>", "===", "...", "<<=", ">>=", "&&=", "||=", "&.", "::", "..", "=>", "->", "==", "!=", "=~", "!~", "<=", ">=",
        "&&", "||", "<<", ">>", "**", "+=", "-=", "*=", "/=", "%=", "|=", "&=", "^=",
    ];

    /// <summary>Keywords after which an operand (string, regex, %-literal) is expected.</summary>
    private static readonly FrozenSet<string> OperandAfterWords = new[]
    {
        "if", "unless", "while", "until", "and", "or", "not", "return", "when", "case", "then", "elsif", "else", "do", "yield", "in",
    }.ToFrozenSet(StringComparer.Ordinal);

    protected override void SkipTrivia()
    {
        if (Pos == 0)
        {
            SkipEmbeddedDocument();
            SkipDataSection();
        }
        while (Pos < Limit)
        {
            char c = Src[Pos];
            if (c == '\n')
            {
                if (NewlineIsSignificant()) Add(TokenKind.Newline, Pos, Pos + 1, "\n");
                ConsumeNewline();
                SpaceBefore = true;
                SkipEmbeddedDocument();
                SkipDataSection();
            }
            else if (c is ' ' or '\t' or '\r' or '\f' or '\v')
            {
                Pos++;
                SpaceBefore = true;
            }
            else if (c == '\\' && (At(Pos + 1) == '\n' || (At(Pos + 1) == '\r' && At(Pos + 2) == '\n')))
            {
                Pos += At(Pos + 1) == '\r' ? 3 : 2;
                SpaceBefore = true;
            }
            else if (c == '#')
            {
                SkipLine();
            }
            else
            {
                return;
            }
        }
    }

    /// <summary>__END__ alone on a line ends the program; the rest is data.</summary>
    private void SkipDataSection()
    {
        if (StartsWith(Pos, "__END__") && At(Pos + 7) is '\n' or '\r' or '\0') Pos = Limit;
    }

    private void SkipEmbeddedDocument()
    {
        if (!StartsWith(Pos, "=begin") || (Pos > 0 && Src[Pos - 1] != '\n')) return;
        int end = Src.IndexOf("\n=end", Pos, Limit - Pos, StringComparison.Ordinal);
        if (end < 0)
        {
            Pos = Limit;
            return;
        }
        Pos = end + 1;
        SkipLine();
    }

    /// <summary>A line break ends a statement unless it is inside ( / [ or the line ends with an operator or a leading-dot chain follows.</summary>
    private bool NewlineIsSignificant()
    {
        if (Innermost is '(' or '[') return false;
        var prev = Prev;
        if (prev is null || prev.Kind == TokenKind.Newline) return false;
        if (prev.Kind == TokenKind.Punct && prev.Text is not (")" or "]" or "}")) return false;
        if (prev.Kind == TokenKind.Identifier && prev.Text is "and" or "or" or "not") return false;
        int i = Pos + 1;
        while (i < Limit && char.IsWhiteSpace(Src[i])) i++;
        return !((At(i) == '.' && At(i + 1) != '.') || (At(i) == '&' && At(i + 1) == '.'));
    }

    protected override void LexToken()
    {
        char c = Src[Pos];
        char n = At(Pos + 1);
        if (IsIdentStart(c))
        {
            LexIdentifier();
        }
        else if (c == '@')
        {
            int end = Pos + 1;
            if (At(end) == '@') end++;
            if (IsIdentStart(At(end)))
            {
                end = ReadIdent(end);
                Add(TokenKind.Variable, Pos, end);
                Pos = end;
            }
            else
            {
                LexPunct(Operators);
            }
        }
        else if (c == '$' && n != '\0' && !char.IsWhiteSpace(n))
        {
            int end = IsIdentStart(n) ? ReadIdent(Pos + 1) : Pos + 2;
            while (char.IsAsciiDigit(At(end)) && char.IsAsciiDigit(n)) end++;
            Add(TokenKind.Variable, Pos, end);
            Pos = end;
        }
        else if (c == ':' && IsIdentStart(n))
        {
            int end = ReadIdent(Pos + 1);
            if (At(end) is '?' or '!' || (At(end) == '=' && At(end + 1) is not ('=' or '>' or '~'))) end++;
            Add(TokenKind.Symbol, Pos, end, value: Src[(Pos + 1)..end]);
            Pos = end;
        }
        else if (c is '"' or '`')
        {
            LexQuoted(c == '`' ? TokenKind.Command : TokenKind.String, interpolate: true);
        }
        else if (c == '\'')
        {
            LexQuoted(TokenKind.String, interpolate: false);
        }
        else if (char.IsAsciiDigit(c))
        {
            int end = ReadNumber(Pos);
            Add(TokenKind.Number, Pos, end);
            Pos = end;
        }
        else if (c == '%' && TryPercentLiteral())
        {
        }
        else if (c == '/' && OperandExpected() && TryRegex())
        {
        }
        else if (c == '?' && OperandExpected() && n != '\0' && !char.IsWhiteSpace(n) && !IsIdentPart(At(Pos + 2)))
        {
            Add(TokenKind.Symbol, Pos, Pos + 2, value: n.ToString()); // ?c character literal
            Pos += 2;
        }
        else if (c == '<' && n == '<' && TryHeredoc())
        {
        }
        else
        {
            LexPunct(Operators);
        }
    }

    private void LexIdentifier()
    {
        int end = ReadIdent(Pos);
        if (At(end) is '?' or '!' && At(end + 1) != '=') end++; // predicate / bang methods
        else if (At(end) is '?' or '!' && At(end + 1) == '=' && At(end + 2) == '=') end++;
        if (At(end) == ':' && At(end + 1) != ':' && Prev?.Is("?") != true)
        {
            Add(TokenKind.Label, Pos, end + 1, text: Src[Pos..end]); // keyword argument / hash label
            Pos = end + 1;
            return;
        }
        Add(TokenKind.Identifier, Pos, end);
        Pos = end;
    }

    /// <summary>Whether the character at Pos starts an operand (string, regex, %-literal) rather than an operator.</summary>
    private bool OperandExpected()
    {
        var prev = Prev;
        if (prev is null) return true;
        return prev.Kind switch
        {
            TokenKind.Newline or TokenKind.Label => true,
            TokenKind.Punct => prev.Synthetic ? prev.Text == "(" : prev.Text is not (")" or "]" or "}"),
            // `puts %w(a b)`, `split /,/`: a space before and none after marks an argument, not an operator.
            TokenKind.Identifier => OperandAfterWords.Contains(prev.Text)
                || (SpaceBefore && !char.IsWhiteSpace(At(Pos + 1)) && At(Pos + 1) != '='),
            _ => false,
        };
    }

    private void LexQuoted(TokenKind kind, bool interpolate)
    {
        int start = Pos;
        char delimiter = Src[Pos];
        bool space = SpaceBefore;
        Pos++;
        int slot = Reserve();
        var (text, prefix) = ScanBody(delimiter, delimiter, interpolate, start);
        Fill(slot, Make(kind, start, Pos, value: prefix is null ? text : null, prefix: prefix ?? text, spaceBefore: space));
    }

    /// <summary>
    /// Scans a string body from Pos up to its closing delimiter (paired delimiters nest), decoding escapes and lexing
    /// #{...} in place. With close == '\0' it reads to Limit (heredoc bodies). Returns the text and, when it
    /// interpolates, the text before the first interpolation.
    /// </summary>
    private (string Text, string? Prefix) ScanBody(char open, char close, bool interpolate, int tokenStart)
    {
        var sb = new StringBuilder();
        string? prefix = null;
        int depth = 0;
        while (true)
        {
            if (Pos >= Limit)
            {
                if (close == '\0') break;
                throw Fail(tokenStart, "unterminated string");
            }
            char c = Src[Pos];
            if (c == '\\')
            {
                if (interpolate) DecodeEscape(sb);
                else
                {
                    char next = At(Pos + 1);
                    if (next == '\\' || (next != '\0' && (next == open || next == close)))
                    {
                        sb.Append(next);
                        Pos += 2;
                    }
                    else
                    {
                        sb.Append(c);
                        Pos++;
                    }
                }
                continue;
            }
            if (close != '\0')
            {
                if (open != close && c == open) depth++;
                else if (c == close)
                {
                    if (depth == 0)
                    {
                        Pos++;
                        break;
                    }
                    depth--;
                }
            }
            if (interpolate && c == '#' && At(Pos + 1) == '{')
            {
                prefix ??= sb.ToString();
                Pos += 2;
                LexInterpolation(Pos - 1);
                continue;
            }
            if (interpolate && c == '#' && At(Pos + 1) is '@' or '$' && (IsIdentStart(At(Pos + 2)) || At(Pos + 2) == '@'))
            {
                prefix ??= sb.ToString(); // "#@ivar" / "#$global"
            }
            sb.Append(c);
            Pos++;
        }
        return (sb.ToString(), prefix);
    }

    private void DecodeEscape(StringBuilder sb)
    {
        if (TrailingBackslash(sb)) return;
        char n = At(Pos + 1);
        switch (n)
        {
            case 'n': sb.Append('\n'); break;
            case 't': sb.Append('\t'); break;
            case 'r': sb.Append('\r'); break;
            case 's': sb.Append(' '); break;
            case 'a': sb.Append('\a'); break;
            case 'b': sb.Append('\b'); break;
            case 'e': sb.Append('\u001b'); break;
            case 'f': sb.Append('\f'); break;
            case 'v': sb.Append('\v'); break;
            case '\n': break; // line continuation
            case >= '0' and <= '7':
            {
                int count = ReadOctal(Pos + 1, 3, out int value);
                sb.Append((char)value);
                Pos += 1 + count;
                return;
            }
            case 'x':
            {
                int count = ReadHex(Pos + 2, 2, out int value);
                sb.Append((char)value);
                Pos += 2 + count;
                return;
            }
            case 'u':
                if (TryUnicodeEscape(sb)) return;
                sb.Append('u');
                break;
            default:
                sb.Append(n);
                break;
        }
        Pos += 2;
    }

    /// <summary>%q() %Q[] %() %w{} %W() %i() %I() %x() %r{} %s() with any non-alphanumeric delimiter.</summary>
    private bool TryPercentLiteral()
    {
        if (!OperandExpected()) return false;
        char type = At(Pos + 1);
        int delimiterPos;
        if ("qQwWiIxrs".Contains(type, StringComparison.Ordinal) && IsPercentDelimiter(At(Pos + 2))) delimiterPos = Pos + 2;
        else if (type is '(' or '[' or '{' or '<' or '|' or '!' or '/' or '^')
        {
            type = 'Q';
            delimiterPos = Pos + 1;
        }
        else return false;

        int start = Pos;
        bool space = SpaceBefore;
        char open = Src[delimiterPos];
        bool interpolate = type is 'Q' or 'W' or 'I' or 'x' or 'r';
        Pos = delimiterPos + 1;
        int slot = Reserve();
        var (text, prefix) = ScanBody(open, ClosingDelimiter(open), interpolate, start);
        if (type == 'r')
        {
            while (char.IsAsciiLetter(At(Pos))) Pos++;
        }
        var kind = type switch
        {
            'q' or 'Q' => TokenKind.String,
            'w' or 'W' or 'i' or 'I' => TokenKind.WordList,
            'x' => TokenKind.Command,
            'r' => TokenKind.Regex,
            _ => TokenKind.Symbol,
        };
        string? value = prefix is null ? text : null;
        Fill(slot, Make(kind, start, Pos, value: kind == TokenKind.WordList ? null : value, prefix: prefix ?? text,
            words: kind == TokenKind.WordList && value is not null ? SplitWords(value) : null, spaceBefore: space));
        return true;
    }

    private static bool IsPercentDelimiter(char c) => c != '\0' && !char.IsLetterOrDigit(c) && !char.IsWhiteSpace(c);

    /// <summary>/.../flags; falls back to the operator when no closing slash exists.</summary>
    private bool TryRegex()
    {
        int i = Pos + 1;
        while (i < Limit && Src[i] != '/')
        {
            if (Src[i] == '\\') i++;
            i++;
        }
        if (i >= Limit) return false;
        int start = Pos;
        bool space = SpaceBefore;
        Pos++;
        int slot = Reserve();
        var (text, _) = ScanBody('/', '/', interpolate: true, start);
        while (char.IsAsciiLetter(At(Pos))) Pos++;
        Fill(slot, Make(TokenKind.Regex, start, Pos, prefix: text, spaceBefore: space));
        return true;
    }

    /// <summary>&lt;&lt;~EOS, &lt;&lt;-EOS, &lt;&lt;EOS, &lt;&lt;'EOS', &lt;&lt;"EOS", &lt;&lt;`EOS`: the body follows the current line.</summary>
    private bool TryHeredoc()
    {
        var prev = Prev;
        if (prev is { Kind: TokenKind.Variable or TokenKind.Number or TokenKind.String or TokenKind.Symbol or TokenKind.WordList }) return false;
        if (prev is { Kind: TokenKind.Punct } p && p.Text is ")" or "]" or "}") return false;
        if (prev is { Kind: TokenKind.Identifier } && !SpaceBefore) return false;
        int i = Pos + 2;
        bool squiggly = At(i) == '~';
        bool indented = squiggly || At(i) == '-';
        if (indented) i++;
        char q = At(i);
        string terminator;
        int after;
        bool interpolate = true, command = false;
        if (q is '"' or '\'' or '`')
        {
            int close = Src.IndexOf(q, i + 1, Limit - (i + 1));
            if (close < 0) return false;
            terminator = Src[(i + 1)..close];
            after = close + 1;
            interpolate = q != '\'';
            command = q == '`';
        }
        else if (IsIdentStart(q))
        {
            after = ReadIdent(i);
            terminator = Src[i..after];
        }
        else
        {
            return false;
        }
        if (terminator.Contains('\n', StringComparison.Ordinal)) return false;

        int marker = Pos;
        bool space = SpaceBefore;
        var (bodyStart, bodyEnd) = TakeHeredoc(terminator, indented, marker);
        var kind = command ? TokenKind.Command : TokenKind.String;
        int slot = Reserve();
        string text;
        string? prefix = null;
        if (interpolate)
        {
            int savedLimit = Limit;
            Pos = bodyStart;
            Limit = bodyEnd;
            try
            {
                (text, prefix) = ScanBody('\0', '\0', interpolate: true, marker);
            }
            finally
            {
                Limit = savedLimit;
            }
        }
        else
        {
            text = Src[bodyStart..bodyEnd];
        }
        if (squiggly)
        {
            text = StripIndent(text);
            prefix = prefix is null ? null : StripIndent(prefix);
        }
        Fill(slot, Make(kind, marker, after, value: prefix is null ? text : null, prefix: prefix ?? text, spaceBefore: space));
        Pos = after;
        return true;
    }
}
