namespace Interlock.Core.Analysis;

/// <summary>What one file section of a patch does.</summary>
public enum PatchOperation { Add, Delete, Update }

/// <summary>One file of a patch: added with <see cref="Content"/>, deleted, or updated by <see cref="Hunks"/> (each
/// hunk's old lines become its new lines) and possibly moved to <see cref="MoveTo"/>.</summary>
public sealed record PatchFile(PatchOperation Operation, string Path, string? MoveTo, string? Content, IReadOnlyList<TextEdit> Hunks);

/// <summary>The files of a patch, or why it could not be read.</summary>
public sealed record PatchParse(IReadOnlyList<PatchFile> Files, string? Error);

/// <summary>
/// The Codex <c>apply_patch</c> format (openai/codex, codex-rs/apply-patch; the tool's grammar as given to the model):
/// <code>
/// *** Begin Patch
/// *** Add File: path        then lines starting with '+'
/// *** Delete File: path
/// *** Update File: path     then an optional "*** Move to: path", then hunks: "@@ [context]" headers and lines
///                           starting with ' ' (context), '-' (removed) or '+' (added); "*** End of File" may end a hunk
/// *** End Patch
/// </code>
/// The parser is pure and bounded (a number of files and lines), never throws, and says what is wrong with a patch
/// it cannot read. <see cref="ApplyHunks"/> applies update hunks the way apply_patch does: each hunk's old lines are
/// looked for after the previous hunk, exactly, then ignoring trailing whitespace, then ignoring surrounding
/// whitespace.
/// </summary>
public static class ApplyPatch
{
    public const int MaxFiles = 1000;
    public const int MaxLines = 200_000;

    private const string Begin = "*** Begin Patch";
    private const string End = "*** End Patch";
    private const string AddPrefix = "*** Add File: ";
    private const string DeletePrefix = "*** Delete File: ";
    private const string UpdatePrefix = "*** Update File: ";
    private const string MovePrefix = "*** Move to: ";
    private const string EndOfFile = "*** End of File";

    public static PatchParse Parse(string text)
    {
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        if (lines.Length > MaxLines) return Fail($"the patch has {lines.Length} lines, more than the {MaxLines} the guard reads");
        var first = 0;
        while (first < lines.Length && lines[first].Trim().Length == 0) first++;
        // The shell form wraps the patch in a here-document: apply_patch <<'EOF' ... EOF.
        var heredoc = first < lines.Length && lines[first].TrimStart().StartsWith("apply_patch", StringComparison.Ordinal);
        if (heredoc) first++;
        if (first >= lines.Length || lines[first].Trim() != Begin)
            return Fail($"it does not start with `{Begin}`");
        var last = lines.Length - 1;
        while (last > first && (lines[last].Trim().Length == 0 || heredoc && lines[last].Trim() is "EOF" or "'EOF'" or "PATCH")) last--;
        if (lines[last].Trim() != End) return Fail($"it does not end with `{End}`");

        var files = new List<PatchFile>();
        var i = first + 1;
        while (i < last)
        {
            var line = lines[i];
            if (line.Trim().Length == 0) { i++; continue; }
            if (files.Count >= MaxFiles) return Fail($"it changes more than {MaxFiles} files, more than the guard reads");
            if (line.StartsWith(AddPrefix, StringComparison.Ordinal))
            {
                var path = line[AddPrefix.Length..].Trim();
                if (path.Length == 0) return Fail($"line {i + 1}: `*** Add File:` names no file");
                var content = new System.Text.StringBuilder();
                i++;
                while (i < last && lines[i].StartsWith('+'))
                {
                    content.Append(lines[i], 1, lines[i].Length - 1).Append('\n');
                    i++;
                }
                files.Add(new PatchFile(PatchOperation.Add, path, null, content.ToString(), []));
            }
            else if (line.StartsWith(DeletePrefix, StringComparison.Ordinal))
            {
                var path = line[DeletePrefix.Length..].Trim();
                if (path.Length == 0) return Fail($"line {i + 1}: `*** Delete File:` names no file");
                files.Add(new PatchFile(PatchOperation.Delete, path, null, null, []));
                i++;
            }
            else if (line.StartsWith(UpdatePrefix, StringComparison.Ordinal))
            {
                var path = line[UpdatePrefix.Length..].Trim();
                if (path.Length == 0) return Fail($"line {i + 1}: `*** Update File:` names no file");
                i++;
                string? moveTo = null;
                if (i < last && lines[i].StartsWith(MovePrefix, StringComparison.Ordinal))
                {
                    moveTo = lines[i][MovePrefix.Length..].Trim();
                    if (moveTo.Length == 0) return Fail($"line {i + 1}: `*** Move to:` names no file");
                    i++;
                }
                var hunks = new List<TextEdit>();
                var error = ReadHunks(lines, ref i, last, hunks);
                if (error is not null) return Fail(error);
                if (hunks.Count == 0 && moveTo is null) return Fail($"the update of {path} has no hunks");
                files.Add(new PatchFile(PatchOperation.Update, path, moveTo, null, hunks));
            }
            else
                return Fail($"line {i + 1} (`{Shorten(line)}`) is not a file header (`*** Add File:`, `*** Delete File:` or `*** Update File:`)");
        }
        return files.Count == 0 ? Fail("it changes no file") : new PatchParse(files, null);
    }

