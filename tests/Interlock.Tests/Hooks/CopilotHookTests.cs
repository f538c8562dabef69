using Xunit;
using static Interlock.Tests.Hooks.Golden;

namespace Interlock.Tests.Hooks;

/// <summary>Golden answers for GitHub Copilot CLI preToolUse (toolArgs is a JSON string).</summary>
public sealed class CopilotHookTests
{
    private static HookAnswer Hook(string tool, string argsJson) =>
        Run(new CopilotAdapter(), $$$"""{"sessionId":"s1","timestamp":1764205200000,"cwd":"{{{P}}}","toolName":"{{{tool}}}","toolArgs":{{{J(argsJson)}}}}""");

    private static string Stop(string decision, string reason) =>
        $$$"""{"permissionDecision":"{{{decision}}}","permissionDecisionReason":{{{J(reason)}}}}""";

    [Fact]
    public void Shell_allow_ask_and_deny()
    {
        Is(Hook("bash", """{"command":"git status","description":"status"}"""), "");
        Is(Hook("bash", """{"command":"git reset --hard"}"""), Stop("ask", ResetAsk));
        Is(Hook("bash", """{"command":"rm -rf ~"}"""), Stop("deny", HomeDeny));
    }

    [Fact]
    public void File_create_edit_and_view()
    {
        Is(Hook("create", $$"""{"path":"{{P}}/src/new.py","file_text":"x = 1\n"}"""), "");
        Is(Hook("edit", $$"""{"path":"{{P}}/src/big.py","old_str":{{J(Lines(1, 90))}},"new_str":""}"""), Stop("ask", EditAsk));
        Is(Hook("view", $$"""{"path":"{{P}}/.env"}"""), Stop("ask", SecretAsk));
    }

    [Fact]
    public void Other_tools_have_their_arguments_sniffed()
    {
        Is(Hook("pg-query", """{"sql":"SELECT 1"}"""), "");
        Is(Hook("pg-query", """{"sql":"DROP TABLE users"}"""), Stop("ask", DropAsk("pg-query", "mcp__pg-query__pg-query", "pg-query")));
        Is(Hook("grep", """{"pattern":"rm -rf /"}"""), "");
    }

    [Fact]
    public void Events_that_do_not_fit_are_stopped()
    {
        Assert.Contains("toolArgs of bash are not valid JSON", Run(new CopilotAdapter(), """{"cwd":"/tmp","toolName":"bash","toolArgs":"{not json"}""").Stdout);
        Assert.Contains("PascalCase", Run(new CopilotAdapter(), """{"hook_event_name":"PreToolUse","tool_name":"bash","tool_input":{"command":"ls"}}""").Stdout);
        Assert.Contains("no toolName", Run(new CopilotAdapter(), "{}").Stdout);
        // toolArgs given as an object is read the same way.
        Is(Run(new CopilotAdapter(), $$$"""{"cwd":"{{{P}}}","toolName":"bash","toolArgs":{"command":"rm -rf ~"}}"""), Stop("deny", HomeDeny));
    }
}
