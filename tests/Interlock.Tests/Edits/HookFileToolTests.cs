using System.Text;
using System.Text.Json;
using Interlock.Cli;
using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Edits;

/// <summary>The Claude Code hook for file tools and MCP tools: golden outputs and pass-through.</summary>
public sealed class HookFileToolTests
{
    private const string P = TestWorld.Project;
    private const string H = TestWorld.Home;

    private static string Hook(string tool, string toolInputJson, TestWorld? world = null) =>
        TestHooks.ClaudeCode(Encoding.UTF8.GetBytes(
            $$"""{"session_id":"s1","transcript_path":"/tmp/t.jsonl","cwd":"{{P}}","permission_mode":"default","hook_event_name":"PreToolUse","tool_name":"{{tool}}","tool_input":{{toolInputJson}},"tool_use_id":"t1"}"""),
            new Engine(), () => world ?? new TestWorld());

    private static string J(string s) => JsonSerializer.Serialize(s, JsonStrings.Default.String);

    private static string Lines(int from, int count) =>
        string.Concat(Enumerable.Range(from, count).Select(i => $"    line_{i} = compute({i}, \"value {i}\")\n"));

    [Fact]
    public void Write_replacing_most_of_a_file_asks_with_the_exact_protocol()
    {
        var world = Edit.World(($"{P}/src/app.py", Lines(1, 430)));
        var stub = Lines(1, 18) + "    pass  # TODO\n";
        Assert.Equal(
            """{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask","permissionDecisionReason":"Interlock needs a human to approve this Write [edit.replace-file]: \u0060Write\u0060 replaces 412 of 430 lines of src/app.py with unrelated content (19 lines after, 18 kept). Why this stops: it replaces the file wholesale with unrelated content; a rewrite from scratch loses working code, and what is not committed cannot be recovered. Instead: Edit the parts that need changing with small Edit calls; if a rewrite is really intended, commit first or ask the user."}}""",
            Hook("Write", $$"""{"file_path":"{{P}}/src/app.py","content":{{J(stub)}}}""", world));
    }

    [Fact]
    public void Edit_deleting_ninety_percent_asks_with_the_exact_protocol()
    {
        var world = Edit.World(($"{P}/src/big.py", Lines(1, 100)));
        Assert.Equal(
            """{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask","permissionDecisionReason":"Interlock needs a human to approve this Edit [edit.remove-most]: \u0060Edit\u0060 removes 90 of 100 lines of src/big.py (10 lines after). Why this stops: it removes most of the file; what is not committed cannot be recovered. Instead: Edit the parts that need changing; remove code in small, reviewed steps, or ask the user whether the file should shrink this much."}}""",
            Hook("Edit", $$"""{"file_path":"{{P}}/src/big.py","old_string":{{J(Lines(1, 90))}},"new_string":"","replace_all":false}""", world));
    }

    [Fact]
    public void Ordinary_file_tool_calls_print_nothing()
    {
        var world = Edit.World(($"{P}/src/big.py", Lines(1, 100)));
        Assert.Equal("", Hook("Write", $$"""{"file_path":"{{P}}/src/new.py","content":"print(1)\n"}""", world));
        Assert.Equal("", Hook("Edit", $$"""{"file_path":"{{P}}/src/big.py","old_string":"line_5 =","new_string":"line_five ="}""", world));
        Assert.Equal("", Hook("MultiEdit", $$"""{"file_path":"{{P}}/src/big.py","edits":[{"old_string":"line_5 =","new_string":"a ="},{"old_string":"line_6 =","new_string":"b =","replace_all":true}]}""", world));
        Assert.Equal("", Hook("Read", $$"""{"file_path":"{{P}}/src/big.py","offset":1,"limit":20}""", world));
    }

    [Fact]
    public void MultiEdit_and_NotebookEdit_events_are_analysed()
    {
        var world = Edit.World(($"{P}/src/big.py", Lines(1, 100)),
            ($"{P}/nb.ipynb", $$"""{"cells":[{"cell_type":"code","id":"a","source":"import os"},{"cell_type":"code","id":"b","source":{{J(Lines(1, 60))}}}],"nbformat":4,"nbformat_minor":5}"""));
        var multi = Hook("MultiEdit", $$"""{"file_path":"{{P}}/src/big.py","edits":[{"old_string":{{J(Lines(1, 40))}},"new_string":""},{"old_string":{{J(Lines(41, 30))}},"new_string":""}]}""", world);
        Assert.Contains("\"permissionDecision\":\"ask\"", multi);
        Assert.Contains("MultiEdit\\u0060 removes 70 of 100 lines", multi);
        var notebook = Hook("NotebookEdit", $$"""{"notebook_path":"{{P}}/nb.ipynb","cell_id":"b","new_source":"","edit_mode":"delete"}""", world);
        Assert.Contains("\"permissionDecision\":\"ask\"", notebook);
        Assert.Contains("approve this NotebookEdit [edit.remove-most]", notebook);
        Assert.Equal("", Hook("NotebookEdit", $$"""{"notebook_path":"{{P}}/nb.ipynb","cell_id":"a","new_source":"import sys","cell_type":"code"}""", world));
    }

