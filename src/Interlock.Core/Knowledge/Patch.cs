using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// <c>patch [options] [ORIGINAL [PATCHFILE]]</c> writes the files its patch names (or ORIGINAL, or <c>-o OUT</c>):
/// a write to where they land (<see cref="LandingWrites"/>). The patch is read from <c>-i</c>, PATCHFILE, or standard
/// input (a here-document, or a file redirected in, through the world view); names are stripped of <c>-p</c> leading
/// directories (without <c>-p</c> every strip level counts, since patch may pick any of them), relative to <c>-d</c> or
/// the working directory. A patch the guard cannot read may write anything there. <c>--dry-run</c> writes nothing.
/// </summary>
public sealed class Patch : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["patch"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        int? strip = null;
        string? input = null, directory = null, output = null;
        var operands = new List<Arg>();
        var endOfOptions = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            if (!endOfOptions && t == "--") { endOfOptions = true; continue; }
            if (endOfOptions || t.Length < 2 || t[0] != '-') { operands.Add(a); continue; }
            if (t is "--dry-run" or "-C" or "--check") return;
            string? Value(string shortName, string longName)
            {
                if (t == shortName || t == longName) return i + 1 < args.Count ? args[++i].Text : null;
                if (t.StartsWith(longName + "=", StringComparison.Ordinal)) return t[(longName.Length + 1)..];
                if (t.StartsWith(shortName, StringComparison.Ordinal) && !t.StartsWith("--", StringComparison.Ordinal)) return t[shortName.Length..];
                return null;
            }
            if (Value("-p", "--strip") is { } p) { strip = int.TryParse(p, out var n) ? n : null; continue; }
            if (Value("-i", "--input") is { } inFile) { input = inFile; continue; }
            if (Value("-d", "--directory") is { } dir) { directory = dir; continue; }
            if (Value("-o", "--output") is { } outFile) { output = outFile; continue; }
            if (t is "-B" or "--prefix" or "-D" or "--ifdef" or "-F" or "--fuzz" or "-r" or "--reject-file" or "-V" or "--version-control" or "-Y" or "--basename-prefix" or "-z" or "--suffix" or "-g" or "--get" or "--quoting-style")
                i++;
        }
        foreach (var cwd in inv.Context.Cwds)
        {
            if (cwd is null) continue;
            var baseDir = directory is null ? cwd : PathResolver.Combine(cwd, directory)!;
            // Explicit files: the original file named on the command line, or the output file.
            var explicitTarget = output ?? (operands.Count > 0 && operands[0].Known ? operands[0].Text : null);
            if (explicitTarget is not null)
            {
                LandingWrites.Members(ctx, inv, explicitTarget.StartsWith('/') ? "/" : baseDir, [explicitTarget], "`patch`", effects);
                continue;
            }
            var patchFile = input ?? (operands.Count > 1 && operands[1].Known ? operands[1].Text : null);
            var text = patchFile is not null ? ctx.World.ReadTextFile(PathResolver.Combine(cwd, patchFile)!, ctx.Options.FileEditMaxBytes)
                : inv.Stdin ?? StdinFile(inv, ctx, cwd);
            if (text is null || UnifiedDiff.Targets(text) is not { Count: > 0 } names)
            {
                LandingWrites.Unknown(ctx, inv, baseDir, $"`patch` applying a patch the guard cannot read{(patchFile is null ? "" : $" ({patchFile})")}", effects);
                continue;
            }
            LandingWrites.Members(ctx, inv, baseDir, names.SelectMany(n => UnifiedDiff.Strip(n, strip)), "`patch`", effects);
        }
    }

    /// <summary>The text of a file redirected into standard input (<c>patch -p1 &lt; fix.patch</c>), or null.</summary>
    internal static string? StdinFile(Invocation inv, KnowledgeContext ctx, string cwd)
    {
        if (inv.StdinFromUnknown is not { } from || !from.StartsWith("the file ", StringComparison.Ordinal)) return null;
        var redirect = inv.Redirects.LastOrDefault(r => r.Kind == Shell.RedirectKind.Input && r.Target.Known);
        return redirect is null ? null : ctx.World.ReadTextFile(PathResolver.Combine(cwd, redirect.Target.Text)!, ctx.Options.FileEditMaxBytes);
    }
}

/// <summary>The file names a unified or git diff writes: <c>+++</c> and <c>---</c> names (patch may use either),
/// <c>diff --git a/X b/Y</c>, and git's <c>rename to</c> / <c>copy to</c>. <c>/dev/null</c> is not a file written.</summary>
public static class UnifiedDiff
{
    /// <summary>Names as they appear in the patch (before stripping); null when the text is not a diff.</summary>
    public static List<string>? Targets(string text)
    {
        var names = new List<string>();
        var sawDiff = false;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            string? name = null;
            if (line.StartsWith("+++ ", StringComparison.Ordinal) || line.StartsWith("--- ", StringComparison.Ordinal)) name = line[4..];
            else if (line.StartsWith("*** ", StringComparison.Ordinal) && !line.StartsWith("*** Begin", StringComparison.Ordinal)) name = line[4..]; // context diffs
            else if (line.StartsWith("rename to ", StringComparison.Ordinal)) name = "b/" + line["rename to ".Length..];
            else if (line.StartsWith("copy to ", StringComparison.Ordinal)) name = "b/" + line["copy to ".Length..];
            else if (line.StartsWith("diff --git ", StringComparison.Ordinal))
            {
                sawDiff = true;
                var rest = line["diff --git ".Length..];
                var b = rest.LastIndexOf(" b/", StringComparison.Ordinal);
                if (b >= 0) names.Add(Unquote(rest[(b + 1)..]));
                if (rest.StartsWith("a/", StringComparison.Ordinal) && b > 0) names.Add(Unquote(rest[..b]));
                continue;
            }
            if (name is null) continue;
            sawDiff = true;
            var tab = name.IndexOf('\t');
            if (tab >= 0) name = name[..tab];
            name = Unquote(name.Trim());
            if (name.Length == 0 || name == "/dev/null" || name.StartsWith("***", StringComparison.Ordinal) || name.StartsWith("---", StringComparison.Ordinal)) continue;
            names.Add(name);
        }
        return sawDiff ? names.Distinct().ToList() : null;
    }

    /// <summary>A name with <paramref name="strip"/> leading components removed; every strip level when unknown.</summary>
    public static IEnumerable<string> Strip(string name, int? strip)
    {
        var parts = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (strip is { } n)
        {
            if (n < parts.Length) yield return string.Join('/', parts[n..]);
            yield break;
        }
        for (var k = 0; k < parts.Length; k++) yield return string.Join('/', parts[k..]);
    }

    private static string Unquote(string s) => s.Length >= 2 && s[0] == '"' && s[^1] == '"' ? s[1..^1].Replace("\\\"", "\"").Replace("\\\\", "\\") : s;
}
