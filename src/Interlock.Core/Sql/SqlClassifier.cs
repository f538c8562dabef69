// SQL statement classifier for Interlock: splits SQL text into statements and says, in plain words,
// how much each one can change or destroy. Hand-written lexer (no regular expressions), bounded work,
// and no exceptions escape: a guard must always get an answer it can act on.
#nullable enable
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Interlock.Core.Sql;

/// <summary>SQL dialect whose lexical rules (quotes, comments, batch separators, client commands) apply.</summary>
public enum SqlDialect { Generic, PostgreSql, MySql, Sqlite, SqlServer, ClickHouse, Cassandra }

/// <summary>How much a statement can change or destroy.</summary>
public enum SqlRisk { Read, Write, BoundedWrite, SchemaChange, Destructive, Unknown }

/// <summary>One classified statement. <paramref name="Start"/> and <paramref name="Length"/> locate it in the analysed text.</summary>
public sealed record SqlStatementInfo(int Start, int Length, string Verb, SqlRisk Risk, string? ObjectKind, string? ObjectName, string Description, bool Cascade);

/// <summary>Result of <see cref="SqlClassifier.Analyze"/>. <paramref name="Error"/> reports malformed input (the statements are still classified as far as they were read).</summary>
public sealed record SqlAnalysis(IReadOnlyList<SqlStatementInfo> Statements, bool Truncated, string? Error);

public static class SqlClassifier
{
    /// <summary>
    /// Splits <paramref name="sql"/> into statements and classifies each. Reads at most <paramref name="maxLength"/>
    /// characters and returns at most <paramref name="maxStatements"/> statements; <see cref="SqlAnalysis.Truncated"/> says when either limit cut the input.
    /// For <see cref="SqlDialect.Generic"/> the text is read both as standard SQL and as MySQL, and the riskier reading is returned,
    /// so that quoting differences between engines cannot hide a statement.
    /// </summary>
    public static SqlAnalysis Analyze(string sql, SqlDialect dialect = SqlDialect.Generic, int maxStatements = 1000, int maxLength = 1_000_000)
    {
        try
        {
            string text = sql ?? string.Empty;
            int length = Math.Min(text.Length, Math.Max(0, maxLength));
            int limit = Math.Max(0, maxStatements);
            if (!Enum.IsDefined(dialect)) dialect = SqlDialect.Generic;
            SqlSplitResult result = dialect == SqlDialect.Generic
                ? RiskierReading(text, length, limit)
                : SqlSplitter.Run(text, length, SqlLexOptions.For(dialect, mysqlReading: false), limit, nesting: 0);
            return new SqlAnalysis(result.Statements, length < text.Length || result.Truncated, result.Error);
        }
        catch (Exception ex)
        {
            // Last line of defence against a bug in this file: report instead of throwing into the guard.
            return new SqlAnalysis(Array.Empty<SqlStatementInfo>(), false, "internal error: " + ex.Message);
        }
    }

    private static SqlSplitResult RiskierReading(string text, int length, int limit)
    {
        SqlSplitResult standard = SqlSplitter.Run(text, length, SqlLexOptions.For(SqlDialect.Generic, mysqlReading: false), limit, nesting: 0);
        SqlSplitResult mysql = SqlSplitter.Run(text, length, SqlLexOptions.For(SqlDialect.Generic, mysqlReading: true), limit, nesting: 0);
        return SqlRiskOrder.Worst(mysql.Statements) > SqlRiskOrder.Worst(standard.Statements) ? mysql : standard;
    }
}

/// <summary>Orders risks from harmless to worst, for picking the worst part of a compound statement.</summary>
internal static class SqlRiskOrder
{
    public static int Rank(SqlRisk risk) => risk switch
    {
        SqlRisk.Read => 0,
        SqlRisk.BoundedWrite => 1,
        SqlRisk.Write => 2,
        SqlRisk.SchemaChange => 3,
        SqlRisk.Unknown => 4,
        SqlRisk.Destructive => 5,
        _ => 4,
    };

    public static int Worst(IReadOnlyList<SqlStatementInfo> statements)
    {
        int worst = -1;
        foreach (SqlStatementInfo statement in statements) worst = Math.Max(worst, Rank(statement.Risk));
        return worst;
    }
}

internal sealed record SqlSplitResult(IReadOnlyList<SqlStatementInfo> Statements, bool Truncated, string? Error);

/// <summary>Lexical features switched on per dialect.</summary>
internal sealed record SqlLexOptions
{
    public SqlDialect Dialect { get; init; }
    public bool BackslashEscapes { get; init; }
    public bool DoubleQuotedStrings { get; init; }
    public bool HashComments { get; init; }
    public bool DashDashNeedsSpace { get; init; }
    public bool SlashSlashComments { get; init; }
    public bool NestedComments { get; init; }
    public bool ExecutableComments { get; init; }
    public bool DollarQuotes { get; init; }
    public bool EStrings { get; init; }
    public bool Brackets { get; init; }
    public bool PsqlMeta { get; init; }
    public bool MysqlMeta { get; init; }
    public bool DotCommands { get; init; }
    public bool SqlcmdCommands { get; init; }
    public bool CopyData { get; init; }
    public bool GoSeparator { get; init; }
    public bool DelimiterCommand { get; init; }
    public bool ImplicitSplit { get; init; }
    public bool BlockTracking { get; init; }
    public bool HashWords { get; init; }
    public bool AtWords { get; init; }
    public bool PipesAreOr { get; init; }

    public static SqlLexOptions For(SqlDialect dialect, bool mysqlReading) => dialect switch
    {
        SqlDialect.PostgreSql => new()
        {
            Dialect = dialect, DollarQuotes = true, EStrings = true, NestedComments = true, PsqlMeta = true, CopyData = true, BlockTracking = true,
        },
        SqlDialect.MySql => new()
        {
            Dialect = dialect, BackslashEscapes = true, DoubleQuotedStrings = true, HashComments = true, DashDashNeedsSpace = true,
            ExecutableComments = true, MysqlMeta = true, DelimiterCommand = true, AtWords = true, PipesAreOr = true,
        },
        SqlDialect.Sqlite => new() { Dialect = dialect, Brackets = true, DotCommands = true, BlockTracking = true, AtWords = true },
        SqlDialect.SqlServer => new()
        {
            Dialect = dialect, Brackets = true, NestedComments = true, GoSeparator = true, SqlcmdCommands = true, ImplicitSplit = true,
            BlockTracking = true, HashWords = true, AtWords = true,
        },
        SqlDialect.ClickHouse => new() { Dialect = dialect, BackslashEscapes = true, HashComments = true },
        SqlDialect.Cassandra => new() { Dialect = dialect, SlashSlashComments = true, DollarQuotes = true },
        // The MySQL reading of generic text keeps $$ bodies and [identifiers]: MySQL has neither, and splitting inside them
        // would turn every PostgreSQL function body into false statements.
        _ when mysqlReading => new()
        {
            Dialect = SqlDialect.Generic, BackslashEscapes = true, DoubleQuotedStrings = true, HashComments = true, DashDashNeedsSpace = true,
            ExecutableComments = true, DollarQuotes = true, Brackets = true, MysqlMeta = true, DotCommands = true, GoSeparator = true,
            DelimiterCommand = true, CopyData = true, ImplicitSplit = true, AtWords = true, PipesAreOr = true,
        },
        _ => new()
        {
            Dialect = SqlDialect.Generic, DollarQuotes = true, EStrings = true, Brackets = true, PsqlMeta = true, DotCommands = true,
            GoSeparator = true, SqlcmdCommands = true, DelimiterCommand = true, CopyData = true, ImplicitSplit = true, HashWords = true,
            AtWords = true,
        },
    };

    /// <summary>Options for SQL found inside another statement (DO bodies, EXEC strings): no client commands, and
    /// procedural blocks are split at statement keywords because their statements need not end with ';'.</summary>
    public SqlLexOptions ForNestedBody() => this with
    {
        PsqlMeta = false, MysqlMeta = false, DotCommands = false, SqlcmdCommands = false, GoSeparator = false, DelimiterCommand = false,
        CopyData = false, ImplicitSplit = true, BlockTracking = false,
    };
}

internal enum SqlTokenKind { Word, QuotedIdentifier, String, Number, Symbol }

/// <summary>A lexical token. <see cref="Text"/> is the unquoted, unescaped value for identifiers and strings.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int End, string Text)
{
    public bool IsWord(string keyword) => Kind == SqlTokenKind.Word && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);
    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && Text == symbol;
}

internal sealed record SqlContext(string Text, SqlLexOptions Options, int Nesting)
{
    public SqlContext Deeper() => this with { Nesting = Nesting + 1 };
}

internal readonly record struct SqlVerdict(string Verb, SqlRisk Risk, string? ObjectKind, string? ObjectName, string Description, bool Cascade = false);

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

/// <summary>
/// Decides whether ';' ends the statement. Some bodies legitimately contain ';': T-SQL modules run to the end of the batch,
/// SQLite triggers end at END;, PostgreSQL BEGIN ATOMIC bodies end at the matching END. Only these narrow forms defer the cut,
/// so that an ordinary statement can never swallow the next one.
/// </summary>
internal sealed class SqlBlockTracker
{
    private enum Mode { Undecided, Plain, WholeBatch, BeginEnd }

    private const int HeadTokens = 8;
    private readonly SqlLexOptions _options;
    private Mode _mode;
    private bool _entered;
    private int _depth;

    public SqlBlockTracker(SqlLexOptions options) => _options = options;

    public bool SemicolonEndsStatement => _mode switch
    {
        Mode.WholeBatch => false,
        Mode.BeginEnd => !_entered || _depth <= 0,
        _ => true,
    };

    public void Reset()
    {
        _mode = Mode.Undecided;
        _entered = false;
        _depth = 0;
    }

    public void Add(SqlToken token, List<SqlToken> current)
    {
        if (!_options.BlockTracking) return;
        if (_mode == Mode.Undecided) _mode = current.Count > HeadTokens ? Mode.Plain : DecideMode(current);
        if (_mode != Mode.BeginEnd || token.Kind != SqlTokenKind.Word) return;
        int index = current.Count - 1;
        if (index > 0 && current[index - 1].IsSymbol(".")) return;
        bool opensBody = _options.Dialect == SqlDialect.Sqlite
            ? token.IsWord("BEGIN")
            : token.IsWord("ATOMIC") && index > 0 && current[index - 1].IsWord("BEGIN");
        if (opensBody) { _entered = true; _depth++; }
        else if (_entered && token.IsWord("CASE")) _depth++;
        else if (_entered && token.IsWord("END")) _depth--;
    }

