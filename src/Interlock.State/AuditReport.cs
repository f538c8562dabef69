using System.Globalization;
using System.Text;

namespace Interlock.State;

/// <summary>The words for verification and retention outcomes, one wording for the CLI, the server's log and its API.</summary>
public static class AuditReport
{
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Records(long n) => n == 1 ? "1 record" : $"{n.ToString(CultureInfo.InvariantCulture)} records";

    public static void AppendChain(StringBuilder sb, AuditVerification result, string location)
    {
        var after = result.Checkpoint is { } c ? $" after checkpoint {c.Id} ({c.Describe()})" : "";
        if (result.Intact)
        {
            var first = result.LastSequence - result.RecordCount + 1;
            sb.AppendLine(result.RecordCount == 0
                ? $"audit trail intact: no records{(after.Length == 0 ? " yet" : after)} ({location})"
                : $"audit trail intact: {Records(result.RecordCount)} ({first} to {result.LastSequence}){after}, every hash and link checks out ({location})");
            return;
        }
        sb.AppendLine($"audit trail TAMPERED: {result.Problems.Count}{(result.ProblemsTruncated ? "+" : "")} problem(s) in {Records(result.RecordCount)}{after} ({location}); first bad record: {result.Problems[0].Sequence}");
        foreach (var p in result.Problems) sb.AppendLine($"  record {p.Sequence}: {p.Kind}: {p.Message}");
        if (result.ProblemsTruncated) sb.AppendLine($"  ... (only the first {AuditVerifier.MaxProblems} problems are listed)");
    }

    public static void AppendArchive(StringBuilder sb, string path, AuditArchiveVerification a)
    {
        if (a.Intact)
        {
            var c = a.Checkpoint!;
            sb.AppendLine($"archive {path} intact: {AuditCheckpoint.Records(a.FirstSequence, a.LastSequence)}, chained, ending exactly at checkpoint {c.Id}'s hash" +
                (c.ArchiveSha256 is null ? " (the checkpoint recorded no archive checksum)" : ", SHA-256 as the checkpoint recorded") +
                (c.ArchiveName is not null && c.ArchiveName != Path.GetFileName(path) ? $" (written as {c.ArchiveName})" : ""));
            return;
        }
        sb.AppendLine($"archive {path} NOT PROVEN: {a.Problems.Count}{(a.ProblemsTruncated ? "+" : "")} problem(s){(a.Checkpoint is { } cp ? $" against checkpoint {cp.Id} ({cp.Describe()})" : "")}");
        foreach (var p in a.Problems) sb.AppendLine($"  record {p.Sequence}: {p.Kind}: {p.Message}");
    }

    /// <summary>"records written before 2026-08-29 10:00:00Z (90d ago) may go, keeping the newest 1000".</summary>
    public static string DescribeCutoff(AuditCutoff cutoff, string? beforeText)
    {
        var parts = new List<string>();
        if (cutoff.Before is { } b)
            parts.Add($"records written before {Time(b)}{(beforeText is { Length: > 0 } && char.IsAsciiLetterLower(beforeText[^1]) ? $" ({beforeText} ago)" : "")} may go");
        if (cutoff.KeepLast > 0) parts.Add($"{(parts.Count == 0 ? "all but " : "keeping ")}the newest {cutoff.KeepLast.ToString(CultureInfo.InvariantCulture)}{(parts.Count == 0 ? " may go" : "")}");
        return string.Join(", ", parts);
    }

    public static string DescribePlan(AuditPrunePlan plan) =>
        $"{AuditCheckpoint.Records(plan.FirstSequence, plan.LastSequence)} ({Records(plan.Count)}, written {Time(plan.Oldest)} to {Time(plan.Newest)})";

    public static string Kept(AuditPrunePlan plan)
    {
        var kept = plan.HeadSequence - plan.LastSequence;
        return kept == 0 ? "no record would stay" : $"{Records(kept)} would stay ({AuditCheckpoint.Range(plan.LastSequence + 1, plan.HeadSequence)})";
    }

    public static string Pruned(AuditPrunePlan plan, AuditCheckpoint checkpoint, string? archivePath, string why) => archivePath is null
        ? $"removed {DescribePlan(plan)}, as {why}, WITHOUT an archive (--no-archive): they can no longer be checked. Checkpoint {checkpoint.Id} anchors the chain at record {checkpoint.LastSequence} (hash {checkpoint.LastHash}); `interlock audit verify` starts from it."
        : $"archived {DescribePlan(plan)} to {archivePath} (SHA-256 {checkpoint.ArchiveSha256}) and removed them from the trail, as {why}. Checkpoint {checkpoint.Id} anchors the chain at record {checkpoint.LastSequence} (hash {checkpoint.LastHash}). Keep the archive: `interlock audit verify --archive {archivePath}` proves it against this trail.";
}
