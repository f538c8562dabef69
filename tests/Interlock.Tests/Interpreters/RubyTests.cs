using System.Linq;
using Interlock.Core.Interpreters;
using Xunit;
using static Interlock.Core.Interpreters.ScriptFindingKind;

namespace Interlock.Tests.Interpreters;

public class RubyTests
{
    private const ScriptLanguage Rb = ScriptLanguage.Ruby;

    [Theory]
    [InlineData("require 'fileutils'; FileUtils.rm_rf(\"/tmp/x\")", "FileUtils.rm_rf", "/tmp/x", true)]
    [InlineData("FileUtils.rm_rf \"/\"", "FileUtils.rm_rf", "/", true)]
    [InlineData("FileUtils.rm(\"f\")", "FileUtils.rm", "f", false)]
    [InlineData("FileUtils.rm_f 'x', verbose: true", "FileUtils.rm_f", "x", false)]
    [InlineData("FileUtils.remove_dir('/d')", "FileUtils.remove_dir", "/d", true)]
    [InlineData("FileUtils.remove_entry '/e'", "FileUtils.remove_entry", "/e", true)]
    [InlineData("FileUtils::rm_r('/s')", "FileUtils.rm_r", "/s", true)]
    [InlineData("::FileUtils.rm_rf('/z')", "FileUtils.rm_rf", "/z", true)]
    [InlineData("FileUtils.rm_rf(dir)", "FileUtils.rm_rf", null, true)]
    [InlineData("FileUtils.rm_rf Dir.glob('*')", "FileUtils.rm_rf", null, true)]
    [InlineData("include FileUtils\nrm_rf \"/x\"", "FileUtils.rm_rf", "/x", true)]
    [InlineData("include FileUtils; rm 'y'", "FileUtils.rm", "y", false)]
    [InlineData("fu = FileUtils\nfu.rm_r '/a'", "FileUtils.rm_r", "/a", true)]
    [InlineData("File.delete(\"a\")", "File.delete", "a", false)]
    [InlineData("File.unlink 'b'", "File.unlink", "b", false)]
    [InlineData("Dir.rmdir(\"d\")", "Dir.rmdir", "d", false)]
    [InlineData("Dir.delete('/e')", "Dir.delete", "/e", false)]
    [InlineData("Pathname.new(\"/p\").rmtree", "Pathname#rmtree", "/p", true)]
    [InlineData("Pathname('/q').delete", "Pathname#delete", "/q", false)]
    [InlineData("path.rmtree", "Pathname#rmtree", null, true)]
    [InlineData("FileUtils.rm_rf(\"/tmp/\" + \"cache\")", "FileUtils.rm_rf", "/tmp/cache", true)]
    public void Deletions(string code, string api, string? argument, bool recursive) =>
        Check.Expect(code, Rb, DeletePath, api, argument, recursive);

    [Fact]
    public void ArrayOfPathsReportsEach()
    {
        var findings = Check.All("FileUtils.rm_r([\"a\", 'b']); FileUtils.rm %w(c d)", Rb);
        Assert.Equal(["a", "b", "c", "d"], findings.Select(f => f.Argument));
    }

