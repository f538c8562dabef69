using Interlock.Core;
using Interlock.Core.Analysis;
using Xunit;

namespace Interlock.Tests.Edits;

/// <summary>The Codex apply_patch parser (pure, bounded, never throws) and how the engine judges a patch.</summary>
public sealed class ApplyPatchTests
{
    private const string P = TestWorld.Project;

    [Fact]
    public void Parses_add_delete_update_and_move()
    {
        var parse = ApplyPatch.Parse("""
            *** Begin Patch
            *** Add File: docs/new.md
            +# Title
            +
            +text
            *** Delete File: old.txt
            *** Update File: src/app.py
            *** Move to: src/main.py
            @@ def main():
             import os
            -print("a")
            +print("b")
            @@
             x = 1
            +y = 2
            *** End of File
            *** End Patch
            """);
        Assert.Null(parse.Error);
        Assert.Equal(3, parse.Files.Count);
        Assert.Equal(new PatchFile(PatchOperation.Add, "docs/new.md", null, "# Title\n\ntext\n", []) with { Hunks = parse.Files[0].Hunks }, parse.Files[0]);
        Assert.Equal((PatchOperation.Delete, "old.txt"), (parse.Files[1].Operation, parse.Files[1].Path));
        var update = parse.Files[2];
        Assert.Equal((PatchOperation.Update, "src/app.py", "src/main.py"), (update.Operation, update.Path, update.MoveTo));
        Assert.Equal([new TextEdit("import os\nprint(\"a\")\n", "import os\nprint(\"b\")\n"), new TextEdit("x = 1\n", "x = 1\ny = 2\n")], update.Hunks);
    }

    [Fact]
    public void The_shell_here_document_form_is_read()
    {
        var parse = ApplyPatch.Parse("apply_patch <<'EOF'\n*** Begin Patch\n*** Delete File: a.txt\n*** End Patch\nEOF\n");
        Assert.Null(parse.Error);
        Assert.Equal("a.txt", Assert.Single(parse.Files).Path);
    }

    [Theory]
    [InlineData("", "it does not start with `*** Begin Patch`")]
    [InlineData("*** Begin Patch\n*** Delete File: a\n", "it does not end with `*** End Patch`")]
    [InlineData("*** Begin Patch\n*** End Patch", "it changes no file")]
    [InlineData("*** Begin Patch\n*** Add File: \n*** End Patch", "line 2: `*** Add File:` names no file")]
    [InlineData("*** Begin Patch\n*** Update File: a.py\n@@\n~x\n*** End Patch", "line 4 (`~x`) of a hunk starts with neither ' ', '-' nor '+'")]
    [InlineData("*** Begin Patch\n*** Update File: a.py\n*** End Patch", "the update of a.py has no hunks")]
    [InlineData("*** Begin Patch\nrm -rf /\n*** End Patch", "line 2 (`rm -rf /`) is not a file header")]
    public void Malformed_patches_say_what_is_wrong(string patch, string why)
    {
        var parse = ApplyPatch.Parse(patch);
        Assert.Empty(parse.Files);
        Assert.Contains(why, parse.Error);
        Assert.StartsWith("the patch could not be read: ", parse.Error);
    }

    [Fact]
    public void Never_throws_on_arbitrary_input_and_bounds_the_file_count()
    {
        var random = new Random(7);
        const string alphabet = "*** Begin Patch\nAdd File: Update Delete Move to:@@ +- \n\r";
        for (var i = 0; i < 2000; i++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 200)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var parse = ApplyPatch.Parse(random.Next(2) == 0 ? text : "*** Begin Patch\n" + text + "\n*** End Patch");
            Assert.True(parse.Error is not null || parse.Files.Count > 0);
        }
        var many = "*** Begin Patch\n" + string.Concat(Enumerable.Range(0, ApplyPatch.MaxFiles + 1).Select(i => $"*** Delete File: f{i}\n")) + "*** End Patch";
        Assert.Contains("more than 1000 files", ApplyPatch.Parse(many).Error);
    }

    [Fact]
    public void Hunks_apply_in_order_with_whitespace_tolerance_like_apply_patch()
    {
        Assert.Equal("a\nB\nc\n", ApplyPatch.ApplyHunks("a\nb  \nc\n", [new TextEdit("b\n", "B\n")])); // trailing spaces ignored when nothing matches exactly
        const string text = "a\nb  \nc\nb\nd\n";
        Assert.Equal("a\nb  \nc\nB\nd\n", ApplyPatch.ApplyHunks(text, [new TextEdit("b\n", "B\n")])); // an exact match first
        Assert.Equal("a\nb  \nc\nB\nd\n", ApplyPatch.ApplyHunks(text, [new TextEdit("c\n", "c\n"), new TextEdit("b\n", "B\n")])); // searched after the previous hunk
        Assert.Equal("a\nb  \nc\nb\nd\ne\n", ApplyPatch.ApplyHunks(text, [new TextEdit("", "e\n")])); // no old lines: appended
        Assert.Null(ApplyPatch.ApplyHunks(text, [new TextEdit("zzz\n", "y\n")])); // not found: the patch fails
    }

    [Fact]
    public void The_engine_judges_every_file_and_the_strictest_verdict_wins()
    {
        var lines = string.Concat(Enumerable.Range(1, 100).Select(i => $"    line_{i} = compute({i}, \"value {i}\")\n"));
        var world = Edit.World(($"{P}/src/big.py", lines), ($"{P}/src/small.py", "x = 1\n"), ("/etc/passwd", "root:x:0:0\n"));
        var engine = new Engine();
        Decision Judge(string patch) => engine.Evaluate(new ActionRequest("apply_patch", null, P) { Files = ApplyPatch.ToFileActions(ApplyPatch.Parse(patch).Files) }, world);

        Assert.Equal(Verdict.Allow, Judge("*** Begin Patch\n*** Update File: src/small.py\n-x = 1\n+x = 2\n*** Add File: src/n.py\n+n = 1\n*** End Patch").Verdict);
        var gut = "*** Begin Patch\n*** Add File: src/n.py\n+n = 1\n*** Update File: src/big.py\n" + string.Concat(lines.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(95).Select(l => "-" + l + "\n")) + "*** End Patch";
        var d = Judge(gut);
        Assert.Equal((Verdict.Ask, "edit.remove-most"), (d.Verdict, d.RuleId));
        var home = Judge("*** Begin Patch\n*** Update File: src/small.py\n-x = 1\n+x = 2\n*** Delete File: /etc/passwd\n*** End Patch");
        Assert.Equal((Verdict.Deny, EffectKind.DeletePath), (home.Verdict, home.Effects.Single(e => e.Kind == EffectKind.DeletePath).Kind));
    }

    [Fact]
    public void A_deleted_file_is_judged_like_rm()
    {
        var world = Edit.World(($"{P}/src/small.py", "x = 1\n"), ("/home/dev/.bashrc", "alias ll='ls -l'\n"));
        var engine = new Engine();
        Assert.Equal(Verdict.Allow, engine.Evaluate(new ActionRequest("Delete", null, P) { File = new FileAction(FileToolKind.Delete, "src/small.py") }, world).Verdict);
        Assert.Empty(engine.Evaluate(new ActionRequest("Delete", null, P) { File = new FileAction(FileToolKind.Delete, "src/missing.py") }, world).Effects);
        var outside = engine.Evaluate(new ActionRequest("Delete", null, P) { File = new FileAction(FileToolKind.Delete, "/home/dev/.bashrc") }, world);
        Assert.NotEqual(Verdict.Allow, outside.Verdict);
    }
}
