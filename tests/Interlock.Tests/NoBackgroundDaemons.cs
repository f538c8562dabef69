using System.Runtime.CompilerServices;

namespace Interlock.Tests;

internal static class NoBackgroundDaemons
{
    /// <summary>Hook processes started by these tests decide in-process: a hook that had to decide itself would
    /// otherwise start an `interlock daemon` in the background (the product's default), and later calls in the
    /// same scratch environment would be answered by it. HookDaemonTests turn it back on where that is the subject.</summary>
    [ModuleInitializer]
    internal static void TurnOff() => Environment.SetEnvironmentVariable("INTERLOCK_DAEMON", "off");
}
