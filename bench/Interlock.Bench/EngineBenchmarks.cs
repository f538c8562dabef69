using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Interlock.Core;
using Interlock.Core.Analysis;

namespace Interlock.Bench;

/// <summary>Engine evaluation per command over the project's labeled corpus (a mix of safe, destructive and
/// evasive commands). The world view is in memory so the figure is the engine's own cost.</summary>
[MemoryDiagnoser]
[MedianColumn]
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
        // Every labeled corpus file: git and files, databases and interpreters, clusters, cloud, systems.
        return Directory.GetFiles(Path.Combine(dir, "tests", "corpus"), "*.jsonl").Order()
            .SelectMany(File.ReadLines)
            .Where(l => l.Length > 0)
            .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("command").GetString()!)
            .ToArray();
    }

    /// <summary>The corpus is cut to a fixed size so the per-operation division stays exact as it grows.</summary>
    private const int CorpusSample = 2500;

    [Benchmark(Description = "Evaluate one command (mean over the corpus)", OperationsPerInvoke = CorpusSample)]
    public Verdict EvaluateCorpus()
    {
        var worst = Verdict.Allow;
        for (var i = 0; i < CorpusSample; i++)
        {
            var v = _engine.Evaluate(new ActionRequest("Bash", _commands[i % _commands.Length], "/home/dev/project"), _world).Verdict;
            if (v > worst) worst = v;
        }
        return worst;
    }

    [Benchmark(Description = "Evaluate `git status`")]
    public Verdict Safe() => _engine.Evaluate(new ActionRequest("Bash", "git status", "/home/dev/project"), _world).Verdict;

    [Benchmark(Description = "Evaluate `sudo bash -c 'cd / && rm -rf *'`")]
    public Verdict Nested() => _engine.Evaluate(new ActionRequest("Bash", "sudo bash -c 'cd / && rm -rf *'", "/home/dev/project"), _world).Verdict;

    public static void Main(string[] args)
    {
        if (args is ["--per-command", ..]) { PerCommand.Run(args.Length > 1 ? int.Parse(args[1]) : 200, null); return; }
        // The same with a realistic 100-rule policy loaded (parsed and compiled once, timed separately).
        if (args is ["--print-policy"]) { Console.Write(RealisticPolicy.Yaml()); return; }
        if (args is ["--per-command-policy", ..]) { PerCommand.Run(args.Length > 1 ? int.Parse(args[1]) : 200, RealisticPolicy.Compile()); return; }
        BenchmarkSwitcher.FromAssembly(typeof(EngineBenchmarks).Assembly).Run(args);
    }
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

/// <summary>`--per-command [N]`: evaluates each corpus command N times and reports the distribution of per-command
/// medians (BenchmarkDotNet gives the corpus mean; the target is a median per command) and the slowest commands.</summary>
internal static class PerCommand
{
    public static void Run(int iterations, Interlock.Core.Policy.CompiledPolicy? policy)
    {
        var engine = policy is null ? new Engine() : new Engine(policy);
        if (policy is not null) Console.WriteLine($"policy: {policy.Source.Rules.Count} rules and overrides, {policy.Source.Commands.Count} command rules, {policy.Settings.ProtectedPaths.Count} protected paths");
        var world = new BenchWorld();
        var commands = EngineBenchmarks.LoadCorpus();
        foreach (var c in commands) engine.Evaluate(new ActionRequest("Bash", c, "/home/dev/project"), world); // warm up
        var medians = new List<(double Micros, string Command)>();
        var samples = new double[iterations];
        foreach (var c in commands)
        {
            for (var i = 0; i < iterations; i++)
            {
                var start = System.Diagnostics.Stopwatch.GetTimestamp();
                engine.Evaluate(new ActionRequest("Bash", c, "/home/dev/project"), world);
                samples[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
            Array.Sort(samples);
            medians.Add((samples[iterations / 2], c));
        }
        medians.Sort();
        double At(double q) => medians[(int)(q * (medians.Count - 1))].Micros;
        Console.WriteLine($"commands: {medians.Count}, iterations each: {iterations}");
        Console.WriteLine($"per-command median time: p50 {At(0.5):F1} us, p90 {At(0.9):F1} us, p99 {At(0.99):F1} us, max {medians[^1].Micros:F1} us");
        Console.WriteLine("slowest:");
        foreach (var (us, c) in medians.TakeLast(10).Reverse())
            Console.WriteLine($"  {us,8:F1} us  {(c.Length > 100 ? c[..100] + "..." : c).Replace("\n", "\\n")}");
    }
}
