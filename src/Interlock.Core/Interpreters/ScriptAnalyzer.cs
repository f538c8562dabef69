using System;
using System.Collections.Generic;

namespace Interlock.Core.Interpreters;

/// <summary>Interpreter languages whose one-liners (python -c, node -e, perl -e, ruby -e, php -r, stdin scripts) are analysed.</summary>
public enum ScriptLanguage { Python, JavaScript, Perl, Ruby, Php }

public enum ScriptFindingKind
{
    /// <summary>Removes a path. Argument is the path when it is a literal; Recursive for rmtree / rm_rf / rmSync({recursive:true}) and the like.</summary>
    DeletePath,
    /// <summary>Opens or writes a file for writing, truncating it.</summary>
    WriteFile,
    /// <summary>Runs a shell command; Argument is the command string (argv lists are joined into one shell-quoted string).</summary>
    ShellCommand,
    /// <summary>Runs code or a command that is not a literal (eval of a variable, exec of a computed command, ...).</summary>
    DynamicCode,
    /// <summary>Moves or renames a path (shutil.move, os.rename/replace, fs.renameSync): Argument is the source,
    /// <see cref="ScriptFinding.Destination"/> where it goes; either may be null when not a literal.</summary>
    MovePath,
    /// <summary>Copies a file or tree onto a destination (shutil.copy/copytree, fs.copyFileSync/cpSync): Argument is the
    /// source, Destination the file or directory written; Recursive for trees.</summary>
    CopyPath,
    /// <summary>Truncates a file to nothing (os.truncate(p, 0), write_text(''), fs.writeFileSync(p, ''), fs.truncateSync).</summary>
    EmptyFile,
    /// <summary>Reads a file (open(p), read_text, fs.readFileSync, File.read, file_get_contents, getline &lt; file):
    /// reported so that reading a secret file is judged like <c>cat</c>.</summary>
    ReadFile,
    /// <summary>The analysis gave up (unterminated string, input too large, nesting too deep); the script must be treated as unknown.</summary>
    Indeterminate,
}

/// <summary>One destructive call found in a script. Start/Length locate the call in the analysed text.</summary>
public sealed record ScriptFinding(
    ScriptFindingKind Kind,
    string Api,
    string? Argument,
    bool Recursive,
    int Start,
    int Length,
    string Description)
{
    /// <summary>For <see cref="ScriptFindingKind.MovePath"/> and <see cref="ScriptFindingKind.CopyPath"/>: where it goes.</summary>
    public string? Destination { get; init; }
}

/// <summary>
/// Finds destructive calls in interpreter one-liners with a small lexer per language: text inside strings and
/// comments is never mistaken for code, so <c>print('rm -rf /')</c> reports nothing.
/// </summary>
public static class ScriptAnalyzer
{
    /// <summary>How deep eval("...") literals and string interpolations are followed before giving up.</summary>
    internal const int MaxDepth = 4;

    public static IReadOnlyList<ScriptFinding> Analyze(string code, ScriptLanguage language, int maxLength = 200_000)
        => AnalyzeCore(code ?? string.Empty, language, Math.Max(0, maxLength), depth: 0);

    internal static IReadOnlyList<ScriptFinding> AnalyzeCore(string code, ScriptLanguage language, int maxLength, int depth)
    {
        if (code.Length > maxLength)
        {
            return [new ScriptFinding(ScriptFindingKind.Indeterminate, "lexer", null, false, 0, code.Length,
                $"script is {code.Length} characters long, over the {maxLength} character limit")];
        }

        try
        {
            ScriptAnalyzerBase analyzer = language switch
            {
                ScriptLanguage.Python => new PythonAnalyzer(code, depth, maxLength),
                ScriptLanguage.JavaScript => new JavaScriptAnalyzer(code, depth, maxLength),
                ScriptLanguage.Perl => new PerlAnalyzer(code, depth, maxLength),
                ScriptLanguage.Ruby => new RubyAnalyzer(code, depth, maxLength),
                ScriptLanguage.Php => new PhpAnalyzer(code, depth, maxLength),
                _ => throw new ArgumentOutOfRangeException(nameof(language)),
            };
            return analyzer.Run();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A guard must fail closed: a bug in an analyser becomes "unknown", never an exception or a silent pass.
            return [new ScriptFinding(ScriptFindingKind.Indeterminate, "analyzer", null, false, 0, code.Length,
                $"internal analyser error: {e.GetType().Name}")];
        }
    }

    /// <summary>
    /// Maps an interpreter executable (bare name or path, optionally with .exe) to its language:
    /// python, python3, python3.12, pypy3 -> Python; node, nodejs, deno, bun -> JavaScript; perl, ruby, php (optionally versioned).
    /// </summary>
    public static ScriptLanguage? LanguageOf(string executableName)
    {
        if (string.IsNullOrWhiteSpace(executableName)) return null;
        string name = executableName.Trim();
        int slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0) name = name[(slash + 1)..];
        name = name.ToLowerInvariant();
        if (name.EndsWith(".exe", StringComparison.Ordinal)) name = name[..^4];

        if (IsVersioned(name, "python") || IsVersioned(name, "pypy")) return ScriptLanguage.Python;
        if (IsVersioned(name, "node") || name is "nodejs" or "deno" or "bun") return ScriptLanguage.JavaScript;
        if (IsVersioned(name, "perl")) return ScriptLanguage.Perl;
        if (IsVersioned(name, "ruby")) return ScriptLanguage.Ruby;
        if (IsVersioned(name, "php")) return ScriptLanguage.Php;
        return null;
    }

    /// <summary>True for the stem itself or the stem followed by a version such as 3, 3.12 or 5.36.0.</summary>
    private static bool IsVersioned(string name, string stem)
    {
        if (!name.StartsWith(stem, StringComparison.Ordinal)) return false;
        var version = name.AsSpan(stem.Length);
        if (version.Length == 0) return true;
        if (!char.IsAsciiDigit(version[0])) return false;
        foreach (char c in version)
        {
            if (!char.IsAsciiDigit(c) && c != '.') return false;
        }
        return true;
    }
}
