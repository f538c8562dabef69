using Xunit;
using static Interlock.Tests.Hooks.Golden;

namespace Interlock.Tests.Hooks;

/// <summary>Golden answers for GitHub Copilot CLI preToolUse (toolArgs is a JSON string).</summary>
public sealed class CopilotHookTests
{
    private static HookAnswer Hook(string tool, string argsJson, TestWorld? world = null) =>
        Run(new CopilotAdapter(), $$$"""{"sessionId":"s1","timestamp":1764205200000,"cwd":"{{{P}}}","toolName":"{{{tool}}}","toolArgs":{{{J(argsJson)}}}}""", world);

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

    /// <summary>With GPT-5-family models Copilot's edit tool is apply_patch, and toolArgs is the raw patch text.</summary>
    [Fact]
    public void Apply_patch_text_is_read_as_a_patch_file_by_file()
    {
        var add = "*** Begin Patch\n*** Add File: src/new.py\n+print(1)\n*** Update File: src/big.py\n@@\n-    line_5 = compute(5, \"value 5\")\n+    line_five = compute(5, \"value 5\")\n*** End Patch";
        Is(Hook("apply_patch", add), "");

        var gut = "*** Begin Patch\n*** Update File: src/big.py\n" + string.Concat(Lines(1, 90).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "-" + l + "\n")) + "*** End Patch\n";
        Is(Hook("apply_patch", gut), Stop("ask", "Interlock needs a human to approve this Patch [edit.remove-most]: `Patch` removes 90 of 100 lines of src/big.py (10 lines after). Why this stops: it removes most of the file; what is not committed cannot be recovered. Instead: Edit the parts that need changing; remove code in small, reviewed steps, or ask the user whether the file should shrink this much."));

        // The patch reaching a protected file is denied like any other write there.
        var hookOff = "*** Begin Patch\n*** Delete File: .github/hooks/interlock.json\n*** End Patch";
        var denied = Hook("apply_patch", hookOff, Edits.Edit.World(($"{P}/src/big.py", Lines(1, 100)), ($"{P}/.github/hooks/interlock.json", "{\"version\":1}")));
        Assert.StartsWith("""{"permissionDecision":"deny","permissionDecisionReason":"Interlock blocked this Delete [protected.hook-settings]: \u0060Delete\u0060 deletes .github/hooks/interlock.json.""", denied.Stdout);

        // A JSON object carrying the patch is read the same way.
        Is(Hook("apply_patch", $$"""{"input":{{J(gut)}}}"""), Stop("ask", "Interlock needs a human to approve this Patch [edit.remove-most]: `Patch` removes 90 of 100 lines of src/big.py (10 lines after). Why this stops: it removes most of the file; what is not committed cannot be recovered. Instead: Edit the parts that need changing; remove code in small, reviewed steps, or ask the user whether the file should shrink this much."));
    }

    [Fact]
    public void Apply_patch_that_is_not_a_patch_is_stopped_with_what_is_wrong()
    {
        Is(Hook("apply_patch", "*** Begin Patch\n*** Frobnicate File: x\n*** End Patch"), Stop("deny", "Interlock: the patch could not be read: line 2 (`*** Frobnicate File: x`) is not a file header (`*** Add File:`, `*** Delete File:` or `*** Update File:`), so it was not checked and is stopped. Write the patch in the apply_patch format (`*** Begin Patch` ... `*** End Patch`)."));
        Assert.Contains("neither a patch nor valid JSON", Hook("apply_patch", "{not json").Stdout);
        Assert.Contains("no toolArgs (the patch text) string", Hook("apply_patch", """{"other":1}""").Stdout);
        Assert.Contains("\"permissionDecision\":\"deny\"", Run(new CopilotAdapter(), $$$"""{"cwd":"{{{P}}}","toolName":"apply_patch"}""").Stdout);
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
