using Interlock.State;
using Interlock.State.Postgres;
using Npgsql;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>
/// Audit retention on every store: a prune archives a verified prefix, deletes it and leaves a checkpoint in one
/// transaction; verification starts from the checkpoint and names every way of tampering with it; an archive is
/// proven against its checkpoint; appends running during a prune are neither lost nor unchained. SQLite always,
/// PostgreSQL when INTERLOCK_TEST_POSTGRES is set (and always in CI).
/// </summary>
public sealed class AuditRetentionContract : IDisposable
{
    public static TheoryData<string> Backends => ApprovalStoreContract.Backends;

    private readonly TempStateDir _dir = new();
    private PostgresTestDatabase? _db;
    private readonly List<IAsyncDisposable> _opened = [];

    public void Dispose()
    {
        lock (_opened) foreach (var s in _opened) s.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _db?.Dispose();
        _dir.Dispose();
    }

    private string ArchiveDir => Path.Combine(_dir.Path, "archive");

    /// <summary>Another connection to the test's one database (another process or replica).</summary>
    private IAuditLog Open(string backend)
    {
        IAsyncDisposable store;
        lock (_opened)
        {
            if (backend == "sqlite") store = _dir.Open(busyTimeoutMs: 30_000);
            else
            {
                _db ??= new PostgresTestDatabase();
                store = PostgresStateStore.Open(PostgresStateStore.CreateDataSource(_db.ConnectionString));
            }
            _opened.Add(store);
        }
        return ((IStateStore)store).Audit;
    }

    /// <summary>Tampering the way someone with access to the database would.</summary>
    private void Sql(string backend, string sql)
    {
        if (backend == "sqlite") { _dir.Sql(sql); return; }
        using var c = new NpgsqlConnection(_db!.ConnectionString);
        c.Open();
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }

    private static readonly DateTimeOffset Now = Entries.T0.AddDays(100);

    private string ArchivePath(AuditPrunePlan plan)
    {
        Directory.CreateDirectory(ArchiveDir);
        return Path.Combine(ArchiveDir, plan.ArchiveFileName(Now));
    }

    private async Task<(AuditCheckpoint Checkpoint, string Archive)> Prune(IAuditLog log, AuditCutoff cutoff)
    {
        var plan = await log.PlanPruneAsync(cutoff);
        Assert.NotNull(plan);
        var archive = ArchivePath(plan);
        return (await log.PruneAsync(plan, archive, Now), archive);
    }

    private static async Task<AuditArchiveVerification> VerifyArchive(IAuditLog log, string path)
    {
        await using var file = File.OpenRead(path);
        return await AuditArchiveVerifier.VerifyAsync(file, Path.GetFileName(path), await log.GetCheckpointsAsync());
    }

    private static string Problems(AuditVerification v) => string.Join("; ", v.Problems.Select(p => $"{p.Sequence} {p.Kind}: {p.Message}"));

    // Entries.Make(i) is written at T0 + i seconds: "before T0 + 10.5 s" selects records 1 to 10.
    private static AuditCutoff BeforeRecord(double i, long keep = 0) => new(Entries.T0.AddSeconds(i), keep);

