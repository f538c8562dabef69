// Decides whether a WHERE condition is always true (1=1, x = x, ... OR 1=1), so that DELETE/UPDATE with a
// tautological WHERE is read as touching every row. Used by the DML rules in SqlStatementClassifier.Dml.cs.
#nullable enable
using System;
using System.Globalization;
using System.Text;

namespace Interlock.Core.Sql;

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
