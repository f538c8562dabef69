namespace Interlock.State;

/// <summary>The marker stored instead of an object hash for a file that did not exist.</summary>
public static class SnapshotHash
{
    public const string Absent = "absent";

    /// <summary>Prefix of an expected state given as a git blob id (SHA-1 of "blob &lt;size&gt;\0" + content): what
    /// `git reset --hard` / `git checkout` leave is the committed file, known to git before the action.</summary>
    public const string GitBlobPrefix = "git-blob:";

    /// <summary>Prefix of an expected state given as the SHA-256 of a notebook's joined cell sources: NotebookEdit
    /// rewrites the JSON in its own formatting, so only the cells can be predicted.</summary>
    public const string NotebookPrefix = "notebook:";

    /// <summary>The file-type bits of a symbolic link (S_IFLNK) in <see cref="SnapshotFile.Mode"/>: the object then
    /// holds the link's target path, and undo recreates the link rather than a file.</summary>
    public const int SymlinkMode = 0xA000;

    public static bool IsSymlink(int mode) => (mode & 0xF000) == SymlinkMode;
}

/// <summary>One file captured before a destructive action.</summary>
/// <param name="Path">Absolute path.</param>
/// <param name="Hash">SHA-256 (lower-case hex) of the content in the object store, or <see cref="SnapshotHash.Absent"/>.</param>
/// <param name="Mode">Unix permission bits.</param>
/// <param name="Size">Bytes.</param>
/// <param name="AfterHash">What the action is expected to leave: a content hash, <see cref="SnapshotHash.Absent"/>
/// (deleted), or null when it cannot be known beforehand (git discarding changes, notebook edits).</param>
public sealed record SnapshotFile(string Path, string Hash, int Mode, long Size, string? AfterHash);

/// <summary>A destructive action as the hook saw it, before the store numbers it.</summary>
public sealed record SnapshotEventEntry(DateTimeOffset Time, string? SessionId, string Cwd, string Tool, string? Request, string Verdict);

/// <summary>A stored event with its totals.</summary>
public sealed record SnapshotEvent(long Id, SnapshotEventEntry Entry, int FileCount, long Bytes);

/// <summary>
/// Pre-images of files captured before destructive actions. Contents live in a content-addressed object store
/// (<see cref="ObjectsDirectory"/>, one file per SHA-256, written whole or not at all); the index of events and their
/// files lives in the state database.
/// </summary>
public interface ISnapshotLog
{
    /// <summary>Where content objects are stored.</summary>
    string ObjectsDirectory { get; }

    /// <summary>Records an event and its files (whose objects must already be stored); returns its id.</summary>
    long Add(SnapshotEventEntry entry, IReadOnlyList<SnapshotFile> files);

    /// <summary>The latest <paramref name="count"/> events (of one session when given), newest first.</summary>
    IReadOnlyList<SnapshotEvent> List(int count, string? sessionId = null);

    SnapshotEvent? Get(long id);

    IReadOnlyList<SnapshotFile> Files(long id);

    /// <summary>The bytes of distinct objects the index refers to (what the size cap counts).</summary>
    long StoredBytes();

    /// <summary>When the oldest recorded event happened, or null when there is none (cheap: one indexed query).</summary>
    DateTimeOffset? OldestEventTime();

    /// <summary>Removes events older than <paramref name="cutoff"/> and the stored copies no event refers to any more
    /// (a copy a capture may be recording right now is kept and counted in <see cref="SnapshotPrune.ObjectsInUse"/>).</summary>
    SnapshotPrune Prune(DateTimeOffset cutoff);
}

/// <summary>What a prune removed: events, stored copies and their bytes, and the unreferenced copies it kept because a
/// capture may be recording them right now.</summary>
public readonly record struct SnapshotPrune(int Events, int Objects, long FreedBytes, int ObjectsInUse);
