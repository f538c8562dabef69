using System.Text;
using Interlock.Runtime.Adapters;

namespace Interlock.Cli.Install;

/// <summary>
/// The command a harness runs before each tool call. Most harnesses let the call through when a hook cannot be
/// started, crashes, prints something that is not an answer, or outlives the harness's timeout, so the registered
/// command is a short POSIX sh wrapper around `interlock-hook hook &lt;harness&gt;` that turns each of those into the
/// harness's own stop (exit 2 with the reason where that is a documented stop, else the protocol's deny), and kills
/// a hook that is still running after <see cref="KillSeconds"/> (coreutils `timeout`, when the machine has it) so the
/// wrapper answers before the harness gives up. Only an answer the binary really gave (exit 0 with nothing or a JSON
/// object, or exit 2) passes through unchanged.
/// </summary>
internal static class HookCommandLine
{
    /// <summary>Above the hook's own deadline (10 s, INTERLOCK_HOOK_TIMEOUT_MS), below the 30 s every harness is
    /// registered with: the binary's deadline answers first; this catches a binary that cannot.</summary>
    public const int KillSeconds = 25;

    private const string Start = "o=$(";
    private const string End = "); s=$?; ";

    /// <summary>The wrapped command for <paramref name="binary"/>'s `hook <paramref name="harness"/>`.
    /// <paramref name="timeoutProgram"/> is coreutils timeout's path, or null (no kill timer).</summary>
    public static string Build(string binary, string harness, string? timeoutProgram, int killSeconds = KillSeconds)
    {
        var failure = HookAdapters.All[harness]() is JsonHookAdapter adapter
            ? adapter.Unanswered(Reason(harness))
            : throw new ArgumentException($"no hook adapter for {harness}", nameof(harness));
        var run = (timeoutProgram is null ? "" : Quote(timeoutProgram) + $" -k 2 {killSeconds} ") + Quote(binary) + " hook " + harness;
        var text = new StringBuilder();
        text.Append(Start).Append(run).Append(End);
        text.Append("case \"$s:$o\" in 0:|0:{*|2:*) printf '%s' \"$o\"; exit $s;; esac; ");
        if (failure.Stdout.Length > 0) text.Append("printf '%s' ").Append(Quote(failure.Stdout)).Append("; ");
        text.Append("echo ").Append(Quote(failure.Stderr)).Append("\" (exit $s)\" >&2; exit ").Append(failure.ExitCode);
        return text.ToString();
    }

    /// <summary>What the agent reads when the hook gave no answer.</summary>
    public static string Reason(string harness) =>
        $"Interlock's hook gave no answer (it could not be started, crashed, ran past {KillSeconds} s, or printed something that is not an answer), so the action is stopped rather than let through unchecked. Ask the user to run `interlock doctor`, which says why and how to fix it (usually `interlock install {harness}` again)";

    /// <summary>The binary that <paramref name="command"/> runs as `hook <paramref name="harness"/>`, wrapped or
    /// plain (installs from before the wrapper), when it is an interlock binary; else null.</summary>
    public static string? Binary(string command, string harness)
    {
        var c = command.Trim();
        if (c.StartsWith(Start, StringComparison.Ordinal) && c.IndexOf(End, StringComparison.Ordinal) is var end and > 0)
        {
            var words = Words(c[Start.Length..end]);
            if (words is null) return null;
            // An optional `timeout -k 2 25` in front.
            if (words.Count == 7 && Path.GetFileName(words[0]) == "timeout" && words[1] == "-k") words = words[4..];
            return words.Count == 3 && words[1] == "hook" && words[2] == harness && IsInterlock(words[0]) ? words[0] : null;
        }
        var suffix = " hook " + harness;
        if (!c.EndsWith(suffix, StringComparison.Ordinal)) return null;
        var program = c[..^suffix.Length].Trim().Trim('"', '\'');
        return IsInterlock(program) ? program : null;
    }

    /// <summary>Whether <paramref name="command"/> is the wrapper (not a plain `interlock hook` from an older install).</summary>
    public static bool IsWrapped(string command) => command.TrimStart().StartsWith(Start, StringComparison.Ordinal);

    private static bool IsInterlock(string program) =>
        program[(program.LastIndexOf('/') + 1)..] is "interlock" or "interlock.exe" or "interlock-hook";

    /// <summary>coreutils timeout where it is installed (Linux), else null: macOS has none by default.</summary>
    public static string? FindTimeout() =>
        new[] { "/usr/bin/timeout", "/bin/timeout", "/opt/homebrew/bin/timeout", "/usr/local/bin/timeout" }.FirstOrDefault(File.Exists);

    /// <summary>A word for sh: as it is when it needs no quoting, else single-quoted.</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(IsBare)
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Characters sh reads literally outside quotes.</summary>
    private static bool IsBare(char c) => char.IsAsciiLetterOrDigit(c) || "/._-+:=@%,".Contains(c);

    /// <summary>The words of a line made of bare and single-quoted words (what <see cref="Quote"/> writes); null for
    /// anything else.</summary>
    private static List<string>? Words(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (ch == ' ')
            {
                if (inWord) words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else if (ch == '\'')
            {
                var close = line.IndexOf('\'', i + 1);
                if (close < 0) return null;
                word.Append(line, i + 1, close - i - 1);
                i = close;
                inWord = true;
            }
            else if (ch == '\\' && i + 1 < line.Length && line[i + 1] == '\'')
            {
                word.Append('\'');
                i++;
                inWord = true;
            }
            else if (IsBare(ch))
            {
                word.Append(ch);
                inWord = true;
            }
            else return null;
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }
}
