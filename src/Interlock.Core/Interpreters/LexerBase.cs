using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;

namespace Interlock.Core.Interpreters;

/// <summary>
/// Shared machinery for the per-language lexers: token emission, bracket tracking (bounded nesting),
/// in-place interpolation lexing and heredoc bodies. Lexers never throw out of <see cref="Run"/>.
/// </summary>
internal abstract class LexerBase
{
    protected const int MaxNesting = 200;
    /// <summary>Pushed on the bracket stack for an interpolation so that only its own '}' ends it.</summary>
    private const char InterpolationMark = '\u0001';
    private static readonly Token Placeholder = new() { Kind = TokenKind.Punct, Text = "", Start = 0, Length = 0, Synthetic = true };

    protected readonly string Src;
    protected int Pos;
    /// <summary>End of the text being lexed; lowered temporarily while lexing code embedded in a string region.</summary>
    protected int Limit;
    /// <summary>Set by SkipTrivia when whitespace preceded the current token.</summary>
    protected bool SpaceBefore;
    protected readonly List<Token> Tokens = [];
    private readonly List<char> open = [];
    // Heredoc bodies (Perl/Ruby) start on the line after their marker; the lexer jumps over them at that line's end.
    private int heredocLineEnd = -1;
    private int heredocResume = -1;

    protected LexerBase(string src)
    {
        Src = src;
        Limit = src.Length;
    }

    public LexResult Run()
    {
        try
        {
            LexTokens(-1);
            return new LexResult(Tokens, -1, null);
        }
        catch (LexFailure failure)
        {
            Tokens.RemoveAll(t => ReferenceEquals(t, Placeholder));
            return new LexResult(Tokens, Math.Clamp(failure.Position, 0, Src.Length), failure.Message);
        }
    }

    protected abstract void SkipTrivia();
    protected abstract void LexToken();

    protected int Depth => open.Count;
    protected char Innermost => open.Count == 0 ? '\0' : open[^1];
    protected Token? Prev => Tokens.Count == 0 ? null : Tokens[^1];

    /// <summary>Lexes until the end of the text, or (stopDepth >= 0) until the '}' closing an interpolation.</summary>
    protected void LexTokens(int stopDepth)
    {
        while (true)
        {
            SpaceBefore = false;
            SkipTrivia();
            if (Pos >= Limit)
            {
                if (stopDepth >= 0) throw Fail(Pos, "unterminated interpolation");
                return;
            }
            if (stopDepth >= 0 && Src[Pos] == '}' && open.Count == stopDepth) return;
            int before = Pos;
            LexToken();
            if (Pos <= before)
            {
                // Defensive: every path must make progress.
                AddPunct(before, 1);
                Pos = before + 1;
            }
        }
    }

    /// <summary>Lexes the code of an interpolation. Pos is just past its opening brace; on return Pos is past the closing one.</summary>
    protected void LexInterpolation(int markAt)
    {
        Tokens.Add(Make(TokenKind.Punct, markAt, markAt, "(", synthetic: true));
        Push(InterpolationMark, markAt);
        LexTokens(open.Count);
        open.RemoveAt(open.Count - 1);
        Tokens.Add(Make(TokenKind.Punct, Pos, Pos, ")", synthetic: true));
        Pos++;
    }

    /// <summary>Lexes an interpolation whose text lies inside [.., regionEnd) of an already delimited string, restoring Pos/Limit.</summary>
    protected void LexBoundedInterpolation(int openBrace, int regionEnd, out int resume)
    {
        int savedLimit = Limit;
        Limit = regionEnd;
        Pos = openBrace + 1;
        try
        {
            LexInterpolation(openBrace);
        }
        finally
        {
            Limit = savedLimit;
        }
        resume = Pos;
    }

    protected Token Make(TokenKind kind, int start, int end, string? text = null, string? value = null, string? prefix = null,
        IReadOnlyList<string>? words = null, bool synthetic = false, bool? spaceBefore = null) => new()
    {
        Kind = kind,
        Text = text ?? Src.Substring(start, end - start),
        Start = start,
        Length = end - start,
        Value = value,
        LiteralPrefix = prefix ?? value ?? "",
        Words = words,
        Synthetic = synthetic,
        SpaceBefore = spaceBefore ?? SpaceBefore,
    };

