using System;
using System.Collections.Immutable;
using System.Text;

namespace Interlock.Core.Interpreters;

/// <summary>
/// PHP lexer: code given to php -r (no tags) or a script with &lt;?php ... ?&gt; sections around inline HTML;
/// // # /* */ comments, $variables, '' "" `` strings ({$expr} lexed in place), heredoc and nowdoc.
/// </summary>
internal sealed class PhpLexer : LexerBase
{
    private static readonly ImmutableArray<string> Operators =
    [
        "<=>", "===", "!==", "**=", "...", "<<=", ">>=", "??=", "?->", "->", "=>", "::", "==", "!=", "<>", "<=", ">=", "&&", "||",
        "??", "++", "--", "+=", "-=", "*=", "/=", ".=", "%=", "&=", "|=", "^=", "<<", ">>", "**",
    ];

    public PhpLexer(string src) : base(src)
    {
        // A script (file or stdin) starts with inline HTML or "<?php"; php -r code cannot start with '<'.
        int i = 0;
        if (src.StartsWith("#!", StringComparison.Ordinal))
        {
            i = src.IndexOf('\n');
            i = i < 0 ? src.Length : i + 1;
        }
        while (i < src.Length && char.IsWhiteSpace(src[i])) i++;
        if (i < src.Length && src[i] == '<')
        {
            Pos = i;
            SkipHtml();
        }
    }

    /// <summary>Skips inline HTML up to the next open tag (&lt;?php, &lt;?=, &lt;?).</summary>
    private void SkipHtml()
    {
        int open = Src.IndexOf("<?", Pos, Limit - Pos, StringComparison.Ordinal);
        if (open < 0)
        {
            Pos = Limit;
            return;
        }
        Pos = open + 2;
        if (StartsWith(Pos, "=")) Pos++;
        else if (Pos + 3 <= Limit && Src.AsSpan(Pos, 3).Equals("php", StringComparison.OrdinalIgnoreCase)) Pos += 3;
    }

