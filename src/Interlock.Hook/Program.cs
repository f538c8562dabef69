using System.Diagnostics;

namespace Interlock.Hook;

/// <summary>
/// interlock-hook: what `interlock install` registers as the agents' hook command (`interlock-hook hook &lt;harness&gt;`).
/// It hands the event to the daemon of its environment and prints the answer; that is all it can do, so it starts
/// in a fraction of interlock's time (start-up is nearly all of a hook call). Everything else is interlock's: any
/// other command line, and any event no daemon answered, is passed to the interlock beside it by executing it in
/// this process (with the event as its standard input and what is left of the deadline), which decides exactly as
/// `interlock hook` always does and then starts a daemon for the next call.
/// </summary>
internal static class Program
{
    /// <summary>Read in full up to here even though no harness accepts more than 1 MiB: interlock then sees an
    /// oversized event as such and stops it.</summary>
    private const int MaxEventBytes = 4 * 1024 * 1024;

    /// <summary>Exit code that blocks the action in the harnesses that read exit codes, for the one case where no
    /// harness protocol can be spoken: interlock itself cannot be started.</summary>
    private const int ExitBlock = 2;

    public static int Main(string[] args)
    {
        var interlock = Interlock();
        if (args is not ["hook", var harness]) return Execute(interlock, args, input: null);
        var clock = Stopwatch.StartNew();
        var deadline = HookDeadline.FromEnvironment();
        var input = ReadStandardInput();
        HookAnswer? answer;
        try
        {
            // Enforced mode: only the system decision daemon may answer. Without its answer, interlock renders the
            // stop in the harness's protocol (it decides nothing itself in that mode).
            answer = EnforcedMode.Load(out var problem) is { } enforced
                ? AskSystemDaemon(enforced, harness, input, deadline, clock)
                : problem is null ? AskDaemon(interlock, harness, input, deadline, clock) : null;
        }
        catch (Exception)
        {
            answer = null; // whatever went wrong here, interlock decides (a crashed hook lets most harnesses proceed)
        }
        if (answer is null)
        {
            var left = (int)Math.Max(1, (deadline - clock.Elapsed).TotalMilliseconds);
            return Execute(interlock, ["hook", harness, "--deadline-ms", left.ToString(System.Globalization.CultureInfo.InvariantCulture)], input);
        }
        if (answer.Stderr.Length > 0) Console.Error.WriteLine(answer.Stderr);
        if (answer.Stdout.Length > 0)
        {
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(System.Text.Encoding.UTF8.GetBytes(answer.Stdout));
        }
        return answer.ExitCode;
    }

    /// <summary>The interlock executable beside this one, as its own process will see its path (links resolved),
    /// which is what the daemon's environment key and its /proc/&lt;pid&gt;/exe are made of.</summary>
    private static string Interlock()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "interlock");
        try
        {
            return File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    /// <summary>The whole event (bounded); what was read before a read error, which interlock then judges.</summary>
    private static byte[] ReadStandardInput()
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[16 * 1024];
        var total = 0;
        try
        {
            while (total <= MaxEventBytes)
            {
                if (total == buffer.Length) Array.Resize(ref buffer, Math.Min(MaxEventBytes + 1, buffer.Length * 2));
                var n = stdin.Read(buffer, total, buffer.Length - total);
                if (n <= 0) break;
                total += n;
            }
        }
        catch (IOException)
        {
            // Decided on what arrived.
        }
        return buffer[..total];
    }

    /// <summary>The daemon's answer, or null when interlock must decide (see <see cref="DaemonEndpoint.Ask"/>).</summary>
    private static HookAnswer? AskDaemon(string interlock, string harness, byte[] input, TimeSpan deadline, Stopwatch clock) =>
        input.Length > MaxEventBytes ? null : DaemonEndpoint.Ask(interlock, harness, input, deadline, clock);

    private static HookAnswer? AskSystemDaemon(EnforcedMode mode, string harness, byte[] input, TimeSpan deadline, Stopwatch clock)
    {
        // What is left after this share is enough for interlock to start and render the stop.
        var share = deadline - clock.Elapsed - TimeSpan.FromMilliseconds(400);
        if (share <= TimeSpan.FromMilliseconds(50) || input.Length > MaxEventBytes) return null;
        return mode.Ask(new SystemRequest("hook", harness, Environment.CurrentDirectory, (int)share.TotalMilliseconds, EnforcedMode.CallerEnvironment(), [], input), share + TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Becomes interlock: runs it in this process with <paramref name="args"/> and, when given, the event as
    /// its standard input. Returns only when that failed, with a stop.</summary>
    private static int Execute(string interlock, string[] args, byte[]? input)
    {
        var errno = input is null ? 0 : Libc.ReplaceStandardInput(input);
        if (errno == 0) errno = Libc.ReplaceProcess(interlock, args);
        var hook = args is ["hook", ..];
        Console.Error.WriteLine(hook
            ? $"Interlock: interlock-hook could not start {interlock} (errno {errno}), so the action is stopped. Keep interlock and interlock-hook side by side as published, or register `interlock hook <harness>` instead (`interlock install` does)."
            : $"interlock-hook: could not start {interlock} (errno {errno}); interlock-hook only runs hook calls itself, everything else is interlock's. Keep both side by side as published.");
        return hook ? ExitBlock : 70;
    }
}
