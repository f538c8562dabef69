using System.Text;
using Interlock.Core.Shell;

namespace Interlock.Fuzz.Targets;

/// <summary>The shell parser on arbitrary text: a syntax error or a limit is a result, never an exception.</summary>
public sealed class ShellParserTarget : IFuzzTarget
{
    public string Name => "shell-parser";
    public string Description => "ShellParser.Parse on the input as a command line";

    public IEnumerable<string> Seeds(SeedSources sources) =>
    [
        "echo hi", "a && b || c; d &", "for f in a b; do rm $f; done", "case $x in a) b;; esac", "f() { f | f & }; f",
        "cat <<EOF\n$(id)\nEOF\n", "echo ${x:-$(rm -rf /)} `ls` $((1+2)) <(ls) >(sh)", "[[ -f x && $y =~ ^a ]]", "x=(a b) y+=c cmd 2>&1 >|f",
        .. sources.SampledCorpusCommands(25),
    ];

    public void Run(byte[] input) => ShellParser.Parse(Encoding.UTF8.GetString(input));
}