    protected override void SkipTrivia()
    {
        while (Pos < Limit)
        {
            char c = Src[Pos];
            if (char.IsWhiteSpace(c))
            {
                Pos++;
                SpaceBefore = true;
            }
            else if ((c == '#' && At(Pos + 1) != '[') || (c == '/' && At(Pos + 1) == '/'))
            {
                // Line comments also end at a close tag.
                while (Pos < Limit && Src[Pos] != '\n' && !StartsWith(Pos, "?>")) Pos++;
            }
            else if (c == '/' && At(Pos + 1) == '*')
            {
                int end = Src.IndexOf("*/", Pos + 2, Limit - Pos - 2, StringComparison.Ordinal);
                if (end < 0) throw Fail(Pos, "unterminated comment");
                Pos = end + 2;
                SpaceBefore = true;
            }
            else if (c == '?' && At(Pos + 1) == '>' && Depth == 0)
            {
                AddSyntheticPunct(Pos, ";"); // a close tag ends the statement
                Pos += 2;
                SkipHtml();
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
        char n = At(Pos + 1);
        if (c == '$')
        {
            int end = IsIdentStart(n) ? ReadIdent(Pos + 1) : Pos + 1;
            Add(TokenKind.Variable, Pos, end);
            Pos = end;
        }
        else if (IsIdentStart(c) || (c == '\\' && IsIdentStart(n)))
        {
            // Namespaced names (\system, Foo\bar) are one identifier.
            int end = Pos;
            while (end < Limit && (IsIdentPart(Src[end]) || (Src[end] == '\\' && IsIdentStart(At(end + 1))))) end++;
            Add(TokenKind.Identifier, Pos, end);
            Pos = end;
        }
        else if (c == '\'')
        {
            LexSingleQuoted();
        }
        else if (c is '"' or '`')
        {
            int start = Pos;
            bool space = SpaceBefore;
            Pos++;
            int slot = Reserve();
            var (text, prefix) = ScanInterpolated(c, start);
            Fill(slot, Make(c == '`' ? TokenKind.Command : TokenKind.String, start, Pos, value: prefix is null ? text : null,
                prefix: prefix ?? text, spaceBefore: space));
        }
        else if (c == '<' && StartsWith(Pos, "<<<") && TryHeredoc())
        {
        }
        else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(n)))
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

    private void LexSingleQuoted()
    {
        int start = Pos;
        Pos++;
        var sb = new StringBuilder();
        while (true)
        {
            if (Pos >= Limit) throw Fail(start, "unterminated string");
            char c = Src[Pos];
            if (c == '\'')
            {
                Pos++;
                break;
            }
            if (c == '\\' && At(Pos + 1) is '\\' or '\'')
            {
                sb.Append(Src[Pos + 1]);
                Pos += 2;
                continue;
            }
            sb.Append(c);
            Pos++;
        }
        Add(TokenKind.String, start, Pos, value: sb.ToString());
    }

    /// <summary>
    /// Double-quote semantics from Pos to the closing quote (or to Limit when close is '\0'): escapes decoded,
    /// $var makes it non-literal, {$expr} and ${expr} are lexed as code.
    /// </summary>
    private (string Text, string? Prefix) ScanInterpolated(char close, int tokenStart)
    {
        var sb = new StringBuilder();
        string? prefix = null;
        while (true)
        {
            if (Pos >= Limit)
            {
                if (close == '\0') break;
                throw Fail(tokenStart, "unterminated string");
            }
            char c = Src[Pos];
            char n = At(Pos + 1);
            if (c == close && close != '\0')
            {
                Pos++;
                break;
            }
            if (c == '\\')
            {
                DecodeEscape(sb, close);
                continue;
            }
            if (c == '{' && n == '$')
            {
                prefix ??= sb.ToString();
                Pos++;
                LexInterpolation(Pos - 1);
                continue;
            }
            if (c == '$' && n == '{')
            {
                prefix ??= sb.ToString();
                Pos += 2;
                LexInterpolation(Pos - 1);
                continue;
            }
            if (c == '$' && IsIdentStart(n)) prefix ??= sb.ToString();
            sb.Append(c);
            Pos++;
        }
        return (sb.ToString(), prefix);
    }

    private void DecodeEscape(StringBuilder sb, char quote)
    {
        if (TrailingBackslash(sb)) return;
        char n = At(Pos + 1);
        switch (n)
        {
            case 'n': sb.Append('\n'); break;
            case 't': sb.Append('\t'); break;
            case 'r': sb.Append('\r'); break;
            case 'v': sb.Append('\v'); break;
            case 'e': sb.Append('\u001b'); break;
            case 'f': sb.Append('\f'); break;
            case '\\' or '$': sb.Append(n); break;
            case >= '0' and <= '7':
            {
                int count = ReadOctal(Pos + 1, 3, out int value);
                sb.Append((char)(value & 0xFF));
                Pos += 1 + count;
                return;
            }
            case 'x' when HexValue(At(Pos + 2)) >= 0:
            {
                int count = ReadHex(Pos + 2, 2, out int value);
                sb.Append((char)value);
                Pos += 2 + count;
                return;
            }
            case 'u' when At(Pos + 2) == '{':
            {
                int count = ReadHex(Pos + 3, 6, out int cp);
                if (count > 0 && At(Pos + 3 + count) == '}')
                {
                    AppendCodePoint(sb, cp);
                    Pos += 4 + count;
                    return;
                }
                sb.Append('\\').Append(n);
                break;
            }
            default:
                if (n == quote && quote != '\0') sb.Append(n);
                else sb.Append('\\').Append(n); // unknown escapes keep their backslash
                break;
        }
        Pos += 2;
    }

    /// <summary>&lt;&lt;&lt;ID / &lt;&lt;&lt;"ID" (heredoc) or &lt;&lt;&lt;'ID' (nowdoc); code resumes right after the closing identifier.</summary>
    private bool TryHeredoc()
    {
        int start = Pos;
        int i = Pos + 3;
        while (At(i) is ' ' or '\t') i++;
        char q = At(i);
        bool nowdoc = q == '\'';
        if (q is '\'' or '"') i++;
        if (!IsIdentStart(At(i))) return false;
        int idEnd = ReadIdent(i);
        string id = Src[i..idEnd];
        int lineEnd = idEnd + (q is '\'' or '"' ? 1 : 0);
        if (At(lineEnd) == '\r') lineEnd++;
        if (At(lineEnd) != '\n') return false;
        int bodyStart = lineEnd + 1;

        // The closing line is optional whitespace, the identifier, then anything that is not an identifier character.
        int lineStart = bodyStart;
        int closeLine = -1, closeIdEnd = -1, indent = 0;
        while (lineStart <= Limit)
        {
            int j = lineStart;
            while (At(j) is ' ' or '\t') j++;
            if (StartsWith(j, id) && !IsIdentPart(At(j + id.Length)))
            {
                closeLine = lineStart;
                closeIdEnd = j + id.Length;
                indent = j - lineStart;
                break;
            }
            int nl = lineStart < Limit ? Src.IndexOf('\n', lineStart, Limit - lineStart) : -1;
            if (nl < 0) break;
            lineStart = nl + 1;
        }
        if (closeLine < 0) throw Fail(start, "unterminated heredoc");

        int bodyEnd = Math.Max(bodyStart, closeLine - 1); // the newline before the closing line is not part of the body
        if (bodyEnd > bodyStart && Src[bodyEnd - 1] == '\r') bodyEnd--;
        bool space = SpaceBefore;
        int slot = Reserve();
        string text;
        string? prefix = null;
        if (nowdoc)
        {
            text = Src[bodyStart..bodyEnd];
        }
        else
        {
            int savedLimit = Limit;
            Pos = bodyStart;
            Limit = bodyEnd;
            try
            {
                (text, prefix) = ScanInterpolated('\0', start);
            }
            finally
            {
                Limit = savedLimit;
            }
        }
        if (indent > 0)
        {
            text = RemoveIndent(text, indent);
            prefix = prefix is null ? null : RemoveIndent(prefix, indent);
        }
        Fill(slot, Make(TokenKind.String, start, closeIdEnd, value: prefix is null ? text : null, prefix: prefix ?? text, spaceBefore: space));
        Pos = closeIdEnd;
        return true;
    }

    private static string RemoveIndent(string text, int indent)
    {
        var lines = text.Split('\n');
        for (int k = 0; k < lines.Length; k++)
        {
            int strip = 0;
            while (strip < indent && strip < lines[k].Length && lines[k][strip] is ' ' or '\t') strip++;
            lines[k] = lines[k][strip..];
        }
        return string.Join('\n', lines);
    }
}
