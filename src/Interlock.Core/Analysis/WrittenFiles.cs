using System.Collections.Immutable;
using Interlock.Core.Shell;

namespace Interlock.Core.Analysis;

/// <summary>A file an earlier part of the command writes: its text when known, who wrote it, or that it is deleted.</summary>
/// <param name="Text">What the file will contain; null when the writer's output cannot be known.</param>
/// <param name="Writer">The command that writes it, for messages (<c>printf ... &gt; x.sh</c>).</param>
/// <param name="Mentioned">Only named by a command that may write it: its contents are unknown, whether it exists is not
/// changed.</param>
public sealed record WrittenFile(string? Text, string Writer, bool Deleted = false, bool Mentioned = false);

/// <summary>
/// What earlier parts of one command will have written by the time a later part runs: redirections, <c>tee</c>,
/// <c>cp</c>/<c>mv</c>/<c>install</c> of files and directories, and files that another command names and may write
/// (<c>python3 -c "open('x.sh','w')..."</c>, <c>curl -o x.sh</c>, <c>sed -i ... x.sh</c>), whose contents are then
/// unknown. Immutable, so each invocation keeps the world as it will be when that invocation runs (its own writes come
/// after it). The latest write that covers a path decides what it holds.
/// </summary>
public sealed class WrittenFiles
{
    public static readonly WrittenFiles None = new(ImmutableDictionary<string, (int, WrittenFile)>.Empty.WithComparers(StringComparer.Ordinal), [], [], 0);

    /// <summary>Bounds: past this many entries a command's further writes make everything unknown; known texts longer
    /// than <see cref="MaxText"/> are kept as unknown.</summary>
    private const int MaxEntries = 256;
    public const int MaxText = 1 << 20;

    private readonly ImmutableDictionary<string, (int Seq, WrittenFile File)> _files;
    private readonly ImmutableList<(int Seq, string Directory, string Writer)> _trees;
    private readonly ImmutableList<(int Seq, string Writer, ImmutableArray<string> Words)> _mentions;
    private readonly int _seq;

    private WrittenFiles(ImmutableDictionary<string, (int, WrittenFile)> files, ImmutableList<(int, string, string)> trees,
        ImmutableList<(int, string, ImmutableArray<string>)> mentions, int seq)
    {
        _files = files;
        _trees = trees;
        _mentions = mentions;
        _seq = seq;
    }

    public bool IsEmpty => _seq == 0;

    private bool Full => _files.Count + _trees.Count + _mentions.Count >= MaxEntries;

    /// <summary>What an earlier part of the command leaves at <paramref name="absolutePath"/>, or null when it is untouched.</summary>
    public WrittenFile? Lookup(string absolutePath)
    {
        if (IsEmpty) return null;
        var path = PathResolver.Normalize(absolutePath);
        var best = -1;
        WrittenFile? result = null;
        if (_files.TryGetValue(path, out var f)) (best, result) = (f.Seq, f.File);
        foreach (var t in _trees)
            if (t.Seq > best && PathResolver.IsUnder(path, t.Directory)) (best, result) = (t.Seq, new WrittenFile(null, t.Writer));
        if (_mentions.Count > 0)
        {
            var name = path[(path.LastIndexOf('/') + 1)..];
            foreach (var m in _mentions)
                if (m.Seq > best && m.Words.Any(w => Names(w, name))) (best, result) = (m.Seq, new WrittenFile(null, m.Writer, Mentioned: true));
        }
        // A file under a directory deleted (or moved away) later than it was written is gone.
        foreach (var (key, (seq, file)) in _files)
            if (file.Deleted && seq > best && key != path && PathResolver.IsUnder(path, key)) (best, result) = (seq, file);
        return result;
    }

    /// <summary>Whether <paramref name="text"/> names a file called <paramref name="name"/>: the name stands on its own,
    /// not inside a longer name (<c>open('x.sh','w')</c> and <c>-o=dir/x.sh</c> name x.sh; <c>xx.sh</c> does not).</summary>
    private static bool Names(string text, string name)
    {
        if (name.Length < 2) return false;
        for (var at = text.IndexOf(name, StringComparison.Ordinal); at >= 0; at = text.IndexOf(name, at + 1, StringComparison.Ordinal))
        {
            var before = at == 0 ? ' ' : text[at - 1];
            var after = at + name.Length >= text.Length ? ' ' : text[at + name.Length];
            if (!NameChar(before) && !NameChar(after)) return true;
        }
        return false;
    }