    private Mode DecideMode(List<SqlToken> current)
    {
        int i = 0;
        bool create = current[0].IsWord("CREATE");
        if (!create && !(current[0].IsWord("ALTER") && _options.Dialect == SqlDialect.SqlServer)) return Mode.Plain;
        i++;
        while (i < current.Count && (current[i].IsWord("OR") || current[i].IsWord("ALTER") || current[i].IsWord("REPLACE")
               || current[i].IsWord("TEMP") || current[i].IsWord("TEMPORARY")))
            i++;
        if (i >= current.Count) return Mode.Undecided;
        SqlToken kind = current[i];
        return _options.Dialect switch
        {
            SqlDialect.SqlServer when kind.IsWord("PROC") || kind.IsWord("PROCEDURE") || kind.IsWord("FUNCTION")
                || kind.IsWord("TRIGGER") || kind.IsWord("VIEW") => Mode.WholeBatch,
            SqlDialect.Sqlite when create && kind.IsWord("TRIGGER") => Mode.BeginEnd,
            SqlDialect.PostgreSql when create && (kind.IsWord("FUNCTION") || kind.IsWord("PROCEDURE")) => Mode.BeginEnd,
            _ => Mode.Plain,
        };
    }
}

/// <summary>
/// Splits a ';'-delimited chunk where a new statement starts without a ';' (T-SQL batches, procedural blocks, and
/// generic input where we cannot assume the server would reject the run-on text). Errs towards splitting:
/// a spurious split can only add statements, never hide one.
/// </summary>
internal static class SqlImplicitSplit
{
    public static List<ArraySegment<SqlToken>> Split(SqlToken[] tokens)
    {
        var result = new List<ArraySegment<SqlToken>>();
        int segmentStart = 0;
        string verb = FirstWord(tokens, 0);
        bool suppress = HasBody(tokens, 0);
        bool ownsNextVerb = verb is "WITH" or "EXPLAIN";
        int depth = 0;
        for (int i = 1; i < tokens.Length; i++)
        {
            SqlToken token = tokens[i];
            if (token.IsSymbol("(")) depth++;
            else if (token.IsSymbol(")")) depth = Math.Max(0, depth - 1);
            if (depth != 0 || token.Kind != SqlTokenKind.Word || suppress) continue;
            string word = token.Text.ToUpperInvariant();
            if (ownsNextVerb && word is "SELECT" or "INSERT" or "UPDATE" or "DELETE" or "MERGE" or "VALUES" or "TABLE")
            {
                ownsNextVerb = false;
                verb = word;
                continue;
            }
            if (!StartsStatement(word, verb, tokens[i - 1])) continue;
            result.Add(new ArraySegment<SqlToken>(tokens, segmentStart, i - segmentStart));
            segmentStart = i;
            verb = word;
            suppress = HasBody(tokens, i);
            ownsNextVerb = word == "EXPLAIN";
        }
        result.Add(new ArraySegment<SqlToken>(tokens, segmentStart, tokens.Length - segmentStart));
        return result;
    }

    private static string FirstWord(SqlToken[] tokens, int from)
    {
        int i = from;
        while (i < tokens.Length && tokens[i].IsSymbol("(")) i++;
        return i < tokens.Length && tokens[i].Kind == SqlTokenKind.Word ? tokens[i].Text.ToUpperInvariant() : "";
    }

    // Routine and trigger definitions contain statements that do not run now.
    private static bool HasBody(SqlToken[] tokens, int from)
    {
        if (!tokens[from].IsWord("CREATE") && !tokens[from].IsWord("ALTER")) return false;
        int i = from + 1;
        while (i < tokens.Length && tokens[i].Kind == SqlTokenKind.Word
               && tokens[i].Text.ToUpperInvariant() is "OR" or "REPLACE" or "ALTER" or "TEMP" or "TEMPORARY" or "CONSTRAINT" or "DEFINER" or "EVENT")
            i++;
        return i < tokens.Length && tokens[i].Kind == SqlTokenKind.Word
            && tokens[i].Text.ToUpperInvariant() is "PROCEDURE" or "PROC" or "FUNCTION" or "TRIGGER" or "VIEW" or "RULE" or "EVENT";
    }

    private static bool StartsStatement(string word, string verb, SqlToken previous)
    {
        if (previous.Kind == SqlTokenKind.Symbol && previous.Text != ")") return false;
        string before = previous.Kind == SqlTokenKind.Word ? previous.Text.ToUpperInvariant() : "";
        if (before is "GRANT" or "REVOKE" or "DENY" or "BULK" or "AS" or "EXPLAIN" or "ANALYZE" or "ANALYSE" or "VERBOSE" or "DESCRIBE" or "DESC"
            or "OR" or "AFTER" or "BEFORE" or "OF" or "FOR" or "INSTEAD" or "WITH")
            return false;
        if (verb == "MERGE" && before == "THEN") return false;
        bool definition = verb is "CREATE" or "ALTER";
        if (definition && before is "ON" or "COMMIT") return false;
        return word switch
        {
            "DELETE" or "UPDATE" => before is not ("KEY" or "DO" or "SHARE"),
            "DROP" or "TRUNCATE" or "ALTER" => verb != "ALTER",
            "INSERT" or "CREATE" or "GRANT" or "REVOKE" or "DENY" or "EXEC" or "EXECUTE" or "MERGE" or "BACKUP" or "RESTORE"
                or "DBCC" or "SHUTDOWN" or "KILL" or "BULK" or "DECLARE" => true,
            _ => false,
        };
    }
}

/// <summary>psql and mysql backslash commands, and sqlite3 dot-commands.</summary>
internal static class SqlClientCommands
{
    public static SqlStatementInfo BackslashCommand(int start, int length, string name, string args, bool psql)
    {
        string verb = "\\" + name;
        string firstArg = FirstArgument(args);
        bool runsFile = psql ? name is "i" or "ir" or "include" or "include_relative" : name == ".";
        if (runsFile)
            return new(start, length, verb, SqlRisk.Unknown, "file", firstArg, $"runs SQL from file {SqlSyntax.Q(firstArg)}", false);
        if (name == "!")
            return new(start, length, verb, SqlRisk.Unknown, null, null, $"runs shell command {SqlSyntax.Q(args)}", false);
        if (psql && name == "gexec")
            return new(start, length, verb, SqlRisk.Unknown, null, null, "runs every value the query returns as SQL (\\gexec)", false);
        if (psql && name == "copy") return PsqlCopy(start, length, args);
        return new(start, length, verb, SqlRisk.Read, null, null, $"{(psql ? "psql" : "mysql")} client command {verb}", false);
    }

    private static SqlStatementInfo PsqlCopy(int start, int length, string args)
    {
        string table = FirstArgument(args);
        string[] words = args.ToUpperInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (Array.IndexOf(words, "PROGRAM") >= 0)
            return new(start, length, "\\copy", SqlRisk.Unknown, null, null, "runs a shell command through \\copy ... program", false);
        if (Array.IndexOf(words, "FROM") >= 0)
            return new(start, length, "\\copy", SqlRisk.BoundedWrite, "table", table, $"loads rows into {SqlSyntax.Q(table)} from a file (\\copy)", false);
        return new(start, length, "\\copy", SqlRisk.Read, "table", table, $"exports {SqlSyntax.Q(table)} to a file (\\copy)", false);
    }

    /// <summary>sqlcmd commands (:r file, :setvar, !! shell); null when the line is not one.</summary>
    public static SqlStatementInfo? SqlcmdCommand(int start, string line)
    {
        if (line.StartsWith("!!", StringComparison.Ordinal))
            return new(start, line.Length, "!!", SqlRisk.Unknown, null, null, $"runs shell command {SqlSyntax.Q(line.Substring(2).Trim())}", false);
        int nameEnd = 1;
        while (nameEnd < line.Length && char.IsAsciiLetter(line[nameEnd])) nameEnd++;
        string name = line.Substring(1, nameEnd - 1).ToLowerInvariant();
        if (nameEnd < line.Length && !char.IsWhiteSpace(line[nameEnd]) && line[nameEnd] != '(') return null;
        string args = line.Substring(nameEnd).Trim();
        return name switch
        {
            "r" => new(start, line.Length, ":r", SqlRisk.Unknown, "file", FirstArgument(args), $"runs SQL from file {SqlSyntax.Q(FirstArgument(args))}", false),
            "setvar" or "connect" or "on" or "error" or "out" or "exit" or "quit" or "reset" or "list" or "listvar" or "serverlist" or "help"
                or "ed" or "xml" or "perftrace" => new(start, line.Length, ":" + name, SqlRisk.Read, null, null, $"sqlcmd command :{name}", false),
            _ => null,
        };
    }

    public static SqlStatementInfo SqliteDotCommand(int start, string line)
    {
        int space = line.AsSpan().IndexOfAny(' ', '\t');
        string name = space < 0 ? line : line.Substring(0, space);
        string args = space < 0 ? "" : line.Substring(space).Trim();
        string file = FirstArgument(args);
        string command = name.ToLowerInvariant();
        return command switch
        {
            ".read" => new(start, line.Length, name, SqlRisk.Unknown, "file", file, $"runs SQL from file {SqlSyntax.Q(file)}", false),
            ".shell" or ".system" => new(start, line.Length, name, SqlRisk.Unknown, null, null, $"runs shell command {SqlSyntax.Q(args)}", false),
            ".load" => new(start, line.Length, name, SqlRisk.Unknown, "file", file, $"loads extension {SqlSyntax.Q(file)}, which can run any code", false),
            ".import" => new(start, line.Length, name, SqlRisk.BoundedWrite, "table", LastArgument(args), $"imports rows into {SqlSyntax.Q(LastArgument(args))} from a file", false),
            ".restore" => new(start, line.Length, name, SqlRisk.Destructive, "database", null, "replaces the database contents from a backup file", false),
            ".open" when args.Contains("--new", StringComparison.Ordinal) =>
                new(start, line.Length, name, SqlRisk.Destructive, "database", LastArgument(args), $"opens {SqlSyntax.Q(LastArgument(args))} emptied (--new deletes its contents)", false),
            _ => new(start, line.Length, name, SqlRisk.Read, null, null, $"sqlite3 shell command {name}", false),
        };
    }

