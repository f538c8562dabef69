using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Interlock.State.Identity;
using Npgsql;
using Xunit;

namespace Interlock.Server.Tests;

/// <summary>Needs the PostgreSQL `.ci/run` starts (INTERLOCK_TEST_POSTGRES). Skipped with a message for a developer
/// without it; in CI (CI=true) it runs and fails if the database is missing.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "INTERLOCK_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) && !TestServer.InCi)
            Skip = $"needs PostgreSQL: run `source .ci/postgres.sh start` (sets {Variable}) or `bash .ci/run`";
    }
}

/// <summary>Needs Debian's chromium at /usr/bin/chromium (installed by `.ci/run`); same skip/fail rule.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium) && !TestServer.InCi)
            Skip = $"needs chromium at {Chromium}: `apt-get install -y chromium` or run `bash .ci/run`";
    }
}

/// <summary>
/// A real server on a loopback port with a fresh database (SQLite in a temp directory, or a fresh PostgreSQL
/// schema), and the cast: olivia runs the agent `ci-bot` and is herself a prod approver (her approval must still
/// not count); ana and ben are prod approvers; dev is a human with no groups.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private readonly List<InterlockServer> _servers = [];
    private readonly string _dataDir;
    private readonly string? _schema;
    private readonly string? _admin;

    public InterlockServer Server => _servers[0];
    public string Url => Server.BaseUrl;
    public string AgentToken { get; private set; } = "";
    public string OtherAgentToken { get; private set; } = "";
    public string Olivia { get; private set; } = "";
    public string Ana { get; private set; } = "";
    public string Ben { get; private set; } = "";
    public string Dev { get; private set; } = "";
    public string? ConnectionString { get; }
    public ServerOptions Options { get; }

    private TestServer(bool postgres, Func<ServerOptions, ServerOptions>? configure)
    {
        _dataDir = Path.Combine(Path.GetTempPath(), "interlock-server-tests-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_dataDir);
        if (postgres)
        {
            _admin = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)
                ?? throw new InvalidOperationException($"{PostgresFactAttribute.Variable} is not set, but CI=true says PostgreSQL should be running (.ci/postgres.sh)");
            _schema = "s_" + Guid.NewGuid().ToString("N")[..16];
            using var c = new NpgsqlConnection(_admin);
            c.Open();
            using var cmd = new NpgsqlCommand($"CREATE SCHEMA {_schema};", c);
            cmd.ExecuteNonQuery();
            ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { SearchPath = _schema }.ConnectionString;
        }
        Options = new ServerOptions { Url = "http://127.0.0.1:0", DataDirectory = _dataDir, Database = ConnectionString };
        if (configure is not null) Options = configure(Options);
    }

    public static async Task<TestServer> StartAsync(bool postgres = false, Func<ServerOptions, ServerOptions>? configure = null, TimeProvider? time = null)
    {
        var t = new TestServer(postgres, configure);
        try
        {
            t._servers.Add(await InterlockServer.StartAsync(t.Options, time));
            await t.SeedAsync();
            return t;
        }
        catch
        {
            await t.DisposeAsync();
            throw;
        }
    }

    /// <summary>Another replica on the same database (PostgreSQL).</summary>
    public async Task<InterlockServer> StartReplicaAsync()
    {
        var s = await InterlockServer.StartAsync(Options);
        _servers.Add(s);
        return s;
    }

    private async Task SeedAsync()
    {
        var now = DateTimeOffset.UtcNow;
        await Server.Service.Store.RunAsync(async (_, _, ids) =>
        {
            await ids.SaveUserAsync("olivia", ["prod-approvers"], now);
            await ids.SaveUserAsync("ana", ["prod-approvers"], now);
            await ids.SaveUserAsync("ben", ["prod-approvers"], now);
            await ids.SaveUserAsync("dev", [], now);
            AgentToken = (await ids.IssueTokenAsync(TokenKind.Agent, "ci-bot", "olivia", now, null)).Secret;
            OtherAgentToken = (await ids.IssueTokenAsync(TokenKind.Agent, "other-bot", "dev", now, null)).Secret;
            Olivia = (await ids.IssueTokenAsync(TokenKind.Human, "olivia", null, now, null)).Secret;
            Ana = (await ids.IssueTokenAsync(TokenKind.Human, "ana", null, now, null)).Secret;
            Ben = (await ids.IssueTokenAsync(TokenKind.Human, "ben", null, now, null)).Secret;
            Dev = (await ids.IssueTokenAsync(TokenKind.Human, "dev", null, now, null)).Secret;
            return 0;
        });
    }

    public static HttpClient Client(string baseUrl, string? token)
    {
        var c = new HttpClient { BaseAddress = new Uri(baseUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return c;
    }

    public HttpClient Client(string? token) => Client(Url, token);

    /// <summary>A decision call as a hook would make it, for a shell command.</summary>
    public static string DecisionBody(string command, string cwd, int waitMs = 0, string session = "s1") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["harness"] = "codex", ["sessionId"] = session, ["tool"] = "Bash", ["cwd"] = cwd, ["command"] = command, ["waitMs"] = waitMs, ["host"] = "olivia-laptop",
            ["world"] = new Dictionary<string, object?>
            {
                ["home"] = "/home/olivia", ["repositories"] = new Dictionary<string, string?> { [cwd] = "/srv/infra" }, ["branches"] = new Dictionary<string, string?> { ["/srv/infra"] = "main" },
            },
        });

    public static async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, string json)
    {
        using var response = await client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public async Task<JsonElement> DecideAsync(string command, string cwd, int waitMs = 0, string? token = null)
    {
        using var c = Client(token ?? AgentToken);
        var (status, body) = await PostAsync(c, "v1/decisions", DecisionBody(command, cwd, waitMs));
        Assert.Equal(HttpStatusCode.OK, status);
        return body;
    }

    public async Task<(HttpStatusCode Status, JsonElement Body)> VoteAsync(string token, string id, bool approve, string? comment = null, string? baseUrl = null)
    {
        using var c = Client(baseUrl ?? Url, token);
        return await PostAsync(c, $"v1/requests/{id}/{(approve ? "approve" : "deny")}", comment is null ? "" : JsonSerializer.Serialize(new Dictionary<string, string> { ["comment"] = comment }));
    }

    /// <summary>Stops the in-process servers and keeps the database, so that another process can serve it.</summary>
    public async Task StopServersAsync()
    {
        foreach (var s in _servers) await s.DisposeAsync();
        _servers.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var s in _servers) await s.DisposeAsync();
        if (_schema is not null)
        {
            NpgsqlConnection.ClearAllPools();
            using var c = new NpgsqlConnection(_admin);
            c.Open();
            using var cmd = new NpgsqlCommand($"DROP SCHEMA {_schema} CASCADE;", c);
            cmd.ExecuteNonQuery();
        }
        try { Directory.Delete(_dataDir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
