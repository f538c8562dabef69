// The SQL lexer and statement splitter: one pass over the text that skips comments, reads tokens, and cuts statements
// at delimiters (;, DELIMITER, GO) and client commands, then hands each statement to SqlStatementClassifier.
#nullable enable
using System;
using System.Collections.Generic;
using System.Text;

namespace Interlock.Core.Sql;

internal sealed record SqlSplitResult(IReadOnlyList<SqlStatementInfo> Statements, bool Truncated, string? Error);

internal enum SqlTokenKind { Word, QuotedIdentifier, String, Number, Symbol }

/// <summary>A lexical token. <see cref="Text"/> is the unquoted, unescaped value for identifiers and strings.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int End, string Text)
{
    public bool IsWord(string keyword) => Kind == SqlTokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && Text == symbol;
}

/// <summary>Scans the text once: skips comments, reads tokens, and cuts statements at delimiters and client commands.</summary>
internal sealed class SqlSplitter
{
    private readonly string _text;
    private readonly int _end;
    private readonly SqlLexOptions _options;
    private readonly int _maxStatements;
    private readonly SqlContext _context;
    private readonly SqlBlockTracker _block;
    private readonly List<SqlToken> _current = new();
    private readonly List<SqlStatementInfo> _statements = new();
    private string _delimiter = ";";
    private int _pos;
    private bool _lineStart = true;
    private bool _inExecutableComment;
    private bool _inCopyData;
    private bool _stopped;
    private bool _truncated;
    private string? _error;

    private SqlSplitter(string text, int end, SqlLexOptions options, int maxStatements, int nesting)
    {
        _text = text;
        _end = end;
        _options = options;
        _maxStatements = maxStatements;
        _context = new SqlContext(text, options, nesting);
        _block = new SqlBlockTracker(options);
    }

    public static SqlSplitResult Run(string text, int end, SqlLexOptions options, int maxStatements, int nesting)
    {
        var splitter = new SqlSplitter(text, end, options, maxStatements, nesting);
        splitter.Scan();
        return new SqlSplitResult(splitter._statements, splitter._truncated, splitter._error);
    }

    private void Scan()
    {
        while (_pos < _end && !_stopped)
        {
            if (_inCopyData) { SkipCopyData(); continue; }
            char c = _text[_pos];
            if (c == '\n') { _lineStart = true; _pos++; continue; }
            if (char.IsWhiteSpace(c)) { _pos++; continue; }
            if (_lineStart && TryLineCommand()) continue;
            if (_delimiter != ";" && StartsWithAt(_pos, _delimiter)) { Flush(); _pos += _delimiter.Length; continue; }
            if (c == ';' && _delimiter == ";")
            {
                if (_block.SemicolonEndsStatement) Flush();
                else Add(new SqlToken(SqlTokenKind.Symbol, _pos, _pos + 1, ";"));
                _pos++;
                continue;
            }
            if (_inExecutableComment && c == '*' && Peek(1) == '/') { _inExecutableComment = false; _pos += 2; continue; }
            if (TrySkipComment()) continue;
            if (c == '\\' && (_options.PsqlMeta || _options.MysqlMeta)) { ReadBackslashCommand(); continue; }
            _lineStart = false;
            Add(ReadToken());
        }
        if (!_stopped) Flush();
    }

    private char Peek(int offset) => _pos + offset < _end ? _text[_pos + offset] : '\0';

    private bool StartsWithAt(int index, string value) =>
        index + value.Length <= _end && string.CompareOrdinal(_text, index, value, 0, value.Length) == 0;

    private int LineEnd(int from)
    {
        int newline = from < _end ? _text.IndexOf('\n', from, _end - from) : -1;
        return newline < 0 ? _end : newline;
    }

    private void SetError(string message) => _error ??= message;

    private void Add(SqlToken token)
    {
        _current.Add(token);
        _block.Add(token, _current);
    }

    private void Flush()
    {
        if (_current.Count == 0) return;
        SqlToken[] tokens = _current.ToArray();
        _current.Clear();
        _block.Reset();
        _inCopyData = _options.CopyData && IsCopyFromStdin(tokens);
        if (!_options.ImplicitSplit)
        {
            EmitStatement(new ArraySegment<SqlToken>(tokens));
            return;
        }
        foreach (ArraySegment<SqlToken> segment in SqlImplicitSplit.Split(tokens))
        {
            if (_stopped) return;
            EmitStatement(segment);
        }
    }