    private static string FirstArgument(string args)
    {
        string[] parts = args.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "" : parts[0].Trim('\'', '"');
    }

    private static string LastArgument(string args)
    {
        string[] parts = args.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 0 ? "" : parts[^1].Trim('\'', '"');
    }
}

/// <summary>Small parsing helpers over a statement's tokens. All are bounds-safe.</summary>
internal static class SqlSyntax
{
    public static bool W(ArraySegment<SqlToken> t, int i, string keyword) => i >= 0 && i < t.Count && t[i].IsWord(keyword);

    public static bool WAny(ArraySegment<SqlToken> t, int i, params ReadOnlySpan<string> keywords)
    {
        if (i < 0 || i >= t.Count || t[i].Kind != SqlTokenKind.Word) return false;
        foreach (string keyword in keywords)
            if (t[i].IsWord(keyword)) return true;
        return false;
    }

    public static bool S(ArraySegment<SqlToken> t, int i, string symbol) => i >= 0 && i < t.Count && t[i].IsSymbol(symbol);

    public static string Upper(ArraySegment<SqlToken> t, int i) =>
        i >= 0 && i < t.Count && t[i].Kind == SqlTokenKind.Word ? t[i].Text.ToUpperInvariant() : "";

    public static int Skip(ArraySegment<SqlToken> t, int i, params ReadOnlySpan<string> keywords)
    {
        while (WAny(t, i, keywords)) i++;
        return i;
    }

    public static int SkipIfExists(ArraySegment<SqlToken> t, int i)
    {
        if (W(t, i, "IF") && W(t, i + 1, "EXISTS")) return i + 2;
        if (W(t, i, "IF") && W(t, i + 1, "NOT") && W(t, i + 2, "EXISTS")) return i + 3;
        return i;
    }

    /// <summary>Index of the ')' matching the '(' at <paramref name="open"/>, or t.Count when it is never closed.</summary>
    public static int Close(ArraySegment<SqlToken> t, int open)
    {
        int depth = 0;
        for (int i = open; i < t.Count; i++)
        {
            if (t[i].IsSymbol("(")) depth++;
            else if (t[i].IsSymbol(")") && --depth == 0) return i;
        }
        return t.Count;
    }

    /// <summary>First index at or after <paramref name="from"/>, outside parentheses, holding the keyword; -1 if none.</summary>
    public static int FindTopWord(ArraySegment<SqlToken> t, int from, string keyword)
    {
        int depth = 0;
        for (int i = Math.Max(0, from); i < t.Count; i++)
        {
            if (t[i].IsSymbol("(")) depth++;
            else if (t[i].IsSymbol(")")) depth = Math.Max(0, depth - 1);
            else if (depth == 0 && t[i].IsWord(keyword)) return i;
        }
        return -1;
    }

    /// <summary>Reads a possibly qualified name (a.b.c, [dbo].[t], 'user'@'host') and returns it without quotes.</summary>
    public static string? ReadName(ArraySegment<SqlToken> t, ref int i)
    {
        if (i >= t.Count || t[i].Kind == SqlTokenKind.Symbol) return null;
        var name = new StringBuilder();
        while (i < t.Count && t[i].Kind != SqlTokenKind.Symbol)
        {
            name.Append(t[i].Text);
            i++;
            if (S(t, i, ".") || (S(t, i, "@") && i + 1 < t.Count && t[i + 1].Kind != SqlTokenKind.Symbol))
            {
                while (S(t, i, ".")) { name.Append('.'); i++; }
                if (S(t, i, "@")) { name.Append('@'); i++; }
                if (S(t, i, "*")) { name.Append('*'); i++; break; }
                continue;
            }
            break;
        }
        return name.ToString();
    }

    /// <summary>Reads "a, b, c" names; skips argument lists such as DROP FUNCTION f(int).</summary>
    public static List<string> ReadNameList(ArraySegment<SqlToken> t, ref int i)
    {
        var names = new List<string>();
        while (true)
        {
            string? name = ReadName(t, ref i);
            if (name is null) break;
            names.Add(name);
            if (S(t, i, "(")) i = Close(t, i) + 1;
            if (S(t, i, "*")) i++;
            if (!S(t, i, ",")) break;
            i++;
        }
        return names;
    }

    public static string Q(string? name) => string.IsNullOrEmpty(name) ? "(unnamed)" : "`" + name + "`";

    public static string QList(IReadOnlyList<string> names)
    {
        var parts = new string[names.Count];
        for (int k = 0; k < names.Count; k++) parts[k] = Q(names[k]);
        return string.Join(", ", parts);
    }

    public static string? JoinNames(IReadOnlyList<string> names) => names.Count == 0 ? null : string.Join(", ", names);

    /// <summary>The source text of tokens [from, to) with whitespace collapsed, shortened for a description.</summary>
    public static string Snippet(string text, ArraySegment<SqlToken> t, int from, int to)
    {
        const int MaxChars = 80;
        if (from >= to || from >= t.Count) return "";
        int start = t[from].Start;
        int end = Math.Min(t[Math.Min(to, t.Count) - 1].End, start + MaxChars * 4);
        var result = new StringBuilder();
        bool space = false;
        for (int k = start; k < end && result.Length <= MaxChars; k++)
        {
            char c = text[k];
            if (char.IsWhiteSpace(c)) { space = result.Length > 0; continue; }
            if (space) result.Append(' ');
            space = false;
            result.Append(c);
        }
        return result.Length > MaxChars ? result.ToString(0, MaxChars) + "…" : result.ToString();
    }

    public static string Plural(string kind)
    {
        if (kind.EndsWith('x') || kind.EndsWith('s') || kind.EndsWith("ch", StringComparison.Ordinal)) return kind + "es";
        if (kind.EndsWith('y') && kind.Length > 1 && "aeiou".IndexOf(kind[^2]) < 0) return kind[..^1] + "ies";
        return kind + "s";
    }

    /// <summary>Reads an object kind after DROP/CREATE/ALTER, e.g. "table" or "materialized view".</summary>
    public static string ReadKind(ArraySegment<SqlToken> t, ref int i)
    {
        string first = Upper(t, i);
        if (first.Length == 0) return "object";
        i++;
        string second = Upper(t, i);
        bool twoWords = second.Length > 0 && (first switch
        {
            "MATERIALIZED" or "FOREIGN" or "EVENT" or "ROW" or "ACCESS" or "TEXT" or "OPERATOR" or "SETTINGS" or "PARTITION"
                or "MASTER" or "EXTERNAL" or "SEARCH" or "SECURITY" or "DEFAULT" => true,
            "USER" => second == "MAPPING",
            _ => false,
        });
        if (!twoWords) return first.ToLowerInvariant();
        i++;
        string kind = first.ToLowerInvariant() + " " + second.ToLowerInvariant();
        if (kind is "foreign data" or "text search" && Upper(t, i).Length > 0)
        {
            kind += " " + Upper(t, i).ToLowerInvariant();
            i++;
        }
        return kind;
    }
}

/// <summary>Classifies one statement's tokens.</summary>
internal static class SqlStatementClassifier
{
    private const int MaxNesting = 8;

    public static SqlVerdict Classify(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int i = 0;
        while (i < t.Count && t[i].IsSymbol("(")) i++;
        if (i >= t.Count) return Unrecognised(t.Count > 0 ? t[0].Text : "", "statement has no verb");
        SqlToken first = t[i];
        if (first.Kind != SqlTokenKind.Word) return Unrecognised(first.Text, $"unrecognised statement starting with {SqlSyntax.Q(Short(first.Text))}");
        string verb = first.Text.ToUpperInvariant();
        if (ctx.Nesting > MaxNesting) return new SqlVerdict(verb, SqlRisk.Unknown, null, null, "statement is nested too deeply to analyse");
        ArraySegment<SqlToken> s = t.Slice(i);
        return verb switch
        {
            "SELECT" => Select(s, ctx),
            "WITH" => With(s, ctx),
            "VALUES" => Dangerous(s) ?? Read(verb, "produces literal rows"),
            "TABLE" => ReadObject(s, "TABLE", "reads table"),
            "INSERT" => Insert(s),
            "REPLACE" => Replace(s),
            "UPSERT" => Upsert(s),
            "MERGE" => Merge(s),
            "UPDATE" => Update(s, ctx),
            "DELETE" => Delete(s, ctx),
            "TRUNCATE" => Truncate(s),
            "DROP" => Drop(s),
            "ALTER" => Alter(s, ctx),
            "CREATE" => Create(s),
            "GRANT" or "REVOKE" or "DENY" => Grant(s, verb),
            "RENAME" => Rename(s),
            "COMMENT" => Comment(s),
            "REASSIGN" => Named(s, 3, verb, SqlRisk.SchemaChange, "role", "reassigns ownership of every object owned by"),
            "SECURITY" or "IMPORT" or "ATTACH" or "DETACH" or "UNDROP" or "EXCHANGE" or "INSTALL" or "UNINSTALL" =>
                new SqlVerdict(verb, SqlRisk.SchemaChange, null, null, $"{verb} statement: changes the schema or server setup"),
            "EXPLAIN" => Explain(s, ctx),
            "SHOW" or "LIST" or "HELP" or "CHECKSUM" or "CHECK" or "EXISTS" or "WATCH" or "HANDLER" => Read(verb, $"{verb} statement: reads metadata or data"),
            "DESCRIBE" or "DESC" => ReadObject(s, verb, "describes"),
            "USE" => ReadObject(s, verb, "switches to database"),
            "SET" => Set(s),
            "PRAGMA" => Pragma(s),
            "BEGIN" => Begin(s, ctx),
            "START" => WAny(s, 1, "SLAVE", "REPLICA") ? Write(verb, "starts replication") : Read(verb, "transaction control"),
            "COMMIT" or "ROLLBACK" or "END" or "ABORT" or "SAVEPOINT" or "RELEASE" or "SAVE" or "APPLY" => Read(verb, "transaction control"),
            "PREPARE" or "DEALLOCATE" or "DECLARE" or "FETCH" or "MOVE" or "CLOSE" or "OPEN" or "LISTEN" or "UNLISTEN" or "DISCARD"
                or "UNLOCK" or "PRINT" or "WAITFOR" or "IF" or "ELSE" or "ELSIF" or "WHILE" or "LOOP" or "RETURN" or "BREAK" or "CONTINUE"
                or "GOTO" or "THROW" or "RAISERROR" or "RAISE" or "SIGNAL" or "RESIGNAL" or "LEAVE" or "ITERATE" or "NULL" or "PERFORM"
                or "CONSISTENCY" or "SERIAL" or "TRACING" or "PAGING" or "EXPAND" or "CAPTURE" or "CLEAR" or "CLS" =>
                Read(verb, "session or control-flow statement"),
            "CALL" => Named(s, 1, verb, SqlRisk.Write, "procedure", "calls procedure"),
            "EXEC" or "EXECUTE" => Execute(s, ctx),
            "DO" => Do(s, ctx),
            "COPY" => Copy(s),
            "LOAD" => Load(s),
            "BULK" => Bulk(s),
            "RESTORE" => Restore(s),
            "BACKUP" => Read(verb, "backs up data"),
            "DBCC" => FindWordAnywhere(s, "REPAIR_ALLOW_DATA_LOSS")
                ? new SqlVerdict(verb, SqlRisk.Destructive, null, null, "DBCC repair with REPAIR_ALLOW_DATA_LOSS may delete data")
                : Write(verb, $"runs DBCC {Upper(s, 1)}"),
            "SHUTDOWN" => new SqlVerdict(verb, SqlRisk.Destructive, null, null, "shuts down the database server"),
            "KILL" => Write(verb, "terminates a session or query"),
            "RESET" => Reset(s),
            "PURGE" => Write(verb, "purges logs"),
            "FLUSH" => Write(verb, "flushes server caches, tables or logs"),
            "LOCK" => Write(verb, "locks tables"),
            "ANALYZE" or "ANALYSE" => Write(verb, "collects table statistics"),
            "VACUUM" => Write(verb, "vacuums (rewrites) tables"),
            "REINDEX" => Write(verb, "rebuilds indexes"),
            "CLUSTER" => Write(verb, "reorders a table by an index"),
            "CHECKPOINT" => Write(verb, "forces a checkpoint"),
            "OPTIMIZE" => Write(verb, "rewrites table storage"),
            "REPAIR" => Write(verb, "repairs a table"),
            "REFRESH" => Write(verb, "refreshes a materialized view"),
            "NOTIFY" => Write(verb, "sends a notification"),
            "RECONFIGURE" => Write(verb, "applies server configuration"),
            "SYSTEM" => ctx.Options.Dialect == SqlDialect.ClickHouse
                ? Write(verb, $"runs SYSTEM {Upper(s, 1)}")
                : new SqlVerdict(verb, SqlRisk.Unknown, null, null, "runs a shell command (mysql client `system`)"),
            "SOURCE" => SourceFile(s),
            _ => Unrecognised(verb, $"unrecognised statement {SqlSyntax.Q(Short(verb))}"),
        };
    }

