using System.Globalization;
using Interlock.State;
using Interlock.State.Approvals;

namespace Interlock.Cli;

/// <summary>
/// `interlock requests`, `interlock approve`, `interlock deny`: the human side of local approvals (no server).
/// Agents cannot run approve or deny: the hook denies any `interlock` command that changes the guard.
/// </summary>
internal static class ApprovalCommands
{
    private const int ExitRefused = 1, ExitUsage = 64;

    public const string RequestsHelp = """
        interlock requests [--all] [-n N] [--state-dir <dir>]

        Lists the actions waiting for a human's approval (with --all: also approved, denied, used and expired ones),
        newest first. Agents in harnesses that cannot ask a human themselves (Codex, Gemini CLI, Amazon Q, Kiro) are
        told the request id when Interlock stops an action that needs approval.
        Approve one with `interlock approve <id>`, refuse it with `interlock deny <id>`.
        """;

    public const string VoteHelp = """
        interlock approve <id> [--comment TEXT] [--state-dir <dir>]
        interlock deny <id> [--comment TEXT] [--state-dir <dir>]

        Approves (or refuses) a pending request for exactly the action it shows. After an approval, the agent's
        identical retry in the same session is allowed once, within 30 minutes; any other action, or a second retry,
        is checked afresh. One deny ends a request. Run these yourself, in a terminal: an agent that tries is stopped.
        Exit status: 0 recorded, 1 not recorded (already decided, expired, no such request), 64 usage error,
        66 no state yet.
        """;

    public static int Requests(string[] args)
    {
        var all = false;
        var count = 20;
        string? stateDir = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Out.WriteLine(RequestsHelp); return 0;
                case "--all": all = true; break;
                case "-n" when i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0:
                    count = n; i++; break;
                case "--state-dir" when i + 1 < args.Length: stateDir = args[++i]; break;
                default: return Usage($"unexpected argument `{args[i]}` (see `interlock requests --help`).");
            }
        }
        return CliStore.With(stateDir, store =>
        {
            var list = store.Approvals.ListAsync(all ? null : ApprovalStatus.Pending, count).AsTask().GetAwaiter().GetResult();
            if (list.Count == 0)
            {
                Console.Out.WriteLine(all ? "no approval requests" : "no requests waiting for approval");
                return 0;
            }
            foreach (var r in list) Console.Out.Write(Describe(r));
            return 0;
        });
    }

    /// <param name="voter">Who votes: the user running this command, or, in the system daemon, the caller's
    /// account (by SO_PEERCRED).</param>
    /// <param name="voterGroups">The voter's groups, for requests only a group may approve.</param>
    public static int Vote(string[] args, bool approve, string? voter = null, IReadOnlyCollection<string>? voterGroups = null)
    {
        var verb = approve ? "approve" : "deny";
        string? id = null, comment = null, stateDir = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Out.WriteLine(VoteHelp); return 0;
                case "--comment" or "-m" when i + 1 < args.Length: comment = args[++i]; break;
                case "--state-dir" when i + 1 < args.Length: stateDir = args[++i]; break;
                default:
                    if (args[i].StartsWith('-') || id is not null) return Usage($"unexpected argument `{args[i]}` (see `interlock {verb} --help`).");
                    id = args[i];
                    break;
            }
        }
        if (id is null) return Usage($"`{verb}` needs a request id, e.g. interlock {verb} r2k7q9x4mfa (see `interlock requests`).");
        voter ??= Environment.UserName;
        return CliStore.With(stateDir, store =>
        {
            var result = store.Approvals.VoteAsync(id, voter, voterGroups ?? [], approve, comment, DateTimeOffset.UtcNow).AsTask().GetAwaiter().GetResult();
            var message = ApprovalRules.Explain(result.Outcome, result.Request, voter);
            if (result.Outcome is VoteOutcome.Counted or VoteOutcome.Decided)
            {
                Console.Out.WriteLine(result.Request!.Status switch
                {
                    ApprovalStatus.Approved => $"approved {id}: the agent's identical retry will be allowed once, until {result.Request.GrantExpiresAt:yyyy-MM-dd HH:mm} UTC",
                    ApprovalStatus.Denied => $"denied {id}: the action stays stopped",
                    _ => message,
                });
                return 0;
            }
            Console.Error.WriteLine($"interlock: not recorded: {message}");
            return ExitRefused;
        });
    }

    private static string Describe(ApprovalRequest r)
    {
        var a = r.Action;
        var status = r.Status.ToString().ToLowerInvariant();
        var lines = new List<string>
        {
            $"{r.Id}  {status}  {r.CreatedAt:yyyy-MM-dd HH:mm:ss}Z  {a.Harness} session {a.SessionId ?? "-"}",
            $"    {a.Tool}: {Truncate(a.Action, 200)}",
            $"    in {a.Cwd}{(a.Environment is "unknown" ? "" : $" ({a.Environment})")}",
            $"    why: [{a.RuleId}] {Truncate(a.Reason, 300)}",
        };
        foreach (var v in r.Votes)
            lines.Add($"    {(v.Approve ? "approved" : "denied")} by {v.Approver} at {v.At:yyyy-MM-dd HH:mm:ss}Z{(v.Comment is { } c ? $": {c}" : "")}");
        if (r.Status == ApprovalStatus.Pending) lines.Add($"    approve: interlock approve {r.Id}    refuse: interlock deny {r.Id}");
        return string.Join('\n', lines) + "\n\n";
    }

    private static string Truncate(string s, int n) => (s.Length > n ? s[..n] + "..." : s).Replace("\n", "\\n");

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"interlock: {message}");
        return ExitUsage;
    }
}
