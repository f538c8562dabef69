using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Hooks;

/// <summary>What the golden suites share: one fixed world, the reasons the engine gives for each case, and a runner
/// that returns the exact answer (stdout, stderr, exit code) a harness receives.</summary>
internal static class Golden
{
    public const string P = TestWorld.Project;

    public const string ResetAsk = "Interlock needs a human to approve this command [git.discard-changes]: `git reset --hard` discards uncommitted changes in /home/dev/project. Why this stops: uncommitted changes are not in git's history, so they cannot be recovered afterwards. Instead: Run `git stash` first (recoverable with `git stash pop`), or commit to a branch, then continue.";

    public const string HomeDeny = "Interlock blocked this command [fs.delete-home]: `rm -rf /home/dev` deletes the home directory /home/dev and everything in it. Why this stops: a home directory holds the user's keys, settings and every other project, none of it recoverable. Instead: Name the specific directory inside the project that you want gone.";

    public const string EditAsk = "Interlock needs a human to approve this Edit [edit.remove-most]: `Edit` removes 90 of 100 lines of src/big.py (10 lines after). Why this stops: it removes most of the file; what is not committed cannot be recovered. Instead: Edit the parts that need changing; remove code in small, reviewed steps, or ask the user whether the file should shrink this much.";

    public const string SecretAsk = "Interlock needs a human to approve this Read [secrets.read]: `Read` reads .env, which holds environment secrets (.env). Why this stops: the file holds credentials or private keys; once read they are in the conversation, sent to the model provider and may end up in logs or output. Instead: Use the credential through the tool that needs it (ssh, aws, kubectl, npm) without reading it; for .env files read .env.example, or ask the user for the names you need.";

    /// <summary>The ask for an MCP tool whose arguments drop a table.</summary>
    public static string DropAsk(string tool, string engineName, string server) =>
        $"Interlock needs a human to approve this call of {tool} [data.destroy]: `{engineName}` drops table `users` in the database behind MCP server `{server}` (run via MCP tool {engineName}). Why this stops: the data would be gone unless a backup exists. Instead: Take a backup or snapshot first, run the read-only form (SELECT/COUNT, list, --dry-run) to see what would go, and add a precise filter.";

    public static string Lines(int from, int count) =>
        string.Concat(Enumerable.Range(from, count).Select(i => $"    line_{i} = compute({i}, \"value {i}\")\n"));

    /// <summary>src/big.py (100 lines) and a .env with a secret.</summary>
    public static TestWorld World() => Edits.Edit.World(($"{P}/src/big.py", Lines(1, 100)), ($"{P}/.env", "API_KEY=abc\n"));

    public static HookAnswer Run(IHookAdapter adapter, string json, TestWorld? world = null) =>
        TestHooks.Run(adapter, Encoding.UTF8.GetBytes(json), new Engine(), () => world ?? World());

    /// <summary>A JSON string literal, escaped as the hook writes it (the default encoder: ` and ' as \u0060, \u0027).</summary>
    public static string J(string s)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.Default })) w.WriteStringValue(s);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void Is(HookAnswer actual, string stdout, int exit = 0, string stderr = "")
    {
        Assert.Equal(stdout, actual.Stdout);
        Assert.Equal(stderr, actual.Stderr);
        Assert.Equal(exit, actual.ExitCode);
    }

    /// <summary>The hookSpecificOutput answer (Claude Code, Codex).</summary>
    public static string Hso(string decision, string reason) =>
        $$$$"""{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"{{{{decision}}}}","permissionDecisionReason":{{{{J(reason)}}}}}}""";
}
