using Interlock.Cli;
using Interlock.Cli.Hooks;
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
        var stages = new List<IHookStage> { new DecideStage(engine, world) };
        if (snapshots is not null) stages.Add(snapshots);
        if (audit is not null) stages.Add(audit);
        return new HookPipeline(stages, open).Run(adapter, input);
    }
}
