using System.Text;
using System.Text.Json;
using CsCheck;
using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Properties;

/// <summary>The Claude Code adapter's input parsing: its Parse never throws, and any bytes on standard input get an
/// answer from the hook pipeline (nothing, or one protocol object with ask or deny), never an internal error.</summary>
public sealed class ClaudeCodeHookProperties
{
    private static readonly Engine Engine = new();

    private static void Answers(byte[] input)
    {
        var parsed = new ClaudeCodeAdapter().Parse(input); // throws on a finding (the pipeline would hide it)
        Assert.True(parsed.Request is not null || parsed.Invalid is not null || parsed.Tool is not null, $"an event neither analysed, rejected nor passed: {Convert.ToBase64String(input)}");
        var answer = Inputs.WithinBound("the Claude Code hook", Convert.ToBase64String(input), () => TestHooks.ClaudeCode(input, Engine, () => new TestWorld()));
        if (answer.Length == 0) return;
        using var doc = JsonDocument.Parse(answer);
        var output = doc.RootElement.GetProperty("hookSpecificOutput");
        Assert.Contains(output.GetProperty("permissionDecision").GetString(), new[] { "ask", "deny" });
        Assert.DoesNotContain("[internal-error]", output.GetProperty("permissionDecisionReason").GetString());
    }

    private static readonly string[] Fields = ["session_id", "cwd", "hook_event_name", "tool_name", "tool_input", "command", "file_path", "content", "old_string", "new_string", "edits", "replace_all", "notebook_path", "new_source", "edit_mode", "cell_id"];
    private static readonly string[] Values = ["\"PreToolUse\"", "\"Bash\"", "\"Write\"", "\"Edit\"", "\"MultiEdit\"", "\"NotebookEdit\"", "\"Read\"", "\"mcp__db__query\"", "\"rm -rf ~\"", "\"/home/dev/project\"", "\"src/app.py\"", "\"\\ud800\"", "\"\\u0000\"", "true", "null", "1e400", "[]", "{}", "\"delete\""];

    /// <summary>Structured events: objects made of the protocol's field names and typical or awkward values, nested.</summary>
    private static readonly Gen<string> Events = Gen.Recursive<string>((depth, gen) =>
        depth >= 3
            ? Gen.Int[0, Values.Length - 1].Select(i => Values[i])
            : Gen.Frequency(
                (2, Gen.Int[0, Values.Length - 1].Select(i => Values[i])),
                (3, Gen.Select(Gen.Int[0, Fields.Length - 1], gen).Array[0, 6].Select(kv => "{" + string.Join(",", kv.Select(p => $"\"{Fields[p.Item1]}\":{p.Item2}")) + "}")),
                (1, gen.Array[0, 3].Select(items => "[" + string.Join(",", items) + "]"))));

    [Fact]
    public void Any_structured_event_gets_a_protocol_answer() =>
        Events.Sample(json => Answers(Encoding.UTF8.GetBytes(json)), iter: Inputs.Iterations);

    [Fact]
    public void Any_bytes_get_a_protocol_answer() =>
        Gen.Select(Events, Gen.Byte.Array[1, 4], Gen.Int[0, int.MaxValue], (json, noise, at) =>
        {
            // Valid events with raw bytes (invalid UTF-8 among them) written into them.
            var bytes = Encoding.UTF8.GetBytes(json).ToList();
            bytes.InsertRange(bytes.Count == 0 ? 0 : at % bytes.Count, noise);
            return bytes.ToArray();
        }).Sample(Answers, iter: Inputs.Iterations);

    [Theory]
    [InlineData("7b22686f6f6b5f6576656e745f6e616d65223a22507265546f6f6c5573b2222c22746f6f6c5f6e616d65223a225772697465227d")] // found by fuzzing: invalid UTF-8 in a string value
    [InlineData("7b22746f6f6c5f6e616d65223a2242617368222c22746f6f6c5f696e707574223a7b22636f6d6d616e64223a225c7564383030227d7d")] // "\ud800": an unpaired surrogate escape
    public void Malformed_strings_are_denied_as_malformed_events(string hex)
    {
        var input = Convert.FromHexString(hex);
        Assert.Contains("not valid JSON", new ClaudeCodeAdapter().Parse(input).Invalid);
        var answer = TestHooks.ClaudeCode(input, Engine, () => new TestWorld());
        Assert.Contains("\"permissionDecision\":\"deny\"", answer);
        Assert.Contains("not valid JSON", answer);
    }
}
