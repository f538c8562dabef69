using Interlock.State;
using Interlock.State.Sqlite;

namespace Interlock.Cli;

/// <summary>Opening the local state store for a CLI command, with the same errors and exit codes everywhere.</summary>
internal static class CliStore
{
    /// <summary>66 (EX_NOINPUT): there is no state yet; 74 (EX_IOERR): it could not be read.</summary>
    public const int ExitNoState = 66, ExitIo = 74;

    public static int With(string? stateDir, Func<IStateStore, int> action)
    {
        try
        {
            using var store = SqliteStateStore.Open(new SqliteStateStoreOptions { Directory = stateDir ?? StateDirectory.Resolve(), CreateIfMissing = false });
            return action(store);
        }
        catch (StateNotFoundException e)
        {
            Console.Error.WriteLine(Interlock.Core.DecisionMessages.Sentences($"interlock: {e.Message}", "Set INTERLOCK_STATE_DIR or use --state-dir if it lives elsewhere."));
            return ExitNoState;
        }
        catch (StateStoreException e)
        {
            Console.Error.WriteLine($"interlock: {e.Message}");
            return ExitIo;
        }
    }
}
