using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

public sealed class RmTests
{
    [Theory]
    [InlineData("rm -rf src", "/home/dev/project/src", PathClass.ProjectSource, true)]
    [InlineData("rm -r -f ./docs/", "/home/dev/project/docs", PathClass.ProjectSource, true)]
    [InlineData("rm --recursive --force .", "/home/dev/project", PathClass.ProjectRoot, true)]
    [InlineData("rm -rf ~", "/home/dev", PathClass.Home, true)]
    [InlineData("rm -rf ..", "/home/dev", PathClass.Home, true)]
    [InlineData("rm -rf /", "/", PathClass.Root, true)]
    [InlineData("rm -rf /usr/local/lib", "/usr/local/lib", PathClass.SystemCritical, true)]
    [InlineData("rm -rf /var", "/var", PathClass.SystemTopLevel, true)]
    [InlineData("rm -rf /var/www/app", "/var/www/app", PathClass.System, true)]
    [InlineData("rm -rf node_modules", "/home/dev/project/node_modules", PathClass.Regenerable, true)]
    [InlineData("rm -rf src/__pycache__", "/home/dev/project/src/__pycache__", PathClass.Regenerable, true)]
    [InlineData("rm -rf /tmp/x", "/tmp/x", PathClass.Temp, true)]
    [InlineData("rm -rf /tmp", "/tmp", PathClass.TempRoot, true)]
    [InlineData("rm -rf ~/Documents", "/home/dev/Documents", PathClass.InHome, true)]
    [InlineData("rm -rf package-lock.json", "/home/dev/project/package-lock.json", PathClass.ProjectSource, false)]
    [InlineData("rm README.md", "/home/dev/project/README.md", PathClass.ProjectSource, false)]
    public void Deletion_targets_are_resolved_and_classified(string command, string target, PathClass cls, bool recursive)
    {
        var e = Single(command, EffectKind.DeletePath);
        Assert.Equal(target, e.Target);
        Assert.Equal(cls, e.Class);
        Assert.Equal(recursive, e.Recursive);
    }

    [Fact]
    public void Globs_cover_their_prefix_unless_they_only_match_regenerable_names()
    {
        Assert.Equal(PathClass.Root, Single("rm -rf /*", EffectKind.DeletePath).Class);
        Assert.Equal(PathClass.Home, Single("rm -rf ~/*", EffectKind.DeletePath).Class);
        Assert.Equal(PathClass.ProjectRoot, Single("rm -rf *", EffectKind.DeletePath).Class);
        Assert.Equal(PathClass.Regenerable, Single("rm -rf */node_modules", EffectKind.DeletePath).Class);
        Assert.Equal(PathClass.Regenerable, Single("rm -rf *.egg-info", EffectKind.DeletePath).Class);
        Assert.Equal(PathClass.Temp, Single("rm -rf /tmp/build-*", EffectKind.DeletePath).Class);
    }

    [Fact]
    public void Unknown_targets_are_unknown_not_allowed()
    {
        var e = Single("rm -rf \"$DIR\"", EffectKind.DeletePath);
        Assert.Equal(PathClass.Unknown, e.Class);
        Assert.Equal(Verdict.Ask, TestWorld.Check("rm -rf \"$DIR\"").Verdict);
    }

    [Fact]
    public void A_failing_cd_makes_both_directories_possible()
    {
        var d = TestWorld.Check("cd missing-dir; rm -rf *");
        Assert.Contains(d.Effects, e => e.Class == PathClass.ProjectRoot);
        Assert.Equal(Verdict.Ask, d.Verdict);
        None("cd build && rm -rf *");
    }

    [Fact]
    public void Help_and_rmdir_are_harmless()
    {
        None("rm --help");
        None("rmdir build/empty");
    }
}
