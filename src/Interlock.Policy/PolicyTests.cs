using Interlock.Core;
using Interlock.Core.Policy;

namespace Interlock.Policy;

/// <summary>The outcome of one policy test case.</summary>
public sealed record PolicyTestResult(PolicyTestCase Case, Decision Decision, bool Passed)
{
    public string Describe()
    {
        var at = Case.Location is { } l ? l + ": " : "";
        var got = $"{Decision.Verdict.ToString().ToLowerInvariant()} ({Decision.RuleId})";
        var want = Case.Expected.ToString().ToLowerInvariant() + (Case.ExpectedRule is { } r ? $" ({r})" : "");
        return Passed ? $"{at}pass: {Case.Name} -> {got}" : $"{at}FAIL: {Case.Name}: expected {want}, got {got}: {Decision.Reason}";
    }
}

/// <summary>Runs the test cases written in policy files against an engine built from the effective policy.</summary>
public static class PolicyTestRunner
{
    /// <param name="world">The world the cases run in; a case without `cwd:` runs in <paramref name="defaultCwd"/>.</param>
    public static List<PolicyTestResult> Run(Engine engine, IEnumerable<PolicyTestCase> cases, IWorldView world, string defaultCwd)
    {
        var results = new List<PolicyTestResult>();
        foreach (var c in cases)
        {
            var request = c.Request.Cwd.Length == 0 ? c.Request with { Cwd = defaultCwd } : c.Request;
            var decision = engine.Evaluate(request, world);
            var passed = decision.Verdict == c.Expected && (c.ExpectedRule is null || decision.RuleId == c.ExpectedRule);
            results.Add(new PolicyTestResult(c, decision, passed));
        }
        return results;
    }
}
