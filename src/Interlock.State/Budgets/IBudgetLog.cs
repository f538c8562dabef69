namespace Interlock.State.Budgets;

/// <summary>Destructive work one action does: files deleted or emptied, lines removed, destructive commands.</summary>
public readonly record struct BudgetUsage(int FilesDeleted, int LinesRemoved, int DestructiveCommands)
{
    public bool IsZero => FilesDeleted == 0 && LinesRemoved == 0 && DestructiveCommands == 0;

    public static BudgetUsage operator +(BudgetUsage a, BudgetUsage b) =>
        new(a.FilesDeleted + b.FilesDeleted, a.LinesRemoved + b.LinesRemoved, a.DestructiveCommands + b.DestructiveCommands);
}

/// <summary>How much destructive work a session may do within <see cref="Window"/> before the breaker trips.
/// The defaults are far above what ordinary work does in ten minutes.</summary>
public sealed record BudgetLimits
{
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);

    public int FilesDeleted { get; init; } = 25;

    public int LinesRemoved { get; init; } = 2000;

    public int DestructiveCommands { get; init; } = 25;

    /// <summary>Which limit the totals exceed, in words, or null.</summary>
    public string? Exceeded(BudgetUsage totals) =>
        totals.FilesDeleted > FilesDeleted ? $"more than {FilesDeleted} files deleted or emptied"
        : totals.LinesRemoved > LinesRemoved ? $"more than {LinesRemoved} lines removed"
        : totals.DestructiveCommands > DestructiveCommands ? $"more than {DestructiveCommands} destructive actions"
        : null;
}

/// <summary>A session's tripped circuit breaker.</summary>
public sealed record BreakerState(string SessionKey, DateTimeOffset TrippedAt, string Reason);

/// <summary>The session's totals within the window after recording an action, and its breaker.</summary>
public sealed record BudgetCheck(BudgetUsage WindowTotals, DateTimeOffset? FirstInWindow, BreakerState? Breaker, bool TrippedNow);

/// <summary>
/// Per-session budgets of destructive work and the circuit breaker they trip. Recording and tripping happen in one
/// transaction, so concurrent hook processes of one session (sub-agents) neither lose counts nor trip twice.
/// A tripped breaker stays tripped until a human resets it; the reset also starts a fresh window.
/// </summary>
public interface IBudgetLog
{
    /// <summary>Adds <paramref name="usage"/> to the session's log, sums the window, trips the breaker when a limit
    /// is exceeded, and returns where the session stands.</summary>
    BudgetCheck Record(string sessionKey, BudgetUsage usage, DateTimeOffset now, BudgetLimits limits);

    /// <summary>The session's breaker when it is tripped, else null.</summary>
    BreakerState? Breaker(string sessionKey);

    /// <summary>Every tripped breaker, newest first.</summary>
    IReadOnlyList<BreakerState> Tripped();

    /// <summary>Resets a tripped breaker; false when it was not tripped.</summary>
    bool Reset(string sessionKey, string by, DateTimeOffset now);
}
