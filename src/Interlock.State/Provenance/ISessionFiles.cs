namespace Interlock.State.Provenance;

/// <summary>A file an agent session wrote or changed: where, how (the tool or command), and when.</summary>
public sealed record SessionFile(string Path, string How, DateTimeOffset At);

/// <summary>
/// Which files each agent session wrote or changed (file tools and the writes of shell commands it ran), so that a
/// later action executing such a file that cannot be analysed (a binary, too big, unreadable) is stopped and names it
/// instead of being trusted as code that was already there. Per session, bounded: only the most recent
/// <see cref="MaxPerSession"/> paths of a session are kept.
/// </summary>
public interface ISessionFiles
{
    const int MaxPerSession = 10_000;

    /// <summary>Records that the session wrote <paramref name="paths"/> (absolute) by <paramref name="how"/>.</summary>
    void Record(string sessionKey, IReadOnlyCollection<string> paths, string how, DateTimeOffset now);

    /// <summary>The files the session wrote, by path (the latest write of each).</summary>
    IReadOnlyDictionary<string, SessionFile> Written(string sessionKey);

    /// <summary>The latest write by the session of any of <paramref name="paths"/> (a file and the directories above it),
    /// or null. One indexed query: the hook asks only about files it is about to treat as code.</summary>
    SessionFile? Find(string sessionKey, IReadOnlyList<string> paths);
}
