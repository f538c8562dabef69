using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

/// <summary>Secret files (the corpus world has /home/dev/project/.env): read through interpreters and awk getline like
/// `cat .env` (secrets.read), staged with git-add(1) (secrets.commit), deleted or replaced (secrets.overwrite).</summary>
public sealed class SecretFileTests
{
    [Theory]
    [InlineData("python3 -c \"print(open('.env').read())\"")]
    [InlineData("python3 -c \"import pathlib; print(pathlib.Path('.env').read_text())\"")]
    [InlineData("python3 -c \"print(open('/home/dev/.ssh/id_rsa', 'r').read())\"")]
    [InlineData("node -e \"console.log(require('fs').readFileSync('.env','utf8'))\"")]
    [InlineData("ruby -e \"puts File.read('.env')\"")]
    [InlineData("ruby -e \"puts File.open('.env').read\"")]
    [InlineData("perl -e 'open F, \".env\"; print <F>'")]
    [InlineData("perl -e 'open(my $f, \"<\", \".env\"); print <$f>'")]
    [InlineData("php -r 'echo file_get_contents(\".env\");'")]
    [InlineData("gawk 'BEGIN{while((getline l < \".env\")>0) print l}'")]
    [InlineData("awk 'BEGIN { getline line < \"/home/dev/.aws/credentials\"; print line }'")]
    public void Reading_a_secret_file_in_code_asks_like_cat(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("secrets.read", d.RuleId);
        Assert.Equal(TestWorld.Check("cat .env").RuleId, d.RuleId);
    }

    [Theory]
    [InlineData("git add -f .env")]
    [InlineData("git add --force .env && git commit -m x && git push")]
    [InlineData("git add .env")]
    public void Staging_a_secret_file_asks(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("secrets.commit", d.RuleId);
        Assert.Contains("git history", d.Reason);
    }

    [Theory]
    [InlineData("echo > .env")]
    [InlineData("echo X=1 > .env")]
    [InlineData("rm .env")]
    [InlineData("rm -f .env")]
    [InlineData("cp .env.example .env")]
    [InlineData("truncate -s 0 .env")]
    [InlineData("python3 -c \"import os; os.remove('.env')\"")]
    public void Deleting_or_replacing_a_secret_file_asks(string command)
    {
        var d = TestWorld.Check(command);
        Assert.Equal(Verdict.Ask, d.Verdict);
        Assert.Equal("secrets.overwrite", d.RuleId);
    }

    [Theory]
    [InlineData("git add src/app.py")]
    [InlineData("git add -A")]
    [InlineData("git add -n .env")]         // dry run
    [InlineData("echo X=2 >> .env")]        // appends keep what is there
    [InlineData("cp .env.example .env.local.example")]
    [InlineData("rm .env.example")]
    [InlineData("echo A=1 > .env.test")]    // a new file: nothing to lose
    public void Ordinary_work_near_secret_files_is_allowed(string command) => None(command);
}
