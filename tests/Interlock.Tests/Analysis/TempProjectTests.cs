using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Analysis;

/// <summary>Projects are projects wherever they are: a git work tree or a marked project in /tmp is not scratch, and a
/// home directory under /tmp is never scratch either. (The world here is the in-memory test world: no files are written.)</summary>
public sealed class TempProjectTests
{
    private const string Work = "/tmp/work";

    private static TestWorld GitTreeInTmp() =>
        new TestWorld(extraDirs: [Work + "/src", Work + "/src/lib"], extraFiles: [Work + "/src/main.c", Work + "/src/lib/util.c"]).WithRepository(Work);

    private static Decision Check(TestWorld world, string command, string cwd) =>
        new Engine().Evaluate(new ActionRequest("Bash", command, cwd), world);

    [Fact]
    public void Deleting_a_source_tree_of_a_git_work_tree_in_tmp_asks_like_anywhere_else()
    {
        var d = Check(GitTreeInTmp(), "rm -rf src", Work);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects, x => x.Kind == EffectKind.DeletePath);
        Assert.Equal(PathClass.ProjectSource, e.Class);
        Assert.Equal(Work + "/src", e.Target);
    }

    [Fact]
    public void Find_delete_of_source_files_in_a_git_work_tree_in_tmp_is_not_allowed_silently()
    {
        var d = Check(GitTreeInTmp(), "find . -name \"*.c\" -delete", Work);
        Assert.NotEqual(Verdict.Allow, d.Verdict);
        Assert.DoesNotContain(d.Effects, x => x.Kind == EffectKind.DeletePath && x.Class == PathClass.Temp);
    }

    [Fact]
    public void The_work_tree_root_in_tmp_is_a_project_root()
    {
        var d = Check(GitTreeInTmp(), "rm -rf /tmp/work", "/tmp");
        Assert.Equal(PathClass.ProjectRoot, Assert.Single(d.Effects, x => x.Kind == EffectKind.DeletePath).Class);
        Assert.Equal(Verdict.Ask, d.Verdict);
    }

    [Fact]
    public void Build_output_of_a_project_in_tmp_stays_regenerable()
    {
        var d = Check(GitTreeInTmp(), "rm -rf build node_modules", Work);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.All(d.Effects.Where(x => x.Kind == EffectKind.DeletePath), x => Assert.Equal(PathClass.Regenerable, x.Class));
    }

    [Fact]
    public void A_project_marker_without_git_makes_a_tmp_directory_a_project()
    {
        var world = new TestWorld(extraDirs: ["/tmp/app", "/tmp/app/src"], extraFiles: ["/tmp/app/package.json"]);
        var d = Check(world, "rm -rf src", "/tmp/app");
        Assert.Equal(PathClass.ProjectSource, Assert.Single(d.Effects, x => x.Kind == EffectKind.DeletePath).Class);
        Assert.Equal(Verdict.Ask, d.Verdict);
    }

    [Fact]
    public void Scratch_outside_any_project_in_tmp_stays_temp()
    {
        var world = GitTreeInTmp().WithDirectory("/tmp/scratch");
        var d = Check(world, "rm -rf /tmp/scratch /tmp/build-1", Work);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.All(d.Effects.Where(x => x.Kind == EffectKind.DeletePath), x => Assert.Equal(PathClass.Temp, x.Class));
    }

    [Fact]
    public void With_home_under_tmp_deleting_something_in_home_is_stopped()
    {
        var world = new TestWorld(extraDirs: ["/tmp/h", "/tmp/h/precious"]) { HomeDirectory = "/tmp/h" };
        var d = Check(world, "rm -rf ~/precious", "/tmp/h");
        Assert.NotEqual(Verdict.Allow, d.Verdict);
        var e = Assert.Single(d.Effects, x => x.Kind == EffectKind.DeletePath);
        Assert.Equal("/tmp/h/precious", e.Target);
        Assert.Equal(PathClass.InHome, e.Class);
    }

    [Theory]
    [InlineData("rm -rf ~")]
    [InlineData("rm -rf /tmp/h")]
    [InlineData("rm -rf /tmp/*")]
    public void With_home_under_tmp_the_home_and_what_holds_it_are_home(string command)
    {
        var world = new TestWorld(extraDirs: ["/tmp/h"]) { HomeDirectory = "/tmp/h" };
        var d = Check(world, command, "/tmp/h");
        Assert.Equal(Verdict.Deny, d.Verdict);
        Assert.Contains(d.Effects, x => x.Kind == EffectKind.DeletePath && x.Class == PathClass.Home);
    }

    [Fact]
    public void With_home_under_tmp_the_rest_of_tmp_is_still_scratch()
    {
        var world = new TestWorld(extraDirs: ["/tmp/h", "/tmp/other"]) { HomeDirectory = "/tmp/h" };
        var d = Check(world, "rm -rf /tmp/other", "/tmp/h");
        Assert.Equal(Verdict.Allow, d.Verdict);
    }
}
