using Interlock.Core.Environments;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Entity Framework Core's database commands (<c>dotnet ef</c>, <c>dotnet-ef</c>): <c>database drop</c> drops the
/// database, <c>database update 0</c> reverts every migration (their tables go with their data), other updates and
/// <c>migrations bundle</c> runs change it (asked in production). The environment is the app's own: the arguments after
/// <c>--</c> (<c>--environment Production</c>), else ASPNETCORE_ENVIRONMENT / DOTNET_ENVIRONMENT, and the server is the
/// <c>--connection</c> string (Host=/Server=/Data Source=, Database=/Initial Catalog=).
/// </summary>
public sealed class DotnetEf : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["dotnet", "dotnet-ef"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args.ToList();
        if (inv.Name == "dotnet")
        {
            if (args.Count == 0 || args[0].Text != "ef") return;
            args = args.Skip(1).ToList();
        }
        var separator = args.FindIndex(a => a.Text == "--");
        var appArgs = separator < 0 ? [] : args.Skip(separator + 1).ToList();
        var own = separator < 0 ? args : args.Take(separator).ToList();
        if (CloudArgs.Has(own, "--help", "-h", "--version", "--dry-run")) return;
        string? connection = null;
        var words = new List<Arg>();
        string[] valued = ["--project", "-p", "--startup-project", "-s", "--context", "-c", "--framework", "--configuration", "--runtime", "-r", "--msbuildprojectextensionspath", "--connection"];
        for (var i = 0; i < own.Count; i++)
        {
            var t = own[i].Text;
            if (t == "--connection" && i + 1 < own.Count) { connection = own[++i].Text; continue; }
            if (valued.Contains(t)) { i++; continue; }
            if (t.StartsWith('-') && own[i].Known) continue;
            words.Add(own[i]);
        }
        if (words.Count < 2 || words[0].Text != "database") return;
        (EffectKind Kind, string What)? effect = words[1].Text switch
        {
            "drop" => (EffectKind.DestroyData, "drops the database with all its data"),
            "update" when words.Count >= 3 && words[2].Text == "0" => (EffectKind.DestroyData, "reverts every migration, dropping the tables they created with their data"),
            "update" => (EffectKind.ChangeInfrastructure, words.Count >= 3
                ? $"moves the database to migration `{words[2].Text}` (reverting later migrations drops what they added)"
                : "applies the pending migrations"),
            _ => null,
        };
        if (effect is null) return;

        var hints = new List<EnvironmentHint>();
        var appEnvironment = CloudArgs.Value(appArgs, "--environment")?.Text;
        if (appEnvironment is not null) hints.Add(new("ASP.NET Core environment", appEnvironment, "--environment after --"));
        else hints.AddRange(FrameworkEnvironment.Hints(ctx, inv, "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"));
        var (host, database) = ConnectionString(connection);
        var named = new List<(string, string?)> { ("database host", host), ("database", database) };
        var env = CloudArgs.Environment(ctx, named, hints);
        var where = host is null && database is null ? "the database of the context's connection string" : SqlClients.Where(host, database);
        CloudArgs.Add(effects, effect.Value.Kind, where, $"`dotnet ef database {words[1].Text}` {effect.Value.What} ({where})", inv, env, recursive: effect.Value.Kind == EffectKind.DestroyData);
    }

    /// <summary>The server and database of an ADO.NET connection string (<c>Host=db;Database=app</c>,
    /// <c>Server=tcp:db,1433;Initial Catalog=app</c>); nulls for what it does not say.</summary>
    public static (string? Host, string? Database) ConnectionString(string? text)
    {
        if (string.IsNullOrEmpty(text)) return (null, null);
        if (text.Contains("://", StringComparison.Ordinal)) return SqlClients.ParseUrl(text, null);
        string? host = null, database = null;
        foreach (var part in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var key = part[..eq].Trim().ToLowerInvariant();
            var value = part[(eq + 1)..].Trim().Trim('"', '\'');
            if (key is "host" or "server" or "data source" or "address" or "addr" or "network address")
            {
                if (value.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase)) value = value[4..];
                var comma = value.IndexOf(',');
                host = comma > 0 ? value[..comma] : value;
            }
            else if (key is "database" or "initial catalog") database = value;
        }
        return (host, database);
    }
}
