using System.Diagnostics;
using System.Text;
using Interlock.Fuzz;
using SharpFuzz;

// Coverage-guided fuzzing of Interlock's input-facing components (run through tools/fuzz.sh, not dotnet test).
//   Interlock.Fuzz list                         the targets
//   Interlock.Fuzz seeds TARGET DIR [REPO]      write the target's seed inputs into DIR (corpus rows from REPO)
//   Interlock.Fuzz afl TARGET                   the AFL++ persistent-mode loop (started by afl-fuzz)
//   Interlock.Fuzz replay TARGET PATH... [--bound-ms N]
//                                               run saved inputs (files or directories) without AFL and report
//                                               exceptions and inputs slower than the bound (default 1000 ms)

const string Usage = "usage: Interlock.Fuzz list | seeds TARGET DIR [REPO] | afl TARGET | replay TARGET PATH... [--bound-ms N]";

if (args.Length == 0) { Console.Error.WriteLine(Usage); return 2; }
if (args[0] == "list")
{
    foreach (var t in FuzzTargets.All) Console.WriteLine($"{t.Name,-20} {t.Description}");
    return 0;
}
if (args.Length < 2) { Console.Error.WriteLine(Usage); return 2; }
var target = FuzzTargets.Find(args[1]);
if (target is null)
{
    Console.Error.WriteLine($"unknown target `{args[1]}`; the targets are: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
    return 2;
}

switch (args[0])
{
    case "seeds" when args.Length >= 3:
    {
        var repo = args.Length >= 4 ? args[3] : FindRepository();
        Directory.CreateDirectory(args[2]);
        var n = 0;
        foreach (var seed in target.Seeds(new SeedSources(repo)).Distinct())
            File.WriteAllBytes(Path.Combine(args[2], $"seed-{n++:D4}"), Encoding.UTF8.GetBytes(seed));
        Console.WriteLine($"{n} seeds for {target.Name} in {args[2]}");
        return 0;
    }
    case "afl":
        Fuzzer.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            target.Run(buffer.ToArray());
        });
        return 0;
    case "replay" when args.Length >= 3:
    {
        var bound = 1000;
        var paths = new List<string>();
        for (var i = 2; i < args.Length; i++)
        {
            if (args[i] == "--bound-ms" && i + 1 < args.Length) { bound = int.Parse(args[++i]); continue; }
            if (Directory.Exists(args[i])) paths.AddRange(Directory.GetFiles(args[i]).Where(f => !Path.GetFileName(f).StartsWith('.')).Order());
            else paths.Add(args[i]);
        }
        var findings = 0;
        foreach (var path in paths)
        {
            var input = File.ReadAllBytes(path);
            var clock = Stopwatch.StartNew();
            try
            {
                target.Run(input);
                if (clock.ElapsedMilliseconds > bound)
                {
                    findings++;
                    Console.WriteLine($"SLOW {clock.ElapsedMilliseconds} ms > {bound} ms: {path}");
                }
            }
            catch (Exception e)
            {
                findings++;
                Console.WriteLine($"CRASH {path}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        Console.WriteLine($"{paths.Count} inputs replayed on {target.Name}, {findings} finding(s)");
        return findings == 0 ? 0 : 1;
    }
    default:
        Console.Error.WriteLine(Usage);
        return 2;
}

static string FindRepository()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "Interlock.slnx"))) return dir.FullName;
    return Directory.GetCurrentDirectory();
}
