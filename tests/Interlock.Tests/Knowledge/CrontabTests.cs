using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class CrontabTests
{
    [Theory]
    [InlineData("crontab -r", "every cron job of the current user")]
    [InlineData("crontab -ri", "every cron job")]
    [InlineData("crontab -u www-data -r", "the user `www-data`")]
    [InlineData("crontab -r -u bob", "the user `bob`")]
    [InlineData("crontab /dev/null", "empty crontab")]
    [InlineData("echo '' | crontab -", "empty crontab")]
    [InlineData("crontab - < /dev/null", "empty crontab")]
    public void Removing_every_job_destroys_data(string command, string words)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects);
        Assert.Equal(EffectKind.DestroyData, e.Kind);
        Assert.Contains(words, e.Description);
    }

    [Theory]
    [InlineData("crontab -l")]
    [InlineData("crontab -u bob -l")]
    [InlineData("crontab -T mycron.txt")]
    [InlineData("crontab -h")]
    public void Listing_has_no_effect(string command) => Assert.Empty(TestWorld.Check(command).Effects);

    [Theory]
    [InlineData("crontab mycron.txt", "the contents of mycron.txt")]
    [InlineData("(crontab -l; echo '0 * * * * backup') | crontab -", "standard input")]
    [InlineData("crontab -e", "edits")]
    public void Installing_jobs_is_persistence_and_asks(string command, string words)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("persistence.install", d.RuleId);
        var e = Assert.Single(d.Effects);
        Assert.Equal(EffectKind.InstallPersistence, e.Kind);
        Assert.Contains(words, e.Description);
    }

    [Fact]
    public void Replacing_jobs_on_a_production_host_needs_two_approvers()
    {
        var d = TestWorld.Check("ssh prod-worker 'crontab jobs.txt'");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }
}