    private static bool NameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' or '~';

    public WrittenFiles Write(string absolutePath, string? text, string writer)
    {
        if (Full) return new(_files, _trees.Add((_seq + 1, "/", writer)), _mentions, _seq + 1);
        if (text is { Length: > MaxText }) text = null;
        return new(_files.SetItem(PathResolver.Normalize(absolutePath), (_seq + 1, new WrittenFile(text, writer))), _trees, _mentions, _seq + 1);
    }

    public WrittenFiles Delete(string absolutePath, string writer)
    {
        if (Full) return this;
        return new(_files.SetItem(PathResolver.Normalize(absolutePath), (_seq + 1, new WrittenFile(null, writer, Deleted: true))), _trees, _mentions, _seq + 1);
    }

    /// <summary>Everything under <paramref name="absoluteDirectory"/> may have been replaced with unknown contents.</summary>
    public WrittenFiles WriteTree(string absoluteDirectory, string writer) =>
        new(_files, _trees.Add((_seq + 1, Full ? "/" : PathResolver.Normalize(absoluteDirectory), writer)), _mentions, _seq + 1);

    /// <summary>A command that may write the files its words name, in ways this overlay does not follow.</summary>
    public WrittenFiles Mention(string writer, IEnumerable<string> words)
    {
        if (Full) return WriteTree("/", writer);
        return new(_files, _trees, _mentions.Add((_seq + 1, writer, [.. words])), _seq + 1);
    }

    /// <summary>Every path this command writes or may change, for the session's provenance: files written, directories
    /// filled, and the words of other commands that name files (resolved in <paramref name="cwds"/>). Bounded.</summary>
    public IReadOnlyList<string> Paths(IReadOnlyList<string?> cwds)
    {
        if (IsEmpty) return [];
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, (_, file)) in _files) if (!file.Deleted) result.Add(path);
        foreach (var t in _trees) result.Add(t.Directory);
        foreach (var m in _mentions)
            foreach (var w in m.Words)
            {
                // Words that look like a file name: not an option, a URL, an assignment or code.
                if (w.Length is 0 or > 255 || w[0] == '-' || w.Contains("://") || w.AsSpan().IndexOfAny(" \t\n'\"$`;|&<>(){}=*?[]") >= 0) continue;
                foreach (var cwd in cwds)
                    if (PathResolver.Combine(cwd, w) is { } abs) result.Add(abs);
                if (result.Count >= 512) break;
            }
        return [.. result.Take(512)];
    }

    /// <summary>A directory copied or moved: what lands at <paramref name="destination"/> is unknown (its files are not
    /// followed one by one), and a move deletes the source.</summary>
    public WrittenFiles CopyTree(string absolutePath, string destination, string writer, bool move)
    {
        var result = WriteTree(destination, writer);
        return move ? result.Delete(absolutePath, writer) : result;
    }
}

/// <summary>The world as a later part of a command will find it: the files earlier parts wrote, over the real world.</summary>
public sealed class WrittenWorld(IWorldView inner, WrittenFiles written) : IWorldView
{
    public IWorldView Inner { get; } = inner;
    public WrittenFiles Written { get; } = written;

    /// <summary>The world view for an invocation: the plain world when nothing was written before it.</summary>
    public static IWorldView Over(IWorldView world, WrittenFiles written)
    {
        if (world is WrittenWorld w) world = w.Inner;
        return written.IsEmpty ? world : new WrittenWorld(world, written);
    }

    public string HomeDirectory => Inner.HomeDirectory;
    public string? GetEnvironmentVariable(string name) => Inner.GetEnvironmentVariable(name);
    public string? FindRepositoryRoot(string absoluteDirectory) => Inner.FindRepositoryRoot(absoluteDirectory);
    public string? CurrentBranch(string repositoryRoot) => Inner.CurrentBranch(repositoryRoot);

    public PathKind GetPathKind(string absolutePath)
    {
        var kind = Inner.GetPathKind(absolutePath);
        return Written.Lookup(absolutePath) switch
        {
            null => kind,
            { Deleted: true } => PathKind.Missing,
            { Mentioned: true } => kind,
            { Text: not null } => PathKind.File,
            _ => kind == PathKind.Missing ? PathKind.File : kind,
        };
    }

