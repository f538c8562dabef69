using System.Text;
using Interlock.Core;

namespace Interlock.Fuzz.Targets;

/// <summary>The whole engine (parse, analysis, knowledge, policy) on arbitrary shell commands, file tool calls and MCP
/// tool calls. <see cref="Engine.Evaluate"/> turns exceptions into an "internal-error" deny; for the fuzzer that is a
/// finding, so it is rethrown.</summary>
/// <remarks>Input format, by the first character: <c>W</c> path, newline, content (Write); <c>E</c> path, newline,
/// old, NUL, new [, NUL, old, NUL, new...] (Edit/MultiEdit); <c>R</c> path (Read); <c>M</c> tool name, newline,
/// arguments JSON (MCP); anything else is a Bash command.</remarks>
public sealed class EngineTarget : IFuzzTarget
{
    private const string Cwd = "/home/dev/project";
    internal static readonly Engine Engine = new();
    private static readonly FuzzWorld World = new();

    public string Name => "engine";
    public string Description => "Engine.Evaluate on Bash commands, Write/Edit/Read file tool calls and MCP calls decoded from the input";

    public IEnumerable<string> Seeds(SeedSources sources) =>
    [
        "Wsrc/app.py\nprint('hello')\n", "W/home/dev/project/README.md\n", "Esrc/app.py\ndef f1\0def g1\0return 2\0", "R~/.ssh/id_rsa", "R.env.example",
        "Mmcp__db__query\n{\"sql\":\"DROP TABLE users\"}", "Mmcp__shell__run\n{\"command\":\"rm -rf ~\"}",
        "bash run.sh", "python3 clean.py", "psql -f db/drop.sql", "kubectl --context prod delete ns x", "ssh h 'sudo bash -c \"rm -rf /\"'",
        .. sources.SampledCorpusCommands(10),
    ];

    public void Run(byte[] input) => Check(Evaluate(Encoding.UTF8.GetString(input)));

    /// <summary>The request the input describes (see the remarks on the format).</summary>
    public static ActionRequest Decode(string text)
    {
        if (text.Length == 0) return new ActionRequest("Bash", text, Cwd);
        var body = text[1..];
        var newline = body.IndexOf('\n');
        var head = newline < 0 ? body : body[..newline];
        var rest = newline < 0 ? "" : body[(newline + 1)..];
        switch (text[0])
        {
            case 'W':
                return new ActionRequest("Write", null, Cwd) { File = new FileAction(FileToolKind.Write, head) { Content = rest } };
            case 'E':
            {
                var parts = rest.Split('\0');
                var edits = new List<TextEdit>();
                for (var i = 0; i + 1 < parts.Length; i += 2) edits.Add(new TextEdit(parts[i], parts[i + 1], parts[i].Length % 3 == 0));
                var kind = edits.Count > 1 ? FileToolKind.MultiEdit : FileToolKind.Edit;
                return new ActionRequest(kind.ToString(), null, Cwd) { File = new FileAction(kind, head) { Edits = edits } };
            }
            case 'R':
                return new ActionRequest("Read", null, Cwd) { File = new FileAction(FileToolKind.Read, head) };
            case 'M':
                return new ActionRequest("mcp__" + head, null, Cwd) { ToolArguments = rest };
            default:
                return new ActionRequest("Bash", text, Cwd);
        }
    }

    public static Decision Evaluate(string text) => Engine.Evaluate(Decode(text), World);

    public static void Check(Decision decision)
    {
        if (decision.RuleId == "internal-error") throw new FuzzFinding(decision.Reason);
    }
}
