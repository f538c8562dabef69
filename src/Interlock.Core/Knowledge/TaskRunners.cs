using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// What every task runner (make, npm scripts, just, task, tox, pdm/hatch, composer, rake) shares: finding and reading
/// the project's task file through the world view (bounded), and analysing the shell lines of the recipe it runs in
/// the task file's directory, so that <c>make clean</c> whose recipe is <c>rm -rf ~</c> is judged as <c>rm -rf ~</c>.
/// </summary>
public static class TaskRunners
{
    /// <summary>The largest task file read (a bigger one is treated as unreadable).</summary>
    public const int MaxFileBytes = 256 * 1024;

    /// <summary>At most this many recipe lines are analysed for one invocation; past it the rest is indeterminate.</summary>
    public const int MaxLines = 200;

    /// <summary>The directory the runner starts in: the single known working directory, on this machine; null when that
    /// cannot be told (several possible directories, an unknown one, or a remote host), as for script files.</summary>
    public static string? StartDirectory(Invocation inv) =>
        inv.Context.RemoteHost is null && inv.Context.Cwds.Count == 1 ? inv.Context.Cwds[0] : null;

    /// <summary>A directory given on the command line (<c>make -C dir</c>, <c>npm --prefix dir</c>), from <paramref name="cwd"/>.</summary>
    public static string? Directory(string cwd, string path) => PathResolver.Combine(cwd, path);

    /// <summary>The first of <paramref name="names"/> present in <paramref name="dir"/> or, when <paramref name="upwards"/>,
    /// in the nearest parent directory holding one (npm, just, task and rake search upwards).</summary>
    public static string? Find(KnowledgeContext ctx, string dir, bool upwards, params string[] names)
    {
        for (var d = dir; d is not null; d = Parent(d))
        {
            foreach (var n in names)
            {
                var path = PathResolver.Combine(d, n)!;
                if (ctx.World.GetPathKind(path) == PathKind.File) return path;
            }
            if (!upwards) break;
        }
        return null;
    }

    private static string? Parent(string dir)
    {
        if (dir == "/") return null;
        var at = dir.TrimEnd('/').LastIndexOf('/');
        return at <= 0 ? "/" : dir[..at];
    }

    /// <summary>The text of a task file, or null when it is unreadable or larger than <see cref="MaxFileBytes"/>.</summary>
    public static string? Read(KnowledgeContext ctx, string path) => ctx.World.ReadTextFile(path, MaxFileBytes);

    public static string DirectoryOf(string file) => file.LastIndexOf('/') is var at and > 0 ? file[..at] : "/";

    /// <summary>The task file for messages: its name when it is in the working directory, else ~/... or absolute.</summary>
    public static string Display(Invocation inv, string file) =>
        FileEditAnalyzer.Display(file, KnowledgeContext.Cwd(inv) ?? "", inv.Context.Home);

    /// <summary>
    /// The effects of one recipe line run through the shell in <paramref name="dir"/>. Each effect's description says
    /// which runner ran which recipe from which file (<c>`make clean` runs the recipe of `clean` in Makefile: `rm -rf ~`
    /// deletes ...</c>), so the person reading the decision sees where the command came from.
    /// </summary>
    public static void Line(KnowledgeContext ctx, Invocation inv, string how, string what, string file, string code, string dir, List<Effect> effects)
    {
        if (code.Trim().Length == 0) return;
        var context = inv.Context with { Cwds = [dir], Via = [.. inv.Context.Via, how] };
        var prefix = $"`{how}` runs {what} in {Display(inv, file)}";
        foreach (var e in ctx.AnalyzeShellCode(code, context, inv))
        {
            var command = e.Source.Text.Length > 0 && !e.Description.StartsWith('`') ? $"`{e.Source.Display}` " : "";
            effects.Add(e with { Description = $"{prefix}: {command}{e.Description}" });
        }
    }

    /// <summary>The runner would run code that cannot be known (a recipe line with an unresolvable variable, a task file
    /// that exists but cannot be read): asks, never allows.</summary>
    public static void Unknown(Invocation inv, string why, List<Effect> effects) => EmbeddedCode.Indeterminate(inv, why, effects);

    /// <summary>Arguments appended to a script (<c>npm run x -- a b</c>) as shell words.</summary>
    public static string Quote(IEnumerable<Arg> args) =>
        string.Concat(args.Select(a => " " + QuoteWord(a.Text)));

    public static string QuoteWord(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@%+,~".Contains(c)) && s[0] != '~' ? s : "'" + s.Replace("'", "'\\''") + "'";
}
