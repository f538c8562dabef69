using Interlock.Core;
using Interlock.Core.Knowledge;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

/// <summary>git reads options with parse-options (gitcli(7): "many commands allow a long option --option to be
/// abbreviated only to their unique prefix"); values, negations and the plumbing and ref-moving commands of
/// git-checkout-index(1), git-read-tree(1), git-branch(1), git-tag(1), git-update-ref(1), git-restore(1).</summary>
public sealed class GitOptionsTests
{
    private const string P = TestWorld.Project;

    /// <summary>The corpus world plus existing branches (loose refs) main and release.</summary>
    private static Decision CheckWithBranches(string command)
    {
        var world = new TestWorld()
            .WithFile(P + "/.git/refs/heads/main", "0123456789012345678901234567890123456789\n")
            .WithFile(P + "/.git/refs/heads/feature/login", "0123456789012345678901234567890123456789\n")
            .WithFile(P + "/.git/packed-refs", "# pack-refs with: peeled fully-peeled sorted\n1111111111111111111111111111111111111111 refs/heads/release\n");
        return new Engine().Evaluate(new ActionRequest("Bash", command, P), world);
    }

    [Theory]
    [InlineData("git reset --ha", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git reset --har HEAD~1", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git reset --me", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git reset --ke", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git checkout --forc main", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git checkout --fo main", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git switch --discard-ch main", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git switch --disc main", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git clean --forc", EffectKind.DeleteUntrackedFiles)]
    [InlineData("git clean --fo -d", EffectKind.DeleteUntrackedFiles)]
    [InlineData("git push --mirr backup", EffectKind.ForcePushRemote)]
    [InlineData("git push origin --del old", EffectKind.DeleteRemoteRef)]
    [InlineData("git rm --forc src/app.py", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git gc --prun=now", EffectKind.RewriteHistory)]
    [InlineData("git restore --sour=HEAD~5 .", EffectKind.DiscardUncommittedChanges)]
    [InlineData("git worktree remove --forc ../wt", EffectKind.RemoveWorktree)]
    [InlineData("git branch --del --forc old", EffectKind.DeleteBranch)]
    [InlineData("git checkout --conflict=merge -- src/app.py", EffectKind.DiscardUncommittedChanges)]
    public void Unique_prefixes_of_long_options_are_the_options(string command, EffectKind kind)
    {
        Single(command, kind);
        Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);
    }

    [Theory]
    // Ambiguous prefixes: git prints "ambiguous option" and does nothing.
    [InlineData("git push --forc")]
    [InlineData("git push --for origin main")]
    [InlineData("git reset --m")]
    // Negation: the last occurrence decides.
    [InlineData("git clean --force --no-force -d")]
    [InlineData("git reset --hard --no-hard")]
    // --conflict takes a value: `merge` is the conflict style and `main` the branch to switch to.
    [InlineData("git checkout --conflict merge main")]
    [InlineData("git checkout --conf merge main")]
    // -b takes a value: `feature` is the new branch, not a bundle containing -f.
    [InlineData("git checkout -b feature main")]
    // restore: --no-worktree without --staged is an error (neither --staged nor --worktree); --staged alone is the index only.
    [InlineData("git restore --no-worktree src/app.py")]
    [InlineData("git restore --staged --no-worktree src/app.py")]
    [InlineData("git restore --stag src/app.py")]
    // Controls.
    [InlineData("git push origin feature/x")]
    [InlineData("git status")]
    [InlineData("git reset --soft HEAD~1")]
    [InlineData("git reset --so HEAD~1")]
    public void Rejected_negated_and_valued_options_change_nothing(string command) => None(command);

    [Fact]
    public void The_parser_resolves_prefixes_values_and_bundles()
    {
        var r = GitOptions.Parse("checkout", [Arg.Literal("--conf"), Arg.Literal("diff3"), Arg.Literal("-fb"), Arg.Literal("new"), Arg.Literal("main")]);
        Assert.Null(r.Rejected);
        Assert.Equal("diff3", r.Value("conflict"));
        Assert.True(r.Has("force"));
        Assert.Equal("new", r.Value("b"));
        Assert.Equal(["main"], r.Operands.Select(o => o.Text));
        Assert.Contains("ambiguous", GitOptions.Parse("push", [Arg.Literal("--forc")]).Rejected);
        Assert.True(GitOptions.Parse("push", [Arg.Literal("--force-w")]).Has("force-with-lease"));
        // An option the table does not know is kept, never a reason to think git refuses.
        var unknown = GitOptions.Parse("reset", [Arg.Literal("--frobnicate"), Arg.Literal("--hard")]);
        Assert.Null(unknown.Rejected);
        Assert.True(unknown.Has("hard"));
    }

    [Theory]
    [InlineData("git checkout-index -f -a")]
    [InlineData("git checkout-index --force --all")]
    [InlineData("git checkout-index -fa")]
    [InlineData("git checkout-index -f -- src/app.py")]
    [InlineData("git read-tree -u --reset HEAD")]
    [InlineData("git read-tree --reset -u origin/main")]
    public void Plumbing_that_overwrites_the_working_tree_asks(string command)
    {
        Single(command, EffectKind.DiscardUncommittedChanges);
        Assert.Equal("git.discard-changes", TestWorld.Check(command).RuleId);
    }

    [Theory]
    [InlineData("git checkout-index -a")]                           // existing files are not overwritten without -f
    [InlineData("git checkout-index -f -a --prefix=/tmp/export/")]   // writes copies elsewhere
    [InlineData("git checkout-index -f")]                            // no files named
    [InlineData("git read-tree HEAD")]                               // the index only
    [InlineData("git read-tree -m -u HEAD")]                         // stops before losing local changes
    public void Plumbing_that_keeps_local_changes_is_allowed(string command) => None(command);

    [Theory]
    [InlineData("git branch -f main HEAD~10")]
    [InlineData("git branch --force release origin/release~3")]
    [InlineData("git branch --forc main")]
    [InlineData("git branch -M main")]
    [InlineData("git branch -M old main")]
    [InlineData("git branch -m -f old release")]
    [InlineData("git branch -C main")]
    [InlineData("git checkout -B main")]
    [InlineData("git checkout -B feature/login HEAD~3")]
    [InlineData("git switch -C main")]
    [InlineData("git switch --force-create release v1.0")]
    [InlineData("git update-ref refs/heads/main HEAD~10")]
    [InlineData("git update-ref --stdin")]
    public void Moving_an_existing_branch_asks(string command)
    {
        var d = CheckWithBranches(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("git.branch-move", d.RuleId);
        Assert.Contains(d.Effects, e => e.Kind == EffectKind.RewriteHistory && e.Detail == "branch-move");
    }

    [Theory]
    [InlineData("git branch -f newbranch HEAD~1")]       // creates a branch
    [InlineData("git branch -f feature/login HEAD~1")]   // git refuses to force-update the current branch
    [InlineData("git branch -M brand-new")]              // a rename to a free name
    [InlineData("git checkout -B fresh")]
    [InlineData("git checkout -B feature/login")]        // the current branch stays where it is
    [InlineData("git switch -C fresh origin/main")]
    [InlineData("git branch -d merged")]
    [InlineData("git branch --list -f")]
    public void Creating_or_renaming_to_a_free_name_is_allowed(string command)
    {
        var d = CheckWithBranches(command);
        Assert.True(d.Verdict == Verdict.Allow, $"{command}: {d.Verdict} {d.Reason}");
    }

    [Theory]
    [InlineData("git tag -d v1.0")]
    [InlineData("git tag --delete v1.0 v1.1")]
    [InlineData("git tag --del v1.0")]
    public void Deleting_a_tag_asks(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("git.tag-delete", d.RuleId);
    }

    [Theory]
    [InlineData("git push --delete origin v1")]
    [InlineData("git push origin :refs/tags/v1")]
    [InlineData("git push --mirror")]
    [InlineData("git reflog expire --expire=now --all")]
    [InlineData("git reflog expire --expire-unreachable=now --all")]
    [InlineData("git gc --prune=now")]
    [InlineData("git filter-repo --path secrets.txt --invert-paths")]
    [InlineData("git stash drop stash@{1}")]
    [InlineData("git stash clear")]
    [InlineData("git update-ref -d refs/heads/main")]
    public void History_and_remote_deletions_ask(string command) => Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);

    [Theory]
    [InlineData("git tag v1.0")]
    [InlineData("git tag -l")]
    [InlineData("git reflog expire --expire=90.days.ago --all")]
    [InlineData("git gc")]
    [InlineData("git gc --prune")]
    public void Ordinary_tags_and_housekeeping_are_allowed(string command) => None(command);

    [Theory]
    [InlineData("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.x GIT_CONFIG_VALUE_0='!rm -rf src' git x")]
    [InlineData("GIT_CONFIG_COUNT=2 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=me GIT_CONFIG_KEY_1=alias.up GIT_CONFIG_VALUE_1='reset --hard' git up")]
    [InlineData("GIT_CONFIG_PARAMETERS=\"'alias.x=!rm -rf src'\" git x")]
    [InlineData("GIT_CONFIG_PARAMETERS=\"'alias.x'='!rm -rf src'\" git x")]
    [InlineData("GIT_CONFIG_PARAMETERS=\"'user.name=a' 'alias.wipe=clean -fdx'\" git wipe")]
    [InlineData("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=core.pager GIT_CONFIG_VALUE_0='rm -rf src' git log")]
    [InlineData("GIT_CONFIG_COUNT=$N git status")]
    public void Configuration_from_the_environment_is_read_like_dash_c(string command) =>
        Assert.Equal(Verdict.Ask, TestWorld.Check(command).Verdict);

    [Theory]
    [InlineData("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=alias.st GIT_CONFIG_VALUE_0=status git st")]
    [InlineData("GIT_CONFIG_PARAMETERS=\"'alias.st=status'\" git st")]
    [InlineData("GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=user.name GIT_CONFIG_VALUE_0=me git commit -m x")]
    public void Harmless_environment_configuration_is_allowed(string command) => None(command);

    [Fact]
    public void Config_parameters_are_dequoted_like_git()
    {
        var entries = Git.SplitConfigParameters("'a.b=1' 'alias.x'='!echo '\\''hi'\\''' 'flag'");
        Assert.NotNull(entries);
        Assert.Equal([("a.b", "1"), ("alias.x", "!echo 'hi'"), ("flag", "true")], entries);
        Assert.Null(Git.SplitConfigParameters("'unterminated"));
    }
}
