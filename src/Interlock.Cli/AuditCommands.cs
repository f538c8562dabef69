using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.State;

namespace Interlock.Cli;

/// <summary>`interlock audit tail|show|export|verify|prune`: reading, checking and pruning the hash-chained audit trail.</summary>
internal static class AuditCommands
{
    // Exit codes: 0 ok; 1 verify found the chain broken (or show found no such record, or prune refused); 64 usage
    // error; 66 no state yet or no such archive (EX_NOINPUT); 74 the state could not be read (EX_IOERR); 75 another
    // prune got in between (EX_TEMPFAIL: run it again).
    private const int ExitProblem = 1, ExitUsage = 64, ExitTryAgain = 75;

    public const string Help = """
        interlock audit <tail|show|export|verify|prune> [options]

        Every decision the hook makes is appended to a hash-chained audit trail in the state directory: each
        record carries the SHA-256 of the previous record, so editing, deleting or reordering any record breaks
        the chain at that record.

          interlock audit tail [-n N]              The last N records (default 10), oldest first
          interlock audit show <seq> [--json]      One record in full, with its hashes
          interlock audit export --jsonl [--output FILE]
                                                   Every record as JSON Lines (stdout, or FILE)
          interlock audit verify [--archive FILE]...
                                                   Walk the chain (and prove archives); exit 0 if intact, 1 if not
          interlock audit prune --before <age|date> [--keep N] --archive-dir DIR [--dry-run]
                                                   Archive the oldest records as JSONL, then remove them,
                                                   leaving a checkpoint that verify starts from

        Options:
          --state-dir <dir>   The state directory (default: $INTERLOCK_STATE_DIR, else $XDG_STATE_HOME/interlock,
                              else ~/.local/state/interlock)

        Exit status: 0 ok, 1 chain broken (verify), no such record (show) or prune refused, 64 usage error,
        66 no audit trail yet, 74 the state could not be read, 75 another prune got in between (run it again).
        With an approval server, `verify`, `export` and `prune` take --server (see `interlock approve --help`).
        """;

    private const string TailHelp = """
        interlock audit tail [-n N] [--state-dir <dir>]

        Prints the last N decisions (default 10), oldest first: sequence number, time (UTC), verdict, rule,
        tool, session and the request.
        """;

    private const string ShowHelp = """
        interlock audit show <seq> [--json] [--state-dir <dir>]

        Prints one record in full: time, harness, session, directory, tool, request, verdict, rule, reason,
        effects, decision time, and the previous record's hash and its own. Exit 1 if there is no such record.
        """;

    private const string ExportHelp = """
        interlock audit export --jsonl [--output FILE] [--state-dir <dir>]

        Writes every record as one JSON object per line (seq, ts, harness, session_id, cwd, tool, request,
        verdict, rule_id, reason, effects, decision_us, prev_hash, hash), oldest first, to standard output or FILE.
        The hashes cover the stored text; docs/architecture.md describes the canonical bytes.
        `interlock audit export --server` writes the approval server's trail in exactly this format.
        """;

    private const string VerifyHelp = """
        interlock audit verify [--archive FILE]... [--state-dir <dir>]

        Walks the whole chain and checks that every record matches its hash, follows the record before it, and
        that no record is missing (including at the end). Reports each problem with its sequence number.
        After a prune, the walk starts at the latest checkpoint: the checkpoints must match their hashes and
        chain, and the first remaining record must follow the last pruned one.

          --archive FILE   Also prove an archive a prune wrote (repeatable): its records must chain, start
                           right after the previous checkpoint, end exactly at their checkpoint's hash, and
                           the file must have the SHA-256 the checkpoint recorded.

        Exit status: 0 intact, 1 tampered, 66 no audit trail yet or no such archive, 74 the state could not
        be read.
        """;

