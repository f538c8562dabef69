using Interlock.Core;
using Xunit;
using static Interlock.Tests.Knowledge.EffectAssertions;

namespace Interlock.Tests.Knowledge;

public sealed class InterpretersTests
{
    [Theory]
    [InlineData("python3 -c \"import shutil; shutil.rmtree('/home/dev')\"", Verdict.Deny)]
    [InlineData("python -c \"import os; os.system('rm -rf ~')\"", Verdict.Deny)]
    [InlineData("python3 -c \"import subprocess; subprocess.run(['git','reset','--hard'])\"", Verdict.Ask)]
    [InlineData("python3 -c \"__import__('os').system('git clean -fdx')\"", Verdict.Ask)]
    [InlineData("node -e \"require('fs').rmSync('src', {recursive: true})\"", Verdict.Ask)]
    [InlineData("node -e \"require('child_process').execSync('rm -rf /')\"", Verdict.Deny)]
    [InlineData("perl -e 'system(\"rm -rf /etc\")'", Verdict.Deny)]
    [InlineData("ruby -e \"require 'fileutils'; FileUtils.rm_rf('/home/dev')\"", Verdict.Deny)]
    [InlineData("php -r \"shell_exec('rm -rf /');\"", Verdict.Deny)]
    [InlineData("python3 - <<'EOF'\nimport shutil\nshutil.rmtree('docs')\nEOF", Verdict.Ask)]
    [InlineData("python3 -c \"import shutil,sys; shutil.rmtree(sys.argv[1])\" src", Verdict.Ask)]
    [InlineData("python3 -c \"exec(input())\"", Verdict.Ask)]
    [InlineData("python3 -c \"$CODE\"", Verdict.Ask)]
    public void Destructive_code_gets_the_verdict_of_what_it_does(string command, Verdict expected)
    {
        var d = TestWorld.Check(command);
        Assert.True(expected == d.Verdict, $"{command}: expected {expected}, got {d.Verdict}: {d.Reason}");
    }

    [Theory]
    [InlineData("python3 -c \"print('rm -rf /')\"")]
    [InlineData("node -e \"console.log('git reset --hard')\"")]
    [InlineData("python3 -c \"import shutil; shutil.rmtree('node_modules')\"")]
    [InlineData("python3 -c \"import os; os.remove('/tmp/x.lock')\"")]
    [InlineData("python3 -m pytest -x")]
    [InlineData("node scripts/build.js")]
    [InlineData("python3 -c \"import sys; print(sys.version)\"")]
    [InlineData("perl -pi -e 's/foo/bar/' README.md")]
    public void Harmless_code_is_allowed(string command) => None(command);

    [Fact]
    public void Shell_strings_inside_code_are_reported_with_their_route()
    {
        var d = TestWorld.Check("python3 -c \"import os; os.system('rm -rf ~')\"");
        Assert.Contains("python3 code", d.Reason);
    }
}
