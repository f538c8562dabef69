using Xunit;
using static Interlock.Tests.Hooks.Golden;

namespace Interlock.Tests.Hooks;

/// <summary>Golden answers for Kiro CLI and Amazon Q Developer CLI: exit 0 to allow, exit 2 with stderr to block.</summary>
public sealed class KiroHookTests
{
    private static readonly IHookAdapter[] Adapters = [(IHookAdapter)HookAdapters.All["kiro"](), HookAdapters.All["amazon-q"]()];

    private static IEnumerable<HookAnswer> Hook(string tool, string input) =>
        Adapters.Select(a => Run(a, $$$"""{"hook_event_name":"preToolUse","cwd":"{{{P}}}","tool_name":"{{{tool}}}","tool_input":{{{input}}}}"""));

    private static void All(IEnumerable<HookAnswer> answers, string stderr, int exit)
    {
        foreach (var a in answers) Is(a, "", exit, stderr);
    }

    [Fact]
    public void Shell_allow_ask_and_deny()
    {
        All(Hook("execute_bash", """{"command":"git status"}"""), "", 0);
        All(Hook("execute_bash", """{"command":"git reset --hard"}"""), ResetAsk, 2);
        All(Hook("shell", """{"command":"rm -rf ~"}"""), HomeDeny, 2);
    }

    [Fact]
    public void File_write_edit_and_read()
    {
        All(Hook("fs_write", $$"""{"command":"create","path":"{{P}}/src/new.py","file_text":"x = 1\n"}"""), "", 0);
        All(Hook("fs_write", $$"""{"command":"str_replace","path":"{{P}}/src/big.py","old_str":{{J(Lines(1, 90))}},"new_str":""}"""), EditAsk, 2);
        All(Hook("fs_write", $$"""{"command":"append","path":"{{P}}/src/big.py","new_str":"x = 1"}"""), "", 0);
        All(Hook("fs_read", $$"""{"operations":[{"mode":"Line","path":"{{P}}/src/big.py"},{"mode":"Line","path":"{{P}}/.env"}]}"""), SecretAsk, 2);
        All(Hook("fs_read", $$"""{"mode":"Line","path":"{{P}}/src/big.py"}"""), "", 0);
    }

    [Fact]
    public void Mcp_tools_are_named_at_server_slash_tool()
    {
        All(Hook("@pg/query", """{"sql":"SELECT 1"}"""), "", 0);
        foreach (var a in Hook("@pg/query", """{"sql":"DROP TABLE users"}""")) Is(a, "", 2, DropAsk("@pg/query", "mcp__pg__query", "pg"));
    }

    [Fact]
    public void Events_that_do_not_fit_are_stopped()
    {
        foreach (var a in Adapters)
        {
            var wrong = Run(a, """{"hook_event_name":"postToolUse","tool_name":"fs_read"}""");
            Assert.Equal(2, wrong.ExitCode);
            Assert.Contains("handles preToolUse events, but received `postToolUse`", wrong.Stderr);
            Assert.Equal(2, Run(a, "nope").ExitCode);
            Assert.Contains("not create, str_replace, insert or append", Run(a, """{"hook_event_name":"preToolUse","tool_name":"fs_write","tool_input":{"command":"rewrite","path":"x"}}""").Stderr);
        }
    }
}
