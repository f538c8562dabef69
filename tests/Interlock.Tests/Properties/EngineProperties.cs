using CsCheck;
using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Properties;

/// <summary>The whole engine on generated commands and file tool calls: it always decides (never an internal
/// error), within the time bound, and every stop says why.</summary>
public sealed class EngineProperties
{
    private static readonly Engine Engine = new();

    private static void Decides(ActionRequest request, string shown)
    {
        var world = new TestWorld();
        world.Contents[TestWorld.Project + "/src/app.py"] = string.Concat(Enumerable.Range(0, 60).Select(i => $"def f{i}():\n    return {i}\n"));
        world.Contents[TestWorld.Project + "/run.sh"] = "rm -rf build\ncd src && make\n";
        var d = Inputs.WithinBound("Engine.Evaluate", shown, () => Engine.Evaluate(request, world));
        Assert.True(d.RuleId != "internal-error", $"internal error on {shown}: {d.Reason}");
        if (d.Verdict != Verdict.Allow) Assert.False(string.IsNullOrWhiteSpace(d.Reason), $"a stop without a reason: {shown}");
    }

    [Fact]
    public void Every_command_is_decided_within_the_time_bound() =>
        Inputs.Commands.Sample(s => Decides(new ActionRequest("Bash", s, TestWorld.Project), s), iter: Inputs.Iterations);

    private static readonly Gen<string> Paths = Gen.OneOf("src/app.py", "README.md", ".env", "/etc/passwd", "~/.ssh/id_rsa", "run.sh", "", "/", "a/../../b", "src/", "x\0y", "/home/dev/project/.git/config");

    private static readonly Gen<string> Text = Gen.Frequency((3, Inputs.ShellLike), (1, Gen.String), (1, Gen.OneOf("def f1():\n    return 1\n", "", "\n\n", "return")));

    [Fact]
    public void Every_file_tool_call_is_decided_within_the_time_bound() =>
        Gen.Select(Gen.Int[0, 4], Paths, Text, Text.Array[0, 6], Gen.Bool).Sample((tool, path, content, edits, all) =>
        {
            var kind = (FileToolKind)tool;
            var file = new FileAction(kind, path)
            {
                Content = content,
                Edits = Enumerable.Range(0, edits.Length / 2).Select(i => new TextEdit(edits[2 * i], edits[2 * i + 1], all)).ToList(),
                Notebook = kind == FileToolKind.NotebookEdit ? new NotebookCellEdit(content.Length > 3 ? content[..3] : null, content, (NotebookEditMode)(edits.Length % 3)) : null,
            };
            Decides(new ActionRequest(kind.ToString(), null, TestWorld.Project) { File = file }, $"{kind} {path}: {content} / {string.Join(" / ", edits)}");
        }, iter: Inputs.Iterations);
}
