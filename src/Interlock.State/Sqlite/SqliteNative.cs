using System.Reflection;
using System.Runtime.InteropServices;

namespace Interlock.State.Sqlite;

/// <summary>
/// Loads the bundled SQLite (libe_sqlite3.so) from beside the executable first. Without this the runtime tries
/// "e_sqlite3.so" in every library directory of the system before the published file, which costs dozens of failed
/// opens in every hook process. Anything else (tests, other layouts) falls back to the runtime's own probing.
/// </summary>
internal static class SqliteNative
{
    private static int _initialized;

    public static string LibraryFileName =>
        OperatingSystem.IsWindows() ? "e_sqlite3.dll" : OperatingSystem.IsMacOS() ? "libe_sqlite3.dylib" : "libe_sqlite3.so";

    public static void Initialize()
    {
        if (Interlocked.Exchange(ref _initialized, 1) != 0) return;
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // A resolver is already set for that assembly (by the host); keep it.
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != "e_sqlite3") return IntPtr.Zero;
        return NativeLibrary.TryLoad(Path.Combine(AppContext.BaseDirectory, LibraryFileName), out var handle) ? handle : IntPtr.Zero;
    }
}