    public string? ReadTextFile(string absolutePath, int maxBytes) => Written.Lookup(absolutePath) switch
    {
        null => Inner.ReadTextFile(absolutePath, maxBytes),
        { Text: { } text } when System.Text.Encoding.UTF8.GetByteCount(text) <= maxBytes => text,
        _ => null,
    };

    public T? ReadParsedFile<T>(string absolutePath, int maxBytes, string parser, Func<string, T?> parse) where T : class =>
        Written.Lookup(absolutePath) is null ? Inner.ReadParsedFile(absolutePath, maxBytes, parser, parse)
        : ReadTextFile(absolutePath, maxBytes) is { } text ? parse(text) : null;

    public string? ReadSymbolicLink(string absolutePath) => Written.Lookup(absolutePath) is null ? Inner.ReadSymbolicLink(absolutePath) : null;

    public FileIdentity? GetFileIdentity(string absolutePath) => Written.Lookup(absolutePath) is null ? Inner.GetFileIdentity(absolutePath) : null;

    public string? WrittenInSession(string absolutePath) => Inner.WrittenInSession(absolutePath);
}

/// <summary>How the commands of a shell script change files, as far as a later part of the same command needs to know
/// what it will execute or read: which files get which text.</summary>
internal static class FileWrites
{
    /// <summary>Redirections of a command whose standard output is <paramref name="output"/> (null: unknown).</summary>
    public static WrittenFiles Redirections(WrittenFiles written, IReadOnlyList<ResolvedRedirect> redirects, ExecContext context, IWorldView world, string? output, string writer)
    {
        foreach (var r in redirects)
        {
            var append = r.Kind is RedirectKind.Append or RedirectKind.AppendBoth;
            if (r.Kind is not (RedirectKind.Output or RedirectKind.Clobber or RedirectKind.Append or RedirectKind.OutputBoth or RedirectKind.AppendBoth or RedirectKind.ReadWrite)) continue;
            if (r.Target.Text is "/dev/null" or "/dev/stdout" or "/dev/stderr" || r.Target.Text.StartsWith("/dev/fd/", StringComparison.Ordinal)) continue;
            // Standard error of a static command is empty; of anything else it is unknown.
            var text = r.Fd is null or 1 || r.Kind is RedirectKind.OutputBoth or RedirectKind.AppendBoth ? output : null;
            if (r.Kind == RedirectKind.ReadWrite) text = null;
            foreach (var path in Targets(r.Target, context))
            {
                if (path is null) continue; // a computed name: not tracked (rare; and marking every file unknown would stop every later script)
                var before = append ? WrittenWorld.Over(world, written).ReadTextFile(path, WrittenFiles.MaxText) ?? (WrittenWorld.Over(world, written).GetPathKind(path) == PathKind.Missing ? "" : null) : "";
                written = written.Write(path, text is null || before is null ? null : before + text, writer);
            }
        }
        return written;
    }

    /// <summary>The files a command itself writes: tee, cp, mv, install (other tools' writes are unknown to this overlay;
    /// a later part executing a file such a tool may have written is caught by the check on earlier commands).</summary>
    public static WrittenFiles Command(WrittenFiles written, string name, IReadOnlyList<Arg> args, string? stdin, ExecContext context, IWorldView world, string writer)
    {
        switch (name)
        {
            case "tee":
            {
                var append = args.Any(a => a.Known && (a.Text is "-a" or "--append" || (a.Text.StartsWith('-') && !a.Text.StartsWith("--") && a.Text.Contains('a'))));
                foreach (var a in args.Where(a => !a.Text.StartsWith('-') || a.Text == "-"))
                    foreach (var path in Targets(a, context))
                    {
                        if (path is null) continue;
                        var before = append ? WrittenWorld.Over(world, written).ReadTextFile(path, WrittenFiles.MaxText) : "";
                        written = written.Write(path, stdin is null || before is null ? null : before + stdin, writer);
                    }
                return written;
            }
            case "cp" or "mv" or "install":
                return Copy(written, name, args, context, world, writer);
            case "ln":
                return Link(written, args, context, world, writer);
            case "rm" or "unlink":
                foreach (var a in args.Where(a => !a.Text.StartsWith('-')))
                    foreach (var path in Targets(a, context))
                        if (path is not null && a is { Known: true, Glob: false }) written = written.Delete(path, writer);
                return written;
            default:
                return written;
        }
    }

