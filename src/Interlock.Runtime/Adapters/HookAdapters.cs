namespace Interlock.Runtime.Adapters;

/// <summary>The harnesses whose hook protocol Interlock speaks.</summary>
internal static class HookAdapters
{
    /// <summary>Every harness the hook speaks, by the name used on the command line.</summary>
    public static readonly IReadOnlyDictionary<string, Func<IHookAdapter>> All = new Dictionary<string, Func<IHookAdapter>>(StringComparer.Ordinal)
    {
        ["claude-code"] = () => new ClaudeCodeAdapter(),
        ["codex"] = () => new CodexAdapter(),
        ["gemini"] = () => new GeminiAdapter(),
        ["cursor"] = () => new CursorAdapter(),
        ["copilot"] = () => new CopilotAdapter(),
        ["kiro"] = () => new KiroAdapter("kiro", "Kiro CLI", "~/.kiro/agents/NAME.json"),
        ["amazon-q"] = () => new KiroAdapter("amazon-q", "Amazon Q Developer CLI", "~/.aws/amazonq/cli-agents/NAME.json"),
        ["opencode"] = () => new OpenCodeAdapter(),
    };
}
