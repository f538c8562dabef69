using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Interlock.State;
using Interlock.State.Identity;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>Audit retention on the server: start-up validation, the periodic prune, the admin-only endpoint and the
/// CLI's --server forms.</summary>
public sealed class AuditRetentionServerTests
{
    private const string ProdA = "/srv/infra/prod-a";

    private static string ArchiveDir(ServerOptions o) => Path.Combine(o.DataDirectory, "archive");

    private static async Task<string> AuditAdminToken(TestServer t) => await t.Server.Service.Store.RunAsync(async (_, _, ids) =>
    {
        var now = DateTimeOffset.UtcNow;
        await ids.SaveUserAsync("auditor", ["audit-admins"], now);
        return (await ids.IssueTokenAsync(TokenKind.Human, "auditor", null, now, null)).Secret;
    });

    public static TheoryData<string, string> BadConfigurations => new()
    {
        { "retention-without-archive", "add `--audit-archive-dir DIR`" },
        { "archive-and-no-archive", "contradict each other" },
        { "keep-without-retention", "`--audit-keep` only applies with `--audit-retention`" },
        { "unwritable-archive-dir", "the server cannot write there" },
    };

    [Theory, MemberData(nameof(BadConfigurations))]
    public async Task Retention_settings_that_cannot_work_stop_the_server_from_starting(string config, string expected)
    {
        var data = Path.Combine(Path.GetTempPath(), "interlock-retention-config-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        try
        {
            var blocker = Path.Combine(data, "a-file");
            File.WriteAllText(blocker, "");
            var o = new ServerOptions { Url = "http://127.0.0.1:0", DataDirectory = data };
            o = config switch
            {
                "retention-without-archive" => o with { AuditRetention = TimeSpan.FromDays(90) },
                "archive-and-no-archive" => o with { AuditArchiveDirectory = Path.Combine(data, "archive"), AuditNoArchive = true },
                "keep-without-retention" => o with { AuditKeep = 100 },
                _ => o with { AuditRetention = TimeSpan.FromDays(90), AuditArchiveDirectory = Path.Combine(blocker, "archive") },
            };
            var e = await Assert.ThrowsAsync<ServerConfigurationException>(() => InterlockServer.StartAsync(o));
            Assert.Contains(expected, e.Message);
            Assert.False(File.Exists(Path.Combine(data, "interlock-server.db")), "nothing is opened before the options are valid");
        }
        finally
        {
            Directory.Delete(data, true);
        }
    }

    [Theory]
    [InlineData("--audit-retention 90x", "`--audit-retention` needs a positive age")]
    [InlineData("--audit-retention 0d", "`--audit-retention` needs a positive age")]
    [InlineData("--audit-keep -5", "`--audit-keep` needs a number of records")]
    [InlineData("--audit-prune-every soon", "`--audit-prune-every` needs a positive age")]
    public void Malformed_retention_options_are_refused_with_what_to_write(string args, string expected)
    {
        var e = Assert.ThrowsAny<Exception>(() => ServerMain.ParseOptions(args.Split(' ')));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Retention_options_are_parsed()
    {
        var (o, rest) = ServerMain.ParseOptions(["--audit-retention", "90d", "--audit-archive-dir", "/var/lib/interlock/archive", "--audit-keep", "1000", "--audit-prune-every", "6h", "--audit-admin-group", "sec"]);
        Assert.Empty(rest);
        Assert.Equal((TimeSpan.FromDays(90), "/var/lib/interlock/archive", 1000L, TimeSpan.FromHours(6), "sec"),
            (o.AuditRetention!.Value, o.AuditArchiveDirectory, o.AuditKeep, o.AuditPruneEvery, o.AuditAdminGroup));
        Assert.True(ServerMain.ParseOptions(["--audit-retention", "30d", "--audit-no-archive"]).Options.AuditNoArchive);
    }

    [Fact]
    public async Task Periodic_retention_archives_and_prunes_while_decisions_go_on_and_the_chain_stays_provable()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with
        {
            AuditRetention = TimeSpan.FromMilliseconds(1), AuditKeep = 2, AuditPruneEvery = TimeSpan.FromMilliseconds(200), AuditArchiveDirectory = ArchiveDir(o),
        });
        Assert.Contains("audit retention: every", t.Server.Retention.Describe());
        for (var i = 0; i < 6; i++) await t.DecideAsync($"echo {i}", ProdA);
        using var human = t.Client(t.Ana);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        JsonElement checkpoints;
        while (true)
        {
            checkpoints = (await human.GetFromJsonElement("v1/audit/checkpoints")).GetProperty("checkpoints");
            if (checkpoints.GetArrayLength() > 0 && checkpoints[checkpoints.GetArrayLength() - 1].GetProperty("lastSequence").GetInt64() >= 6) break;
            Assert.True(DateTime.UtcNow < deadline, $"retention did not prune the decisions within 60 s ({t.Server.Retention.Runs} runs; last: {t.Server.Retention.LastMessage})");
            await Task.Delay(100);
        }
        await t.DecideAsync("echo after", ProdA); // decisions go on after (and between) prunes

        var verify = await human.GetFromJsonElement("v1/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        Assert.True(verify.GetProperty("checkpoint").GetProperty("id").GetInt64() >= 1);

        // Every archive proves its part of the chain; together they start at record 1 and hold every decision.
        var list = await t.Server.Service.Store.RunAsync((log, _, _) => log.GetCheckpointsAsync().AsTask());
        var archived = new List<string>();
        foreach (var c in list)
        {
            var path = Path.Combine(ArchiveDir(t.Options), c.ArchiveName!);
            await using var file = File.OpenRead(path);
            var a = await AuditArchiveVerifier.VerifyAsync(file, c.ArchiveName!, list);
            Assert.True(a.Intact, string.Join("; ", a.Problems));
            archived.AddRange(File.ReadAllLines(path));
        }
        Assert.Equal(1, list[0].FirstSequence);
        for (var i = 0; i < 6; i++) Assert.Contains(archived, l => l.Contains($"\"request\":\"echo {i}\""));
        // The trail records its own pruning.
        Assert.Contains(archived.Concat(await ExportLines(human)), l => l.Contains("audit.prune") && l.Contains("retention pruned records 1 to"));
    }

    private static async Task<string[]> ExportLines(HttpClient human) =>
        (await human.GetStringAsync("v1/audit/export")).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public async Task Prune_over_the_api_is_for_audit_administrators_only_on_sqlite() => await PruneOverTheApi(postgres: false);

    [PostgresFact]
    public async Task Prune_over_the_api_is_for_audit_administrators_only_on_postgres() => await PruneOverTheApi(postgres: true);

    private static async Task PruneOverTheApi(bool postgres)
    {
        await using var t = await TestServer.StartAsync(postgres, o => o with { AuditArchiveDirectory = ArchiveDir(o) });
        for (var i = 0; i < 5; i++) await t.DecideAsync($"echo {i}", ProdA);
        var admin = await AuditAdminToken(t);
        const string body = """{"keep":2}""";

        using (var agent = t.Client(t.AgentToken))
            Assert.Equal(HttpStatusCode.Forbidden, (await TestServer.PostAsync(agent, "v1/audit/prune", body)).Status);
        using (var ana = t.Client(t.Ana))
        {
            var (status, problem) = await TestServer.PostAsync(ana, "v1/audit/prune", body);
            Assert.Equal(HttpStatusCode.Forbidden, status);
            Assert.Contains("members of the group `audit-admins`", problem.GetProperty("detail").GetString());
            Assert.Contains("interlock admin user add ana --group audit-admins", problem.GetProperty("detail").GetString());
        }
        using var c = t.Client(admin);
        var (badStatus, bad) = await TestServer.PostAsync(c, "v1/audit/prune", """{"before":"yesterday-ish"}""");
        Assert.Equal(HttpStatusCode.BadRequest, badStatus);
        Assert.Contains("neither an age", bad.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await TestServer.PostAsync(c, "v1/audit/prune", "{}")).Status);

        var (dryStatus, dry) = await TestServer.PostAsync(c, "v1/audit/prune", """{"keep":2,"dryRun":true}""");
        Assert.Equal(HttpStatusCode.OK, dryStatus);
        Assert.False(dry.GetProperty("pruned").GetBoolean());
        Assert.Contains("dry run: would archive and remove records 1 to 3", dry.GetProperty("message").GetString());
        Assert.Empty(Directory.Exists(ArchiveDir(t.Options)) ? Directory.GetFiles(ArchiveDir(t.Options)) : []);

        var (status2, done) = await TestServer.PostAsync(c, "v1/audit/prune", body);
        Assert.Equal(HttpStatusCode.OK, status2);
        Assert.True(done.GetProperty("pruned").GetBoolean());
        Assert.Equal(3, done.GetProperty("count").GetInt64());
        var archive = done.GetProperty("archive").GetString()!;
        Assert.True(File.Exists(archive));
        Assert.Equal(3, File.ReadAllLines(archive).Length);

        using var ana2 = t.Client(t.Ana);
        var verify = await ana2.GetFromJsonElement("v1/audit/verify");
        Assert.True(verify.GetProperty("intact").GetBoolean(), verify.ToString());
        Assert.Equal(3, verify.GetProperty("checkpoint").GetProperty("lastSequence").GetInt64());
        Assert.Contains(await ExportLines(ana2), l => l.Contains("auditor (POST /v1/audit/prune) pruned records 1 to 3"));

        // Without an archive directory the server refuses, and says how to configure one.
        await using var bare = await TestServer.StartAsync(postgres);
        await bare.DecideAsync("echo 1", ProdA);
        using var bareAdmin = bare.Client(await AuditAdminToken(bare));
        var (refusedStatus, refused) = await TestServer.PostAsync(bareAdmin, "v1/audit/prune", body);
        Assert.Equal(HttpStatusCode.Conflict, refusedStatus);
        Assert.Contains("--audit-archive-dir DIR", refused.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_server_export_is_a_local_export_and_its_archived_part_verifies_on_sqlite() => await ServerExportIsALocalExport(postgres: false);

    [PostgresFact]
    public async Task A_server_export_is_a_local_export_and_its_archived_part_verifies_on_postgres() => await ServerExportIsALocalExport(postgres: true);

    /// <summary>GET /v1/audit/export writes the records as `interlock audit export --jsonl` does, byte for byte: the
    /// same records in a local store export to the same bytes, and the part of a server export that a prune later
    /// archives is the archive, so `interlock audit verify --archive` proves it.</summary>
    private static async Task ServerExportIsALocalExport(bool postgres)
    {
        await using var t = await TestServer.StartAsync(postgres, o => o with { AuditArchiveDirectory = ArchiveDir(o) });
        await t.DecideAsync("ls", ProdA);
        await t.DecideAsync("rm -rf ~", ProdA);
        var id = (await t.DecideAsync("terraform destroy", ProdA)).GetProperty("requestId").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await t.VoteAsync(t.Ana, id, true, "plan reviewed: \"ünïcode\" <b>&</b> \\ é")).Status);
        await t.DecideAsync("echo \"quoted\" 'single' \\backslash \t tab", ProdA);

        using var ana = t.Client(t.Ana);
        var exported = await ana.GetByteArrayAsync("v1/audit/export");
        var text = System.Text.Encoding.UTF8.GetString(exported);
        Assert.EndsWith("\n", text);
        var lines = text[..^1].Split('\n');
        Assert.Equal(5, lines.Length);

        // Every line reads back as the record it was, in the local export's field names, and they form the chain.
        var records = lines.Select(l => AuditJsonl.Parse(System.Text.Encoding.UTF8.GetBytes(l), out var error) ?? throw new Xunit.Sdk.XunitException($"{error}: {l}")).ToList();
        Assert.All(records, r => Assert.Equal(AuditChain.ComputeHash(r), r.Hash));
        for (var i = 1; i < records.Count; i++) Assert.Equal(records[i - 1].Hash, records[i].PreviousHash);
        Assert.Contains("\"rule_id\":", lines[0]);
        Assert.Contains("\"prev_hash\":\"", lines[0]);
        Assert.DoesNotContain("prevHash", text);

        // The same records in a local state store: `interlock audit export --jsonl` writes the same bytes.
        var localDir = Path.Combine(t.Options.DataDirectory, "local-state");
        await using (var local = Interlock.State.Sqlite.SqliteStateStore.Open(new Interlock.State.Sqlite.SqliteStateStoreOptions { Directory = localDir }))
            foreach (var r in records)
                Assert.Equal(r.Hash, (await local.Audit.AppendAsync(r.Entry)).Hash); // the chain does not depend on the store
        var localExport = await Cli(t, t.Ana, "audit", "export", "--jsonl", "--state-dir", localDir);
        Assert.True(localExport.Exit == 0, localExport.Stderr);
        Assert.Equal(text, localExport.Stdout);
        // `interlock audit export --server` hands the server's lines through unchanged.
        var viaCli = await Cli(t, t.Ana, "audit", "export", "--server");
        Assert.True(viaCli.Exit == 0, viaCli.Stderr);
        Assert.Equal(text, viaCli.Stdout);
        // GET /v1/audit lists the same objects.
        var tail = (await ana.GetFromJsonElement("v1/audit")).GetProperty("records");
        Assert.Equal(lines, tail.EnumerateArray().Select(r => r.GetRawText()));

        // A prune archives the oldest three: the archive is the first three lines of the export, byte for byte...
        using var admin = t.Client(await AuditAdminToken(t));
        var (status, done) = await TestServer.PostAsync(admin, "v1/audit/prune", """{"keep":2}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var prefix = System.Text.Encoding.UTF8.GetBytes(string.Concat(lines.Take(3).Select(l => l + "\n")));
        Assert.Equal(prefix, await File.ReadAllBytesAsync(done.GetProperty("archive").GetString()!));
        // ...so the export's part proves itself against the server's checkpoint, with the archive verifier.
        var checkpoints = await t.Server.Service.Store.RunAsync((log, _, _) => log.GetCheckpointsAsync().AsTask());
        var fromExport = Path.Combine(t.Options.DataDirectory, "from-export.jsonl");
        await File.WriteAllBytesAsync(fromExport, prefix);
        await using (var file = File.OpenRead(fromExport))
        {
            var a = await AuditArchiveVerifier.VerifyAsync(file, "from-export.jsonl", checkpoints);
            Assert.True(a.Intact, string.Join("; ", a.Problems));
            Assert.Equal(checkpoints[0], a.Checkpoint);
        }
        var verified = await Cli(t, t.Ana, "audit", "verify", "--server", "--archive", fromExport);
        Assert.True(verified.Exit == 0, verified.Stdout + verified.Stderr);
        Assert.Contains("intact: records 1 to 3, chained, ending exactly at checkpoint 1's hash", verified.Stdout);
    }

    [Fact]
    public async Task The_cli_prunes_and_proves_archives_on_the_server()
    {
        await using var t = await TestServer.StartAsync(configure: o => o with { AuditArchiveDirectory = ArchiveDir(o) });
        for (var i = 0; i < 5; i++) await t.DecideAsync($"echo {i}", ProdA);
        var admin = await AuditAdminToken(t);

        var refused = await Cli(t, t.Ana, "audit", "prune", "--server", "--keep", "2");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("not one", refused.Stderr);
        var noDir = await Cli(t, admin, "audit", "prune", "--server", "--keep", "2", "--archive-dir", "/tmp/x");
        Assert.Equal(64, noDir.Exit);
        Assert.Contains("the server archives to its own --audit-archive-dir", noDir.Stderr);

        var pruned = await Cli(t, admin, "audit", "prune", "--server", "--keep", "2");
        Assert.True(pruned.Exit == 0, pruned.Stderr);
        Assert.Contains("archived records 1 to 3", pruned.Stdout);

        var archive = Directory.GetFiles(ArchiveDir(t.Options)).Single();
        var copy = Path.Combine(t.Options.DataDirectory, "copy.jsonl");
        File.Copy(archive, copy);
        var verified = await Cli(t, t.Ana, "audit", "verify", "--server", "--archive", copy);
        Assert.True(verified.Exit == 0, verified.Stdout + verified.Stderr);
        Assert.Contains("intact: records 1 to 3, chained, ending exactly at checkpoint 1's hash", verified.Stdout);
        Assert.Contains("after checkpoint 1 (records 1 to 3", verified.Stdout);

        File.WriteAllLines(copy, File.ReadAllLines(archive).Take(2));
        var cut = await Cli(t, t.Ana, "audit", "verify", "--server", "--archive", copy);
        Assert.Equal(1, cut.Exit);
        Assert.Contains("NOT PROVEN", cut.Stdout);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Cli(TestServer t, string token, params string[] args)
    {
        var psi = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "interlock"), args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        psi.Environment["INTERLOCK_SERVER_URL"] = t.Url;
        psi.Environment["INTERLOCK_TOKEN"] = token;
        psi.Environment["INTERLOCK_STATE_DIR"] = Path.Combine(t.Options.DataDirectory, "cli-state");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await stdout, await stderr);
    }
}
