namespace Interlock.Core.Knowledge;

/// <summary><c>systemctl</c>, <c>service</c>, <c>rc-service</c> and <c>launchctl</c>: stopping, disabling, masking or
/// killing services disrupts the system; starting, restarting, reloading and enabling change it (which matters in
/// production); status, show, list-* and cat only read.</summary>
public sealed class Systemctl : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["systemctl", "service", "rc-service", "launchctl"];

    private static readonly Func<string, bool> SystemctlValued = MachineEffects.TakesValue("HMtpPsno",
        "--host", "--machine", "--type", "--state", "--property", "--signal", "--kill-whom", "--kill-value", "--job-mode",
        "--root", "--lines", "--output", "--timestamp", "--what", "--boot-loader-entry", "--boot-loader-menu",
        "--reboot-argument", "--message", "--when", "--check-inhibitors", "--preset-mode", "--legend", "--image",
        "--drop-in", "--image-policy", "--kill-subgroup");

    private static readonly HashSet<string> PowerVerbs =
        ["poweroff", "reboot", "halt", "kexec", "soft-reboot", "suspend", "hibernate", "hybrid-sleep", "suspend-then-hibernate", "sleep", "rescue", "emergency", "default", "exit", "switch-root"];

    private static readonly HashSet<string> StopVerbs = ["stop", "disable", "mask", "kill", "isolate", "freeze", "condstop"];

    private static readonly HashSet<string> ChangeVerbs =
    [
        "start", "restart", "reload", "try-restart", "reload-or-restart", "try-reload-or-restart", "force-reload",
        "condrestart", "condreload", "enable", "reenable", "unmask", "daemon-reload", "daemon-reexec", "set-property", "edit",
        "revert", "preset", "preset-all", "link", "add-wants", "add-requires", "set-default", "set-environment",
        "unset-environment", "import-environment", "thaw", "bind", "mount-image", "log-level", "log-target", "service-log-level",
        "service-log-target", "clean",
    ];

    /// <summary>Targets whose activation takes the machine down or into rescue mode.</summary>
    private static readonly Dictionary<string, string> PowerTargets = new()
    {
        ["poweroff.target"] = "poweroff", ["shutdown.target"] = "poweroff", ["halt.target"] = "halt", ["reboot.target"] = "reboot",
        ["ctrl-alt-del.target"] = "reboot", ["kexec.target"] = "kexec", ["soft-reboot.target"] = "soft-reboot",
        ["rescue.target"] = "rescue", ["emergency.target"] = "emergency", ["suspend.target"] = "suspend", ["sleep.target"] = "suspend",
        ["hibernate.target"] = "hibernate", ["hybrid-sleep.target"] = "hybrid-sleep", ["suspend-then-hibernate.target"] = "suspend-then-hibernate",
        ["exit.target"] = "exit", ["runlevel0.target"] = "poweroff", ["runlevel6.target"] = "reboot", ["runlevel1.target"] = "rescue",
    };

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        if (inv.Args.Any(a => a.Text is "--help" or "--version" or "-h")) return;
        switch (inv.Name)
        {
            case "systemctl": AnalyzeSystemctl(inv, ctx, effects); break;
            case "service": AnalyzeService(inv, ctx, effects, rc: false); break;
            case "rc-service": AnalyzeService(inv, ctx, effects, rc: true); break;
            case "launchctl": AnalyzeLaunchctl(inv, ctx, effects); break;
        }
    }

    private static void AnalyzeSystemctl(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, SystemctlValued);
        if (operands.Count == 0 || flags.Contains("--dry-run")) return;
        var verb = operands[0].Text;
        var units = operands.Skip(1).Select(u => u.Text).ToList();
        var host = MachineEffects.Value(inv.Args, 'H', false, "--host");
        var user = flags.Contains("--user") || flags.Contains("--global");
        var now = flags.Contains("--now");
        var scope = user ? "user service" : "service";
        var where = host is null ? "" : $" on {host}";

        if (PowerVerbs.Contains(verb))
        {
            if (MachineEffects.Value(inv.Args, null, false, "--when") is "cancel" or "show") return;
            if (user && verb == "exit")
            {
                effects.Add(Make(EffectKind.DisruptSystem, "user service manager", $"stops the user's service manager{where} and every user service it runs"));
                return;
            }
            effects.Add(Power.Machine(verb, inv, ctx, host));
            return;
        }

        Effect Make(EffectKind kind, string target, string description, string? unit = null) =>
            MachineEffects.Make(kind, target, description, inv, ctx, ("host", host), ("unit", unit));

        if (StopVerbs.Contains(verb) || verb is "start" or "restart" or "reload-or-restart" or "try-restart")
        {
            // Starting poweroff.target or isolating rescue.target takes the machine down like `systemctl poweroff`
            // (isolate adds the .target suffix itself).
            foreach (var u in units)
                if (PowerTargets.TryGetValue(verb == "isolate" && !u.Contains('.') ? u + ".target" : u, out var action) && verb is "start" or "isolate" or "restart" or "reload-or-restart")
                {
                    effects.Add(Power.Machine(action, inv, ctx, host));
                    return;
                }
        }

        if (StopVerbs.Contains(verb))
        {
            var signal = MachineEffects.Value(inv.Args, 's', false, "--signal")?.ToUpperInvariant();
            if (signal is not null && signal.StartsWith("SIG")) signal = signal[3..];
            foreach (var u in units)
            {
                var consequence = Consequence(u);
                string description = verb switch
                {
                    "stop" or "condstop" => $"stops the {scope} `{u}`{where}{consequence}",
                    "disable" => now ? $"stops the {scope} `{u}`{where} and keeps it from starting at boot{consequence}"
                        : $"disables the {scope} `{u}`{where} so it no longer starts at boot{consequence}",
                    "mask" => $"masks the {scope} `{u}`{where}: it can no longer be started at all{(now ? ", and it is stopped now" : "")}{consequence}",
                    "kill" => $"kills the processes of the {scope} `{u}`{where}{(signal is null ? "" : $" with SIG{signal}")}{consequence}",
                    "isolate" => $"switches{where} to the target `{u}`, stopping every unit it does not need",
                    "freeze" => $"freezes every process of the {scope} `{u}`{where}, so it stops responding",
                    _ => $"stops the {scope} `{u}`{where}",
                };
                // A reload signal to a service's processes is a change, not an outage.
                var kind = verb == "kill" && signal is "HUP" or "1" or "USR1" or "USR2" or "0" or "WINCH" ? EffectKind.ChangeInfrastructure : EffectKind.DisruptSystem;
                effects.Add(Make(kind, u, description, u));
            }
            return;
        }

        if (ChangeVerbs.Contains(verb))
        {
            if (verb == "clean")
            {
                var what = MachineEffects.Value(inv.Args, null, false, "--what") ?? "cache,runtime";
                var destroys = what.Split(',').Any(w => w is "state" or "logs" or "all" or "configuration" or "fdstore");
                foreach (var u in units)
                    effects.Add(Make(destroys ? EffectKind.DestroyData : EffectKind.ChangeInfrastructure, u,
                        $"deletes the {what.Replace(",", " and ")} directories of the {scope} `{u}`{where}", u));
                return;
            }
            if (units.Count == 0 || verb is "daemon-reload" or "daemon-reexec" or "preset-all" or "set-environment" or "unset-environment" or "import-environment" or "log-level" or "log-target")
            {
                effects.Add(Make(EffectKind.ChangeInfrastructure, "service manager", $"`systemctl {verb}` changes the {(user ? "user's " : "")}service manager's state{where}"));
                return;
            }
            foreach (var u in units)
            {
                var description = verb switch
                {
                    "start" => $"starts the {scope} `{u}`{where}",
                    "enable" or "reenable" => $"enables the {scope} `{u}`{where}{(now ? " and starts it now" : "")}",
                    "unmask" => $"unmasks the {scope} `{u}`{where}",
                    "set-default" => $"makes `{u}` the default boot target{where}",
                    "edit" or "revert" or "set-property" => $"changes the configuration of the {scope} `{u}`{where}",
                    "reload" => $"reloads the {scope} `{u}`{where}",
                    _ when verb.Contains("restart") => $"restarts the {scope} `{u}`{where} (it is briefly down)",
                    _ => $"`systemctl {verb}` changes the {scope} `{u}`{where}",
                };
                // Enabling (or linking a unit into the boot or login sequence) makes it start on its own later.
                // A system unit is a package's (writing one under /etc is stopped on its own); a user unit, or one
                // linked in from a path, is something the agent may have written itself.
                var persists = verb is "enable" or "reenable" or "link" or "add-wants" or "add-requires" or "preset" && (user || verb == "link" || u.Contains('/'));
                effects.Add(Make(persists ? EffectKind.InstallPersistence : EffectKind.ChangeInfrastructure, u,
                    persists ? description + $", so it starts on its own at every {(user ? "login" : "boot")}" : description, u));
                if (verb is "set-property" or "set-default" or "edit" or "revert" or "log-level" or "service-log-level" or "service-log-target") break;
            }
        }
        // status, show, cat, list-*, is-*, help, get-default, show-environment...: read only.
    }

    /// <summary>What stopping a unit costs beyond the service itself, for the units whose loss is worst.</summary>
    private static string Consequence(string unit)
    {
        var name = unit.EndsWith(".service") ? unit[..^".service".Length] : unit;
        return name switch
        {
            "ssh" or "sshd" or "openssh-server" or "ssh.socket" or "sshd.socket" => ", which cuts off SSH access to the machine (new logins fail)",
            "network" or "networking" or "NetworkManager" or "systemd-networkd" or "systemd-resolved" or "wpa_supplicant" or "network-online.target" =>
                ", which can cut the machine off the network",
            "docker" or "containerd" or "podman" or "docker.socket" => ", taking down every container it runs",
            "kubelet" => ", so this node stops running its pods",
            "firewalld" or "ufw" or "nftables" or "iptables" or "netfilter-persistent" => ", which changes the firewall rules that protect the machine",
            "systemd-journald" or "rsyslog" or "syslog" => ", so the system stops recording logs",
            "dbus" or "dbus-broker" or "systemd-logind" or "gdm" or "sddm" or "lightdm" or "display-manager" => ", which ends or breaks the users' desktop sessions",
            "cron" or "crond" or "cronie" => ", so no scheduled jobs run",
            _ => "",
        };
    }

    private static void AnalyzeService(Invocation inv, KnowledgeContext ctx, List<Effect> effects, bool rc)
    {
        var (flags, operands) = Options.Split(inv.Args);
        if (flags.Contains("--status-all") || flags.Contains("-Z") || flags.Contains("--dry-run") || flags.Contains("-l") || flags.Contains("--list")
            || flags.Contains("-e") || flags.Contains("--exists") || flags.Contains("-r") || flags.Contains("--resolve")) return;
        if (operands.Count == 0) return;
        var name = operands[0].Text;
        var action = operands.Count > 1 ? operands[1].Text : flags.Contains("--full-restart") ? "restart" : null;
        if (action is null) return;
        var tool = rc ? "rc-service" : "service";
        (EffectKind? Kind, string Description) r = action switch
        {
            "stop" or "force-stop" or "graceful-stop" or "kill" or "zap" =>
                (EffectKind.DisruptSystem, $"stops the service `{name}`{Consequence(name)}"),
            "status" or "configtest" or "check" or "help" or "usage" or "describe" or "show" or "--status" => (null, ""),
            "start" => (EffectKind.ChangeInfrastructure, $"starts the service `{name}`"),
            "reload" or "force-reload" => (EffectKind.ChangeInfrastructure, $"reloads the service `{name}`"),
            "restart" or "try-restart" or "condrestart" or "graceful" or "upgrade" or "force-restart" =>
                (EffectKind.ChangeInfrastructure, $"restarts the service `{name}` (it is briefly down)"),
            _ => (EffectKind.ChangeInfrastructure, $"`{tool} {name} {action}` runs the service's `{action}` action"),
        };
        if (r.Kind is { } kind)
            effects.Add(MachineEffects.Make(kind, name, r.Description, inv, ctx, ("unit", name)));
    }

    private static void AnalyzeLaunchctl(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (_, operands) = Options.Split(inv.Args);
        if (operands.Count == 0) return;
        var verb = operands[0].Text;
        var targets = operands.Skip(1).Select(o => o.Text).ToList();
        var target = targets.Count > 0 ? string.Join(' ', targets) : "(none)";
        switch (verb)
        {
            case "unload" or "bootout" or "stop" or "remove" or "kill" or "disable":
                effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, target,
                    $"`launchctl {verb}` stops or removes the launchd service {MachineEffects.List(targets)}", inv, ctx, ("unit", target)));
                break;
            case "reboot":
                effects.Add(Power.Machine(targets.FirstOrDefault() is "halt" ? "halt" : targets.FirstOrDefault() is "logout" ? "exit" : "reboot", inv, ctx));
                break;
            // launchctl(1): load (-w or not) and bootstrap install a job from its plist, which then runs at log-in, on its
            // schedule or kept alive; enable lets a disabled service start on its own; submit keeps a command running.
            case "load" or "bootstrap" or "enable" or "submit" when targets.Count > 0:
            {
                var dd = inv.Args.ToList().FindIndex(a => a.Text == "--");
                var command = verb == "submit" && dd >= 0 ? inv.Args.Skip(dd + 1).ToList() : [];
                effects.Add(MachineEffects.Make(EffectKind.InstallPersistence, target, verb switch
                {
                    "submit" => $"`launchctl submit` keeps `{string.Join(' ', command.Select(c => c.Text))}` running as a launchd job, restarted whenever it exits, outside this session",
                    "enable" => $"`launchctl enable` lets the launchd service {MachineEffects.List(targets)} start on its own again, outside this session",
                    _ => $"`launchctl {verb}` installs the launchd job {MachineEffects.List(targets)}: its program runs at log-in or on its schedule, unattended and outside this session",
                }, inv, ctx, ("unit", target)));
                if (command.Count > 0 && command.All(c => c.Known))
                    EmbeddedCode.Shell(ctx, inv, string.Join(' ', command.Select(c => Analysis.ShellAnalyzer.Quote(c.Text))), "launchctl submit", effects);
                else if (command.Count > 0)
                    EmbeddedCode.Indeterminate(inv, "`launchctl submit` runs a command that is not known in advance", effects);
                break;
            }
            case "start" or "kickstart" or "setenv" or "unsetenv" or "config" or "limit" when targets.Count > 0:
                effects.Add(MachineEffects.Make(EffectKind.ChangeInfrastructure, target,
                    $"`launchctl {verb}` changes the launchd service {MachineEffects.List(targets)}", inv, ctx, ("unit", target)));
                break;
        }
    }
}
