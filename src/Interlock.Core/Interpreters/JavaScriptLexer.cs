using System;
using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;

namespace Interlock.Core.Interpreters;

/// <summary>JavaScript lexer: // and /* */ comments, '' "" strings, template literals with ${} lexed in place, heuristic regex literals.</summary>
internal sealed class JavaScriptLexer(string src) : LexerBase(src)
{
    private static readonly ImmutableArray<string> Operators =
    [
        ">>>=", "...", "===", "!==", "**=", "<<=", ">>=", ">>>", "&&=", "||=", "??=", "=>", "==", "!=", "<=", ">=", "&&", "||", "??",
        "?.", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "**", "<<", ">>",
    ];

    /// <summary>Keywords after which '/' starts a regex rather than a division.</summary>
    private static readonly FrozenSet<string> RegexAfterWords = new[]
    {
        "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await",
    }.ToFrozenSet(StringComparer.Ordinal);

    protected override void SkipTrivia()
    {
        if (Pos == 0 && StartsWith(0, "#!")) SkipLine();
        while (Pos < Limit)
        {
            char c = Src[Pos];
            if (char.IsWhiteSpace(c))
            {
                Pos++;
                SpaceBefore = true;
            }
            else if (c == '/' && At(Pos + 1) == '/')
            {
                SkipLine();
            }
            else if (c == '/' && At(Pos + 1) == '*')
            {
                int end = Src.IndexOf("*/", Pos + 2, Limit - Pos - 2, StringComparison.Ordinal);
                if (end < 0) throw Fail(Pos, "unterminated comment");
                Pos = end + 2;
                SpaceBefore = true;
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
        if (IsIdentStart(c) || c == '$')
        {
            int end = Pos + 1;
            while (end < Limit && (IsIdentPart(Src[end]) || Src[end] == '$')) end++;
            Add(TokenKind.Identifier, Pos, end);
            Pos = end;
        }
        else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(Pos + 1))))
        {
            int end = ReadNumber(Pos);
            Add(TokenKind.Number, Pos, end);
            Pos = end;
        }
        else if (c is '\'' or '"')
        {
            LexQuoted(c);
        }
        else if (c == '`')
        {
            LexTemplate();
        }
        else if (c == '/' && RegexAllowed() && TryRegex())
        {
            // regex literal emitted
        }
        else if (c == '?' && At(Pos + 1) == '.' && char.IsAsciiDigit(At(Pos + 2)))
        {
            AddPunct(Pos, 1); // a ? .5 : b
            Pos++;
        }
        else
        {
            LexPunct(Operators);
        }
    }

    private bool RegexAllowed() => Prev switch
    {
        null => true,
        { Kind: TokenKind.Punct } p => p.Synthetic || p.Text is not (")" or "]" or "}"),
        { Kind: TokenKind.Identifier } p => RegexAfterWords.Contains(p.Text),
        _ => false,
    };

    /// <summary>Scans /.../flags on one line; returns false (so '/' becomes an operator) when it does not close.</summary>
    private bool TryRegex()
    {
        int i = Pos + 1;
        bool inClass = false;
        while (i < Limit)
        {
            char c = Src[i];
            if (c == '\\') { i += 2; continue; }
            if (c is '\n' or '\r') return false;
            if (c == '[') inClass = true;
            else if (c == ']') inClass = false;
            else if (c == '/' && !inClass) break;
            i++;
        }
        if (i >= Limit) return false;
        int end = ReadIdent(i + 1);
        Add(TokenKind.Regex, Pos, end);
        Pos = end;
        return true;
    }

    private void LexQuoted(char quote)
    {
        int start = Pos;
        Pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (Pos >= Limit) throw Fail(start, "unterminated string");
            char c = Src[Pos];
            if (c == quote)
            {
                Pos++;
                break;
            }
            if (c is '\n' or '\r') throw Fail(start, "unterminated string");
            if (c == '\\') DecodeEscape(sb);
            else
            {
                sb.Append(c);
                Pos++;
            }
        }
        Add(TokenKind.String, start, Pos, value: sb.ToString());
    }

    /// <summary>`...${expr}...`: a template without substitutions is a plain literal.</summary>
    private void LexTemplate()
    {
        int start = Pos;
        bool space = SpaceBefore;
        Pos++;
        int slot = Reserve();
        var sb = new StringBuilder();
        string? prefix = null;
        while (true)
        {
            if (Pos >= Limit) throw Fail(start, "unterminated template literal");
            char c = Src[Pos];
            if (c == '`')
            {
                Pos++;
                break;
            }
            if (c == '\\')
            {
                DecodeEscape(sb);
            }
            else if (c == '$' && At(Pos + 1) == '{')
            {
                prefix ??= sb.ToString();
                Pos += 2;
                LexInterpolation(Pos - 1);
            }
            else
            {
                sb.Append(c);
                Pos++;
            }
        }
        string text = sb.ToString();
        Fill(slot, Make(TokenKind.String, start, Pos, value: prefix is null ? text : null, prefix: prefix ?? text, spaceBefore: space));
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
            case 'b': sb.Append('\b'); break;
            case 'f': sb.Append('\f'); break;
            case 'v': sb.Append('\v'); break;
            case '\n' or '\u2028' or '\u2029':
                break; // line continuation
            case '\r':
                if (At(Pos + 2) == '\n') Pos++;
                break;
            case >= '0' and <= '7':
            {
                int count = ReadOctal(Pos + 1, n <= '3' ? 3 : 2, out int value);
                sb.Append((char)value);
                Pos += 1 + count;
                return;
            }
            case 'x':
                if (ReadHex(Pos + 2, 2, out int hex) == 2)
                {
                    sb.Append((char)hex);
                    Pos += 4;
                    return;
                }
                sb.Append('x');
                break;
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
}
