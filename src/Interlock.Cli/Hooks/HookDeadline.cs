namespace Interlock.Cli.Hooks;

/// <summary>How long one hook call may take, end to end: shared by `interlock hook` and interlock-hook.</summary>
internal static class HookDeadline
{
    /// <summary>Default bound, below every supported harness's own hook timeout (the shortest default among them is
    /// 30 s); override with INTERLOCK_HOOK_TIMEOUT_MS.</summary>
    public const int DefaultMs = 10_000;

    public static TimeSpan FromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable("INTERLOCK_HOOK_TIMEOUT_MS"), out var ms) && ms > 0
            ? TimeSpan.FromMilliseconds(ms)
            : TimeSpan.FromMilliseconds(DefaultMs);
}
