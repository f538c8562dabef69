using Interlock.Cli;
using Interlock.Core;
using Interlock.State;

namespace Interlock.Tests;

/// <summary>Runs hook events through the same pipeline the CLI uses, with the stages a test needs.</summary>
internal static class TestHooks
{
    /// <summary>The Claude Code answer (stdout) for one event: engine only, or with snapshot and audit stages.</summary>
    public static string ClaudeCode(byte[] input, Engine engine, Func<IWorldView> world, AuditStage? audit = null, SnapshotStage? snapshots = null, Func<IStateStore>? open = null) =>
        Run(new ClaudeCodeAdapter(), input, engine, world, audit, snapshots, open).Stdout;

    public static HookAnswer Run(IHookAdapter adapter, byte[] input, Engine engine, Func<IWorldView> world, AuditStage? audit = null, SnapshotStage? snapshots = null, Func<IStateStore>? open = null)
    {
        var stages = new List<IDecisionStage> { new DecideStage(engine, world) };
        if (snapshots is not null) stages.Add(snapshots);
        if (audit is not null) stages.Add(audit);
        return new DecisionPipeline(stages, open).Run(adapter, input);
    }
}

/// <summary>The built `interlock` apphost as a process, with a scratch state directory and no machine policy files.</summary>
internal static class TestCli
{
    public static (int Exit, string Stdout, string Stderr) Run(string stateDir, params string[] args)
    {
        var exe = System.IO.Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "interlock.exe" : "interlock");
        // Standard input is an empty pipe, never the test runner's (which may be a terminal).
        var psi = new System.Diagnostics.ProcessStartInfo(exe) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["INTERLOCK_STATE_DIR"] = stateDir;
        // No policy files from the machine: only the built-in defaults (tests must not depend on ~/.config or /etc).
        psi.Environment["INTERLOCK_CONFIG_DIR"] = psi.Environment["INTERLOCK_SYSTEM_CONFIG_DIR"] = "/nonexistent/interlock-tests-no-policy";
        using var p = System.Diagnostics.Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Xunit.Assert.True(p.WaitForExit(120_000));
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
