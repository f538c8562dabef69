using System.Text;
using System.Text.Json;
using Interlock.Cli;
using Interlock.Core;

namespace Interlock.Fuzz.Targets;

/// <summary>The Claude Code PreToolUse adapter on arbitrary bytes as its standard input: every input gets an answer
/// (empty, or one JSON object) and no exception escapes. The audit trail and snapshots are left out (they are I/O).</summary>
public sealed class ClaudeCodeHookTarget : IFuzzTarget
{
    private static readonly Engine Engine = new();
    private static readonly FuzzWorld World = new();

    public string Name => "claude-code-hook";
    public string Description => "ClaudeCodeHook.Handle on the input as the hook's stdin JSON";

    public IEnumerable<string> Seeds(SeedSources sources) =>
    [
        """{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf ~"}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":"src/app.py","content":"x"}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"Edit","tool_input":{"file_path":"src/app.py","old_string":"def f1","new_string":"","replace_all":true}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"MultiEdit","tool_input":{"file_path":"a","edits":[{"old_string":"a","new_string":"b"},1]}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"NotebookEdit","tool_input":{"notebook_path":"n.ipynb","new_source":"x","edit_mode":"delete","cell_id":"c"}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/home/dev/.aws/credentials"}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"mcp__db__query","tool_input":{"sql":"DELETE FROM users"}}""",
        """{"hook_event_name":"PostToolUse","tool_name":"Bash"}""", """[1,2]""", """{"tool_name":"Bash","tool_input":"ls"}""",
    ];

    public void Run(byte[] input)
    {
        var answer = ClaudeCodeHook.Handle(input, Engine, () => World);
        if (answer.Length == 0) return;
        try
        {
            using var doc = JsonDocument.Parse(answer);
            if (doc.RootElement.GetProperty("hookSpecificOutput").GetProperty("permissionDecisionReason").GetString() is { } reason
                && reason.Contains("[internal-error]", StringComparison.Ordinal))
                throw new FuzzFinding(reason);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FuzzFinding($"the hook printed something that is not its protocol's answer ({e.Message}): {answer}");
        }
    }
}
