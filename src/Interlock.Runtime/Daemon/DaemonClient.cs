using System.Diagnostics;

namespace Interlock.Runtime.Daemon;

/// <summary>The hook's side of the daemon: hand the event to a daemon started in the same environment and relay its
/// answer. Anything short of a complete answer in time leaves the decision to the hook process itself.</summary>
internal static class DaemonClient
{
    /// <summary>The daemon's answer, or null when the hook must decide in-process with the time left: no daemon, a
    /// stale socket, a daemon that crashed, declined, or did not answer within its share of the deadline (the rest,
    /// <see cref="HookDeadline.Reserve"/>, is kept for deciding here; a daemon that overruns its share leaves).</summary>
    public static HookAnswer? TryAnswer(IHookAdapter adapter, byte[] input, TimeSpan deadline, Stopwatch clock) =>
        DaemonEndpoint.Ask(Environment.ProcessPath ?? "", adapter.Harness, input, deadline, clock);

    /// <summary>
    /// Starts a daemon for this environment in the background, so the next hook call is served by it; called after a
    /// call this process had to decide itself. INTERLOCK_DAEMON=off (any value but "auto") turns this off. Best
    /// effort: nothing here changes this call's answer, and a failed start only means the next call is decided
    /// in-process too.
    /// </summary>
    public static void StartInBackground()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("INTERLOCK_DAEMON") is { } mode && mode != "auto") return;
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("INTERLOCK_SERVER_URL"))) return; // it would refuse to start
        if (Environment.ProcessPath is not { } exe) return;
        var key = DaemonEndpoint.EnvironmentKey(exe);
        if (DaemonEndpoint.SocketPath(key) is not { } socket) return;
        var log = DaemonEndpoint.LogPath(key);
        try
        {
            // At most one start a minute per environment: where a daemon cannot run (a file system without Unix
            // sockets...), hooks do not pay for a failed start on every call. Its log is written at every start.
            if (File.GetLastWriteTimeUtc(log) > DateTime.UtcNow.AddMinutes(-1)) return;
            // A daemon holds this lock from its start to its end: while it is held, one is running or starting.
            using (new FileStream(socket + ".lock", new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
            {
            }
            var environment = new List<string>();
            foreach (System.Collections.DictionaryEntry v in Environment.GetEnvironmentVariables())
                environment.Add($"{v.Key}={v.Value}");
            Libc.SpawnDetached(exe, ["daemon"], log, environment);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            // Held (a daemon is starting), or not startable here: this call was answered all the same.
        }
    }
}
