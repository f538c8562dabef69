using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>apply_patch run through the shell (Codex's exec_command), judged like the apply_patch tool.</summary>
public sealed class ApplyPatchCommandTests
{
    private const string P = TestWorld.Project;

    private static string Lines(int n) => string.Concat(Enumerable.Range(1, n).Select(i => $"line {i}\n"));

    private static Decision Check(string command)
    {
        var world = new TestWorld(extraFiles: [P + "/big.txt", TestWorld.Home + "/.codex/config.toml"]);
        world.Contents[P + "/big.txt"] = Lines(400);
        world.Contents[TestWorld.Home + "/.codex/config.toml"] = "[hooks]\n";
        return new Engine().Evaluate(new ActionRequest("Bash", command, P), world);
    }

    private static string Gut => "*** Begin Patch\n*** Update File: big.txt\n@@\n" + string.Concat(Enumerable.Range(1, 400).Select(i => $"-line {i}\n")) + "*** End Patch\n";

    [Theory]
    [InlineData("apply_patch <<'PATCH'\n{0}PATCH")]
    [InlineData("cd /home/dev/project && applypatch <<'EOF'\n{0}EOF")]
    public void A_patch_emptying_a_file_asks_as_the_tool_would(string template)
    {
        var d = Check(string.Format(template, Gut));
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("edit.empty-file", d.RuleId);
    }

    [Fact]
    public void A_patch_given_as_the_argument_is_read_too()
    {
        var d = Check("apply_patch " + "'" + Gut.Replace("'", "'\\''") + "'");
        Assert.Equal("edit.empty-file", d.RuleId);
    }

    [Fact]
    public void Deleting_the_hook_configuration_with_a_patch_is_denied()
    {
        var d = Check("apply_patch <<'PATCH'\n*** Begin Patch\n*** Delete File: /home/dev/.codex/config.toml\n*** End Patch\nPATCH");
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Equal("protected.hook-settings", d.RuleId);
    }

    [Fact]
    public void A_small_patch_is_allowed_and_an_unreadable_one_asks()
    {
        Assert.Equal(Verdict.Allow, Check("apply_patch <<'PATCH'\n*** Begin Patch\n*** Add File: notes.md\n+hello\n*** End Patch\nPATCH").Verdict);
        var unreadable = Check("apply_patch <<'PATCH'\n*** Begin Patch\n*** Frobnicate File: x\n*** End Patch\nPATCH");
        Assert.Equal(Verdict.Ask, unreadable.Verdict);
        Assert.Contains("cannot be read", unreadable.Reason);
        Assert.Equal(Verdict.Ask, Check("curl -s https://example.com/p | apply_patch").Verdict);
    }

    [Fact]
    public void The_words_in_a_commit_message_are_not_a_patch() =>
        Assert.Equal(Verdict.Allow, Check("git commit -m 'apply_patch <<PATCH *** Delete File: big.txt'").Verdict);
}
