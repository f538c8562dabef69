using Interlock.Core;
using Interlock.Tests.Environments;
using Xunit;
using static Interlock.Tests.Environments.ContextReaderTests;

namespace Interlock.Tests.Knowledge;

public sealed class RailsTests : IDisposable
{
    private readonly ScratchProject _p = new();
    public void Dispose() => _p.Dispose();

    [Theory]
    [InlineData("bin/rails db:drop")]
    [InlineData("rails db:reset")]
    [InlineData("bundle exec rake db:schema:load")]
    [InlineData("rake db:migrate:reset")]
    [InlineData("bin/rails db:drop:all")]
    [InlineData("bin/rails db:truncate_all")]
    [InlineData("bin/rails db:seed:replant")]
    [InlineData("bin/rails db:drop:primary")]
    [InlineData("bin/rails db:purge")]
    public void Database_wipes_destroy_data_and_ask(string command)
    {
        var d = _p.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.DestroyData);
        Assert.Equal(1, d.RequiredApprovals);
    }

    [Theory]
    [InlineData("bin/rails db:drop RAILS_ENV=production", "a RAILS_ENV= argument")]
    [InlineData("bin/rails db:reset -e production", "--environment")]
    [InlineData("RAILS_ENV=production bin/rails db:schema:load", "RAILS_ENV set in the command")]
    public void The_environment_from_the_command_makes_it_production(string command, string source)
    {
        Production(_p.Check(command), EffectKind.DestroyData, source);
    }

    [Fact]
    public void RAILS_ENV_in_the_hook_environment_and_DATABASE_URL_count()
    {
        Production(_p.Check("bin/rails db:drop", new() { ["RAILS_ENV"] = "production" }), EffectKind.DestroyData, "$RAILS_ENV in the hook's environment");
        Production(_p.Check("bin/rails db:drop", new() { ["DATABASE_URL"] = "postgres://u:p@pg.prod.internal/app" }), EffectKind.DestroyData, "pg.prod.internal");
        _p.Write("home/src/app/.env", "RAILS_ENV=staging\nDATABASE_URL=postgres://u:p@pg.live.internal/app\n");
        Production(_p.Check("bin/rails db:drop"), EffectKind.DestroyData, "~/src/app/.env");
    }

    [Fact]
    public void Disabling_the_protected_environment_check_is_said()
    {
        var d = _p.Check("bin/rails db:drop RAILS_ENV=production DISABLE_DATABASE_ENVIRONMENT_CHECK=1");
        Assert.Contains("protected-environment check turned off", d.Reason);
    }

    [Fact]
    public void Migrations_change_the_database_and_ask_only_in_production()
    {
        Assert.Equal(Verdict.Allow, _p.Check("bin/rails db:migrate").Verdict);
        Production(_p.Check("bin/rails db:migrate", new() { ["RAILS_ENV"] = "production" }), EffectKind.ChangeInfrastructure, "RAILS_ENV");
        Production(_p.Check("bin/rails db:rollback STEP=3 RAILS_ENV=production"), EffectKind.ChangeInfrastructure, "RAILS_ENV");
    }

    [Fact]
    public void Controls_development_and_other_commands_stay_as_they_are()
    {
        OneApprover(_p.Check("bin/rails db:drop", new() { ["RAILS_ENV"] = "development" }));
        Assert.Equal(Verdict.Allow, _p.Check("bin/rails server", new() { ["RAILS_ENV"] = "production" }).Verdict);
        Assert.Equal(Verdict.Allow, _p.Check("bin/rails routes").Verdict);
        Assert.Equal(Verdict.Allow, _p.Check("rake -T").Verdict);
        Assert.Equal(Verdict.Allow, _p.Check("bin/rails db:version RAILS_ENV=production").Verdict);
    }
}
