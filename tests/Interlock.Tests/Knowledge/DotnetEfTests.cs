using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Entity Framework Core's `dotnet ef database` commands (issue 19, item 3), from the EF Core tools reference.</summary>
public sealed class DotnetEfTests
{
    [Theory]
    [InlineData("dotnet ef database drop -f")]
    [InlineData("dotnet ef database drop --force --project src/Api")]
    [InlineData("dotnet-ef database drop -f")]
    [InlineData("dotnet ef database update 0")]
    public void Wipes_ask(string command) => EffectAssertions.WipeAsks(command);

    [Theory]
    [InlineData("dotnet ef database drop -f -- --environment Production")]
    [InlineData("ASPNETCORE_ENVIRONMENT=Production dotnet ef database drop -f")]
    [InlineData("dotnet ef database update 0 --connection \"Host=pg.prod.internal;Database=shop\"")]
    [InlineData("dotnet ef database update --connection \"Server=tcp:sql-live.example.net,1433;Initial Catalog=shop\"")]
    public void In_production_they_need_two_approvers(string command) => EffectAssertions.ProductionAsksTwo(command);

    [Theory]
    [InlineData("dotnet ef migrations add AddIndex")]
    [InlineData("dotnet ef database drop --dry-run")]
    [InlineData("dotnet ef dbcontext list")]
    [InlineData("dotnet build")]
    [InlineData("dotnet ef --help")]
    [InlineData("dotnet test")]
    public void Reads_and_other_commands_pass(string command) => EffectAssertions.Allows(command);

    [Theory]
    [InlineData("Host=db1;Database=app", "db1", "app")]
    [InlineData("Server=tcp:sql.example.net,1433;Initial Catalog=shop;User ID=x", "sql.example.net", "shop")]
    [InlineData("Data Source=(local);Initial Catalog=Northwind", "(local)", "Northwind")]
    [InlineData("postgres://u@h.example/db", "h.example", "db")]
    [InlineData("Foo=bar", null, null)]
    public void Connection_strings_name_the_server_and_database(string text, string? host, string? database) =>
        Assert.Equal((host, database), Interlock.Core.Knowledge.DotnetEf.ConnectionString(text));
}
