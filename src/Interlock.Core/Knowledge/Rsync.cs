using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary><c>rsync</c> and <c>scp</c>. rsync's deletion options (<c>--delete</c> and friends) delete everything in
/// the destination that the source lacks: rsync with an empty or wrong source onto a home directory erases it.
/// Copies onto system paths overwrite system files; copies onto another host change that host (which matters in
/// production).</summary>
public sealed class Rsync : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["rsync", "scp"];

    /// <summary>rsync and scp take RSYNC_PASSWORD and the like from their environment and print none of them.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly Func<string, bool> RsyncValued = MachineEffects.TakesValue("efTBM",
        "--rsh", "--exclude", "--include", "--filter", "--files-from", "--exclude-from", "--include-from", "--log-file",
        "--log-file-format", "--partial-dir", "--backup-dir", "--suffix", "--chmod", "--chown", "--rsync-path", "--timeout",
        "--port", "--password-file", "--bwlimit", "--max-size", "--min-size", "--compare-dest", "--copy-dest", "--link-dest",
        "--temp-dir", "--block-size", "--max-delete", "--modify-window", "--out-format", "--info", "--debug", "--iconv",
        "--usermap", "--groupmap", "--compress-choice", "--zc", "--checksum-choice", "--cc", "--remote-option", "--sockopts",
        "--outbuf", "--contimeout", "--protocol", "--address", "--stop-after", "--stop-at", "--write-batch", "--read-batch",
        "--only-write-batch", "--compress-level", "--skip-compress", "--checksum-seed", "--early-input", "--mkpath-mode");

    private static readonly Func<string, bool> ScpValued = MachineEffects.TakesValue("cDFiJloPSX");

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (inv.Args.Any(a => a.Text is "--help" or "--version")) return;
        var scp = inv.Name == "scp";
        var (flags, operands) = Options.Split(inv.Args, scp ? ScpValued : RsyncValued);
        if (operands.Count < 2) return; // rsync with one operand lists it
        if (!scp && (Options.Has(flags, 'n', "--dry-run") || flags.Contains("--list-only") || flags.Any(f => f.StartsWith("--only-write-batch")))) return;

        var sources = operands.Take(operands.Count - 1).ToList();
        var dest = operands[^1];
        var recursive = scp ? Options.Has(flags, 'r') : Options.Has(flags, 'r', "--recursive") || Options.Has(flags, 'a', "--archive");
        var maxDelete = MachineEffects.Value(inv.Args, null, false, "--max-delete");
        var deletes = !scp && maxDelete != "0" &&
            flags.Any(f => f is "--del" or "--delete" or "--delete-before" or "--delete-during" or "--delete-after" or "--delete-delay" or "--delete-excluded" or "--delete-missing-args");
        var excluded = flags.Contains("--delete-excluded");
        var removeSources = !scp && flags.Any(f => f is "--remove-source-files" or "--remove-sent-files");
        var tool = scp ? "scp" : "rsync";
        var remoteDest = dest.Known || dest.Text.Contains(':') ? MachineEffects.RemoteSpec(dest.Text) : null;

        if (remoteDest is { } r)
        {
            var spec = $"{r.Host}:{r.Path}";
            if (deletes)
                effects.Add(MachineEffects.Make(EffectKind.DestroyData, spec,
                    $"`rsync --delete` deletes every file in {spec} that is not in {SourceWords(sources)}{(excluded ? ", including excluded ones" : "")}",
                    inv, ctx, ("host", r.Host)));
            else if (ctx.Paths.Classify(PathResolver.Normalize(r.Path.Length == 0 ? "/home/~remote" : r.Path.StartsWith('/') ? r.Path : "/home/~remote/" + r.Path), false,
                         new ExecContext(["/home/~remote"], "/home/~remote", r.Host, inv.Context.Via)) is { Class: PathClass.Root or PathClass.SystemCritical } sys)
                // Onto the remote machine's system directories: judged like a local write there.
                effects.Add(new Effect(EffectKind.OverwriteFile, spec, sys.Class, recursive, false,
                    $"`{tool}` copies {SourceWords(sources)} onto {spec}, replacing system files on {r.Host}", inv));
            else
                effects.Add(MachineEffects.Make(EffectKind.ChangeInfrastructure, spec,
                    $"`{tool}` copies {SourceWords(sources)} onto {spec}{(IsSystemPath(r.Path) ? ", replacing system files there" : ", replacing files of the same name")}",
                    inv, ctx, ("host", r.Host)));
        }
        else
        {
            foreach (var source in sources)
            {
                var target = TargetFor(source, dest, scp);
                Landing(inv, ctx, source, dest, target, tool, effects);
                if (deletes)
                {
                    foreach (var t in ctx.Paths.Resolve(target, inv.Context))
                    {
                        // Nothing to delete where the destination does not exist yet (rsync creates it).
                        if (t.Class != PathClass.Unknown && inv.Context.RemoteHost is null && ctx.World.GetPathKind(t.Path) == PathKind.Missing) continue;
                        effects.Add(new Effect(EffectKind.DeletePath, t.Path, t.Class, true, false,
                            $"`rsync --delete` deletes everything in {Where(t)} that is not in {SourceWords([source])}{(excluded ? ", including excluded files" : "")}",
                            inv, t.Exists ? "exists" : null));
                    }
                }
                else
                {
                    foreach (var t in ctx.Paths.Resolve(target, inv.Context))
                    {
                        // Under /var, /opt, /srv, /mnt (PathClass.System) copies are deployments and backups: only the system
                        // directories themselves and files in /etc, /usr... count.
                        var system = t.Class is PathClass.Root or PathClass.SystemCritical or PathClass.SystemTopLevel;
                        if (!system && !(t.IsFile && t.Class is PathClass.Home or PathClass.InHome or PathClass.Other)) continue;
                        // Copying into / writes over system directories: report it as the system files it replaces.
                        var cls = t.Class == PathClass.Root ? PathClass.SystemCritical : t.Class;
                        effects.Add(new Effect(EffectKind.OverwriteFile, t.Path, cls, recursive, false,
                            t.Class == PathClass.Root ? $"`{tool}` copies {SourceWords([source])} over the root of the file system, replacing system files"
                            : t.IsFile ? $"`{tool}` replaces the existing file {t.Path}"
                            : $"`{tool}` copies {SourceWords([source])} into {t.Path}, replacing files there",
                            inv, t.Exists ? "exists" : null));
                    }
                }
            }
        }

        if (removeSources)
            foreach (var source in sources)
            {
                if (MachineEffects.RemoteSpec(source.Text) is { } rs)
                    effects.Add(MachineEffects.Make(EffectKind.ChangeInfrastructure, $"{rs.Host}:{rs.Path}",
                        $"`rsync --remove-source-files` removes the transferred files from {rs.Host}:{rs.Path}", inv, ctx, ("host", rs.Host)));
                else
                    // The files move to the destination: like mv, losing them only matters for the places mv guards.
                    ctx.AddPathEffects(effects, EffectKind.MovePath, source, recursive, inv,
                        t => $"`rsync --remove-source-files` moves the files of {Where(t)} to {dest.Text}, deleting them here");
            }
    }

    /// <summary>Where a local copy lands (<see cref="LandingWrites"/>): onto a protected path it is an overwrite of it; into
    /// an existing directory the source's files arrive under names the guard cannot see, so everything protected in that
    /// directory may be replaced. A destination that is not an existing directory is written itself (one file).</summary>
    private static void Landing(Invocation inv, KnowledgeContext ctx, Arg source, Arg dest, Arg target, string tool, List<Effect> effects)
    {
        if (inv.Context.RemoteHost is not null) return;
        var what = $"`{tool}` copying {source.Text}";
        foreach (var d in ctx.Paths.Resolve(dest, inv.Context))
        {
            if (d.Class == PathClass.Unknown) continue;
            if (!d.Exists || d.IsFile)
            {
                if (d.Class == PathClass.Protected)
                    effects.Add(new Effect(EffectKind.OverwriteFile, d.Path, d.Class, true, false, $"{what} writes {d.Path}", inv, d.Exists ? "exists" : null));
                continue;
            }
            foreach (var t in ctx.Paths.Resolve(target, inv.Context))
            {
                if (t.Class == PathClass.Unknown) continue;
                if (t.Class == PathClass.Protected)
                    effects.Add(new Effect(EffectKind.OverwriteFile, t.Path, t.Class, true, false, $"{what} writes {t.Path}", inv, t.Exists ? "exists" : null));
                else if (t.Exists && !t.IsFile)
                    LandingWrites.Unknown(ctx, inv, t.Path, what, effects, hidden: !source.Glob);
            }
        }
    }

    private static readonly string[] SystemRoots = ["/etc", "/usr", "/bin", "/sbin", "/lib", "/lib64", "/boot", "/var", "/opt", "/srv", "/root"];

    private static bool IsSystemPath(string path) =>
        path == "/" || SystemRoots.Any(s => path == s || path.StartsWith(s + "/", StringComparison.Ordinal));

    /// <summary>rsync copies `src` (no trailing slash) into `dest/src`, and `src/` into `dest` itself; so --delete
    /// only reaches `dest/src` in the first case. scp always writes into dest.</summary>
    private static Arg TargetFor(Arg source, Arg dest, bool scp)
    {
        if (scp || !source.Known || !dest.Known || source.Glob) return dest;
        var s = source.Text;
        if (MachineEffects.RemoteSpec(s) is { } remote) s = remote.Path;
        if (s.EndsWith('/') || s is "." or ".." || s.EndsWith("/.") || s == "~") return dest;
        var name = s[(s.LastIndexOf('/') + 1)..];
        return dest with { Text = dest.Text.TrimEnd('/') + "/" + name };
    }

    private static string Where(PathTarget t) => t.Class switch
    {
        PathClass.Root => "the whole file system (/)",
        PathClass.Home => $"the home directory {t.Path}",
        PathClass.ProjectRoot => $"the whole project at {t.Path}",
        PathClass.Unknown => $"`{t.Path}`, whose value cannot be known in advance",
        _ => t.Path,
    };

    private static string SourceWords(List<Arg> sources) =>
        sources.Count == 1 ? $"`{sources[0].Text}`" : MachineEffects.List(sources.Select(s => s.Text));
}
