using Interlock.Core.Interpreters;
using Xunit;
using static Interlock.Core.Interpreters.ScriptFindingKind;

namespace Interlock.Tests.Interpreters;

/// <summary>Moves, copies, truncations and reads found in code (Python shutil/os/pathlib, Node fs, Ruby File/FileUtils,
/// Perl rename/File::Copy/open, PHP rename/copy/file_get_contents), from each library's documentation.</summary>
public sealed class MovesAndReadsTests
{
    [Theory]
    [InlineData("import shutil; shutil.move('src', '/tmp/x')", ScriptLanguage.Python, MovePath, "shutil.move", "src", "/tmp/x")]
    [InlineData("import os; os.rename('a', 'b')", ScriptLanguage.Python, MovePath, "os.rename", "a", "b")]
    [InlineData("import os; os.replace('a', 'b')", ScriptLanguage.Python, MovePath, "os.replace", "a", "b")]
    [InlineData("from pathlib import Path; Path('a').rename('b')", ScriptLanguage.Python, MovePath, "pathlib.Path.rename", "a", "b")]
    [InlineData("import shutil; shutil.copy('a', 'b')", ScriptLanguage.Python, CopyPath, "shutil.copy", "a", "b")]
    [InlineData("import shutil; shutil.copytree('a', 'b')", ScriptLanguage.Python, CopyPath, "shutil.copytree", "a", "b")]
    [InlineData("require('fs').renameSync('a', 'b')", ScriptLanguage.JavaScript, MovePath, "fs.renameSync", "a", "b")]
    [InlineData("require('fs').copyFileSync('a', 'b')", ScriptLanguage.JavaScript, CopyPath, "fs.copyFileSync", "a", "b")]
    [InlineData("require 'fileutils'; FileUtils.mv('a', 'b')", ScriptLanguage.Ruby, MovePath, "FileUtils.mv", "a", "b")]
    [InlineData("File.rename('a', 'b')", ScriptLanguage.Ruby, MovePath, "File.rename", "a", "b")]
    [InlineData("rename 'a', 'b';", ScriptLanguage.Perl, MovePath, "rename", "a", "b")]
    [InlineData("rename('a', 'b');", ScriptLanguage.Php, MovePath, "rename", "a", "b")]
    [InlineData("copy('a', 'b');", ScriptLanguage.Php, CopyPath, "copy", "a", "b")]
    public void Moves_and_copies_name_both_sides(string code, ScriptLanguage language, ScriptFindingKind kind, string api, string source, string destination)
    {
        var f = Check.One(code, language);
        Assert.True(f.Kind == kind && f.Api == api && f.Argument == source && f.Destination == destination, $"got {f} -> {f.Destination}");
    }

    [Theory]
    [InlineData("import os; os.truncate('f', 0)", ScriptLanguage.Python, "os.truncate")]
    [InlineData("import os; os.truncate('f', n)", ScriptLanguage.Python, "os.truncate")]
    [InlineData("from pathlib import Path; Path('f').write_text('')", ScriptLanguage.Python, "pathlib.Path.write_text")]
    [InlineData("require('fs').writeFileSync('f', '')", ScriptLanguage.JavaScript, "fs.writeFileSync")]
    [InlineData("require('fs').truncateSync('f')", ScriptLanguage.JavaScript, "fs.truncateSync")]
    [InlineData("File.write('f', '')", ScriptLanguage.Ruby, "File.write")]
    public void Truncating_to_nothing_empties(string code, ScriptLanguage language, string api) =>
        Check.Expect(code, language, EmptyFile, api, "f");

    [Theory]
    [InlineData("import os; os.truncate('f', 100)", ScriptLanguage.Python, "os.truncate")]
    [InlineData("require('fs').truncateSync('f', 10)", ScriptLanguage.JavaScript, "fs.truncateSync")]
    public void Truncating_to_a_size_is_a_write(string code, ScriptLanguage language, string api) =>
        Check.Expect(code, language, WriteFile, api, "f");

    [Theory]
    [InlineData("print(open('.env').read())", ScriptLanguage.Python, ".env")]
    [InlineData("open('.env', 'rb')", ScriptLanguage.Python, ".env")]
    [InlineData("from pathlib import Path; Path('.env').read_text()", ScriptLanguage.Python, ".env")]
    [InlineData("require('fs').readFileSync('.env', 'utf8')", ScriptLanguage.JavaScript, ".env")]
    [InlineData("File.read('.env')", ScriptLanguage.Ruby, ".env")]
    [InlineData("File.open('.env', 'r')", ScriptLanguage.Ruby, ".env")]
    [InlineData("open F, '.env';", ScriptLanguage.Perl, ".env")]
    [InlineData("open(my $f, '<', '.env');", ScriptLanguage.Perl, ".env")]
    [InlineData("echo file_get_contents('.env');", ScriptLanguage.Php, ".env")]
    [InlineData("fopen('.env', 'r');", ScriptLanguage.Php, ".env")]
    public void Reads_name_the_file(string code, ScriptLanguage language, string path) =>
        Assert.Equal([path], Check.Reads(code, language));

    [Theory]
    [InlineData("open('f', 'w')", ScriptLanguage.Python)]
    [InlineData("open(name)", ScriptLanguage.Python)]
    [InlineData("print('open(\".env\")')", ScriptLanguage.Python)]
    [InlineData("console.log(\"readFileSync('.env')\")", ScriptLanguage.JavaScript)]
    public void Writes_computed_names_and_text_are_not_reads(string code, ScriptLanguage language) =>
        Assert.Empty(Check.Reads(code, language));

    [Fact]
    public void Base64_literals_decode() => Assert.Equal("/home/dev", Interlock.Core.Interpreters.PythonAnalyzer.DecodeBase64("L2hvbWUvZGV2", false, false));
}
