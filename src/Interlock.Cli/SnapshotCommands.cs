using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Interlock.Core;
using Interlock.Core.Analysis;
using Interlock.State;
using Interlock.State.Sqlite;

namespace Interlock.Cli;

/// <summary>`interlock history` and `interlock undo`: the files captured before destructive actions, and restoring them.</summary>
internal static class SnapshotCommands
{
    // Exit codes: 0 ok; 1 undo refused (newer changes) or no such event; 64 usage; 66 no state yet; 74 I/O failure.
    private const int ExitProblem = 1, ExitUsage = 64, ExitIo = CliStore.ExitIo;

    public const string HistoryHelp = """
        interlock history [-n N] [--session S] [--state-dir <dir>]
        interlock history prune [--older-than 7d] [--state-dir <dir>]

        Before the hook lets a destructive file action proceed (or hands it to a human), it copies what the action
        would destroy into a content-addressed store in the state directory. `history` lists those events, newest
        first: id, time (UTC), verdict, tool, files, bytes, session and what was run. `prune` removes events older
        than the given age (default: $INTERLOCK_SNAPSHOT_RETENTION, else 7d; units m, h, d, w) and the stored
        contents no remaining event refers to.
        Caps: $INTERLOCK_SNAPSHOT_MAX_TOTAL_MB (default 512), $INTERLOCK_SNAPSHOT_MAX_EVENT_MB (64),
        $INTERLOCK_SNAPSHOT_MAX_FILES (20000); an action whose capture would exceed them asks instead.
        """;

    public const string UndoHelp = """
        interlock undo <event> [--dry-run] [--force] [--state-dir <dir>]
        interlock undo --session <id> [--dry-run] [--force] [--state-dir <dir>]

        Restores the files an event (or every event of an agent session) destroyed, byte for byte and with their
        permissions, recreating deleted files and directories. A file changed since the action (its content is not
        what the action left) is not overwritten: undo lists such files and restores nothing unless --force.
        --dry-run lists what would be restored. Exit status: 0 restored (or nothing to do), 1 refused or no such
        event, 64 usage error, 66 nothing recorded yet, 74 a file could not be restored.
        """;