    /// <summary>Hunks of one Update section, up to the next file header or the end.</summary>
    private static string? ReadHunks(string[] lines, ref int i, int last, List<TextEdit> hunks)
    {
        var oldText = new System.Text.StringBuilder();
        var newText = new System.Text.StringBuilder();
        var changed = false;
        var any = false;

        void Flush()
        {
            if (any && changed) hunks.Add(new TextEdit(oldText.ToString(), newText.ToString()));
            oldText.Clear();
            newText.Clear();
            changed = false;
            any = false;
        }

        while (i < last)
        {
            var line = lines[i];
            if (line.StartsWith("*** ", StringComparison.Ordinal) && line != EndOfFile) break;
            if (line == EndOfFile || line.StartsWith("@@", StringComparison.Ordinal))
            {
                Flush();
                i++;
                continue;
            }
            if (line.Length == 0)
            {
                // A blank line inside a hunk is an empty context line.
                oldText.Append('\n');
                newText.Append('\n');
                any = true;
            }
            else
            {
                var body = line[1..];
                switch (line[0])
                {
                    case ' ': oldText.Append(body).Append('\n'); newText.Append(body).Append('\n'); any = true; break;
                    case '-': oldText.Append(body).Append('\n'); any = changed = true; break;
                    case '+': newText.Append(body).Append('\n'); any = changed = true; break;
                    default: return $"line {i + 1} (`{Shorten(line)}`) of a hunk starts with neither ' ', '-' nor '+'";
                }
            }
            i++;
        }
        Flush();
        return null;
    }

    /// <summary>The file actions a patch performs, for the engine: an added file is a Write, a deleted one a Delete,
    /// an update a Patch of its hunks; a move also replaces the destination, which loses what was there (a Delete of
    /// it, when it exists).</summary>
    public static IReadOnlyList<FileAction> ToFileActions(IReadOnlyList<PatchFile> files)
    {
        var actions = new List<FileAction>(files.Count);
        foreach (var f in files)
        {
            switch (f.Operation)
            {
                case PatchOperation.Add:
                    actions.Add(new FileAction(FileToolKind.Write, f.Path) { Content = f.Content ?? "" });
                    break;
                case PatchOperation.Delete:
                    actions.Add(new FileAction(FileToolKind.Delete, f.Path));
                    break;
                default:
                    if (f.Hunks.Count > 0) actions.Add(new FileAction(FileToolKind.Patch, f.Path) { Edits = f.Hunks });
                    if (f.MoveTo is { } to && to != f.Path) actions.Add(new FileAction(FileToolKind.Delete, to));
                    break;
            }
        }
        return actions;
    }

    /// <summary>The text after the hunks, or null when a hunk's old lines are not found (apply_patch then fails and
    /// changes nothing). A hunk with no old lines appends at the end.</summary>
    public static string? ApplyHunks(string text, IReadOnlyList<TextEdit> hunks)
    {
        if (hunks.Count == 0) return null;
        var lines = Lines(text);
        var cursor = 0;
        foreach (var h in hunks)
        {
            var oldLines = Lines(h.OldString);
            var newLines = Lines(h.NewString);
            int at;
            if (oldLines.Count == 0) at = lines.Count;
            else
            {
                at = Find(lines, oldLines, cursor, static (a, b) => a == b);
                if (at < 0) at = Find(lines, oldLines, cursor, static (a, b) => a.TrimEnd() == b.TrimEnd());
                if (at < 0) at = Find(lines, oldLines, cursor, static (a, b) => a.Trim() == b.Trim());
                if (at < 0) return null;
            }
            lines.RemoveRange(at, oldLines.Count);
            lines.InsertRange(at, newLines);
            cursor = at + newLines.Count;
        }
        return lines.Count == 0 ? "" : string.Join('\n', lines) + "\n";
    }

    private static int Find(List<string> lines, List<string> pattern, int from, Func<string, string, bool> equal)
    {
        for (var start = from; start + pattern.Count <= lines.Count; start++)
        {
            var k = 0;
            while (k < pattern.Count && equal(lines[start + k], pattern[k])) k++;
            if (k == pattern.Count) return start;
        }
        return -1;
    }

    private static List<string> Lines(string text)
    {
        if (text.Length == 0) return [];
        var parts = text.Split('\n');
        var count = text[^1] == '\n' ? parts.Length - 1 : parts.Length;
        return [.. parts.Take(count)];
    }

    private static string Shorten(string line) => line.Length > 60 ? line[..60] + "..." : line;

    private static PatchParse Fail(string why) => new([], $"the patch could not be read: {why}");
}
