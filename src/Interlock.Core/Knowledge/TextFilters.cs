using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Text filters (coreutils, jq, yq): they change nothing on disk through their own options, and what they read they
/// print, changed. So what is piped into one goes wherever the filter's output goes: <c>gh auth token | tr -d '\n'</c>
/// prints the token, <c>T=$(gh auth token | tr -d '\n')</c> keeps it in T (see <see cref="InputUse.PassesOn"/>).
/// Their file reads (secret files) and writes (<c>sort -o</c>) are judged by the shared readers and writers.
/// </summary>
public sealed class TextFilters : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } =
        ["tr", "cut", "head", "tail", "base64", "base32", "basenc", "rev", "fold", "tac", "sort", "uniq", "xxd", "jq", "yq", "cat"];

    public void Analyze(Invocation invocation, KnowledgeContext context, List<Effect> effects) { }

    /// <summary>Passes its input on to its standard output only: not where the filter can also write elsewhere, such as a
    /// named output file (<c>sort -o</c>, <c>uniq IN OUT</c>, <c>xxd IN OUT</c>) or standard error (jq's <c>debug</c>
    /// and <c>stderr</c>); there it may be printed.</summary>
    public InputUse StandardInput(Invocation inv)
    {
        var operands = inv.Args.Count(a => !a.Text.StartsWith('-') || a.Text == "-");
        var writesElsewhere = inv.Name switch
        {
            "sort" => inv.Args.Any(a => a.Text.StartsWith("--output", StringComparison.Ordinal) || (a.Text.StartsWith('-') && !a.Text.StartsWith("--") && a.Text.Contains('o'))),
            "uniq" or "xxd" => operands > 1,
            "jq" or "yq" => inv.Args.Any(a => !a.Known || a.Text.Contains("debug", StringComparison.Ordinal) || a.Text.Contains("stderr", StringComparison.Ordinal)),
            _ => false,
        };
        return writesElsewhere ? InputUse.Unknown : InputUse.PassesOn;
    }
}
