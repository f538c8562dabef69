using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.State;

namespace Interlock.Cli;

/// <summary>`interlock audit tail|show|export|verify`: reading and checking the hash-chained audit trail.</summary>
internal static class AuditCommands
{
    // Exit codes: 0 ok; 1 verify found the chain broken (or show found no such record); 64 usage error;
    // 66 no state yet (EX_NOINPUT); 74 the state could not be read (EX_IOERR).
    private const int ExitProblem = 1, ExitUsage = 64;

    public const string Help = """
        interlock audit <tail|show|export|verify> [options]

        Every decision the hook makes is appended to a hash-chained audit trail in the state directory: each
        record carries the SHA-256 of the previous record, so editing, deleting or reordering any record breaks
        the chain at that record.

          interlock audit tail [-n N]              The last N records (default 10), oldest first
          interlock audit show <seq> [--json]      One record in full, with its hashes
          interlock audit export --jsonl [--output FILE]
                                                   Every record as JSON Lines (stdout, or FILE)
          interlock audit verify                   Walk the chain; exit 0 if intact, 1 if tampered

        Options:
          --state-dir <dir>   The state directory (default: $INTERLOCK_STATE_DIR, else $XDG_STATE_HOME/interlock,
                              else ~/.local/state/interlock)

        Exit status: 0 ok, 1 chain broken (verify) or no such record (show), 64 usage error,
        66 no audit trail yet, 74 the state could not be read.
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
        """;

    private const string VerifyHelp = """
        interlock audit verify [--state-dir <dir>]

        Walks the whole chain and checks that every record matches its hash, follows the record before it, and
        that no record is missing (including at the end). Reports each problem with its sequence number.
        Exit status: 0 intact, 1 tampered, 66 no audit trail yet, 74 the state could not be read.
        """;

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static int Run(string[] args)
    {
        if (args.Length == 0) return Usage("`audit` needs a subcommand: tail, show, export or verify (see `interlock audit --help`).");
        if (args[0] is "-h" or "--help" or "help") { Console.Out.WriteLine(Help); return 0; }
        var sub = args[0];
        var rest = args[1..];
        if (rest.Any(a => a is "-h" or "--help"))
        {
            var help = sub switch { "tail" => TailHelp, "show" => ShowHelp, "export" => ExportHelp, "verify" => VerifyHelp, _ => null };
            if (help is null) return Usage($"unknown audit subcommand `{sub}`. Subcommands: tail, show, export, verify.");
            Console.Out.WriteLine(help);
            return 0;
        }

        string? stateDir = null, output = null, positional = null;
        int? count = null;
        bool json = false, jsonl = false;
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
            default:
                return Usage($"unknown audit subcommand `{sub}`. Subcommands: tail, show, export, verify.");
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
                    _ => Verify(store),
                }).GetAwaiter().GetResult();
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
            Console.Out.WriteLine(ToJsonLine(record));
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
                WriteJson(buffer, record);
                buffer.Write(newline);
                await target.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            }
            await target.FlushAsync();
        }
        return 0;
    }

    private static async Task<int> Verify(IStateStore store)
    {
        var result = await AuditVerifier.VerifyAsync(store.Audit);
        if (result.Intact)
        {
            Console.Out.WriteLine(result.RecordCount == 0
                ? $"audit trail intact: no records yet ({store.Location})"
                : $"audit trail intact: {result.RecordCount} record{(result.RecordCount == 1 ? "" : "s")} (1 to {result.LastSequence}), every hash and link checks out ({store.Location})");
            return 0;
        }
        var sb = new StringBuilder();
        sb.AppendLine($"audit trail TAMPERED: {result.Problems.Count}{(result.ProblemsTruncated ? "+" : "")} problem(s) in {result.RecordCount} records ({store.Location}); first bad record: {result.Problems[0].Sequence}");
        foreach (var p in result.Problems) sb.AppendLine($"  record {p.Sequence}: {p.Kind}: {p.Message}");
        if (result.ProblemsTruncated) sb.AppendLine($"  ... (only the first {AuditVerifier.MaxProblems} problems are listed)");
        Console.Out.Write(sb.ToString());
        return ExitProblem;
    }

    internal static string ToJsonLine(AuditRecord record)
    {
        var buffer = new MemoryStream();
        WriteJson(buffer, record);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteJson(Stream stream, AuditRecord r)
    {
        using var w = new Utf8JsonWriter(stream, JsonOptions);
        var e = r.Entry;
        w.WriteStartObject();
        w.WriteNumber("seq", r.Sequence);
        w.WriteString("ts", AuditChain.FormatTimestamp(e.Timestamp));
        w.WriteString("harness", e.Harness);
        if (e.SessionId is null) w.WriteNull("session_id"); else w.WriteString("session_id", e.SessionId);
        w.WriteString("cwd", e.Cwd);
        w.WriteString("tool", e.Tool);
        if (e.Request is null) w.WriteNull("request"); else w.WriteString("request", e.Request);
        w.WriteString("verdict", e.Verdict);
        w.WriteString("rule_id", e.RuleId);
        w.WriteString("reason", e.Reason);
        w.WritePropertyName("effects");
        if (IsJson(e.EffectsJson)) w.WriteRawValue(e.EffectsJson);
        else w.WriteStringValue(e.EffectsJson); // not JSON (tampered): keep the text
        w.WriteNumber("decision_us", e.DecisionMicros);
        w.WriteString("prev_hash", r.PreviousHash);
        w.WriteString("hash", r.Hash);
        w.WriteEndObject();
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string OneLine(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");
    private static string Shorten(string s, int n) => s.Length > n ? s[..n] + "..." : s;
}
