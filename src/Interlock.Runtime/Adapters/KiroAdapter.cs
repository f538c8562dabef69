using System.Text.Json;
using Interlock.Core;
using static Interlock.Runtime.Adapters.HookJson;

namespace Interlock.Runtime.Adapters;

/// <summary>
/// Kiro CLI and Amazon Q Developer CLI preToolUse hooks, one protocol under two names (kiro.dev/docs/cli/hooks;
/// hooks live in an agent configuration: ~/.kiro/agents/NAME.json, or ~/.aws/amazonq/cli-agents/NAME.json for
/// Amazon Q). stdin: hook_event_name "preToolUse", cwd, tool_name, tool_input. Tools: execute_bash / shell
/// {command}; fs_write / write {command: create | str_replace | insert | append, path, file_text, old_str, new_str};
/// fs_read / read {operations: [{mode, path}]} or {mode, path}; MCP tools as @server/tool. Exit 2 blocks the tool
/// and sends stderr to the model; exit 0 lets it run (other codes only warn, so they are never used to stop).
/// There is no ask: an ask is answered as a block whose message says how a human approves.
/// </summary>
internal sealed class KiroAdapter(string harness, string product, string settingsHint) : JsonHookAdapter
{
    public const int ExitBlock = 2;

    public override string Harness => harness;

    public override bool SupportsAsk => false;

    protected override string Product => product;

    protected override string Registration => $"\"preToolUse\" in the agent configuration ({settingsHint})";

    protected override HookEvent Read(JsonElement root, HookEvent ev)
    {
        ev = Common(root, ev);
        if (Unfit(ev, "tool_name", "preToolUse") is { } unfit) return unfit;
        var tool = ev.Tool!;
        var cwd = Cwd(ev.Cwd);
        root.TryGetProperty("tool_input", out var input);
        switch (tool)
        {
            case "execute_bash" or "execute_cmd" or "shell":
                return ToolRequests.Shell(ev, tool, GetString(input, "command"), "tool_input.command", cwd);
            case "fs_write" or "write":
            {
                var path = GetString(input, "path");
                return GetString(input, "command") switch
                {
                    "create" => ToolRequests.Write(ev, tool, path, "tool_input.path", GetString(input, "file_text"), cwd),
                    "str_replace" => ToolRequests.Edit(ev, tool, path, "tool_input.path", GetString(input, "old_str"), GetString(input, "new_str"), false, cwd),
                    // Inserting or appending removes nothing; the path still matters (protected files).
                    "insert" or "append" => ToolRequests.File(ev, tool, path, "tool_input.path", cwd, path is null ? null : new FileAction(FileToolKind.Edit, path)),
                    var other => ev with { Invalid = $"Interlock: the {tool} event's tool_input.command is {(other is null ? "missing" : $"`{other}`")}, not create, str_replace, insert or append, so the write could not be checked and is stopped." },
                };
            }
            case "fs_read" or "read":
            {
                var paths = new List<FileAction>();
                if (input.ValueKind == JsonValueKind.Object && input.TryGetProperty("operations", out var ops) && ops.ValueKind == JsonValueKind.Array)
                {
                    foreach (var op in ops.EnumerateArray())
                        if (GetString(op, "path") is { Length: > 0 } p) paths.Add(new FileAction(FileToolKind.Read, p));
                }
                else if (GetString(input, "path") is { Length: > 0 } single)
                    paths.Add(new FileAction(FileToolKind.Read, single));
                if (paths.Count == 0)
                    return ev with { Invalid = $"Interlock: the {tool} event names no path (tool_input.operations[].path or tool_input.path), so the read could not be checked and is stopped." };
                return ev with { Request = new ActionRequest(tool, null, cwd) { Files = paths } };
            }
            default:
            {
                var args = input.ValueKind == JsonValueKind.Object ? input.GetRawText() : null;
                if (tool.StartsWith('@') && tool.IndexOf('/') is var slash and > 1)
                    return ToolRequests.Mcp(ev, tool[1..slash], tool[(slash + 1)..], args, cwd);
                return ToolRequests.Mcp(ev, tool, tool, args, cwd); // use_aws, other built-ins: arguments sniffed
            }
        }
    }

    /// <summary>Exit 0 and nothing for allow; exit 2 with the reason on stderr for deny and ask.</summary>
    public override HookAnswer Render(HookEvent hookEvent, DecisionOutcome outcome) =>
        outcome.Verdict == Verdict.Allow ? new("", "", 0) : new("", outcome.Message, ExitBlock);
}
