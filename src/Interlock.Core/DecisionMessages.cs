using System.Text;

namespace Interlock.Core;

/// <summary>The one sentence every adapter (hooks, MCP proxy, in-process guard) gives an agent for a stop: what was
/// stopped, by which rule, why, and what to do instead.</summary>
public static class DecisionMessages
{
    private static readonly HashSet<string> FileTools = new(StringComparer.Ordinal) { "Write", "Edit", "MultiEdit", "NotebookEdit", "Read", "Delete", "Patch" };

    /// <summary>"Interlock blocked this command [rule]: reason Instead: alternative"; empty for allow.
    /// <paramref name="tool"/> is "Bash" (or null) for shell commands, a file tool kind, or another tool's name.</summary>
    public static string Describe(Decision d, string? tool = "Bash")
    {
        if (d.Verdict == Verdict.Allow) return "";
        var what = tool is null or "Bash" ? "this command" : FileTools.Contains(tool) ? $"this {tool}" : $"this call of {tool}";
        var head = $"Interlock {(d.Verdict == Verdict.Deny ? "blocked" : "needs a human to approve")} {what} [{d.RuleId}]: {d.Reason}";
        return d.Alternative is { } instead ? Sentences(head, "Instead: " + instead) : Sentences(head);
    }

    /// <summary>
    /// The one way messages are joined: each part is a sentence or a clause (reasons are often written without a closing
    /// stop), so each is trimmed, ended with a full stop unless it already ends a sentence (". ! ?", possibly inside a
    /// closing bracket or quote: "(see below.)"), and the parts are joined with one space. Empty parts are skipped. No
    /// part runs into the next ("needs a human Instead:") and none gets a second stop ("approve..").
    /// </summary>
    public static string Sentences(params ReadOnlySpan<string?> parts)
    {
        var sb = new StringBuilder();
        foreach (var part in parts)
        {
            var p = part?.Trim();
            if (string.IsNullOrEmpty(p)) continue;
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(Sentence(p));
        }
        return sb.ToString();
    }

    /// <summary><paramref name="text"/> trimmed and ended as a sentence (a full stop added when it has none).</summary>
    public static string Sentence(string text)
    {
        var t = text.TrimEnd();
        while (t.EndsWith("..", StringComparison.Ordinal) && !t.EndsWith("...", StringComparison.Ordinal)) t = t[..^1];
        return t.Length == 0 || EndsSentence(t) ? t : t + ".";
    }

    /// <summary>A clause without its closing stop, for text that continues after it ("because {reason}, ...").</summary>
    public static string Clause(string text)
    {
        var t = text.Trim();
        while (t.Length > 0 && t[^1] == '.' && !t.EndsWith("...", StringComparison.Ordinal)) t = t[..^1];
        return t;
    }

    /// <summary>Ends with . ! or ?, possibly inside a closing bracket or quote ("(see below.)").</summary>
    private static bool EndsSentence(string s)
    {
        var i = s.Length - 1;
        if (i > 0 && s[i] is ')' or '"' or '`' or '\'') i--;
        return s[i] is '.' or '!' or '?';
    }
}
