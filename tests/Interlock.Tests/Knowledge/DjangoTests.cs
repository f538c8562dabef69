using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

/// <summary>Django's manage.py / django-admin database commands (issue 19, item 3), from Django's documentation of flush, migrate and django-extensions' reset_db.</summary>
public sealed class DjangoTests
{
    [Theory]
    [InlineData("python manage.py flush --noinput")]
    [InlineData("python3 manage.py flush")]
    [InlineData("./manage.py flush --noinput")]
    [InlineData("django-admin flush --noinput")]
    [InlineData("python manage.py reset_db --noinput")]
    [InlineData("python -u manage.py migrate billing zero")]
    public void Wipes_ask(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("data.destroy", d.RuleId);
        Assert.Equal(1, d.RequiredApprovals);
    }

    [Theory]
    [InlineData("python manage.py flush --noinput --settings=shop.settings.production")]
    [InlineData("DJANGO_SETTINGS_MODULE=shop.settings.prod python manage.py flush --noinput")]
    [InlineData("DATABASE_URL=postgres://app@db.prod.internal/app python manage.py reset_db --noinput")]
    [InlineData("python manage.py migrate --settings=shop.settings.production")]
    public void In_production_they_need_two_approvers(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.True(d.RuleId!.EndsWith(".production") || d.RuleId == "production.change", d.RuleId);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Theory]
    [InlineData("python manage.py runserver")]
    [InlineData("python manage.py makemigrations")]
    [InlineData("python manage.py sqlflush")]
    [InlineData("python manage.py flush --help")]
    [InlineData("python manage.py showmigrations")]
    [InlineData("python tools/manage.py.bak flush")]
    public void Reads_and_other_commands_pass(string command) => Assert.Equal(Verdict.Allow, TestWorld.Check(command).Verdict);
}
