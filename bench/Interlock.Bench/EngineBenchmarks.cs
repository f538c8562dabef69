using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Interlock.Core;
using Interlock.Core.Analysis;

namespace Interlock.Bench;

/// <summary>Engine evaluation per command over the project's labeled corpus (a mix of safe, destructive and
/// evasive commands). The world view is in memory so the figure is the engine's own cost.</summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private Engine _engine = null!;
    private BenchWorld _world = null!;
    private string[] _commands = [];

    [GlobalSetup]
    public void Setup()
    {
        _engine = new Engine();
        _world = new BenchWorld();
        _commands = LoadCorpus();
    }

    public static string[] LoadCorpus()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "tests", "corpus", "git-fs.jsonl"))) dir = Path.GetDirectoryName(dir);
        if (dir is null) throw new FileNotFoundException("tests/corpus/git-fs.jsonl not found above " + AppContext.BaseDirectory);
        return File.ReadLines(Path.Combine(dir, "tests", "corpus", "git-fs.jsonl"))
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("command").GetString()!)
            .ToArray();
    }

    [Benchmark(Description = "Evaluate one command (mean over the corpus)", OperationsPerInvoke = 940)]
    public Verdict EvaluateCorpus()
    {
        var worst = Verdict.Allow;
        var n = 0;
        foreach (var c in _commands)
        {
            var v = _engine.Evaluate(new ActionRequest("Bash", c, "/home/dev/project"), _world).Verdict;
            if (v > worst) worst = v;
            if (++n == 940) break;
        }
        return worst;
    }

    [Benchmark(Description = "Evaluate `git status`")]
    public Verdict Safe() => _engine.Evaluate(new ActionRequest("Bash", "git status", "/home/dev/project"), _world).Verdict;

    [Benchmark(Description = "Evaluate `sudo bash -c 'cd / && rm -rf *'`")]
    public Verdict Nested() => _engine.Evaluate(new ActionRequest("Bash", "sudo bash -c 'cd / && rm -rf *'", "/home/dev/project"), _world).Verdict;

    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(EngineBenchmarks).Assembly).Run(args);
}

internal sealed class BenchWorld : IWorldView
{
    public string HomeDirectory => "/home/dev";
    public string? GetEnvironmentVariable(string name) => name == "HOME" ? "/home/dev" : null;
    public PathKind GetPathKind(string absolutePath) => absolutePath.EndsWith(".md") || absolutePath.EndsWith(".py") ? PathKind.File : PathKind.Directory;
    public string? FindRepositoryRoot(string absoluteDirectory) => PathResolver.IsUnder(absoluteDirectory, "/home/dev/project") ? "/home/dev/project" : null;
    public string? CurrentBranch(string repositoryRoot) => "feature/login";
    public string? ReadTextFile(string absolutePath, int maxBytes) => null;
}
