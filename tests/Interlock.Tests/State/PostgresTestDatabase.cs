using Interlock.State.Postgres;
using Npgsql;
using Xunit;

namespace Interlock.Tests.State;

/// <summary>
/// A test that needs the PostgreSQL started by `.ci/run` (INTERLOCK_TEST_POSTGRES holds its connection string).
/// Without it, the test is skipped with a message saying how to run it, except in CI (CI=true), where it runs
/// and fails: CI always provides the database, so a missing one is a broken CI, not a reason to pass.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "INTERLOCK_TEST_POSTGRES";

    public PostgresFactAttribute()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Variable)) && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Skip = $"needs PostgreSQL: run `source .ci/postgres.sh start` (sets {Variable}) or `bash .ci/run`";
    }
}

/// <summary>A fresh schema in the test database, dropped afterwards: each test sees an empty store.</summary>
public sealed class PostgresTestDatabase : IDisposable
{
    private readonly string _admin;

    public PostgresTestDatabase()
    {
        _admin = Environment.GetEnvironmentVariable(PostgresFactAttribute.Variable)
            ?? throw new InvalidOperationException($"{PostgresFactAttribute.Variable} is not set, but CI=true says PostgreSQL should be running (see .ci/postgres.sh)");
        Schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        using var c = new NpgsqlConnection(_admin);
        c.Open();
        using var cmd = new NpgsqlCommand($"CREATE SCHEMA {Schema};", c);
        cmd.ExecuteNonQuery();
        ConnectionString = new NpgsqlConnectionStringBuilder(_admin) { SearchPath = Schema }.ConnectionString;
        Source = PostgresStateStore.CreateDataSource(ConnectionString);
        PostgresStateStore.Open(Source).MigrateAsync().GetAwaiter().GetResult();
    }

    public string Schema { get; }

    public string ConnectionString { get; }

    /// <summary>One pool for the test, as one server process would have.</summary>
    public NpgsqlDataSource Source { get; }

    public void Dispose()
    {
        Source.Dispose();
        NpgsqlConnection.ClearAllPools();
        using var c = new NpgsqlConnection(_admin);
        c.Open();
        using var cmd = new NpgsqlCommand($"DROP SCHEMA {Schema} CASCADE;", c);
        cmd.ExecuteNonQuery();
    }
}
