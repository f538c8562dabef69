namespace Interlock.Fuzz;

/// <summary>One component under coverage-guided fuzzing. <see cref="Run"/> gets one input's bytes; it must return
/// normally for every input. A finding is an exception escaping it (a crash for the fuzzer) or a run longer than
/// the fuzzer's time limit (a hang). A target may also throw <see cref="FuzzFinding"/> for a broken invariant that
/// the component itself hides (an engine decision with rule id <c>internal-error</c>).</summary>
public interface IFuzzTarget
{
    /// <summary>The name used on the command line and for the seed and findings directories.</summary>
    string Name { get; }

    /// <summary>One line: what the target feeds to which component.</summary>
    string Description { get; }

    /// <summary>Starting inputs: a few hand-written ones plus, where it helps, rows of the labeled corpus.</summary>
    IEnumerable<string> Seeds(SeedSources sources);

    void Run(byte[] input);
}

/// <summary>An invariant the component broke without throwing (so the fuzzer sees it as a crash).</summary>
public sealed class FuzzFinding(string message) : Exception(message);
