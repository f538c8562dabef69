namespace Interlock.Fuzz.Targets;

/// <summary>A few events per harness (from each adapter's documented protocol), every tool shape it reads plus
/// malformed variants; the Claude Code seeds are in <see cref="HookAdapterTarget.ClaudeCodeSeeds"/>.</summary>
internal static class AdapterSeeds
{
    public static readonly string[] Codex =
    [
        """{"session_id":"s","turn_id":"t","cwd":"/home/dev/project","hook_event_name":"PreToolUse","model":"m","permission_mode":"default","tool_name":"Bash","tool_input":{"command":"rm -rf ~"}}""",
        """{"hook_event_name":"PreToolUse","cwd":"/home/dev/project","tool_name":"apply_patch","tool_input":{"command":"*** Begin Patch\n*** Delete File: src/app.py\n*** Update File: a.py\n@@\n-x\n+y\n*** End Patch"}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"mcp__db__query","tool_input":{"sql":"DROP TABLE users"}}""",
        """{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{}}""", """{"tool_name":"Bash","tool_input":{"command":["ls"]}}""",
    ];

    public static readonly string[] Gemini =
    [
        """{"session_id":"s","transcript_path":"/t","cwd":"/home/dev/project","hook_event_name":"BeforeTool","timestamp":"2026-01-01T00:00:00Z","tool_name":"run_shell_command","tool_input":{"command":"git push --force origin main","dir_path":"sub"}}""",
        """{"hook_event_name":"BeforeTool","tool_name":"write_file","tool_input":{"file_path":"src/app.py","content":""}}""",
        """{"hook_event_name":"BeforeTool","tool_name":"replace","tool_input":{"file_path":"src/app.py","old_string":"def f1","new_string":"","expected_replacements":3}}""",
        """{"hook_event_name":"BeforeTool","tool_name":"read_file","tool_input":{"file_path":"~/.ssh/id_rsa"}}""",
        """{"hook_event_name":"BeforeTool","tool_name":"mcp__db__exec","tool_input":{"q":"TRUNCATE t"},"mcp_context":{"server_name":"db"}}""",
    ];

    public static readonly string[] Cursor =
    [
        """{"hook_event_name":"beforeShellExecution","conversation_id":"c","generation_id":"g","workspace_roots":["/home/dev/project"],"command":"rm -rf build ~","cwd":"/home/dev/project"}""",
        """{"hook_event_name":"beforeMCPExecution","workspace_roots":["/home/dev/project"],"tool_name":"query","tool_input":"{\"sql\":\"DELETE FROM t\"}","url":"http://db"}""",
        """{"hook_event_name":"beforeMCPExecution","tool_name":"query","tool_input":{"sql":"DROP TABLE t"},"command":"npx db-mcp"}""",
        """{"hook_event_name":"beforeReadFile","file_path":"/home/dev/.aws/credentials","content":"[default]"}""",
        """{"hook_event_name":"preToolUse","workspace_roots":["/home/dev/project"],"tool_name":"StrReplace","tool_input":{"path":"src/app.py","old_string":"a","new_string":""}}""",
        """{"hook_event_name":"preToolUse","tool_name":"Delete","tool_input":{"path":"src"}}""", """{"hook_event_name":"preToolUse","tool_name":"Shell","tool_input":{"command":"ls"}}""",
    ];

    public static readonly string[] Copilot =
    [
        """{"sessionId":"s","timestamp":1,"cwd":"/home/dev/project","toolName":"bash","toolArgs":"{\"command\":\"rm -rf ~\"}"}""",
        """{"cwd":"/home/dev/project","toolName":"create","toolArgs":{"path":"src/app.py","file_text":""}}""",
        """{"toolName":"edit","toolArgs":"{\"path\":\"src/app.py\",\"old_str\":\"def f1\",\"new_str\":\"\"}"}""",
        """{"toolName":"view","toolArgs":"{\"path\":\"~/.ssh/id_rsa\"}"}""", """{"toolName":"db-query","toolArgs":"{\"sql\":\"DROP TABLE x\"}"}""",
        """{"toolName":"bash","toolArgs":"not json"}""",
        """{"cwd":"/home/dev/project","toolName":"apply_patch","toolArgs":"*** Begin Patch\n*** Update File: src/app.py\n@@\n-def f1\n+def f2\n*** End Patch"}""",
        """{"toolName":"apply_patch","toolArgs":"{\"input\":\"*** Begin Patch\\n*** Delete File: a\\n*** End Patch\"}"}""",
    ];

    public static readonly string[] Kiro =
    [
        """{"hook_event_name":"preToolUse","cwd":"/home/dev/project","tool_name":"execute_bash","tool_input":{"command":"rm -rf ~"}}""",
        """{"hook_event_name":"preToolUse","tool_name":"fs_write","tool_input":{"command":"create","path":"src/app.py","file_text":""}}""",
        """{"hook_event_name":"preToolUse","tool_name":"fs_write","tool_input":{"command":"str_replace","path":"src/app.py","old_str":"def f1","new_str":""}}""",
        """{"hook_event_name":"preToolUse","tool_name":"fs_read","tool_input":{"operations":[{"mode":"Line","path":"~/.ssh/id_rsa"},{"mode":"Directory","path":"/"}]}}""",
        """{"hook_event_name":"preToolUse","tool_name":"@db/query","tool_input":{"sql":"DELETE FROM users"}}""", """{"hook_event_name":"preToolUse","tool_name":"shell","tool_input":{"command":"ls"}}""",
    ];

    public static readonly string[] OpenCode =
    [
        """{"hook_event_name":"tool.execute.before","tool":"bash","sessionID":"s","cwd":"/home/dev/project","args":{"command":"rm -rf ~","workdir":"/tmp"}}""",
        """{"hook_event_name":"tool.execute.before","tool":"write","args":{"filePath":"src/app.py","content":""}}""",
        """{"hook_event_name":"tool.execute.before","tool":"edit","args":{"filePath":"src/app.py","oldString":"def f1","newString":"","replaceAll":true}}""",
        """{"hook_event_name":"tool.execute.before","tool":"read","args":{"filePath":".env"}}""",
        """{"hook_event_name":"tool.execute.before","tool":"patch","args":{"patchText":"*** Begin Patch\n*** Delete File: src/app.py\n*** End Patch"}}""",
        """{"hook_event_name":"tool.execute.before","tool":"db_query","args":{"sql":"DROP TABLE t"}}""",
    ];
}
