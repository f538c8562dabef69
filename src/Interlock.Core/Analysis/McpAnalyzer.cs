using System.Text.Json;
using Interlock.Core.Knowledge;
using Interlock.Core.Sql;

namespace Interlock.Core.Analysis;

/// <summary>
/// MCP tool calls (<c>mcp__server__tool</c> with JSON arguments). The guard cannot know what an arbitrary tool does,
/// so it sniffs: string fields named like SQL (<c>sql</c>, <c>query</c>, <c>statement</c>...) go through the SQL
/// classifier (a field named <c>query</c> only when its text starts like SQL, since search tools use that name too);
/// fields named like shell commands (<c>command</c>, <c>cmd</c>, <c>script</c>..., with an <c>args</c> array beside
/// them joined on) go through the shell analysis; and a tool whose name says it deletes, drops, destroys,
/// terminates, truncates, purges or wipes asks. The environment comes from the server's name and fields such as
/// <c>database</c>, <c>host</c> or <c>environment</c>.
/// </summary>
public static class McpAnalyzer
{
    private const int MaxFields = 2000;

    private static readonly string[] SqlKeys = ["sql", "sql_query", "sqlquery", "raw_sql", "rawsql", "sql_statement", "query_sql", "cypher_sql"];
    private static readonly string[] MaybeSqlKeys = ["query", "statement", "statements", "querytext", "query_text", "queries", "q"];
    private static readonly string[] ShellKeys = ["command", "cmd", "shell", "bash", "shell_command", "shellcommand", "command_line", "commandline", "cmdline"];
    private static readonly string[] LooseShellKeys = ["script", "commands"];
    private static readonly string[] ArgsKeys = ["args", "arguments", "argv"];
    private static readonly string[] EnvironmentKeys = ["database", "db", "dbname", "database_name", "host", "hostname", "server", "connection", "connection_name", "environment", "env", "project", "project_id", "profile", "context", "cluster", "namespace", "workspace", "stage"];

    public static List<Effect> Analyze(string toolName, string? argumentsJson, string cwd, KnowledgeContext ctx)
    {
        var (server, tool) = SplitName(toolName);
        var home = ctx.World.HomeDirectory;
        var context = new ExecContext([cwd], home, null, [$"MCP tool {toolName}"]);
        var source = new Invocation(toolName, toolName, [], context, [], null, null, toolName);
        var effects = new List<Effect>();
        var serverEnv = ctx.InferEnvironment("MCP server", server);

        if (DestructiveName(tool) is { } verb)
            effects.Add(new Effect(EffectKind.CallDestructiveTool, $"MCP tool {tool} of server {server}", PathClass.Unknown, false, false,
                $"calls the MCP tool `{tool}` of server `{server}`, whose name says it {verb}s something", source)
            { Environment = serverEnv.Environment, EnvironmentEvidence = serverEnv.Evidence });

        if (string.IsNullOrWhiteSpace(argumentsJson)) return effects;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(argumentsJson, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            effects.Add(new Effect(EffectKind.Indeterminate, toolName, PathClass.Unknown, false, false, $"its arguments could not be read as JSON ({e.Message})", source));
            return effects;
        }
        using (doc)
        {
            McpFileTools.Analyze(tool, doc.RootElement, cwd, ctx, effects);
            var budget = MaxFields;
            Walk(doc.RootElement, ctx, source, context, serverEnv, effects, ref budget);
            if (budget <= 0)
                effects.Add(new Effect(EffectKind.Indeterminate, toolName, PathClass.Unknown, false, false, $"its arguments have more than {MaxFields} fields, more than the guard reads", source));
        }
        return effects;
    }

    /// <summary><c>mcp__server__tool</c> → (server, tool); other names are their own tool.</summary>
    public static (string Server, string Tool) SplitName(string name)
    {
        if (!name.StartsWith("mcp__", StringComparison.Ordinal)) return ("", name);
        var rest = name[5..];
        var sep = rest.IndexOf("__", StringComparison.Ordinal);
        return sep < 0 ? (rest, rest) : (rest[..sep], rest[(sep + 2)..]);
    }

