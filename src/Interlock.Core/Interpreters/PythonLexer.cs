using System;
using System.Collections.Immutable;
using System.Text;

namespace Interlock.Core.Interpreters;

/// <summary>Python lexer: '#' comments, '' "" and triple-quoted strings with r/b/u/f prefixes, f-string expressions lexed in place.</summary>
internal sealed class PythonLexer(string src) : LexerBase(src)
{
    private static readonly ImmutableArray<string> Operators =
        ["**=", "//=", ">>=", "<<=", "...", "**", "//", "==", "!=", "<=", ">=", "->", ":=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "<<", ">>"];

    protected override void SkipTrivia()
    {
        while (Pos < Limit)
        {
            char c = Src[Pos];
            if (c is ' ' or '\t' or '\r' or '\n' or '\f' or '\v')
            {
                Pos++;
                SpaceBefore = true;
            }
            else if (c == '\\' && (At(Pos + 1) == '\n' || (At(Pos + 1) == '\r' && At(Pos + 2) == '\n')))
            {
                Pos += At(Pos + 1) == '\r' ? 3 : 2; // explicit line continuation
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

    protected override void LexToken()
    {
        char c = Src[Pos];
        if (IsIdentStart(c))
        {
            int end = ReadIdent(Pos);
            if (end - Pos <= 2 && At(end) is '\'' or '"' && IsStringPrefix(Src.AsSpan(Pos, end - Pos)))
            {
                LexString(Pos, end);
                return;
            }
            Add(TokenKind.Identifier, Pos, end);
            Pos = end;
        }
        else if (c is '\'' or '"')
        {
            LexString(Pos, Pos);
        }
        else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(Pos + 1))))
        {
            int end = ReadNumber(Pos);
            Add(TokenKind.Number, Pos, end);
            Pos = end;
        }
        else
        {
            LexPunct(Operators);
        }
    }

    private static bool IsStringPrefix(ReadOnlySpan<char> prefix)
    {
        string p = prefix.ToString().ToLowerInvariant();
        return p is "r" or "u" or "b" or "f" or "t" or "br" or "rb" or "fr" or "rf" or "tr" or "rt";
    }

    private void LexString(int start, int quotePos)
    {
        string prefix = Src[start..quotePos].ToLowerInvariant();
        bool raw = prefix.Contains('r', StringComparison.Ordinal);
        bool format = prefix.Contains('f', StringComparison.Ordinal) || prefix.Contains('t', StringComparison.Ordinal);
        bool space = SpaceBefore;
        char quote = Src[quotePos];
        bool triple = At(quotePos + 1) == quote && At(quotePos + 2) == quote;
        Pos = quotePos + (triple ? 3 : 1);
        int slot = Reserve();
        var sb = new StringBuilder();
        string? prefixBeforeInterpolation = null;
        while (true)
        {
            if (Pos >= Limit) throw Fail(start, "unterminated string");
            char c = Src[Pos];
            if (c == quote && (!triple || (At(Pos + 1) == quote && At(Pos + 2) == quote)))
            {
                Pos += triple ? 3 : 1;
                break;
            }
            if (c == '\n' && !triple) throw Fail(start, "unterminated string");
            if (c == '\\')
            {
                if (raw)
                {
                    // Raw strings keep the backslash, which still protects the next character (even a quote).
                    sb.Append(c);
                    if (Pos + 1 < Limit) sb.Append(Src[Pos + 1]);
                    Pos += 2;
                }
                else
                {
                    DecodeEscape(sb);
                }
                continue;
            }
            if (format && c == '{')
            {
                if (At(Pos + 1) == '{')
                {
                    sb.Append('{');
                    Pos += 2;
                    continue;
                }
                prefixBeforeInterpolation ??= sb.ToString();
                Pos++;
                LexInterpolation(Pos - 1);
                continue;
            }
            if (format && c == '}' && At(Pos + 1) == '}')
            {
                sb.Append('}');
                Pos += 2;
                continue;
            }
            sb.Append(c);
            Pos++;
        }
        string text = sb.ToString();
        Fill(slot, Make(TokenKind.String, start, Pos,
            value: prefixBeforeInterpolation is null ? text : null,
            prefix: prefixBeforeInterpolation ?? text,
            spaceBefore: space));
    }

    /// <summary>Decodes the escape at Pos (a backslash) into <paramref name="sb"/>.</summary>
    private void DecodeEscape(StringBuilder sb)
    {
        char n = At(Pos + 1);
        switch (n)
        {
            case '\0' when Pos + 1 >= Limit:
                sb.Append('\\');
                Pos++;
                return;
            case '\n':
                Pos += 2;
                return;
            case '\r':
                Pos += At(Pos + 2) == '\n' ? 3 : 2;
                return;
            case '\\' or '\'' or '"':
                sb.Append(n);
                break;
            case 'a': sb.Append('\a'); break;
            case 'b': sb.Append('\b'); break;
            case 'f': sb.Append('\f'); break;
            case 'n': sb.Append('\n'); break;
            case 'r': sb.Append('\r'); break;
            case 't': sb.Append('\t'); break;
            case 'v': sb.Append('\v'); break;
            case >= '0' and <= '7':
            {
                int count = ReadOctal(Pos + 1, 3, out int value);
                sb.Append((char)value);
                Pos += 1 + count;
                return;
            }
            case 'x' or 'u' or 'U':
            {
                int want = n == 'x' ? 2 : n == 'u' ? 4 : 8;
                if (ReadHex(Pos + 2, want, out int value) == want)
                {
                    AppendCodePoint(sb, value);
                    Pos += 2 + want;
                    return;
                }
                sb.Append('\\').Append(n);
                break;
            }
            default:
                sb.Append('\\').Append(n); // unknown escapes (and \N{...}) keep their backslash
                break;
        }
        Pos += 2;
    }
}
