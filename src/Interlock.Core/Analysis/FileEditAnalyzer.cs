using System.Text.Json;
using Interlock.Core.Knowledge;

namespace Interlock.Core.Analysis;

/// <summary>
/// File tools (Write, Edit, MultiEdit, NotebookEdit, Read): reads the current file through the world view (bounded
/// by <see cref="EngineOptions.FileEditMaxBytes"/>), works out what the edit keeps, removes and adds (line by line,
/// a multiset comparison that ignores indentation), and reports the destructive cases: a file emptied, most of a
/// file removed, a file replaced by unrelated content, a binary or generated file overwritten, a file too large to
/// compare rewritten; and reads of secrets. Creating files and ordinary edits produce no stopping effect.
/// Lock files (<see cref="EngineOptions.LockFileNames"/>) are regenerable and never stop.
/// </summary>
public static class FileEditAnalyzer
{
    /// <summary>Line statistics of one edit.</summary>
    /// <param name="OldLines">Lines before.</param>
    /// <param name="NewLines">Lines after.</param>
    /// <param name="Kept">Old lines still present after (as a multiset, whitespace-trimmed).</param>
    /// <param name="OldMeaningful">Old lines with real content (not blank, not only punctuation).</param>
    /// <param name="KeptMeaningful">Of those, how many are still present.</param>
    public sealed record LineStats(int OldLines, int NewLines, int Kept, int OldMeaningful, int KeptMeaningful)
    {
        public int Removed => OldLines - Kept;
        public int Added => NewLines - Kept;
    }

