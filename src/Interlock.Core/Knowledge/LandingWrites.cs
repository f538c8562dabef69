using Interlock.Core.Analysis;
using Interlock.Core.Policy;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Writes whose file names come from data: an archive's members (tar, unzip, 7z), a directory copied or synced into
/// another (cp -r, rsync), a git tree checked out (git checkout/restore), a patch (git apply, patch). Each is a write to
/// where it lands: a file named there that is protected (<see cref="ProtectedPaths"/>) is reported as overwritten, so
/// the policy denies it like <c>echo x &gt; .claude/settings.json</c>. One mechanism for every tool: the tool's knowledge
/// says where it writes and, when it can tell, which names; this says whether that reaches a protected path.
/// </summary>
public static class LandingWrites
{
    /// <summary>Files named <paramref name="members"/> (relative to <paramref name="directory"/>, as in an archive or a
    /// patch) are written; each is resolved through links like any path, so a member under an existing link to a
    /// protected directory counts.</summary>
    public static void Members(KnowledgeContext ctx, Invocation inv, string directory, IEnumerable<string> members, string what, List<Effect> effects)
    {
        foreach (var member in members)
        {
            var relative = member.TrimStart('/');
            if (relative.Length == 0 || relative == ".") { Unknown(ctx, inv, directory, what, effects); continue; }
            var written = directory.TrimEnd('/') + "/" + relative;
            var t = ctx.Paths.Classify(PathResolver.Normalize(written), false, inv.Context, followFinal: true, written: written);
            if (t.Class == PathClass.Protected)
                effects.Add(new Effect(EffectKind.OverwriteFile, t.Path, t.Class, true, false, $"{what} writes {t.Path}", inv, t.Exists ? "exists" : null));
        }
    }

    /// <summary>Files whose names the guard cannot see are written into <paramref name="directory"/> (an archive without a
    /// member list, the contents of a directory copied in, a whole git tree, a patch it cannot read). When the directory
    /// is protected, or holds protected locations that exist, the write is reported as overwriting each of them.
    /// <para>Reported as an overwrite, which the policy denies, not as something to ask about: the guard cannot show a
    /// human which files would change, and whoever made the archive chose them, so an approval would be a guess about
    /// the guard's own configuration. The safer way costs little: extract into an empty directory, or name the members.</para></summary>
    /// <param name="hidden">The names may start with a dot (false for a glob such as <c>dir/*</c>, which the shell does not
    /// expand to hidden names, so <c>.claude</c> cannot be among them).</param>
    public static void Unknown(KnowledgeContext ctx, Invocation inv, string directory, string what, List<Effect> effects, bool hidden = true)
    {
        var dir = ctx.Paths.Classify(PathResolver.Normalize(directory), false, inv.Context, followFinal: true, written: directory + "/");
        if (dir.Class == PathClass.Protected)
        {
            effects.Add(new Effect(EffectKind.OverwriteFile, dir.Path, dir.Class, true, false,
                $"{what} writes files the guard cannot see into {dir.Path}, which is protected", inv, dir.Exists ? "exists" : null));
            return;
        }
        if (dir.Class is PathClass.Unknown or PathClass.NullDevice || inv.Context.RemoteHost is not null) return;
        OverlaysSource(ctx, inv, dir, what, effects);
        var real = dir.Path.TrimEnd('/');
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var reported = new List<string>();
        foreach (var candidate in ProtectedInside(real, inv.Context.Home, ctx.World))
        {
            // One effect per protected location: a file inside a directory already reported adds nothing.
            if (!seen.Add(candidate) || reported.Any(r => PathResolver.IsUnder(candidate, r))) continue;
            if (!hidden && candidate.Length > real.Length + 1 && candidate[real.Length + 1] == '.') continue;
            if (ctx.World.GetPathKind(candidate) is not (PathKind.File or PathKind.Directory)) continue;
            var t = ctx.Paths.Classify(candidate, false, inv.Context);
            if (t.Class != PathClass.Protected) continue;
            reported.Add(candidate);
            effects.Add(new Effect(EffectKind.OverwriteFile, t.Path, t.Class, true, false,
                $"{what} writes files the guard cannot see into {real}, which holds {t.Path}; they may replace it (name the files, or write into a directory without protected files)",
                inv, "exists"));
        }
    }

