using Interlock.Core;
using Xunit;

namespace Interlock.Tests.Knowledge;

public sealed class GhTests
{
    [Theory]
    [InlineData("gh repo delete acme/old-site --yes", EffectKind.DeletePublished, "`acme/old-site`")]
    [InlineData("gh repo delete", EffectKind.DeletePublished, "the current repository")]
    [InlineData("gh release delete v1.2.0 --yes", EffectKind.DeletePublished, "the release `v1.2.0`")]
    [InlineData("gh release delete v1.2.0 --cleanup-tag -R acme/api", EffectKind.DeletePublished, "and its tag")]
    [InlineData("gh -R acme/api release delete v1.2.0", EffectKind.DeletePublished, "`acme/api`")]
    [InlineData("gh release delete-asset v1.0 app.zip", EffectKind.DeletePublished, "`app.zip`")]
    [InlineData("gh gist delete abc123", EffectKind.DeletePublished, "`abc123`")]
    [InlineData("gh api -X DELETE repos/acme/api", EffectKind.DeletePublished, "deletes the repository `acme/api`")]
    [InlineData("gh api --method=DELETE /repos/acme/api", EffectKind.DeletePublished, "deletes the repository `acme/api`")]
    [InlineData("gh api -XDELETE https://api.github.com/repos/acme/api", EffectKind.DeletePublished, "deletes the repository `acme/api`")]
    [InlineData("gh api --method DELETE /repos/acme/api/releases/12345", EffectKind.DeletePublished, "release")]
    [InlineData("gh api -X DELETE /orgs/acme/packages/npm/ui", EffectKind.DeletePublished, "package")]
    [InlineData("gh api -X DELETE repos/acme/api/issues/comments/99", EffectKind.DestroyData, "repos/acme/api/issues/comments/99")]
    [InlineData("gh api -X DELETE repos/acme/api/git/refs/heads/main", EffectKind.DeleteRemoteRef, "the branch `main`")]
    [InlineData("gh api -X $METHOD repos/acme/api", EffectKind.DestroyData, "computed at run time")]
    [InlineData("gh api graphql -f query='mutation { deleteIssue(input: {issueId: \"I_1\"}) { clientMutationId } }'", EffectKind.DestroyData, "deletes data")]
    [InlineData("gh issue delete 42 --yes", EffectKind.DestroyData, "issue 42")]
    [InlineData("gh secret delete NPM_TOKEN", EffectKind.DestroyData, "`NPM_TOKEN`")]
    [InlineData("gh variable delete REGION", EffectKind.DestroyData, "`REGION`")]
    [InlineData("gh label delete bug --yes", EffectKind.DestroyData, "`bug`")]
    [InlineData("gh codespace delete --all", EffectKind.DestroyData, "every codespace")]
    [InlineData("gh run delete 123", EffectKind.DestroyData, "logs")]
    [InlineData("gh ssh-key delete 42", EffectKind.DisruptSystem, "lose access")]
    [InlineData("glab repo delete acme/old-site -y", EffectKind.DeletePublished, "GitLab repository `acme/old-site`")]
    [InlineData("glab release delete v1.0.0", EffectKind.DeletePublished, "`v1.0.0`")]
    [InlineData("glab api -X DELETE projects/acme%2Fapi", EffectKind.DeletePublished, "`acme/api`")]
    [InlineData("glab issue delete 7", EffectKind.DestroyData, "issue 7")]
    public void Deleting_on_the_forge_asks(string command, EffectKind kind, string words)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        var e = Assert.Single(d.Effects);
        Assert.Equal(kind, e.Kind);
        Assert.Contains(words, e.Description);
    }

    [Theory]
    [InlineData("gh pr create --fill --base main")]
    [InlineData("gh pr list")]
    [InlineData("gh pr merge 12 --squash")]
    [InlineData("gh pr close 12")]
    [InlineData("gh issue view 42")]
    [InlineData("gh repo view acme/api")]
    [InlineData("gh repo clone acme/api")]
    [InlineData("gh release list")]
    [InlineData("gh release create v1.3.0 --generate-notes")]
    [InlineData("gh api repos/acme/api")]
    [InlineData("gh api repos/acme/api/pulls --paginate --jq '.[].title'")]
    [InlineData("gh api -H 'Accept: application/vnd.github+json' /user")]
    [InlineData("gh api graphql -f query='query { viewer { login } }'")]
    [InlineData("gh run list")]
    [InlineData("gh cache delete --all")]
    [InlineData("gh --help")]
    [InlineData("glab mr list")]
    [InlineData("glab repo archive acme/api")]
    public void Reading_and_everyday_work_have_no_effect(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Empty(d.Effects);
    }

    [Theory]
    [InlineData("gh repo archive acme/old-site --yes")]
    [InlineData("gh repo edit acme/api --visibility private")]
    [InlineData("gh api -X POST repos/acme/api/issues -f title=bug")]
    [InlineData("gh api repos/acme/api/labels -f name=triage")]
    [InlineData("gh api -X PATCH repos/acme/api -F archived=true")]
    [InlineData("gh secret set NPM_TOKEN < token.txt")]
    [InlineData("gh workflow disable ci.yml")]
    public void Writes_are_changes(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Allow, d.Verdict);
        Assert.Equal(EffectKind.ChangeInfrastructure, Assert.Single(d.Effects).Kind);
    }

    [Theory]
    [InlineData("gh secret delete DB_PASSWORD --env production")]
    [InlineData("gh secret set DB_PASSWORD --env production < pw.txt")]
    [InlineData("gh repo archive acme/api-prod")]
    [InlineData("gh api -X PATCH repos/acme/payments-live -F archived=true")]
    public void Production_environments_and_repositories_need_two_approvers(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal(2, d.RequiredApprovals);
    }

    [Fact]
    public void Odd_arguments_do_not_throw()
    {
        foreach (var c in new[] { "gh", "gh api", "gh api -X", "gh repo", "gh release delete", "glab api -X DELETE", "gh api -X DELETE /", "gh api -X DELETE repos/acme/api/git/refs" })
            Assert.NotEqual("internal-error", TestWorld.Check(c).RuleId);
    }
}
