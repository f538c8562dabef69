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

    public static readonly string[] Forwarded = ["requests", "approve", "deny", "breaker", "history", "undo"];

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
        if (op == "undo" && answer.ExitCode == 0 && answer.Stdout.StartsWith(UndoPlanMarker, StringComparison.Ordinal))
            return ApplyUndo(answer.Stdout[UndoPlanMarker.Length..], answer.Stderr);
        if (answer.Stdout.Length > 0) Console.Out.Write(answer.Stdout);
        if (answer.Stderr.Length > 0) Console.Error.Write(answer.Stderr);
        return answer.ExitCode;
    }

    /// <summary>Starts the daemon's answer to an undo: the files to put back, for the root CLI to write.</summary>
    private const string UndoPlanMarker = "interlock-undo-plan\n";

    /// <summary>Writes the files the daemon handed back (this CLI runs as root: the daemon cannot write users'
    /// files), each given to the owner of its directory, as the agent's own write had left it.</summary>
    private static int ApplyUndo(string plan, string messages)
    {
        var failed = 0;
        using var document = System.Text.Json.JsonDocument.Parse(plan);
        foreach (var item in document.RootElement.EnumerateArray())
        {
            var file = new Interlock.State.SnapshotFile(item.GetProperty("path").GetString()!, item.GetProperty("hash").GetString()!,
                item.GetProperty("mode").GetInt32(), item.GetProperty("size").GetInt64(), null);
            var content = item.GetProperty("content").ValueKind == System.Text.Json.JsonValueKind.Null ? null : item.GetProperty("content").GetBytesFromBase64();
            try
            {
                SnapshotCommands.Restore(file, content);
                if (content is not null && Libc.FileOwner(Path.GetDirectoryName(file.Path)!) is var (uid, gid, _)) Libc.ChangeOwner(file.Path, uid, gid);
                Console.Out.WriteLine(content is null ? $"removed {file.Path}" : $"restored {file.Path} ({file.Size} bytes)");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Console.Error.WriteLine($"interlock: could not restore {file.Path}: {e.Message}");
                failed++;
            }
        }
        if (messages.Length > 0) Console.Error.Write(messages);
        return failed > 0 ? CliStore.ExitIo : 0;
    }

    private static int Local(string op, string[] args) => op switch
    {
        "requests" => ApprovalCommands.Requests(args),
        "approve" => ApprovalCommands.Vote(args, approve: true),
        "deny" => ApprovalCommands.Vote(args, approve: false),
        "history" => SnapshotCommands.History(args),
        "undo" => SnapshotCommands.Undo(args),
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
        // Undo hands back the stored copies of files, which the daemon may have read on behalf of a caller who
        // cannot read them (it reads with CAP_DAC_READ_SEARCH): only root gets them.
        if (op == "undo" && caller.Uid != 0 && !args.Any(a => a is "--dry-run" or "-n"))
            return new HookAnswer("", $"interlock: undo: refused: in enforced mode the stored copies are given to root only ({caller.Name} is uid {caller.Uid}); run `sudo interlock undo {string.Join(' ', args)}` (`interlock history` lists the events; `--dry-run` shows what would be restored).\n", ExitRefused);
        var needsApprover = op switch
        {
            "deny" => false,
            "breaker" => args.Length > 0 && args[0] == "reset",
            _ => true,
        };
        if (needsApprover && !approver)
            return new HookAnswer("", $"interlock: {op}: refused: {caller.Name} (uid {caller.Uid}) is neither root nor a member of `{mode.ApproversGroup}`, and in enforced mode only they may {op switch { "requests" => "list requests", "approve" => "approve", "history" => "see the undo history", "undo" => "preview an undo", _ => "reset a breaker" }}. An approver runs it (`sudo interlock {op} ...`), or an administrator adds a human's account (never the one agents run as) to the group: `sudo usermod -aG {mode.ApproversGroup} <user>`.\n", ExitRefused);
        var plan = new List<(Interlock.State.SnapshotFile File, byte[]? Content)>();
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
                "history" => SnapshotCommands.History(args),
                "undo" => SnapshotCommands.Undo(args, (objects, f) => plan.Add((f, f.Hash == Interlock.State.SnapshotHash.Absent ? null : SnapshotCommands.StoredCopy(objects, f)))),
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
        if (op != "undo" || plan.Count == 0 || exit != 0) return new HookAnswer(output.ToString(), errors.ToString(), exit);
        // The files go to the root CLI, which writes them; what the command printed ("restored ...") is replaced
        // by what the CLI prints as it writes each one.
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var (file, content) in plan)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteString("hash", file.Hash);
                json.WriteNumber("mode", file.Mode);
                json.WriteNumber("size", file.Size);
                if (content is null) json.WriteNull("content"); else json.WriteBase64String("content", content);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        return new HookAnswer(UndoPlanMarker + System.Text.Encoding.UTF8.GetString(buffer.ToArray()), errors.ToString(), 0);
    }
}
