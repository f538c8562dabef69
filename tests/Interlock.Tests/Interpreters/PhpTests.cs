using Interlock.Core.Interpreters;
using Xunit;
using static Interlock.Core.Interpreters.ScriptFindingKind;

namespace Interlock.Tests.Interpreters;

public class PhpTests
{
    private const ScriptLanguage Php = ScriptLanguage.Php;

    [Theory]
    [InlineData("unlink('/tmp/x');", "unlink", "/tmp/x")]
    [InlineData("rmdir(\"/d\");", "rmdir", "/d")]
    [InlineData("unlink($file);", "unlink", null)]
    [InlineData("@unlink(__DIR__ . '/x');", "unlink", null)]
    [InlineData("unlink('/var/' . 'log');", "unlink", "/var/log")]
    public void Deletions(string code, string api, string? argument) => Check.Expect(code, Php, DeletePath, api, argument);

    [Theory]
    [InlineData("shell_exec('rm -rf /');", "shell_exec", "rm -rf /")]
    [InlineData("exec(\"ls\", $out);", "exec", "ls")]
    [InlineData("system('id');", "system", "id")]
    [InlineData("passthru(\"whoami\");", "passthru", "whoami")]
    [InlineData("$h = popen('ls', 'r');", "popen", "ls")]
    [InlineData("proc_open('ls -l', $d, $p);", "proc_open", "ls -l")]
    [InlineData("proc_open(['rm', '-rf', '/'], $d, $p);", "proc_open", "rm -rf /")]
    [InlineData("pcntl_exec('/bin/rm', array('-rf', '/'));", "pcntl_exec", "/bin/rm -rf /")]
    [InlineData("echo `rm -rf /`;", "backticks", "rm -rf /")]
    [InlineData("eval('system(\"id\");');", "system", "id")]
    [InlineData("SYSTEM('ls');", "system", "ls")]
    [InlineData("\\system('ls');", "system", "ls")]
    [InlineData("system('rm' . ' -rf /');", "system", "rm -rf /")]
    [InlineData("call_user_func('system', 'id');", "system", "id")]
    [InlineData("call_user_func_array('exec', ['reboot']);", "exec", "reboot")]
    [InlineData("system(\"echo \\x41\\101\\$HOME\");", "system", "echo AA$HOME")]
    [InlineData("system(<<<EOT\nrm -rf /\nEOT\n);", "system", "rm -rf /")]
    [InlineData("system(<<<'EOT'\necho $HOME\nEOT);", "system", "echo $HOME")]
    [InlineData("<?php system('ls'); ?>\n<b>system('x')</b>", "system", "ls")]
    [InlineData("#!/usr/bin/php\n<?php\nexec('id');", "exec", "id")]
    [InlineData("echo \"{$x->y(system('id'))}\";", "system", "id")]
    public void ShellCommands(string code, string api, string argument) => Check.Expect(code, Php, ShellCommand, api, argument);

    [Theory]
    [InlineData("system(\"rm -rf $dir\");", "system")]
    [InlineData("shell_exec($cmd);", "shell_exec")]
    [InlineData("echo `ls $dir`;", "backticks")]
    [InlineData("eval($code);", "eval")]
    [InlineData("call_user_func($f, 'x');", "call_user_func")]
    public void NonLiteralsAreDynamic(string code, string api) => Check.Expect(code, Php, DynamicCode, api, null);

    [Theory]
    [InlineData("file_put_contents('/etc/hosts', 'x');", "file_put_contents", "/etc/hosts")]
    [InlineData("$f = fopen('out.txt', 'w');", "fopen", "out.txt")]
    public void Writes(string code, string api, string? argument) => Check.Expect(code, Php, WriteFile, api, argument);

    [Theory]
    [InlineData("echo \"system('rm -rf /')\";")]
    [InlineData("// system('x');\necho 1;")]
    [InlineData("# exec('y');\necho 1;")]
    [InlineData("/* shell_exec('rm -rf /') */ echo 1;")]
    [InlineData("$pdo->exec(\"DELETE FROM t\");")]
    [InlineData("Foo::system('x');")]
    [InlineData("function system($x) { return $x; }")]
    [InlineData("file_put_contents('log', 'x', FILE_APPEND);")]
    [InlineData("fopen('f', 'r');")]
    [InlineData("echo 'unlink(\"/\")';")]
    [InlineData("<html><body>system('rm -rf /')</body></html>")]
    [InlineData("$s = <<<EOT\nsystem('x')\nEOT;\necho $s;")]
    public void HarmlessCode(string code) => Check.None(code, Php);

    [Theory]
    [InlineData("echo 'abc")]
    [InlineData("echo \"abc")]
    [InlineData("/* open")]
    public void MalformedIsIndeterminate(string code) => Assert.Equal(Indeterminate, Check.One(code, Php).Kind);
}