    private static bool IsCopyFromStdin(SqlToken[] tokens)
    {
        if (!tokens[0].IsWord("COPY")) return false;
        for (int i = 1; i + 1 < tokens.Length; i++)
            if (tokens[i].IsWord("FROM") && tokens[i + 1].IsWord("STDIN")) return true;
        return false;
    }

    // psql sends the lines after COPY ... FROM STDIN as data up to a line holding only "\.", so they are not SQL.
    private void SkipCopyData()
    {
        _inCopyData = false;
        int line = LineEnd(_pos) + 1;
        while (line < _end)
        {
            int lineEnd = LineEnd(line);
            if (_text.AsSpan(line, lineEnd - line).TrimEnd('\r').SequenceEqual("\\."))
            {
                _pos = lineEnd;
                return;
            }
            line = lineEnd + 1;
        }
        _pos = _end;
    }

    private void EmitStatement(ArraySegment<SqlToken> tokens)
    {
        SqlVerdict v = SqlStatementClassifier.Classify(tokens, _context);
        int start = tokens[0].Start;
        Emit(new SqlStatementInfo(start, tokens[tokens.Count - 1].End - start, v.Verb, v.Risk, v.ObjectKind, v.ObjectName, v.Description, v.Cascade));
    }

    private void Emit(SqlStatementInfo info)
    {
        if (_statements.Count >= _maxStatements)
        {
            _truncated = true;
            _stopped = true;
            return;
        }
        _statements.Add(info);
    }

    // Client-side commands that only count at the start of a line: GO, DELIMITER, sqlite3 dot-commands.
    private bool TryLineCommand()
    {
        char c = _text[_pos];
        if (_options.GoSeparator && (c is 'g' or 'G') && IsGoLine(out int goEnd))
        {
            Flush();
            _pos = goEnd;
            return true;
        }
        if (_options.SqlcmdCommands && (c == ':' || (c == '!' && Peek(1) == '!')))
        {
            int lineEnd = LineEnd(_pos);
            SqlStatementInfo? command = SqlClientCommands.SqlcmdCommand(_pos, _text.Substring(_pos, lineEnd - _pos).TrimEnd());
            if (command is null) return false;
            Flush();
            Emit(command);
            _pos = lineEnd;
            return true;
        }
        if (_current.Count > 0) return false;
        if (_options.DelimiterCommand && (c is 'd' or 'D') && TryDelimiterCommand()) return true;
        if (_options.DotCommands && c == '.' && char.IsAsciiLetter(Peek(1)))
        {
            int lineEnd = LineEnd(_pos);
            string line = _text.Substring(_pos, lineEnd - _pos).TrimEnd();
            Emit(SqlClientCommands.SqliteDotCommand(_pos, line));
            _pos = lineEnd;
            return true;
        }
        return false;
    }

    private bool IsGoLine(out int lineEnd)
    {
        lineEnd = _pos;
        if (!(Peek(1) is 'o' or 'O') || IsWordChar(Peek(2))) return false;
        int i = _pos + 2;
        while (i < _end && _text[i] is ' ' or '\t') i++;
        while (i < _end && char.IsAsciiDigit(_text[i])) i++;
        while (i < _end && _text[i] is ' ' or '\t' or '\r') i++;
        bool restIsComment = i + 1 < _end && _text[i] == '-' && _text[i + 1] == '-';
        if (i < _end && _text[i] != '\n' && !restIsComment) return false;
        lineEnd = LineEnd(i);
        return true;
    }

    private bool TryDelimiterCommand()
    {
        const string keyword = "DELIMITER";
        if (_pos + keyword.Length >= _end || string.Compare(_text, _pos, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) != 0) return false;
        int i = _pos + keyword.Length;
        if (_text[i] is not (' ' or '\t')) return false;
        while (i < _end && _text[i] is ' ' or '\t') i++;
        int start = i;
        while (i < _end && !char.IsWhiteSpace(_text[i])) i++;
        if (i == start) return false;
        _delimiter = _text.Substring(start, i - start);
        _pos = LineEnd(i);
        return true;
    }

