using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Laravel's Artisan database commands (issue 19, item 3), from the Laravel documentation of migrations and db:wipe.</summary>
public sealed class LaravelTests
{
    [Theory]
    [InlineData("php artisan migrate:fresh")]
    [InlineData("php artisan migrate:fresh --seed --force")]
    [InlineData("php artisan db:wipe")]
    [InlineData("./artisan migrate:refresh")]
    [InlineData("php artisan migrate:reset")]
    public void Wipes_ask(string command) => EffectAssertions.WipeAsks(command);

    [Theory]
    [InlineData("php artisan migrate:fresh --env=production --force")]
    [InlineData("APP_ENV=production php artisan db:wipe --force")]
    [InlineData("DB_HOST=mysql.prod.internal php artisan migrate:refresh --force")]
    [InlineData("php artisan migrate --force --env=production")]
    public void In_production_they_need_two_approvers(string command) => EffectAssertions.ProductionAsksTwo(command);

    [Theory]
    [InlineData("php artisan list")]
    [InlineData("php artisan migrate:status")]
    [InlineData("php artisan migrate:fresh --pretend")]
    [InlineData("php artisan tinker")]
    [InlineData("php -r 'echo 1;'")]
    [InlineData("php vendor/bin/phpunit")]
    public void Reads_and_other_commands_pass(string command) => EffectAssertions.Allows(command);

    [Fact]
    public void The_environment_is_read_from_the_projects_env_file_as_laravel_does()
    {
        var world = new TestWorld().WithFile(TestWorld.Project + "/.env", "APP_NAME=shop\nAPP_ENV=production\nDB_HOST=127.0.0.1\n");
        var d = new Engine().Evaluate(new ActionRequest("Bash", "php artisan migrate:fresh --force", TestWorld.Project), world);
        Assert.Equal(2, d.RequiredApprovals);
        Assert.Contains("APP_ENV", d.Effects.Single(e => e.Kind == EffectKind.DestroyData).EnvironmentEvidence);
        Assert.Contains("--force", d.Reason);
    }
}
