using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// tar runs commands named in its options: <c>--checkpoint-action=exec=CMD</c>, <c>--to-command=CMD</c>,
/// <c>--use-compress-program=CMD</c> / <c>-I CMD</c>, <c>--info-script</c>/<c>--new-volume-script</c>/<c>-F</c> and
/// <c>--rsh-command</c>. Each command is analysed as shell code (tar runs it through /bin/sh); a command that reads its
/// instructions from tar's data (<c>--to-command=sh</c>) is indeterminate. Extracting writes the archive's members
/// into the directory of <c>-C</c> (or the working directory), replacing what is there: over the root or a system
/// directory that overwrites system files (<c>tar -xf a.tar -C /</c>), which is an overwrite of that directory; inside the
/// project or a temp directory it is everyday work and reports nothing. Creating and listing archives has no effect
/// here (reading secrets into an archive is <see cref="FileReads"/>).
/// </summary>
public sealed class Tar : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["tar", "gtar", "bsdtar"];

    private static readonly string[] CommandOptions =
        ["--checkpoint-action", "--to-command", "--use-compress-program", "--info-script", "--new-volume-script", "--rsh-command"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") break;
            string? option = null, value = null;
            foreach (var o in CommandOptions)
            {
                if (t == o) { option = o; value = i + 1 < args.Count ? args[++i].Text : null; break; }
                if (t.StartsWith(o + "=", StringComparison.Ordinal)) { option = o; value = t[(o.Length + 1)..]; break; }
            }
            if (option is null && t is "-I" or "-F" && i + 1 < args.Count) { option = t; value = args[++i].Text; }
            else if (option is null && t.Length > 2 && t[0] == '-' && t[1] != '-' && t.IndexOfAny(['I', 'F']) is var k and > 0)
            {
                // bundled short options: the value is the rest of the bundle or the next argument
                option = "-" + t[k];
                value = k + 1 < t.Length ? t[(k + 1)..] : i + 1 < args.Count ? args[++i].Text : null;
            }
            if (option is null || value is null) continue;
            if (option == "--checkpoint-action")
            {
                if (!value.StartsWith("exec=", StringComparison.Ordinal)) continue;
                value = value["exec=".Length..];
            }
            if (!args[i].Known)
            {
                EmbeddedCode.Indeterminate(inv, $"`tar {option}` runs a command computed at run time", effects);
                continue;
            }
            var first = value.Trim().Split(' ', '\t')[0];
            if (option == "--to-command" && value.Trim().Split(' ', '\t', StringSplitOptions.RemoveEmptyEntries).Length == 1
                && first.Split('/')[^1] is "sh" or "bash" or "dash" or "zsh" or "ksh" or "python" or "python3" or "perl" or "ruby" or "node")
            {
                EmbeddedCode.Indeterminate(inv, $"`tar --to-command={value}` runs the archive's contents as code", effects);
                continue;
            }
            EmbeddedCode.Shell(ctx, inv, value, $"tar {option}", effects);
        }
        Extraction(inv, ctx, effects);
    }

    /// <summary>Options that change the names members are written under, or read the member list from a file.</summary>
    private static readonly string[] RenamingOptions = ["--transform", "--xform", "--strip-components", "--files-from", "--null"];

    /// <summary>Long options whose value may be the next word (so it is not a member name).</summary>
    private static readonly HashSet<string> ValuedLongOptions =
        ["--exclude", "--exclude-from", "--owner", "--group", "--mode", "--mtime", "--newer", "--after-date", "--newer-mtime", "--blocking-factor",
         "--record-size", "--label", "--format", "--suffix", "--owner-map", "--group-map", "--tape-length", "--volno-file",
         "--index-file", "--listed-incremental", "--sort", "--quoting-style", "--starting-file", .. CommandOptions];

    /// <summary>Old-style bundles (<c>tar xzfC a.tgz /</c>) take the values of these letters from the next words, in order.</summary>
    private const string ValuedLetters = "fCbTXHVKNLgIF";

    private static void Extraction(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var extracts = false;
        var toStdout = false;
        string? archive = null;
        Arg directory = Arg.Literal(".");
        var members = new List<Arg>();
        var namesUnknown = false; // members renamed or listed elsewhere: --transform, --strip-components, -T
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") { members.AddRange(args.Skip(i + 1)); break; }
            if (t is "--extract" or "--get") { extracts = true; continue; }
            if (t is "--to-stdout" or "--to-command" || t.StartsWith("--to-command=", StringComparison.Ordinal)) { toStdout = true; continue; }
            if (t is "-C" or "--directory") { if (i + 1 < args.Count) directory = args[++i]; continue; }
            if (t.StartsWith("--directory=", StringComparison.Ordinal)) { directory = args[i] with { Text = t["--directory=".Length..] }; continue; }
            if (t is "-f" or "--file") { if (i + 1 < args.Count) archive = args[++i].Text; continue; }
            if (t.StartsWith("--file=", StringComparison.Ordinal)) { archive = t["--file=".Length..]; continue; }
            if (RenamingOptions.Any(o => t == o || t.StartsWith(o + "=", StringComparison.Ordinal)))
            {
                namesUnknown = true;
                if (!t.Contains('=') && i + 1 < args.Count) i++;
                continue;
            }
            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                if (!t.Contains('=') && ValuedLongOptions.Contains(t) && i + 1 < args.Count) i++;
                continue;
            }
            var oldStyle = i == 0 && !t.StartsWith('-');
            if (!oldStyle && (t.Length < 2 || t[0] != '-')) { members.Add(args[i]); continue; }
            // A bundle: -xzf a.tgz, -C/dir, or the old style xzf a.tgz (every valued letter takes the next word).
            for (var k = oldStyle ? 0 : 1; k < t.Length; k++)
            {
                var letter = t[k];
                if (letter == 'x') extracts = true;
                if (letter == 'O') toStdout = true;
                if (!ValuedLetters.Contains(letter)) continue;
                Arg? value;
                if (!oldStyle && k + 1 < t.Length) value = args[i] with { Text = t[(k + 1)..] };
                else value = i + 1 < args.Count ? args[++i] : null;
                if (letter == 'C' && value is not null) directory = value;
                if (letter == 'f' && value is not null) archive = value.Text;
                if (letter == 'T') namesUnknown = true;
                if (!oldStyle) break;
            }
        }
        if (!extracts || toStdout) return;
        foreach (var target in ctx.Paths.Resolve(directory, inv.Context))
        {
            var what = $"`{inv.Name}` extracting {(archive is null ? "an archive" : archive)}";
            if (target.Class != PathClass.Unknown && directory.Known)
            {
                // Where the members land: named members are checked one by one; without a list (or with names the guard
                // cannot predict) everything protected in the directory may be replaced.
                if (members.Count == 0 || namesUnknown || members.Any(m => !m.Known || m.Glob || inv.Args.Any(a => a.Text is "--wildcards")))
                    LandingWrites.Unknown(ctx, inv, target.Path, what, effects);
                else
                    LandingWrites.Members(ctx, inv, target.Path, members.Select(m => m.Text), what, effects);
            }
            // Inside the project, temp directories and build output extraction is everyday work (and the snapshot
            // machinery is not asked to copy a whole tree first).
            if (target.Class is PathClass.ProjectRoot or PathClass.ProjectSource or PathClass.Regenerable or PathClass.Temp or PathClass.TempRoot
                or PathClass.NullDevice or PathClass.Unknown)
                continue;
            effects.Add(new Effect(EffectKind.OverwriteFile, target.Path, target.Class, Recursive: true, Reversible: false,
                $"extracts {(archive is null ? "an archive" : archive)} into {target.Path}, replacing any file there with the archive's version", inv));
        }
    }
}