    /// <param name="reportWrites">Also report every write as a <see cref="EffectKind.WriteFile"/> effect (with the lines it
    /// removes as its amount), for policies with path rules and protected paths.</param>
    public static List<Effect> Analyze(FileAction action, string cwd, KnowledgeContext ctx, bool reportWrites = false)
    {
        var world = ctx.World;
        var options = ctx.Options;
        var home = world.HomeDirectory;
        var tool = action.Kind.ToString();
        var path = action.Path.StartsWith("~/", StringComparison.Ordinal) ? home.TrimEnd('/') + action.Path[1..] : action.Path;
        var abs = PathResolver.Combine(cwd, path) ?? PathResolver.Normalize("/" + path);
        var source = new Invocation(tool, tool, [Arg.Literal(abs)], new ExecContext([cwd], home, null, []), [], null, null, "");
        var shown = Display(abs, cwd, home);
        var effects = new List<Effect>();

        if (action.Kind == FileToolKind.Read)
        {
            if (SecretFiles.Describe(abs, home, world, options.FileEditMaxBytes) is { } secret)
                effects.Add(new Effect(EffectKind.ReadSecret, abs, PathClass.Unknown, false, true,
                    $"`{tool}` reads {shown}, which holds {secret}", source));
            return effects;
        }

        // Resolved through links (a link to a protected file is that file); deleting a link deletes only the link.
        var target = ctx.Paths.Classify(abs, false, source.Context, followFinal: action.Kind != FileToolKind.Delete);
        if (action.Kind == FileToolKind.Delete)
        {
            // Judged like `rm FILE`: the policy weighs where the file sits; a missing file makes the tool fail.
            if (world.GetPathKind(abs) is not PathKind.Missing)
                effects.Add(new Effect(EffectKind.DeletePath, abs, target.Class, false, false, $"`{tool}` deletes {shown}", source));
            return effects;
        }
        if (target.Class is PathClass.Protected or PathClass.SystemCritical)
            effects.Add(new Effect(EffectKind.OverwriteFile, target.Path, target.Class, false, false,
                $"`{tool}` {(target.Exists ? "changes" : "writes")} {shown}{(target.Path != abs ? $" (which is {Display(target.Path, cwd, home)})" : "")}", source, target.Exists ? "exists" : null));
        var writeIndex = -1;
        if (reportWrites)
        {
            writeIndex = effects.Count;
            effects.Add(new Effect(EffectKind.WriteFile, target.Path, target.Class, false, true,
                $"`{tool}` {(target.Exists ? "changes" : "writes")} {shown}", source, target.Exists ? "exists" : null));
        }

        var kind = world.GetPathKind(abs);
        if (kind is PathKind.Missing or PathKind.Directory) return effects; // creates a file, or the tool fails
        var name = abs[(abs.LastIndexOf('/') + 1)..];
        if (options.LockFileNames.Contains(name)) return effects;

        var old = world.ReadTextFile(abs, options.FileEditMaxBytes);
        if (old is null)
        {
            if (DestructiveLooking(action, options))
                effects.Add(Rewrite(target, source, "unreadable",
                    $"`{tool}` {(action.Kind == FileToolKind.Write ? "replaces" : "removes a large part of")} {shown}, which is larger than {options.FileEditMaxBytes / (1024 * 1024)} MiB or cannot be read, so the guard cannot see how much of it would be lost"));
            return effects;
        }

        string? updated;
        if (action.Kind == FileToolKind.NotebookEdit)
        {
            var notebook = action.Notebook is null ? null : NotebookSources(old, action.Notebook);
            if (notebook is null)
            {
                if (action.Notebook is { Mode: NotebookEditMode.Delete } || action.Notebook is { Mode: NotebookEditMode.Replace, NewSource: var s } && string.IsNullOrWhiteSpace(s))
                    effects.Add(Rewrite(target, source, "unreadable", $"`{tool}` removes a cell of {shown}, which could not be read as a notebook, so the guard cannot see how much would be lost"));
                return effects;
            }
            (old, updated) = notebook.Value;
        }
        else
        {
            if (old.Contains('\0'))
            {
                effects.Add(Rewrite(target, source, "binary", $"`{tool}` overwrites the binary file {shown} with text"));
                return effects;
            }
            updated = action.Kind switch
            {
                FileToolKind.Write => action.Content ?? "",
                FileToolKind.Patch => ApplyPatch.ApplyHunks(old, action.Edits),
                _ => ApplyEdits(old, action.Edits),
            };
            if (updated is null) return effects; // an edit that does not apply: the tool fails and nothing changes
            if (action.Kind == FileToolKind.Write && IsGenerated(old, options) && updated != old)
            {
                effects.Add(Rewrite(target, source, "generated", $"`{tool}` overwrites {shown}, which says it is generated"));
                return effects;
            }
        }

        var stats = Compare(old, updated);
        if (writeIndex >= 0) effects[writeIndex] = effects[writeIndex] with { Amount = stats.Removed };
        if (stats.OldMeaningful > 0 && string.IsNullOrWhiteSpace(updated))
            effects.Add(Rewrite(target, source, "emptied", $"`{tool}` empties {shown} ({Lines(stats.OldLines)} of content)") with { Amount = stats.Removed });
        else if (stats.OldLines >= options.RewriteMinLines && stats.Added > 0 && stats.OldMeaningful > 0 && stats.KeptMeaningful < options.RewriteKeptFraction * stats.OldMeaningful)
            effects.Add(Rewrite(target, source, "replaced",
                $"`{tool}` replaces {stats.Removed} of {stats.OldLines} lines of {shown} with unrelated content ({Lines(stats.NewLines)} after, {stats.Kept} kept)") with { Amount = stats.Removed });
        else if (stats.OldLines >= options.RewriteMinLines && stats.Removed > options.RewriteRemovedFraction * stats.OldLines)
            effects.Add(Rewrite(target, source, "removed",
                $"`{tool}` removes {stats.Removed} of {stats.OldLines} lines of {shown} ({Lines(stats.NewLines)} after)") with { Amount = stats.Removed });
        return effects;
    }

    private static string Lines(int n) => n == 1 ? "1 line" : $"{n} lines";

    private static Effect Rewrite(PathTarget target, Invocation source, string detail, string description) =>
        new(EffectKind.RewriteFile, target.Path, target.Class, false, false, description, source, detail);

    /// <summary>The path as the agent sees it: relative to the working directory when inside it, else absolute.</summary>
    public static string Display(string abs, string cwd, string home)
    {
        var c = cwd.TrimEnd('/');
        if (c.Length > 0 && abs.StartsWith(c + "/", StringComparison.Ordinal)) return abs[(c.Length + 1)..];
        if (home.Length > 1 && abs.StartsWith(home.TrimEnd('/') + "/", StringComparison.Ordinal)) return "~/" + abs[(home.TrimEnd('/').Length + 1)..];
        return abs;
    }

