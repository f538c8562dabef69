using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using Interlock.Core.Interpreters;
using Xunit;
using static Interlock.Core.Interpreters.ScriptFindingKind;

namespace Interlock.Tests.Interpreters;

public class GeneralTests
{
    [Theory]
    [InlineData("python", ScriptLanguage.Python)]
    [InlineData("python3", ScriptLanguage.Python)]
    [InlineData("python3.12", ScriptLanguage.Python)]
    [InlineData("/usr/bin/python3", ScriptLanguage.Python)]
    [InlineData("pypy3", ScriptLanguage.Python)]
    [InlineData("C:\\Python312\\PYTHON.EXE", ScriptLanguage.Python)]
    [InlineData("node", ScriptLanguage.JavaScript)]
    [InlineData("nodejs", ScriptLanguage.JavaScript)]
    [InlineData("/usr/local/bin/deno", ScriptLanguage.JavaScript)]
    [InlineData("bun", ScriptLanguage.JavaScript)]
    [InlineData("perl", ScriptLanguage.Perl)]
    [InlineData("perl5.36", ScriptLanguage.Perl)]
    [InlineData("ruby", ScriptLanguage.Ruby)]
    [InlineData("ruby3.2", ScriptLanguage.Ruby)]
    [InlineData("php", ScriptLanguage.Php)]
    [InlineData("php8.2", ScriptLanguage.Php)]
    public void LanguageOfKnownInterpreters(string executable, ScriptLanguage expected) =>
        Assert.Equal(expected, ScriptAnalyzer.LanguageOf(executable));

    [Theory]
    [InlineData("bash")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("nodemon")]
    [InlineData("rubocop")]
    [InlineData("phpunit")]
    [InlineData("perldoc")]
    [InlineData("python-config")]
    public void LanguageOfOtherProgramsIsNull(string executable) => Assert.Null(ScriptAnalyzer.LanguageOf(executable));

    [Fact]
    public void NullInputsDoNotThrow()
    {
        Assert.Empty(ScriptAnalyzer.Analyze(null!, ScriptLanguage.Python));
        Assert.Null(ScriptAnalyzer.LanguageOf(null!));
    }

    [Fact]
    public void EmptyScriptsHaveNoFindings()
    {
        foreach (var language in Enum.GetValues<ScriptLanguage>()) Assert.Empty(ScriptAnalyzer.Analyze("", language));
    }

    [Fact]
    public void InputOverTheLimitIsIndeterminate()
    {
        string code = "x = 1\n" + new string(' ', 200_000);
        var f = Check.One(code, ScriptLanguage.Python);
        Assert.Equal(Indeterminate, f.Kind);
        Assert.Equal(code.Length, f.Length);
    }

    [Fact]
    public void MaxLengthParameterIsHonoured()
    {
        Assert.Equal(Indeterminate, Assert.Single(ScriptAnalyzer.Analyze("os.system('ls')", ScriptLanguage.Python, maxLength: 10)).Kind);
        Assert.Equal(ShellCommand, Assert.Single(ScriptAnalyzer.Analyze("os.system('ls')", ScriptLanguage.Python, maxLength: 15)).Kind);
    }

