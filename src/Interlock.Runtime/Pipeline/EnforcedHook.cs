using System.Diagnostics;
using Interlock.Core;
using Interlock.Runtime.Daemon;

namespace Interlock.Runtime.Pipeline;

/// <summary>The hook's side of enforced mode: hand the event to the system decision daemon and relay its answer;
/// anything else (no daemon, a listener that is not the daemon's user, no answer in time, an untrustworthy
/// configuration) is a stop in the harness's protocol. Nothing is decided in the agent's own process.</summary>
internal static class EnforcedHook
{
    public static HookAnswer Answer(EnforcedMode? mode, string? problem, IHookAdapter adapter, byte[] input, TimeSpan deadline, Stopwatch clock)
    {
        if (mode is null) return Stop(adapter, $"its enforced-mode configuration cannot be trusted ({problem})", "An administrator must fix it (`sudo interlock install --system` rewrites it).");
        var left = deadline - clock.Elapsed - TimeSpan.FromMilliseconds(100);
        if (left <= TimeSpan.FromMilliseconds(50)) return DecisionPipelines.DeadlineAnswer(adapter, deadline);
        var request = new SystemRequest("hook", adapter.Harness, Environment.CurrentDirectory, (int)left.TotalMilliseconds, EnforcedMode.CallerEnvironment(), [], input);
        return mode.Ask(request, left + TimeSpan.FromMilliseconds(50))
            ?? Stop(adapter, $"its decision daemon did not answer on {mode.Socket}", "An administrator starts it with `sudo systemctl start interlock.socket` (or `interlock daemon --system` as its user in a container); `interlock doctor` shows what is wrong.");
    }

    private static HookAnswer Stop(IHookAdapter adapter, string why, string alternative) =>
        DecisionPipelines.StopAnswer(adapter,
            new Decision(Verdict.Deny, "enforced.unavailable",
                $"Interlock runs in enforced mode on this machine, and {why}, so the action is stopped: in enforced mode only the decision daemon decides.",
                alternative, [], [], null),
            $"interlock: enforced mode: {why}; the action was stopped");
}