    private static string Short(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");

    private static bool W(ArraySegment<SqlToken> t, int i, string keyword) => SqlSyntax.W(t, i, keyword);

    private static bool WAny(ArraySegment<SqlToken> t, int i, params ReadOnlySpan<string> keywords) => SqlSyntax.WAny(t, i, keywords);

    private static string Upper(ArraySegment<SqlToken> t, int i) => SqlSyntax.Upper(t, i);

    private static string Q(string? name) => SqlSyntax.Q(name);

    private static SqlVerdict Read(string verb, string description) => new(verb, SqlRisk.Read, null, null, description);

    private static SqlVerdict Write(string verb, string description) => new(verb, SqlRisk.Write, null, null, description);

    private static SqlVerdict Unrecognised(string verb, string description) => new(Short(verb.ToUpperInvariant()), SqlRisk.Unknown, null, null, description);

    private static bool FindWordAnywhere(ArraySegment<SqlToken> t, string keyword)
    {
        foreach (SqlToken token in t)
            if (token.IsWord(keyword)) return true;
        return false;
    }

    private static SqlVerdict Worse(SqlVerdict current, SqlVerdict candidate) =>
        SqlRiskOrder.Rank(candidate.Risk) > SqlRiskOrder.Rank(current.Risk) ? candidate : current;

    private static SqlVerdict ReadObject(ArraySegment<SqlToken> t, string verb, string action)
    {
        int i = 1;
        string? name = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict(verb, SqlRisk.Read, null, name, name is null ? action : $"{action} {Q(name)}");
    }

    private static SqlVerdict Named(ArraySegment<SqlToken> t, int nameIndex, string verb, SqlRisk risk, string kind, string action)
    {
        int i = nameIndex;
        string? name = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict(verb, risk, kind, name, $"{action} {Q(name)}");
    }

    private static SqlVerdict Select(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int into = SqlSyntax.FindTopWord(t, 1, "INTO");
        if (into >= 0 && SelectInto(t, into, ctx) is { } intoVerdict) return intoVerdict;
        if (Dangerous(t) is { } danger) return danger;
        int from = SqlSyntax.FindTopWord(t, 1, "FROM");
        int i = from + 1;
        string? table = from >= 0 ? SqlSyntax.ReadName(t, ref i) : null;
        return new SqlVerdict("SELECT", SqlRisk.Read, table is null ? null : "table", table, table is null ? "reads data" : $"reads from {Q(table)}");
    }

    private static SqlVerdict? SelectInto(ArraySegment<SqlToken> t, int into, SqlContext ctx)
    {
        int i = into + 1;
        if (WAny(t, i, "OUTFILE", "DUMPFILE"))
        {
            string file = i + 1 < t.Count ? t[i + 1].Text : "";
            return new SqlVerdict("SELECT", SqlRisk.Write, "file", file, $"writes query results to file {Q(file)}");
        }
        if (i >= t.Count || t[i].Text.StartsWith('@') || S(t, i, ":") || ctx.Options.Dialect == SqlDialect.MySql) return null;
        i = SqlSyntax.Skip(t, i, "TEMP", "TEMPORARY", "UNLOGGED", "TABLE");
        string? name = SqlSyntax.ReadName(t, ref i);
        return name is null ? null : new SqlVerdict("SELECT", SqlRisk.Write, "table", name, $"creates table {Q(name)} from query results");
    }

    private static bool S(ArraySegment<SqlToken> t, int i, string symbol) => SqlSyntax.S(t, i, symbol);

    /// <summary>Server functions that change state even inside a SELECT.</summary>
    private static SqlVerdict? Dangerous(ArraySegment<SqlToken> t)
    {
        SqlVerdict? worst = null;
        for (int k = 0; k + 1 < t.Count; k++)
        {
            if (t[k].Kind != SqlTokenKind.Word || !t[k + 1].IsSymbol("(")) continue;
            string name = t[k].Text.ToLowerInvariant();
            SqlVerdict? found = name switch
            {
                "pg_terminate_backend" => new SqlVerdict("SELECT", SqlRisk.Write, "function", name, "terminates other database sessions (pg_terminate_backend)"),
                "pg_cancel_backend" => new SqlVerdict("SELECT", SqlRisk.Write, "function", name, "cancels running queries of other sessions (pg_cancel_backend)"),
                "pg_reload_conf" or "set_config" or "pg_rotate_logfile" or "pg_switch_wal" or "pg_promote" or "setval" or "lo_unlink"
                    or "lo_import" or "lo_export" or "pg_file_write" or "pg_drop_replication_slot" or "pg_create_restore_point" or "writefile" =>
                    new SqlVerdict("SELECT", SqlRisk.Write, "function", name, $"calls {Q(name)}, which changes server state"),
                "dblink_exec" or "load_extension" or "sys_exec" or "sys_eval" =>
                    new SqlVerdict("SELECT", SqlRisk.Unknown, "function", name, $"calls {Q(name)}, which runs code the guard cannot see"),
                _ => null,
            };
            if (found is { } f) worst = worst is { } w ? Worse(w, f) : f;
        }
        return worst;
    }

    private static SqlVerdict With(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        SqlVerdict? worstCte = null;
        for (int k = 1; k < t.Count; k++)
        {
            SqlToken token = t[k];
            if (token.IsSymbol("("))
            {
                int close = SqlSyntax.Close(t, k);
                if (WAny(t, k - 1, "AS", "MATERIALIZED") && close - k - 1 > 0)
                {
                    SqlVerdict body = Classify(t.Slice(k + 1, Math.Min(close, t.Count) - k - 1), ctx.Deeper());
                    worstCte = worstCte is { } w ? Worse(w, body) : body;
                }
                k = close;
                continue;
            }
            if (WAny(t, k, "SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", "VALUES", "TABLE", "REPLACE", "UPSERT"))
            {
                SqlVerdict main = Classify(t.Slice(k), ctx);
                if (worstCte is { } cte && SqlRiskOrder.Rank(cte.Risk) > SqlRiskOrder.Rank(main.Risk))
                    return cte with { Description = "data-modifying CTE: " + cte.Description };
                return main;
            }
        }
        return new SqlVerdict("WITH", SqlRisk.Unknown, null, null, "WITH clause without a main statement");
    }

    private static SqlVerdict Insert(ArraySegment<SqlToken> t)
    {
        int i = 1;
        bool overwrite = false;
        string action = "inserts rows into";
        while (i < t.Count)
        {
            if (WAny(t, i, "LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "INTO", "TABLE", "FUNCTION")) i++;
            else if (W(t, i, "OVERWRITE")) { overwrite = true; i++; }
            else if (W(t, i, "OR"))
            {
                if (W(t, i + 1, "REPLACE")) action = "inserts or replaces rows in";
                i += 2;
            }
            else break;
        }
        string? table = SqlSyntax.ReadName(t, ref i);
        if (overwrite) return new SqlVerdict("INSERT", SqlRisk.Destructive, "table", table, $"replaces every row of {Q(table)} (INSERT OVERWRITE)");
        return new SqlVerdict("INSERT", SqlRisk.BoundedWrite, "table", table, $"{action} {Q(table)}");
    }

    private static SqlVerdict Replace(ArraySegment<SqlToken> t)
    {
        int i = 1;
        if (W(t, 1, "TABLE"))
        {
            i = 2;
            string? replaced = SqlSyntax.ReadName(t, ref i);
            return new SqlVerdict("REPLACE", SqlRisk.Destructive, "table", replaced, $"replaces table {Q(replaced)} (its existing data is dropped)");
        }
        i = SqlSyntax.Skip(t, i, "LOW_PRIORITY", "DELAYED", "INTO");
        string? table = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("REPLACE", SqlRisk.BoundedWrite, "table", table, $"inserts or replaces rows in {Q(table)}");
    }

    private static SqlVerdict Upsert(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "INTO");
        string? table = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("UPSERT", SqlRisk.BoundedWrite, "table", table, $"inserts or updates rows in {Q(table)}");
    }

    private static SqlVerdict Merge(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "INTO");
        string? table = SqlSyntax.ReadName(t, ref i);
        string extra = FindWordAnywhere(t, "DELETE") ? " (and may delete rows)" : "";
        return new SqlVerdict("MERGE", SqlRisk.BoundedWrite, "table", table, $"merges rows into {Q(table)}{extra}");
    }

    private static int SkipTop(ArraySegment<SqlToken> t, int i, ref bool capped)
    {
        if (!W(t, i, "TOP")) return i;
        capped = true;
        return S(t, i + 1, "(") ? SqlSyntax.Close(t, i + 1) + 1 : i + 2;
    }

    private static SqlVerdict Update(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int i = 1;
        bool capped = false;
        while (i < t.Count)
        {
            if (WAny(t, i, "LOW_PRIORITY", "IGNORE", "ONLY")) i++;
            else if (W(t, i, "OR")) i += 2;
            else if (W(t, i, "TOP")) i = SkipTop(t, i, ref capped);
            else break;
        }
        if (W(t, i, "STATISTICS") && SqlSyntax.FindTopWord(t, i, "SET") < 0) return Write("UPDATE", "updates optimizer statistics");
        string? table = SqlSyntax.ReadName(t, ref i);
        return Filtered("UPDATE", "updates", table, t, i, ctx, capped);
    }

    private static SqlVerdict Delete(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int i = 1;
        bool capped = false;
        while (i < t.Count)
        {
            if (WAny(t, i, "LOW_PRIORITY", "QUICK", "IGNORE")) i++;
            else if (W(t, i, "TOP")) i = SkipTop(t, i, ref capped);
            else break;
        }
        string? table;
        if (W(t, i, "FROM"))
        {
            i = SqlSyntax.Skip(t, i + 1, "ONLY");
            table = SqlSyntax.ReadName(t, ref i);
        }
        else
        {
            int from = SqlSyntax.FindTopWord(t, i, "FROM");
            int where = SqlSyntax.FindTopWord(t, i, "WHERE");
            if (from >= 0 && (where < 0 || from < where))
            {
                // Cassandra lists columns before FROM; MySQL lists the target tables there.
                int k = ctx.Options.Dialect == SqlDialect.Cassandra ? from + 1 : i;
                table = ctx.Options.Dialect == SqlDialect.Cassandra ? SqlSyntax.ReadName(t, ref k) : SqlSyntax.JoinNames(SqlSyntax.ReadNameList(t, ref k));
            }
            else table = SqlSyntax.ReadName(t, ref i);
        }
        return Filtered("DELETE", "deletes", table, t, i, ctx, capped);
    }

    /// <summary>Shared WHERE analysis for DELETE, UPDATE and ClickHouse ALTER ... DELETE/UPDATE.</summary>
    private static SqlVerdict Filtered(string verb, string action, string? table, ArraySegment<SqlToken> t, int from, SqlContext ctx, bool capped)
    {
        string target = table is null ? "the table" : Q(table);
        int where = SqlSyntax.FindTopWord(t, from, "WHERE");
        if (where < 0)
        {
            capped |= SqlSyntax.FindTopWord(t, from, "LIMIT") >= 0;
            string note = capped ? "no WHERE clause; only LIMIT/TOP caps how many" : "no WHERE clause";
            return new SqlVerdict(verb, SqlRisk.Destructive, "table", table, $"{action} every row of {target} ({note})");
        }
        if (W(t, where + 1, "CURRENT") && W(t, where + 2, "OF"))
            return new SqlVerdict(verb, SqlRisk.BoundedWrite, "table", table, $"{action} the current cursor row of {target}");
        int end = ConditionEnd(t, where + 1);
        if (end == where + 1) return new SqlVerdict(verb, SqlRisk.Unknown, "table", table, $"{action} rows of {target} with an empty WHERE clause");
        string condition = SqlSyntax.Snippet(ctx.Text, t, where + 1, end);
        if (SqlConditionEvaluator.Evaluate(t.Slice(where + 1, end - where - 1), ctx.Options) == SqlTruth.True)
            return new SqlVerdict(verb, SqlRisk.Destructive, "table", table, $"{action} every row of {target} (WHERE {condition} is always true)");
        return new SqlVerdict(verb, SqlRisk.BoundedWrite, "table", table, $"{action} rows of {target} where {condition}");
    }

    private static int ConditionEnd(ArraySegment<SqlToken> t, int from)
    {
        int depth = 0;
        for (int i = from; i < t.Count; i++)
        {
            if (t[i].IsSymbol("(")) depth++;
            else if (t[i].IsSymbol(")")) depth = Math.Max(0, depth - 1);
            else if (depth == 0 && WAny(t, i, "RETURNING", "ORDER", "LIMIT", "OPTION", "SETTINGS", "ALLOW", "GROUP", "HAVING", "WINDOW",
                         "UNION", "EXCEPT", "INTERSECT", "FOR", "IF", "OUTPUT"))
                return i;
        }
        return t.Count;
    }

    private static SqlVerdict Truncate(ArraySegment<SqlToken> t)
    {
        int i = 1;
        string kind = "table";
        if (W(t, i, "TABLE")) i++;
        else if (W(t, i, "DATABASE")) { kind = "database"; i++; }
        i = SqlSyntax.Skip(t, SqlSyntax.SkipIfExists(t, i), "ONLY");
        List<string> names = SqlSyntax.ReadNameList(t, ref i);
        bool cascade = SqlSyntax.FindTopWord(t, i, "CASCADE") >= 0;
        string what = names.Count == 0 ? kind : $"{(names.Count > 1 ? SqlSyntax.Plural(kind) : kind)} {SqlSyntax.QList(names)}";
        string note = cascade ? " (CASCADE: also truncates tables that reference it)" : "";
        return new SqlVerdict("TRUNCATE", SqlRisk.Destructive, kind, SqlSyntax.JoinNames(names), $"truncates {what}{note}", cascade);
    }

    private static SqlVerdict Drop(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "TEMPORARY", "TEMP");
        string kind = SqlSyntax.ReadKind(t, ref i);
        bool cascade = SqlSyntax.FindTopWord(t, i, "CASCADE") >= 0;
        if (kind == "owned")
        {
            i = SqlSyntax.Skip(t, i, "BY");
            List<string> roles = SqlSyntax.ReadNameList(t, ref i);
            return new SqlVerdict("DROP", SqlRisk.Destructive, "owned", SqlSyntax.JoinNames(roles), $"drops every object owned by {SqlSyntax.QList(roles)}", cascade);
        }
        i = SqlSyntax.Skip(t, i, "CONCURRENTLY");
        i = SqlSyntax.Skip(t, SqlSyntax.SkipIfExists(t, i), "CONCURRENTLY");
        List<string> names = SqlSyntax.ReadNameList(t, ref i);
        string on = "";
        if (W(t, i, "ON") && !W(t, i + 1, "CLUSTER"))
        {
            i++;
            on = " on " + Q(SqlSyntax.ReadName(t, ref i));
        }
        string what = names.Count == 0 ? kind : $"{(names.Count > 1 ? SqlSyntax.Plural(kind) : kind)} {SqlSyntax.QList(names)}";
        string note = cascade ? " (CASCADE: also drops dependent objects)" : "";
        return new SqlVerdict("DROP", SqlRisk.Destructive, kind, SqlSyntax.JoinNames(names), $"drops {what}{on}{note}", cascade);
    }

