using Interlock.Fuzz.Targets;

namespace Interlock.Fuzz;

/// <summary>Every fuzz target. Adding one (the policy loader, another harness adapter, the apply_patch parser):
/// write a class in Targets/ implementing <see cref="IFuzzTarget"/> (decode the text input into the component's
/// input, call it, throw only for a real finding), add one line here, and tools/fuzz.sh picks it up.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new ShellParserTarget(),
        new SqlClassifierTarget(),
        new EngineTarget(),
        new ClaudeCodeHookTarget(),
    ];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
