using Xunit;
using static Interlock.Tests.Hooks.Golden;

namespace Interlock.Tests.Hooks;

/// <summary>Golden answers for Cursor: {"permission":...} for each of its four events.</summary>
public sealed class CursorHookTests
{
    private const string Common = $$"""
        "conversation_id":"c1","generation_id":"g1","model":"gpt-5","cursor_version":"2.0.77","workspace_roots":["{{P}}"]
        """;

    /// <summary>The event <paramref name="name"/> with the common fields and those of <paramref name="fields"/> (an object).</summary>
    private static HookAnswer Event(string name, string fields) =>
        Run(new CursorAdapter(), "{\"hook_event_name\":\"" + name + "\"," + Common + "," + fields[1..]);

    private static string Stop(string permission, string message) =>
        $$$"""{"permission":"{{{permission}}}","user_message":{{{J(message)}}},"agent_message":{{{J(message)}}}}""";

    private const string Allow = """{"permission":"allow"}""";

    [Fact]
    public void Shell_allow_ask_and_deny()
    {
        Is(Event("beforeShellExecution", $$"""{"command":"git status","cwd":"{{P}}"}"""), Allow);
        Is(Event("beforeShellExecution", $$"""{"command":"git reset --hard","cwd":"{{P}}"}"""), Stop("ask", ResetAsk));
        Is(Event("beforeShellExecution", $$"""{"command":"rm -rf ~","cwd":"{{P}}"}"""), Stop("deny", HomeDeny));
    }

    [Fact]
    public void File_tools_through_preToolUse()
    {
        Is(Event("preToolUse", $$$"""{"tool_name":"Write","tool_input":{"file_path":"{{{P}}}/src/new.py","contents":"x = 1\n"}}"""), Allow);
        Is(Event("preToolUse", $$$"""{"tool_name":"StrReplace","tool_input":{"file_path":"{{{P}}}/src/big.py","old_string":{{{J(Lines(1, 90))}}},"new_string":""}}"""), Stop("ask", EditAsk));
        Is(Event("preToolUse", $$$"""{"tool_name":"Delete","tool_input":{"file_path":"{{{P}}}/src/big.py"}}"""), Allow); // like `rm FILE` in the project
    }

    [Fact]
    public void Reads_cannot_ask_so_they_are_denied()
    {
        Is(Event("beforeReadFile", $$"""{"file_path":"{{P}}/src/big.py","content":"x"}"""), Allow);
        Is(Event("beforeReadFile", $$"""{"file_path":"{{P}}/.env","content":"API_KEY=abc"}"""), Stop("deny", SecretAsk));
    }

    [Fact]
    public void Mcp_arguments_arrive_as_a_json_string()
    {
        Is(Event("beforeMCPExecution", """{"tool_name":"query","tool_input":"{\"sql\":\"SELECT 1\"}","command":"pg"}"""), Allow);
        Is(Event("beforeMCPExecution", """{"tool_name":"query","tool_input":"{\"sql\":\"DROP TABLE users\"}","command":"pg"}"""), Stop("ask", DropAsk("query", "mcp__pg__query", "pg")));
    }

    [Fact]
    public void Events_that_do_not_fit_are_stopped()
    {
        var other = Event("afterFileEdit", """{"file_path":"x"}""");
        Assert.StartsWith("""{"permission":"deny","user_message":"Interlock: \u0060interlock hook cursor\u0060 handles beforeShellExecution, beforeMCPExecution, beforeReadFile and preToolUse events, but received \u0060afterFileEdit\u0060.""", other.Stdout);
        Assert.Contains("no command string", Event("beforeShellExecution", """{"cwd":"/tmp"}""").Stdout);
        Assert.StartsWith("{\"permission\":\"deny\"", Run(new CursorAdapter(), "{}").Stdout);
    }
}
