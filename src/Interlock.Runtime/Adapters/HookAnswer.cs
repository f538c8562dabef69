namespace Interlock.Runtime.Adapters;

/// <summary>What the harness gets back: the exact bytes for stdout and stderr, and the exit code.</summary>
internal sealed record HookAnswer(string Stdout, string Stderr, int ExitCode);
