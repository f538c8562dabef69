using Xunit;
using static Interlock.Tests.Hooks.Golden;

namespace Interlock.Tests.Hooks;

/// <summary>Golden answers for the OpenCode plugin's protocol: {"decision":"allow"} or {"decision":"deny","reason":...}.</summary>
public sealed class OpenCodeHookTests
{
    private static HookAnswer Hook(string tool, string args) =>
        Run(new OpenCodeAdapter(), $$$"""{"hook_event_name":"tool.execute.before","tool":"{{{tool}}}","sessionID":"ses_1","callID":"call_1","cwd":"{{{P}}}","args":{{{args}}}}""");

    private const string Allow = """{"decision":"allow"}""";

    private static string Deny(string reason) => $$$"""{"decision":"deny","reason":{{{J(reason)}}}}""";

    [Fact]
    public void Shell_allow_ask_and_deny()
    {
        Is(Hook("bash", """{"command":"git status","description":"status"}"""), Allow);
        Is(Hook("bash", """{"command":"git reset --hard"}"""), Deny(ResetAsk));
        Is(Hook("bash", """{"command":"rm -rf ~"}"""), Deny(HomeDeny));
    }

    [Fact]
    public void File_write_edit_read_and_patch()
    {
        Is(Hook("write", $$"""{"filePath":"{{P}}/src/new.py","content":"x = 1\n"}"""), Allow);
        Is(Hook("edit", $$"""{"filePath":"{{P}}/src/big.py","oldString":{{J(Lines(1, 90))}},"newString":""}"""), Deny(EditAsk));
        Is(Hook("read", $$"""{"filePath":"{{P}}/.env"}"""), Deny(SecretAsk));
        Is(Hook("patch", """{"patchText":"*** Begin Patch\n*** Add File: src/x.py\n+x = 1\n*** End Patch"}"""), Allow);
    }

    [Fact]
    public void Mcp_tools_are_sniffed()
    {
        Is(Hook("pg_query", """{"sql":"SELECT 1"}"""), Allow);
        Is(Hook("pg_query", """{"sql":"DROP TABLE users"}"""), Deny(DropAsk("pg_query", "mcp__pg_query__pg_query", "pg_query")));
    }

    [Fact]
    public void Events_that_do_not_fit_are_stopped()
    {
        Assert.Contains("handles tool.execute.before events", Run(new OpenCodeAdapter(), """{"hook_event_name":"tool.execute.after","tool":"bash"}""").Stdout);
        Assert.StartsWith("{\"decision\":\"deny\"", Run(new OpenCodeAdapter(), "").Stdout);
        Is(Hook("grep", """{"pattern":"x"}"""), Allow);
    }
}
