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

    public InputUse StandardInput(Invocation invocation) => InputUse.PassesOn;
}
