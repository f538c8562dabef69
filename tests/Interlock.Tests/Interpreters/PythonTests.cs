using Interlock.Core.Interpreters;
using System.Linq;
using Xunit;
using static Interlock.Core.Interpreters.ScriptFindingKind;

namespace Interlock.Tests.Interpreters;

public class PythonTests
{
    private const ScriptLanguage Py = ScriptLanguage.Python;

    [Theory]
    [InlineData("import shutil; shutil.rmtree('/tmp/x')", DeletePath, "shutil.rmtree", "/tmp/x", true)]
    [InlineData("import os; os.remove(\"/etc/passwd\")", DeletePath, "os.remove", "/etc/passwd", false)]
    [InlineData("import os\nos.unlink('a.txt')", DeletePath, "os.unlink", "a.txt", false)]
    [InlineData("import os; os.rmdir('d')", DeletePath, "os.rmdir", "d", false)]
    [InlineData("import os; os.removedirs('a/b')", DeletePath, "os.removedirs", "a/b", false)]
    [InlineData("import os; os.remove(path)", DeletePath, "os.remove", null, false)]
    [InlineData("shutil.rmtree(path=base + '/x')", DeletePath, "shutil.rmtree", null, true)]
    [InlineData("from pathlib import Path; Path('/tmp/a').unlink()", DeletePath, "pathlib.Path.unlink", "/tmp/a", false)]
    [InlineData("import pathlib; pathlib.Path(\"/d\").rmdir()", DeletePath, "pathlib.Path.rmdir", "/d", false)]
    [InlineData("p = Path('/srv/f'); p.unlink(missing_ok=True)", DeletePath, "pathlib.Path.unlink", "/srv/f", false)]
    [InlineData("for f in files: f.unlink()", DeletePath, "pathlib.Path.unlink", null, false)]
    [InlineData("shutil.rmtree(Path('/x'))", DeletePath, "shutil.rmtree", "/x", true)]
    [InlineData("os.remove(os.path.join('/etc', 'passwd'))", DeletePath, "os.remove", "/etc/passwd", false)]
    public void Deletions(string code, ScriptFindingKind kind, string api, string? argument, bool recursive) =>
        Check.Expect(code, Py, kind, api, argument, recursive);

    [Theory]
    [InlineData("import os; os.system('rm -rf /')", "os.system", "rm -rf /")]
    [InlineData("import os; print(os.popen(\"ls -l\").read())", "os.popen", "ls -l")]
    [InlineData("import subprocess; subprocess.run(\"rm -rf ~\", shell=True)", "subprocess.run", "rm -rf ~")]
    [InlineData("import subprocess; subprocess.run([\"rm\",\"-rf\",\"/\"])", "subprocess.run", "rm -rf /")]
    [InlineData("subprocess.call(['echo', 'hello world'])", "subprocess.call", "echo 'hello world'")]
    [InlineData("subprocess.check_call(('ls', '-l'))", "subprocess.check_call", "ls -l")]
    [InlineData("subprocess.check_output('whoami', shell=True)", "subprocess.check_output", "whoami")]
    [InlineData("subprocess.Popen(['bash', '-c', 'rm -rf /tmp/x'])", "subprocess.Popen", "rm -rf /tmp/x")]
    [InlineData("subprocess.run(['rm -rf /'], shell=True)", "subprocess.run", "rm -rf /")]
    [InlineData("subprocess.run(args=['ls'])", "subprocess.run", "ls")]
    [InlineData("subprocess.getoutput('id')", "subprocess.getoutput", "id")]
    [InlineData("__import__('os').system('reboot')", "os.system", "reboot")]
    [InlineData("import os as o; o.system('id')", "os.system", "id")]
    [InlineData("from os import system as s; s('id')", "os.system", "id")]
    [InlineData("from os import *; system('halt')", "os.system", "halt")]
    [InlineData("import subprocess as sp; sp.run('ls', shell=True)", "subprocess.run", "ls")]
    [InlineData("from subprocess import (run, PIPE)\nrun(['rm', 'x'], stdout=PIPE)", "subprocess.run", "rm x")]
    [InlineData("import importlib; importlib.import_module('os').system('x')", "os.system", "x")]
    [InlineData("getattr(os, 'system')('rm -rf /')", "os.system", "rm -rf /")]
    [InlineData("s = os.system\ns('ls')", "os.system", "ls")]
    [InlineData("import posix; posix.system('ls')", "os.system", "ls")]
    [InlineData("os.execvp('rm', ['rm', '-rf', '/'])", "os.execvp", "rm -rf /")]
    [InlineData("os.execl('/bin/ls', 'ls', '-l')", "os.execl", "ls -l")]
    [InlineData("os.system(f'rm -rf /')", "os.system", "rm -rf /")]
    [InlineData("os.system('rm ' + '-rf /')", "os.system", "rm -rf /")]
    [InlineData("os.system('rm' ' -rf' \" /\")", "os.system", "rm -rf /")]
    [InlineData("os.system('''rm -rf /''')", "os.system", "rm -rf /")]
    [InlineData("os.system(\"echo \\x41\\tB\\101\")", "os.system", "echo A\tBA")]
    [InlineData("os.system(r'echo \\n')", "os.system", "echo \\n")]
    [InlineData("os.system(b'ls')", "os.system", "ls")]
    [InlineData("import os\nos.system('rm -rf /')\nos = None", "os.system", "rm -rf /")]
    [InlineData("import os\nos.system('ls')\nimport subprocess as os", "os.system", "ls")]
    [InlineData("import subprocess as os\nimport os as o\no.system('id')", "os.system", "id")]
    [InlineData("os.system('rm \\\n-rf /')", "os.system", "rm -rf /")]
    [InlineData("x = f\"{os.system('rm -rf /')}\"", "os.system", "rm -rf /")]
    [InlineData("exec(\"import os; os.system('rm -rf /')\")", "os.system", "rm -rf /")]
    [InlineData("eval(\"__import__('os').system('id')\")", "os.system", "id")]
    public void ShellCommands(string code, string api, string argument) => Check.Expect(code, Py, ShellCommand, api, argument);

