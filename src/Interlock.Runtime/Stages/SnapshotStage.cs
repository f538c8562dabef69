using System.Diagnostics;
using System.Text;
using Interlock.Core;
using Interlock.Core.Analysis;
using Interlock.State;

namespace Interlock.Runtime.Stages;

/// <summary>Bounds on what one capture and the whole store may hold.</summary>
internal sealed record SnapshotLimits
{
    public long MaxTotalBytes { get; init; } = 512L * 1024 * 1024;
    public long MaxEventBytes { get; init; } = 64L * 1024 * 1024;
    public int MaxEventFiles { get; init; } = 20_000;

    /// <summary>How long captured files are kept; older events are pruned when a later capture is made.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(14);

    /// <summary>Defaults, overridden by INTERLOCK_SNAPSHOT_MAX_TOTAL_MB, INTERLOCK_SNAPSHOT_MAX_EVENT_MB, INTERLOCK_SNAPSHOT_MAX_FILES,
    /// INTERLOCK_SNAPSHOT_RETENTION_DAYS.</summary>
    public static SnapshotLimits FromEnvironment()
    {
        var l = new SnapshotLimits();
        if (long.TryParse(Environment.GetEnvironmentVariable("INTERLOCK_SNAPSHOT_MAX_TOTAL_MB"), out var t) && t >= 0) l = l with { MaxTotalBytes = t * 1024 * 1024 };
        if (long.TryParse(Environment.GetEnvironmentVariable("INTERLOCK_SNAPSHOT_MAX_EVENT_MB"), out var e) && e >= 0) l = l with { MaxEventBytes = e * 1024 * 1024 };
        if (int.TryParse(Environment.GetEnvironmentVariable("INTERLOCK_SNAPSHOT_MAX_FILES"), out var f) && f >= 0) l = l with { MaxEventFiles = f };
        if (int.TryParse(Environment.GetEnvironmentVariable("INTERLOCK_SNAPSHOT_RETENTION_DAYS"), out var d) && d > 0) l = l with { Retention = TimeSpan.FromDays(d) };
        return l;
    }
}

/// <summary>
/// Captures what a destructive file effect would destroy before the hook lets it proceed or hands it to a human
/// (the hook is not called again after approval). Driven only by the decision's effects: a decision without a
/// destructive file effect costs nothing. When the capture cannot be made (over a cap, unreadable, store failure),
/// <see cref="Capture"/> returns why, and the hook asks instead of letting the action proceed uncovered.
/// </summary>
internal sealed class SnapshotStage(SnapshotLimits? limits = null, TimeProvider? time = null) : IDecisionStage
{
    public void Run(DecisionContext context)
    {
        if (context.Event.Request is not { } request || !Needed(context.Decision)) return;
        if (Capture(request, context.Decision, context.Event.SessionId, () => context.Store) is not { } problem) return;
        context.RequireHuman("snapshot.uncovered",
            $"This action would destroy files, and Interlock could not keep an undo copy of them: {problem}.",
            "Approve it only if the files can be lost, or make a copy first.",
            $"could not keep an undo copy: {problem}");
    }

    private readonly SnapshotLimits _limits = limits ?? new SnapshotLimits();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The event recorded, when one was.</summary>
    public long? EventId { get; private set; }

    private static readonly HashSet<EffectKind> FileKinds =
    [
        EffectKind.RewriteFile, EffectKind.DeletePath, EffectKind.OverwriteFile, EffectKind.EmptyFile, EffectKind.DestroyContents,
        EffectKind.MovePath, EffectKind.DeleteUntrackedFiles, EffectKind.DiscardUncommittedChanges,
    ];

    private static bool Capturable(Effect e) =>
        FileKinds.Contains(e.Kind) && e.Source.Context.RemoteHost is null &&
        e.Class is PathClass.ProjectSource or PathClass.ProjectRoot or PathClass.InHome or PathClass.Other;

    /// <summary>Whether the decision has anything to capture (cheap; no I/O).</summary>
    public static bool Needed(Decision d) => d.Verdict != Verdict.Deny && d.Effects.Any(Capturable);

    private sealed class Plan
    {
        public readonly Dictionary<string, string?> After = new(StringComparer.Ordinal); // path -> expected after-hash
        public string? Problem;
    }