    protected Token Add(TokenKind kind, int start, int end, string? text = null, string? value = null, string? prefix = null,
        IReadOnlyList<string>? words = null, bool? spaceBefore = null)
    {
        var token = Make(kind, start, end, text, value, prefix, words, spaceBefore: spaceBefore);
        Tokens.Add(token);
        return token;
    }

    /// <summary>Reserves the slot of a string token whose embedded code tokens are emitted before the string is complete.</summary>
    protected int Reserve()
    {
        Tokens.Add(Placeholder);
        return Tokens.Count - 1;
    }

    protected void Fill(int slot, Token token) => Tokens[slot] = token;

    protected void AddPunct(int start, int length)
    {
        string text = Src.Substring(start, length);
        Tokens.Add(Make(TokenKind.Punct, start, start + length, text));
        if (length != 1) return;
        switch (text[0])
        {
            case '(' or '[' or '{': Push(text[0], start); break;
            case ')': PopIf('('); break;
            case ']': PopIf('['); break;
            case '}': PopIf('{'); break;
        }
    }

    protected void AddSyntheticPunct(int at, string text) => Tokens.Add(Make(TokenKind.Punct, at, at, text, synthetic: true));

    /// <summary>Emits the longest operator of <paramref name="operators"/> (longest first) at Pos, else one character.</summary>
    protected void LexPunct(ImmutableArray<string> operators)
    {
        foreach (string op in operators)
        {
            if (StartsWith(Pos, op))
            {
                AddPunct(Pos, op.Length);
                Pos += op.Length;
                return;
            }
        }
        AddPunct(Pos, 1);
        Pos++;
    }

    private void Push(char c, int at)
    {
        if (open.Count >= MaxNesting) throw Fail(at, "nesting too deep");
        open.Add(c);
    }

    private void PopIf(char c)
    {
        // Mismatched closers are ignored rather than failing: they must not end an interpolation early.
        if (open.Count > 0 && open[^1] == c) open.RemoveAt(open.Count - 1);
    }

    protected static LexFailure Fail(int pos, string message) => new(pos, message);

    protected char At(int i) => i >= 0 && i < Limit ? Src[i] : '\0';

    protected bool StartsWith(int i, string s) =>
        i >= 0 && i + s.Length <= Limit && string.CompareOrdinal(Src, i, s, 0, s.Length) == 0;

    protected static bool IsIdentStart(char c) => c == '_' || char.IsLetter(c);
    protected static bool IsIdentPart(char c) => c == '_' || char.IsLetterOrDigit(c);

    protected int ReadIdent(int i)
    {
        while (i < Limit && IsIdentPart(Src[i])) i++;
        return i;
    }

    protected void SkipLine()
    {
        while (Pos < Limit && Src[Pos] != '\n') Pos++;
    }

    /// <summary>Reads a numeric literal loosely (digits, letters, '_', one-dot fractions, exponent signs).</summary>
    protected int ReadNumber(int i)
    {
        int start = i;
        bool hex = At(i) == '0' && At(i + 1) is 'x' or 'X';
        while (i < Limit)
        {
            char c = Src[i];
            if (IsIdentPart(c)) i++;
            else if (c == '.' && At(i + 1) != '.' && char.IsAsciiDigit(At(i + 1))) i++;
            else if (c == '.' && i == start) i++;
            else if (c is '+' or '-' && !hex && i > start && Src[i - 1] is 'e' or 'E') i++;
            else break;
        }
        return i;
    }

    protected static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Reads up to <paramref name="max"/> hex digits at i; returns how many were read.</summary>
    protected int ReadHex(int i, int max, out int value)
    {
        value = 0;
        int n = 0;
        while (n < max && HexValue(At(i + n)) is var d && d >= 0)
        {
            value = value * 16 + d;
            n++;
        }
        return n;
    }

    /// <summary>Reads up to <paramref name="max"/> octal digits at i; returns how many were read.</summary>
    protected int ReadOctal(int i, int max, out int value)
    {
        value = 0;
        int n = 0;
        while (n < max && At(i + n) is >= '0' and <= '7')
        {
            value = value * 8 + (At(i + n) - '0');
            n++;
        }
        return n;
    }

