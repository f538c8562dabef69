using Interlock.State.Provenance;

namespace Interlock.State.Sqlite;

public sealed partial class SqliteStateStore : ISessionFiles
{
    public ISessionFiles SessionFiles => this;

    public void Record(string sessionKey, IReadOnlyCollection<string> paths, string how, DateTimeOffset now) => Run(() =>
    {
        if (paths.Count == 0) return 0;
        using var tx = _connection.BeginTransaction(deferred: false);
        using (var upsert = Command(tx, """
            INSERT INTO session_file (session_key, path, how, at) VALUES ($k, $p, $h, $at)
            ON CONFLICT (session_key, path) DO UPDATE SET how = excluded.how, at = excluded.at;
            """))
        {
            var k = upsert.Parameters.AddWithValue("$k", sessionKey);
            var p = upsert.Parameters.AddWithValue("$p", "");
            upsert.Parameters.AddWithValue("$h", how.Length > 200 ? how[..197] + "..." : how);
            upsert.Parameters.AddWithValue("$at", FormatTime(now));
            foreach (var path in paths.Take(ISessionFiles.MaxPerSession))
            {
                p.Value = path;
                upsert.ExecuteNonQuery();
            }
        }
        // Bounded per session: the oldest entries beyond the limit go.
        using (var trim = Command(tx, """
            DELETE FROM session_file WHERE session_key = $k AND path IN (
                SELECT path FROM session_file WHERE session_key = $k ORDER BY at DESC LIMIT -1 OFFSET $max);
            """))
        {
            trim.Parameters.AddWithValue("$k", sessionKey);
            trim.Parameters.AddWithValue("$max", ISessionFiles.MaxPerSession);
            trim.ExecuteNonQuery();
        }
        tx.Commit();
        return 0;
    });

    public IReadOnlyDictionary<string, SessionFile> Written(string sessionKey) => Run(() =>
    {
        using var cmd = Command(null, "SELECT path, how, at FROM session_file WHERE session_key = $k;");
        cmd.Parameters.AddWithValue("$k", sessionKey);
        var result = new Dictionary<string, SessionFile>(StringComparer.Ordinal);
        using var r = cmd.ExecuteReader();
        while (r.Read()) result[r.GetString(0)] = new SessionFile(r.GetString(0), r.GetString(1), ParseTime(r.GetString(2)));
        return (IReadOnlyDictionary<string, SessionFile>)result;
    });

    public SessionFile? Find(string sessionKey, IReadOnlyList<string> paths) => Run(() =>
    {
        if (paths.Count == 0) return null;
        var names = string.Join(", ", paths.Select((_, i) => "$p" + i));
        using var cmd = Command(null, $"SELECT path, how, at FROM session_file WHERE session_key = $k AND path IN ({names}) ORDER BY at DESC LIMIT 1;");
        cmd.Parameters.AddWithValue("$k", sessionKey);
        for (var i = 0; i < paths.Count; i++) cmd.Parameters.AddWithValue("$p" + i, paths[i]);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new SessionFile(r.GetString(0), r.GetString(1), ParseTime(r.GetString(2))) : null;
    });
}
