using Interlock.Core.Analysis;


namespace Interlock.Core.Knowledge;

/// <summary>Commands that overwrite, empty or move files: truncate, dd, cp, mv, tee, install, ln.</summary>
public sealed class FileWriters : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["truncate", "dd", "cp", "mv", "tee", "install", "ln"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        switch (inv.Name)
        {
            case "truncate": Truncate(inv, ctx, effects); break;
            case "dd": Dd(inv, ctx, effects); break;
            case "tee":
            {
                var (flags, files) = Options.Split(inv.Args);
                var append = Options.Has(flags, 'a', "--append");
                foreach (var f in files)
                {
                    ctx.AddPathEffects(effects, append ? EffectKind.AppendFile : EffectKind.OverwriteFile, f, false, inv,
                        t => append ? $"appends to {t.Path}" : t.Exists ? $"overwrites the existing file {t.Path}" : $"writes the file {t.Path}");
                    if (append)
                        foreach (var t in ctx.Paths.Resolve(f, inv.Context))
                            Persistence.CheckStartupAppend(inv, ctx, t, inv.Stdin, effects);
                }
                break;
            }
            case "cp" or "install" or "ln" or "mv": CopyOrMove(inv, ctx, effects); break;
        }
    }

    private static void Truncate(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, files) = Options.Split(inv.Args, f => f is "-s" or "-r" or "--reference");
        var sizeIndex = flags.FindIndex(f => f is "-s");
        var size = sizeIndex >= 0 && sizeIndex + 1 < flags.Count ? flags[sizeIndex + 1]
            : flags.FirstOrDefault(f => f.StartsWith("--size="))?["--size=".Length..]
            ?? flags.FirstOrDefault(f => f.StartsWith("-s") && f.Length > 2)?[2..];
        if (size is null) return;
        var empties = size.TrimStart('=') is "0" or "0K" or "0M" or "0k";
        var shrinks = size.StartsWith('-') || size.StartsWith('<') || size.StartsWith('/') || size.StartsWith('%');
        if (!empties && !shrinks) return;
        foreach (var f in files)
            ctx.AddPathEffects(effects, empties ? EffectKind.EmptyFile : EffectKind.DestroyContents, f, false, inv,
                t => empties ? $"empties {t.Path} (truncates it to zero bytes)" : $"cuts data off the end of {t.Path}");
    }

    private static void Dd(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var of = inv.Args.FirstOrDefault(a => a.Text.StartsWith("of="));
        if (of is null) return;
        var target = new Arg(of.Text[3..], of.Known, of.Glob);
        var notrunc = inv.Args.Any(a => a.Text.StartsWith("conv=") && a.Text.Contains("notrunc"));
        foreach (var t in ctx.Paths.Resolve(target, inv.Context))
        {
            if (t.Class == PathClass.NullDevice) continue;
            if (t.Class == PathClass.Disk)
                effects.Add(new Effect(EffectKind.WipeDevice, t.Path, t.Class, true, false, $"`dd` writes raw data onto the disk {t.Path}, destroying its partitions and file systems", inv));
            else if (t.Exists || t.Class is not (PathClass.ProjectSource or PathClass.Regenerable or PathClass.Temp))
                effects.Add(new Effect(EffectKind.DestroyContents, t.Path, t.Class, false, false,
                    $"`dd` overwrites {(notrunc ? "part of " : "")}{t.Path} with raw data", inv, t.Exists ? "exists" : null));
        }
    }

    /// <summary>Where a move of <paramref name="source"/> to <paramref name="dest"/> lands when that is outside the
    /// source's repository (a temp directory, home, another disk); null when it stays inside or cannot be told.</summary>
    private static string? OutsideProjectOf(string source, Arg dest, Invocation inv, KnowledgeContext ctx)
    {
        var repo = ctx.World.FindRepositoryRoot(source);
        if (repo is null) return null;
        foreach (var d in ctx.Paths.Resolve(dest, inv.Context))
            if (d.Class is not (PathClass.Unknown or PathClass.NullDevice or PathClass.Disk) && d.Path.StartsWith('/') && !PathResolver.IsUnder(d.Path, repo))
                return d.Path;
        return null;
    }

    /// <summary>The device a copy, move or link takes its content from (/dev/null, /dev/zero...), or null.</summary>
    private static string? DeviceSource(Arg source, Invocation inv, KnowledgeContext ctx) =>
        source.Known && !source.Glob && ctx.Paths.Resolve(source, inv.Context, followFinal: false) is [{ Class: PathClass.NullDevice } t] ? t.Path : null;

    /// <summary>What putting a device's content in place of an existing file does to it: the file's contents are gone
    /// whether it is copied from /dev/null (empty), moved (the file becomes the device node), linked (reads give the
    /// device) or copied from an endless device (/dev/zero, /dev/urandom: it fills until the disk is full).</summary>
    private static (EffectKind Kind, string What) FromDevice(string command, string device, string file) => command switch
    {
        "mv" => (EffectKind.EmptyFile, $"replaces {file} with the device {device}; its contents are lost"),
        "ln" => (EffectKind.EmptyFile, $"replaces {file} with a link to the device {device}; its contents are lost"),
        _ when device == "/dev/null" => (EffectKind.EmptyFile, $"empties {file} by copying /dev/null over it"),
        _ when device is "/dev/zero" or "/dev/urandom" or "/dev/random" or "/dev/full" =>
            (EffectKind.DestroyContents, $"overwrites {file} with endless bytes from {device} (until the disk is full); its contents are lost"),
        _ => (EffectKind.OverwriteFile, $"replaces the existing file {file} with what {device} gives"),
    };

    private static void CopyOrMove(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, f => f is "-t" or "--target-directory" or "-S" or "--suffix" or "-m" or "--mode" or "-o" or "--owner" or "-g" or "--group" or "-e" or "--rsh");
        var targetDirIndex = flags.FindIndex(f => f is "-t" or "--target-directory");
        string? targetDir = targetDirIndex >= 0 && targetDirIndex + 1 < flags.Count ? flags[targetDirIndex + 1]
            : flags.FirstOrDefault(f => f.StartsWith("--target-directory="))?.Split('=', 2)[1];
        if (targetDir is null && operands.Count < 2) return;
        var sources = targetDir is null ? operands.Take(operands.Count - 1).ToList() : operands;
        var dest = targetDir is null ? operands[^1] : Arg.Literal(targetDir);
        var isMove = inv.Name == "mv";
        var noTargetDirectory = Options.Has(flags, 'T', "--no-target-directory");

        if (isMove)
            foreach (var s in sources)
                foreach (var t in ctx.Paths.Resolve(s, inv.Context, followFinal: false))
                    if (ctx.Options.ReportOrdinaryChanges || t.Class is PathClass.Root or PathClass.SystemCritical or PathClass.SystemTopLevel or PathClass.Home or PathClass.ProjectRoot or PathClass.Unknown or PathClass.Protected)
                        effects.Add(new Effect(EffectKind.MovePath, t.Path, t.Class, true, true,
                            $"moves {(t.Class == PathClass.Home ? "the home directory " : "")}{t.Path} away", inv));
                    else if (t.Class == PathClass.ProjectSource && t.Exists && !t.IsFile && OutsideProjectOf(t.Path, dest, inv, ctx) is { } outside)
                        effects.Add(new Effect(EffectKind.MovePath, t.Path, t.Class, true, true,
                            $"moves the source directory {t.Path} out of the project to {outside}, where git no longer tracks it and its uncommitted work", inv, "out-of-project"));

        foreach (var d in ctx.Paths.Resolve(dest, inv.Context))
        {
            // Onto a character device (/dev/null, /dev/zero, /dev/tty...): a copy only writes into it (harmless, as a
            // redirection is); a move takes the source away (a non-root move fails, root's replaces the device node with
            // it): either way the source is gone, so it is decided as deleting the source, as `rm` would be.
            if (d.Class == PathClass.NullDevice && isMove)
            {
                foreach (var s in sources)
                    ctx.AddPathEffects(effects, EffectKind.DeletePath, s, true, inv, t => $"moves {t.Path} onto the device {d.Path}, which deletes it");
                continue;
            }
            if (d.Class == PathClass.Disk)
            {
                effects.Add(new Effect(EffectKind.WipeDevice, d.Path, d.Class, true, false, $"copies raw data onto the disk {d.Path}", inv));
                continue;
            }
            if (d.Class == PathClass.NullDevice) continue;
            // Into an existing directory: the entries it creates may be protected (`cp settings.json .claude/`).
            if (d.Exists && !d.IsFile)
                foreach (var s in sources)
                {
                    // The contents of a directory (`cp -r x/. dir`, `cp -rT x dir`, `mv x/* dir`) land in it under names
                    // the guard cannot see: a write of everything protected there.
                    if (inv.Name != "ln" && s.Known && (s.Text == "." || s.Text.EndsWith("/.", StringComparison.Ordinal) || s.Text.EndsWith("/./", StringComparison.Ordinal)
                        || noTargetDirectory && sources.Count == 1 || s.Glob))
                    {
                        var last = s.Text.TrimEnd('/');
                        LandingWrites.Unknown(ctx, inv, d.Path, $"`{inv.Name}` {(isMove ? "moving" : "copying")} the contents of {s.Text}", effects,
                            hidden: !s.Glob || last[(last.LastIndexOf('/') + 1)..].StartsWith('.'));
                        continue;
                    }
                    var name = s.Known ? s.Text.TrimEnd('/') : "";
                    name = name[(name.LastIndexOf('/') + 1)..];
                    if (name.Length == 0 || name is "." or "..") continue;
                    var entry = ctx.Paths.Classify(d.Path.TrimEnd('/') + "/" + name, s.Glob, inv.Context);
                    if (entry.Class == PathClass.Protected)
                        effects.Add(new Effect(EffectKind.OverwriteFile, entry.Path, entry.Class, false, false,
                            $"{(isMove ? "moves" : "copies")} {s.Text} to {entry.Path}", inv, entry.Exists ? "exists" : null));
                }
            // Writing into an existing directory creates entries; onto an existing file (or a system path) replaces it.
            if (d.IsFile || (!d.Exists && sources.Count == 1) || d.Class is PathClass.SystemCritical)
            {
                var (kind, what) = d.Exists && sources.Count == 1 && DeviceSource(sources[0], inv, ctx) is { } device
                    ? FromDevice(inv.Name ?? "", device, d.Path)
                    : (EffectKind.OverwriteFile, d.Exists ? $"replaces the existing file {d.Path}" : $"writes {d.Path}");
                effects.Add(new Effect(kind, d.Path, d.Class, false, false, what, inv, d.Exists ? "exists" : null));
            }
        }
    }
}
