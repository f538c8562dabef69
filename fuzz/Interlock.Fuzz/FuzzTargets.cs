using Interlock.Fuzz.Targets;

namespace Interlock.Fuzz;

/// <summary>Every fuzz target. Adding one (the policy loader, the apply_patch parser): write a class in Targets/
/// implementing <see cref="IFuzzTarget"/> (decode the input bytes into the component's input, call it, throw only for a
/// real finding), add one line here, and tools/fuzz.sh picks it up. Another harness's adapter needs no class: add
/// <c>new HookAdapterTarget("codex", () => new CodexAdapter(), seeds...)</c> with a few of its events as seeds.
/// A target's constructor must not run code of the instrumented assemblies (Core, CLI): the list is built before
/// SharpFuzz sets up its coverage map, and instrumented code run then crashes the process; build such objects lazily.</summary>
public static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new ShellParserTarget(),
        new SqlClassifierTarget(),
        new EngineTarget(),
        new HookAdapterTarget("claude-code", () => new ClaudeCodeAdapter(), HookAdapterTarget.ClaudeCodeSeeds),
        new HookAdapterTarget("codex", () => new CodexAdapter(), AdapterSeeds.Codex),
        new HookAdapterTarget("gemini", () => new GeminiAdapter(), AdapterSeeds.Gemini),
        new HookAdapterTarget("cursor", () => new CursorAdapter(), AdapterSeeds.Cursor),
        new HookAdapterTarget("copilot", () => new CopilotAdapter(), AdapterSeeds.Copilot),
        new HookAdapterTarget("kiro", () => HookAdapters.All["kiro"](), AdapterSeeds.Kiro),
        new HookAdapterTarget("amazon-q", () => HookAdapters.All["amazon-q"](), AdapterSeeds.Kiro),
        new HookAdapterTarget("opencode", () => new OpenCodeAdapter(), AdapterSeeds.OpenCode),
        new PolicyLoaderTarget(),
        new ApplyPatchTarget(),
        new McpProxyTarget(),
    ];

    public static IFuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}
