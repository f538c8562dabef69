using CsCheck;
using Interlock.Core;
using Interlock.Core.Analysis;
using Xunit;

namespace Interlock.Tests.Properties;

public sealed class ApplyPatchProperties
{
    private static readonly string[] PatchTokens =
    [
        "*** Begin Patch\n", "*** End Patch\n", "*** Add File: ", "*** Delete File: ", "*** Update File: ", "*** Move to: ", "*** End of File\n", "@@", "@@ def f1():\n",
        "+", "-", " ", "\n", "\n", "\r\n", "src/app.py", "a.py", "../x", "~/.ssh/id_rsa", ".interlock/policy.yaml", "    return 1", "def f1():", "x", "apply_patch <<'EOF'\n", "EOF\n", "***", "\t",
    ];

    private static readonly Gen<string> PatchLike =
        Gen.Frequency((4, Gen.Int[0, PatchTokens.Length - 1].Select(i => PatchTokens[i])), (1, Gen.Char.Select(c => c.ToString())))
            .Array[0, 60].Select(parts => string.Concat(parts));

    private const string Base = "import os\n\ndef f1():\n    return 1\n\ndef f2():\n    return 2\n";

    [Fact]
    public void Parsing_never_throws_stays_within_the_time_bound_and_the_result_is_decided() =>
        Gen.Frequency((4, PatchLike), (1, Gen.String)).Sample(text =>
        {
            var parse = Inputs.WithinBound("apply_patch parse", text, () => ApplyPatch.Parse(text));
            if (parse.Error is not null)
            {
                Assert.False(string.IsNullOrWhiteSpace(parse.Error));
                Assert.Empty(parse.Files);
                return;
            }
            Assert.NotEmpty(parse.Files);
            Assert.All(parse.Files, f => Assert.False(string.IsNullOrWhiteSpace(f.Path)));
            foreach (var f in parse.Files.Where(f => f.Operation == PatchOperation.Update))
                Inputs.WithinBound("apply hunks", text, () => ApplyPatch.ApplyHunks(Base, f.Hunks) ?? "");
            var d = Inputs.WithinBound("engine on the patch", text, () =>
                new Engine().Evaluate(new ActionRequest("apply_patch", null, TestWorld.Project) { Files = ApplyPatch.ToFileActions(parse.Files) }, new TestWorld()));
            Assert.True(d.RuleId != "internal-error", $"internal error on the patch {text}: {d.Reason}");
        }, iter: Inputs.Iterations);

    // A structured patch: what each file section says, rendered in the apply_patch format and read back.
    private sealed record Section(PatchOperation Op, string Path, string? MoveTo, string[] Added, (char Kind, string Text)[][] Hunks);

    private static readonly Gen<string> PathGen =
        Gen.Char["abcxyz/._-é "].Array[1, 14].Select(c => new string(c).Trim()).Where(p => p.Length > 0);

    private static readonly Gen<string> LineGen = Gen.Char["abc ()=:-+*@\t#é"].Array[0, 12].Select(c => new string(c));

    private static readonly Gen<(char, string)[]> HunkGen =
        Gen.Select(Gen.Select(Gen.Char[" -+"], LineGen).Array[0, 6], Gen.Select(Gen.Char["-+"], LineGen), (lines, changed) => lines.Append(changed).ToArray());

    private static readonly Gen<Section> SectionGen = Gen.OneOf(
        Gen.Select(PathGen, LineGen.Array[0, 6], (p, added) => new Section(PatchOperation.Add, p, null, added, [])),
        PathGen.Select(p => new Section(PatchOperation.Delete, p, null, [], [])),
        Gen.Select(PathGen, Gen.Bool, PathGen, HunkGen.Array[1, 4], (p, moves, to, hunks) => new Section(PatchOperation.Update, p, moves ? to : null, [], hunks)));

    private static string Render(Section[] sections, bool crlf, bool heredoc)
    {
        var lines = new List<string>();
        if (heredoc) lines.Add("apply_patch <<'EOF'");
        lines.Add("*** Begin Patch");
        foreach (var s in sections)
        {
            switch (s.Op)
            {
                case PatchOperation.Add:
                    lines.Add("*** Add File: " + s.Path);
                    lines.AddRange(s.Added.Select(l => "+" + l));
                    break;
                case PatchOperation.Delete:
                    lines.Add("*** Delete File: " + s.Path);
                    break;
                default:
                    lines.Add("*** Update File: " + s.Path);
                    if (s.MoveTo is { } to) lines.Add("*** Move to: " + to);
                    foreach (var h in s.Hunks)
                    {
                        lines.Add("@@ context");
                        lines.AddRange(h.Select(l => l.Kind + l.Text));
                    }
                    break;
            }
        }
        lines.Add("*** End Patch");
        if (heredoc) lines.Add("EOF");
        return string.Join(crlf ? "\r\n" : "\n", lines) + "\n";
    }

    [Fact]
    public void A_rendered_patch_reads_back_as_the_files_and_hunks_it_was_made_of() =>
        Gen.Select(SectionGen.Array[1, 6], Gen.Bool, Gen.Bool).Sample((sections, crlf, heredoc) =>
        {
            var text = Render(sections, crlf, heredoc);
            var parse = Inputs.WithinBound("apply_patch parse", text, () => ApplyPatch.Parse(text));
            Assert.True(parse.Error is null, $"{parse.Error} in {text}");
            Assert.Equal(sections.Length, parse.Files.Count);
            for (var k = 0; k < sections.Length; k++)
            {
                var (want, got) = (sections[k], parse.Files[k]);
                Assert.Equal(want.Op, got.Operation);
                Assert.Equal(want.Path, got.Path);
                Assert.Equal(want.MoveTo, got.MoveTo);
                if (want.Op == PatchOperation.Add) Assert.Equal(string.Concat(want.Added.Select(l => l + "\n")), got.Content);
                if (want.Op != PatchOperation.Update) continue;
                Assert.Equal(want.Hunks.Length, got.Hunks.Count);
                for (var h = 0; h < want.Hunks.Length; h++)
                {
                    Assert.Equal(string.Concat(want.Hunks[h].Where(l => l.Kind != '+').Select(l => l.Text + "\n")), got.Hunks[h].OldString);
                    Assert.Equal(string.Concat(want.Hunks[h].Where(l => l.Kind != '-').Select(l => l.Text + "\n")), got.Hunks[h].NewString);
                }
            }
        }, iter: Inputs.Iterations);
}
