namespace Interlock.Core.Policy;

/// <summary>
/// Glob matching without regular expressions: <c>*</c> any run of characters, <c>?</c> one character. In path mode the
/// text and pattern are split on <c>/</c>, <c>*</c> and <c>?</c> stay inside one segment and a <c>**</c> segment matches
/// any number of segments. Matching is linear in practice (segment matching is the classic two-pointer algorithm with
/// one back-track point; <c>**</c> is resolved by dynamic programming over segments).
/// </summary>
public sealed class Glob
{
    private readonly string[] _segments;
    private readonly bool _pathMode;

    public string Pattern { get; }

    /// <summary>The segments before the first wildcard (a literal directory prefix), for ancestor checks.</summary>
    public IReadOnlyList<string> LiteralPrefix { get; }

    public Glob(string pattern, bool pathMode)
    {
        Pattern = pattern;
        _pathMode = pathMode;
        _segments = pathMode ? pattern.Split('/', StringSplitOptions.RemoveEmptyEntries) : [pattern];
        var prefix = new List<string>();
        foreach (var s in _segments)
        {
            if (s.AsSpan().IndexOfAny('*', '?') >= 0) break;
            prefix.Add(s);
        }
        LiteralPrefix = prefix;
    }

    public static bool HasWildcard(string pattern) => pattern.AsSpan().IndexOfAny('*', '?') >= 0;

    public bool IsMatch(string text)
    {
        if (!_pathMode) return MatchSegment(_segments[0], text);
        var parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return MatchSegments(0, parts, 0);
    }

    /// <summary>Path mode: matches already split path segments.</summary>
    public bool IsMatch(string[] parts) => MatchSegments(0, parts, 0);

    /// <summary>Dynamic programming over (pattern segment, path segment): O(segments × depth) whatever the number of
    /// <c>**</c>, so no pattern can make matching exponential.</summary>
    private bool MatchSegments(int p0, string[] parts, int t0)
    {
        var n = _segments.Length;
        var m = parts.Length;
        // reach[t]: the first p pattern segments can consume exactly the first t path segments.
        var reach = new bool[m + 1];
        var next = new bool[m + 1];
        reach[t0] = true;
        for (var p = p0; p < n; p++)
        {
            Array.Clear(next);
            if (_segments[p] == "**")
            {
                var any = false;
                for (var t = 0; t <= m; t++)
                {
                    any |= reach[t];
                    next[t] = any;
                }
            }
            else
            {
                for (var t = 0; t < m; t++)
                    if (reach[t] && MatchSegment(_segments[p], parts[t])) next[t + 1] = true;
            }
            (reach, next) = (next, reach);
        }
        return reach[m];
    }

    /// <summary>Path mode: some path below <paramref name="parts"/> (or it itself) could match: the parts match a prefix of
    /// the pattern. Deleting such a directory destroys what the pattern names.</summary>
    public bool CouldMatchBelow(string[] parts)
    {
        var m = parts.Length;
        var reach = new bool[m + 1];
        var next = new bool[m + 1];
        reach[0] = true;
        for (var p = 0; p < _segments.Length; p++)
        {
            if (reach[m]) return true;
            if (Array.IndexOf(reach, true) < 0) return false;
            // Some prefix of the parts matched everything before; ** can take the rest of them.
            if (_segments[p] == "**") return true;
            Array.Clear(next);
            for (var t = 0; t < m; t++)
                if (reach[t] && MatchSegment(_segments[p], parts[t])) next[t + 1] = true;
            (reach, next) = (next, reach);
        }
        return reach[m];
    }

    /// <summary>One segment: <c>*</c> and <c>?</c>, ordinal and case-sensitive.</summary>
    public static bool MatchSegment(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t])) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
