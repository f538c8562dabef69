using System.Text.Json;
using Interlock.Core;
using static Interlock.Runtime.Adapters.HookJson;

namespace Interlock.Runtime.Adapters;

/// <summary>
/// Codex CLI PreToolUse hooks (developers.openai.com/codex/hooks; openai/codex PR "apply_patch emits PreToolUse",
/// codex-rs/hooks; assumed Codex 0.124 or later, where hooks are on by default). stdin: session_id, turn_id, cwd,
/// hook_event_name "PreToolUse", model, permission_mode, tool_name ("Bash" for shell tools, "apply_patch" whose
/// patch text is in tool_input.command, MCP tools as mcp__server__tool), tool_input. To stop: print
/// {"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":...}}
/// and exit 0. Codex has no "ask" (it counts the hook as failed and runs the tool), so an ask is answered as a
/// deny whose reason says how a human approves. Nothing is printed for allow.
/// </summary>
internal sealed class CodexAdapter : JsonHookAdapter
{
    public override string Harness => "codex";

    public override bool SupportsAsk => false;

    protected override string Product => "Codex";

    protected override string Registration => "[[hooks.PreToolUse]]";

    protected override HookEvent Read(JsonElement root, HookEvent ev)
    {
        ev = Common(root, ev);
        if (Unfit(ev, "tool_name", "PreToolUse") is { } unfit) return unfit;
        var tool = ev.Tool!;
        var cwd = Cwd(ev.Cwd);
        root.TryGetProperty("tool_input", out var input);
        if (tool.StartsWith("mcp__", StringComparison.Ordinal)) return ToolRequests.NamedMcp(ev, tool, input, cwd);
        return tool switch
        {
            "Bash" => ToolRequests.Shell(ev, tool, GetString(input, "command"), "tool_input.command", cwd),
            "apply_patch" => ToolRequests.Patch(ev, tool, GetString(input, "command"), "tool_input.command", cwd),
            _ => ev, // other tools: Codex's own approvals apply
        };
    }

    /// <summary>Exit code 2 with the reason on stderr: a documented stop whatever stdout holds.</summary>
    public override HookAnswer Unanswered(string reason) => new("", reason, 2);

    /// <summary>Nothing for allow; deny (also for ask, which Codex does not support) with the reason.</summary>
    public override HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome) =>
        new(outcome.Verdict == Verdict.Allow ? "" : ClaudeCodeAdapter.Answer(Verdict.Deny, Reason(outcome.Message)), "", 0);

    /// <summary>The reason without its closing full stop: Codex shows the model "Command blocked by PreToolUse hook:
    /// {reason}. Command: {command}" (codex-rs, 0.171), adding the stop itself, so a reason ending in one would read
    /// "...retried once.. Command: ...". A trailing ellipsis is left as it is.</summary>
    internal static string Reason(string message) => DecisionMessages.Clause(message);
}
