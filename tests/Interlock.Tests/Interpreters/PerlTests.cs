using System.Linq;
using Interlock.Core.Interpreters;
using Xunit;
using static Interlock.Core.Interpreters.ScriptFindingKind;

namespace Interlock.Tests.Interpreters;

public class PerlTests
{
    private const ScriptLanguage Pl = ScriptLanguage.Perl;

    [Theory]
    [InlineData("unlink \"/tmp/x\";", "unlink", "/tmp/x", false)]
    [InlineData("unlink($f) or die", "unlink", null, false)]
    [InlineData("unlink $f or die \"no\";", "unlink", null, false)]
    [InlineData("for (@ARGV) { unlink }", "unlink", null, false)]
    [InlineData("rmdir '/d'", "rmdir", "/d", false)]
    [InlineData("use File::Path qw(rmtree); rmtree(\"/x\");", "rmtree", "/x", true)]
    [InlineData("use File::Path 'remove_tree'; remove_tree '/srv/data', { verbose => 1 };", "remove_tree", "/srv/data", true)]
    [InlineData("File::Path::remove_tree('/y', {safe => 1})", "File::Path::remove_tree", "/y", true)]
    [InlineData("rmtree(['/a/b'], 0, 1)", "rmtree", "/a/b", true)]
    [InlineData("unlink q{/etc/shadow}", "unlink", "/etc/shadow", false)]
    public void Deletions(string code, string api, string? argument, bool recursive) =>
        Check.Expect(code, Pl, DeletePath, api, argument, recursive);

    [Fact]
    public void UnlinkListReportsEachPath()
    {
        var findings = Check.All("unlink('a', \"b\", 'c');", Pl);
        Assert.Equal(["a", "b", "c"], findings.Select(f => f.Argument));
        Assert.All(findings, f => Assert.Equal(DeletePath, f.Kind));
    }

    [Theory]
    [InlineData("system(\"rm -rf /\")", "system", "rm -rf /")]
    [InlineData("system \"rm\", \"-rf\", \"/\";", "system", "rm -rf /")]
    [InlineData("system(qw(rm -rf /tmp/x))", "system", "rm -rf /tmp/x")]
    [InlineData("system('sh', '-c', 'rm -rf ~')", "system", "rm -rf ~")]
    [InlineData("system(\"rm\" . \" -rf /\")", "system", "rm -rf /")]
    [InlineData("CORE::system('ls')", "system", "ls")]
    [InlineData("exec \"reboot\";", "exec", "reboot")]
    [InlineData("my $x = `rm -rf /`;", "backticks", "rm -rf /")]
    [InlineData("print qx{ls -l};", "qx", "ls -l")]
    [InlineData("qx(rm -rf /)", "qx", "rm -rf /")]
    [InlineData("qx'echo $HOME'", "qx", "echo $HOME")]
    [InlineData("qx#id#", "qx", "id")]
    [InlineData("my @l = readpipe('ls');", "readpipe", "ls")]
    [InlineData("open(my $fh, \"| mail root\") or die;", "open", "mail root")]
    [InlineData("open(FH, \"ls -l |\");", "open", "ls -l")]
    [InlineData("open(my $fh, '-|', 'ls', '-l');", "open", "ls -l")]
    [InlineData("open my $fh, '|-', 'sort -u' or die;", "open", "sort -u")]
    [InlineData("eval \"system('id')\";", "system", "id")]
    [InlineData("s/x/system(\"id\")/e;", "system", "id")]
    [InlineData("system <<EOF;\nrm -rf /\nEOF\nprint 1;", "system", "rm -rf /\n")]
    [InlineData("system(<<~'END');\n    echo $HOME\n    END\n", "system", "echo $HOME\n")]
    [InlineData("system(\"echo \\x41\\t\\101\")", "system", "echo A\tA")]
    [InlineData("=pod\n\nsystem('ignored')\n\n=cut\nsystem('real');", "system", "real")]
    public void ShellCommands(string code, string api, string argument) => Check.Expect(code, Pl, ShellCommand, api, argument);

    [Theory]
    [InlineData("system(\"rm -rf $dir\")", "system")]
    [InlineData("system(@cmd)", "system")]
    [InlineData("system { $prog } @args;", "system")]
    [InlineData("my $out = `rm -rf $dir`;", "backticks")]
    [InlineData("eval $code;", "eval")]
    [InlineData("open(FH, $spec);", "open")]
    [InlineData("open(my $fh, \"| $cmd\");", "open")]
    public void NonLiteralsAreDynamic(string code, string api) => Check.Expect(code, Pl, DynamicCode, api, null);

    [Theory]
    [InlineData("open(my $fh, '>', '/etc/passwd');", "/etc/passwd")]
    [InlineData("open(FH, \">/tmp/out\");", "/tmp/out")]
    [InlineData("open(my $fh, '>:encoding(UTF-8)', $path);", null)]
    [InlineData("open(FH, \">$file\");", null)]
    public void Writes(string code, string? argument) => Check.Expect(code, Pl, WriteFile, "open", argument);

    [Theory]
    [InlineData("print \"system('rm -rf /')\";")]
    [InlineData("# system(\"rm -rf /\")\nprint 1;")]
    [InlineData("print q{unlink(\"/etc\")};")]
    [InlineData("print 'exec \"reboot\"';")]
    [InlineData("my %h = (system => 1, unlink => 2); $h{unlink} = 3;")]
    [InlineData("$obj->system(\"x\"); $obj->unlink('y');")]
    [InlineData("eval { die 'x' };")]
    [InlineData("open(my $fh, '<', 'in.txt');")]
    [InlineData("open(my $fh, \">>log\");")]
    [InlineData("my @w = qw(system unlink rmtree);")]
    [InlineData("sub system { 1 }")]
    [InlineData("$x =~ s/unlink/remove/g; $y =~ m{system\\(}; print $x / 2;")]
    [InlineData("print <<EOF;\nsystem('rm -rf /')\nEOF\n")]
    [InlineData("__END__\nsystem('rm -rf /');")]
    [InlineData("my $y = $x % 3; my %h; print keys %h;")]
    public void HarmlessCode(string code) => Check.None(code, Pl);

    [Theory]
    [InlineData("print \"abc")]
    [InlineData("my $x = q{never closed;")]
    [InlineData("print <<EOF;\nno terminator\n")]
    public void MalformedIsIndeterminate(string code) => Assert.Equal(Indeterminate, Check.One(code, Pl).Kind);
}
