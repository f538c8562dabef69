using System.Collections.Generic;
using System.Linq;
using Interlock.Core.Interpreters;
using Xunit;

namespace Interlock.Tests.Interpreters;

/// <summary>Assertion helpers shared by the per-language tests.</summary>
internal static class Check
{
    /// <summary>The destructive findings: reads (<see cref="ScriptFindingKind.ReadFile"/>) are reported only so that a
    /// secret file read in code is judged like `cat`, and are checked by <see cref="Reads"/>.</summary>
    public static IReadOnlyList<ScriptFinding> All(string code, ScriptLanguage language) =>
        ScriptAnalyzer.Analyze(code, language).Where(f => f.Kind != ScriptFindingKind.ReadFile).ToList();

    /// <summary>The files the code reads.</summary>
    public static List<string?> Reads(string code, ScriptLanguage language) =>
        ScriptAnalyzer.Analyze(code, language).Where(f => f.Kind == ScriptFindingKind.ReadFile).Select(f => f.Argument).ToList();

    public static ScriptFinding One(string code, ScriptLanguage language)
    {
        var findings = All(code, language);
        Assert.True(findings.Count == 1, $"expected one finding for <{code}>, got {findings.Count}:\n{Dump(findings)}");
        return findings[0];
    }

    public static void Expect(string code, ScriptLanguage language, ScriptFindingKind kind, string api, string? argument, bool recursive = false)
    {
        var f = One(code, language);
        Assert.True(f.Kind == kind && f.Api == api && f.Argument == argument && f.Recursive == recursive,
            $"for <{code}> expected {kind} {api} [{argument}] recursive={recursive}, got {f}");
    }

    public static void None(string code, ScriptLanguage language)
    {
        var findings = All(code, language);
        Assert.True(findings.Count == 0, $"expected no finding for <{code}>, got:\n{Dump(findings)}");
    }

    public static string Dump(IEnumerable<ScriptFinding> findings) => string.Join("\n", findings.Select(f => f.ToString()));
}
