using Interlock.State;
using Interlock.State.Sqlite;
using Xunit;

namespace Interlock.Tests.State;

public sealed class SqliteAuditLogTests : IDisposable
{
    private readonly TempStateDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Task<AuditVerification> Verify(IAuditLog log) => AuditVerifier.VerifyAsync(log).AsTask();

    [Fact]
    public async Task A_group_commit_stores_every_record_exactly_and_moves_the_head_to_its_last()
    {
        using var store = _dir.Open();
        var single = await store.Audit.AppendAsync(Entries.Make(0));
        // Nulls and values alternate between records of one batch: the reused parameters must not leak a value.
        var batch = Enumerable.Range(1, 9).Select(i => Entries.Make(i, session: i % 2 == 0 ? null : $"s{i}") with { Request = i % 3 == 0 ? null : $"echo {i}" }).ToList();
        var written = await store.AppendManyAsync(batch);
        var after = await store.Audit.AppendAsync(Entries.Make(10));

        Assert.Equal(Enumerable.Range(2, 9).Select(i => (long)i), written.Select(r => r.Sequence));
        Assert.Equal(single.Hash, written[0].PreviousHash);
        Assert.Equal(written[^1].Hash, after.PreviousHash);
        Assert.Equal(new AuditHead(11, after.Hash), await store.Audit.GetHeadAsync());
        var read = await Entries.All(store.Audit);
        Assert.Equal([single, .. written, after], read);
        Assert.True((await Verify(store.Audit)).Intact);
    }