    [Fact]
    public void BigBenignInputIsFastAndFindsTheCallAtTheEnd()
    {
        var sb = new StringBuilder();
        while (sb.Length < 190_000) sb.Append("total = total + len(\"some text # not a comment\")  # comment os.system('x')\n");
        sb.Append("import shutil; shutil.rmtree('/srv')\n");
        var watch = Stopwatch.StartNew();
        var f = Check.One(sb.ToString(), ScriptLanguage.Python);
        Assert.Equal(DeletePath, f.Kind);
        Assert.Equal("/srv", f.Argument);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}"); // quadratic scanning would take minutes
    }

    [Theory]
    [InlineData(ScriptLanguage.Perl, "system ")]
    [InlineData(ScriptLanguage.Ruby, "system ")]
    [InlineData(ScriptLanguage.Perl, "unlink (")]
    [InlineData(ScriptLanguage.JavaScript, "a(")]
    [InlineData(ScriptLanguage.Python, "os.system(")]
    [InlineData(ScriptLanguage.Php, "system(")]
    public void PathologicalRepetitionStaysBounded(ScriptLanguage language, string unit)
    {
        string code = string.Concat(Enumerable.Repeat(unit, 190_000 / unit.Length));
        var watch = Stopwatch.StartNew();
        var findings = ScriptAnalyzer.Analyze(code, language);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        Assert.NotEmpty(findings); // nesting too deep, work limit, or the (dynamic) calls themselves
    }

    [Theory]
    [InlineData(ScriptLanguage.Python, "(")]
    [InlineData(ScriptLanguage.JavaScript, "[")]
    [InlineData(ScriptLanguage.Perl, "{")]
    [InlineData(ScriptLanguage.Ruby, "(")]
    [InlineData(ScriptLanguage.Php, "[")]
    public void DeepNestingIsIndeterminate(ScriptLanguage language, string opener)
    {
        var findings = ScriptAnalyzer.Analyze(string.Concat(Enumerable.Repeat(opener, 5_000)), language);
        var f = Assert.Single(findings);
        Assert.Equal(Indeterminate, f.Kind);
        Assert.Contains("nesting", f.Description);
    }

    [Theory]
    [InlineData(ScriptLanguage.Python, "import os, glob; list(map(os.remove, glob.glob('*.pyc')))", DeletePath, "os.remove")]
    [InlineData(ScriptLanguage.Python, "import shutil; [shutil.rmtree(d) for d in dirs]", DeletePath, "shutil.rmtree")]
    [InlineData(ScriptLanguage.Python, "from shutil import rmtree\nfor d in dirs: pool.submit(rmtree, d)", DeletePath, "shutil.rmtree")]
    [InlineData(ScriptLanguage.Python, "list(map(eval, lines))", DynamicCode, "eval")]
    [InlineData(ScriptLanguage.JavaScript, "files.forEach(fs.unlinkSync)", DeletePath, "fs.unlinkSync")]
    [InlineData(ScriptLanguage.JavaScript, "const { execSync } = require('child_process'); cmds.map(execSync)", DynamicCode, "child_process.execSync")]
    [InlineData(ScriptLanguage.Ruby, "files.each(&File.method(:delete))", DeletePath, "File.delete")]
    [InlineData(ScriptLanguage.Ruby, "cmds.each(&method(:system))", DynamicCode, "system")]
    [InlineData(ScriptLanguage.Php, "array_map('unlink', glob('*.tmp'));", DeletePath, "unlink")]
    [InlineData(ScriptLanguage.Php, "array_walk($cmds, 'system');", DynamicCode, "system")]
    public void DangerousFunctionsPassedAsValues(ScriptLanguage language, string code, ScriptFindingKind kind, string api)
    {
        var f = Check.One(code, language);
        Assert.Equal((kind, api, (string?)null), (f.Kind, f.Api, f.Argument));
    }

    [Theory]
    [InlineData(ScriptLanguage.Python, "from os import system\nfrom shutil import rmtree as r")]
    [InlineData(ScriptLanguage.Python, "import os.path\nimport subprocess")]
    [InlineData(ScriptLanguage.Python, "s = os.system")]
    [InlineData(ScriptLanguage.JavaScript, "import { execSync, spawn as sp } from 'child_process'")]
    [InlineData(ScriptLanguage.JavaScript, "const { rmSync, unlinkSync: u } = require('fs'); const cp = require('child_process'); const e = cp.execSync;")]
    [InlineData(ScriptLanguage.Ruby, "m = File.method(:read)")]
    [InlineData(ScriptLanguage.Php, "array_map('trim', $lines); in_array('system', $names);")]
    public void BindingsAreNotReferences(ScriptLanguage language, string code) => Check.None(code, language);

    [Theory]
    [InlineData(ScriptLanguage.Python, "os.system(f\"{x}")]
    [InlineData(ScriptLanguage.JavaScript, "require('child_process').execSync(`${x}")]
    [InlineData(ScriptLanguage.Ruby, "system(\"#{x}")]
    [InlineData(ScriptLanguage.Php, "system(\"{$x}")]
    [InlineData(ScriptLanguage.Perl, "system(\"@{[ $x ]}")]
    public void UnterminatedInterpolationIsIndeterminate(ScriptLanguage language, string code) =>
        Assert.Contains(ScriptAnalyzer.Analyze(code, language), f => f.Kind == Indeterminate);

    [Fact]
    public void RedispatchChainsAreBounded()
    {
        string ruby = "send(" + string.Concat(Enumerable.Repeat(":send, ", 20_000)) + ":system, 'id')";
        Assert.NotEmpty(ScriptAnalyzer.Analyze(ruby, ScriptLanguage.Ruby));
        string php = "call_user_func(" + string.Concat(Enumerable.Repeat("'call_user_func', ", 10_000)) + "'system', 'id');";
        Assert.NotEmpty(ScriptAnalyzer.Analyze(php, ScriptLanguage.Php));
    }

    [Fact]
    public void DeeplyNestedInterpolationIsIndeterminate()
    {
        string code = string.Concat(Enumerable.Repeat("\"#{", 3_000)) + string.Concat(Enumerable.Repeat("}\"", 3_000));
        Assert.Contains(ScriptAnalyzer.Analyze(code, ScriptLanguage.Ruby), f => f.Kind == Indeterminate);
    }

    /// <summary>exec('exec(\'...os.system(...)...\')') nested <paramref name="levels"/> times.</summary>
    private static string NestedExec(int levels)
    {
        string code = "import os; os.system('rm -rf /')";
        for (int i = 0; i < levels; i++) code = "exec('" + code.Replace("\\", "\\\\").Replace("'", "\\'") + "')";
        return code;
    }

    [Fact]
    public void EvalLiteralsAreFollowedUpToTheDepthLimit()
    {
        var f = Check.One(NestedExec(4), ScriptLanguage.Python);
        Assert.Equal(ShellCommand, f.Kind);
        Assert.Equal("rm -rf /", f.Argument);
    }

    [Fact]
    public void EvalNestedTooDeepIsIndeterminate()
    {
        var f = Check.One(NestedExec(5), ScriptLanguage.Python);
        Assert.Equal(Indeterminate, f.Kind);
    }

    [Fact]
    public void NestedFindingsPointAtTheOuterCall()
    {
        const string code = "x = 1; exec(\"os.system('ls')\")";
        var f = Check.One(code, ScriptLanguage.Python);
        Assert.Equal("exec(\"os.system('ls')\")", code.Substring(f.Start, f.Length));
        Assert.Contains("inside exec", f.Description);
    }

    [Theory]
    [InlineData("subprocess.run(['echo', \"it's\"])", "echo 'it'\\''s'")]
    [InlineData("subprocess.run(['touch', ''])", "touch ''")]
    [InlineData("subprocess.run(['rm', '-rf', '/tmp/*'])", "rm -rf '/tmp/*'")]
    [InlineData("subprocess.run(['/bin/sh', '-ec', 'make && make install'])", "make && make install")]
    public void ArgvListsAreShellQuoted(string code, string expected) =>
        Assert.Equal(expected, Check.One(code, ScriptLanguage.Python).Argument);

    private static readonly Dictionary<ScriptLanguage, string[]> Samples = new()
    {
        [ScriptLanguage.Python] =
        [
            "import os, shutil\nfrom subprocess import run as r\nr(['rm', '-rf', '/'])\nos.system(f\"echo {x!r:>10} {{y}}\")\nprint('''a\nb''')\nshutil.rmtree(r'C:\\x')",
            "exec(\"import os; os.system('id')\")\nPath('/a').unlink()\nopen('f', 'w')",
        ],
        [ScriptLanguage.JavaScript] =
        [
            "const { execSync } = require('child_process');\nexecSync(`ls ${dir} /x/`);\nconst re = /a[/]b/g; // comment\nfs.rmSync('/', {recursive: true});\n/* block */ eval('1')",
            "import fs from 'node:fs'; new Deno.Command('rm', {args: ['-rf']}); Bun.spawn(['x']); a = b / c / d;",
        ],
        [ScriptLanguage.Perl] =
        [
            "use File::Path qw(rmtree);\nmy $x = qx{ls @{[ 'a' ]}};\nsystem 'rm', '-rf', \"/$dir\";\nopen(my $fh, '-|', 'ls') or die;\ns{a}{b}gex;\nprint <<~EOT;\n  hi $x\n  EOT\nunlink $_ for @files;\n",
            "=head1 X\n\n=cut\nmy %h = (q => 1); $h{s} = tr/a-z//; my @w = qw/a b/; `id`; eval \"exec('x')\";\n__END__\nrest",
        ],
        [ScriptLanguage.Ruby] =
        [
            "require 'fileutils'\nFileUtils.rm_rf \"/tmp/#{x}\"\nsystem <<~EOS, exception: true\n  ls #{dir}\nEOS\n%w(a b).each { |w| puts w }\nx = `id` + %x(ls)\nputs a ? b : c\n",
            "=begin\ndoc\n=end\nh = { a: 1, 'b' => 2 }\nPathname.new('/x').rmtree\nIO.popen(['ls'])\neval(\"system('id')\")\n/regex #{1}/ =~ s\n",
        ],
        [ScriptLanguage.Php] =
        [
            "<?php\n$x = \"a {$b['c']} ${d}\";\nsystem('ls ' . $x); // c\n# c\n/* c */\necho `id`;\n$s = <<<EOT\n  hi $x\n  EOT;\n?>\n<p>html</p>\n<?= exec('x') ?>",
            "unlink('/a'); proc_open(['rm', '-rf'], $d, $p); call_user_func('system', 'id'); eval('echo 1;');",
        ],
    };

    /// <summary>Every prefix of realistic scripts (mostly malformed) must analyse without throwing and with sane spans.</summary>
    [Fact]
    public void EveryPrefixOfSampleScriptsIsHandled()
    {
        foreach (var (language, samples) in Samples)
        {
            foreach (string sample in samples)
            {
                for (int length = 0; length <= sample.Length; length++) AssertSane(sample[..length], language);
            }
        }
    }

    [Fact]
    public void RandomInputNeverThrows()
    {
        const string alphabet = "abcsymtemxqrwuo_$@%#`'\"/\\{}()[]<>=~!?:;,.+-*&|^\n\t 0123456789";
        string[] words = ["system", "exec", "eval", "unlink", "qx", "q", "s", "%w", "%x", "<<EOF", "<<<", "EOF", "f'", "r'", "${", "#{", "{$", "=begin", "=pod", "=cut", "__END__", "<?php", "?>", "\"\"\"", "'''", "/*", "*/", "//", "require", "import"];
        var random = new Random(12345);
        foreach (var language in Enum.GetValues<ScriptLanguage>())
        {
            for (int iteration = 0; iteration < 1_500; iteration++)
            {
                var sb = new StringBuilder();
                int length = random.Next(1, 80);
                for (int i = 0; i < length; i++)
                {
                    if (random.Next(4) == 0) sb.Append(words[random.Next(words.Length)]);
                    else sb.Append(alphabet[random.Next(alphabet.Length)]);
                }
                AssertSane(sb.ToString(), language);
            }
        }
    }

    private static void AssertSane(string code, ScriptLanguage language)
    {
        var findings = ScriptAnalyzer.Analyze(code, language);
        foreach (var f in findings)
        {
            Assert.True(f.Start >= 0 && f.Length >= 0 && f.Start + f.Length <= code.Length, $"bad span {f} for {language} <{code}>");
            Assert.False(f.Description.StartsWith("internal analyser error", StringComparison.Ordinal), $"internal error {f} for {language} <{code}>");
        }
    }
}
