using Interlock.State;

namespace Interlock.Runtime.Pipeline;

/// <summary>
/// A human's answer given inside the caller (an MCP client's elicitation prompt, a .NET agent's own approval
/// callback) is part of the audit trail like any decision. Callers act on an approval only once it is recorded.
/// </summary>
internal static class HumanAnswers
{
    /// <summary>Appends the answer; why it could not be, or null when it was written.</summary>
    public static string? Record(Func<IStateStore>? open, AuditEntry entry)
    {
        try
        {
            using var store = (open ?? throw new StateStoreException("no state store is configured"))();
            store.Audit.AppendAsync(entry).AsTask().GetAwaiter().GetResult();
            return null;
        }
        catch (Exception e) when (e is StateStoreException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            return e.Message;
        }
    }
}
