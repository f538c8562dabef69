namespace Interlock.Runtime;

/// <summary>The version both executables (interlock and interlock-hook) report and key their daemon socket on.</summary>
internal static class BuildInfo
{
    public const string Version = "0.1.0";
}