    /// <summary>Without the old content: a Write replaces it all; edits that remove many lines net may gut it.</summary>
    private static bool DestructiveLooking(FileAction action, EngineOptions options) => action.Kind switch
    {
        FileToolKind.Write => true,
        FileToolKind.Edit or FileToolKind.MultiEdit or FileToolKind.Patch => action.Edits.Sum(e => CountLines(e.OldString) - CountLines(e.NewString)) >= options.RewriteMinLines,
        FileToolKind.NotebookEdit => action.Notebook is { Mode: NotebookEditMode.Delete },
        _ => false,
    };

    /// <summary>Applies edits in order the way Claude Code does: each old string must occur (exactly once unless
    /// replace_all) and differ from its replacement; otherwise the whole call fails (null).</summary>
    public static string? ApplyEdits(string text, IReadOnlyList<TextEdit> edits)
    {
        if (edits.Count == 0) return null;
        foreach (var e in edits)
        {
            if (e.OldString.Length == 0 || e.OldString == e.NewString) return null;
            var first = text.IndexOf(e.OldString, StringComparison.Ordinal);
            if (first < 0) return null;
            if (e.ReplaceAll) text = text.Replace(e.OldString, e.NewString, StringComparison.Ordinal);
            else
            {
                if (text.IndexOf(e.OldString, first + 1, StringComparison.Ordinal) >= 0) return null;
                text = string.Concat(text.AsSpan(0, first), e.NewString, text.AsSpan(first + e.OldString.Length));
            }
        }
        return text;
    }

    private static bool IsGenerated(string text, EngineOptions options)
    {
        var head = text.Length > 1024 ? text[..1024] : text;
        var lines = head.Split('\n');
        var top = string.Join('\n', lines.Take(8));
        return options.GeneratedFileMarkers.Any(m => top.Contains(m, StringComparison.Ordinal));
    }

    public static int CountLines(string text)
    {
        if (text.Length == 0) return 0;
        var n = 1;
        foreach (var c in text) if (c == '\n') n++;
        return text[^1] == '\n' ? n - 1 : n;
    }

    private static List<string> SplitLines(string text)
    {
        var result = new List<string>();
        if (text.Length == 0) return result;
        var parts = text.Split('\n');
        var count = text[^1] == '\n' ? parts.Length - 1 : parts.Length;
        for (var i = 0; i < count; i++) result.Add(parts[i].Trim());
        return result;
    }

    /// <summary>A line with real content: not blank and not only brackets and punctuation.</summary>
    private static bool Meaningful(string trimmed)
    {
        if (trimmed.Length < 4) return false;
        foreach (var c in trimmed) if (char.IsLetterOrDigit(c)) return true;
        return false;
    }

    /// <summary>Kept lines: a multiset intersection of whitespace-trimmed lines (linear, insensitive to
    /// re-indentation and moved blocks), plus lines changed in place (a rename, a new argument): the lines left
    /// over on both sides are walked in order and a pair that shares most of its text counts as modified, not
    /// removed.</summary>
    public static LineStats Compare(string oldText, string newText)
    {
        var oldLines = SplitLines(oldText);
        var newLines = SplitLines(newText);
        var oldCounts = Count(oldLines);
        var newCounts = Count(newLines);
        var unmatchedOld = Unmatched(oldLines, newCounts, out var kept, out var keptMeaningful);
        var unmatchedNew = Unmatched(newLines, oldCounts, out _, out _);

        int i = 0, j = 0;
        while (i < unmatchedOld.Count && j < unmatchedNew.Count)
        {
            if (Similar(unmatchedOld[i], unmatchedNew[j]))
            {
                kept++;
                if (Meaningful(unmatchedOld[i])) keptMeaningful++;
                i++; j++;
                continue;
            }
            var step = 0;
            for (var k = 1; k <= 3 && step == 0; k++)
            {
                if (j + k < unmatchedNew.Count && Similar(unmatchedOld[i], unmatchedNew[j + k])) { j += k; step = 1; }
                else if (i + k < unmatchedOld.Count && Similar(unmatchedOld[i + k], unmatchedNew[j])) { i += k; step = 1; }
            }
            if (step == 0) { i++; j++; }
        }
        var oldMeaningful = oldLines.Count(Meaningful);
        return new LineStats(oldLines.Count, newLines.Count, kept, oldMeaningful, keptMeaningful);
    }

