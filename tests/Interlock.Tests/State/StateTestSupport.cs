using Interlock.State;
using Interlock.State.Sqlite;
using Microsoft.Data.Sqlite;

namespace Interlock.Tests.State;

/// <summary>A private state directory under the temp directory, removed afterwards.</summary>
internal sealed class TempStateDir : IDisposable
{
    public TempStateDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "interlock-state-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string DatabasePath => System.IO.Path.Combine(Path, SqliteStateStoreOptions.DefaultFileName);

    public SqliteStateStore Open(int busyTimeoutMs = 5000, bool create = true) =>
        SqliteStateStore.Open(new SqliteStateStoreOptions { Directory = Path, BusyTimeoutMilliseconds = busyTimeoutMs, CreateIfMissing = create });

    /// <summary>A raw connection, for tampering the way someone with file access would.</summary>
    public SqliteConnection Raw()
    {
        var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ConnectionString);
        c.Open();
        return c;
    }

    public void Sql(string sql)
    {
        using var c = Raw();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

internal static class Entries
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static AuditEntry Make(int i, string? session = "s1") => new(
        T0.AddSeconds(i),
        "claude-code",
        session,
        "/home/dev/project",
        "Bash",
        $"echo {i}",
        i % 3 == 0 ? "ask" : "allow",
        i % 3 == 0 ? "git.discard-changes" : "allow",
        i % 3 == 0 ? "discards uncommitted changes" : "no destructive effect found",
        "[]",
        100 + i);

    public static async Task<List<AuditRecord>> AppendMany(IAuditLog log, int count)
    {
        var records = new List<AuditRecord>();
        for (var i = 1; i <= count; i++) records.Add(await log.AppendAsync(Make(i)));
        return records;
    }

    public static async Task<List<AuditRecord>> All(IAuditLog log)
    {
        var list = new List<AuditRecord>();
        await foreach (var r in log.ReadAsync()) list.Add(r);
        return list;
    }
}
