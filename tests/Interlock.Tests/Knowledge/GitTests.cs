using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

public sealed class GitTests
{
    [Theory]
    [InlineData("git reset --hard", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git reset --merge HEAD~1", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git reset --keep origin/main", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git checkout -- src/app.py", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git checkout .", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git checkout README.md", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git checkout HEAD~2 src/app.py", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git checkout -f main", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git restore .", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git restore --staged --worktree x", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git switch --discard-changes main", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git clean -fdx", EffectKind.DeleteUntrackedFiles)]
    [InlineData("git clean --force -d", EffectKind.DeleteUntrackedFiles)]
    [InlineData("git stash drop", EffectKind.DropStash)]
    [InlineData("git stash clear", EffectKind.DropStash)]
    [InlineData("git branch -D old", EffectKind.DeleteBranch)]
    [InlineData("git branch --delete --force old", EffectKind.DeleteBranch)]
    [InlineData("git push --force", EffectKind.ForcePushRemote)]
    [InlineData("git push origin +feature/login", EffectKind.ForcePushRemote)]
    [InlineData("git push --mirror backup", EffectKind.ForcePushRemote)]
    [InlineData("git push --force-with-lease origin main", EffectKind.ForcePushRemote)]
    [InlineData("git push origin --delete old", EffectKind.DeleteRemoteRef)]
    [InlineData("git push origin :old", EffectKind.DeleteRemoteRef)]
    [InlineData("git filter-branch --tree-filter x HEAD", EffectKind.RewriteHistory)]
    [InlineData("git reflog expire --expire=now --all", EffectKind.RewriteHistory)]
    [InlineData("git gc --prune=now", EffectKind.RewriteHistory)]
    [InlineData("git update-ref -d refs/heads/x", EffectKind.RewriteHistory)]
    [InlineData("git worktree remove --force ../wt", EffectKind.RemoveWorktree)]
    [InlineData("git -C /home/dev/project reset --hard", EffectKind.DiscardUncommittedChanges)]
    public void Destructive_subcommands_have_their_effect_and_ask(string command, EffectKind kind)
    {
        Single(command, kind);
        Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);
    }

    [Theory]
    [InlineData("git status")]
    [InlineData("git reset")]
    [InlineData("git reset HEAD src/app.py")]
    [InlineData("git checkout -b feature/new")]
    [InlineData("git checkout main")]
    [InlineData("git restore --staged src/app.py")]
    [InlineData("git clean -n")]
    [InlineData("git clean -fdn")]
    [InlineData("git clean -d")]
    [InlineData("git stash pop")]
    [InlineData("git branch -d merged")]
    [InlineData("git push origin feature/login")]
    [InlineData("git push -u origin HEAD")]
    [InlineData("git push --force-with-lease")]
    [InlineData("git push origin main")]
    [InlineData("git commit -m \"git reset --hard; rm -rf /\"")]
    [InlineData("git log --grep='push --force'")]
    [InlineData("git rm src/app.py")]
    public void Everyday_git_is_allowed(string command) => None(command);

    [Fact]
    public void Force_push_to_a_protected_branch_says_so()
    {
        var e = Single("git push -f origin main", EffectKind.ForcePushRemote);
        Assert.Equal("main", e.Target);
        Assert.Equal("protected-branch", e.Detail);
        Assert.Equal("git.force-push-protected", TestWorld.Check("git push -f origin main").RuleId);
    }

    [Fact]
    public void A_push_without_refspec_targets_the_current_branch()
    {
        Assert.Equal("feature/login", Single("git push --force", EffectKind.ForcePushRemote).Target);
    }
}