    [Theory, MemberData(nameof(Backends))]
    public async Task A_prune_archives_the_prefix_removes_it_and_leaves_a_checkpoint_verify_starts_from(string backend)
    {
        var log = Open(backend);
        var written = await Entries.AppendMany(log, 30);

        var plan = (await log.PlanPruneAsync(BeforeRecord(10.5)))!;
        Assert.Equal((1L, 10L, 10L, 30L), (plan.FirstSequence, plan.LastSequence, plan.Count, plan.HeadSequence));
        Assert.Equal((Entries.T0.AddSeconds(1), Entries.T0.AddSeconds(10)), (plan.Oldest, plan.Newest));
        Assert.Null(plan.Previous);
        Assert.Equal(30, (await Entries.All(log)).Count); // planning changes nothing

        var archive = ArchivePath(plan);
        var checkpoint = await log.PruneAsync(plan, archive, Now);
        Assert.Equal((1L, 1L, 10L, 10L), (checkpoint.Id, checkpoint.FirstSequence, checkpoint.LastSequence, checkpoint.Count));
        Assert.Equal(written[9].Hash, checkpoint.LastHash);
        Assert.Equal(Path.GetFileName(archive), checkpoint.ArchiveName);
        Assert.Equal(AuditChain.GenesisHash, checkpoint.PreviousHash);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(archive))), checkpoint.ArchiveSha256);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(archive));
        Assert.False(File.Exists(archive + ".partial"));

        // The archive is what `audit export --jsonl` wrote for those records, line for line.
        Assert.Equal(written.Take(10).Select(AuditJsonl.ToLine), File.ReadAllLines(archive));
        Assert.Equal(written.Skip(10), await Entries.All(log));
        Assert.Equal(checkpoint, Assert.Single(await log.GetCheckpointsAsync()));
        Assert.Equal(new AuditHead(30, written[^1].Hash, checkpoint.Hash), await log.GetHeadAsync());

        var v = await AuditVerifier.VerifyAsync(log);
        Assert.True(v.Intact, Problems(v));
        Assert.Equal((20L, 30L), (v.RecordCount, v.LastSequence));
        Assert.Equal(checkpoint, v.Checkpoint);
        var a = await VerifyArchive(log, archive);
        Assert.True(a.Intact, string.Join("; ", a.Problems));
        Assert.Equal((10L, 1L, 10L), (a.RecordCount, a.FirstSequence, a.LastSequence));

        // A second prune chains its checkpoint to the first; the hook keeps appending after it.
        var (second, secondArchive) = await Prune(log, BeforeRecord(1000, keep: 5));
        Assert.Equal((2L, 11L, 25L, checkpoint.Hash), (second.Id, second.FirstSequence, second.LastSequence, second.PreviousHash));
        await log.AppendAsync(Entries.Make(31));
        v = await AuditVerifier.VerifyAsync(log);
        Assert.True(v.Intact, Problems(v));
        Assert.Equal((6L, 31L, 2L), (v.RecordCount, v.LastSequence, v.Checkpoint!.Id));
        Assert.True((await VerifyArchive(log, archive)).Intact);
        var a2 = await VerifyArchive(log, secondArchive);
        Assert.True(a2.Intact, string.Join("; ", a2.Problems));
        Assert.Equal(2, a2.Checkpoint!.Id);

        // Everything pruned: the checkpoint alone anchors the head.
        var (third, _) = await Prune(log, new AuditCutoff(Entries.T0.AddDays(1), 0));
        Assert.Equal(31, third.LastSequence);
        v = await AuditVerifier.VerifyAsync(log);
        Assert.True(v.Intact, Problems(v));
        Assert.Equal((0L, 31L), (v.RecordCount, v.LastSequence));
        Assert.Equal(32, (await log.AppendAsync(Entries.Make(32))).Sequence);
        Assert.True((await AuditVerifier.VerifyAsync(log)).Intact);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Only_a_prefix_goes_and_keep_is_honoured(string backend)
    {
        var log = Open(backend);
        await Entries.AppendMany(log, 4);
        await log.AppendAsync(Entries.Make(50)); // record 5 is young (a clock that jumped, a late writer)
        await log.AppendAsync(Entries.Make(6));
        await log.AppendAsync(Entries.Make(7));

        Assert.Null(await log.PlanPruneAsync(BeforeRecord(0.5))); // nothing is that old
        Assert.Null(await log.PlanPruneAsync(new AuditCutoff(null, 7))); // keep all seven
        Assert.Equal(4, (await log.PlanPruneAsync(BeforeRecord(10)))!.LastSequence); // stops before record 5, though 6 and 7 are old
        Assert.Equal(3, (await log.PlanPruneAsync(BeforeRecord(10, keep: 4)))!.LastSequence);
        Assert.Equal(5, (await log.PlanPruneAsync(new AuditCutoff(null, 2)))!.LastSequence);
        await Assert.ThrowsAsync<ArgumentException>(async () => await log.PlanPruneAsync(new AuditCutoff(null, 0)));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Records_deleted_just_after_the_checkpoint_are_named(string backend)
    {
        var log = Open(backend);
        await Entries.AppendMany(log, 20);
        await Prune(log, BeforeRecord(10.5));
        Sql(backend, "DELETE FROM audit WHERE seq IN (11, 12);");
        var v = await AuditVerifier.VerifyAsync(log);
        Assert.False(v.Intact);
        var missing = v.Problems.First(p => p.Kind == "missing");
        Assert.Equal(11, missing.Sequence);
        Assert.Contains("records 11 to 12 are missing: checkpoint 1 accounts for records up to 10", missing.Message);
        Assert.Contains("records after the checkpoint were deleted", missing.Message);
        Assert.Contains(v.Problems, p => p.Sequence == 13 && p.Kind == "broken-link" && p.Message.Contains("does not follow checkpoint 1"));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task The_first_remaining_record_must_link_to_the_checkpoint(string backend)
    {
        var log = Open(backend);
        await Entries.AppendMany(log, 12);
        await Prune(log, BeforeRecord(10.5));
        // A forged record 11 that hashes correctly but does not follow record 10.
        var r = (await log.GetAsync(11))!;
        var forged = AuditChain.Seal(r.Entry with { Verdict = "allow" }, 11, AuditChain.GenesisHash);
        Sql(backend, $"UPDATE audit SET verdict = 'allow', prev_hash = '{forged.PreviousHash}', hash = '{forged.Hash}' WHERE seq = 11;");
        var v = await AuditVerifier.VerifyAsync(log);
        Assert.Contains(v.Problems, p => p.Sequence == 11 && p.Kind == "broken-link" && p.Message.Contains("does not follow checkpoint 1") && p.Message.Contains("record 10"));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public async Task An_edited_checkpoint_is_named(string backend)
    {
        foreach (var edit in new[] { "count = 9", "last_seq = 9", "archive_sha256 = 'ab'", "pruned_at = '2020-01-01T00:00:00.000000Z'", "last_hash = prev_hash" })
        {
            using var scope = new AuditRetentionContract();
            var log = scope.Open(backend);
            await Entries.AppendMany(log, 15);
            await scope.Prune(log, BeforeRecord(10.5));
            scope.Sql(backend, $"UPDATE audit_checkpoint SET {edit} WHERE id = 1;");
            var v = await AuditVerifier.VerifyAsync(log);
            Assert.False(v.Intact, edit);
            Assert.Contains(v.Problems, p => p.Kind == "checkpoint" && p.Message.Contains("checkpoint 1 (records") && p.Message.Contains("was changed after it was written"));
        }
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_removed_checkpoint_is_named_while_records_are_missing(string backend)
    {
        var log = Open(backend);
        await Entries.AppendMany(log, 15);
        await Prune(log, BeforeRecord(10.5));
        Sql(backend, "DELETE FROM audit_checkpoint;");
        var v = await AuditVerifier.VerifyAsync(log);
        Assert.Contains(v.Problems, p => p.Sequence == 1 && p.Kind == "checkpoint" && p.Message.Contains("the checkpoint of the last prune is missing"));
        Assert.Contains(v.Problems, p => p.Sequence == 1 && p.Kind == "missing" && p.Message.Contains("records 1 to 10 are missing")
            && p.Message.Contains("no checkpoint accounts for the records before it"));

        // Removing the head's trace too still leaves the gap, named as such.
        Sql(backend, "UPDATE audit_head SET checkpoint_hash = NULL;");
        v = await AuditVerifier.VerifyAsync(log);
        var p = Assert.Single(v.Problems, p => p.Kind != "broken-link");
        Assert.Contains("records 1 to 10 are missing", p.Message);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Removing_the_latest_of_two_checkpoints_or_putting_a_record_back_is_named(string backend)
    {
        var log = Open(backend);
        await Entries.AppendMany(log, 30);
        await Prune(log, BeforeRecord(10.5));
        var (_, secondArchive) = await Prune(log, BeforeRecord(20.5));
        Sql(backend, "DELETE FROM audit_checkpoint WHERE id = 2;");
        var v = await AuditVerifier.VerifyAsync(log);
        Assert.Contains(v.Problems, p => p.Kind == "checkpoint" && p.Message.Contains("is not the checkpoint the last prune recorded in the chain head"));
        Assert.Contains(v.Problems, p => p.Sequence == 11 && p.Kind == "missing" && p.Message.Contains("records 11 to 20 are missing"));
        // The archive of the removed checkpoint no longer proves anything.
        Assert.False((await VerifyArchive(log, secondArchive)).Intact);

        // A pruned record put back is not silently accepted either.
        using var other = new AuditRetentionContract();
        var log2 = other.Open(backend);
        var written = await Entries.AppendMany(log2, 15);
        await other.Prune(log2, BeforeRecord(10.5));
        var r = written[4];
        other.Sql(backend, $"""
            INSERT INTO audit (seq, ts, harness, session_id, cwd, tool, request, verdict, rule_id, reason, effects, decision_us, prev_hash, hash)
            VALUES (5, '{AuditChain.FormatTimestamp(r.Entry.Timestamp)}', 'claude-code', 's1', '/home/dev/project', 'Bash', 'echo 5', '{r.Entry.Verdict}', '{r.Entry.RuleId}', '{r.Entry.Reason}', '[]', {r.Entry.DecisionMicros}, '{r.PreviousHash}', '{r.Hash}');
            """);
        var v2 = await AuditVerifier.VerifyAsync(log2);
        Assert.Contains(v2.Problems, p => p.Sequence == 5 && p.Kind == "checkpoint" && p.Message.Contains("still stored although checkpoint 1"));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_changed_truncated_or_foreign_archive_is_not_proven(string backend)
    {
        var log = Open(backend);
        await Entries.AppendMany(log, 15);
        var (checkpoint, archive) = await Prune(log, BeforeRecord(10.5));
        var lines = File.ReadAllLines(archive);

        File.WriteAllLines(archive, lines.Select((l, i) => i == 3 ? l.Replace("\"verdict\":\"allow\"", "\"verdict\":\"deny\"") : l));
        var edited = await VerifyArchive(log, archive);
        Assert.Contains(edited.Problems, p => p.Sequence == 4 && p.Kind == "edited");
        Assert.Contains(edited.Problems, p => p.Message.Contains($"is not the one checkpoint 1 recorded for its archive ({checkpoint.ArchiveSha256})"));

        File.WriteAllLines(archive, lines.Take(9));
        var cut = await VerifyArchive(log, archive);
        Assert.Contains(cut.Problems, p => p.Message.Contains("the archive ends at record 9, but checkpoint 1 removed records up to 10"));

        File.WriteAllLines(archive, lines.Where((_, i) => i != 5));
        Assert.Contains((await VerifyArchive(log, archive)).Problems, p => p.Sequence == 6 && p.Message.Contains("record 6 is missing from the archive"));

        File.WriteAllLines(archive, lines.Skip(1));
        Assert.Contains((await VerifyArchive(log, archive)).Problems, p => p.Message.Contains("the archive starts at record 2"));

        File.WriteAllText(archive, "not json\n");
        Assert.Contains((await VerifyArchive(log, archive)).Problems, p => p.Kind == "malformed" && p.Message.Contains("line 1 is not an audit record"));

        // An archive of another trail: its records chain, but no checkpoint here ends at them.
        using var other = new AuditRetentionContract();
        var otherLog = other.Open("sqlite");
        for (var i = 100; i < 112; i++) await otherLog.AppendAsync(Entries.Make(i, session: "elsewhere"));
        var (_, foreign) = await other.Prune(otherLog, new AuditCutoff(null, 1));
        var f = await VerifyArchive(log, foreign);
        Assert.Contains(f.Problems, p => p.Kind == "checkpoint" && p.Message.Contains("no checkpoint covers the archive"));

        File.WriteAllLines(archive, lines);
        Assert.True((await VerifyArchive(log, archive)).Intact);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_tampered_prefix_is_not_pruned_and_no_archive_is_left(string backend)
    {
        var log = Open(backend);
        await Entries.AppendMany(log, 12);
        Sql(backend, "UPDATE audit SET reason = 'nothing to see' WHERE seq = 3;");
        var plan = (await log.PlanPruneAsync(BeforeRecord(10.5)))!;
        var archive = ArchivePath(plan);
        var e = await Assert.ThrowsAsync<AuditPruneException>(async () => await log.PruneAsync(plan, archive, Now));
        Assert.Contains("record 3 was changed after it was written", e.Message);
        Assert.Contains("nothing was pruned", e.Message);
        Assert.False(e.Conflict);
        Assert.Empty(Directory.GetFiles(ArchiveDir));
        Assert.Equal(12, (await Entries.All(log)).Count);
        Assert.Empty(await log.GetCheckpointsAsync());
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task An_archive_is_never_overwritten_and_no_archive_must_be_asked_for(string backend)
    {
        var log = Open(backend);
        await Entries.AppendMany(log, 12);
        var plan = (await log.PlanPruneAsync(BeforeRecord(5.5)))!;
        var archive = ArchivePath(plan);
        File.WriteAllText(archive, "an older archive\n");
        var e = await Assert.ThrowsAsync<AuditPruneException>(async () => await log.PruneAsync(plan, archive, Now));
        Assert.Contains("already exists", e.Message);
        Assert.Equal("an older archive\n", File.ReadAllText(archive));
        Assert.Equal(12, (await Entries.All(log)).Count);

        var checkpoint = await log.PruneAsync(plan, null, Now); // the caller said --no-archive
        Assert.Null(checkpoint.ArchiveName);
        Assert.Null(checkpoint.ArchiveSha256);
        var v = await AuditVerifier.VerifyAsync(log);
        Assert.True(v.Intact, Problems(v));
        Assert.Contains("without an archive", v.Checkpoint!.Describe());
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_prune_that_lost_a_race_with_another_removes_nothing_and_leaves_no_archive(string backend)
    {
        var log = Open(backend);
        var other = Open(backend);
        await Entries.AppendMany(log, 20);
        var late = (await log.PlanPruneAsync(BeforeRecord(10.5)))!;
        await Prune(other, BeforeRecord(5.5));
        var archive = ArchivePath(late);
        var e = await Assert.ThrowsAsync<AuditPruneException>(async () => await log.PruneAsync(late, archive, Now));
        Assert.True(e.Conflict);
        Assert.Contains("another prune", e.Message);
        Assert.False(File.Exists(archive));
        Assert.Single(await log.GetCheckpointsAsync());
        Assert.True((await AuditVerifier.VerifyAsync(log)).Intact);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Appends_during_prunes_are_neither_lost_nor_unchained(string backend)
    {
        const int writers = 4, each = 60;
        var pruner = Open(backend);
        var logs = Enumerable.Range(0, writers).Select(_ => Open(backend)).ToArray();
        var appended = new System.Collections.Concurrent.ConcurrentBag<AuditRecord>();
        // Writers hold their second half until a prune has committed, so at least one prune always lands while
        // they are still appending, however the machine schedules the threads (a loaded CI box once let the
        // writers finish before the first prune).
        var firstPrune = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var appending = Task.WhenAll(logs.Select((l, w) => Task.Run(async () =>
        {
            for (var i = 0; i < each; i++)
            {
                if (i == each / 2) await firstPrune.Task;
                appended.Add(await l.AppendAsync(Entries.Make(w * 1000 + i, session: $"w{w}")));
            }
        })));
        var archives = new List<string>();
        int prunes = 0, prunesWhileAppending = 0;
        while (!appending.IsCompleted || prunes == 0)
        {
            // Keep the newest 10: whatever is older goes, while the writers keep appending.
            var plan = await pruner.PlanPruneAsync(new AuditCutoff(null, 10));
            if (plan is not null)
            {
                var path = ArchivePath(plan);
                await pruner.PruneAsync(plan, path, Now);
                archives.Add(path);
                prunes++;
                if (!appending.IsCompleted) prunesWhileAppending++;
                firstPrune.TrySetResult();
            }
            await Task.Delay(2);
        }
        await appending;
        Assert.True(prunesWhileAppending >= 1, $"no prune committed while the writers were appending ({prunes} after)");

        var live = await Entries.All(pruner);
        var archived = archives.SelectMany(File.ReadAllLines).Select(l => AuditJsonl.Parse(System.Text.Encoding.UTF8.GetBytes(l), out _)!).ToList();
        var all = archived.Concat(live).ToList();
        Assert.Equal(Enumerable.Range(1, writers * each).Select(i => (long)i), all.Select(r => r.Sequence)); // none lost, none twice
        Assert.Equal(appended.OrderBy(r => r.Sequence), all); // each exactly as its writer sealed it
        for (var i = 1; i < all.Count; i++) Assert.Equal(all[i - 1].Hash, all[i].PreviousHash);

        var v = await AuditVerifier.VerifyAsync(pruner);
        Assert.True(v.Intact, Problems(v));
        foreach (var path in archives) Assert.True((await VerifyArchive(pruner, path)).Intact, path);
    }
}
