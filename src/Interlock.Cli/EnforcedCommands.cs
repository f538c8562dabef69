namespace Interlock.Cli;

/// <summary>
/// The human side of enforced mode. `interlock requests|approve|deny|breaker` are sent to the system decision
/// daemon, which alone holds the state; it runs the same commands there with the caller named by the kernel
/// (SO_PEERCRED) and /etc/passwd. Whoever runs the command, and whatever copy of the binary they run, the daemon
/// decides who may: approving and resetting a breaker need root or a member of the approvers group, and the
/// two-person rule never counts the approval of the user whose agent asked.
/// </summary>
internal static class EnforcedCommands
{
    private const int ExitUnavailable = 69, ExitRefused = 77, ExitUsage = 64;

    public static readonly string[] Forwarded = ["requests", "approve", "deny", "breaker"];

    /// <summary>Runs <paramref name="op"/> in the daemon and prints its answer.</summary>
    public static int Forward(EnforcedMode mode, string op, string[] args)
    {
        if (args.Any(a => a is "-h" or "--help")) return Local(op, args);
        if (args.Contains("--state-dir"))
        {
            Console.Error.WriteLine($"interlock: {op}: --state-dir does not apply in enforced mode: the state lives with the decision daemon ({SystemDaemon.StateDirectoryPath}).");
            return ExitUsage;
        }
        var answer = mode.Ask(new SystemRequest(op, "", Environment.CurrentDirectory, 10_000, [], args, []), TimeSpan.FromSeconds(15));
        if (answer is null)
        {
            Console.Error.WriteLine($"interlock: {op}: this machine runs Interlock in enforced mode, and its decision daemon did not answer on {mode.Socket}; requests, approvals and breakers live there. Start it with `sudo systemctl start interlock.socket` (see `interlock doctor`).");
            return ExitUnavailable;
        }
        if (answer.Stdout.Length > 0) Console.Out.Write(answer.Stdout);
        if (answer.Stderr.Length > 0) Console.Error.Write(answer.Stderr);
        return answer.ExitCode;
    }

    private static int Local(string op, string[] args) => op switch
    {
        "requests" => ApprovalCommands.Requests(args),
        "approve" => ApprovalCommands.Vote(args, approve: true),
        "deny" => ApprovalCommands.Vote(args, approve: false),
        _ => BreakerCommands.Run(args),
    };

    /// <summary>The daemon's side (<see cref="SystemDaemon.AdminHandler"/>): checks who may, then runs the command
    /// against the daemon's state with its output captured.</summary>
    public static HookAnswer Handle(SystemAccount caller, IReadOnlyList<string> groups, EnforcedMode mode, string op, string[] args)
    {
        if (op == "status")
            return new HookAnswer($"interlock {BuildInfo.Version} answering on {mode.Socket} as uid {Libc.GetEffectiveUid()}; state in {SystemDaemon.StateDirectoryPath}; you are {caller.Name} (uid {caller.Uid}){(caller.Uid == 0 || groups.Contains(mode.ApproversGroup) ? ", an approver" : "")}\n", "", 0);
        if (Array.IndexOf(Forwarded, op) < 0) return new HookAnswer("", $"interlock: the decision daemon does not know the request `{op}`.\n", ExitUsage);
        if (args.Contains("--state-dir")) return new HookAnswer("", "interlock: --state-dir does not apply in enforced mode.\n", ExitUsage);
        var approver = caller.Uid == 0 || groups.Contains(mode.ApproversGroup);
        // Anyone may deny (stopping is always allowed) and see the breakers; listing requests, approving and
        // resetting a breaker are for approvers.
        var needsApprover = op switch
        {
            "deny" => false,
            "breaker" => args.Length > 0 && args[0] == "reset",
            _ => true,
        };
        if (needsApprover && !approver)
            return new HookAnswer("", $"interlock: {op}: refused: {caller.Name} (uid {caller.Uid}) is neither root nor a member of `{mode.ApproversGroup}`, and in enforced mode only they may {(op == "requests" ? "list requests" : op == "approve" ? "approve" : "reset a breaker")}. An approver runs it (`sudo interlock {op} ...`), or an administrator adds a human's account (never the one agents run as) to the group: `sudo usermod -aG {mode.ApproversGroup} <user>`.\n", ExitRefused);
        var output = new StringWriter();
        var errors = new StringWriter();
        var (stdout, stderr) = (Console.Out, Console.Error);
        int exit;
        try
        {
            // Calls are served one at a time, so the console can be borrowed for the command's output.
            Console.SetOut(output);
            Console.SetError(errors);
            exit = op switch
            {
                "requests" => ApprovalCommands.Requests(args),
                "approve" => ApprovalCommands.Vote(args, approve: true, caller.Name, groups.ToArray()),
                "deny" => ApprovalCommands.Vote(args, approve: false, caller.Name, groups.ToArray()),
                _ => BreakerCommands.Run(args, caller.Name),
            };
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
        return new HookAnswer(output.ToString(), errors.ToString(), exit);
    }
}