    private bool TrySkipComment()
    {
        char c = _text[_pos];
        char next = Peek(1);
        if (c == '-' && next == '-' && (!_options.DashDashNeedsSpace || Peek(2) is '\0' || char.IsWhiteSpace(Peek(2)) || char.IsControl(Peek(2))))
        {
            _pos = LineEnd(_pos);
            return true;
        }
        if ((c == '#' && _options.HashComments) || (c == '/' && next == '/' && _options.SlashSlashComments))
        {
            _pos = LineEnd(_pos);
            return true;
        }
        if (c != '/' || next != '*') return false;
        if (_options.ExecutableComments && Peek(2) == '!')
        {
            // MySQL runs the body of /*!NNNNN ... */, so it is read as SQL rather than skipped.
            _pos += 3;
            while (_pos < _end && char.IsAsciiDigit(_text[_pos])) _pos++;
            _inExecutableComment = true;
            return true;
        }
        SkipBlockComment();
        return true;
    }

    private void SkipBlockComment()
    {
        int start = _pos;
        int depth = 1;
        int i = _pos + 2;
        while (i < _end)
        {
            if (_text[i] == '*' && i + 1 < _end && _text[i + 1] == '/')
            {
                i += 2;
                if (--depth == 0) { _pos = i; return; }
            }
            else if (_options.NestedComments && _text[i] == '/' && i + 1 < _end && _text[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else i++;
        }
        SetError($"unterminated block comment starting at offset {start}");
        _pos = _end;
    }

    private void ReadBackslashCommand()
    {
        // A client command ends the statement being typed (psql \g runs it; for the others this is the cautious reading).
        Flush();
        if (_stopped) return;
        int start = _pos;
        int nameEnd = Math.Min(start + 2, _end);
        if (_options.PsqlMeta && char.IsLetter(Peek(1)))
            while (nameEnd < _end && !char.IsWhiteSpace(_text[nameEnd]) && _text[nameEnd] != '\\') nameEnd++;
        string name = _text.Substring(start + 1, nameEnd - start - 1);
        bool mysqlTerminator = _options.MysqlMeta && name is "g" or "G";
        int argsEnd = mysqlTerminator ? nameEnd : LineEnd(nameEnd);
        _pos = argsEnd;
        if (mysqlTerminator || (_options.PsqlMeta && name is "g" or "G" or "gx" or "gset")) return;
        string args = _text.Substring(nameEnd, argsEnd - nameEnd).Trim();
        int length = args.Length == 0 ? nameEnd - start : _text.IndexOf(args, nameEnd, argsEnd - nameEnd, StringComparison.Ordinal) + args.Length - start;
        Emit(SqlClientCommands.BackslashCommand(start, length, name, args, _options.PsqlMeta));
    }

    private SqlToken ReadToken()
    {
        int start = _pos;
        char c = _text[start];
        switch (c)
        {
            case '\'':
                return ReadQuoted(start, start + 1, '\'', _options.BackslashEscapes, SqlTokenKind.String);
            case '"':
                return _options.DoubleQuotedStrings
                    ? ReadQuoted(start, start + 1, '"', _options.BackslashEscapes, SqlTokenKind.String)
                    : ReadQuoted(start, start + 1, '"', false, SqlTokenKind.QuotedIdentifier);
            case '`':
                return ReadQuoted(start, start + 1, '`', false, SqlTokenKind.QuotedIdentifier);
            case '[' when _options.Brackets:
                return ReadQuoted(start, start + 1, ']', false, SqlTokenKind.QuotedIdentifier);
            case '$':
                return ReadDollar(start);
        }
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1)))) return ReadNumber(start);
        if (IsWordStart(c)) return ReadWord(start);
        return ReadSymbol(start);
    }

    private SqlToken ReadQuoted(int start, int contentStart, char quote, bool backslashEscapes, SqlTokenKind kind)
    {
        var value = new StringBuilder();
        int i = contentStart;
        while (i < _end)
        {
            char ch = _text[i];
            if (backslashEscapes && ch == '\\' && i + 1 < _end)
            {
                value.Append(Unescape(_text[i + 1]));
                i += 2;
                continue;
            }
            if (ch == quote)
            {
                if (i + 1 < _end && _text[i + 1] == quote)
                {
                    value.Append(quote);
                    i += 2;
                    continue;
                }
                _pos = i + 1;
                return new SqlToken(kind, start, _pos, value.ToString());
            }
            value.Append(ch);
            i++;
        }
        string what = kind == SqlTokenKind.String ? "string literal" : "quoted identifier";
        SetError($"unterminated {what} starting at offset {start}");
        _pos = _end;
        return new SqlToken(kind, start, _end, value.ToString());
    }

    private static char Unescape(char c) => c switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '0' => '\0', 'b' => '\b', _ => c };

    private SqlToken ReadDollar(int start)
    {
        if (_options.DollarQuotes)
        {
            int i = start + 1;
            if (i < _end && (_text[i] == '$' || char.IsLetter(_text[i]) || _text[i] == '_'))
            {
                while (i < _end && (char.IsLetterOrDigit(_text[i]) || _text[i] == '_')) i++;
                if (i < _end && _text[i] == '$')
                {
                    string tag = _text.Substring(start, i - start + 1);
                    int bodyStart = i + 1;
                    int close = bodyStart <= _end ? _text.IndexOf(tag, bodyStart, _end - bodyStart, StringComparison.Ordinal) : -1;
                    if (close < 0)
                    {
                        SetError($"unterminated dollar-quoted string starting at offset {start}");
                        _pos = _end;
                        return new SqlToken(SqlTokenKind.String, start, _end, _text.Substring(bodyStart, _end - bodyStart));
                    }
                    _pos = close + tag.Length;
                    return new SqlToken(SqlTokenKind.String, start, _pos, _text.Substring(bodyStart, close - bodyStart));
                }
            }
        }
        if (char.IsAsciiDigit(Peek(1)))
        {
            int i = start + 1;
            while (i < _end && char.IsAsciiDigit(_text[i])) i++;
            _pos = i;
            return new SqlToken(SqlTokenKind.Word, start, i, _text.Substring(start, i - start));
        }
        _pos = start + 1;
        return new SqlToken(SqlTokenKind.Symbol, start, _pos, "$");
    }

    private SqlToken ReadNumber(int start)
    {
        int i = start;
        while (i < _end)
        {
            char ch = _text[i];
            if (char.IsAsciiLetterOrDigit(ch) || ch is '.' or '_') i++;
            else if (ch is '+' or '-' && _text[i - 1] is 'e' or 'E' && !(i - start > 1 && _text[start + 1] is 'x' or 'X')) i++;
            else break;
        }
        _pos = i;
        return new SqlToken(SqlTokenKind.Number, start, i, _text.Substring(start, i - start));
    }

    private bool IsWordStart(char c) =>
        char.IsLetter(c) || c == '_'
        || (c == '@' && _options.AtWords && (IsWordChar(Peek(1)) || Peek(1) == '@'))
        || (c == '#' && _options.HashWords);

    private bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || c is '_' or '$' || (c == '@' && _options.AtWords) || (c == '#' && _options.HashWords);

    private SqlToken ReadWord(int start)
    {
        int i = start + 1;
        while (i < _end && IsWordChar(_text[i])) i++;
        _pos = i;
        // String prefixes: N'..' (national), E'..' (PostgreSQL escapes), X'..' and B'..' (binary).
        if (i - start == 1 && i < _end && _text[i] == '\'' && _text[start] is 'N' or 'n' or 'E' or 'e' or 'X' or 'x' or 'B' or 'b')
        {
            bool escapes = _options.BackslashEscapes || (_options.EStrings && _text[start] is 'E' or 'e');
            return ReadQuoted(start, i + 1, '\'', escapes, SqlTokenKind.String);
        }
        return new SqlToken(SqlTokenKind.Word, start, i, _text.Substring(start, i - start));
    }

    private static readonly string[] MultiCharSymbols = { "<=>", "->>", "<=", ">=", "<>", "!=", "==", "::", "||", "&&", "->", ":=" };

    private SqlToken ReadSymbol(int start)
    {
        foreach (string symbol in MultiCharSymbols)
        {
            if (StartsWithAt(start, symbol))
            {
                _pos = start + symbol.Length;
                return new SqlToken(SqlTokenKind.Symbol, start, _pos, symbol);
            }
        }
        _pos = start + 1;
        return new SqlToken(SqlTokenKind.Symbol, start, _pos, _text[start].ToString());
    }
}
