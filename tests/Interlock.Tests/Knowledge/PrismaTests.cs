using Interlock.Core;
using Interlock.Tests.Environments;
using Xunit;
using static Interlock.Tests.Environments.ContextReaderTests;

namespace Interlock.Tests.Knowledge;

public sealed class PrismaTests : IDisposable
{
    private readonly ScratchProject _p = new();
    public void Dispose() => _p.Dispose();

    private const string Schema = """
        generator client {
          provider = "prisma-client-js"
        }

        datasource db {
          provider = "postgresql"
          url      = env("DATABASE_URL")
        }
        """;

    [Theory]
    [InlineData("npx prisma migrate reset --force")]
    [InlineData("npx prisma migrate reset")]
    [InlineData("pnpm exec prisma migrate reset -f --skip-seed")]
    [InlineData("npx prisma db push --force-reset")]
    [InlineData("bunx prisma db push --accept-data-loss")]
    public void Resets_and_data_loss_destroy_data_and_ask(string command)
    {
        var d = _p.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DestroyData);
    }

    [Fact]
    public void Migrate_reset_with_a_production_DATABASE_URL_in_the_hook_environment_needs_two_approvers()
    {
        var d = _p.Check("npx prisma migrate reset --force", new() { ["DATABASE_URL"] = "postgresql://app:pw@prod-db.internal:5432/app" });
        Production(d, EffectKind.DestroyData, "database host `prod-db.internal` (from $DATABASE_URL in the hook's environment)");
        Assert.Contains("without asking for confirmation (--force)", d.Reason);
        Assert.DoesNotContain("pw@", d.Reason);
    }

    [Fact]
    public void The_schema_names_the_variable_and_the_project_env_file_holds_it()
    {
        _p.Write("home/src/app/prisma/schema.prisma", Schema.Replace("DATABASE_URL", "PRIMARY_DB"));
        _p.Write("home/src/app/.env", "# local settings\nPRIMARY_DB=\"postgresql://app:pw@db.live.acme.com:5432/shop?schema=public\"\nOTHER=1\n");
        var d = _p.Check("npx prisma db push --force-reset");
        Production(d, EffectKind.DestroyData, "PRIMARY_DB in ~/src/app/.env");
        Assert.Contains("database `shop` on `db.live.acme.com`", d.Reason);
    }

    [Fact]
    public void A_literal_datasource_url_and_NODE_ENV_count()
    {
        _p.Write("home/src/app/prisma/schema.prisma", Schema.Replace("env(\"DATABASE_URL\")", "\"mysql://root@mysql.prd.acme/app\""));
        Production(_p.Check("npx prisma migrate reset --force"), EffectKind.DestroyData, "the datasource url in ~/src/app/prisma/schema.prisma");
        _p.Write("home/src/app/prisma/schema.prisma", Schema);
        Production(_p.Check("NODE_ENV=production npx prisma migrate reset --force"), EffectKind.DestroyData, "NODE_ENV `production`");
    }

    [Fact]
    public void Controls_a_local_database_generate_and_migrate_dev_stay_as_they_are()
    {
        _p.Write("home/src/app/.env", "DATABASE_URL=postgresql://app@localhost:5432/app\n");
        OneApprover(_p.Check("npx prisma migrate reset --force"));
        Assert.Equal(Verdict.Allow, _p.Check("npx prisma generate").Verdict);
        Assert.Equal(Verdict.Allow, _p.Check("npx prisma migrate status").Verdict);
        Assert.Equal(Verdict.Allow, _p.Check("npx prisma db push").Verdict);
        Assert.Equal(Verdict.Allow, _p.Check("npx prisma migrate deploy").Verdict);
        // The hook's environment wins over .env, as dotenv never overrides a set variable.
        Production(_p.Check("npx prisma migrate deploy", new() { ["DATABASE_URL"] = "postgresql://app@prod-db/app" }), EffectKind.ChangeInfrastructure, "$DATABASE_URL");
    }

    [Fact]
    public void The_datasource_url_is_read_from_the_schema_text()
    {
        Assert.Equal((null, "DATABASE_URL"), Interlock.Core.Knowledge.Prisma.DatasourceUrl(Schema));
        Assert.Equal(("file:./dev.db", null), Interlock.Core.Knowledge.Prisma.DatasourceUrl("datasource db {\n  provider = \"sqlite\"\n  url = \"file:./dev.db\"\n}\n"));
        Assert.Equal((null, null), Interlock.Core.Knowledge.Prisma.DatasourceUrl("generator client {\n  url = env(\"X\")\n}\n"));
    }
}
