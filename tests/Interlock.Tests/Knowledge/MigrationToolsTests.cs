using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Schema-migration and ORM CLIs that drop databases (issue 19, item 3).</summary>
public sealed class MigrationToolsTests
{
    [Theory]
    [InlineData("npx sequelize db:drop")]
    [InlineData("npx sequelize-cli db:migrate:undo:all")]
    [InlineData("npx typeorm schema:drop -d src/data-source.ts")]
    [InlineData("npx drizzle-kit push --force")]
    [InlineData("npx knex migrate:rollback --all")]
    [InlineData("flyway clean")]
    [InlineData("liquibase dropAll")]
    [InlineData("liquibase drop-all")]
    [InlineData("alembic downgrade base")]
    [InlineData("alembic downgrade -2")]
    [InlineData("mix ecto.drop")]
    [InlineData("mix ecto.reset")]
    public void Database_wipes_ask(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("data.destroy", d.RuleId);
    }

    [Theory]
    [InlineData("flyway -url=jdbc:postgresql://prod-db:5432/app clean")]
    [InlineData("MIX_ENV=prod mix ecto.reset")]
    [InlineData("DATABASE_URL=postgres://u@db.prod.internal/app npx sequelize db:drop")]
    [InlineData("FLYWAY_URL=jdbc:mysql://live-db/shop flyway clean")]
    [InlineData("NODE_ENV=production npx knex migrate:rollback --all")]
    public void In_production_they_need_two_approvers(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal("data.destroy.production", d.RuleId);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Theory]
    [InlineData("npx sequelize db:migrate")]
    [InlineData("npx drizzle-kit push")]
    [InlineData("npx drizzle-kit generate")]
    [InlineData("npx knex migrate:rollback")]
    [InlineData("flyway migrate")]
    [InlineData("flyway info")]
    [InlineData("liquibase update")]
    [InlineData("alembic upgrade head")]
    [InlineData("alembic downgrade base --sql")]
    [InlineData("mix ecto.migrate")]
    [InlineData("mix test")]
    public void Migrations_forward_and_reads_are_allowed(string command) =>
        Assert.Equal(Verdict.Allow, TestWorld.Check(command).Verdict);
}
