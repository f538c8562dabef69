using System.Runtime.CompilerServices;

namespace Interlock.Tests;

internal static class NoBackgroundDaemons
{
    /// <summary>Hook processes started by these tests decide in-process: a hook that had to decide itself would
    /// otherwise start an `interlock daemon` in the background (the product's default), and later calls in the
    /// same scratch environment would be answered by it. HookDaemonTests turn it back on where that is the subject.</summary>
    [ModuleInitializer]
    internal static void TurnOff()
    {
        Environment.SetEnvironmentVariable("INTERLOCK_DAEMON", "off");
        // Hook processes of these tests are the JIT-compiled test build: on a loaded 2-core machine a first decision
        // can pass the 10 s default deadline (a probe by `interlock doctor` then sees a stop). 20 s stays below the
        // registered wrapper's 25 s kill. Tests about deadlines set their own.
        if (Environment.GetEnvironmentVariable("INTERLOCK_HOOK_TIMEOUT_MS") is null)
            Environment.SetEnvironmentVariable("INTERLOCK_HOOK_TIMEOUT_MS", "20000");
    }
}