    /// <summary>Files from outside the project copied, synced or extracted over an existing source directory in it
    /// (<c>cp -r /tmp/x/. src/</c>, <c>rsync -a host:app/ src/</c>, <c>tar -xf /tmp/x.tar -C src</c>) replace every file
    /// of the same name there, and uncommitted changes to those are lost. The project's top is left alone (templates and
    /// archives are unpacked there as a matter of course), as are copies between the project's own directories, a
    /// single remote file (scp without -r), and git's own checkouts, which say so themselves.</summary>
    private static void OverlaysSource(KnowledgeContext ctx, Invocation inv, PathTarget dir, string what, List<Effect> effects)
    {
        if (!dir.Exists || dir.IsFile || inv.Name is "git" or "patch" || dir.Class != PathClass.ProjectSource) return;
        if (inv.Name == "scp" && !inv.Args.Any(a => a.Known && a.Text.StartsWith('-') && !a.Text.StartsWith("--") && a.Text.Contains('r'))) return;
        // The other operands are the sources (and option values, which only make this more careful): when every one is a
        // path in the same project, the guard can see what comes in, and it is the project's own.
        var repo = ctx.World.FindRepositoryRoot(dir.Path);
        var cwd = KnowledgeContext.Cwd(inv);
        var others = inv.Args.Where(a => !(a.Known && a.Text.StartsWith('-'))).ToList();
        var inside = repo is not null && others.All(a => a.Known && !a.Text.Contains(':') && PathResolver.Combine(cwd, a.Text) is { } p
            && PathResolver.IsUnder(p, repo));
        if (inside) return;
        effects.Add(new Effect(EffectKind.DiscardUncommittedChanges, dir.Path, dir.Class, true, false,
            $"{what} writes files the guard cannot see over {dir.Path}, replacing every file of the same name there; uncommitted changes to them are lost",
            inv));
    }

    /// <summary>Protected locations that can exist inside <paramref name="directory"/>: every harness's hook directory or
    /// file (<see cref="HookConfigPaths"/>) and the guard's project directory directly in it, the guard's and harnesses'
    /// files of home, machine-wide and where their variables point (<see cref="ProtectedPaths.KnownFiles"/>), shell
    /// start-up files and authorized_keys. Git's own .git is left out: every checkout has one, and git internals
    /// are not the guard's.</summary>
    private static IEnumerable<string> ProtectedInside(string directory, string home, IWorldView world)
    {
        var root = directory.Length == 0 ? "" : directory;
        yield return root + "/.interlock";
        foreach (var location in HookConfigPaths.All)
        {
            if (location.Anchor != HookConfigAnchor.Anywhere) continue;
            // The directory a harness keeps the location in (.claude for .claude/settings.json, .codex for .codex/**).
            var f = location.Fixed;
            var kept = location.Deep ? f : f[..^1];
            if (kept.Length > 0) yield return root + "/" + string.Join('/', kept);
            yield return root + "/" + string.Join('/', f);
        }
        var h = home.TrimEnd('/');
        IEnumerable<string> others =
        [
            .. ProtectedPaths.KnownFiles(home, [directory.Length == 0 ? "/" : directory], world),
            h + "/.config/interlock", h + "/.local/state/interlock", h + "/.local/share/interlock", "/etc/interlock",
            h + "/.bashrc", h + "/.bash_profile", h + "/.profile", h + "/.zshrc", h + "/.zprofile", h + "/.zshenv",
        ];
        foreach (var path in others)
            if (PathResolver.IsUnder(path, directory.Length == 0 ? "/" : directory) && path != directory)
                yield return path;
    }
}
