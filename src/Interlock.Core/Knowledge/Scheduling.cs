using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// Commands that run a command later or in the background, outside the session the guard checks:
/// <list type="bullet">
/// <item><c>at TIME</c> and <c>batch</c> (at(1)) queue the shell commands read from standard input or <c>-f FILE</c>;
/// <c>-l</c> (atq), <c>-c</c> (print a job), <c>-r</c>/<c>-d</c> (atrm) do not queue anything.</item>
/// <item><c>systemd-run</c> (systemd-run(1)) starts a command as a transient service that keeps running after it
/// returns, or later with a timer (<c>--on-calendar</c>, <c>--on-active</c>, <c>--on-boot</c>...); with
/// <c>--scope</c>, <c>--wait</c>, <c>--pty</c> or <c>--pipe</c> it runs attached and is only a wrapper.</item>
/// </list>
/// The command itself is analysed as well, so what it would destroy is stopped for what it is.
/// </summary>
public sealed class Scheduling : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["at", "batch", "systemd-run"];

    private static readonly Func<string, bool> AtValued = MachineEffects.TakesValue("qftu");

    private static readonly HashSet<string> RunValued =
    [
        "-p", "--property", "-u", "--unit", "--description", "--slice", "-E", "--setenv", "--uid", "--gid", "--nice",
        "--working-directory", "--on-active", "--on-boot", "--on-startup", "--on-unit-active", "--on-unit-inactive",
        "--on-calendar", "--timer-property", "--path-property", "--socket-property", "-H", "--host", "-M", "--machine",
        "--service-type", "--expand-environment", "--background", "--json", "--capsule", "-C",
    ];

    private static readonly string[] TimerOptions =
        ["--on-active", "--on-boot", "--on-startup", "--on-unit-active", "--on-unit-inactive", "--on-calendar", "--on-clock-change", "--on-timezone-change", "--timer-property", "--path-property", "--socket-property"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (inv.Args.Any(a => a.Text is "--help" or "-h" or "--version" or "-V")) return;
        if (inv.Name == "systemd-run") SystemdRun(inv, ctx, effects);
        else At(inv, ctx, effects);
    }

    private static void At(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, AtValued);
        if (inv.Name == "at" && flags.Any(f => f.Length > 1 && f[0] == '-' && f[1] != '-' && f.IndexOfAny(['l', 'c', 'r', 'd']) > 0)) return;
        var file = MachineEffects.Value(inv.Args, 'f', false);
        var when = inv.Name == "batch" ? "when the system load allows" : operands.Count > 0 ? "at " + string.Join(' ', operands.Select(o => o.Text)) : "at a later time";
        string? code;
        string source;
        if (file is not null)
        {
            var path = PathResolver.Combine(KnowledgeContext.Cwd(inv), file);
            code = path is null || inv.Context.RemoteHost is not null ? null : ctx.World.ReadTextFile(path, ctx.Options.FileEditMaxBytes);
            source = $"the commands in {file}";
        }
        else
        {
            code = inv.Stdin;
            source = code is null ? "the commands on standard input" : $"`{Shorten(code)}`";
        }
        effects.Add(MachineEffects.Make(EffectKind.InstallPersistence, $"{inv.Name} job", $"`{inv.Name}` queues {source} to run {when}, unattended and outside this session", inv, ctx));
        if (code is not null) EmbeddedCode.Shell(ctx, inv, code, $"{inv.Name} job", effects);
        else EmbeddedCode.Indeterminate(inv, $"`{inv.Name}` queues {source}, which the guard cannot read", effects);
    }

    private static void SystemdRun(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var i = 0;
        var options = new List<string>();
        while (i < args.Count && args[i].Text.StartsWith('-') && args[i].Text != "--")
        {
            var t = args[i].Text;
            options.Add(t);
            i += RunValued.Contains(t) && !t.Contains('=') ? 2 : 1;
        }
        if (i < args.Count && args[i].Text == "--") i++;
        var command = args.Skip(i).ToList();
        var timer = options.FirstOrDefault(o => TimerOptions.Any(t => o == t || o.StartsWith(t + "=", StringComparison.Ordinal)));
        var attached = options.Any(o => o is "--scope" or "--wait" or "--pty" or "-t" or "--pipe" or "-P" || o.StartsWith("-", StringComparison.Ordinal) && !o.StartsWith("--", StringComparison.Ordinal) && o.IndexOfAny(['t', 'P']) > 0);
        var user = options.Contains("--user");
        var shown = command.Count == 0 ? "a unit's command" : "`" + string.Join(' ', command.Select(c => c.Text)) + "`";
        if (timer is not null)
            effects.Add(MachineEffects.Make(EffectKind.InstallPersistence, "transient timer",
                $"`systemd-run {timer.Split('=')[0]}` schedules {shown} to run later as a {(user ? "user " : "")}service, unattended and outside this session", inv, ctx));
        else if (!attached)
            effects.Add(MachineEffects.Make(EffectKind.InstallPersistence, "transient service",
                $"`systemd-run` starts {shown} as a background {(user ? "user " : "")}service that keeps running after this command returns, outside this session", inv, ctx));
        if (command.Count == 0) return;
        if (command.Any(c => !c.Known))
            EmbeddedCode.Indeterminate(inv, $"`systemd-run` runs {shown}, which is not known in advance", effects);
        else
            EmbeddedCode.Shell(ctx, inv, string.Join(' ', command.Select(c => ShellAnalyzer.Quote(c.Text))), "systemd-run", effects);
    }

    private static string Shorten(string code)
    {
        var line = code.Trim().Replace('\n', ';');
        return line.Length <= 80 ? line : line[..77] + "...";
    }
}