    private static SqlVerdict Alter(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int i = SqlSyntax.Skip(t, 1, "ONLINE", "IGNORE");
        string kind = SqlSyntax.ReadKind(t, ref i);
        if (kind == "system") return new SqlVerdict("ALTER", SqlRisk.SchemaChange, null, null, "changes server configuration (ALTER SYSTEM)");
        if (kind == "default privileges") return new SqlVerdict("ALTER", SqlRisk.SchemaChange, null, null, "changes default privileges");
        i = SqlSyntax.Skip(t, SqlSyntax.SkipIfExists(t, i), "ONLY");
        string? name = SqlSyntax.ReadName(t, ref i);
        if (S(t, i, "*")) i++;
        if (W(t, i, "ON") && W(t, i + 1, "CLUSTER"))
        {
            i += 2;
            SqlSyntax.ReadName(t, ref i);
        }
        var plain = new SqlVerdict("ALTER", SqlRisk.SchemaChange, kind, name, $"alters {kind} {Q(name)}");
        SqlVerdict? worst = null;
        int depth = 0;
        int actionStart = i;
        for (int k = i; k <= t.Count; k++)
        {
            if (k < t.Count)
            {
                if (t[k].IsSymbol("(")) depth++;
                else if (t[k].IsSymbol(")")) depth = Math.Max(0, depth - 1);
                if (depth != 0 || !t[k].IsSymbol(",")) continue;
            }
            if (k > actionStart)
            {
                // Each action counts: a bounded ClickHouse mutation alone is a write, not a schema change.
                SqlVerdict action = AlterAction(t.Slice(actionStart, k - actionStart), kind, name, ctx) ?? plain;
                worst = worst is { } w ? Worse(w, action) : action;
            }
            actionStart = k + 1;
        }
        return worst ?? plain;
    }

