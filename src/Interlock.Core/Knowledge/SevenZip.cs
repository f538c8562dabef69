using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// 7-Zip (<c>7z</c>, <c>7za</c>, <c>7zr</c>, <c>7zz</c>): <c>7z x ARCHIVE [-oDIR] [NAME...]</c> extracts with paths,
/// <c>7z e</c> without (every member under its base name), into DIR or the working directory: a write to where they land
/// (<see cref="LandingWrites"/>). Other commands (a, l, t, d, u...) change or read only the archive itself.
/// </summary>
public sealed class SevenZip : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["7z", "7za", "7zr", "7zz"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Count == 0 || args[0].Text is not ("x" or "e")) return;
        var flat = args[0].Text == "e";
        Arg directory = Arg.Literal(".");
        string? archive = null;
        var members = new List<Arg>();
        var namesUnknown = false;
        var endOfSwitches = false;
        foreach (var a in args.Skip(1))
        {
            var t = a.Text;
            if (!endOfSwitches && t == "--") { endOfSwitches = true; continue; }
            if (!endOfSwitches && t.Length > 1 && t[0] == '-')
            {
                if (t.StartsWith("-o", StringComparison.Ordinal)) directory = a with { Text = t[2..] };
                // -i (include names, from a list file with -i@) and -ai pick members the guard cannot list.
                if (t.StartsWith("-i", StringComparison.Ordinal) || t.StartsWith("-ai", StringComparison.Ordinal)) namesUnknown = true;
                continue;
            }
            if (archive is null) archive = t;
            else members.Add(a);
        }
        if (archive is null) return;
        var what = $"`{inv.Name} {args[0].Text}` extracting {archive}";
        foreach (var target in ctx.Paths.Resolve(directory, inv.Context))
        {
            if (target.Class == PathClass.Unknown || !directory.Known) continue;
            if (members.Count == 0 || namesUnknown || members.Any(m => !m.Known || m.Glob || PathResolver.HasGlob(m.Text) || m.Text.StartsWith('@')))
                LandingWrites.Unknown(ctx, inv, target.Path, what, effects);
            else
                LandingWrites.Members(ctx, inv, target.Path, members.Select(m => flat ? m.Text[(m.Text.TrimEnd('/').LastIndexOf('/') + 1)..] : m.Text), what, effects);
        }
    }
}