    private static WrittenFiles Copy(WrittenFiles written, string name, IReadOnlyList<Arg> args, ExecContext context, IWorldView world, string writer)
    {
        string? targetDirectory = null;
        var noTargetDirectory = false;
        var links = false;
        var operands = new List<Arg>();
        var endOfOptions = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            if (!endOfOptions && t == "--") { endOfOptions = true; continue; }
            if (endOfOptions || t.Length < 2 || t[0] != '-') { operands.Add(a); continue; }
            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                if (t == "--target-directory" && i + 1 < args.Count) targetDirectory = args[++i].Known ? args[i].Text : null;
                else if (t.StartsWith("--target-directory=", StringComparison.Ordinal)) targetDirectory = t["--target-directory=".Length..];
                else if (t == "--no-target-directory") noTargetDirectory = true;
                else if (t is "--symbolic-link" or "--link") links = true;
                else if (t is "--suffix" or "--mode" or "--owner" or "--group" or "-S" && i + 1 < args.Count) i++;
                continue;
            }
            for (var k = 1; k < t.Length; k++)
            {
                var letter = t[k];
                if (letter == 'T') noTargetDirectory = true;
                else if (letter is 's' or 'l' && name == "cp") links = true; // links: LinkResolver follows them
                else if (letter is 't' or 'S' || (name == "install" && letter is 'm' or 'o' or 'g'))
                {
                    var value = k + 1 < t.Length ? t[(k + 1)..] : i + 1 < args.Count ? args[++i].Text : null;
                    if (letter == 't') targetDirectory = value;
                    break;
                }
            }
        }
        if (links || operands.Count == 0) return written;
        var view = WrittenWorld.Over(world, written);
        foreach (var cwd in context.Cwds)
        {
            if (cwd is null) continue;
            List<(Arg Source, string? Destination)> pairs = [];
            if (targetDirectory is not null)
                foreach (var o in operands) pairs.Add((o, PathResolver.Combine(cwd, targetDirectory) + "/" + BaseName(o.Text)));
            else if (operands.Count >= 2)
            {
                var last = operands[^1];
                if (!last.Known) continue;
                var lastPath = PathResolver.Combine(cwd, last.Text)!;
                var intoDirectory = !noTargetDirectory && (operands.Count > 2 || last.Text.EndsWith('/') || view.GetPathKind(lastPath) == PathKind.Directory);
                foreach (var o in operands.Take(operands.Count - 1))
                    pairs.Add((o, intoDirectory ? lastPath + "/" + BaseName(o.Text) : lastPath));
            }
            foreach (var (source, destination) in pairs)
            {
                if (destination is null) continue;
                if (!source.Known || source.Glob)
                {
                    // Which files are copied is not known: whatever lands in the destination is unknown.
                    var dir = source.Glob ? destination[..Math.Max(1, destination.LastIndexOf('/'))] : destination;
                    written = written.WriteTree(dir, writer);
                    continue;
                }
                var from = PathResolver.Combine(cwd, source.Text)!;
                if (view.GetPathKind(from) == PathKind.Directory || written.Lookup(from) is { Text: null, Deleted: false })
                    written = written.CopyTree(from, destination, writer, move: name == "mv");
                else
                {
                    var text = view.ReadTextFile(from, WrittenFiles.MaxText);
                    written = written.Write(destination, text, writer);
                    if (name == "mv") written = written.Delete(from, writer);
                }
            }
        }
        return written;
    }

    /// <summary><c>ln [-s] TARGET LINK</c> (or into a directory): reading the link later reads the target, as it is by
    /// then; a symbolic link's relative target is resolved from the link's directory. With other forms (several targets,
    /// -t, unknown words) what the names lead to is unknown.</summary>
    private static WrittenFiles Link(WrittenFiles written, IReadOnlyList<Arg> args, ExecContext context, IWorldView world, string writer)
    {
        var symbolic = false;
        var operands = new List<Arg>();
        foreach (var a in args)
        {
            if (a.Known && a.Text.StartsWith('-') && a.Text.Length > 1 && operands.Count == 0)
            {
                if (a.Text is "--symbolic" || !a.Text.StartsWith("--") && a.Text.Contains('s')) symbolic = true;
                if (a.Text is "-t" or "--target-directory" || a.Text.StartsWith("--target-directory")) return written.Mention(writer, args.Where(x => x.Known).Select(x => x.Text));
                continue;
            }
            operands.Add(a);
        }
        if (operands.Count != 2 || !operands[0].Known || !operands[1].Known || operands[0].Glob || operands[1].Glob)
            return operands.Count == 0 ? written : written.Mention(writer, args.Where(x => x.Known).Select(x => x.Text));
        var view = WrittenWorld.Over(world, written);
        foreach (var cwd in context.Cwds)
        {
            if (cwd is null || PathResolver.Combine(cwd, operands[1].Text) is not { } link) continue;
            if (view.GetPathKind(link) == PathKind.Directory) link = link.TrimEnd('/') + "/" + BaseName(operands[0].Text);
            var from = symbolic && !operands[0].Text.StartsWith('/') ? link[..Math.Max(1, link.LastIndexOf('/'))] : cwd;
            if (PathResolver.Combine(from, operands[0].Text) is not { } target) continue;
            if (view.GetPathKind(target) == PathKind.Directory) { written = written.WriteTree(link, writer); continue; }
            // A program that was already there (`ln -s /usr/bin/python3 py`) runs as itself: nothing new to read.
            var text = view.ReadTextFile(target, WrittenFiles.MaxText);
            if (text is not null || written.Lookup(target) is not null) written = written.Write(link, text, writer);
        }
        return written;
    }

    /// <summary>The directories an archive tool extracts into, which then hold files of unknown contents (tar -x, unzip,
    /// 7z x/e, bsdtar, cpio -i); empty when the command only lists, tests or prints to standard output.</summary>
    public static IReadOnlyList<string> Unpacked(string name, IReadOnlyList<Arg> args, ExecContext context)
    {
        Arg? into = null; // the destination option's value; unset: the working directory
        var extracts = false;
        switch (name)
        {
            case "tar" or "gtar" or "bsdtar":
                for (var i = 0; i < args.Count; i++)
                {
                    var t = args[i].Text;
                    if (t is "-x" or "--extract" or "--get" || i == 0 && !t.StartsWith('-') && t.Contains('x') || t.StartsWith('-') && !t.StartsWith("--") && t.Contains('x')) extracts = true;
                    if (t is "-O" or "--to-stdout" || i == 0 && !t.StartsWith('-') && t.Contains('O') || t.StartsWith('-') && !t.StartsWith("--") && t.Contains('O')) return [];
                    if (t is "-C" or "--directory" && i + 1 < args.Count) into = args[++i];
                    else if (t.StartsWith("--directory=", StringComparison.Ordinal)) into = args[i] with { Text = t["--directory=".Length..] };
                }
                break;
            case "unzip":
                extracts = !args.Any(a => a.Text is "-l" or "-t" or "-v" or "-p" or "-Z" or "-z");
                for (var i = 0; i < args.Count - 1; i++)
                    if (args[i].Text == "-d") into = args[i + 1];
                break;
            case "7z" or "7za" or "7zz" or "7zr":
                extracts = args.FirstOrDefault()?.Text is "x" or "e";
                into = args.FirstOrDefault(a => a.Text.StartsWith("-o", StringComparison.Ordinal)) is { } o ? o with { Text = o.Text[2..] } : null;
                break;
            case "cpio":
                extracts = args.Any(a => a.Text is "-i" or "--extract" || a.Text.StartsWith('-') && !a.Text.StartsWith("--") && a.Text.Contains('i'));
                break;
        }
        if (!extracts) return [];
        var result = new List<string>();
        foreach (var cwd in context.Cwds)
            result.Add(cwd is null || into is { Known: false } ? "/" : PathResolver.Combine(cwd, into?.Text ?? ".") ?? "/"); // unknown: anywhere
        return result;
    }

    /// <summary>The absolute paths a target word names in each possible working directory (null: cannot be known).</summary>
    private static IEnumerable<string?> Targets(Arg target, ExecContext context)
    {
        if (!target.Known || target.Glob) { yield return null; yield break; }
        foreach (var cwd in context.Cwds) yield return PathResolver.Combine(cwd, target.Text);
    }

    private static string BaseName(string path)
    {
        var trimmed = path.TrimEnd('/');
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }
}