    private const string PruneHelp = """
        interlock audit prune --before <age|date> [--keep N] (--archive-dir DIR | --no-archive) [--dry-run]
                              [--state-dir <dir>]

        Removes the oldest records of the audit trail, keeping it verifiable: the records are first checked
        (they must form an intact chain), written to DIR as JSON Lines (as `audit export --jsonl` writes them)
        and flushed to disk; then, in one transaction, they are deleted and a checkpoint is recorded (the last
        removed record's number and hash, how many, when, the archive's name and SHA-256). `audit verify` starts
        from the checkpoint; `audit verify --archive FILE` proves the archive against it. The hook may keep
        appending meanwhile.

          --before <age|date>  Remove records written before this: an age (90d, 12h, 2w, 30m) or a date
                               (2026-01-31, or 2026-01-31T12:00:00Z). Only a prefix is removed: the first
                               record written at or after it, and everything after, stays.
          --keep N             Never remove the newest N records (alone, or with --before).
          --archive-dir DIR    Where the archive file goes (created if missing, owner-only).
          --no-archive         Delete without a copy (the records can no longer be checked). Never implied.
          --dry-run            Say what would be removed, change nothing.

        Exit status: 0 pruned (or nothing to prune), 1 refused (the records do not verify, or the archive could
        not be written; nothing was removed), 64 usage error, 66 no audit trail yet, 74 the state could not be
        read, 75 another prune got in between (nothing was removed by this one; run it again).
        """;

