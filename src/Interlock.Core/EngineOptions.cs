using Interlock.Core.Shell;

namespace Interlock.Core;

/// <summary>Settings the engine's built-in knowledge uses. Defaults never stop everyday work.</summary>
public sealed record EngineOptions
{
    /// <summary>Directory names a build regenerates; deleting them inside a project is allowed.</summary>
    public IReadOnlyList<string> RegenerableNames { get; init; } =
    [
        "node_modules", "bin", "obj", "dist", "build", "target", "out", ".venv", "venv", "__pycache__", "coverage",
        ".next", ".nuxt", ".cache", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".gradle", ".tox", ".turbo",
        ".parcel-cache", ".angular", ".svelte-kit", "*.egg-info", ".eggs", "htmlcov", ".nyc_output", ".dart_tool",
        "DerivedData", ".expo", ".sass-cache", "TestResults", "BenchmarkDotNet.Artifacts",
    ];

    /// <summary>The subset that is unambiguous outside a project (a <c>~/bin</c> is a person's scripts).</summary>
    public IReadOnlyList<string> RegenerableNamesOutsideProjects { get; init; } =
    [
        "node_modules", ".venv", "__pycache__", ".cache", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".tox", "*.egg-info",
    ];

    /// <summary>File name patterns that are always regenerable or disposable.</summary>
    public IReadOnlyList<string> RegenerableFilePatterns { get; init; } =
    [
        "*.pyc", "*.pyo", "*.o", "*.obj", "*.class", ".DS_Store", "*.log", "*.tmp", "*~", "*.orig", "*.rej", "*.swp",
        "Thumbs.db", "*.egg-info", "__pycache__",
    ];

    /// <summary>Branches that are shared: force-pushing or deleting them asks even with a lease.</summary>
    public IReadOnlyList<string> ProtectedBranches { get; init; } =
        ["main", "master", "develop", "development", "trunk", "production", "prod", "release", "release/*", "releases/*", "stable"];

    /// <summary>Name tokens that mark production (kube contexts, namespaces, AWS profiles, workspaces, hosts, databases).</summary>
    public IReadOnlyList<string> ProductionNames { get; init; } = ["prod", "production", "prd", "live"];

    public IReadOnlyList<string> StagingNames { get; init; } = ["staging", "stage", "stg", "preprod", "uat", "qa"];

    public IReadOnlyList<string> DevelopmentNames { get; init; } =
        ["dev", "development", "local", "localhost", "test", "testing", "sandbox", "minikube", "kind", "docker-desktop", "ci", "scratch", "demo"];

    public ParseLimits ParseLimits { get; init; } = ParseLimits.Default;

    public static readonly EngineOptions Default = new();
}