    /// <summary>Captures the pre-images; null when covered (or nothing to capture), else why it could not be.</summary>
    public string? Capture(ActionRequest request, Decision decision, string? sessionId, Func<IStateStore> open)
    {
        if (!Needed(decision)) return null;
        var plan = new Plan();
        foreach (var e in decision.Effects.Where(Capturable))
        {
            Collect(request, e, plan);
            if (plan.Problem is not null) return plan.Problem;
            if (plan.After.Count > _limits.MaxEventFiles)
                return $"it would destroy more than {_limits.MaxEventFiles} files, over the snapshot limit (INTERLOCK_SNAPSHOT_MAX_FILES), so no undo copy could be kept";
        }
        if (plan.After.Count == 0) return null;
        try
        {
            var files = new List<(string Path, byte[] Content, int Mode, string? After)>();
            long bytes = 0;
            foreach (var (path, after) in plan.After)
            {
                var info = new FileInfo(path);
                if (info.LinkTarget is { } link)
                {
                    // A symbolic link is kept as a link (its target path), never followed.
                    var target = Encoding.UTF8.GetBytes(link);
                    bytes += target.Length;
                    files.Add((path, target, SnapshotHash.SymlinkMode | 0x1FF, after));
                    continue;
                }
                if (!info.Exists) continue;
                bytes += info.Length;
                if (bytes > _limits.MaxEventBytes)
                    return $"the files it would destroy hold more than {Mib(_limits.MaxEventBytes)} MiB, over the per-action snapshot cap (INTERLOCK_SNAPSHOT_MAX_EVENT_MB), so no undo copy could be kept";
                var content = File.ReadAllBytes(path);
                var mode = OperatingSystem.IsWindows() ? 0 : (int)File.GetUnixFileMode(path);
                files.Add((path, content, mode, after));
            }
            if (files.Count == 0) return null;
            var store = open();
            var log = store.Snapshots;
            if (log.StoredBytes() + bytes > _limits.MaxTotalBytes)
                return $"the snapshot store would exceed its cap of {Mib(_limits.MaxTotalBytes)} MiB (INTERLOCK_SNAPSHOT_MAX_TOTAL_MB) with these {Mib(bytes)} MiB; free space with `interlock history prune --older-than 7d`";
            var records = new List<SnapshotFile>(files.Count);
            foreach (var f in files)
            {
                var (hash, _) = ObjectStore.Put(log.ObjectsDirectory, f.Content);
                records.Add(new SnapshotFile(f.Path, hash, f.Mode, f.Content.Length, f.After));
            }
            var what = request.Command ?? (request.File is { } fa ? $"{fa.Kind} {fa.Path}"
                : request.Files.Count > 0 ? string.Join("; ", request.Files.Select(f => $"{f.Kind} {f.Path}")) : request.ToolArguments);
            var now = _time.GetUtcNow();
            EventId = log.Add(new SnapshotEventEntry(now, sessionId, request.Cwd, request.Tool, what,
                decision.Verdict.ToString().ToLowerInvariant()), records);
            // Retention: events past it are pruned as captures happen (the object scan runs only when there are some).
            if (log.OldestEventTime() is { } oldest && oldest < now - _limits.Retention) log.Prune(now - _limits.Retention);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or StateStoreException)
        {
            return $"the files it would destroy could not be copied for undo ({e.Message})";
        }
    }

