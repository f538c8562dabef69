namespace Interlock.Core;

/// <summary>
/// Every count and duration a person reads goes through here, so none says "1 seconds" or "rule(s)": a count with its
/// noun in the right number, and a duration in the largest unit that reads naturally.
/// </summary>
public static class Plural
{
    /// <summary>"1 file", "3 files"; <paramref name="many"/> for irregular plurals ("1 copy", "2 copies").</summary>
    public static string Of(long count, string one, string? many = null) =>
        $"{count.ToString(System.Globalization.CultureInfo.InvariantCulture)} {Noun(count, one, many)}";

    /// <summary>The noun alone in the right number: "file" or "files".</summary>
    public static string Noun(long count, string one, string? many = null) => count == 1 ? one : many ?? one + "s";

    /// <summary>"1 second", "90 seconds", "5 minutes", "1 hour", "7 days": the largest unit the duration is a whole
    /// number of; otherwise rounded up, in seconds under 2 minutes, minutes under 2 hours, hours under 2 days, else days.
    /// Zero and less read "0 seconds".</summary>
    public static string Duration(TimeSpan t)
    {
        if (t <= TimeSpan.Zero) return "0 seconds";
        var seconds = (long)Math.Ceiling(t.TotalSeconds);
        if (seconds % 86_400 == 0) return Of(seconds / 86_400, "day");
        if (seconds % 3_600 == 0) return Of(seconds / 3_600, "hour");
        if (seconds % 60 == 0) return Of(seconds / 60, "minute");
        if (seconds < 120) return Of(seconds, "second");
        if (seconds < 7_200) return Of((seconds + 59) / 60, "minute");
        if (seconds < 172_800) return Of((seconds + 3_599) / 3_600, "hour");
        return Of((seconds + 86_399) / 86_400, "day");
    }
}