    /// <summary>The destructive verb in a tool name (<c>delete_issue</c>, <c>dropTable</c>, <c>terminate-instance</c>), or null.</summary>
    public static string? DestructiveName(string tool)
    {
        // Verbs only: `list_deleted_items` or `get_terminated_instances` read state, they do not change it.
        foreach (var token in Tokens(tool))
        {
            switch (token)
            {
                case "delete" or "deletes" or "deletion" or "del": return "delete";
                case "destroy" or "destroys": return "destroy";
                case "terminate" or "terminates": return "terminate";
                case "truncate" or "truncates": return "truncate";
                case "purge" or "purges": return "purge";
                case "drop" or "drops": return "drop";
                case "wipe" or "wipes": return "wipe";
                case "erase" or "erases": return "erase";
            }
        }
        return null;
    }

    /// <summary>Lower-case words of a name split at <c>_ - . /</c> and camelCase boundaries.</summary>
    private static IEnumerable<string> Tokens(string name)
    {
        var current = new System.Text.StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var ch = name[i];
            if (!char.IsLetterOrDigit(ch))
            {
                if (current.Length > 0) { yield return current.ToString(); current.Clear(); }
                continue;
            }
            if (char.IsUpper(ch) && current.Length > 0 && i > 0 && char.IsLower(name[i - 1]))
            {
                yield return current.ToString();
                current.Clear();
            }
            current.Append(char.ToLowerInvariant(ch));
        }
        if (current.Length > 0) yield return current.ToString();
    }

    private static void Walk(JsonElement e, KnowledgeContext ctx, Invocation source, ExecContext context,
        (TargetEnvironment, string?) serverEnv, List<Effect> effects, ref int budget)
    {
        if (--budget <= 0) return;
        switch (e.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item, ctx, source, context, serverEnv, effects, ref budget);
                    if (budget <= 0) return;
                }
                return;
            case JsonValueKind.Object:
                break;
            default:
                return;
        }

        // Facts about where this object's SQL runs.
        var envs = new List<(TargetEnvironment, string?)> { serverEnv };
        string? host = null, database = null;
        foreach (var p in e.EnumerateObject())
        {
            var key = p.Name.ToLowerInvariant();
            if (p.Value.ValueKind != JsonValueKind.String || Array.IndexOf(EnvironmentKeys, key) < 0) continue;
            var value = p.Value.GetString();
            envs.Add(ctx.InferEnvironment(key, value));
            if (key is "host" or "hostname" or "server") host = value;
            if (key is "database" or "db" or "dbname" or "database_name") database = value;
        }
        var env = KnowledgeContext.Strictest([.. envs]);
        var where = host is null && database is null ? $"the database behind MCP server `{SplitName(source.Executable).Server}`" : SqlClients.Where(host, database);

        foreach (var p in e.EnumerateObject())
        {
            if (--budget <= 0) return;
            var key = p.Name.ToLowerInvariant();
            var value = p.Value;
            if (Array.IndexOf(SqlKeys, key) >= 0 || Array.IndexOf(MaybeSqlKeys, key) >= 0)
            {
                var strict = Array.IndexOf(SqlKeys, key) >= 0;
                foreach (var text in Strings(value))
                    if (strict || LooksLikeSql(text))
                        SqlClients.AddSqlEffects(SqlClassifier.Analyze(text), source, where, env, effects);
                continue;
            }
            var loose = Array.IndexOf(LooseShellKeys, key) >= 0;
            if (Array.IndexOf(ShellKeys, key) >= 0 || loose)
            {
                foreach (var code in ShellCode(value, e))
                {
                    if (loose && Shell.ShellParser.Parse(code, ctx.Options.ParseLimits).Script is null) continue; // not shell after all
                    effects.AddRange(ctx.AnalyzeShellCode(code, context, source));
                }
                continue;
            }
            Walk(value, ctx, source, context, serverEnv, effects, ref budget);
        }
    }

    /// <summary>The strings of a value: itself, or the strings of an array.</summary>
    private static IEnumerable<string> Strings(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String) yield return value.GetString() ?? "";
        else if (value.ValueKind == JsonValueKind.Array)
            foreach (var item in value.EnumerateArray())
                if (item.ValueKind == JsonValueKind.String) yield return item.GetString() ?? "";
    }

    /// <summary>The command line(s) of a shell-like field: a string (joined with an <c>args</c> array beside it), or
    /// an argv array.</summary>
    private static IEnumerable<string> ShellCode(JsonElement value, JsonElement parent)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            var command = value.GetString() ?? "";
            foreach (var p in parent.EnumerateObject())
                if (Array.IndexOf(ArgsKeys, p.Name.ToLowerInvariant()) >= 0 && p.Value.ValueKind == JsonValueKind.Array)
                    command += " " + string.Join(' ', p.Value.EnumerateArray().Select(a => CloudArgs.Quote(a.ValueKind == JsonValueKind.String ? a.GetString() ?? "" : a.GetRawText())));
            if (command.Trim().Length > 0) yield return command;
        }
        else if (value.ValueKind == JsonValueKind.Array)
        {
            var words = value.EnumerateArray().Select(a => a.ValueKind == JsonValueKind.String ? a.GetString() ?? "" : a.GetRawText()).ToList();
            if (words.Count > 0) yield return string.Join(' ', words.Select(CloudArgs.Quote));
        }
    }

    private static readonly string[] ObjectKinds =
    [
        "table", "tables", "database", "schema", "index", "view", "sequence", "function", "procedure", "trigger", "type", "extension", "role",
        "user", "materialized", "temporary", "temp", "unique", "or", "if", "keyspace", "collection", "column", "constraint", "domain", "policy",
        "publication", "subscription", "owned", "event", "server", "tablespace", "aggregate", "rule", "statistics", "external",
    ];

    private static readonly string[] ShowTargets =
        ["tables", "databases", "schemas", "columns", "create", "index", "indexes", "keys", "processlist", "variables", "status", "grants", "full", "all", "search_path", "transaction", "triggers"];

    /// <summary>Text that reads as SQL rather than words: a statement keyword followed by what that statement needs
    /// (<c>SELECT ... FROM</c>, <c>DELETE FROM</c>, <c>UPDATE x SET</c>, <c>DROP TABLE</c>...), after comments and brackets.
    /// Used for fields named <c>query</c>, which search tools use for plain words ("delete old branches").</summary>
    public static bool LooksLikeSql(string text)
    {
        var words = SqlWords(text, 64);
        if (words.Count == 0) return false;
        var first = words[0];
        var second = words.Count > 1 ? words[1] : "";
        bool Has(string w) => words.Contains(w);
        return first switch
        {
            "select" => Has("from") || words.Count <= 3 && text.Any(char.IsAsciiDigit) || text.Contains('*'),
            "insert" or "merge" or "replace" => second == "into" || second is "ignore" or "overwrite" && words.Count > 2 && words[2] == "into",
            "update" => Has("set"),
            "delete" => second == "from" || words.Count > 2 && words[2] == "from",
            "drop" or "create" or "alter" => Array.IndexOf(ObjectKinds, second) >= 0,
            "truncate" => second == "table" || words.Count == 2 && text.TrimEnd().TrimEnd(';').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length == 2,
            "with" => Has("as") && text.Contains('('),
            "grant" or "revoke" => Has("on") || Has("to") && words.Count <= 6,
            "show" => Array.IndexOf(ShowTargets, second) >= 0,
            "explain" => second is "select" or "insert" or "update" or "delete" or "analyze" or "with" or "query",
            "describe" or "desc" => words.Count == 2,
            "pragma" or "vacuum" => true,
            "copy" => Has("from") || Has("to"),
            "call" or "exec" or "execute" => text.Contains('(') || words.Count <= 4 && text.TrimEnd().EndsWith(';'),
            "begin" or "commit" or "rollback" or "start" => words.Count <= 2 && (words.Count == 1 || second is "transaction" or "work"),
            "set" => text.Contains('=') && words.Count <= 6,
            "use" => words.Count == 2 && text.TrimEnd().EndsWith(';'),
            _ => false,
        };
    }

    /// <summary>Lower-case words of the text outside comments and quotes, at most <paramref name="max"/>.</summary>
    private static List<string> SqlWords(string text, int max)
    {
        var words = new List<string>();
        var i = 0;
        while (i < text.Length && words.Count < max)
        {
            var ch = text[i];
            if (text.AsSpan(i).StartsWith("--")) { var nl = text.IndexOf('\n', i); i = nl < 0 ? text.Length : nl + 1; continue; }
            if (text.AsSpan(i).StartsWith("/*")) { var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal); i = end < 0 ? text.Length : end + 2; continue; }
            if (ch is '\'' or '"' or '`')
            {
                var close = text.IndexOf(ch, i + 1);
                i = close < 0 ? text.Length : close + 1;
                continue;
            }
            if (char.IsAsciiLetter(ch) || ch == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_')) i++;
                words.Add(text[start..i].ToLowerInvariant());
                continue;
            }
            i++;
        }
        return words;
    }
}
