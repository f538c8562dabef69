using System;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;

namespace Interlock.Core.Interpreters;

/// <summary>
/// Perl lexer: '#' comments, POD, sigiled variables, '' "" `` strings, q qq qw qx m qr s tr y with any delimiter,
/// heredocs, regex literals in term position. Like perl itself it finds a string's end before looking inside it;
/// ${...} and @{[...]} interpolations are then lexed as code.
/// </summary>
internal sealed class PerlLexer(string src) : LexerBase(src)
{
    private static readonly ImmutableArray<string> Operators =
    [
        "<=>", "**=", "||=", "&&=", "//=", "...", "->", "=>", "=~", "!~", "==", "!=", "<=", ">=", "&&", "||", "//", "..", "::",
        "**", "++", "--", "+=", "-=", "*=", "/=", ".=", "%=", "<<", ">>",
    ];

    private static readonly FrozenSet<string> QuoteOperators =
        new[] { "q", "qq", "qw", "qx", "m", "qr", "s", "tr", "y" }.ToFrozenSet(StringComparer.Ordinal);

    protected override void SkipTrivia()
    {
        if (Pos == 0) SkipPod();
        while (Pos < Limit)
        {
            char c = Src[Pos];
            if (c == '\n')
            {
                ConsumeNewline();
                SpaceBefore = true;
                SkipPod();
            }
            else if (char.IsWhiteSpace(c))
            {
                Pos++;
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

    /// <summary>POD blocks (=head1 ... =cut) at the start of a line are documentation.</summary>
    private void SkipPod()
    {
        if (At(Pos) != '=' || !char.IsAsciiLetter(At(Pos + 1)) || (Pos > 0 && Src[Pos - 1] != '\n')) return;
        int cut = Src.IndexOf("\n=cut", Pos, Limit - Pos, StringComparison.Ordinal);
        if (cut < 0)
        {
            Pos = Limit;
            return;
        }
        Pos = cut + 1;
        SkipLine();
    }

    protected override void LexToken()
    {
        char c = Src[Pos];
        char n = At(Pos + 1);
        if (IsIdentStart(c) || (c == ':' && n == ':' && IsIdentStart(At(Pos + 2))))
        {
            int end = ReadQualified(Pos);
            string word = Src[Pos..end];
            if (word is "__END__" or "__DATA__")
            {
                Pos = Limit;
                return;
            }
            if (QuoteOperators.Contains(word) && TryQuoteLike(word, end)) return;
            Add(TokenKind.Identifier, Pos, end);
            Pos = end;
        }
        else if (c == '$')
        {
            LexScalar();
        }
        else if (c == '@' && (IsIdentStart(n) || n is '{' or '$' or ':'))
        {
            int end = IsIdentStart(n) || n == ':' ? ReadQualified(Pos + 1) : Pos + 1;
            Add(TokenKind.Variable, Pos, end);
            Pos = end;
        }
        else if (c == '%' && !PrevIsTerm() && (IsIdentStart(n) || n is '{' or '$' or ':'))
        {
            int end = IsIdentStart(n) || n == ':' ? ReadQualified(Pos + 1) : Pos + 1;
            Add(TokenKind.Variable, Pos, end);
            Pos = end;
        }
        else if (c is '\'' or '"' or '`')
        {
            int close = FindDelimitedEnd(Pos + 1, c, c);
            if (close < 0) throw Fail(Pos, "unterminated string");
            int start = Pos;
            if (c == '\'') Add(TokenKind.String, start, close + 1, value: DecodeSingle(start + 1, close, c, c));
            else AddInterpolated(c == '`' ? TokenKind.Command : TokenKind.String, start, close + 1, start + 1, close, strip: false);
            Pos = close + 1;
        }
        else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(n)))
        {
            int end = ReadNumber(Pos);
            Add(TokenKind.Number, Pos, end);
            Pos = end;
        }
        else if (c == '/' && !PrevIsTerm() && TryQuoteBody("m", Pos, Pos, mayFail: true))
        {
            // regex literal emitted
        }
        else if (c == '<' && n == '<' && TryHeredoc())
        {
            // heredoc emitted
        }
        else
        {
            LexPunct(Operators);
        }
    }

    /// <summary>Name with package separators: File::Path::rmtree, ::foo.</summary>
    private int ReadQualified(int i)
    {
        if (StartsWith(i, "::")) i += 2;
        while (true)
        {
            i = ReadIdent(i);
            if (StartsWith(i, "::") && IsIdentStart(At(i + 2))) i += 2;
            else return i;
        }
    }

    private bool PrevIsTerm() => Prev switch
    {
        null => false,
        { Kind: TokenKind.Variable or TokenKind.Number or TokenKind.String or TokenKind.Command or TokenKind.WordList or TokenKind.Regex } => true,
        { Kind: TokenKind.Punct } p => !p.Synthetic && p.Text is ")" or "]" or "}",
        _ => false,
    };

    private void LexScalar()
    {
        int i = Pos + 1;
        if (At(i) == '#' && (IsIdentStart(At(i + 1)) || At(i + 1) is '{' or '$')) i++; // $#array
        char n = At(i);
        int end;
        if (IsIdentStart(n) || (n == ':' && At(i + 1) == ':')) end = ReadQualified(i);
        else if (char.IsAsciiDigit(n))
        {
            end = i;
            while (char.IsAsciiDigit(At(end))) end++;
        }
        else if (n == '{' || (n == '$' && (IsIdentStart(At(i + 1)) || At(i + 1) is '{' or '$'))) end = i; // deref: ${...}, $$ref
        else if (n == '^' && char.IsAsciiLetterUpper(At(i + 1))) end = i + 2;
        else if (n != '\0' && !char.IsWhiteSpace(n)) end = i + 1; // punctuation variables: $_ $! $@ $/ $$ ...
        else end = i;
        Add(TokenKind.Variable, Pos, end);
        Pos = end;
    }

    /// <summary>q(..), qq{..}, qw/../, qx'..', m!..!, s{..}{..}, tr/../../ -- unless the word is a hash key or method name.</summary>
    private bool TryQuoteLike(string word, int wordEnd)
    {
        if (Prev?.Is("->") == true) return false;
        int i = wordEnd;
        bool spaced = false;
        while (i < Limit && Src[i] is ' ' or '\t' or '\n' or '\r')
        {
            i++;
            spaced = true;
        }
        if (i >= Limit) return false;
        char d = Src[i];
        if (d == '=' && (At(i + 1) == '>' || spaced)) return false; // fat comma: q => 1
        if (d == '#' && spaced) return false;
        if (d is ',' or ';' or ')' or '}' or ']' or '>' || IsIdentPart(d) || char.IsWhiteSpace(d)) return false;
        if (d == '-' && At(i + 1) == '>') return false;
        return TryQuoteBody(word, Pos, i, mayFail: false);
    }

    private bool TryQuoteBody(string word, int start, int delimiterPos, bool mayFail)
    {
        char open = Src[delimiterPos];
        char close = ClosingDelimiter(open);
        int bodyStart = delimiterPos + 1;
        int bodyEnd = FindDelimitedEnd(bodyStart, open, close);
        if (bodyEnd < 0)
        {
            if (mayFail) return false;
            throw Fail(start, $"unterminated {word} literal");
        }
        int end = bodyEnd + 1;
        switch (word)
        {
            case "q":
                Add(TokenKind.String, start, end, value: DecodeSingle(bodyStart, bodyEnd, open, close));
                break;
            case "qq":
                AddInterpolated(TokenKind.String, start, end, bodyStart, bodyEnd, strip: false);
                break;
            case "qw":
                Add(TokenKind.WordList, start, end, words: SplitWords(DecodeSingle(bodyStart, bodyEnd, open, close)));
                break;
            case "qx" when open == '\'':
                Add(TokenKind.Command, start, end, value: Src[bodyStart..bodyEnd]);
                break;
            case "qx":
                AddInterpolated(TokenKind.Command, start, end, bodyStart, bodyEnd, strip: false);
                break;
            case "m" or "qr":
                end = ReadFlags(end);
                Add(TokenKind.Regex, start, end);
                break;
            default: // s, tr, y: a second delimited part
            {
                int replacementStart, replacementEnd;
                if (open != close)
                {
                    int j = end;
                    while (j < Limit && char.IsWhiteSpace(Src[j])) j++;
                    if (j >= Limit) throw Fail(start, $"unterminated {word} literal");
                    char open2 = Src[j];
                    replacementStart = j + 1;
                    replacementEnd = FindDelimitedEnd(replacementStart, open2, ClosingDelimiter(open2));
                }
                else
                {
                    replacementStart = end;
                    replacementEnd = FindDelimitedEnd(replacementStart, open, close);
                }
                if (replacementEnd < 0) throw Fail(start, $"unterminated {word} literal");
                end = ReadFlags(replacementEnd + 1);
                string flags = Src[(replacementEnd + 1)..end];
                // s///e evaluates its replacement as code; keep it so the analyser can look inside.
                string? code = word == "s" && flags.Contains('e', StringComparison.Ordinal) ? Src[replacementStart..replacementEnd] : null;
                Add(TokenKind.Regex, start, end, value: code);
                break;
            }
        }
        Pos = end;
        return true;
    }

    private int ReadFlags(int i)
    {
        while (i < Limit && char.IsAsciiLetter(Src[i])) i++;
        return i;
    }

    /// <summary>Index of the closing delimiter (paired delimiters nest, backslash escapes), or -1.</summary>
    private int FindDelimitedEnd(int i, char open, char close)
    {
        int depth = 0;
        while (i < Limit)
        {
            char c = Src[i];
            if (c == '\\')
            {
                i += 2;
                continue;
            }
            if (open != close && c == open) depth++;
            else if (c == close)
            {
                if (depth == 0) return i;
                depth--;
            }
            i++;
        }
        return -1;
    }

    /// <summary>Single-quote semantics: only \\ and an escaped delimiter lose their backslash.</summary>
    private string DecodeSingle(int from, int to, char open, char close)
    {
        var sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++)
        {
            char c = Src[i];
            if (c == '\\' && i + 1 < to && (Src[i + 1] == '\\' || Src[i + 1] == open || Src[i + 1] == close))
            {
                sb.Append(Src[i + 1]);
                i++;
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    /// <summary>Adds a double-quote-semantics token for the body [from, to); $var/@var make it non-literal, ${..}/@{..} are lexed as code.</summary>
    private void AddInterpolated(TokenKind kind, int tokenStart, int tokenEnd, int from, int to, bool strip)
    {
        bool space = SpaceBefore;
        int slot = Reserve();
        var sb = new StringBuilder();
        string? prefix = null;
        int i = from;
        while (i < to)
        {
            char c = Src[i];
            char n = i + 1 < to ? Src[i + 1] : '\0';
            if (c == '\\')
            {
                i = DecodeEscape(i, to, sb);
                continue;
            }
            if (c is '$' or '@' && n == '{')
            {
                prefix ??= sb.ToString();
                LexBoundedInterpolation(i + 1, to, out i);
                continue;
            }
            if ((c == '$' && (IsIdentStart(n) || char.IsAsciiDigit(n) || n is ':' or '$' or '&' or '!' or '@'))
                || (c == '@' && (IsIdentStart(n) || n is ':' or '$')))
            {
                prefix ??= sb.ToString();
            }
            sb.Append(c);
            i++;
        }
        string text = sb.ToString();
        if (strip) text = StripIndent(text);
        Fill(slot, Make(kind, tokenStart, tokenEnd, value: prefix is null ? text : null, prefix: prefix ?? text, spaceBefore: space));
    }

    private int DecodeEscape(int i, int to, StringBuilder sb)
    {
        if (i + 1 >= to)
        {
            sb.Append('\\');
            return i + 1;
        }
        char n = Src[i + 1];
        switch (n)
        {
            case 'n': sb.Append('\n'); break;
            case 't': sb.Append('\t'); break;
            case 'r': sb.Append('\r'); break;
            case 'f': sb.Append('\f'); break;
            case 'b': sb.Append('\b'); break;
            case 'a': sb.Append('\a'); break;
            case 'e': sb.Append('\u001b'); break;
            case >= '0' and <= '7':
            {
                int count = ReadOctal(i + 1, 3, out int value);
                AppendCodePoint(sb, value);
                return i + 1 + count;
            }
            case 'x':
                if (i + 2 < to && Src[i + 2] == '{')
                {
                    int close = Src.IndexOf('}', i + 3, to - (i + 3));
                    if (close > 0)
                    {
                        ReadHex(i + 3, close - (i + 3), out int braced);
                        AppendCodePoint(sb, braced);
                        return close + 1;
                    }
                }
                int digits = ReadHex(i + 2, 2, out int hex);
                sb.Append((char)hex);
                return i + 2 + digits;
            case 'c' when i + 2 < to:
                sb.Append((char)(char.ToUpperInvariant(Src[i + 2]) ^ 64));
                return i + 3;
            case 'N' when i + 2 < to && Src[i + 2] == '{':
            {
                int close = Src.IndexOf('}', i + 3, to - (i + 3));
                if (close < 0) break;
                if (StartsWith(i + 3, "U+") && ReadHex(i + 5, close - (i + 5), out int named) > 0) AppendCodePoint(sb, named);
                return close + 1;
            }
            case 'l' or 'u' or 'L' or 'U' or 'Q' or 'E' or 'F':
                return i + 2; // case modifiers: ignored
            default:
                sb.Append(n);
                break;
        }
        return i + 2;
    }

    /// <summary>&lt;&lt;"END", &lt;&lt;'END', &lt;&lt;`END`, &lt;&lt;END, &lt;&lt;~END: the body follows the current line.</summary>
    private bool TryHeredoc()
    {
        int i = Pos + 2;
        bool indented = false;
        if (At(i) == '~')
        {
            indented = true;
            i++;
        }
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
        else if (IsIdentStart(q) && !PrevIsTerm())
        {
            int end = ReadIdent(i);
            terminator = Src[i..end];
            after = end;
        }
        else
        {
            return false;
        }
        if (terminator.Contains('\n', StringComparison.Ordinal)) return false;
        var (bodyStart, bodyEnd) = TakeHeredoc(terminator, indented, Pos);
        var kind = command ? TokenKind.Command : TokenKind.String;
        if (interpolate)
        {
            AddInterpolated(kind, Pos, after, bodyStart, bodyEnd, strip: indented);
        }
        else
        {
            string body = Src[bodyStart..bodyEnd];
            Add(kind, Pos, after, value: indented ? StripIndent(body) : body);
        }
        Pos = after;
        return true;
    }
}
