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
        var sb = new StringBuilder("Interlock ");
        sb.Append(d.Verdict == Verdict.Deny ? "blocked " : "needs a human to approve ").Append(what);
        sb.Append(" [").Append(d.RuleId).Append("]: ").Append(d.Reason.TrimEnd());
        // Reasons are written as clauses, some without a closing stop: the next sentence must not run into them.
        if (!EndsSentence(sb)) sb.Append('.');
        if (d.Alternative is not null) sb.Append(" Instead: ").Append(d.Alternative);
        return sb.ToString();
    }

    /// <summary>Ends with . ! or ?, possibly inside a closing bracket or quote ("(see below.)").</summary>
    private static bool EndsSentence(StringBuilder sb)
    {
        var i = sb.Length - 1;
        if (i > 0 && sb[i] is ')' or '"' or '`' or '\'') i--;
        return sb[i] is '.' or '!' or '?';
    }
}