    private static SqlVerdict? AlterAction(ArraySegment<SqlToken> a, string kind, string? name, SqlContext ctx)
    {
        string owner = $"{kind} {Q(name)}";
        bool cascade = SqlSyntax.FindTopWord(a, 0, "CASCADE") >= 0;
        string note = cascade ? " (CASCADE: also drops dependent objects)" : "";
        switch (Upper(a, 0))
        {
            case "DROP":
            {
                int k = 1;
                string part = "column";
                if (WAny(a, k, "PRIMARY", "FOREIGN", "DETACHED") && k + 1 < a.Count)
                {
                    part = $"{a[k].Text.ToLowerInvariant()} {a[k + 1].Text.ToLowerInvariant()}";
                    k += 2;
                }
                else if (WAny(a, k, "COLUMN", "CONSTRAINT", "PARTITION", "INDEX", "KEY", "CHECK", "PROJECTION", "STATISTICS", "ATTRIBUTE",
                             "VALUE", "TABLE", "PERIOD", "SUBPARTITION"))
                {
                    part = a[k].Text.ToLowerInvariant();
                    k++;
                }
                k = SqlSyntax.SkipIfExists(a, k);
                string? partName = SqlSyntax.ReadName(a, ref k);
                string what = partName is null ? part : $"{part} {Q(partName)}";
                return new SqlVerdict("ALTER", SqlRisk.Destructive, kind, name, $"drops {what} from {owner}{note}", cascade);
            }
            case "TRUNCATE":
            {
                int k = SqlSyntax.Skip(a, 1, "PARTITION", "SUBPARTITION");
                string? partition = SqlSyntax.ReadName(a, ref k);
                return new SqlVerdict("ALTER", SqlRisk.Destructive, kind, name, $"truncates partition {Q(partition)} of {owner}");
            }
            case "DELETE":
                return Filtered("ALTER", "deletes", name, a, 1, ctx, false);
            case "UPDATE":
                return Filtered("ALTER", "updates", name, a, 1, ctx, false);
            case "CLEAR" when W(a, 1, "COLUMN"):
            {
                int k = SqlSyntax.SkipIfExists(a, 2);
                string? column = SqlSyntax.ReadName(a, ref k);
                return new SqlVerdict("ALTER", SqlRisk.Destructive, kind, name, $"clears every value of column {Q(column)} in {owner}");
            }
            case "DISCARD" when W(a, 1, "TABLESPACE"):
                return new SqlVerdict("ALTER", SqlRisk.Destructive, kind, name, $"discards the tablespace (data file) of {owner}");
            case "RENAME":
                return new SqlVerdict("ALTER", SqlRisk.SchemaChange, kind, name, $"renames {owner} or one of its parts");
            default:
                return null;
        }
    }

    private static SqlVerdict Create(ArraySegment<SqlToken> t)
    {
        int i = 1;
        bool orReplace = false;
        while (i < t.Count)
        {
            if (W(t, i, "OR") && WAny(t, i + 1, "REPLACE", "ALTER")) { orReplace = true; i += 2; }
            else if (WAny(t, i, "TEMP", "TEMPORARY", "GLOBAL", "LOCAL", "UNLOGGED", "UNIQUE", "CLUSTERED", "NONCLUSTERED", "FULLTEXT", "SPATIAL",
                         "VIRTUAL", "TRANSIENT", "VOLATILE", "RECURSIVE", "SECURE", "TRUSTED", "PROCEDURAL", "CONSTRAINT")) i++;
            else if (W(t, i, "DEFINER"))
            {
                i = S(t, i + 1, "=") ? i + 2 : i + 1;
                SqlSyntax.ReadName(t, ref i);
            }
            else if (W(t, i, "ALGORITHM")) i += 3;
            else if (W(t, i, "SQL") && W(t, i + 1, "SECURITY")) i += 3;
            else break;
        }
        string kind = SqlSyntax.ReadKind(t, ref i);
        i = SqlSyntax.Skip(t, SqlSyntax.SkipIfExists(t, SqlSyntax.Skip(t, i, "CONCURRENTLY")), "CONCURRENTLY");
        string? name = W(t, i, "ON") ? null : SqlSyntax.ReadName(t, ref i);
        if (orReplace && kind == "table")
            return new SqlVerdict("CREATE", SqlRisk.Destructive, kind, name, $"replaces table {Q(name)} (CREATE OR REPLACE drops the existing table and its data)");
        return new SqlVerdict("CREATE", SqlRisk.SchemaChange, kind, name, $"{(orReplace ? "creates or replaces" : "creates")} {kind} {Q(name)}");
    }

    private static SqlVerdict Grant(ArraySegment<SqlToken> t, string verb)
    {
        int on = SqlSyntax.FindTopWord(t, 1, "ON");
        string? target = null;
        if (on >= 0)
        {
            int i = SqlSyntax.Skip(t, on + 1, "ALL", "TABLES", "SEQUENCES", "FUNCTIONS", "IN", "TABLE", "SCHEMA", "DATABASE", "SEQUENCE", "FUNCTION",
                "PROCEDURE", "KEYSPACE", "OBJECT");
            target = SqlSyntax.ReadName(t, ref i);
        }
        string action = verb switch { "GRANT" => "grants", "REVOKE" => "revokes", _ => "denies" };
        string what = W(t, 1, "ALL") ? "all privileges" : "privileges";
        string where = target is null ? "" : " on " + Q(target);
        bool cascade = SqlSyntax.FindTopWord(t, 1, "CASCADE") >= 0;
        return new SqlVerdict(verb, SqlRisk.SchemaChange, target is null ? null : "object", target, $"{action} {what}{where}", cascade);
    }

    private static SqlVerdict Rename(ArraySegment<SqlToken> t)
    {
        int i = 1;
        string kind = SqlSyntax.ReadKind(t, ref i);
        string? name = SqlSyntax.ReadName(t, ref i);
        string? to = null;
        if (W(t, i, "TO"))
        {
            i++;
            to = SqlSyntax.ReadName(t, ref i);
        }
        return new SqlVerdict("RENAME", SqlRisk.SchemaChange, kind, name, $"renames {kind} {Q(name)}{(to is null ? "" : " to " + Q(to))}");
    }

    private static SqlVerdict Comment(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "ON");
        string kind = SqlSyntax.ReadKind(t, ref i);
        string? name = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("COMMENT", SqlRisk.SchemaChange, kind, name, $"sets the comment on {kind} {Q(name)}");
    }

    private static SqlVerdict Explain(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        bool analyze = false;
        for (int k = 1; k < t.Count; k++)
        {
            if (t[k].IsSymbol("("))
            {
                int close = SqlSyntax.Close(t, k);
                for (int j = k + 1; j < close; j++)
                    if (WAny(t, j, "ANALYZE", "ANALYSE") && !WAny(t, j + 1, "FALSE", "OFF") && !(j + 1 < t.Count && t[j + 1].Text == "0")) analyze = true;
                k = close;
                continue;
            }
            if (WAny(t, k, "ANALYZE", "ANALYSE")) analyze = true;
            if (!WAny(t, k, "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES", "TABLE", "MERGE", "CREATE", "EXECUTE", "DECLARE", "REPLACE")) continue;
            SqlVerdict inner = Classify(t.Slice(k), ctx.Deeper());
            if (analyze && inner.Risk != SqlRisk.Read)
                return inner with { Verb = "EXPLAIN", Description = "EXPLAIN ANALYZE runs the statement: " + inner.Description };
            return new SqlVerdict("EXPLAIN", SqlRisk.Read, inner.ObjectKind, inner.ObjectName, $"shows the plan of a {inner.Verb} statement without running it");
        }
        return Read("EXPLAIN", "shows a query plan or table description");
    }

    private static SqlVerdict Set(ArraySegment<SqlToken> t)
    {
        if (WAny(t, 1, "GLOBAL", "PERSIST", "PERSIST_ONLY")
            || (t.Count > 1 && (t[1].Text.StartsWith("@@global", StringComparison.OrdinalIgnoreCase) || t[1].Text.StartsWith("@@persist", StringComparison.OrdinalIgnoreCase))))
            return Write("SET", "changes server configuration for every session");
        if (W(t, 1, "PASSWORD")) return new SqlVerdict("SET", SqlRisk.SchemaChange, "user", null, "changes a password");
        return Read("SET", "changes a session setting");
    }

    private static SqlVerdict Pragma(ArraySegment<SqlToken> t)
    {
        int i = 1;
        string? name = SqlSyntax.ReadName(t, ref i);
        return S(t, i, "=")
            ? new SqlVerdict("PRAGMA", SqlRisk.Write, "setting", name, $"changes SQLite setting {Q(name)}")
            : new SqlVerdict("PRAGMA", SqlRisk.Read, "setting", name, $"reads SQLite setting {Q(name)}");
    }

    private static SqlVerdict Begin(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        int batch = W(t, 1, "BATCH") ? 1 : WAny(t, 1, "UNLOGGED", "COUNTER", "LOGGED") && W(t, 2, "BATCH") ? 2 : -1;
        int rest = batch >= 0 ? batch + 1 : 1;
        if (batch < 0 && W(t, 1, "NOT") && W(t, 2, "ATOMIC")) rest = 3;
        bool transaction = batch < 0 && (t.Count == 1 || WAny(t, 1, "TRANSACTION", "TRAN", "WORK", "DEFERRED", "IMMEDIATE", "EXCLUSIVE",
            "DISTRIBUTED", "ISOLATION", "READ", "TRY", "CATCH", "DIALOG", "CONVERSATION"));
        if (transaction || rest >= t.Count) return Read("BEGIN", batch >= 0 ? "starts a batch" : "starts a transaction or block");
        // A block or batch body runs now: classify what it contains.
        SqlVerdict inner = Classify(t.Slice(rest), ctx.Deeper());
        return SqlRiskOrder.Rank(inner.Risk) > 0 ? inner : Read("BEGIN", "starts a block");
    }

    private static SqlVerdict Do(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        string? body = null;
        foreach (SqlToken token in t)
            if (token.Kind == SqlTokenKind.String) { body = token.Text; break; }
        var baseline = Write("DO", "runs an anonymous code block");
        if (body is null) return baseline;
        SqlVerdict? inner = WorstNested(body, ctx);
        if (inner is not { } v || SqlRiskOrder.Rank(v.Risk) <= SqlRiskOrder.Rank(SqlRisk.Write)) return baseline;
        return v with { Verb = "DO", Description = "DO block runs: " + v.Description };
    }

    /// <summary>Analyses SQL held in a string (DO body, dynamic SQL) and returns its worst statement.</summary>
    private static SqlVerdict? WorstNested(string sql, SqlContext ctx)
    {
        if (ctx.Nesting >= MaxNesting) return new SqlVerdict("SQL", SqlRisk.Unknown, null, null, "nested SQL is too deep to analyse");
        SqlSplitResult nested = SqlSplitter.Run(sql, sql.Length, ctx.Options.ForNestedBody(), 1000, ctx.Nesting + 1);
        SqlStatementInfo? worst = null;
        foreach (SqlStatementInfo s in nested.Statements)
            if (worst is null || SqlRiskOrder.Rank(s.Risk) > SqlRiskOrder.Rank(worst.Risk)) worst = s;
        return worst is null ? null : new SqlVerdict(worst.Verb, worst.Risk, worst.ObjectKind, worst.ObjectName, worst.Description, worst.Cascade);
    }

    private static SqlVerdict Execute(ArraySegment<SqlToken> t, SqlContext ctx)
    {
        string verb = Upper(t, 0);
        int i = 1;
        if (W(t, i, "AS")) return Read(verb, "switches the execution context");
        if (W(t, i, "IMMEDIATE") || S(t, i, "(")) return Dynamic(verb, t.Slice(i), ctx);
        if (i + 1 < t.Count && t[i].Text.StartsWith('@') && S(t, i + 1, "=")) i += 2;
        string? name = SqlSyntax.ReadName(t, ref i);
        string procedure = name is null ? "" : name.Substring(name.LastIndexOf('.') + 1).ToLowerInvariant();
        if (procedure == "xp_cmdshell")
            return new SqlVerdict(verb, SqlRisk.Unknown, "procedure", name, "runs an operating-system command (xp_cmdshell)");
        if (procedure is "sp_executesql" or "sp_msforeachtable" or "sp_msforeachdb") return Dynamic(verb, t.Slice(i), ctx);
        if (ctx.Options.Dialect == SqlDialect.PostgreSql) return new SqlVerdict(verb, SqlRisk.Write, "statement", name, $"executes prepared statement {Q(name)}");
        return new SqlVerdict(verb, SqlRisk.Write, "procedure", name, $"executes procedure {Q(name)}");
    }

    private static SqlVerdict Dynamic(string verb, ArraySegment<SqlToken> t, SqlContext ctx)
    {
        var sql = new StringBuilder();
        foreach (SqlToken token in t)
            if (token.Kind == SqlTokenKind.String) sql.Append(token.Text);
        if (sql.Length == 0) return new SqlVerdict(verb, SqlRisk.Unknown, null, null, "runs dynamic SQL built at run time");
        var baseline = Write(verb, "runs dynamic SQL");
        if (WorstNested(sql.ToString(), ctx) is not { } inner || SqlRiskOrder.Rank(inner.Risk) <= SqlRiskOrder.Rank(SqlRisk.Write)) return baseline;
        return inner with { Verb = verb, Description = "runs dynamic SQL that " + inner.Description };
    }

    private static SqlVerdict Copy(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "INTO");
        string? table = null;
        if (S(t, i, "(")) i = SqlSyntax.Close(t, i) + 1;
        else table = SqlSyntax.ReadName(t, ref i);
        if (FindWordAnywhere(t, "PROGRAM"))
            return new SqlVerdict("COPY", SqlRisk.Unknown, "table", table, "runs a shell command on the database server (COPY ... PROGRAM)");
        if (SqlSyntax.FindTopWord(t, i, "FROM") >= 0)
            return new SqlVerdict("COPY", SqlRisk.BoundedWrite, "table", table, $"loads rows into {Q(table)}");
        if (SqlSyntax.FindTopWord(t, i, "TO") >= 0)
            return new SqlVerdict("COPY", SqlRisk.Read, "table", table, table is null ? "exports query results" : $"exports {Q(table)}");
        return Unrecognised("COPY", "COPY without FROM or TO");
    }

    private static SqlVerdict Load(ArraySegment<SqlToken> t)
    {
        if (!W(t, 1, "DATA") && !W(t, 1, "XML")) return Write("LOAD", "loads a server library or extension");
        int into = SqlSyntax.FindTopWord(t, 1, "INTO");
        int i = SqlSyntax.Skip(t, into + 1, "TABLE");
        string? table = into >= 0 ? SqlSyntax.ReadName(t, ref i) : null;
        return new SqlVerdict("LOAD", SqlRisk.Write, "table", table, $"loads rows from a file into {Q(table)}");
    }

    private static SqlVerdict Bulk(ArraySegment<SqlToken> t)
    {
        int i = SqlSyntax.Skip(t, 1, "INSERT");
        string? table = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("BULK", SqlRisk.BoundedWrite, "table", table, $"bulk-loads rows into {Q(table)} from a file");
    }

    private static SqlVerdict Restore(ArraySegment<SqlToken> t)
    {
        if (WAny(t, 1, "HEADERONLY", "FILELISTONLY", "VERIFYONLY", "LABELONLY")) return Read("RESTORE", "inspects a backup");
        int i = 1;
        string kind = SqlSyntax.ReadKind(t, ref i);
        string? name = SqlSyntax.ReadName(t, ref i);
        return new SqlVerdict("RESTORE", SqlRisk.Destructive, kind, name, $"restores {kind} {Q(name)} from a backup, overwriting its current contents");
    }

    private static SqlVerdict Reset(ArraySegment<SqlToken> t)
    {
        if (W(t, 1, "MASTER") || (W(t, 1, "BINARY") && W(t, 2, "LOGS")))
            return new SqlVerdict("RESET", SqlRisk.Destructive, null, null, "deletes every binary log file");
        if (WAny(t, 1, "REPLICA", "SLAVE", "QUERY", "PERSIST")) return Write("RESET", "resets replication or server state");
        return Read("RESET", "resets a session setting");
    }

    private static SqlVerdict SourceFile(ArraySegment<SqlToken> t)
    {
        string file = t.Count > 1 ? t[1].Text : "";
        return new SqlVerdict("SOURCE", SqlRisk.Unknown, "file", file, $"runs SQL from file {Q(file)}");
    }
}

