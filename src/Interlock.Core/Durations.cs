using System.Globalization;

namespace Interlock.Core;

/// <summary>
/// The one way a duration is written wherever a person types one (policy files, `history prune --older-than`,
/// `audit prune`, `serve --audit-retention`, `serve --hook-wait`): a non-negative number and a unit, s (seconds),
/// m (minutes), h (hours), d (days) or w (weeks): "90s", "30m", "1.5h", "7d", "2w", "0d". Callers bound the value.
/// </summary>
public static class Durations
{
    /// <summary>For messages: "such as 90s, 30m, 12h, 7d or 2w".</summary>
    public const string Examples = "such as 90s, 30m, 12h, 7d or 2w";

    /// <summary>The duration <paramref name="text"/> writes, or null when it is not one (at most 100,000 years).</summary>
    public static TimeSpan? Parse(string? text)
    {
        if (text is null || text.Length is < 2 or > 24) return null;
        var number = text[..^1];
        if (number.Length == 0 || !char.IsAsciiDigit(number[0]) ||
            !double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) || n > 100_000 * 365.0)
            return null;
        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            'w' => TimeSpan.FromDays(7 * n),
            _ => null,
        };
    }
}
