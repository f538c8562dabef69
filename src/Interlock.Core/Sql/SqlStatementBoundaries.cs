// Where a statement ends when ";" alone does not say: bodies that contain ";" (T-SQL modules, SQLite triggers,
// PostgreSQL BEGIN ATOMIC) and statements that start without a ";" before them (T-SQL batches, procedural blocks).
#nullable enable
using System;
using System.Collections.Generic;

namespace Interlock.Core.Sql;

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
