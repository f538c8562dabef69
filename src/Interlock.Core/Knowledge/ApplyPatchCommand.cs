using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// <c>apply_patch</c> (and <c>applypatch</c>) as a shell command: Codex models (gpt-5.1-codex, offered only
/// <c>exec_command</c>) edit files with <c>apply_patch &lt;&lt;'PATCH' ... PATCH</c> or <c>apply_patch "*** Begin
/// Patch..."</c>, which Codex intercepts and applies itself. The patch is read exactly as the apply_patch tool's is
/// (<see cref="ApplyPatch"/>) and each file it adds, deletes, updates or moves is judged as that file edit would be
/// (emptying a file, deleting a protected one). A patch that cannot be read, or comes from input that cannot be
/// known, is indeterminate: nobody can say what it changes.
/// </summary>
public sealed class ApplyPatchCommand : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["apply_patch", "applypatch"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        // Codex reads the patch from its one argument, else from standard input.
        string? patch = inv.Args.Count > 0 ? (inv.Args[0].Known ? inv.Args[0].Text : null) : inv.Stdin;
        if (patch is null)
        {
            var source = inv.Args.Count > 0 ? "its argument is not known before it runs" : inv.StdinFromUnknown is not null ? $"it reads the patch from `{inv.StdinFromUnknown}`" : "no patch text is given";
            EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` applies a patch that cannot be read here ({source}), so what it changes is unknown", effects);
            return;
        }
        var parsed = ApplyPatch.Parse(patch);
        if (parsed.Error is { } error)
        {
            EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` is given a patch that cannot be read ({error}), so what it changes is unknown", effects);
            return;
        }
        if (inv.Context.RemoteHost is not null || KnowledgeContext.Cwd(inv) is not { } cwd)
        {
            EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` runs where its files cannot be seen", effects);
            return;
        }
        // The effects keep the file edit as their source (the edit rules know it), as they are for the tool.
        foreach (var action in ApplyPatch.ToFileActions(parsed.Files))
            effects.AddRange(FileEditAnalyzer.Analyze(action, cwd, ctx, reportWrites: true));
    }
}