    /// <summary>A backslash as the last character is kept literally; returns true when that was the case.</summary>
    protected bool TrailingBackslash(StringBuilder sb)
    {
        if (Pos + 1 < Limit) return false;
        sb.Append('\\');
        Pos++;
        return true;
    }

    /// <summary>`\u{1F600}` or `\uXXXX` at Pos (JavaScript and Ruby share the syntax); false when malformed.</summary>
    protected bool TryUnicodeEscape(StringBuilder sb)
    {
        if (At(Pos + 2) == '{')
        {
            int count = ReadHex(Pos + 3, 6, out int cp);
            if (count > 0 && At(Pos + 3 + count) == '}')
            {
                AppendCodePoint(sb, cp);
                Pos += 4 + count;
                return true;
            }
            return false;
        }
        if (ReadHex(Pos + 2, 4, out int unit) != 4) return false;
        sb.Append((char)unit);
        Pos += 6;
        return true;
    }

    protected static void AppendCodePoint(StringBuilder sb, int codePoint)
    {
        if (codePoint is >= 0 and <= 0x10FFFF and not (>= 0xD800 and <= 0xDFFF)) sb.Append(char.ConvertFromUtf32(codePoint));
        else sb.Append('\uFFFD');
    }

    protected static char ClosingDelimiter(char open) => open switch
    {
        '(' => ')',
        '[' => ']',
        '{' => '}',
        '<' => '>',
        _ => open,
    };

    /// <summary>Consumes the newline at Pos, jumping over heredoc bodies that belong to the line it ends.</summary>
    protected void ConsumeNewline()
    {
        if (Pos == heredocLineEnd && heredocResume > Pos)
        {
            Pos = heredocResume;
            heredocLineEnd = heredocResume = -1;
        }
        else
        {
            Pos++;
        }
    }

    /// <summary>
    /// Locates the body of a heredoc whose marker is on the current line: it starts on the next line (or after the
    /// previous heredoc of the same line) and ends before the terminator line.
    /// </summary>
    protected (int BodyStart, int BodyEnd) TakeHeredoc(string terminator, bool indentedTerminator, int markerPos)
    {
        if (heredocLineEnd >= 0 && Pos > heredocLineEnd) heredocLineEnd = heredocResume = -1; // stale: its line was passed
        int bodyStart;
        if (heredocResume >= 0)
        {
            bodyStart = heredocResume;
        }
        else
        {
            int nl = Src.IndexOf('\n', Pos, Limit - Pos);
            if (nl < 0) throw Fail(markerPos, "unterminated heredoc");
            heredocLineEnd = nl;
            bodyStart = nl + 1;
        }

        int lineStart = bodyStart;
        while (lineStart <= Limit)
        {
            int nl = lineStart < Limit ? Src.IndexOf('\n', lineStart, Limit - lineStart) : -1;
            int lineEnd = nl < 0 ? Limit : nl;
            var line = Src.AsSpan(lineStart, lineEnd - lineStart).TrimEnd('\r');
            if (indentedTerminator) line = line.TrimStart(" \t");
            if (line.SequenceEqual(terminator))
            {
                heredocResume = nl < 0 ? Limit : nl + 1;
                return (bodyStart, lineStart);
            }
            if (nl < 0) break;
            lineStart = nl + 1;
        }
        throw Fail(markerPos, "unterminated heredoc");
    }

    /// <summary>Removes the common leading whitespace of non-blank lines (Ruby/Perl &lt;&lt;~ heredocs).</summary>
    protected static string StripIndent(string text)
    {
        var lines = text.Split('\n');
        int indent = int.MaxValue;
        foreach (string line in lines)
        {
            if (line.Trim().Length == 0) continue;
            int n = 0;
            while (n < line.Length && line[n] is ' ' or '\t') n++;
            indent = Math.Min(indent, n);
        }
        if (indent is 0 or int.MaxValue) return text;
        for (int i = 0; i < lines.Length; i++)
        {
            lines[i] = lines[i].Length >= indent ? lines[i][indent..] : lines[i].TrimStart(' ', '\t');
        }
        return string.Join('\n', lines);
    }

    protected static List<string> SplitWords(string text)
    {
        var words = new List<string>();
        foreach (string w in text.Split([' ', '\t', '\n', '\r', '\f', '\v'], StringSplitOptions.RemoveEmptyEntries)) words.Add(w);
        return words;
    }
}