    public static int History(string[] args)
    {
        int count = 20;
        string? session = null, stateDir = null, olderThan = null;
        var prune = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Out.WriteLine(HistoryHelp); return 0;
                case "prune" when i == 0: prune = true; break;
                case "-n" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0: count = n; i++; break;
                case "--session" when i + 1 < args.Length: session = args[++i]; break;
                case "--older-than" when i + 1 < args.Length: olderThan = args[++i]; break;
                case "--state-dir" when i + 1 < args.Length: stateDir = args[++i]; break;
                default: return Usage($"unexpected argument `{args[i]}` (see `interlock history --help`).");
            }
        }
        return CliStore.With(stateDir, store =>
        {
            var log = store.Snapshots;
            if (prune)
            {
                var text = olderThan ?? Environment.GetEnvironmentVariable("INTERLOCK_SNAPSHOT_RETENTION") ?? "7d";
                if (Durations.Parse(text) is not { } age)
                    return Usage($"`--older-than` takes an age {Durations.Examples} (0d prunes everything recorded until now), not `{text}`{(olderThan is null ? " (from INTERLOCK_SNAPSHOT_RETENTION)" : "")}.");
                var p = log.Prune(DateTimeOffset.UtcNow - age);
                var kept = p.ObjectsInUse == 0 ? ""
                    : $"; {Plural.Of(p.ObjectsInUse, "copy", "copies")} written in the last {Plural.Duration(Interlock.State.Sqlite.SqliteStateStore.CaptureGrace)} {(p.ObjectsInUse == 1 ? "is" : "are")} kept, " +
                      $"since a hook may be recording {(p.ObjectsInUse == 1 ? "it" : "them")} right now: run the prune again later to free {(p.ObjectsInUse == 1 ? "it" : "them")}";
                Console.Out.WriteLine($"pruned {Plural.Of(p.Events, "captured event")} older than {text} (they can no longer be undone) and freed {Plural.Of(p.Objects, "stored file copy", "stored file copies")} ({Plural.Of(p.FreedBytes, "byte")}){kept}");
                return 0;
            }
            var list = log.List(count, session);
            if (list.Count == 0) { Console.Out.WriteLine(session is null ? "no captured events" : $"no captured events for session {session}"); return 0; }
            Console.Out.WriteLine($"{"id",-6} {"time (UTC)",-19} {"verdict",-7} {"tool",-12} {"files",6} {"bytes",10}  {"session",-12} what");
            foreach (var e in list)
            {
                var what = (e.Entry.Request ?? "").ReplaceLineEndings(" ");
                if (what.Length > 100) what = what[..97] + "...";
                var sess = e.Entry.SessionId ?? "-";
                if (sess.Length > 12) sess = sess[..12];
                Console.Out.WriteLine($"{e.Id,-6} {e.Entry.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),-19} {e.Entry.Verdict,-7} {e.Entry.Tool,-12} {e.FileCount,6} {e.Bytes,10}  {sess,-12} {what}");
            }
            return 0;
        });
    }

    /// <param name="putBack">How a file is put back: written by this process (the default), or, in the system
    /// daemon of enforced mode, handed to the root CLI that asked (the daemon cannot write users' files).</param>
    public static int Undo(string[] args, Action<string, SnapshotFile>? putBack = null)
    {
        long? id = null;
        string? session = null, stateDir = null;
        bool dryRun = false, force = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Out.WriteLine(UndoHelp); return 0;
                case "--dry-run" or "-n": dryRun = true; break;
                case "--force" or "-f": force = true; break;
                case "--session" when i + 1 < args.Length: session = args[++i]; break;
                case "--state-dir" when i + 1 < args.Length: stateDir = args[++i]; break;
                default:
                    if (id is null && long.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out var v)) { id = v; break; }
                    return Usage($"unexpected argument `{args[i]}` (see `interlock undo --help`).");
            }
        }
        if ((id is null) == (session is null)) return Usage("`undo` needs an event id (see `interlock history`) or `--session <id>`, not both.");
        return CliStore.With(stateDir, store =>
        {
            var log = store.Snapshots;
            List<SnapshotEvent> events;
            if (id is { } one)
            {
                if (log.Get(one) is not { } e) { Console.Error.WriteLine($"interlock: no captured event {one} (see `interlock history`)"); return ExitProblem; }
                events = [e];
            }
            else
            {
                events = [.. log.List(int.MaxValue, session)];
                if (events.Count == 0) { Console.Error.WriteLine($"interlock: no captured events for session {session}"); return ExitProblem; }
            }
            // Per path: restore the oldest pre-image; what the newest action left is what must be there now.
            var target = new Dictionary<string, SnapshotFile>(StringComparer.Ordinal);
            var expected = new Dictionary<string, string?>(StringComparer.Ordinal);
            foreach (var e in events.OrderBy(e => e.Id))
                foreach (var f in log.Files(e.Id))
                {
                    target.TryAdd(f.Path, f);
                    expected[f.Path] = f.AfterHash;
                }

            var restore = new List<SnapshotFile>();
            var conflicts = new List<string>();
            foreach (var (path, f) in target.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var current = CurrentHash(path);
                var mode = current == SnapshotHash.Absent || OperatingSystem.IsWindows() ? -1
                    : new FileInfo(path).LinkTarget is not null ? SnapshotHash.SymlinkMode | 0x1FF : (int)File.GetUnixFileMode(path);
                if (current == f.Hash && (f.Hash == SnapshotHash.Absent || mode == f.Mode)) continue; // already as it was
                if (expected[path] is { } after && !IsExpected(after, path, current))
                    conflicts.Add(path);
                restore.Add(f);
            }
            if (conflicts.Count > 0 && !force)
            {
                Console.Error.WriteLine($"interlock: {Plural.Of(conflicts.Count, "file")} {(conflicts.Count == 1 ? "has" : "have")} changed since the action; nothing was restored (use --force to overwrite them):");
                foreach (var c in conflicts) Console.Error.WriteLine($"  {c}");
                return ExitProblem;
            }
            if (restore.Count == 0) { Console.Out.WriteLine("nothing to restore: every file is as it was before the action"); return 0; }
            var failed = 0;
            foreach (var f in restore)
            {
                var note = conflicts.Contains(f.Path) ? " (overwriting newer changes)" : "";
                if (dryRun)
                {
                    Console.Out.WriteLine(f.Hash == SnapshotHash.Absent ? $"would remove {f.Path}" : $"would restore {f.Path} ({f.Size} bytes, mode {Convert.ToString(f.Mode, 8)}){note}");
                    continue;
                }
                try
                {
                    (putBack ?? Restore)(log.ObjectsDirectory, f);
                    Console.Out.WriteLine(f.Hash == SnapshotHash.Absent ? $"removed {f.Path}" : $"restored {f.Path} ({f.Size} bytes){note}");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    Console.Error.WriteLine($"interlock: could not restore {f.Path}: {e.Message}");
                    failed++;
                }
            }
            return failed > 0 ? ExitIo : 0;
        });
    }

    /// <summary>Whether the file is still what the action left (so restoring overwrites nothing newer).</summary>
    private static bool IsExpected(string after, string path, string currentHash)
    {
        if (!after.StartsWith(SnapshotHash.GitBlobPrefix, StringComparison.Ordinal) && !after.StartsWith(SnapshotHash.NotebookPrefix, StringComparison.Ordinal))
            return currentHash == after;
        if (currentHash == SnapshotHash.Absent) return false;
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (after.StartsWith(SnapshotHash.NotebookPrefix, StringComparison.Ordinal))
                return FileEditAnalyzer.NotebookText(Encoding.UTF8.GetString(bytes)) is { } text &&
                       SnapshotHash.NotebookPrefix + ObjectStore.Hash(Encoding.UTF8.GetBytes(text)) == after;
            var header = Encoding.ASCII.GetBytes($"blob {bytes.Length}\0");
            return SnapshotHash.GitBlobPrefix + Convert.ToHexStringLower(SHA1.HashData([.. header, .. bytes])) == after;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string CurrentHash(string path)
    {
        try
        {
            if (new FileInfo(path).LinkTarget is { } link) return ObjectStore.Hash(Encoding.UTF8.GetBytes(link));
            if (!File.Exists(path)) return SnapshotHash.Absent;
            return ObjectStore.Hash(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable";
        }
    }

    private static void Restore(string objects, SnapshotFile f) =>
        Restore(f, f.Hash == SnapshotHash.Absent ? null : StoredCopy(objects, f));

    /// <summary>The stored pre-image of <paramref name="f"/>, checked against its hash.</summary>
    internal static byte[] StoredCopy(string objects, SnapshotFile f)
    {
        var content = ObjectStore.Read(objects, f.Hash);
        if (ObjectStore.Hash(content) != f.Hash) throw new InvalidDataException($"the stored copy {f.Hash} is damaged");
        return content;
    }

    /// <summary>Puts <paramref name="f"/> back with <paramref name="content"/> (null: it did not exist, so it goes).</summary>
    internal static void Restore(SnapshotFile f, byte[]? content)
    {
        if (content is null)
        {
            if (File.Exists(f.Path) || new FileInfo(f.Path).LinkTarget is not null) File.Delete(f.Path);
            return;
        }
        if (ObjectStore.Hash(content) != f.Hash) throw new InvalidDataException($"the stored copy {f.Hash} is damaged");
        var dir = Path.GetDirectoryName(f.Path)!;
        Directory.CreateDirectory(dir);
        if (SnapshotHash.IsSymlink(f.Mode))
        {
            if (Directory.Exists(f.Path) && new DirectoryInfo(f.Path).LinkTarget is null) throw new IOException($"{f.Path} is now a directory");
            if (File.Exists(f.Path) || new FileInfo(f.Path).LinkTarget is not null) File.Delete(f.Path);
            File.CreateSymbolicLink(f.Path, Encoding.UTF8.GetString(content));
            return;
        }
        var temp = Path.Combine(dir, $".interlock-undo-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var s = new FileStream(temp, options)) s.Write(content);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, (UnixFileMode)f.Mode);
            if (Directory.Exists(f.Path)) throw new IOException($"{f.Path} is now a directory");
            File.Move(temp, f.Path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"interlock: {message}");
        return ExitUsage;
    }
}
