using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Interlock.State.Sqlite;

public sealed partial class SqliteStateStore : ISnapshotLog
{
    public ISnapshotLog Snapshots => this;

    public string ObjectsDirectory => Path.Combine(Path.GetDirectoryName(Location)!, "snapshots", "objects");

    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    private static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string s) =>
        DateTime.TryParseExact(s, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? new DateTimeOffset(t, TimeSpan.Zero) : DateTimeOffset.MinValue;

    public long Add(SnapshotEventEntry entry, IReadOnlyList<SnapshotFile> files) => Run(() =>
    {
        using var tx = _connection.BeginTransaction(deferred: false);
        long id;
        using (var cmd = _connection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = "INSERT INTO snapshot_event (ts, session_id, cwd, tool, request, verdict) VALUES ($ts, $s, $cwd, $tool, $req, $v) RETURNING id;";
            cmd.Parameters.AddWithValue("$ts", FormatTime(entry.Time));
            cmd.Parameters.AddWithValue("$s", (object?)entry.SessionId ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$cwd", entry.Cwd);
            cmd.Parameters.AddWithValue("$tool", entry.Tool);
            cmd.Parameters.AddWithValue("$req", (object?)entry.Request ?? DBNull.Value);
            cmd.Parameters.AddWithValue("$v", entry.Verdict);
            id = (long)cmd.ExecuteScalar()!;
        }
        using (var ins = _connection.CreateCommand())
        {
            ins.Transaction = tx;
            ins.CommandText = "INSERT OR REPLACE INTO snapshot_file (event_id, path, hash, mode, size, after_hash) VALUES ($e, $p, $h, $m, $z, $a);";
            var e = ins.Parameters.Add("$e", SqliteType.Integer);
            var p = ins.Parameters.Add("$p", SqliteType.Text);
            var h = ins.Parameters.Add("$h", SqliteType.Text);
            var m = ins.Parameters.Add("$m", SqliteType.Integer);
            var z = ins.Parameters.Add("$z", SqliteType.Integer);
            var a = ins.Parameters.Add("$a", SqliteType.Text);
            foreach (var f in files)
            {
                e.Value = id; p.Value = f.Path; h.Value = f.Hash; m.Value = f.Mode; z.Value = f.Size;
                a.Value = (object?)f.AfterHash ?? DBNull.Value;
                ins.ExecuteNonQuery();
            }
        }
        tx.Commit();
        return id;
    });

    private const string EventSelect = """
        SELECT e.id, e.ts, e.session_id, e.cwd, e.tool, e.request, e.verdict,
               (SELECT COUNT(*) FROM snapshot_file f WHERE f.event_id = e.id),
               (SELECT COALESCE(SUM(f.size), 0) FROM snapshot_file f WHERE f.event_id = e.id)
        FROM snapshot_event e
        """;

    private static SnapshotEvent ReadEvent(SqliteDataReader r) => new(
        r.GetInt64(0),
        new SnapshotEventEntry(ParseTime(r.GetString(1)), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3), r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5), r.GetString(6)),
        r.GetInt32(7), r.GetInt64(8));

    public IReadOnlyList<SnapshotEvent> List(int count, string? sessionId = null) => Run<IReadOnlyList<SnapshotEvent>>(() =>
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = EventSelect + (sessionId is null ? "" : " WHERE e.session_id = $s") + " ORDER BY e.id DESC LIMIT $n;";
        if (sessionId is not null) cmd.Parameters.AddWithValue("$s", sessionId);
        cmd.Parameters.AddWithValue("$n", Math.Max(0, count));
        using var r = cmd.ExecuteReader();
        var list = new List<SnapshotEvent>();
        while (r.Read()) list.Add(ReadEvent(r));
        return list;
    });

    public SnapshotEvent? Get(long id) => Run(() =>
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = EventSelect + " WHERE e.id = $id;";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadEvent(r) : null;
    });

    public IReadOnlyList<SnapshotFile> Files(long id) => Run<IReadOnlyList<SnapshotFile>>(() =>
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT path, hash, mode, size, after_hash FROM snapshot_file WHERE event_id = $id ORDER BY path;";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        var list = new List<SnapshotFile>();
        while (r.Read()) list.Add(new SnapshotFile(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4)));
        return list;
    });

    public long StoredBytes() => Run(() =>
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(SUM(size), 0) FROM (SELECT hash, MAX(size) AS size FROM snapshot_file WHERE hash <> 'absent' GROUP BY hash);";
        return (long)cmd.ExecuteScalar()!;
    });

    public DateTimeOffset? OldestEventTime() => Run(() =>
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT ts FROM snapshot_event ORDER BY id LIMIT 1;";
        return cmd.ExecuteScalar() is string ts ? ParseTime(ts) : (DateTimeOffset?)null;
    });

    /// <summary>Longer than any hook call may run (its deadline is 10 s by default; the harness gives it 30 s).</summary>
    public static readonly TimeSpan CaptureGrace = TimeSpan.FromMinutes(2);

    public SnapshotPrune Prune(DateTimeOffset cutoff) => Run(() =>
    {
        int events;
        HashSet<string> referenced = new(StringComparer.Ordinal);
        // Each copy the pruned events used, with the time of the newest of them (recorded after the copy was written).
        Dictionary<string, DateTime> lastUse = new(StringComparer.Ordinal);
        using (var tx = _connection.BeginTransaction(deferred: false))
        {
            using (var used = _connection.CreateCommand())
            {
                used.Transaction = tx;
                used.CommandText = "SELECT f.hash, MAX(e.ts) FROM snapshot_file f JOIN snapshot_event e ON e.id = f.event_id WHERE e.ts < $c GROUP BY f.hash;";
                used.Parameters.AddWithValue("$c", FormatTime(cutoff));
                using var r = used.ExecuteReader();
                while (r.Read()) lastUse[r.GetString(0)] = ParseTime(r.GetString(1)).UtcDateTime;
            }
            using (var del = _connection.CreateCommand())
            {
                del.Transaction = tx;
                del.CommandText = "DELETE FROM snapshot_file WHERE event_id IN (SELECT id FROM snapshot_event WHERE ts < $c); DELETE FROM snapshot_event WHERE ts < $c;";
                del.Parameters.AddWithValue("$c", FormatTime(cutoff));
                del.ExecuteNonQuery();
            }
            using (var count = _connection.CreateCommand())
            {
                count.Transaction = tx;
                count.CommandText = "SELECT changes();";
                events = Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            using (var refs = _connection.CreateCommand())
            {
                refs.Transaction = tx;
                refs.CommandText = "SELECT DISTINCT hash FROM snapshot_file;";
                using var r = refs.ExecuteReader();
                while (r.Read()) referenced.Add(r.GetString(0));
            }
            // Objects are removed while the write lock is held, so no capture can refer to one being removed.
            int objects = 0, inUse = 0;
            long bytes = 0;
            if (Directory.Exists(ObjectsDirectory))
            {
                foreach (var file in Directory.EnumerateFiles(ObjectsDirectory, "*", SearchOption.AllDirectories))
                {
                    var name = Path.GetFileName(file);
                    if (referenced.Contains(name)) continue;
                    // A capture writes (or touches) its objects before it records its event, within one hook call's
                    // deadline: an unreferenced object touched in the last CaptureGrace may be one being captured,
                    // unless nothing touched it after the newest pruned event that used it was recorded.
                    var written = File.GetLastWriteTimeUtc(file);
                    var idle = written <= DateTime.UtcNow - CaptureGrace || lastUse.TryGetValue(name, out var used) && written <= used;
                    if (!idle) { inUse++; continue; }
                    var size = new FileInfo(file).Length;
                    File.Delete(file);
                    objects++;
                    bytes += size;
                }
            }
            tx.Commit();
            return new SnapshotPrune(events, objects, bytes, inUse);
        }
    });
}
