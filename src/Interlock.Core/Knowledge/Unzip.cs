using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// <c>unzip [options] ARCHIVE [MEMBER...] [-x EXCLUDED...] [-d DIR]</c> (options may also follow the archive) writes the
/// archive's members into DIR, or the working directory: a write to where they land (<see cref="LandingWrites"/>), so
/// members that are protected paths, or an archive without a member list over a directory holding protected paths, are
/// denied like any write there. Listing (<c>-l</c>, <c>-v</c>, <c>-Z</c>), testing (<c>-t</c>), comments (<c>-z</c>)
/// and extracting to standard output (<c>-p</c>, <c>-c</c>) write nothing. With <c>-j</c> members land under their
/// base names.
/// </summary>
public sealed class Unzip : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["unzip"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        Arg directory = Arg.Literal(".");
        string? archive = null;
        var members = new List<Arg>();
        var junkPaths = false;
        var inExcludes = false;
        var args = inv.Args;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            if (t.Length > 1 && t[0] == '-' && a.Known)
            {
                inExcludes = false;
                if (t.StartsWith("-d", StringComparison.Ordinal))
                {
                    if (t.Length > 2) directory = a with { Text = t[2..] };
                    else if (i + 1 < args.Count) directory = args[++i];
                    continue;
                }
                if (t == "-x") { inExcludes = true; continue; }
                if (t is "-P" && i + 1 < args.Count) { i++; continue; }
                if (t.StartsWith("--", StringComparison.Ordinal)) continue;
                foreach (var letter in t.AsSpan(1))
                {
                    if (letter is 'l' or 'v' or 't' or 'z' or 'Z' or 'p' or 'c') return; // lists, tests or writes to stdout
                    if (letter == 'j') junkPaths = true;
                }
                continue;
            }
            if (inExcludes) continue;
            if (archive is null) archive = t;
            else members.Add(a);
        }
        if (archive is null) return;
        var what = $"`unzip` extracting {archive}";
        foreach (var target in ctx.Paths.Resolve(directory, inv.Context))
        {
            if (target.Class == PathClass.Unknown || !directory.Known) continue;
            if (members.Count == 0 || members.Any(m => !m.Known || m.Glob || PathResolver.HasGlob(m.Text)))
                LandingWrites.Unknown(ctx, inv, target.Path, what, effects);
            else
                LandingWrites.Members(ctx, inv, target.Path, members.Select(m => junkPaths ? m.Text[(m.Text.TrimEnd('/').LastIndexOf('/') + 1)..] : m.Text), what, effects);
        }
    }
}
