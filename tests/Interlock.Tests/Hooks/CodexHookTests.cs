using Xunit;
using static Interlock.Tests.Hooks.Golden;

namespace Interlock.Tests.Hooks;

/// <summary>Golden answers for Codex CLI: nothing for allow, a hookSpecificOutput deny otherwise (Codex has no ask).</summary>
public sealed class CodexHookTests
{
    private static HookAnswer Hook(string tool, string input, TestWorld? world = null) =>
        Run(new CodexAdapter(), $$$"""{"session_id":"s1","turn_id":"t1","transcript_path":null,"cwd":"{{{P}}}","hook_event_name":"PreToolUse","model":"gpt-5","permission_mode":"default","tool_name":"{{{tool}}}","tool_input":{{{input}}}}""", world);

    /// <summary>Codex's deny answer: the reason without its closing full stop, which Codex adds itself.</summary>
    private static string Deny(string reason)
    {
        Assert.EndsWith(".", reason);
        return Hso("deny", reason[..^1]);
    }

    [Fact]
    public void The_reason_reads_as_one_sentence_where_codex_shows_it()
    {
        // Codex 0.171 shows the model "Command blocked by PreToolUse hook: {reason}. Command: {command}".
        var answer = Hook("Bash", """{"command":"git reset --hard"}""");
        using var doc = System.Text.Json.JsonDocument.Parse(answer.Stdout);
        var reason = doc.RootElement.GetProperty("hookSpecificOutput").GetProperty("permissionDecisionReason").GetString()!;
        var shown = $"Command blocked by PreToolUse hook: {reason}. Command: git reset --hard";
        Assert.DoesNotContain("..", shown);
        Assert.EndsWith("then continue. Command: git reset --hard", shown);
        Assert.Equal("ends with an ellipsis...", CodexAdapter.Reason("ends with an ellipsis..."));
        Assert.Equal("retried once", CodexAdapter.Reason("retried once. \n"));
    }

    [Fact]
    public void Shell_allow_ask_and_deny()
    {
        Is(Hook("Bash", """{"command":"git status"}"""), "");
        Is(Hook("Bash", """{"command":"git reset --hard"}"""), Deny(ResetAsk));
        Is(Hook("Bash", """{"command":"rm -rf ~"}"""), Deny(HomeDeny));
    }

    [Fact]
    public void Apply_patch_is_read_file_by_file()
    {
        var add = "*** Begin Patch\n*** Add File: src/new.py\n+print(1)\n*** Update File: src/big.py\n@@\n-    line_5 = compute(5, \"value 5\")\n+    line_five = compute(5, \"value 5\")\n*** End Patch";
        Is(Hook("apply_patch", $$$"""{"command":{{{J(add)}}}}"""), "");

        var gut = "*** Begin Patch\n*** Update File: src/big.py\n" + string.Concat(Lines(1, 90).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "-" + l + "\n")) + "*** End Patch\n";
        var answer = Hook("apply_patch", $$$"""{"command":{{{J(gut)}}}}""");
        Is(answer, Deny("Interlock needs a human to approve this Patch [edit.remove-most]: `Patch` removes 90 of 100 lines of src/big.py (10 lines after). Why this stops: it removes most of the file; what is not committed cannot be recovered. Instead: Edit the parts that need changing; remove code in small, reviewed steps, or ask the user whether the file should shrink this much."));
    }

    [Fact]
    public void A_patch_deleting_a_protected_file_and_editing_another_takes_the_strictest_verdict()
    {
        var patch = "*** Begin Patch\n*** Update File: src/big.py\n@@\n-    line_5 = compute(5, \"value 5\")\n+    line_5 = compute(5, \"five\")\n*** Delete File: .git/config\n*** End Patch";
        var world = Edits.Edit.World(($"{P}/src/big.py", Lines(1, 100)), ($"{P}/.git/config", "[core]\n"));
        var answer = Hook("apply_patch", $$$"""{"command":{{{J(patch)}}}}""", world);
        Assert.StartsWith("""{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"Interlock blocked this Patch""", answer.Stdout);
        Assert.Contains(".git/config", answer.Stdout);
    }

    [Fact]
    public void A_malformed_patch_is_stopped_with_what_is_wrong()
    {
        var answer = Hook("apply_patch", """{"command":"*** Begin Patch\n*** Frobnicate File: x\n*** End Patch"}""");
        Is(answer, Deny("Interlock: the patch could not be read: line 2 (`*** Frobnicate File: x`) is not a file header (`*** Add File:`, `*** Delete File:` or `*** Update File:`), so it was not checked and is stopped. Write the patch in the apply_patch format (`*** Begin Patch` ... `*** End Patch`)."));
    }

    [Fact]
    public void Mcp_tools_are_sniffed()
    {
        Is(Hook("mcp__pg__query", """{"sql":"SELECT 1"}"""), "");
        Is(Hook("mcp__pg__query", """{"sql":"DROP TABLE users"}"""), Deny(DropAsk("mcp__pg__query", "mcp__pg__query", "pg")));
    }

    [Fact]
    public void Events_that_do_not_fit_are_stopped()
    {
        Assert.Contains("handles PreToolUse events, but received \\u0060PostToolUse", Run(new CodexAdapter(), """{"hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}""").Stdout);
        Assert.Contains("no tool_input.command string", Run(new CodexAdapter(), """{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{}}""").Stdout);
        Assert.Contains("\"permissionDecision\":\"deny\"", Run(new CodexAdapter(), "not json").Stdout);
        Is(Hook("update_plan", "{}"), ""); // tools without effects: Codex's own approvals apply
    }
}