    private static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);

    private void Collect(ActionRequest request, Effect e, Plan plan)
    {
        switch (e.Kind)
        {
            case EffectKind.RewriteFile when request.File is { } file:
            {
                var path = Path.GetFullPath(file.Path, request.Cwd);
                plan.After[path] = AfterFileTool(path, file);
                break;
            }
            case EffectKind.RewriteFile when request.Files.Count > 0:
                // A patch: the file it rewrites (what it leaves is not worked out here).
                if (File.Exists(e.Target)) plan.After.TryAdd(e.Target, null);
                break;
            case EffectKind.RewriteFile:
                break;
            case EffectKind.DeletePath or EffectKind.MovePath:
                AddTree(e.Target, plan, SnapshotHash.Absent);
                break;
            case EffectKind.EmptyFile:
                if (File.Exists(e.Target)) plan.After[e.Target] = ObjectStore.Hash([]);
                break;
            case EffectKind.OverwriteFile or EffectKind.DestroyContents:
                if (File.Exists(e.Target)) plan.After.TryAdd(e.Target, null);
                break;
            case EffectKind.DeleteUntrackedFiles:
                CollectGitClean(e, plan);
                break;
            case EffectKind.DiscardUncommittedChanges:
                CollectGitModified(e, plan);
                break;
        }
    }

    /// <summary>The content a Write or Edit leaves, as a hash (null when it cannot be worked out).</summary>
    private static string? AfterFileTool(string path, FileAction file)
    {
        try
        {
            switch (file.Kind)
            {
                case FileToolKind.Write:
                    return ObjectStore.Hash(Encoding.UTF8.GetBytes(file.Content ?? ""));
                case FileToolKind.Edit or FileToolKind.MultiEdit:
                {
                    if (!File.Exists(path)) return null;
                    // The engine's rule for how the harness applies edits; an edit it would refuse changes nothing.
                    if (FileEditAnalyzer.ApplyEdits(File.ReadAllText(path), file.Edits) is not { } text) return null;
                    var hasBom = File.ReadAllBytes(path) is [0xEF, 0xBB, 0xBF, ..];
                    var bytes = Encoding.UTF8.GetBytes(text);
                    return ObjectStore.Hash(hasBom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
                }
                case FileToolKind.NotebookEdit when file.Notebook is { } cell:
                {
                    if (!File.Exists(path)) return null;
                    return FileEditAnalyzer.NotebookSources(File.ReadAllText(path), cell) is { } sources
                        ? SnapshotHash.NotebookPrefix + ObjectStore.Hash(Encoding.UTF8.GetBytes(sources.New))
                        : null;
                }
                default:
                    return null;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private PathClassifier? _names; // made only when a capture walks files

    /// <summary>Build output and caches (node_modules, bin, obj, *.pyc...): regenerated, so not copied.</summary>
    private bool Regenerable(string name) =>
        (_names ??= new PathClassifier(new FileSystemWorld(), new EngineOptions())).IsRegenerableName(name, inProject: true);

    private void AddTree(string root, Plan plan, string? after)
    {
        var leaf = Path.GetFileName(root);
        var parent = Path.GetDirectoryName(root);
        if (PathResolver.HasGlob(leaf) && parent is not null && !PathResolver.HasGlob(parent))
        {
            // `rm *.txt`: the effect names the pattern; expand it the way the shell would (dotfiles only when asked).
            if (!Directory.Exists(parent)) return;
            foreach (var entry in Directory.EnumerateFileSystemEntries(parent))
            {
                var name = Path.GetFileName(entry);
                if (name.StartsWith('.') && !leaf.StartsWith('.')) continue;
                if (PathResolver.GlobMatch(leaf, name)) AddTree(entry, plan, after);
                if (plan.After.Count > _limits.MaxEventFiles) return;
            }
            return;
        }
        if (PathResolver.HasGlob(root)) { plan.Problem = $"the files `{root}` matches could not be listed"; return; }
        if (Regenerable(leaf)) return;
        if (File.Exists(root) || new FileInfo(root).LinkTarget is not null) { plan.After[root] = after; return; }
        if (!Directory.Exists(root)) return;
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                var name = Path.GetFileName(entry);
                if (Regenerable(name)) continue;
                if (new FileInfo(entry).LinkTarget is not null)
                {
                    plan.After[entry] = after; // a link (to a file or a directory) is captured as a link
                    if (plan.After.Count > _limits.MaxEventFiles) return;
                }
                else if (Directory.Exists(entry))
                {
                    if (name == ".git") continue;
                    pending.Push(entry);
                }
                else
                {
                    plan.After[entry] = after;
                    if (plan.After.Count > _limits.MaxEventFiles) return;
                }
            }
        }
    }

    /// <summary>git clean: ask git itself which paths the same flags would remove (`git clean -n`).</summary>
    private void CollectGitClean(Effect e, Plan plan)
    {
        var (cwd, args) = GitArgs(e.Source, "clean");
        if (cwd is null || args is null) { plan.Problem = "the paths `git clean` would remove could not be worked out"; return; }
        var dryArgs = new List<string> { "clean", "-n" };
        foreach (var a in args)
        {
            if (a is "-f" or "--force" or "-q" or "--quiet") continue;
            if (a.Length > 1 && a[0] == '-' && a[1] != '-')
            {
                var flags = a[1..].Replace("f", "").Replace("q", "");
                if (flags.Length > 0) dryArgs.Add("-" + flags);
                continue;
            }
            dryArgs.Add(a);
        }
        // -ff also removes nested repositories; the dry run shows them only with -ff too.
        if (args.Count(a => a == "-f" || a == "--force") + args.Where(a => a.Length > 1 && a[0] == '-' && a[1] != '-').Sum(a => a.Count(c => c == 'f')) >= 2)
            dryArgs.Insert(2, "-ff");
        var output = RunGit(cwd, dryArgs);
        if (output is null) { plan.Problem = "`git clean -n` could not list what `git clean` would remove"; return; }
        foreach (var line in output.Split('\n'))
        {
            const string prefix = "Would remove ";
            if (!line.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var rel = Unquote(line[prefix.Length..]);
            AddTree(Path.GetFullPath(rel.TrimEnd('/'), cwd), plan, SnapshotHash.Absent);
            if (plan.After.Count > _limits.MaxEventFiles) return;
        }
    }

    /// <summary>git reset --hard / checkout / restore / switch -f: the tracked files that differ from HEAD.</summary>
    private static void CollectGitModified(Effect e, Plan plan)
    {
        var root = e.Target;
        if (!Directory.Exists(root)) return;
        var output = RunGit(root, ["-c", "core.quotePath=false", "diff", "--name-only", "-z", "HEAD"]);
        if (output is null) return; // no HEAD yet, or not a repository: nothing tracked to lose
        var top = RunGit(root, ["rev-parse", "--show-toplevel"])?.Trim();
        if (string.IsNullOrEmpty(top)) return;
        var modified = output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(rel => File.Exists(Path.GetFullPath(rel, top))).ToList();
        // What the discard leaves is the committed file: its blob id lets undo tell a newer change from the discard.
        var blobs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in modified.Chunk(200))
        {
            var tree = RunGit(top, ["-c", "core.quotePath=false", "ls-tree", "-z", "HEAD", "--", .. chunk]);
            foreach (var entry in (tree ?? "").Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                // "<mode> blob <sha>\t<path>"
                var tab = entry.IndexOf('\t');
                var parts = tab < 0 ? [] : entry[..tab].Split(' ');
                if (parts is [_, "blob", var sha]) blobs[entry[(tab + 1)..]] = SnapshotHash.GitBlobPrefix + sha;
            }
        }
        foreach (var rel in modified)
            plan.After.TryAdd(Path.GetFullPath(rel, top), blobs.GetValueOrDefault(rel));
    }

    private static string Unquote(string s)
    {
        if (s.Length < 2 || s[0] != '"' || s[^1] != '"') return s;
        // C-style quoting (core.quotePath): octal escapes for bytes, \" \\ \t \n.
        var bytes = new List<byte>();
        for (var i = 1; i < s.Length - 1; i++)
        {
            var c = s[i];
            if (c != '\\' || i + 1 >= s.Length - 1) { bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString())); continue; }
            var n = s[++i];
            if (n is >= '0' and <= '7' && i + 2 < s.Length - 1)
            {
                bytes.Add(Convert.ToByte(s.Substring(i, 3), 8));
                i += 2;
            }
            else bytes.Add((byte)(n switch { 't' => '\t', 'n' => '\n', 'r' => '\r', 'a' => '\a', 'b' => '\b', 'f' => '\f', 'v' => '\v', _ => n }));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>The directory git runs in (after -C) and the arguments after the subcommand.</summary>
    private static (string? Cwd, List<string>? Args) GitArgs(Invocation inv, string sub)
    {
        var cwd = inv.Context.Cwds.Count == 1 ? inv.Context.Cwds[0] : null;
        var args = inv.Args;
        var i = 0;
        while (i < args.Count && args[i].Text.StartsWith('-'))
        {
            if (args[i].Text == "-C" && i + 1 < args.Count && cwd is not null) cwd = Path.GetFullPath(args[i + 1].Text, cwd);
            i += args[i].Text is "-C" or "-c" or "--git-dir" or "--work-tree" or "--namespace" or "--exec-path" or "--config-env" ? 2 : 1;
        }
        if (i >= args.Count || args[i].Text != sub || args.Any(a => !a.Known)) return (null, null);
        return (cwd, args.Skip(i + 1).Select(a => a.Text).ToList());
    }

    private static string? RunGit(string cwd, IReadOnlyList<string> args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(10_000)) { try { p.Kill(); } catch (InvalidOperationException) { } return null; }
            return p.ExitCode == 0 ? stdout.GetAwaiter().GetResult() : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            return null;
        }
    }
}