internal enum SqlTruth { Unknown, True, False }

/// <summary>
/// Decides whether a WHERE condition is always true (1=1, 'a'='a', x = x, ... OR 1=1) with a small recursive-descent parser.
/// Anything it does not understand is Unknown, which the caller treats as a bounded condition. Nesting is capped so hostile
/// input cannot exhaust the stack.
/// </summary>
internal sealed class SqlConditionEvaluator
{
    private enum OperandKind { Number, String, Boolean, Null, Expression, Condition }

    private readonly record struct Operand(OperandKind Kind, decimal Number, string Text, SqlTruth Truth);

    private const int MaxDepth = 64;
    private readonly ArraySegment<SqlToken> _t;
    private readonly bool _pipesAreOr;
    private int _i;
    private int _depth;
    private bool _failed;

    private SqlConditionEvaluator(ArraySegment<SqlToken> tokens, bool pipesAreOr)
    {
        _t = tokens;
        _pipesAreOr = pipesAreOr;
    }

    public static SqlTruth Evaluate(ArraySegment<SqlToken> tokens, SqlLexOptions options)
    {
        var evaluator = new SqlConditionEvaluator(tokens, options.PipesAreOr);
        SqlTruth result = Truthiness(evaluator.ParseOr());
        return evaluator._failed || evaluator._i != tokens.Count ? SqlTruth.Unknown : result;
    }

    private bool AtWord(string keyword) => _i < _t.Count && _t[_i].IsWord(keyword);

    private bool AtSymbol(string symbol) => _i < _t.Count && _t[_i].IsSymbol(symbol);

    private static Operand Condition(SqlTruth truth) => new(OperandKind.Condition, 0, "", truth);

    private Operand ParseOr()
    {
        Operand first = ParseAnd();
        if (!(AtWord("OR") || AtWord("XOR") || (_pipesAreOr && AtSymbol("||")))) return first;
        SqlTruth result = Truthiness(first);
        while (!_failed && (AtWord("OR") || AtWord("XOR") || (_pipesAreOr && AtSymbol("||"))))
        {
            bool exclusive = AtWord("XOR");
            _i++;
            SqlTruth next = Truthiness(ParseAnd());
            result = exclusive ? Xor(result, next) : Or(result, next);
        }
        return Condition(result);
    }

    private Operand ParseAnd()
    {
        Operand first = ParseNot();
        if (!(AtWord("AND") || AtSymbol("&&"))) return first;
        SqlTruth result = Truthiness(first);
        while (!_failed && (AtWord("AND") || AtSymbol("&&")))
        {
            _i++;
            result = And(result, Truthiness(ParseNot()));
        }
        return Condition(result);
    }

    private Operand ParseNot()
    {
        if (AtWord("NOT") || AtSymbol("!"))
        {
            _i++;
            if (!Enter()) return Condition(SqlTruth.Unknown);
            SqlTruth inner = Truthiness(ParseNot());
            _depth--;
            return Condition(Not(inner));
        }
        return ParsePredicate();
    }

    private bool Enter()
    {
        if (++_depth <= MaxDepth) return true;
        _failed = true;
        _i = _t.Count;
        return false;
    }

    private Operand ParsePredicate()
    {
        if (AtWord("EXISTS"))
        {
            _i++;
            if (AtSymbol("(")) _i = SqlSyntax.Close(_t, _i) + 1;
            return Condition(SqlTruth.Unknown);
        }
        Operand left = ParseOperand();
        if (_failed || _i >= _t.Count) return left;
        SqlToken token = _t[_i];
        if (token.Kind == SqlTokenKind.Symbol && token.Text is "=" or "==" or "!=" or "<>" or "<" or ">" or "<=" or ">=" or "<=>")
        {
            _i++;
            if (AtWord("ANY") || AtWord("ALL") || AtWord("SOME"))
            {
                ParseOperand();
                return Condition(SqlTruth.Unknown);
            }
            return Condition(Compare(left, token.Text, ParseOperand()));
        }
        if (AtWord("IS"))
        {
            _i++;
            bool negate = AtWord("NOT");
            if (negate) _i++;
            SqlTruth result = SqlTruth.Unknown;
            if (AtWord("NULL")) { _i++; result = IsNull(left); }
            else if (AtWord("TRUE") || AtWord("FALSE"))
            {
                bool wanted = AtWord("TRUE");
                _i++;
                SqlTruth truth = Truthiness(left);
                result = truth == SqlTruth.Unknown ? SqlTruth.Unknown : ((truth == SqlTruth.True) == wanted ? SqlTruth.True : SqlTruth.False);
            }
            else if (AtWord("DISTINCT") && _i + 1 < _t.Count && _t[_i + 1].IsWord("FROM"))
            {
                _i += 2;
                result = Not(Compare(left, "<=>", ParseOperand()));
            }
            else ParseOperand();
            return Condition(negate ? Not(result) : result);
        }
        bool not = AtWord("NOT") && _i + 1 < _t.Count && SqlSyntax.WAny(_t, _i + 1, "BETWEEN", "IN", "LIKE", "ILIKE", "GLOB", "REGEXP", "RLIKE", "SIMILAR");
        if (not) _i++;
        SqlTruth predicate;
        if (AtWord("BETWEEN"))
        {
            _i++;
            if (AtWord("SYMMETRIC") || AtWord("ASYMMETRIC")) _i++;
            Operand low = ParseOperand();
            if (!AtWord("AND")) { _failed = true; return Condition(SqlTruth.Unknown); }
            _i++;
            Operand high = ParseOperand();
            predicate = And(Compare(low, "<=", left), Compare(left, "<=", high));
        }
        else if (AtWord("IN")) predicate = ParseIn(left);
        else if (AtWord("LIKE") || AtWord("ILIKE") || AtWord("GLOB"))
        {
            bool glob = AtWord("GLOB");
            _i++;
            Operand pattern = ParseOperand();
            if (AtWord("ESCAPE")) { _i++; ParseOperand(); }
            predicate = Like(left, pattern, glob);
        }
        else if (AtWord("REGEXP") || AtWord("RLIKE") || AtWord("SIMILAR"))
        {
            _i++;
            if (AtWord("TO")) _i++;
            ParseOperand();
            predicate = SqlTruth.Unknown;
        }
        else
        {
            if (not) _failed = true;
            return left;
        }
        return Condition(not ? Not(predicate) : predicate);
    }