    [Theory]
    [InlineData("system(\"rm -rf /\")", "system", "rm -rf /")]
    [InlineData("system \"ls\", \"-l\"", "system", "ls -l")]
    [InlineData("system('sh', '-c', 'rm -rf /tmp')", "system", "rm -rf /tmp")]
    [InlineData("exec(\"reboot\")", "exec", "reboot")]
    [InlineData("pid = spawn(\"sleep 1\")", "spawn", "sleep 1")]
    [InlineData("Process.spawn('make clean', chdir: '/src')", "spawn", "make clean")]
    [InlineData("Kernel.system(\"id\")", "system", "id")]
    [InlineData("system({\"A\" => \"1\"}, \"ls\")", "system", "ls")]
    [InlineData("system(%w(rm -rf /))", "system", "rm -rf /")]
    [InlineData("system(\"ls\") if true", "system", "ls")]
    [InlineData("`rm -rf /`", "backticks", "rm -rf /")]
    [InlineData("out = %x(rm -rf /)", "%x", "rm -rf /")]
    [InlineData("%x{ls -l}", "%x", "ls -l")]
    [InlineData("IO.popen(\"ls -l\")", "IO.popen", "ls -l")]
    [InlineData("IO.popen([\"ls\", \"-l\"], \"r\")", "IO.popen", "ls -l")]
    [InlineData("require 'open3'; Open3.capture2(\"ls\")", "Open3.capture2", "ls")]
    [InlineData("Open3.popen3('rm', '-rf', '/x')", "Open3.popen3", "rm -rf /x")]
    [InlineData("open(\"| rm -rf /\")", "open", "rm -rf /")]
    [InlineData("eval(\"system('id')\")", "system", "id")]
    [InlineData("send(:system, \"id\")", "system", "id")]
    [InlineData("x = \"#{system('id')}\"", "system", "id")]
    [InlineData("system <<~EOS\n  rm -rf /tmp\nEOS\nputs 1", "system", "rm -rf /tmp\n")]
    [InlineData("system(\"echo \\x41\\s\\101\")", "system", "echo A A")]
    [InlineData("=begin\nsystem('ignored')\n=end\nsystem('real')", "system", "real")]
    [InlineData("system 'a' 'b'", "system", "ab")]
    public void ShellCommands(string code, string api, string argument) => Check.Expect(code, Rb, ShellCommand, api, argument);

    [Theory]
    [InlineData("system(\"rm -rf #{dir}\")", "system")]
    [InlineData("system(cmd)", "system")]
    [InlineData("`rm -rf #{dir}`", "backticks")]
    [InlineData("eval(code)", "eval")]
    [InlineData("obj.instance_eval(src)", "obj.instance_eval")]
    [InlineData("open(params[:file])", "open")]
    [InlineData("send(name, 'x')", "send")]
    public void NonLiteralsAreDynamic(string code, string api) => Check.Expect(code, Rb, DynamicCode, api, null);

    [Theory]
    [InlineData("File.write(\"/etc/x\", \"y\")", "File.write", "/etc/x")]
    [InlineData("File.open(\"f\", \"w\") { |f| f.puts 1 }", "File.open", "f")]
    [InlineData("IO.binwrite(path, data)", "IO.binwrite", null)]
    [InlineData("File.open('g', mode: 'wb')", "File.open", "g")]
    public void Writes(string code, string api, string? argument) => Check.Expect(code, Rb, WriteFile, api, argument);

    [Theory]
    [InlineData("puts \"system('rm -rf /')\"")]
    [InlineData("# FileUtils.rm_rf('/')\nputs 1")]
    [InlineData("puts %q(FileUtils.rm_rf(\"/\"))")]
    [InlineData("puts 'exec(\"reboot\")'")]
    [InlineData("x = 10 % 3; puts x")]
    [InlineData("words = %w(system exec rm_rf)")]
    [InlineData("h = { system: 1, exec: 2 }; h[:system]")]
    [InlineData("def system(x); end")]
    [InlineData("File.open('f') { |f| f.read }")]
    [InlineData("File.open('f', 'r')")]
    [InlineData("eval { 1 }")]
    [InlineData("a = [1, 2].map { |x| x / 2 }")]
    [InlineData("puts <<~EOS\n  system('rm -rf /')\nEOS\n")]
    [InlineData("__END__\nsystem('rm -rf /')")]
    [InlineData("obj.system('x'); list.delete('a')")]
    public void HarmlessCode(string code) => Check.None(code, Rb);

    [Theory]
    [InlineData("puts \"abc")]
    [InlineData("x = %q(never closed")]
    [InlineData("puts \"#{1 + \"")]
    public void MalformedIsIndeterminate(string code) => Assert.Equal(Indeterminate, Check.One(code, Rb).Kind);
}
