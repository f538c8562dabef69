namespace Interlock.State;

/// <summary>Where Interlock keeps its state on this machine.</summary>
public static class StateDirectory
{
    public const string OverrideVariable = "INTERLOCK_STATE_DIR";

    /// <summary>$INTERLOCK_STATE_DIR if set, else $XDG_STATE_HOME/interlock, else ~/.local/state/interlock.</summary>
    public static string Resolve() => Resolve(Environment.GetEnvironmentVariable,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify));

    public static string Resolve(Func<string, string?> getVariable, string home)
    {
        var explicitDir = getVariable(OverrideVariable);
        if (!string.IsNullOrEmpty(explicitDir)) return Path.GetFullPath(explicitDir);
        var xdg = getVariable("XDG_STATE_HOME");
        // The XDG spec says relative values are invalid and must be ignored.
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "interlock");
        if (string.IsNullOrEmpty(home)) home = getVariable("HOME") ?? "/";
        return Path.Combine(home, ".local", "state", "interlock");
    }
}
