using Interlock.Runtime.Daemon;

namespace Interlock.Cli;

/// <summary>`interlock daemon`: keeps the decision pipeline resident (<see cref="HookDaemon"/>) for the hooks of this environment.</summary>
internal static class DaemonCommand
{
    public const string Help = """
        interlock daemon [--idle-minutes N] [--verbose]

        Keeps Interlock resident so each hook call costs a process start and a Unix-socket round trip instead of
        loading the policy, the engine and the state database (see docs/performance.md).

        You rarely start it by hand: a hook call that finds no daemon for its environment decides by itself, then
        starts one in the background (its own session, output in hookd-<key>.log in the state directory), and the
        calls after it are served by that daemon. Set INTERLOCK_DAEMON=off in the agents' environment to keep
        every call in-process instead. To run it yourself (e.g. as a systemd user service), start it in the
        environment your agents run in:

          interlock daemon &                      # or: systemd-run --user interlock daemon

        Hook processes use it when its environment matches theirs: the same interlock binary and the same HOME,
        USER, XDG_* and INTERLOCK_* variables. Any other hook call, or any call the daemon cannot complete, is
        decided by the hook process itself exactly as without a daemon: the daemon only makes hooks faster, never
        more permissive. It leaves when idle, when its socket is removed, and after a call that missed its deadline.

        --idle-minutes N   Exit after N minutes without a call (default 30; 0 = never).
        --verbose          Print one line per call on standard error.

        Not used with an approval server (INTERLOCK_SERVER_URL): those hooks wait on the network anyway.

        interlock daemon --system [--verbose]

        The decision daemon of enforced mode (`sudo interlock install --system`; docs/security.md): run by systemd
        (interlock.socket / interlock.service) as the `interlock` system user, or in a container in the foreground
        as that user with CAP_DAC_READ_SEARCH. It alone owns the state in /var/lib/interlock, decides every hook
        call of every user on /run/interlock/decide.sock, names callers by their uid, and answers `interlock
        requests|approve|deny|breaker` for the humans allowed to use them.
        """;

    public static int Run(string[] args)
    {
        var idle = TimeSpan.FromMinutes(30);
        var verbose = false;
        if (args.Contains("--system"))
        {
            if (args.Any(a => a is not ("--system" or "--verbose")))
            {
                Console.Error.WriteLine("interlock: daemon --system takes only --verbose.");
                return 64;
            }
            var mode = EnforcedMode.Load(out var problem);
            if (mode is null)
            {
                Console.Error.WriteLine(problem is null
                    ? $"interlock: daemon --system: this machine is not in enforced mode ({EnforcedMode.ConfigPath} does not exist); `sudo interlock install --system` sets it up."
                    : $"interlock: daemon --system: {problem}.");
                return 1;
            }
            return SystemDaemon.Host(mode, args.Contains("--verbose"), EnforcedCommands.Handle);
        }
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help": Console.Out.WriteLine(Help); return 0;
                case "--verbose": verbose = true; break;
                case "--idle-minutes" when i + 1 < args.Length && int.TryParse(args[i + 1], out var m) && m >= 0:
                    idle = m == 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMinutes(m);
                    i++;
                    break;
                default:
                    Console.Error.WriteLine($"interlock: daemon: unexpected argument `{args[i]}`; usage: interlock daemon [--idle-minutes N] [--verbose]");
                    return 64;
            }
        }
        return HookDaemon.Host(idle, verbose);
    }
}
