using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class RsyncTests
{
    [Theory]
    [InlineData("rsync -a --delete empty/ ~/", "/home/dev", PathClass.Home)]
    [InlineData("rsync -av --delete ./ /", "/", PathClass.Root)]
    [InlineData("rsync -a --delete backup/ /etc/", "/etc", PathClass.SystemCritical)]
    [InlineData("rsync -a --delete src/ /var/", "/var", PathClass.SystemTopLevel)]
    [InlineData("rsync -av --delete-after build/ ~/", "/home/dev", PathClass.Home)]
    [InlineData("rsync -a --delete-during x/ ~", "/home/dev", PathClass.Home)]
    public void Deleting_into_home_or_system_directories_is_denied(string command, string target, PathClass cls)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Deny, d.Verdict);
        var e = Assert.Single(d.Effects, x => x.Kind == EffectKind.DeletePath);
        Assert.Equal(target, e.Target);
        Assert.Equal(cls, e.Class);
        Assert.True(e.Recursive);
    }

    [Theory]
    [InlineData("rsync -av --delete src/ docs/", "/home/dev/project/docs")]
    [InlineData("rsync -av --del src/ docs", "/home/dev/project/docs")]
    [InlineData("rsync -av --delete-before src/ /home/dev/project/docs/", "/home/dev/project/docs")]
    [InlineData("rsync -a --delete-excluded --exclude .env src/ docs/", "/home/dev/project/docs")]
    [InlineData("rsync -a --delete-delay src/ /tmp", "/tmp")]
    [InlineData("rsync -a --delete src/ $DEST", "$DEST")]
    [InlineData("rsync -a --delete lib /home/dev/project/src/", "/home/dev/project/src/lib")]
    public void Deleting_into_project_temp_root_or_unknown_destinations_asks(string command, string target)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(target, Assert.Single(d.Effects, x => x.Kind == EffectKind.DeletePath).Target);
    }

    [Theory]
    [InlineData("rsync -a --delete dist/ deploy@web1:/srv/app/", "deploy@web1:/srv/app/")]
    [InlineData("rsync -az --del ./public/ web1:/var/www/html/", "web1:/var/www/html/")]
    [InlineData("rsync -a --delete ./ backup::module/project", "backup:module/project")]
    [InlineData("rsync -a --delete ./ rsync://backup/module/project", "backup:/module/project")]
    public void Deleting_on_a_remote_host_destroys_data_there(string command, string target)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects);
        Assert.Equal(EffectKind.DestroyData, e.Kind);
        Assert.Equal(target, e.Target);
        Assert.Equal(1, d.RequiredApprovals);
    }

    [Fact]
    public void Deleting_on_a_production_host_needs_two_approvers()
    {
        var d = TestWorld.Check("rsync -az --delete dist/ deploy@prod-web1:/srv/app/");
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        Assert.Equal(TargetEnvironment.Production, d.Effects.Single().Environment);
    }

    [Theory]
    [InlineData("rsync -az dist/ deploy@prod-web1:/srv/app/")]
    [InlineData("scp build/app.jar deploy@prod-app2:/opt/app/app.jar")]
    [InlineData("scp -P 2222 app.tar.gz live-web:/tmp/")]
    public void Copying_onto_a_production_host_needs_two_approvers(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
        Assert.Equal(EffectKind.ChangeInfrastructure, d.Effects.Single().Kind);
    }

    [Theory]
    [InlineData("sudo rsync -a config/ /etc/nginx/")]
    [InlineData("sudo scp web1:/etc/hosts /etc/hosts")]
    [InlineData("sudo rsync -a rootfs/ /")]
    public void Copying_over_system_files_is_denied(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Equal(EffectKind.OverwriteFile, d.Effects.Single().Kind);
    }

    [Fact]
    public void Copying_onto_a_system_path_on_a_remote_host_is_judged_like_a_local_system_write()
    {
        var d = TestWorld.Check("scp passwd web1:/etc/passwd");
        var e = d.Effects.Single();
        Assert.Equal(EffectKind.OverwriteFile, e.Kind);
        Assert.Contains("replacing system files", e.Description);
        Assert.Equal("web1:/etc/passwd", e.Target);
        Assert.Equal(Verdict.Deny, d.Verdict);
    }

    [Theory]
    [InlineData("rsync -av src/ /tmp/src-copy/")]
    [InlineData("rsync -avn --delete src/ docs/")]
    [InlineData("rsync -a --dry-run --delete ./ ~/")]
    [InlineData("rsync -a --delete build/ dist/")]
    [InlineData("rsync -a --delete src/ /tmp/mirror/")]
    [InlineData("rsync -a --delete src/ ~/backups/project-src/")]
    [InlineData("rsync -a --max-delete=0 --delete src/ docs/")]
    [InlineData("rsync --list-only web1:/srv/")]
    [InlineData("rsync web1:/srv/")]
    [InlineData("rsync -av web1:/var/log/app/ ./logs/")]
    [InlineData("scp web1:/var/log/syslog .")]
    [InlineData("scp -r deploy@web1:/srv/app/config ./config-backup")]
    [InlineData("rsync -av -e 'ssh -p 2222' dist/ web1:/srv/app/")]
    [InlineData("rsync --help")]
    public void Ordinary_copies_are_allowed(string command) => Assert.Equal(Verdict.Allow, TestWorld.Check(command).Verdict);

    [Fact]
    public void Remove_source_files_moves_the_sources()
    {
        var d = TestWorld.Check("rsync -a --remove-source-files ./ /mnt/archive/");
        var e = Assert.Single(d.Effects, x => x.Kind == EffectKind.MovePath);
        Assert.Equal(TestWorld.Project, e.Target);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(Verdict.Allow, TestWorld.Check("rsync -a --remove-source-files build/ /mnt/archive/").Verdict);
        Assert.Equal(EffectKind.ChangeInfrastructure,
            TestWorld.Check("rsync -a --remove-source-files web1:/var/log/app/ logs/").Effects.Single().Kind);
    }

    [Fact]
    public void Odd_arguments_do_not_throw()
    {
        foreach (var c in new[] { "rsync", "rsync -e", "rsync --delete", "rsync --delete a", "scp", "scp -P", "rsync -a --delete : :", "scp x :", "rsync -a --delete '' ''" })
            Assert.NotEqual("internal-error", TestWorld.Check(c).RuleId);
    }
}