    private SqlTruth ParseIn(Operand left)
    {
        _i++;
        if (!AtSymbol("(")) { ParseOperand(); return SqlTruth.Unknown; }
        if (_i + 1 < _t.Count && SqlSyntax.WAny(_t, _i + 1, "SELECT", "WITH", "VALUES"))
        {
            _i = SqlSyntax.Close(_t, _i) + 1;
            return SqlTruth.Unknown;
        }
        _i++;
        SqlTruth result = SqlTruth.False;
        while (!_failed && _i < _t.Count && !AtSymbol(")"))
        {
            result = Or(result, Compare(left, "=", ParseOperand()));
            if (AtSymbol(",")) _i++;
            else if (!AtSymbol(")")) { _failed = true; return SqlTruth.Unknown; }
        }
        if (AtSymbol(")")) _i++;
        return result;
    }

    private bool IsStop(SqlToken token)
    {
        if (token.Kind == SqlTokenKind.Symbol)
            return token.Text is "=" or "==" or "!=" or "<>" or "<" or ">" or "<=" or ">=" or "<=>" or ")" or "," or "&&" or ";"
                || (_pipesAreOr && token.Text == "||");
        return token.Kind == SqlTokenKind.Word && token.Text.ToUpperInvariant() is "AND" or "OR" or "XOR" or "NOT" or "IS" or "BETWEEN" or "IN"
            or "LIKE" or "ILIKE" or "GLOB" or "REGEXP" or "RLIKE" or "SIMILAR" or "ESCAPE";
    }

    private Operand ParseOperand()
    {
        int start = _i;
        if (AtSymbol("(") && !(_i + 1 < _t.Count && SqlSyntax.WAny(_t, _i + 1, "SELECT", "WITH", "VALUES")))
        {
            _i++;
            if (!Enter()) return Condition(SqlTruth.Unknown);
            Operand inner = ParseOr();
            _depth--;
            if (!AtSymbol(")")) { _failed = true; return inner; }
            _i++;
            if (_i >= _t.Count || IsStop(_t[_i])) return inner;
        }
        while (_i < _t.Count && !IsStop(_t[_i]))
        {
            if (AtSymbol("(")) _i = SqlSyntax.Close(_t, _i) + 1;
            else if (AtWord("CASE")) SkipCase();
            else _i++;
        }
        int count = _i - start;
        if (count == 0) { _failed = true; return new Operand(OperandKind.Expression, 0, "", SqlTruth.Unknown); }
        if (count == 1) return Literal(_t[start]);
        if (count == 2 && _t[start].Kind == SqlTokenKind.Symbol && _t[start].Text is "-" or "+" && _t[start + 1].Kind == SqlTokenKind.Number)
        {
            Operand number = Literal(_t[start + 1]);
            return number.Kind == OperandKind.Number && _t[start].Text == "-" ? number with { Number = -number.Number } : number;
        }
        var key = new StringBuilder();
        for (int k = start; k < _i && k < _t.Count; k++)
            key.Append(_t[k].Kind == SqlTokenKind.Word ? _t[k].Text.ToUpperInvariant() : _t[k].Text).Append('\u0001');
        return new Operand(OperandKind.Expression, 0, key.ToString(), SqlTruth.Unknown);
    }

    private void SkipCase()
    {
        int depth = 0;
        while (_i < _t.Count)
        {
            if (AtWord("CASE")) depth++;
            else if (AtWord("END") && --depth == 0) { _i++; return; }
            _i++;
        }
    }

    private static Operand Literal(SqlToken token)
    {
        switch (token.Kind)
        {
            case SqlTokenKind.Number when decimal.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal value):
                return new Operand(OperandKind.Number, value, token.Text, SqlTruth.Unknown);
            case SqlTokenKind.String:
                return new Operand(OperandKind.String, 0, token.Text, SqlTruth.Unknown);
            case SqlTokenKind.Word when token.IsWord("TRUE"):
                return new Operand(OperandKind.Boolean, 1, "TRUE", SqlTruth.True);
            case SqlTokenKind.Word when token.IsWord("FALSE"):
                return new Operand(OperandKind.Boolean, 0, "FALSE", SqlTruth.False);
            case SqlTokenKind.Word when token.IsWord("NULL"):
                return new Operand(OperandKind.Null, 0, "NULL", SqlTruth.False);
            default:
                string key = token.Kind == SqlTokenKind.Word ? token.Text.ToUpperInvariant() : token.Text;
                return new Operand(OperandKind.Expression, 0, key, SqlTruth.Unknown);
        }
    }

    private static bool IsLiteral(Operand o) => o.Kind is OperandKind.Number or OperandKind.String or OperandKind.Boolean;

    private static SqlTruth Truthiness(Operand o) => o.Kind switch
    {
        OperandKind.Condition or OperandKind.Boolean => o.Truth,
        OperandKind.Number => o.Number != 0 ? SqlTruth.True : SqlTruth.False,
        OperandKind.Null => SqlTruth.False,
        OperandKind.String when decimal.TryParse(o.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal n) =>
            n != 0 ? SqlTruth.True : SqlTruth.False,
        _ => SqlTruth.Unknown,
    };

    private static SqlTruth IsNull(Operand o) => o.Kind switch
    {
        OperandKind.Null => SqlTruth.True,
        OperandKind.Number or OperandKind.String or OperandKind.Boolean => SqlTruth.False,
        _ => SqlTruth.Unknown,
    };

    private static SqlTruth FromBool(bool value) => value ? SqlTruth.True : SqlTruth.False;

    private static SqlTruth Compare(Operand left, string op, Operand right)
    {
        if (left.Kind == OperandKind.Null || right.Kind == OperandKind.Null)
        {
            if (op != "<=>") return SqlTruth.False;
            if (left.Kind == right.Kind) return SqlTruth.True;
            return IsLiteral(left) || IsLiteral(right) ? SqlTruth.False : SqlTruth.Unknown;
        }
        int? order = null;
        if (left.Kind is OperandKind.Number or OperandKind.Boolean && right.Kind is OperandKind.Number or OperandKind.Boolean)
            order = left.Number.CompareTo(right.Number);
        else if (left.Kind == OperandKind.String && right.Kind == OperandKind.String)
        {
            // Collations may ignore case; only an exact match or a clear difference is decided.
            if (!string.Equals(left.Text, right.Text, StringComparison.Ordinal) && string.Equals(left.Text, right.Text, StringComparison.OrdinalIgnoreCase))
                return SqlTruth.Unknown;
            order = Math.Sign(string.CompareOrdinal(left.Text, right.Text));
        }
        else if (IsLiteral(left) && IsLiteral(right) && AsNumber(left) is decimal l && AsNumber(right) is decimal r)
            order = l.CompareTo(r);
        else if (left.Kind == OperandKind.Expression && right.Kind == OperandKind.Expression && left.Text.Length > 0 && left.Text == right.Text)
            order = 0;   // x = x: true for every non-null row
        if (order is not int o) return SqlTruth.Unknown;
        return op switch
        {
            "=" or "==" or "<=>" => FromBool(o == 0),
            "!=" or "<>" => FromBool(o != 0),
            "<" => FromBool(o < 0),
            ">" => FromBool(o > 0),
            "<=" => FromBool(o <= 0),
            ">=" => FromBool(o >= 0),
            _ => SqlTruth.Unknown,
        };
    }

    private static decimal? AsNumber(Operand o) => o.Kind switch
    {
        OperandKind.Number or OperandKind.Boolean => o.Number,
        OperandKind.String when decimal.TryParse(o.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out decimal n) => n,
        _ => null,
    };

    private static SqlTruth Like(Operand value, Operand pattern, bool glob)
    {
        if (pattern.Kind != OperandKind.String || value.Kind == OperandKind.Null) return value.Kind == OperandKind.Null ? SqlTruth.False : SqlTruth.Unknown;
        char any = glob ? '*' : '%';
        if (pattern.Text.Length > 0 && pattern.Text.Trim(any).Length == 0) return SqlTruth.True;
        bool wildcard = glob ? pattern.Text.AsSpan().IndexOfAny('*', '?', '[') >= 0 : pattern.Text.AsSpan().IndexOfAny('%', '_') >= 0;
        if (value.Kind == OperandKind.String && !wildcard) return FromBool(string.Equals(value.Text, pattern.Text, StringComparison.Ordinal));
        return SqlTruth.Unknown;
    }

    private static SqlTruth Not(SqlTruth t) => t switch { SqlTruth.True => SqlTruth.False, SqlTruth.False => SqlTruth.True, _ => SqlTruth.Unknown };

    private static SqlTruth Or(SqlTruth a, SqlTruth b) =>
        a == SqlTruth.True || b == SqlTruth.True ? SqlTruth.True : a == SqlTruth.False && b == SqlTruth.False ? SqlTruth.False : SqlTruth.Unknown;

    private static SqlTruth And(SqlTruth a, SqlTruth b) =>
        a == SqlTruth.False || b == SqlTruth.False ? SqlTruth.False : a == SqlTruth.True && b == SqlTruth.True ? SqlTruth.True : SqlTruth.Unknown;

    private static SqlTruth Xor(SqlTruth a, SqlTruth b) =>
        a == SqlTruth.Unknown || b == SqlTruth.Unknown ? SqlTruth.Unknown : FromBool(a != b);
}