    [Theory]
    [InlineData("subprocess.run(cmd, shell=True)", "subprocess.run")]
    [InlineData("subprocess.run(['rm', '-rf', path])", "subprocess.run")]
    [InlineData("os.system(f\"rm -rf {target}\")", "os.system")]
    [InlineData("os.system('rm -rf ' + target)", "os.system")]
    [InlineData("os.system('rm %s' % target)", "os.system")]
    [InlineData("exec(user_code)", "exec")]
    [InlineData("eval(input())", "eval")]
    [InlineData("compile(source, 'f', 'exec')", "compile")]
    [InlineData("__import__(name)", "__import__")]
    [InlineData("subprocess.Popen(**options)", "subprocess.Popen")]
    public void NonLiteralsAreDynamic(string code, string api) => Check.Expect(code, Py, DynamicCode, api, null);

    [Theory]
    [InlineData("open('/etc/hosts', 'w').write('x')", "open", "/etc/hosts")]
    [InlineData("open('out.bin', 'wb')", "open", "out.bin")]
    [InlineData("open('f', 'w+')", "open", "f")]
    [InlineData("open('f', mode='w')", "open", "f")]
    [InlineData("with open(path, 'w') as fh: fh.write(data)", "open", null)]
    [InlineData("import io; io.open('g', 'wt')", "open", "g")]
    [InlineData("Path('/etc/motd').write_text('hi')", "pathlib.Path.write_text", "/etc/motd")]
    [InlineData("open('h', mode)", "open", "h")]
    public void Writes(string code, string api, string? argument) => Check.Expect(code, Py, WriteFile, api, argument);

    [Theory]
    [InlineData("print('rm -rf /')")]
    [InlineData("print(\"os.system('rm -rf /')\")")]
    [InlineData("# os.system('rm -rf /')\nprint(1)")]
    [InlineData("x = \"shutil.rmtree('/')\"")]
    [InlineData("'''\nos.remove('/etc/passwd')\n'''")]
    [InlineData("exec(\"print(1)\")")]
    [InlineData("open('f')")]
    [InlineData("open('f', 'r')")]
    [InlineData("open('log', 'a')")]
    [InlineData("def remove(x): pass\nremove('a')")]
    [InlineData("import os; print(os.path.exists('/'))")]
    [InlineData("d = {'system': 1}; d.get('system')")]
    [InlineData("x = 1 # subprocess.run('rm -rf /', shell=True)")]
    [InlineData("print(f'{1+1} os.system(\"x\")')")]
    public void HarmlessCode(string code) => Check.None(code, Py);

    [Fact]
    public void UnterminatedStringIsIndeterminate()
    {
        var f = Check.One("print('abc", Py);
        Assert.Equal(Indeterminate, f.Kind);
        Assert.Equal(6, f.Start);
    }

    [Fact]
    public void FindingsBeforeALexErrorAreKept()
    {
        var findings = Check.All("import os; os.system('ls'); print(\"oops", Py);
        Assert.Equal(2, findings.Count);
        Assert.Equal(ShellCommand, findings[0].Kind);
        Assert.Equal(Indeterminate, findings[1].Kind);
    }

    [Fact]
    public void UnclosedCallStillReportsItsLiteral() =>
        Check.Expect("os.system('rm -rf /'", Py, ShellCommand, "os.system", "rm -rf /");

    [Fact]
    public void SpanCoversTheCall()
    {
        const string code = "x = 1; os.system('ls'); y = 2";
        var f = Check.One(code, Py);
        Assert.Equal("os.system('ls')", code.Substring(f.Start, f.Length));
    }

    [Fact]
    public void SeveralFindingsAreOrderedByPosition()
    {
        var findings = Check.All("import os, shutil\nshutil.rmtree('/a')\nos.system('ls')\nopen('b', 'w')", Py);
        Assert.Equal([DeletePath, ShellCommand, WriteFile], findings.Select(f => f.Kind));
    }
}
