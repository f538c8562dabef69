using System.Diagnostics;
using CsCheck;
using Interlock.Tests.Corpus;

namespace Interlock.Tests.Properties;

/// <summary>Generators for the property tests: shell-like text built from the shell's own tokens, corpus commands,
/// and corpus commands mutated the way a fuzzer would (characters inserted, ranges deleted, two commands spliced).</summary>
public static class Inputs
{
    /// <summary>Every input must be decided within this bound. Typical inputs take well under 10 ms; the bound tells
    /// exponential work (which never finishes) from a starved process on a shared CI machine (load averages of 100+
    /// have stalled single calls for seconds), so it is generous.</summary>
    public const int TimeBoundMs = 10_000;

    /// <summary>Iterations per property: each test stays within a few seconds.</summary>
    public const int Iterations = 1500;

    /// <summary>Every command of every corpus file (labeled and adversarial).</summary>
    public static readonly string[] CorpusCommands =
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "corpus"), "*.jsonl").Order()
            .SelectMany(f => LabeledCorpusTests.Load(Path.GetFileName(f))).Select(r => r.Command).ToArray();

    private static readonly string[] ShellTokens =
    [
        " ", " ", " ", "rm", "-rf", "/", "~", "x", "src", "*", ".env", "cat", "echo", "bash", "sh -c", "eval", "sudo", "xargs", "env", "cd", "git",
        "find . -exec", "{}", "\\;", "if", "then", "else", "fi", "for", "in", "do", "done", "while", "case", "esac", ")", ";;", "{", "}", "(", "f()",
        "$(", "`", "$((", "))", "<(", ">(", "${", "${x:-", "}", "$x", "$@", "$1", "\"", "'", "\\", "\\\n", "<<EOF\n", "<<-'EOF'\n", "\nEOF\n", "<<<",
        "&&", "||", "|", ";", "&", "\n", ">", ">>", "<", "2>&1", "=", "x=", "[[", "]]", "!", "#", "alias", "function", "select", "coproc", "time",
    ];

    private const string ShellChars = "abcrmxyz -/~.*?$(){}[];&|<>'\"`\\\n\t#=!0123456789:,@%^+\u00e9\u2028";

    /// <summary>Text built from shell tokens and single characters.</summary>
    public static readonly Gen<string> ShellLike =
        Gen.Frequency(
                (3, Gen.Int[0, ShellTokens.Length - 1].Select(i => ShellTokens[i])),
                (1, Gen.Char[ShellChars].Select(c => c.ToString())))
            .Array[0, 40].Select(parts => string.Concat(parts));

    public static readonly Gen<string> Corpus = Gen.Int[0, CorpusCommands.Length - 1].Select(i => CorpusCommands[i]);

    /// <summary>A corpus command with one to three edits.</summary>
    public static readonly Gen<string> MutatedCorpus =
        Gen.Select(Corpus, Corpus, Gen.Int[0, int.MaxValue].Array[3, 9], Gen.Char[ShellChars], (a, b, r, c) => Mutate(a, b, r, c));

    /// <summary>Anything a fuzzer might send as a command.</summary>
    public static readonly Gen<string> Commands = Gen.Frequency((2, ShellLike), (2, MutatedCorpus), (1, Corpus), (1, Gen.String));

    internal static string Mutate(string a, string b, int[] r, char c)
    {
        var s = a;
        for (var k = 0; k + 2 < r.Length; k += 3)
        {
            var at = s.Length == 0 ? 0 : r[k + 1] % (s.Length + 1);
            s = (r[k] % 4) switch
            {
                0 => s.Insert(at, c.ToString()),
                1 => s.Remove(at, Math.Min(s.Length - at, r[k + 2] % 8)),
                2 => s[..at] + b[(b.Length == 0 ? 0 : r[k + 2] % b.Length)..],
                _ => s.Insert(at, s[at..Math.Min(s.Length, at + r[k + 2] % 16)]),
            };
        }
        return s;
    }

    /// <summary>Runs <paramref name="action"/> and fails when it takes longer than <see cref="TimeBoundMs"/>.</summary>
    public static T WithinBound<T>(string what, string input, Func<T> action)
    {
        var clock = Stopwatch.StartNew();
        var result = action();
        if (clock.ElapsedMilliseconds > TimeBoundMs)
            throw new TimeoutException($"{what} took {clock.ElapsedMilliseconds} ms (bound {TimeBoundMs} ms) on: {input}");
        return result;
    }
}
