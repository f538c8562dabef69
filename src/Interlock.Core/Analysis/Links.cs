namespace Interlock.Core.Analysis;

/// <summary>A link a command creates before a later part of the same command uses it (<c>ln -s ~/.claude cc &amp;&amp;
/// rm -rf cc/</c>).</summary>
/// <param name="Link">The link's absolute path (lexical, as the command names it).</param>
/// <param name="Target">For a symbolic link: its target as stored (absolute, or relative to the link's directory).
/// For a hard link: the absolute path of the file it is another name of. Null when it is computed at run time.</param>
/// <param name="Symbolic">A symbolic link (else a hard link: the same file under another name).</param>
public sealed record CommandLink(string Link, string? Target, bool Symbolic);

/// <summary>
/// Resolves paths through symbolic links the way the kernel does (each directory on the way, and the last component
/// when the operation follows it), with links created earlier in the same command taking precedence over what the
/// world view reads. A <c>..</c> after a link goes to the parent of the link's target, not of the link: lexical
/// folding (<c>hk/../settings.json</c>) would miss where it lands. Pure: the world answers one readlink per component.
/// </summary>
public static class LinkResolver
{
    /// <summary>Links followed in one path before giving up (Linux's own limit is 40; the kernel then fails with ELOOP).</summary>
    public const int MaxLinks = 40;

    /// <summary>The path with every link on the way replaced by its target.</summary>
    /// <param name="path">Absolute; may hold <c>.</c>, <c>..</c> and a trailing slash (a trailing slash or <c>/.</c>
    /// follows a link at the end whatever <paramref name="followFinal"/> says, as the kernel does).</param>
    /// <param name="followFinal">The operation follows a link at the end (writing, reading, chmod); deleting or moving a
    /// link acts on the link itself.</param>
    /// <returns>The resolved absolute path, normalised; null when a link on the way has a target computed at run time
    /// (the guard cannot tell where the path lands) or there are more than <see cref="MaxLinks"/> links.</returns>
    public static string? Resolve(string path, IWorldView world, IReadOnlyList<CommandLink> created, bool followFinal)
    {
        var pending = new Stack<string>();
        PushComponents(pending, path);
        var done = new List<string>();
        var hops = 0;
        while (pending.Count > 0)
        {
            var c = pending.Pop();
            if (c.Length == 0 || c == ".") continue;
            if (c == "..")
            {
                if (done.Count > 0) done.RemoveAt(done.Count - 1);
                continue;
            }
            done.Add(c);
            if (pending.Count == 0 && !followFinal) break;
            var candidate = "/" + string.Join('/', done);
            var (found, target, symbolic) = Lookup(candidate, world, created);
            if (!found) continue;
            if (target is null || ++hops > MaxLinks) return null;
            done.RemoveAt(done.Count - 1);
            if (!symbolic || target.StartsWith('/')) done.Clear();
            PushComponents(pending, target);
        }
        return "/" + string.Join('/', done);
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        var parts = path.Split('/');
        for (var i = parts.Length - 1; i >= 0; i--) pending.Push(parts[i]);
    }

    private static (bool Found, string? Target, bool Symbolic) Lookup(string candidate, IWorldView world, IReadOnlyList<CommandLink> created)
    {
        // The latest link the command made at this path replaces whatever was there (`ln -sf`).
        for (var i = created.Count - 1; i >= 0; i--)
            if (created[i].Link == candidate) return (true, created[i].Target, created[i].Symbolic);
        if (KernelMade(candidate)) return (false, null, false);
        return world.ReadSymbolicLink(candidate) is { Length: > 0 } target ? (true, target, true) : (false, null, false);
    }

    /// <summary>Links the kernel and udev make, which are not followed: /proc's magic links (<c>/proc/self/fd/1</c> reads as
    /// <c>pipe:[123]</c>) and /dev's (<c>/dev/stdout</c> → <c>/proc/self/fd/1</c>); the devices are judged by their names.
    /// /dev/shm holds what users make there, like any temp directory.</summary>
    private static bool KernelMade(string candidate) =>
        candidate == "/proc" || candidate.StartsWith("/proc/", StringComparison.Ordinal)
        || (candidate == "/dev" || candidate.StartsWith("/dev/", StringComparison.Ordinal)) && !candidate.StartsWith("/dev/shm/", StringComparison.Ordinal);

