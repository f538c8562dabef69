using Interlock.Core.Analysis;
using Interlock.Core.Shell;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Shell commands that read files named on their command line, and what that means for secrets: reading a credential
/// file (<see cref="SecretFiles"/>) with <c>cat</c>, <c>head</c>, <c>base64</c>, <c>grep</c>..., copying it away
/// (<c>cp</c>, <c>scp</c>, <c>rsync</c>, <c>tar c</c>, <c>zip</c>) or sending it (<c>curl -d @.env</c>, <c>-T</c>,
/// <c>-F f=@key</c>, <c>wget --post-file</c>) is the ReadSecret effect the Read file tool already has. One table says,
/// per command, which operands are read: all of them (cat), all but a leading pattern or program unless an option
/// gives it (grep, awk, sed, jq), all but the destination (cp, scp, rsync), or those after the archive (zip); plus the
/// options whose value is a file that is read (curl, wget, dd, openssl, tar). Standard input redirected from a file
/// (<c>nc host 80 &lt; ~/.ssh/id_rsa</c>) is a read by any command except the shell's own <c>read</c>.
/// A directory read recursively (<c>grep -r</c>, <c>cp -r</c>, <c>tar c</c>, <c>rg</c>) is a secret read when it is
/// or lies in a credential directory, or contains the home directory (<see cref="SecretFiles.DescribeTree"/>).
/// Loading a .env file into the shell (<c>source .env</c>) is not a read into the conversation and is not reported.
/// </summary>
public static class FileReads
{
    /// <summary>Which operands of a command are files it reads.</summary>
    private enum Operands
    {
        /// <summary>Every operand (cat, head, base64...).</summary>
        All,
        /// <summary>The first operand is a pattern or program unless one of the pattern options gives it (grep, awk, sed, jq).</summary>
        AfterPattern,
        /// <summary>The last operand is the destination unless a target-directory option names it (cp, scp, rsync).</summary>
        AllButDestination,
        /// <summary>The first operand is the archive written (zip, 7z a).</summary>
        AfterArchive,
    }

    /// <param name="Verb">What the command does with the file, for the message.</param>
    /// <param name="ValuedShort">Short options that take a value (attached or as the next word).</param>
    /// <param name="ValuedLong">Long options that take the next word as their value (without <c>=</c>).</param>
    /// <param name="PatternOptions">Options that supply the pattern or program, so every operand is a file.</param>
    /// <param name="RecursiveShort">Short options that make the command read directories recursively.</param>
    /// <param name="RecursiveLong">Long options that do.</param>
    /// <param name="AlwaysRecursive">Directory operands are read recursively without an option (rg, tar, zip -r is not).</param>
    private sealed record Reader(
        string Verb, Operands Operands, string ValuedShort = "", string[]? ValuedLong = null, string[]? PatternOptions = null,
        string RecursiveShort = "", string[]? RecursiveLong = null, bool AlwaysRecursive = false);

    private static readonly Reader Plain = new("reads", Operands.All);
    private static readonly Reader HeadTail = new("reads", Operands.All, "nc", ["--lines", "--bytes", "--sleep-interval", "--pid"]);

