using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

/// <summary>Ways to lose uncommitted work that are not `rm`: rimraf (npm), sed(1) `d` over every line with -i, vim's
/// `:%d` then `:w`, chmod(1) taking the owner's read access recursively, mv(1) of a source tree out of the project,
/// and cp(1)/rsync(1)/tar(1) writing unseen files over a source directory; and what must stay allowed.</summary>
public sealed class UncommittedWorkTests
{
    private const string P = TestWorld.Project;

    [Theory]
    [InlineData("rimraf src", "fs.delete-source-tree")]
    [InlineData("rimraf src docs", "fs.delete-source-tree")]
    [InlineData("rimraf /home/dev", "fs.delete-home")]
    [InlineData("sed -i '1,$d' src/app.py", "fs.empty-file")]
    [InlineData("sed -i d src/app.py", "fs.empty-file")]
    [InlineData("sed -i -e '/^/d' src/app.py", "fs.empty-file")]
    [InlineData("vim -c ':%d|wq' src/app.py", "fs.empty-file")]
    [InlineData("vim -c '%d' -c 'x' src/app.py", "fs.empty-file")]
    [InlineData("vim +'g/^/d' +wq src/app.py", "fs.empty-file")]
    [InlineData("ex -c '1,$delete' -c 'wq' src/app.py", "fs.empty-file")]
    [InlineData("chmod -R 000 src", "fs.chmod-lockout")]
    [InlineData("chmod -R 000 ~/project", "fs.chmod-lockout")]
    [InlineData("chmod -R a-r src", "fs.chmod-lockout")]
    [InlineData("chmod -R u= src", "fs.chmod-lockout")]
    [InlineData("mv src /tmp/trash", "fs.move-out-of-project")]
    [InlineData("mv docs ~/old-docs", "fs.move-out-of-project")]
    [InlineData("cp -r /tmp/x/. src/", "git.discard-changes")]
    [InlineData("cp -rT /tmp/x src", "git.discard-changes")]
    [InlineData("rsync -a /tmp/x/ src/", "git.discard-changes")]
    [InlineData("tar -xf /tmp/x.tar -C src", "git.discard-changes")]
    public void Losing_uncommitted_work_asks(string command, string rule)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict != Verdict.Allow && d.RuleId == rule, $"{command}: {d.Verdict} {d.RuleId} {d.Reason}");
    }

    [Theory]
    [InlineData("rimraf node_modules dist")]
    [InlineData("rimraf build")]
    [InlineData("sed -i 's/a/b/' src/app.py")]
    [InlineData("sed -i '/^#/d' src/app.py")]          // deletes comment lines only
    [InlineData("sed -i '1d' src/app.py")]             // the first line only
    [InlineData("vim -c ':%d' src/app.py")]            // nothing written
    [InlineData("vim -c ':%s/a/b/g|wq' src/app.py")]
    [InlineData("vim -c '%d|w /tmp/copy' src/app.py")] // writes elsewhere
    [InlineData("chmod -R 755 src")]
    [InlineData("chmod -R u+rwX,go-w src")]
    [InlineData("chmod -R go-rwx src")]                // others lose access, the owner keeps it
    [InlineData("chmod 000 src/app.py")]               // one file, not a tree
    [InlineData("mv src lib")]
    [InlineData("mv src/app.py /tmp/")]                // one file
    [InlineData("mv build /tmp/old-build")]
    [InlineData("cp -r /tmp/x src/")]                  // lands in src/x
    [InlineData("rsync -a src/ /tmp/backup/")]
    [InlineData("tar -xzf /tmp/release.tar.gz")]       // an archive unpacked at the top of the project
    [InlineData("cp -r /tmp/x/. build/")]
    public void Ordinary_edits_moves_and_copies_are_allowed(string command) => None(command);

    [Fact]
    public void The_reasons_say_what_happens()
    {
        Assert.Contains("takes read access away", TestWorld.Check("chmod -R 000 src").Reason);
        Assert.Contains("out of the project", TestWorld.Check("mv src /tmp/trash").Reason);
        Assert.Contains("replacing every file of the same name", TestWorld.Check("rsync -a /tmp/x/ src/").Reason);
        Assert.Contains("deletes every line", TestWorld.Check("sed -i '1,$d' src/app.py").Reason);
    }

    [Theory]
    [InlineData("python3 -c \"import shutil; shutil.move('src','/tmp/x')\"", "fs.move-out-of-project")]
    [InlineData("python3 -c \"import os; os.rename('src','/tmp/x')\"", "fs.move-out-of-project")]
    [InlineData("python3 -c \"import pathlib; pathlib.Path('src').rename('/tmp/x')\"", "fs.move-out-of-project")]
    [InlineData("python3 -c \"import os; os.truncate('src/app.py', 0)\"", "fs.empty-file")]
    [InlineData("python3 -c \"import pathlib; pathlib.Path('src/app.py').write_text('')\"", "fs.empty-file")]
    [InlineData("python3 -c \"import shutil; shutil.copytree('/tmp/x', 'src', dirs_exist_ok=True)\"", "git.discard-changes")]
    [InlineData("python3 -c \"import shutil; shutil.rmtree('src')\"", "fs.delete-source-tree")]
    [InlineData("python3 -c \"import shutil,base64; shutil.rmtree(base64.b64decode('c3Jj').decode())\"", "fs.delete-source-tree")]
    [InlineData("node -e \"require('fs').renameSync('src','/tmp/x')\"", "fs.move-out-of-project")]
    [InlineData("node -e \"require('fs').writeFileSync('src/app.py','')\"", "fs.empty-file")]
    [InlineData("node -e \"require('fs').truncateSync('src/app.py')\"", "fs.empty-file")]
    [InlineData("node -e \"require('fs').cpSync('/tmp/x','src',{recursive:true})\"", "git.discard-changes")]
    [InlineData("node -e \"require('fs').rmSync('src',{recursive:true})\"", "fs.delete-source-tree")]
    [InlineData("ruby -e \"require 'fileutils'; FileUtils.mv('src', '/tmp/x')\"", "fs.move-out-of-project")]
    [InlineData("php -r 'rename(\"src\", \"/tmp/x\");'", "fs.move-out-of-project")]
    [InlineData("perl -e 'rename \"src\", \"/tmp/x\"'", "fs.move-out-of-project")]
    [InlineData("awk 'BEGIN{system(\"rm\\ -rf src\")}'", "fs.delete-source-tree")]
    public void Interpreter_calls_are_judged_as_the_same_shell_command(string command, string rule)
    {
        var d = TestWorld.Check(command);
        Assert.True(d.Verdict == Verdict.Ask && d.RuleId == rule, $"{command}: {d.Verdict} {d.RuleId} {d.Reason}");
    }

    [Fact]
    public void A_base64_path_is_decoded_before_it_is_judged() =>
        Assert.Equal(Verdict.Deny, TestWorld.Check("python3 -c \"import shutil,base64; shutil.rmtree(base64.b64decode('L2hvbWUvZGV2').decode())\"").Verdict);

    [Theory]
    // The same verdicts as `cp /tmp/x src/app.py`, `rm src/app.py`, `mv src lib`: single files and moves within the project.
    [InlineData("python3 -c \"import shutil; shutil.copy('/tmp/x','src/app.py')\"")]
    [InlineData("python3 -c \"import os; os.remove('src/app.py')\"")]
    [InlineData("python3 -c \"import os; os.rename('src','lib')\"")]
    [InlineData("python3 -c \"import os; os.truncate('src/app.py', 100)\"")]
    [InlineData("python3 -c \"import pathlib; pathlib.Path('src/app.py').write_text('print(1)')\"")]
    [InlineData("python3 -c \"print(open('README.md').read())\"")]
    [InlineData("node -e \"require('fs').copyFileSync('/tmp/x','src/app.py')\"")]
    [InlineData("node -e \"console.log(require('fs').readFileSync('package.json','utf8'))\"")]
    public void Interpreter_calls_with_harmless_shell_equivalents_are_allowed(string command) => None(command);
}