    public static int Run(string[] args)
    {
        if (args.Length == 0) return Usage("`audit` needs a subcommand: tail, show, export, verify or prune (see `interlock audit --help`).");
        if (args[0] is "-h" or "--help" or "help") { Console.Out.WriteLine(Help); return 0; }
        var sub = args[0];
        var rest = args[1..];
        if (rest.Any(a => a is "-h" or "--help"))
        {
            var help = sub switch { "tail" => TailHelp, "show" => ShowHelp, "export" => ExportHelp, "verify" => VerifyHelp, "prune" => PruneHelp, _ => null };
            if (help is null) return Usage($"unknown audit subcommand `{sub}`. Subcommands: tail, show, export, verify, prune.");
            Console.Out.WriteLine(help);
            return 0;
        }

        string? stateDir = null, output = null, positional = null, before = null, archiveDir = null;
        int? count = null;
        long? keep = null;
        bool json = false, jsonl = false, dryRun = false, noArchive = false;
        var archives = new List<string>();
        for (var i = 0; i < rest.Length; i++)
        {
            var a = rest[i];
            switch (a)
            {
                case "--state-dir":
                    if (i + 1 >= rest.Length) return Usage("`--state-dir` needs a directory.");
                    stateDir = rest[++i];
                    break;
                case "-n" when sub == "tail":
                    if (i + 1 >= rest.Length || !int.TryParse(rest[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0)
                        return Usage("`-n` needs a positive number of records, e.g. interlock audit tail -n 20.");
                    count = n;
                    i++;
                    break;
                case "--json" when sub == "show":
                    json = true;
                    break;
                case "--jsonl" when sub == "export":
                    jsonl = true;
                    break;
                case "--output" or "-o" when sub == "export":
                    if (i + 1 >= rest.Length) return Usage("`--output` needs a file name.");
                    output = rest[++i];
                    break;
                case "--archive" when sub == "verify":
                    if (i + 1 >= rest.Length) return Usage("`--archive` needs the archive file a prune wrote, e.g. --archive ~/audit-archive/interlock-audit-0000000001-0000004200-20261127T101500Z.jsonl.");
                    archives.Add(rest[++i]);
                    break;
                case "--before" when sub == "prune":
                    if (i + 1 >= rest.Length) return Usage("`--before` needs an age (90d, 12h, 2w, 30m) or a date (2026-01-31).");
                    before = rest[++i];
                    break;
                case "--keep" when sub == "prune":
                    if (i + 1 >= rest.Length || !long.TryParse(rest[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var k))
                        return Usage("`--keep` needs a number of newest records to keep, e.g. --keep 10000.");
                    keep = k;
                    i++;
                    break;
                case "--archive-dir" when sub == "prune":
                    if (i + 1 >= rest.Length) return Usage("`--archive-dir` needs a directory for the archive files.");
                    archiveDir = rest[++i];
                    break;
                case "--no-archive" when sub == "prune":
                    noArchive = true;
                    break;
                case "--dry-run" when sub == "prune":
                    dryRun = true;
                    break;
                default:
                    if (a.StartsWith('-') || positional is not null || sub != "show")
                        return Usage($"unexpected argument `{a}` for `audit {sub}` (see `interlock audit {sub} --help`).");
                    positional = a;
                    break;
            }
        }

        long seq = 0;
        switch (sub)
        {
            case "tail" or "verify":
                break;
            case "show":
                if (positional is null || !long.TryParse(positional, NumberStyles.None, CultureInfo.InvariantCulture, out seq) || seq <= 0)
                    return Usage("`audit show` needs a record's sequence number, e.g. interlock audit show 42 (see `interlock audit tail`).");
                break;
            case "export":
                if (!jsonl) return Usage("`audit export` needs a format: --jsonl (one JSON object per line).");
                break;
            case "prune":
                if (before is null && keep is null)
                    return Usage("`audit prune` needs a cut-off: --before <age|date> (e.g. --before 90d) and/or --keep N (see `interlock audit prune --help`).");
                if (archiveDir is not null && noArchive)
                    return Usage("`--archive-dir` and `--no-archive` contradict each other: give one.");
                if (archiveDir is null && !noArchive && !dryRun)
                    return Usage("refusing to prune without an archive: the removed records would be gone for good and could never be checked again. " +
                        "Give --archive-dir DIR (they are written there as JSON Lines first, and `interlock audit verify --archive FILE` proves them later), " +
                        "or --no-archive to delete them without a copy. Try --dry-run to see what would be removed.");
                break;
            default:
                return Usage($"unknown audit subcommand `{sub}`. Subcommands: tail, show, export, verify, prune.");
        }
        var now = DateTimeOffset.UtcNow;
        AuditCutoff? cutoff = null;
        if (sub == "prune")
        {
            DateTimeOffset? beforeTime = null;
            if (before is not null)
            {
                beforeTime = AuditCutoff.ParseBefore(before, now, out var error);
                if (beforeTime is null) return Usage($"`--before`: {error}.");
            }
            cutoff = new AuditCutoff(beforeTime, keep ?? 0);
        }

        return CliStore.With(stateDir is null ? null : Path.GetFullPath(stateDir), store =>
        {
            try
            {
                return (sub switch
                {
                    "tail" => Tail(store, count ?? 10),
                    "show" => Show(store, seq, json),
                    "export" => Export(store, output),
                    "prune" => Prune(store, cutoff!, before, archiveDir is null ? null : Path.GetFullPath(archiveDir), dryRun, now),
                    _ => Verify(store, archives),
                }).GetAwaiter().GetResult();
            }
            catch (AuditPruneException e)
            {
                Console.Error.WriteLine($"interlock: {e.Message}");
                return e.Conflict ? ExitTryAgain : ExitProblem;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"interlock: {e.Message}");
                return CliStore.ExitIo;
            }
        });
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"interlock: {message}");
        return ExitUsage;
    }

    private static async Task<int> Tail(IStateStore store, int count)
    {
        var records = await store.Audit.TailAsync(count);
        if (records.Count == 0)
        {
            Console.Error.WriteLine($"interlock: the audit trail in {store.Location} has no records yet.");
            return 0;
        }
        var sb = new StringBuilder();
        foreach (var r in records)
        {
            var e = r.Entry;
            sb.Append(r.Sequence.ToString(CultureInfo.InvariantCulture).PadLeft(6)).Append("  ")
              .Append(e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append("  ")
              .Append(e.Verdict.PadRight(5)).Append("  ")
              .Append(e.RuleId).Append("  ")
              .Append(e.Tool.Length > 0 ? e.Tool : "-");
            if (e.SessionId is not null) sb.Append("  session ").Append(Shorten(e.SessionId, 12));
            if (e.Request is not null) sb.Append("  ").Append(Shorten(OneLine(e.Request), 100));
            sb.AppendLine();
        }
        Console.Out.Write(sb.ToString());
        return 0;
    }

    private static async Task<int> Show(IStateStore store, long seq, bool json)
    {
        var record = await store.Audit.GetAsync(seq);
        if (record is null)
        {
            var head = await store.Audit.GetHeadAsync();
            Console.Error.WriteLine(head is { Sequence: > 0 }
                ? $"interlock: no audit record {seq} (the trail holds records 1 to {head.Sequence})."
                : $"interlock: no audit record {seq} (the trail has no records yet).");
            return ExitProblem;
        }
        if (json)
        {
            Console.Out.WriteLine(AuditJsonl.ToLine(record));
            return 0;
        }
        var e = record.Entry;
        var sb = new StringBuilder();
        sb.AppendLine($"record {record.Sequence}");
        sb.AppendLine($"  time:       {AuditChain.FormatTimestamp(e.Timestamp)}");
        sb.AppendLine($"  harness:    {e.Harness}");
        sb.AppendLine($"  session:    {e.SessionId ?? "(none)"}");
        sb.AppendLine($"  cwd:        {e.Cwd}");
        sb.AppendLine($"  tool:       {e.Tool}");
        sb.AppendLine($"  request:    {e.Request ?? "(none)"}");
        sb.AppendLine($"  verdict:    {e.Verdict}");
        sb.AppendLine($"  rule:       {e.RuleId}");
        sb.AppendLine($"  reason:     {e.Reason}");
        sb.AppendLine($"  effects:    {e.EffectsJson}");
        sb.AppendLine($"  decided in: {e.DecisionMicros} µs");
        sb.AppendLine($"  prev hash:  {record.PreviousHash}");
        sb.AppendLine($"  hash:       {record.Hash}");
        if (!string.Equals(AuditChain.ComputeHash(record), record.Hash, StringComparison.Ordinal))
            sb.AppendLine("  WARNING:    this record does not match its hash (it was changed after it was written); run `interlock audit verify`");
        Console.Out.Write(sb.ToString());
        return 0;
    }

    private static async Task<int> Export(IStateStore store, string? output)
    {
        Stream target;
        if (output is null) target = Console.OpenStandardOutput();
        else
        {
            // The trail holds every command an agent ran: the export is readable by its owner only.
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            target = new FileStream(output, options);
        }
        await using (target)
        {
            var buffer = new MemoryStream();
            var newline = "\n"u8.ToArray();
            await foreach (var record in store.Audit.ReadAsync())
            {
                buffer.SetLength(0);
                AuditJsonl.Write(buffer, record);
                buffer.Write(newline);
                await target.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            }
            await target.FlushAsync();
        }
        return 0;
    }

    private static async Task<int> Verify(IStateStore store, IReadOnlyList<string> archives)
    {
        var sb = new StringBuilder();
        var archivesIntact = true;
        if (archives.Count > 0)
        {
            var checkpoints = await store.Audit.GetCheckpointsAsync();
            foreach (var path in archives)
            {
                AuditArchiveVerification a;
                try
                {
                    await using var file = File.OpenRead(path);
                    a = await AuditArchiveVerifier.VerifyAsync(file, Path.GetFileName(path), checkpoints);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Out.Write(sb.ToString());
                    Console.Error.WriteLine(Interlock.Core.DecisionMessages.Sentences($"interlock: cannot read the archive {path}: {e.Message}", "Give the file a prune wrote (`interlock audit verify` names each checkpoint's archive)."));
                    return CliStore.ExitNoState;
                }
                archivesIntact &= a.Intact;
                AuditReport.AppendArchive(sb, path, a);
            }
        }
        var result = await AuditVerifier.VerifyAsync(store.Audit);
        AuditReport.AppendChain(sb, result, store.Location);
        Console.Out.Write(sb.ToString());
        return result.Intact && archivesIntact ? 0 : ExitProblem;
    }

    private static async Task<int> Prune(IStateStore store, AuditCutoff cutoff, string? beforeText, string? archiveDir, bool dryRun, DateTimeOffset now)
    {
        var why = AuditReport.DescribeCutoff(cutoff, beforeText);
        var plan = await store.Audit.PlanPruneAsync(cutoff);
        if (plan is null)
        {
            var head = await store.Audit.GetHeadAsync();
            Console.Out.WriteLine($"nothing to prune: no record qualifies ({why}; {(head is { Sequence: > 0 } h ? $"the trail ends at record {h.Sequence}" : "the trail has no records yet")}; {store.Location})");
            return 0;
        }
        if (dryRun)
        {
            Console.Out.WriteLine($"dry run: would archive and remove {AuditReport.DescribePlan(plan)}, as {why}; {AuditReport.Kept(plan)} ({store.Location}). Nothing was changed; run it without --dry-run to prune.");
            return 0;
        }
        string? archivePath = null;
        if (archiveDir is not null)
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(archiveDir);
            else Directory.CreateDirectory(archiveDir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            archivePath = Path.Combine(archiveDir, plan.ArchiveFileName(now));
        }
        var checkpoint = await store.Audit.PruneAsync(plan, archivePath, now);
        Console.Out.WriteLine(AuditReport.Pruned(plan, checkpoint, archivePath, why));
        return 0;
    }

    private static string OneLine(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");
    private static string Shorten(string s, int n) => s.Length > n ? s[..n] + "..." : s;
}
