using Xunit;
using static Interlock.Tests.Hooks.Golden;

namespace Interlock.Tests.Hooks;

/// <summary>Golden answers for Gemini CLI BeforeTool: {} for allow, {"decision":"deny","reason":...} otherwise (no ask).</summary>
public sealed class GeminiHookTests
{
    private static HookAnswer Hook(string tool, string input) =>
        Run(new GeminiAdapter(), $$$"""{"session_id":"s1","transcript_path":"/tmp/t.json","cwd":"{{{P}}}","hook_event_name":"BeforeTool","timestamp":"2026-11-27T01:00:00Z","tool_name":"{{{tool}}}","tool_input":{{{input}}}}""");

    private static string Deny(string reason) => $$$"""{"decision":"deny","reason":{{{J(reason)}}}}""";

    [Fact]
    public void Shell_allow_ask_and_deny()
    {
        Is(Hook("run_shell_command", """{"command":"git status","description":"status"}"""), "{}");
        Is(Hook("run_shell_command", """{"command":"git reset --hard"}"""), Deny(ResetAsk));
        Is(Hook("run_shell_command", """{"command":"rm -rf ~"}"""), Deny(HomeDeny));
    }

    [Fact]
    public void Shell_runs_in_dir_path()
    {
        // `rm -rf *` in the project's build directory removes build output; in the project root it asks.
        Is(Hook("run_shell_command", """{"command":"rm -rf *","dir_path":"build"}"""), "{}");
        Assert.StartsWith("""{"decision":"deny","reason":"Interlock needs a human to approve this command""", Hook("run_shell_command", """{"command":"rm -rf *"}""").Stdout);
    }

    [Fact]
    public void File_write_edit_and_read()
    {
        Is(Hook("write_file", $$"""{"file_path":"{{P}}/src/new.py","content":"print(1)\n"}"""), "{}");
        Is(Hook("replace", $$"""{"file_path":"{{P}}/src/big.py","old_string":{{J(Lines(1, 90))}},"new_string":""}"""), Deny(EditAsk));
        Is(Hook("read_file", $$"""{"file_path":"{{P}}/src/big.py"}"""), "{}");
        Is(Hook("read_file", $$"""{"file_path":"{{P}}/.env"}"""), Deny(SecretAsk));
    }

    [Fact]
    public void Mcp_tools()
    {
        Is(Hook("mcp__pg__query", """{"sql":"SELECT 1"}"""), "{}");
        Is(Hook("mcp__pg__query", """{"sql":"DROP TABLE users"}"""), Deny(DropAsk("mcp__pg__query", "mcp__pg__query", "pg")));
    }

    [Fact]
    public void Events_that_do_not_fit_are_stopped()
    {
        Assert.Contains("handles BeforeTool events, but received \\u0060AfterTool", Run(new GeminiAdapter(), """{"hook_event_name":"AfterTool","tool_name":"read_file"}""").Stdout);
        Assert.Contains("no tool_input.file_path string", Hook("write_file", "{}").Stdout);
        Assert.StartsWith("{\"decision\":\"deny\"", Run(new GeminiAdapter(), "[]").Stdout);
        Is(Hook("glob", """{"pattern":"*.py"}"""), "{}");
    }
}