    private static Dictionary<string, int> Count(List<string> lines)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var l in lines) counts[l] = counts.GetValueOrDefault(l) + 1;
        return counts;
    }

    /// <summary>Lines of <paramref name="lines"/> not in <paramref name="other"/> (consuming matches), in order.</summary>
    private static List<string> Unmatched(List<string> lines, Dictionary<string, int> other, out int kept, out int keptMeaningful)
    {
        var remaining = new Dictionary<string, int>(other, StringComparer.Ordinal);
        var result = new List<string>();
        kept = 0;
        keptMeaningful = 0;
        foreach (var l in lines)
        {
            if (remaining.TryGetValue(l, out var n) && n > 0)
            {
                remaining[l] = n - 1;
                kept++;
                if (Meaningful(l)) keptMeaningful++;
            }
            else result.Add(l);
        }
        return result;
    }

    /// <summary>Two lines are one line changed in place when a common prefix and suffix cover half of the longer.</summary>
    private static bool Similar(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0) return false;
        var max = Math.Max(a.Length, b.Length);
        var min = Math.Min(a.Length, b.Length);
        var prefix = 0;
        while (prefix < min && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        while (suffix < min - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix]) suffix++;
        return 2 * (prefix + suffix) >= max;
    }

    /// <summary>A notebook's cell sources before and after a cell edit, joined; null when the notebook cannot be
    /// parsed; unchanged when the cell is not found (the tool fails then).</summary>
    public static (string Old, string New)? NotebookSources(string json, NotebookCellEdit edit)
    {
        List<(string? Id, string Source)> cells;
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64, AllowTrailingCommas = true });
            if (!doc.RootElement.TryGetProperty("cells", out var array) || array.ValueKind != JsonValueKind.Array) return null;
            cells = [];
            foreach (var cell in array.EnumerateArray())
            {
                if (cell.ValueKind != JsonValueKind.Object) continue;
                var id = cell.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString() : null;
                var src = "";
                if (cell.TryGetProperty("source", out var s))
                    src = s.ValueKind == JsonValueKind.String ? s.GetString() ?? ""
                        : s.ValueKind == JsonValueKind.Array ? string.Concat(s.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString())) : "";
                cells.Add((id, src));
            }
        }
        catch (JsonException)
        {
            return null;
        }

        var index = edit.CellId is null ? -1 : cells.FindIndex(c => c.Id == edit.CellId);
        if (index < 0 && edit.CellId is { } cellId)
        {
            // Older notebooks have no ids; Claude Code then accepts a position ("3" or "cell-3").
            var digits = cellId.StartsWith("cell-", StringComparison.Ordinal) ? cellId[5..] : cellId;
            if (int.TryParse(digits, out var n) && n >= 0 && n < cells.Count) index = n;
        }
        var before = JoinCells(cells);
        switch (edit.Mode)
        {
            case NotebookEditMode.Insert:
                if (edit.CellId is not null && index < 0) return (before, before);
                cells.Insert(index + 1, (null, edit.NewSource));
                break;
            case NotebookEditMode.Delete:
                if (index < 0) return (before, before);
                cells.RemoveAt(index);
                break;
            default:
                if (index < 0) return (before, before);
                cells[index] = (cells[index].Id, edit.NewSource);
                break;
        }
        return (before, JoinCells(cells));
    }

    /// <summary>A notebook's cell sources, joined (what <see cref="NotebookSources"/> compares); null if unparsable.</summary>
    public static string? NotebookText(string json) => NotebookSources(json, new NotebookCellEdit(null, "", NotebookEditMode.Replace))?.Old;

    private static string JoinCells(List<(string? Id, string Source)> cells) =>
        string.Join('\n', cells.Select(c => c.Source.EndsWith('\n') ? c.Source[..^1] : c.Source).Where(s => s.Length > 0));
}
