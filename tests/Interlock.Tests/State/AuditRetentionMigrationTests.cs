using Interlock.State;
using Interlock.State.Postgres;
using Interlock.State.Sqlite;
using Npgsql;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>A trail written before retention existed (SQLite schema 5, PostgreSQL schema 1) is migrated on open,
/// still verifies, and can be pruned.</summary>
public sealed class AuditRetentionMigrationTests
{
    private static List<AuditRecord> Chain(int count)
    {
        var records = new List<AuditRecord>();
        var previous = AuditChain.GenesisHash;
        for (var i = 1; i <= count; i++)
        {
            var r = AuditChain.Seal(Entries.Make(i), i, previous);
            records.Add(r);
            previous = r.Hash;
        }
        return records;
    }

    private static string Insert(AuditRecord r) =>
        $"INSERT INTO audit (seq, ts, harness, session_id, cwd, tool, request, verdict, rule_id, reason, effects, decision_us, prev_hash, hash) VALUES " +
        $"({r.Sequence}, '{AuditChain.FormatTimestamp(r.Entry.Timestamp)}', '{r.Entry.Harness}', '{r.Entry.SessionId}', '{r.Entry.Cwd}', '{r.Entry.Tool}', '{r.Entry.Request}', " +
        $"'{r.Entry.Verdict}', '{r.Entry.RuleId}', '{r.Entry.Reason}', '{r.Entry.EffectsJson}', {r.Entry.DecisionMicros}, '{r.PreviousHash}', '{r.Hash}');";

    private static async Task PruneAndVerify(IAuditLog log, string archiveDir, List<AuditRecord> records)
    {
        var before = await AuditVerifier.VerifyAsync(log);
        Assert.True(before.Intact, string.Join("; ", before.Problems));
        Assert.Equal(records.Count, before.RecordCount);
        Assert.Equal(new AuditHead(records.Count, records[^1].Hash), await log.GetHeadAsync());

        var plan = (await log.PlanPruneAsync(new AuditCutoff(null, 3)))!;
        var archive = Path.Combine(archiveDir, plan.ArchiveFileName(Entries.T0));
        var checkpoint = await log.PruneAsync(plan, archive, Entries.T0.AddDays(1));
        Assert.Equal(records.Count - 3, checkpoint.LastSequence);
        var after = await AuditVerifier.VerifyAsync(log);
        Assert.True(after.Intact, string.Join("; ", after.Problems));
        Assert.Equal(3, after.RecordCount);
        Assert.Equal(records.Count + 1, (await log.AppendAsync(Entries.Make(99))).Sequence);
        Assert.True((await AuditVerifier.VerifyAsync(log)).Intact);
    }

    [Fact]
    public async Task A_schema_5_sqlite_trail_is_migrated_and_can_be_pruned()
    {
        using var dir = new TempStateDir();
        var records = Chain(8);
        using (var raw = dir.Raw())
        using (var cmd = raw.CreateCommand())
        {
            cmd.CommandText = "PRAGMA journal_mode = WAL;" + string.Join("\n", SqliteStateStore.Migrations.Take(5)) +
                "\nUPDATE audit_head SET seq = 8, hash = '" + records[^1].Hash + "';\n" + string.Join("\n", records.Select(Insert)) + "\nPRAGMA user_version = 5;";
            cmd.ExecuteNonQuery();
        }
        Assert.Equal(9, SqliteStateStore.SchemaVersion); // 6: audit checkpoints; 7: session files (provenance); 8: passkeys; 9: the asker's host and branch
        using var store = dir.Open(create: false);
        using (var raw = dir.Raw())
        using (var version = raw.CreateCommand())
        {
            version.CommandText = "PRAGMA user_version;";
            Assert.Equal(9L, version.ExecuteScalar());
        }
        Assert.Equal(records, await Entries.All(store.Audit));
        await PruneAndVerify(store.Audit, dir.Path, records);
    }

    [PostgresFact]
    public async Task A_schema_1_postgres_trail_is_migrated_and_can_be_pruned()
    {
        var admin = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)!;
        var schema = "m_" + Guid.NewGuid().ToString("N")[..16];
        using var dir = new TempStateDir();
        var records = Chain(8);
        await using (var c = new NpgsqlConnection(admin))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema}; SET search_path TO {schema};" + PostgresStateStore.Migrations[0] +
                "CREATE TABLE interlock_schema (version int NOT NULL); INSERT INTO interlock_schema VALUES (1);" +
                $"UPDATE audit_head SET seq = 8, hash = '{records[^1].Hash}';" + string.Join("\n", records.Select(Insert)), c);
            await cmd.ExecuteNonQueryAsync();
        }
        try
        {
            Assert.Equal(4, PostgresStateStore.SchemaVersion);
            var cs = new NpgsqlConnectionStringBuilder(admin) { SearchPath = schema }.ConnectionString;
            await using var store = await PostgresStateStore.OpenAsync(cs);
            await using (var c = new NpgsqlConnection(cs))
            {
                await c.OpenAsync();
                await using var version = new NpgsqlCommand("SELECT MAX(version) FROM interlock_schema;", c);
                Assert.Equal(4, Convert.ToInt32(await version.ExecuteScalarAsync()));
            }
            Assert.Equal(records, await Entries.All(store.Audit));
            await PruneAndVerify(store.Audit, dir.Path, records);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var c = new NpgsqlConnection(admin);
            await c.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA {schema} CASCADE;", c);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