    private static readonly Dictionary<string, Reader> Readers = new(StringComparer.Ordinal)
    {
        ["cat"] = Plain, ["tac"] = Plain, ["nl"] = new("reads", Operands.All, "bdfhilnpsvw"), ["less"] = new("reads", Operands.All, "bhjkoOpPtTxyz#"),
        ["more"] = new("reads", Operands.All, "n"), ["most"] = Plain, ["bat"] = new("reads", Operands.All, "lrHm"), ["batcat"] = new("reads", Operands.All, "lrHm"),
        ["head"] = HeadTail, ["tail"] = HeadTail, ["base64"] = new("encodes", Operands.All, "w"), ["base32"] = new("encodes", Operands.All, "w"),
        ["basenc"] = new("encodes", Operands.All, "w"), ["xxd"] = new("dumps", Operands.All, "cgloOsn"), ["hexdump"] = new("dumps", Operands.All, "enNs"),
        ["hd"] = new("dumps", Operands.All, "enNs"), ["od"] = new("dumps", Operands.All, "AjNtSw"), ["strings"] = new("reads", Operands.All, "nteTo"),
        ["sort"] = new("reads", Operands.All, "kotST", ["--output", "--key", "--field-separator", "--buffer-size", "--temporary-directory"]),
        ["uniq"] = new("reads", Operands.All, "fsw"), ["cut"] = new("reads", Operands.All, "bcdf"), ["paste"] = new("reads", Operands.All, "d"),
        ["fold"] = new("reads", Operands.All, "w"), ["fmt"] = new("reads", Operands.All, "wgp"), ["rev"] = Plain, ["column"] = new("reads", Operands.All, "csotNRHEW"),
        ["diff"] = new("compares", Operands.All, "CUFIxXL", RecursiveShort: "r", RecursiveLong: ["--recursive"]), ["sdiff"] = new("compares", Operands.All, "wIo"),
        ["comm"] = Plain, ["join"] = new("reads", Operands.All, "aejot12"), ["tr"] = new("reads", Operands.All),
        ["iconv"] = new("reads", Operands.All, "ft"), ["expand"] = new("reads", Operands.All, "t"), ["unexpand"] = new("reads", Operands.All, "t"),
        ["grep"] = Grep(), ["egrep"] = Grep(), ["fgrep"] = Grep(), ["zgrep"] = Grep(),
        ["rg"] = new("searches", Operands.AfterPattern, "eAfBCgmtTjM", ["--regexp", "--file", "--glob", "--type", "--max-count", "--context", "--after-context", "--before-context"], ["-e", "--regexp", "-f", "--file", "--files"], AlwaysRecursive: true),
        ["ag"] = new("searches", Operands.AfterPattern, "ABCGgm", ["--ignore", "--file-search-regex"], ["-g"], AlwaysRecursive: true),
        ["awk"] = Awk(), ["gawk"] = Awk(), ["mawk"] = Awk(), ["nawk"] = Awk(),
        ["sed"] = new("reads", Operands.AfterPattern, "efl", ["--expression", "--file", "--line-length"], ["-e", "--expression", "-f", "--file"]),
        ["jq"] = new("reads", Operands.AfterPattern, "fL", ["--arg", "--argjson", "--slurpfile", "--rawfile", "--indent", "--from-file"], ["-f", "--from-file", "-n", "--null-input"]),
        ["cp"] = new("copies", Operands.AllButDestination, "tSZ", ["--target-directory", "--suffix", "--backup", "--reflink"], ["-t", "--target-directory"], "rRa", ["--recursive", "--archive"]),
        ["scp"] = new("copies", Operands.AllButDestination, "cFiJlmoPSDX", RecursiveShort: "r"),
        ["rsync"] = new("copies", Operands.AllButDestination, "eBfT", ["--rsh", "--filter", "--exclude", "--include", "--exclude-from", "--include-from", "--files-from", "--temp-dir", "--partial-dir", "--backup-dir", "--suffix", "--chmod", "--rsync-path", "--password-file", "--log-file"], RecursiveShort: "ra", RecursiveLong: ["--recursive", "--archive"]),
        ["zip"] = new("archives", Operands.AfterArchive, "bntxiP", ["--password", "--exclude", "--include"], RecursiveShort: "r", RecursiveLong: ["--recurse-paths"]),
        ["gzip"] = new("compresses", Operands.All, "S"), ["bzip2"] = Plain with { Verb = "compresses" }, ["xz"] = Plain with { Verb = "compresses" },
        ["zstd"] = new("compresses", Operands.All, "oD"),
    };

    private static Reader Grep() => new("searches", Operands.AfterPattern, "efmABCdD",
        ["--regexp", "--file", "--max-count", "--after-context", "--before-context", "--context", "--directories", "--devices", "--label", "--binary-files", "--color", "--colour"],
        ["-e", "--regexp", "-f", "--file"], "rR", ["--recursive", "--dereference-recursive"]);

    private static Reader Awk() => new("reads", Operands.AfterPattern, "fvF", ["--file", "--assign", "--field-separator"], ["-f", "--file"]);

