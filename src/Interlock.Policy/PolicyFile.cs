using Interlock.Core;
using Interlock.Core.Policy;

namespace Interlock.Policy;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>A problem in a policy file, at a position, with what was expected there.</summary>
public sealed record PolicyDiagnostic(DiagnosticSeverity Severity, SourceLocation Location, string Message)
{
    public override string ToString() => $"{Location}: {(Severity == DiagnosticSeverity.Error ? "error" : "warning")}: {Message}";
}

/// <summary>A setting's value as one file gives it, with its position.</summary>
public sealed record Setting<T>(T Value, SourceLocation Location);

/// <summary>A list setting: a plain list replaces the inherited list; <c>add</c>/<c>remove</c> change it.</summary>
public sealed record ListSetting(IReadOnlyList<string>? Replace, IReadOnlyList<string> Add, IReadOnlyList<string> Remove)
{
    public IReadOnlyList<string> ApplyTo(IReadOnlyList<string> inherited)
    {
        var result = new List<string>(Replace ?? inherited);
        foreach (var a in Add) if (!result.Contains(a)) result.Add(a);
        result.RemoveAll(Remove.Contains);
        return result;
    }
}

/// <summary>The settings one file gives (null where it says nothing).</summary>
public sealed class FileSettings
{
    public Setting<ListSetting>? RegenerableNames, ProductionNames, StagingNames, DevelopmentNames, ProtectedBranches, ProtectedPaths;
    public Setting<int>? MinLines, MaxBytes, FilesDeleted, LinesRemoved, DestructiveCommands;
    public Setting<double>? RemovedFraction, KeptFraction;
    public Setting<TimeSpan>? Window;
    public Setting<Verdict>? FailClosed;
    /// <summary>Concrete names declared per environment, each with the position of its list.</summary>
    public Setting<List<(Interlock.Core.Environments.DeclaredTarget Target, SourceLocation At)>>? Environments;
    public Setting<bool>? UnknownIsProduction;
    public Setting<HarnessPrompt>? HarnessPrompt;
}

/// <summary>One policy file as read: its settings, rules, overrides, command rules and tests, and every problem found.</summary>
public sealed class PolicyFile
{
    public required string Path { get; init; }
    public required PolicyLayer Layer { get; init; }
    public RuleMode Mode { get; set; } = RuleMode.Enforce;
    public FileSettings Settings { get; } = new();
    public List<PolicyRule> Rules { get; } = [];
    public List<CommandRule> Commands { get; } = [];
    public List<PolicyTestCase> Tests { get; } = [];
    public List<PolicyDiagnostic> Diagnostics { get; } = [];

    public bool HasErrors => Diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error);
}