    /// <summary>The links an <c>ln</c> (or <c>cp -s</c> / <c>cp -l</c>) invocation creates, one per operand and
    /// possible working directory: <c>ln [-s] TARGET [LINK]</c>, <c>ln [-s] TARGET... DIR</c>, <c>ln -t DIR TARGET...</c>,
    /// <c>ln -T TARGET LINK</c>. A last operand that exists as a directory (or ends with a slash) receives links named
    /// after the targets. <c>cp -rs DIR NEW</c> makes NEW a tree of links to DIR's files, recorded as one link of NEW to
    /// DIR (writing a new file in NEW then reads as writing DIR: stricter, never looser).</summary>
    public static IEnumerable<CommandLink> Created(string name, IReadOnlyList<Arg> args, ExecContext context, IWorldView world)
    {
        var symbolic = false;
        var hard = name == "ln";
        var relative = false;
        var noTargetDirectory = false;
        string? targetDirectory = null;
        var operands = new List<Arg>();
        var endOfOptions = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            if (!endOfOptions && t == "--") { endOfOptions = true; continue; }
            if (endOfOptions || t.Length < 2 || t[0] != '-' || !a.Known) { operands.Add(a); continue; }
            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                switch (t)
                {
                    case "--symbolic": symbolic = true; break;
                    case "--link": hard = true; break;
                    case "--relative": relative = true; break;
                    case "--no-target-directory": noTargetDirectory = true; break;
                    case "--target-directory" when i + 1 < args.Count:
                        targetDirectory = args[++i].Known ? args[i].Text : null;
                        break;
                    case "--suffix" when i + 1 < args.Count:
                        i++;
                        break;
                    default:
                        if (t.StartsWith("--target-directory=", StringComparison.Ordinal)) targetDirectory = t["--target-directory=".Length..];
                        break;
                }
                continue;
            }
            for (var k = 1; k < t.Length; k++)
            {
                var letter = t[k];
                if (letter == 's') symbolic = true;
                else if (letter == 'l' && name == "cp") hard = true;
                else if (letter == 'r' && name == "ln") relative = true;
                else if (letter == 'T') noTargetDirectory = true;
                else if (letter is 't' or 'S')
                {
                    var value = k + 1 < t.Length ? t[(k + 1)..] : i + 1 < args.Count ? args[++i].Text : null;
                    if (letter == 't') targetDirectory = value;
                    break;
                }
            }
        }
        if (!symbolic && !hard) yield break; // cp without -s or -l copies
        if (operands.Count == 0) yield break;

        foreach (var cwd in context.Cwds)
        {
            if (cwd is null) continue;
            List<(Arg Target, string Link)> made = [];
            if (targetDirectory is not null)
            {
                var dir = PathResolver.Combine(cwd, targetDirectory)!;
                foreach (var o in operands) made.Add((o, dir + "/" + BaseName(o.Text)));
            }
            else if (operands.Count == 1)
                made.Add((operands[0], PathResolver.Combine(cwd, BaseName(operands[0].Text))!));
            else
            {
                var last = operands[^1];
                if (!last.Known) continue;
                var lastPath = PathResolver.Combine(cwd, last.Text)!;
                var intoDirectory = !noTargetDirectory && (operands.Count > 2 || last.Text.EndsWith('/')
                    || LinkResolver.Resolve(lastPath, world, context.Links, followFinal: true) is { } real && world.GetPathKind(real) == PathKind.Directory);
                if (intoDirectory)
                    foreach (var o in operands.Take(operands.Count - 1)) made.Add((o, lastPath + "/" + BaseName(o.Text)));
                else
                    made.Add((operands[0], lastPath));
            }
            foreach (var (target, named) in made)
            {
                // Resolution walks real directories, so the link is keyed by its real place (its directory resolved).
                var slash = named.LastIndexOf('/');
                var parent = slash <= 0 ? "/" : named[..slash];
                var link = (LinkResolver.Resolve(parent, world, context.Links, followFinal: true) ?? parent).TrimEnd('/') + named[slash..];
                if (!target.Known || target.Glob) { yield return new CommandLink(link, null, true); continue; }
                // A hard link, `ln -r` and cp's links name their target from the working directory.
                if (!symbolic || relative || name == "cp")
                    yield return new CommandLink(link, PathResolver.Combine(cwd, target.Text), Symbolic: symbolic);
                else
                    yield return new CommandLink(link, target.Text, Symbolic: true);
            }
        }
    }

    private static string BaseName(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }
}