    [Fact]
    public async Task Appends_chain_each_record_to_the_previous_one_and_verify()
    {
        using var store = _dir.Open();
        var written = await Entries.AppendMany(store.Audit, 10);

        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), written.Select(r => r.Sequence));
        Assert.Equal(AuditChain.GenesisHash, written[0].PreviousHash);
        for (var i = 1; i < written.Count; i++) Assert.Equal(written[i - 1].Hash, written[i].PreviousHash);

        var read = await Entries.All(store.Audit);
        Assert.Equal(written, read); // records (and their entries) compare by value: nothing changed on the way
        Assert.Equal(new AuditHead(10, written[^1].Hash), await store.Audit.GetHeadAsync());

        var result = await Verify(store.Audit);
        Assert.True(result.Intact, string.Join("; ", result.Problems));
        Assert.Equal(10, result.RecordCount);
        Assert.Equal(10, result.LastSequence);
    }

    [Fact]
    public async Task Get_and_tail_return_stored_records()
    {
        using var store = _dir.Open();
        await Entries.AppendMany(store.Audit, 7);
        Assert.Equal("echo 3", (await store.Audit.GetAsync(3))!.Entry.Request);
        Assert.Null(await store.Audit.GetAsync(8));
        var tail = await store.Audit.TailAsync(3);
        Assert.Equal([5L, 6L, 7L], tail.Select(r => r.Sequence));
        Assert.Equal(7, (await store.Audit.TailAsync(100)).Count);
    }

    [Fact]
    public async Task An_empty_log_verifies_and_has_a_zero_head()
    {
        using var store = _dir.Open();
        Assert.Equal(new AuditHead(0, AuditChain.GenesisHash), await store.Audit.GetHeadAsync());
        var result = await Verify(store.Audit);
        Assert.True(result.Intact);
        Assert.Equal(0, result.RecordCount);
    }

    [Fact]
    public async Task The_database_is_wal_versioned_and_survives_reopening()
    {
        using (var store = _dir.Open()) await Entries.AppendMany(store.Audit, 3);
        using (var raw = _dir.Raw())
        using (var cmd = raw.CreateCommand())
        {
            cmd.CommandText = "PRAGMA journal_mode;";
            Assert.Equal("wal", cmd.ExecuteScalar());
            cmd.CommandText = "PRAGMA user_version;";
            Assert.Equal((long)SqliteStateStore.SchemaVersion, cmd.ExecuteScalar());
        }
        using (var store = _dir.Open())
        {
            var r = await store.Audit.AppendAsync(Entries.Make(4));
            Assert.Equal(4, r.Sequence);
            Assert.True((await Verify(store.Audit)).Intact);
        }
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir.DatabasePath));
    }

    [Fact]
    public void A_newer_schema_is_refused_with_a_clear_error()
    {
        using (_dir.Open()) { }
        _dir.Sql("PRAGMA user_version = 99;");
        var e = Assert.Throws<StateStoreException>(() => _dir.Open());
        Assert.Contains("schema version 99", e.Message);
        Assert.Contains("upgrade interlock", e.Message);
    }

    [Fact]
    public void Readers_do_not_create_state()
    {
        var e = Assert.Throws<StateNotFoundException>(() => _dir.Open(create: false));
        Assert.Contains("no Interlock state", e.Message);
        Assert.False(File.Exists(_dir.DatabasePath));
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_reported()
    {
        File.WriteAllText(_dir.DatabasePath, new string('x', 5000));
        var e = Assert.Throws<StateStoreException>(() => _dir.Open());
        Assert.Contains("not a database", e.Message);
    }

    [Fact]
    public async Task A_write_lock_held_beyond_the_busy_timeout_fails_the_append_with_a_clear_error()
    {
        using (var s = _dir.Open()) await Entries.AppendMany(s.Audit, 1);
        using var holder = _dir.Raw();
        using (var begin = holder.CreateCommand()) { begin.CommandText = "BEGIN IMMEDIATE;"; begin.ExecuteNonQuery(); }

        using var store = _dir.Open(busyTimeoutMs: 100);
        var e = await Assert.ThrowsAsync<StateStoreException>(async () => await store.Audit.AppendAsync(Entries.Make(2)));
        Assert.Contains("locked", e.Message);

        using (var rollback = holder.CreateCommand()) { rollback.CommandText = "ROLLBACK;"; rollback.ExecuteNonQuery(); }
        Assert.Equal(2, (await store.Audit.AppendAsync(Entries.Make(2))).Sequence);
    }

    [Fact]
    public async Task The_wal_is_checkpointed_and_truncated_when_it_grows()
    {
        using var store = SqliteStateStore.Open(new SqliteStateStoreOptions { Directory = _dir.Path, WalCheckpointBytes = 32 * 1024 });
        await Entries.AppendMany(store.Audit, 60);
        Assert.True(new FileInfo(_dir.DatabasePath + "-wal").Length <= 32 * 1024 + 3 * 4120);
        Assert.True((await Verify(store.Audit)).Intact);
    }

    // ---- tampering: each must be detected and located -----------------------------------------------------

    private async Task Seed(int count)
    {
        using var store = _dir.Open();
        await Entries.AppendMany(store.Audit, count);
    }

    private async Task<AuditVerification> VerifyNow()
    {
        using var store = _dir.Open(create: false);
        return await Verify(store.Audit);
    }

    [Theory]
    [InlineData("reason = 'nothing to see'")]
    [InlineData("verdict = 'allow'")]
    [InlineData("request = 'echo harmless'")]
    [InlineData("ts = '2020-01-01T00:00:00.000000Z'")]
    [InlineData("ts = 'not a time'")]
    [InlineData("session_id = NULL")]
    [InlineData("decision_us = 1")]
    [InlineData("effects = '[{\"kind\":\"DeletePath\"}]'")]
    public async Task An_edited_field_is_detected_at_its_record(string assignment)
    {
        await Seed(8);
        _dir.Sql($"UPDATE audit SET {assignment} WHERE seq = 3;");
        var result = await VerifyNow();
        Assert.False(result.Intact);
        var p = Assert.Single(result.Problems);
        Assert.Equal(3, p.Sequence);
        Assert.Equal("edited", p.Kind);
        Assert.Contains("record 3 was changed", p.Message);
    }

    [Fact]
    public async Task An_edit_with_a_recomputed_hash_breaks_the_link_from_the_next_record()
    {
        await Seed(8);
        using (var store = _dir.Open())
        {
            var r = (await store.Audit.GetAsync(4))!;
            var forged = AuditChain.Seal(r.Entry with { Verdict = "allow", Reason = "fine" }, 4, r.PreviousHash);
            _dir.Sql($"UPDATE audit SET verdict = 'allow', reason = 'fine', hash = '{forged.Hash}' WHERE seq = 4;");
        }
        var result = await VerifyNow();
        var p = Assert.Single(result.Problems);
        Assert.Equal(5, p.Sequence);
        Assert.Contains("record 5 does not follow record 4", p.Message);
        Assert.Contains("no stored record has the hash it names", p.Message);
    }

    [Fact]
    public async Task A_deleted_record_is_detected_and_named()
    {
        await Seed(8);
        _dir.Sql("DELETE FROM audit WHERE seq = 5;");
        var result = await VerifyNow();
        Assert.False(result.Intact);
        Assert.Equal(5, result.Problems[0].Sequence);
        Assert.Equal("missing", result.Problems[0].Kind);
        Assert.Contains("record 5 is missing", result.Problems[0].Message);
        Assert.Contains(result.Problems, p => p.Sequence == 6 && p.Kind == "broken-link");
    }

    [Fact]
    public async Task Deleted_records_at_the_start_and_the_end_are_detected()
    {
        await Seed(8);
        _dir.Sql("DELETE FROM audit WHERE seq IN (1, 2);");
        var start = await VerifyNow();
        Assert.Equal(1, start.Problems[0].Sequence);
        Assert.Contains("records 1 to 2 are missing", start.Problems[0].Message);

        _dir.Sql("DELETE FROM audit WHERE seq = 8;");
        var end = await VerifyNow();
        Assert.Contains(end.Problems, p => p.Sequence == 8 && p.Kind == "missing" && p.Message.Contains("the last record was deleted"));
    }

    [Fact]
    public async Task Truncating_the_whole_log_is_detected()
    {
        await Seed(5);
        _dir.Sql("DELETE FROM audit;");
        var result = await VerifyNow();
        var p = Assert.Single(result.Problems);
        Assert.Equal(1, p.Sequence);
        Assert.Contains("records 1 to 5 are missing", p.Message);
    }

    [Fact]
    public async Task Two_swapped_records_are_detected_as_reordered_at_the_first_of_them()
    {
        await Seed(8);
        // Swap the order of records 5 and 6 (each keeps its contents and hashes, takes the other's place).
        _dir.Sql("UPDATE audit SET seq = -5 WHERE seq = 5; UPDATE audit SET seq = 5 WHERE seq = 6; UPDATE audit SET seq = 6 WHERE seq = -5;");
        var result = await VerifyNow();
        Assert.False(result.Intact);
        Assert.Equal(5, result.Problems[0].Sequence);
        Assert.All(result.Problems, p => Assert.InRange(p.Sequence, 5, 7));
        Assert.Contains(result.Problems, p => p.Sequence == 5 && p.Kind == "reordered" && p.Message.Contains("names record 6 as its predecessor"));
        Assert.Contains(result.Problems, p => p.Sequence == 5 && p.Kind == "edited");
    }

    [Fact]
    public async Task Swapping_contents_between_two_rows_is_detected()
    {
        await Seed(8);
        _dir.Sql("""
            CREATE TEMP TABLE saved AS SELECT seq, request FROM audit WHERE seq IN (2, 7);
            UPDATE audit SET request = (SELECT request FROM saved WHERE saved.seq = 9 - audit.seq) WHERE seq IN (2, 7);
            """);
        var result = await VerifyNow();
        Assert.Equal([2L, 7L], result.Problems.Select(p => p.Sequence));
        Assert.All(result.Problems, p => Assert.Equal("edited", p.Kind));
    }

    [Fact]
    public async Task A_record_appended_outside_interlock_is_detected()
    {
        await Seed(3);
        _dir.Sql("""
            INSERT INTO audit (seq, ts, harness, session_id, cwd, tool, request, verdict, rule_id, reason, effects, decision_us, prev_hash, hash)
            SELECT 4, ts, harness, session_id, cwd, tool, 'echo injected', verdict, rule_id, reason, effects, decision_us, hash, hash FROM audit WHERE seq = 3;
            """);
        var result = await VerifyNow();
        Assert.Contains(result.Problems, p => p.Sequence == 4 && p.Kind == "head-mismatch");
        Assert.Contains(result.Problems, p => p.Sequence == 4 && p.Kind == "edited");
    }

    [Fact]
    public async Task A_deleted_chain_head_is_detected()
    {
        await Seed(3);
        _dir.Sql("DELETE FROM audit_head;");
        var result = await VerifyNow();
        Assert.Contains(result.Problems, p => p.Kind == "head-mismatch" && p.Message.Contains("chain head is missing"));
        using var store = _dir.Open();
        var e = await Assert.ThrowsAsync<StateStoreException>(async () => await store.Audit.AppendAsync(Entries.Make(4)));
        Assert.Contains("tampered", e.Message);
    }
}
