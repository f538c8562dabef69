using Interlock.State.Budgets;

namespace Interlock.Cli;

/// <summary>`interlock breaker status|reset`: the per-session circuit breakers the budgets trip.</summary>
internal static class BreakerCommands
{
    private const int ExitNotTripped = 1, ExitUsage = 64;

    public const string Help = """
        interlock breaker status [--state-dir <dir>]
        interlock breaker reset --session <id> [--harness <name>] [--state-dir <dir>]

        Interlock counts the destructive work of each agent session (files deleted or emptied, lines removed by
        edits, destructive actions; approved ones included) over a 10-minute window. When a session goes over a
        budget (25 files, 2,000 lines or 25 destructive actions), its circuit breaker trips: every further
        destructive action in that session needs a human, with a message that says what the session did.

          status   List the sessions whose breaker is tripped, and why
          reset    Reset a session's breaker (after you have looked at what it did: `git status`,
                   `interlock history --session <id>`); its budget window starts afresh.
                   --harness defaults to claude-code.

        Only a human resets a breaker: an agent that runs `interlock breaker reset` is stopped.
        Exit status: 0 ok, 1 that session's breaker was not tripped, 64 usage error, 66 no state yet.
        """;

    /// <param name="actor">Who resets: the user running this command, or the system daemon's caller.</param>
    public static int Run(string[] args, string? actor = null)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? Console.Error : Console.Out).WriteLine(Help);
            return args.Length == 0 ? ExitUsage : 0;
        }
        string? session = null, stateDir = null;
        var harness = "claude-code";
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Out.WriteLine(Help); return 0;
                case "--session" when i + 1 < args.Length: session = args[++i]; break;
                case "--harness" when i + 1 < args.Length: harness = args[++i]; break;
                case "--state-dir" when i + 1 < args.Length: stateDir = args[++i]; break;
                default: return Usage($"unexpected argument `{args[i]}` (see `interlock breaker --help`).");
            }
        }
        switch (args[0])
        {
            case "status":
                return CliStore.With(stateDir, store =>
                {
                    var tripped = store.Budgets.Tripped();
                    if (tripped.Count == 0) { Console.Out.WriteLine("no tripped breakers"); return 0; }
                    foreach (var b in tripped)
                    {
                        var (h, s) = Split(b.SessionKey);
                        Console.Out.WriteLine($"{h} session {s}: tripped at {b.TrippedAt:yyyy-MM-dd HH:mm:ss}Z ({b.Reason})");
                        Console.Out.WriteLine($"    reset: interlock breaker reset --session {s}{(h == "claude-code" ? "" : $" --harness {h}")}");
                    }
                    return 0;
                });
            case "reset":
                if (session is null) return Usage("`breaker reset` needs --session <id> (see `interlock breaker status`).");
                return CliStore.With(stateDir, store =>
                {
                    var key = $"{harness}:{session}";
                    if (store.Budgets.Reset(key, actor ?? Environment.UserName, DateTimeOffset.UtcNow))
                    {
                        Console.Out.WriteLine($"reset the breaker of {harness} session {session}; its budget window starts now");
                        return 0;
                    }
                    Console.Error.WriteLine($"interlock: the breaker of {harness} session {session} is not tripped (see `interlock breaker status`).");
                    return ExitNotTripped;
                });
            default:
                return Usage($"unknown breaker subcommand `{args[0]}`. Subcommands: status, reset.");
        }
    }

    private static (string Harness, string Session) Split(string key)
    {
        var colon = key.IndexOf(':');
        return colon < 0 ? ("?", key) : (key[..colon], key[(colon + 1)..]);
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"interlock: {message}");
        return ExitUsage;
    }
}