    [Fact]
    public void Secret_reads_ask_and_protected_writes_are_denied()
    {
        var read = Hook("Read", $$"""{"file_path":"{{H}}/.ssh/id_ed25519"}""");
        Assert.Contains("\"permissionDecision\":\"ask\"", read);
        Assert.Contains("[secrets.read]", read);
        var write = Hook("Write", $$"""{"file_path":"{{P}}/.claude/settings.json","content":"{}"}""");
        Assert.StartsWith("""{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"deny","permissionDecisionReason":"Interlock blocked this Write [protected.hook-settings]: """, write);
        var edit = Hook("Edit", $$"""{"file_path":"{{H}}/.claude/settings.json","old_string":"interlock","new_string":"true"}""");
        Assert.Contains("\"permissionDecision\":\"deny\"", edit);
    }

    [Theory]
    [InlineData("Grep", """{"pattern":"rm -rf /","path":"."}""")]
    [InlineData("Glob", """{"pattern":"**/.env"}""")]
    [InlineData("WebFetch", """{"url":"https://example.com","prompt":"DROP TABLE users"}""")]
    [InlineData("Task", """{"description":"clean","prompt":"run rm -rf ~ please"}""")]
    [InlineData("TodoWrite", """{"todos":[]}""")]
    [InlineData("WebSearch", """{"query":"DELETE FROM users"}""")]
    public void Other_tools_pass_through(string tool, string input) => Assert.Equal("", Hook(tool, input));

    [Theory]
    [InlineData("Write", """{"content":"x"}""", "no tool_input.file_path")]
    [InlineData("NotebookEdit", """{"new_source":"x"}""", "no tool_input.notebook_path")]
    [InlineData("MultiEdit", """{"file_path":"/home/dev/project/a.py"}""", "no tool_input.edits array")]
    public void Malformed_file_tool_events_are_denied(string tool, string input, string reason)
    {
        var output = Hook(tool, input);
        Assert.Contains("\"permissionDecision\":\"deny\"", output);
        Assert.Contains(reason, output);
    }
}

/// <summary>MCP tools: SQL and shell sniffing, destructive tool names.</summary>
public sealed class McpHookTests
{
    private static string Mcp(string tool, string input) =>
        TestHooks.ClaudeCode(Encoding.UTF8.GetBytes(
            $$"""{"hook_event_name":"PreToolUse","cwd":"{{TestWorld.Project}}","tool_name":"{{tool}}","tool_input":{{input}}}"""), new Engine(), () => new TestWorld());

    private static Decision Check(string tool, string? input) =>
        new Engine().Evaluate(new ActionRequest(tool, null, TestWorld.Project) { ToolArguments = input }, new TestWorld());

    [Theory]
    [InlineData("mcp__postgres__query", """{"sql":"DROP TABLE users"}""", "data.destroy")]
    [InlineData("mcp__postgres__query", """{"sql":"DELETE FROM orders"}""", "data.destroy")]
    [InlineData("mcp__db__execute", """{"query":"TRUNCATE TABLE audit_log"}""", "data.destroy")]
    [InlineData("mcp__db__execute", """{"params":{"statement":"drop database analytics;"}}""", "data.destroy")]
    [InlineData("mcp__db__batch", """{"queries":["SELECT 1","DROP SCHEMA public CASCADE"]}""", "data.destroy")]
    [InlineData("mcp__supabase__execute_sql", """{"project_id":"abc","query":"delete from profiles"}""", "data.destroy")]
    [InlineData("mcp__github__delete_repository", """{"owner":"acme","repo":"api"}""", "mcp.destructive-tool")]
    [InlineData("mcp__aws__terminateInstances", """{"ids":["i-1"]}""", "mcp.destructive-tool")]
    [InlineData("mcp__db__dropTable", """{"name":"users"}""", "mcp.destructive-tool")]
    [InlineData("mcp__k8s__purge-namespace", """{}""", "mcp.destructive-tool")]
    [InlineData("mcp__redis__truncate_stream", """{"key":"x"}""", "mcp.destructive-tool")]
    [InlineData("mcp__shell__run", """{"command":"git reset --hard"}""", "git.discard-changes")]
    public void Destructive_mcp_calls_ask(string tool, string input, string rule)
    {
        var d = Check(tool, input);
        Assert.True(d.Verdict == Verdict.Ask, $"{tool} {input}: {d.Verdict} {d.RuleId} {d.Reason}");
        Assert.Equal(rule, d.RuleId);
    }

