namespace Interlock.Core.Knowledge;

/// <summary><c>shutdown</c>, <c>reboot</c>, <c>poweroff</c>, <c>halt</c>, <c>init</c>/<c>telinit</c> runlevels,
/// <c>loginctl</c> power and session commands, <c>kexec -e</c>: taking the machine (or its sessions) down.
/// <c>systemctl poweroff|reboot|...</c> is read by <see cref="Systemctl"/> with the same words.</summary>
public sealed class Power : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["shutdown", "reboot", "poweroff", "halt", "init", "telinit", "loginctl", "kexec"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Any(a => a.Text is "--help" or "--version")) return;
        switch (inv.Name)
        {
            case "shutdown": Shutdown(inv, ctx, effects); break;
            case "reboot" or "poweroff" or "halt":
            {
                var (flags, _) = Options.Split(args);
                // --wtmp-only only writes the shutdown record; -k / --no-wall variants still act.
                if (Options.Has(flags, 'w', "--wtmp-only")) return;
                var action = inv.Name!;
                if (flags.Contains("--reboot")) action = "reboot";
                else if (flags.Contains("--poweroff") || (inv.Name == "halt" && Options.Has(flags, 'p'))) action = "poweroff";
                else if (flags.Contains("--halt")) action = "halt";
                effects.Add(Machine(action, inv, ctx));
                break;
            }
            case "init" or "telinit":
            {
                var (_, operands) = Options.Split(args);
                if (operands.Count == 0) return;
                var level = operands[0];
                var action = !level.Known ? "runlevel-unknown" : level.Text switch
                {
                    "0" => "poweroff",
                    "6" => "reboot",
                    "1" or "s" or "S" or "single" or "emergency" => "rescue",
                    "2" or "3" or "4" or "5" => "runlevel",
                    _ => null, // q/Q (reload), u/U (re-exec) and anything else
                };
                if (action == "runlevel")
                    effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, TargetOf(inv),
                        $"switches the machine to runlevel {level.Text}, stopping every service that is not part of it", inv, ctx));
                else if (action == "runlevel-unknown")
                    effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, TargetOf(inv),
                        $"switches the machine to a runlevel computed at run time (`{level.Text}`), which may shut it down or reboot it", inv, ctx));
                else if (action is not null)
                    effects.Add(Machine(action, inv, ctx));
                break;
            }
            case "loginctl": Loginctl(inv, ctx, effects); break;
            case "kexec":
            {
                var (flags, operands) = Options.Split(args, MachineEffects.TakesValue("t", "--type", "--append", "--command-line", "--initrd", "--reuse-cmdline", "--dtb"));
                var loadsOnly = flags.Any(f => f is "-l" or "--load" or "-p" or "--load-panic" or "-u" or "--unload" or "-S" or "--status" or "-s" or "--kexec-file-syscall");
                // `kexec -e` boots the loaded kernel; `kexec kernel` without -l loads and boots it at once.
                if (Options.Has(flags, 'e', "--exec") || (!loadsOnly && operands.Count > 0))
                    effects.Add(Machine("kexec", inv, ctx));
                break;
            }
        }
    }

    private static void Shutdown(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args);
        // -c cancels a pending shutdown; -k only sends the warning; --show lists the pending one.
        if (Options.Has(flags, 'c') || Options.Has(flags, 'k') || flags.Contains("--show")) return;
        var action = Options.Has(flags, 'r', "--reboot") ? "reboot"
            : Options.Has(flags, 'H', "--halt") ? "halt"
            : Options.Has(flags, 's') ? "suspend" // macOS: shutdown -s (sleep)
            : "poweroff";
        var when = operands.FirstOrDefault()?.Text;
        var effect = Machine(action, inv, ctx);
        if (when is not null and not "now" and not "+0" and not "0")
            effect = effect with { Description = effect.Description + $" (scheduled: {when})" };
        effects.Add(effect);
    }

    private static void Loginctl(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("psHMno", "--property", "--signal", "--kill-whom", "--host", "--machine", "--lines", "--output"));
        if (operands.Count == 0 || flags.Contains("--dry-run")) return;
        var verb = operands[0].Text;
        var names = operands.Skip(1).Select(o => o.Text).ToList();
        var host = MachineEffects.Value(inv.Args, 'H', false, "--host");
        switch (verb)
        {
            case "poweroff" or "reboot" or "halt" or "suspend" or "hibernate" or "hybrid-sleep" or "suspend-then-hibernate" or "kexec":
                effects.Add(Machine(verb, inv, ctx, host));
                break;
            case "terminate-session" or "kill-session":
                effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, "sessions " + string.Join(' ', names),
                    $"ends the login session(s) {MachineEffects.List(names)}, killing every program running in them", inv, ctx, ("host", host)));
                break;
            case "terminate-user" or "kill-user":
                effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, "users " + string.Join(' ', names),
                    $"logs out the user(s) {MachineEffects.List(names)}, killing every process they run", inv, ctx, ("host", host)));
                break;
            case "terminate-seat":
                effects.Add(MachineEffects.Make(EffectKind.DisruptSystem, "seats " + string.Join(' ', names),
                    $"ends every session on seat(s) {MachineEffects.List(names)}", inv, ctx, ("host", host)));
                break;
        }
    }

    private static string TargetOf(Invocation inv, string? host = null) => host ?? inv.Context.RemoteHost ?? "this machine";

    /// <summary>The effect of a power action (poweroff, reboot, halt, kexec, soft-reboot, suspend..., rescue).</summary>
    internal static Effect Machine(string action, Invocation inv, KnowledgeContext ctx, string? host = null) =>
        MachineEffects.Make(EffectKind.DisruptSystem, TargetOf(inv, host), Describe(action, host), inv, ctx, ("host", host));

    internal static string Describe(string action, string? host = null)
    {
        var machine = host is null ? "the machine" : $"the machine {host}";
        return action switch
        {
            "reboot" => $"reboots {machine}: every program and session on it stops, and its services are down until it is back",
            "soft-reboot" => $"restarts the whole userspace of {machine}: every service and session on it stops",
            "kexec" => $"reboots {machine} straight into another kernel: every program and session on it stops",
            "halt" => $"halts {machine}: everything running on it stops until someone restarts it",
            "suspend" or "hibernate" or "hybrid-sleep" or "suspend-then-hibernate" or "sleep" =>
                $"puts {machine} to sleep ({action}): it stops serving and every connection to it drops",
            "rescue" or "emergency" => $"switches {machine} to {action} mode, stopping every service and network login",
            "default" => $"switches {machine} to its default target, stopping every unit that target does not need",
            "exit" => $"asks the service manager of {machine} to exit, stopping everything it runs",
            _ => $"shuts {machine} down: everything running on it stops until someone powers it back on",
        };
    }
}
