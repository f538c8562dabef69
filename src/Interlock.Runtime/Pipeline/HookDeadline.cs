namespace Interlock.Runtime.Pipeline;

/// <summary>How long one hook call may take, end to end: shared by `interlock hook` and interlock-hook.</summary>
internal static class HookDeadline
{
    /// <summary>Default bound, below every supported harness's own hook timeout (the shortest default among them is
    /// 30 s); override with INTERLOCK_HOOK_TIMEOUT_MS.</summary>
    public const int DefaultMs = 10_000;

    /// <summary>What a hook keeps back from a call it hands to the daemon, to decide in-process if the daemon does
    /// not answer: a third of the deadline, at most 1.5 s.</summary>
    public static TimeSpan Reserve(TimeSpan deadline) => TimeSpan.FromMilliseconds(Math.Min(1500, deadline.TotalMilliseconds / 3));

    public static TimeSpan FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("INTERLOCK_HOOK_TIMEOUT_MS"), out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromMilliseconds(DefaultMs);
}