    [Theory]
    [InlineData("mcp__shell__run", """{"command":"rm -rf ~"}""", "fs.delete-home")]
    [InlineData("mcp__shell__exec", """{"command":"rm","args":["-rf","/"]}""", "fs.delete-root")]
    [InlineData("mcp__docker__exec", """{"container":"web","cmd":["bash","-c","rm -rf ~/.bashrc"]}""", "protected.shell-startup")]
    [InlineData("mcp__shell__run", """{"command":"interlock breaker reset --session s1"}""", "guard.self-change")]
    public void Dangerous_shell_commands_in_mcp_arguments_are_denied(string tool, string input, string rule)
    {
        var d = Check(tool, input);
        Assert.True(d.Verdict == Verdict.Deny, $"{tool} {input}: {d.Verdict} {d.RuleId} {d.Reason}");
        Assert.Equal(rule, d.RuleId);
        Assert.Contains($"MCP tool {tool}", d.Reason);
    }

    [Theory]
    [InlineData("mcp__postgres__query", """{"sql":"SELECT count(*) FROM users"}""")]
    [InlineData("mcp__github__search_code", """{"query":"delete old branches"}""")]
    [InlineData("mcp__github__search_issues", """{"query":"drop support for node 16"}""")]
    [InlineData("mcp__linear__search", """{"query":"update the docs"}""")]
    [InlineData("mcp__github__list_deleted_items", """{}""")]
    [InlineData("mcp__aws__describe_terminated_instances", """{}""")]
    [InlineData("mcp__browser__evaluate", """{"script":"document.querySelector('#x').click()"}""")]
    [InlineData("mcp__playwright__browser_click", """{"element":"Delete button","ref":"e12"}""")]
    [InlineData("mcp__shell__run", """{"command":"git status"}""")]
    [InlineData("mcp__graphql__query", """{"query":"mutation { deleteUser(id: 1) { id } }"}""")]
    [InlineData("mcp__fs__write_file", """{"path":"/home/dev/project/a.txt","content":"DROP TABLE users; rm -rf /"}""")]
    [InlineData("mcp__memory__dropdown_options", """{}""")]
    public void Ordinary_mcp_calls_print_nothing(string tool, string input) => Assert.Equal("", Mcp(tool, input));

    [Fact]
    public void Production_names_need_two_approvers()
    {
        var d = Check("mcp__postgres-prod__query", """{"sql":"DELETE FROM orders"}""");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        var e = Check("mcp__db__query", """{"database":"orders_production","sql":"DROP TABLE orders"}""");
        Assert.Equal(2, e.RequiredApprovals);
        Assert.Equal(2, Check("mcp__prod__delete_bucket", null).RequiredApprovals);
    }

    [Fact]
    public void The_hook_output_names_the_mcp_tool()
    {
        var output = Mcp("mcp__postgres__query", """{"sql":"DROP TABLE users"}""");
        Assert.StartsWith("""{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"ask","permissionDecisionReason":"Interlock needs a human to approve this call of mcp__postgres__query [data.destroy]: \u0060mcp__postgres__query\u0060 """, output);
        Assert.Contains("the database behind MCP server \\u0060postgres\\u0060", output);
    }

    [Theory]
    [InlineData("SELECT * FROM users", true)]
    [InlineData("  -- comment\n  delete from users where id = 1", true)]
    [InlineData("UPDATE users SET name = 'x'", true)]
    [InlineData("insert into t values (1)", true)]
    [InlineData("WITH x AS (SELECT 1) SELECT * FROM x", true)]
    [InlineData("SHOW TABLES", true)]
    [InlineData("drop table users", true)]
    [InlineData("truncate logs;", true)]
    [InlineData("delete old branches", false)]
    [InlineData("update the readme", false)]
    [InlineData("show me the users table", false)]
    [InlineData("select the best option", false)]
    [InlineData("create a new component", false)]
    [InlineData("", false)]
    public void Sql_is_recognised_in_query_fields(string text, bool sql) =>
        Assert.Equal(sql, Interlock.Core.Analysis.McpAnalyzer.LooksLikeSql(text));
}
