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
    public void Wipes_ask(string command) => EffectAssertions.WipeAsks(command);

    [Theory]
    [InlineData("python manage.py flush --noinput --settings=shop.settings.production")]
    [InlineData("DJANGO_SETTINGS_MODULE=shop.settings.prod python manage.py flush --noinput")]
    [InlineData("DATABASE_URL=postgres://app@db.prod.internal/app python manage.py reset_db --noinput")]
    [InlineData("python manage.py migrate --settings=shop.settings.production")]
    public void In_production_they_need_two_approvers(string command) => EffectAssertions.ProductionAsksTwo(command);

    [Theory]
    [InlineData("python manage.py runserver")]
    [InlineData("python manage.py makemigrations")]
    [InlineData("python manage.py sqlflush")]
    [InlineData("python manage.py flush --help")]
    [InlineData("python manage.py showmigrations")]
    [InlineData("python tools/manage.py.bak flush")]
    public void Reads_and_other_commands_pass(string command) => EffectAssertions.Allows(command);
}