    /// <summary>Options of curl and wget whose value names a file that is sent: <c>@file</c> for data options
    /// (<c>-d @.env</c>, <c>--data-urlencode name@file</c>), <c>name=@file</c> / <c>name=&lt;file</c> for forms, the
    /// file itself for uploads.</summary>
    private static readonly string[] CurlData = ["-d", "--data", "--data-binary", "--data-ascii", "--data-urlencode", "--json"];
    private static readonly string[] CurlForm = ["-F", "--form", "--form-string"];
    private static readonly string[] CurlUpload = ["-T", "--upload-file"];

    public static void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        foreach (var r in inv.Redirects)
            if (r.Kind is RedirectKind.Input or RedirectKind.ReadWrite && inv.Name is not ("read" or "mapfile" or "readarray"))
                Report(inv, ctx, effects, r.Target, recursive: false, "reads (as standard input)");
        if (inv.Name is not { Length: > 0 } name) return;
        if (Readers.TryGetValue(name, out var reader))
        {
            var operands = ReadOperands(inv, reader);
            foreach (var (arg, recursive) in operands)
                if (!(name == "cp" && IsBackupBeside(inv, ctx, arg, operands.Count)))
                    Report(inv, ctx, effects, arg, recursive, reader.Verb);
            return;
        }
        switch (name)
        {
            case "curl":
                Curl(inv, ctx, effects);
                break;
            case "wget":
                foreach (var (option, value) in OptionValues(inv.Args, ["--post-file", "--body-file"]))
                    Report(inv, ctx, effects, value, false, $"sends (`{option}`)");
                break;
            case "dd":
                foreach (var a in inv.Args.Where(a => a.Text.StartsWith("if=", StringComparison.Ordinal)))
                    Report(inv, ctx, effects, a with { Text = a.Text[3..] }, false, "reads");
                break;
            case "openssl":
                foreach (var (_, value) in OptionValues(inv.Args, ["-in", "-inkey", "-key"]))
                    Report(inv, ctx, effects, value, false, "reads");
                break;
            case "tar" or "gtar" or "bsdtar":
                Tar(inv, ctx, effects);
                break;
            case "perl" or "ruby":
                foreach (var file in LineLoopFiles(inv.Args)) Report(inv, ctx, effects, file, false, $"reads (`{name} -n`/`-p` loops over its lines)");
                break;
        }
    }

    /// <summary><c>perl -ne 'print' .env</c>, <c>perl -pe '' f</c>, <c>ruby -ne ...</c>: with -n or -p (perlrun, ruby(1))
    /// the program runs once per line of each file operand after the program, which -p prints. Without either switch
    /// the operands are the program's own arguments (what it does with them is its code's analysis).</summary>
    private static List<Arg> LineLoopFiles(IReadOnlyList<Arg> args)
    {
        var loops = false;
        var program = false; // -e gave the program, so the first operand is not a script
        var i = 0;
        for (; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (!args[i].Known || t.Length < 2 || t[0] != '-') break;
            if (t == "--") { i++; break; }
            if (t.StartsWith("--", StringComparison.Ordinal)) continue;
            for (var k = 1; k < t.Length; k++)
            {
                var c = t[k];
                if (c is 'n' or 'p') loops = true;
                // -e/-E take the program (the next word unless attached); -I -M -m -r -x -i -F -d -D -K take the rest
                // of the bundle as their value; the other letters are flags.
                if (c is 'e' or 'E')
                {
                    program = true;
                    if (k == t.Length - 1) i++;
                    break;
                }
                if (c is 'l' or '0' or 'C' or 'W')
                {
                    // -l[octal], -0[octal or xHEX], -C[number], -W[level]: the value is only digits.
                    var hex = false;
                    while (k + 1 < t.Length && (char.IsAsciiDigit(t[k + 1]) || hex && char.IsAsciiHexDigit(t[k + 1]) || c == '0' && t[k + 1] == 'x' && !hex))
                        hex |= t[++k] == 'x';
                    continue;
                }
                if (c is 'I' or 'M' or 'm' or 'r' or 'x' or 'i' or 'F' or 'd' or 'D' or 'K') break;
            }
        }
        if (!loops) return [];
        return args.Skip(program ? i : i + 1).ToList();
    }

    /// <summary>The operands the reader reads, each with whether a directory there is read recursively.</summary>
    private static List<(Arg Arg, bool Recursive)> ReadOperands(Invocation inv, Reader reader)
    {
        var operands = new List<Arg>();
        var patternGiven = false;
        var recursive = reader.AlwaysRecursive;
        var args = inv.Args;
        var endOfOptions = false;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (endOfOptions || !args[i].Known || t.Length < 2 || t[0] != '-') { operands.Add(args[i]); continue; }
            if (t == "--") { endOfOptions = true; continue; }
            if (t.StartsWith("--", StringComparison.Ordinal))
            {
                var eq = t.IndexOf('=');
                var option = eq > 0 ? t[..eq] : t;
                if (reader.PatternOptions?.Contains(option) == true) patternGiven = true;
                if (reader.RecursiveLong?.Contains(option) == true) recursive = true;
                if (eq < 0 && reader.ValuedLong?.Contains(option) == true) i++;
                continue;
            }
            // A bundle of short options; a valued one takes the rest of the bundle or the next word.
            for (var k = 1; k < t.Length; k++)
            {
                var letter = t[k];
                if (reader.PatternOptions?.Contains("-" + letter) == true) patternGiven = true;
                if (reader.RecursiveShort.Contains(letter)) recursive = true;
                if (reader.ValuedShort.Contains(letter))
                {
                    if (k == t.Length - 1) i++;
                    break;
                }
            }
        }
        IEnumerable<Arg> read = reader.Operands switch
        {
            Operands.AfterPattern when !patternGiven => operands.Skip(1),
            Operands.AllButDestination when !patternGiven => operands.Take(operands.Count - 1),
            Operands.AfterArchive => operands.Skip(1),
            _ => operands,
        };
        // scp and rsync name remote files as host:path; only local sources are read here.
        if (reader.Operands == Operands.AllButDestination && inv.Name is "scp" or "rsync")
            read = read.Where(a => !IsRemote(a.Text));
        return read.Select(a => (a, recursive)).ToList();
    }

    /// <summary><c>cp .env .env.backup</c>: a single file copied to a file beside it whose name is still a secret's
    /// (the copy stays where the guard keeps guarding it) is a backup, not a read.</summary>
    private static bool IsBackupBeside(Invocation inv, KnowledgeContext ctx, Arg source, int sources)
    {
        var last = inv.Args.Count > 0 ? inv.Args[^1] : null;
        if (sources != 1 || last is null || !last.Known || last.Glob || !source.Known || source.Glob || ReferenceEquals(last, source)) return false;
        foreach (var cwd in inv.Context.Cwds)
        {
            var from = PathResolver.Combine(cwd, source.Text);
            var to = PathResolver.Combine(cwd, last.Text);
            if (from is null || to is null) return false;
            if (ctx.World.GetPathKind(to) == PathKind.Directory) return false;
            var directory = from[..from.LastIndexOf('/')];
            if (to[..to.LastIndexOf('/')] != directory || SecretFiles.Describe(to, inv.Context.Home, ctx.World, ctx.Options.FileEditMaxBytes) is null) return false;
        }
        return true;
    }

    private static bool IsRemote(string operand)
    {
        var colon = operand.IndexOf(':');
        var slash = operand.IndexOf('/');
        return colon > 0 && (slash < 0 || colon < slash);
    }

    private static void Curl(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        foreach (var (option, value) in OptionValues(inv.Args, [.. CurlData, .. CurlForm, .. CurlUpload]))
        {
            var text = value.Text;
            string? file = null;
            if (CurlUpload.Contains(option)) file = text == "-" || text == "." ? null : text;
            else if (CurlData.Contains(option))
            {
                // -d @file; --data-urlencode name@file (an @ before any =)
                var at = text.IndexOf('@');
                var eq = text.IndexOf('=');
                if (at == 0 || (option == "--data-urlencode" && at > 0 && (eq < 0 || at < eq))) file = text[(at + 1)..];
            }
            else if (option != "--form-string")
            {
                // -F name=@file;type=... or name=<file
                var eq = text.IndexOf('=');
                if (eq > 0 && eq + 1 < text.Length && text[eq + 1] is '@' or '<') file = text[(eq + 2)..].Split(';')[0];
            }
            if (file is { Length: > 0 } and not "-")
                Report(inv, ctx, effects, value with { Text = file }, false, $"sends (`curl {option}`)");
        }
    }

    /// <summary><c>tar c</c> reads its operands (relative to the directory of the last <c>-C</c> before them).</summary>
    private static void Tar(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Count == 0) return;
        var first = args[0].Text;
        var creates = args.Any(a => a.Text is "--create" or "-c" or "--append" or "-r" or "--update" or "-u")
                      || (!first.StartsWith('-') && first.AsSpan().IndexOfAny("cru") >= 0)
                      || args.Any(a => a.Text.Length > 1 && a.Text[0] == '-' && a.Text[1] != '-' && a.Text.AsSpan(1).IndexOfAny("cru") >= 0 && !a.Text.AsSpan(1).ContainsAny("xt"));
        if (!creates) return;
        string? directory = null;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (i == 0 && !t.StartsWith('-'))
            {
                // old-style bundle `czf archive.tgz`: f takes the next word
                if (t.Contains('f')) i++;
                if (t.Contains('C')) directory = i + 1 < args.Count ? args[++i].Text : null;
                continue;
            }
            if (t is "-C" or "--directory") { directory = i + 1 < args.Count ? args[++i].Text : null; continue; }
            if (t.StartsWith("--directory=", StringComparison.Ordinal)) { directory = t["--directory=".Length..]; continue; }
            if (t is "-f" or "--file" or "-T" or "--files-from" or "-X" or "--exclude-from" or "-I" or "--use-compress-program" or "-b" or "-H" or "--format" or "--exclude") { i++; continue; }
            if (t.StartsWith('-'))
            {
                if (!t.StartsWith("--") && t.Length > 1 && t[^1] is 'f' or 'C' or 'T' or 'X' or 'I' && i + 1 < args.Count)
                {
                    if (t[^1] == 'C') directory = args[i + 1].Text;
                    i++;
                }
                continue;
            }
            var operand = args[i];
            if (directory is not null && operand.Known && !operand.Text.StartsWith('/'))
                operand = operand with { Text = directory.TrimEnd('/') + "/" + operand.Text };
            Report(inv, ctx, effects, operand, true, "archives");
        }
    }

    /// <summary>Values of the named options, as <c>-o value</c>, <c>--opt=value</c> or (for one-letter options) <c>-ovalue</c>.</summary>
    private static IEnumerable<(string Option, Arg Value)> OptionValues(IReadOnlyList<Arg> args, string[] options)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") yield break;
            foreach (var o in options)
            {
                if (t == o && i + 1 < args.Count) { yield return (o, args[++i]); break; }
                if (o.StartsWith("--", StringComparison.Ordinal) && t.StartsWith(o + "=", StringComparison.Ordinal)) { yield return (o, args[i] with { Text = t[(o.Length + 1)..] }); break; }
                if (o.Length == 2 && t.Length > 2 && t.StartsWith(o, StringComparison.Ordinal) && !t.StartsWith("--")) { yield return (o, args[i] with { Text = t[2..] }); break; }
            }
        }
    }

    /// <summary>The secret-read effect when <paramref name="arg"/> names a secret file (or, read recursively, a tree
    /// holding secrets): "<paramref name="verb"/> PATH, which holds ...".</summary>
    internal static void Report(Invocation inv, KnowledgeContext ctx, List<Effect> effects, Arg arg, bool recursive, string verb)
    {
        if (!arg.Known) return;
        foreach (var target in ctx.Paths.Resolve(arg, inv.Context))
        {
            if (target.Class == PathClass.Unknown && !target.Path.StartsWith('/')) continue;
            var secret = SecretFiles.Describe(target.Path, inv.Context.Home, ctx.World, ctx.Options.FileEditMaxBytes, arg.Glob);
            if (secret is null && recursive && !target.IsFile) secret = SecretFiles.DescribeTree(target.Path, inv.Context.Home);
            if (secret is null) continue;
            effects.Add(new Effect(EffectKind.ReadSecret, target.Path, target.Class, recursive && !target.IsFile, true,
                $"{verb} {target.Path}, which holds {secret}", inv));
        }
    }
}
