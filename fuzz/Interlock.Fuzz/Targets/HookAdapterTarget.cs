using System.Text.Json;
using Interlock.Core;

namespace Interlock.Fuzz.Targets;

/// <summary>A harness adapter on arbitrary bytes as the hook's standard input: <see cref="IHookAdapter.Parse"/> must
/// not throw (the pipeline would catch it, but with a message that hides what was wrong with the event), and the whole
/// hook pipeline with the decision stage must answer every input without an internal error. The audit, snapshot,
/// approval and budget stages are left out (they are I/O). One instance per adapter (see <see cref="FuzzTargets"/>).</summary>
public sealed class HookAdapterTarget : IFuzzTarget
{
    private readonly string _harness;
    private readonly string[] _seeds;
    // Built on the first input: instrumented code must not run before SharpFuzz has set up the coverage map (the
    // target list is built first), or it writes through a null map and the process dies.
    private readonly Lazy<(IHookAdapter Adapter, DecisionPipeline Pipeline)> _hook;

    internal HookAdapterTarget(string harness, Func<IHookAdapter> adapter, params string[] seeds)
    {
        _harness = harness;
        _seeds = seeds;
        _hook = new(() => (adapter(), new DecisionPipeline([new DecideStage(new Engine(), () => new FuzzWorld())])));
    }

    public string Name => "hook-" + _harness;
    public string Description => $"the {_harness} hook adapter's Parse and the hook pipeline (decide stage) on the input as the hook's stdin";

    public IEnumerable<string> Seeds(SeedSources sources) => _seeds;

    public void Run(byte[] input)
    {
        var (adapter, pipeline) = _hook.Value;
        var parsed = adapter.Parse(input);
        var answer = pipeline.Run(adapter, input);
        if (answer.Stdout.Contains("[internal-error]", StringComparison.Ordinal) || answer.Stderr.Contains("[internal-error]", StringComparison.Ordinal))
            throw new FuzzFinding($"internal error for an event parsed as {parsed}: {answer.Stdout}{answer.Stderr}");
        if (answer.Stdout.Length > 0 && answer.Stdout.TrimStart().StartsWith('{'))
        {
            try
            {
                using var _ = JsonDocument.Parse(answer.Stdout);
            }
            catch (JsonException e)
            {
                throw new FuzzFinding($"the hook printed something that is not JSON ({e.Message}): {answer.Stdout}");
            }
        }
    }

    /// <summary>Claude Code PreToolUse events: every tool shape, malformed events and awkward values.</summary>
    internal static readonly string[] ClaudeCodeSeeds =
    [
        """{"session_id":"s","cwd":"/home/dev/project","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"rm -rf ~"}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"Write","tool_input":{"file_path":"src/app.py","content":"x"}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"Edit","tool_input":{"file_path":"src/app.py","old_string":"def f1","new_string":"","replace_all":true}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"MultiEdit","tool_input":{"file_path":"a","edits":[{"old_string":"a","new_string":"b"},1]}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"NotebookEdit","tool_input":{"notebook_path":"n.ipynb","new_source":"x","edit_mode":"delete","cell_id":"c"}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"Read","tool_input":{"file_path":"/home/dev/.aws/credentials"}}""",
        """{"hook_event_name":"PreToolUse","tool_name":"mcp__db__query","tool_input":{"sql":"DELETE FROM users"}}""",
        """{"hook_event_name":"PostToolUse","tool_name":"Bash"}""", """[1,2]""", """{"tool_name":"Bash","tool_input":"ls"}""",
        """{"tool_name":"Bash","tool_input":{"command":"bash run.sh; python3 clean.py"},"cwd":"/home/dev/project"}""",
    ];
}
