// Bounds-safe helpers over a statement's tokens (keyword tests, names, object kinds, snippets for descriptions),
// shared by the statement rules and by the NoSQL classifier's quoting.
#nullable enable
using System;
using System.Collections.Generic;
using System.Text;

namespace Interlock.Core.Sql;

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
