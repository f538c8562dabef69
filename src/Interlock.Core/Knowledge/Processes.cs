namespace Interlock.Core.Knowledge;

/// <summary><c>kill</c>, <c>pkill</c>, <c>killall</c>, <c>killall5</c>: ending one process is everyday work; signalling
/// every process (<c>kill -9 -1</c>, <c>killall5</c>), every process of a user (<c>pkill -u dev</c>, <c>killall -u dev</c>),
/// PID 1 or the daemons that keep the machine reachable (sshd, systemd...) disrupts the system.</summary>
public sealed class Processes : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["kill", "pkill", "killall", "killall5"];

    /// <summary>Processes whose death takes the machine, its remote access or its users' sessions down.</summary>
    private static readonly Dictionary<string, string> Critical = new()
    {
        ["sshd"] = "SSH access to the machine is cut off",
        ["systemd"] = "systemd is the service manager (or the user's session manager); the machine or session goes down",
        ["init"] = "init is PID 1; the machine goes down",
        ["launchd"] = "launchd is PID 1 on macOS; the machine goes down",
        ["dbus-daemon"] = "the desktop and many services stop working",
        ["dbus-broker"] = "the desktop and many services stop working",
        ["systemd-logind"] = "every login session is affected",
        ["Xorg"] = "every graphical session ends",
        ["Xwayland"] = "graphical applications lose their display",
        ["gnome-shell"] = "the user's desktop session ends",
        ["WindowServer"] = "every graphical session on the Mac ends",
        ["loginwindow"] = "the user is logged out",
        ["NetworkManager"] = "the machine can lose its network",
        ["systemd-networkd"] = "the machine can lose its network",
        ["dockerd"] = "every container on the machine stops",
        ["containerd"] = "every container on the machine stops",
        ["kubelet"] = "this node stops running its pods",
    };

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (inv.Args.Any(a => a.Text is "--help" or "--version" or "-V")) return;
        switch (inv.Name)
        {
            case "kill": Kill(inv, ctx, effects); break;
            case "pkill": Pkill(inv, ctx, effects); break;
            case "killall": Killall(inv, ctx, effects); break;
            case "killall5":
            {
                var signal = inv.Args.FirstOrDefault(a => a.Text.StartsWith('-') && a.Text is not "-o")?.Text[1..] ?? "TERM";
                if (Normalize(signal) == "0") return;
                effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, "every process",
                    $"`killall5` sends SIG{Normalize(signal)} to every process on the machine outside its own session: services, sessions and the agent itself stop", inv, ctx));
                break;
            }
        }
    }

    /// <summary>A signal name without the SIG prefix, upper case; numbers for the common ones become names.</summary>
    private static string Normalize(string signal)
    {
        var s = signal.ToUpperInvariant();
        if (s.StartsWith("SIG")) s = s[3..];
        return s switch { "1" => "HUP", "2" => "INT", "3" => "QUIT", "9" => "KILL", "15" => "TERM", "10" => "USR1", "12" => "USR2", _ => s };
    }

    private static bool IsSignalWord(string t) =>
        t.Length > 1 && t[0] == '-' && (t.Skip(1).All(char.IsAsciiDigit) || (t.Length > 2 && t.Skip(1).All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '+' || c == '-')));

    private static void Kill(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var signal = "TERM";
        var i = 0;
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (t is "-l" or "-L" or "--list" or "--table" or "-p" or "--pid") return; // lists signals or prints pids only
            if (t is "-s" or "-n" or "--signal") { signal = i + 1 < args.Count ? args[i + 1].Text : signal; i += 2; continue; }
            if (t.StartsWith("--signal=")) { signal = t["--signal=".Length..]; i++; continue; }
            if (t is "-q" or "--queue" or "--timeout") { i += t == "--timeout" ? 3 : 2; continue; }
            if (t is "-a" or "--all" or "--verbose" or "-r" or "--require-handler") { i++; continue; }
            // The first word may be the signal (-9, -KILL, -SIGKILL, -kill); after it, a dash starts a process group.
            if (i == 0 && t.Length > 1 && t[0] == '-' && args[i].Known) { signal = t[1..]; i++; continue; }
            break;
        }
        signal = Normalize(signal);
        if (signal == "0") return; // only checks that the process exists
        foreach (var pid in args.Skip(i))
        {
            if (!pid.Known) continue;
            if (pid.Text == "-1")
                effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, "every process",
                    inv.Context.Elevated
                        ? $"sends SIG{signal} to every process on the machine (pid -1 as root): services, sessions and the agent itself stop"
                        : $"sends SIG{signal} to every process the user can signal (pid -1): every program of this user, including the agent and the user's session, ends",
                    inv, ctx));
            else if (pid.Text is "1" && signal is not ("HUP" or "USR1" or "USR2"))
                effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, "pid 1",
                    $"sends SIG{signal} to PID 1 (init/systemd, or a container's main process): the machine (or container) can go down", inv, ctx));
        }
    }

    private static readonly Func<string, bool> PkillValued = MachineEffects.TakesValue("gGPstuUFq",
        "--signal", "--pgroup", "--group", "--parent", "--session", "--terminal", "--euid", "--uid", "--pidfile", "--ns", "--nslist", "--cgroup", "--queue", "--env");

    private static bool MatchesEverything(string pattern) => pattern is "" or "." or ".*" or "^" or "$" or "^.*" or ".*$" or "^.*$" or ".+" or "*";

    private static void Pkill(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var signal = "TERM";
        var filtered = new List<Arg>();
        foreach (var a in args)
        {
            // -9, -KILL, -HUP are signals; single upper-case letters (-G, -P, -U, -F) are options.
            if (IsSignalWord(a.Text) && !(a.Text.Length == 2 && char.IsAsciiLetter(a.Text[1]))) { signal = a.Text[1..]; continue; }
            filtered.Add(a);
        }
        var (flags, operands) = Options.Split(filtered, PkillValued);
        if (MachineEffects.Value(filtered, null, false, "--signal") is { } s) signal = s;
        signal = Normalize(signal);
        if (signal == "0") return;
        var users = MachineEffects.Value(filtered, 'u', true, "--euid") ?? MachineEffects.Value(filtered, 'U', true, "--uid");
        var group = MachineEffects.Value(filtered, 'G', true, "--group");
        var pattern = operands.FirstOrDefault();
        var fullCommand = Options.Has(flags, 'f', "--full");
        AnalyzeSelection("pkill", signal, users, group, pattern is null ? [] : [pattern], fullCommand, inv, ctx, effects);
    }

    private static void Killall(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var signal = "TERM";
        var filtered = new List<Arg>();
        foreach (var a in args)
        {
            if (IsSignalWord(a.Text) && !(a.Text.Length == 2 && char.IsAsciiLetter(a.Text[1]))) { signal = a.Text[1..]; continue; }
            filtered.Add(a);
        }
        var (flags, operands) = Options.Split(filtered, MachineEffects.TakesValue("suyonZc", "--signal", "--user", "--younger-than", "--older-than", "--ns", "--context"));
        if (Options.Has(flags, 'l', "--list")) return;
        if (MachineEffects.Value(filtered, 's', false, "--signal") is { } s) signal = s;
        signal = Normalize(signal);
        if (signal == "0") return;
        var users = MachineEffects.Value(filtered, 'u', false, "--user");
        var regex = Options.Has(flags, 'r', "--regexp") || Options.Has(flags, 'm'); // -m: macOS regular expressions
        AnalyzeSelection("killall", signal, users, null, operands, regex, inv, ctx, effects);
    }

    /// <summary>A kill by name, user or group: everything of a user, everything at all, or a critical daemon disrupts.</summary>
    private static void AnalyzeSelection(string tool, string signal, string? users, string? group, List<Arg> names, bool patternMatching,
        Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var known = names.Where(n => n.Known).Select(n => n.Text).ToList();
        var selectsAll = names.Count == 0 || known.Any(n => MatchesEverything(n) || (patternMatching && n is ".*" or "."));
        if (users is not null && selectsAll)
        {
            effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, $"processes of {users}",
                $"`{tool}` sends SIG{signal} to every process of user(s) {users}: their sessions, editors, servers and agents all end", inv, ctx, ("user", users)));
            return;
        }
        if (group is not null && selectsAll)
        {
            effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, $"processes of group {group}",
                $"`{tool}` sends SIG{signal} to every process of group(s) {group}", inv, ctx));
            return;
        }
        if (names.Count > 0 && known.Any(MatchesEverything))
        {
            effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, "every process",
                $"`{tool}` with the pattern `{known.First(MatchesEverything)}` matches every process{(inv.Context.Elevated ? " on the machine" : " of the user")} and sends each SIG{signal}", inv, ctx));
            return;
        }
        foreach (var n in known)
        {
            var baseName = n.Split(' ')[0].TrimStart('^').TrimEnd('$');
            baseName = baseName[(baseName.LastIndexOf('/') + 1)..];
            if (Critical.TryGetValue(baseName, out var why))
                effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, baseName,
                    $"`{tool}` sends SIG{signal} to `{baseName}`: {why}", inv, ctx));
        }
    }
}
