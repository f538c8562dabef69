namespace Interlock.Core.Knowledge;

/// <summary>Firewalls: iptables/ip6tables (and their -legacy/-nft variants, ebtables, arptables), iptables-restore,
/// nft, ufw, firewall-cmd and pfctl. Flushing rules, deleting chains or tables, a default DROP policy or turning the
/// firewall off or on can lock everyone out (SSH included) or expose every service; adding or deleting single rules
/// is a change; listing only reads.</summary>
public sealed class Firewall : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } =
    [
        "iptables", "ip6tables", "iptables-legacy", "ip6tables-legacy", "iptables-nft", "ip6tables-nft", "ebtables", "arptables",
        "iptables-restore", "ip6tables-restore", "iptables-legacy-restore", "ip6tables-legacy-restore", "iptables-nft-restore",
        "ip6tables-nft-restore", "iptables-apply", "ip6tables-apply", "nft", "ufw", "firewall-cmd", "pfctl",
    ];

    private const string LockOut = "with a DROP policy this locks everyone out, SSH included; with ACCEPT it leaves the machine open to all traffic";

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var name = inv.Name!;
        if (inv.Args.Any(a => a.Text is "--help" or "--version")) return;
        if (name.EndsWith("-restore")) Restore(inv, ctx, effects);
        else if (name.EndsWith("-apply")) Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, "firewall rules",
            $"`{name}` applies new firewall rules (it rolls back if the change is not confirmed)");
        else if (name.StartsWith("iptables") || name.StartsWith("ip6tables") || name is "ebtables" or "arptables") Iptables(inv, ctx, effects);
        else if (name == "nft") Nft(inv, ctx, effects);
        else if (name == "ufw") Ufw(inv, ctx, effects);
        else if (name == "firewall-cmd") FirewallCmd(inv, ctx, effects);
        else if (name == "pfctl") Pfctl(inv, ctx, effects);
    }

    private static void Add(List<Effect> effects, Invocation inv, KnowledgeContext ctx, EffectKind kind, string target, string description) =>
        effects.Add(MachineEffects.Make(kind, target, description, inv, ctx));

    private static readonly HashSet<string> IptablesValued =
    [
        "-t", "--table", "-j", "--jump", "-g", "--goto", "-s", "--source", "--src", "-d", "--destination", "--dst", "-p", "--protocol",
        "-i", "--in-interface", "-o", "--out-interface", "-m", "--match", "-w", "--wait", "-W", "--wait-interval", "-c", "--set-counters",
        "--modprobe",
    ];

    /// <summary>Options that narrow a rule to some traffic (a protocol or module alone does not: `-p tcp -j DROP` still cuts SSH).</summary>
    private static readonly HashSet<string> Matchers =
        ["-s", "--source", "--src", "-d", "--destination", "--dst", "-i", "--in-interface", "-o", "--out-interface"];

    private static void Iptables(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var name = inv.Name!;
        var args = inv.Args;
        var table = "filter";
        var commands = new List<(char Command, string? Chain, string? Extra)>();
        string? jump = null;
        var matched = false;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            string? Next(int k) => k < args.Count && !args[k].Text.StartsWith('-') ? args[k].Text : null;
            if (t is "-t" or "--table") { table = i + 1 < args.Count ? args[++i].Text : table; continue; }
            if (t.StartsWith("--table=")) { table = t["--table=".Length..]; continue; }
            if (t is "-j" or "--jump") { jump = i + 1 < args.Count ? args[++i].Text : null; continue; }
            if (t.StartsWith("--")) // long commands, or match options that usually take a value
            {
                var cmd = t switch
                {
                    "--flush" => 'F', "--delete-chain" => 'X', "--policy" => 'P', "--append" => 'A', "--insert" => 'I',
                    "--delete" => 'D', "--replace" => 'R', "--new-chain" => 'N', "--rename-chain" => 'E', "--list" => 'L',
                    "--list-rules" => 'S', "--check" => 'C', "--zero" => 'Z', _ => '\0',
                };
                if (cmd != '\0') { commands.Add((cmd, Next(i + 1), Next(i + 2))); continue; }
                if (Matchers.Contains(t) || t is "--dport" or "--sport" or "--dports" or "--sports" or "--state" or "--ctstate" or "--icmp-type"
                    or "--src-range" or "--dst-range" or "--mac-source" or "--uid-owner" or "--set" or "--rcheck" or "--match-set" or "--string") matched = true;
                if (IptablesValued.Contains(t) || (Next(i + 1) is not null && !t.Contains('='))) i++;
                continue;
            }
            if (t.Length >= 2 && t[0] == '-' && char.IsAsciiLetter(t[1]))
            {
                if (Matchers.Contains(t)) matched = true;
                if (IptablesValued.Contains(t)) { i++; continue; }
                // Commands are upper-case letters and may be bundled with -n/-v (-nvL).
                foreach (var c in t.Skip(1))
                    if ("FXPAIDRNELSCZ".Contains(c))
                        commands.Add((c, Next(i + 1), Next(i + 2)));
                continue;
            }
            if (t == "!") matched = true;
        }
        var tableWords = $"the {table} table";
        foreach (var (command, chain, extra) in commands)
        {
            var chainWords = chain is null ? $"every chain of {tableWords}" : $"the chain {chain} ({table} table)";
            switch (command)
            {
                case 'F':
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, $"{name} {table}{(chain is null ? "" : " " + chain)}",
                        table == "nat" ? $"`{name} -t nat -F` removes every NAT rule in {chainWords}: port forwarding and masquerading stop, and containers lose their network"
                        : $"`{name} -F` removes every firewall rule in {chainWords}: {LockOut}");
                    break;
                case 'X':
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, $"{name} {table}{(chain is null ? "" : " " + chain)}",
                        $"`{name} -X` deletes {(chain is null ? $"every user-defined chain of {tableWords}" : $"the chain {chain} ({table} table)")} with its rules");
                    break;
                case 'P':
                    var policy = extra?.ToUpperInvariant();
                    if (policy is "ACCEPT")
                        Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, $"{name} {table} {chain}",
                            $"sets the default policy of {chain} to ACCEPT: traffic no rule blocks is let through");
                    else
                        Add(effects, inv, ctx, EffectKind.DisruptSystem, $"{name} {table} {chain}",
                            $"sets the default policy of {chain ?? "a chain"} to {policy ?? "(unknown)"}: all traffic without an explicit ACCEPT rule is dropped, which can cut off SSH and lock everyone out");
                    break;
                case 'A' or 'I':
                    var blocksAll = jump?.ToUpperInvariant() is "DROP" or "REJECT" && !matched && chain is "INPUT" or "OUTPUT" or "FORWARD";
                    Add(effects, inv, ctx, blocksAll ? EffectKind.DisruptSystem : EffectKind.ChangeInfrastructure, $"{name} {table} {chain}",
                        blocksAll ? $"adds a rule that drops ALL traffic in {chain}, which cuts off SSH and every other connection"
                        : $"adds a firewall rule to {chainWords}");
                    break;
                case 'D' or 'R' or 'N' or 'E':
                    Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, $"{name} {table} {chain}",
                        $"changes the firewall ({command switch { 'D' => "deletes a rule from", 'R' => "replaces a rule in", 'N' => "creates", _ => "renames" }} {chainWords})");
                    break;
                // L, S, C, Z: list, check, zero counters.
            }
        }
    }

    private static void Restore(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("MTWw", "--modprobe", "--table", "--wait", "--wait-interval"));
        if (Options.Has(flags, 't', "--test")) return;
        var source = operands.FirstOrDefault()?.Text
            ?? inv.Redirects.FirstOrDefault(r => r.Kind == Interlock.Core.Shell.RedirectKind.Input)?.Target.Text
            ?? (inv.Stdin is not null ? "the rules given on standard input" : inv.StdinFromUnknown is { } p ? $"the output of {p}" : "standard input");
        var name = inv.Name!;
        if (Options.Has(flags, 'n', "--noflush"))
            Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, $"{name} {source}", $"`{name} --noflush` adds the firewall rules in {source} to the current ones");
        else
            Add(effects, inv, ctx, EffectKind.DisruptSystem, $"{name} {source}",
                $"`{name}` replaces every firewall rule in the tables it names with the rules in {source}; wrong rules can lock everyone out, SSH included");
    }

    private static void Nft(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args, MachineEffects.TakesValue("fIDo", "--file", "--includepath", "--define", "--optimize"));
        if (Options.Has(flags, 'c', "--check")) return;
        var fileIndex = flags.FindIndex(f => f is "-f" or "--file" || (f.Length > 2 && f[0] == '-' && f[1] != '-' && f.EndsWith('f')));
        var file = fileIndex >= 0 && fileIndex + 1 < flags.Count ? flags[fileIndex + 1] : flags.FirstOrDefault(f => f.StartsWith("--file="))?["--file=".Length..];
        if (file is not null)
        {
            if (file == "-" && inv.Stdin is { } script) { NftCommands(script, inv, ctx, effects); return; }
            Add(effects, inv, ctx, EffectKind.DisruptSystem, $"nft -f {file}",
                $"`nft -f` loads the firewall rules in {(file == "-" ? "standard input" : file)}, which usually starts with `flush ruleset` and replaces the whole firewall");
            return;
        }
        if (operands.Count == 0) return;
        if (operands.Any(o => !o.Known))
        {
            Add(effects, inv, ctx, EffectKind.DisruptSystem, "nft", $"runs an nft command computed at run time (`{string.Join(' ', operands.Select(o => o.Text))}`)");
            return;
        }
        NftCommands(string.Join(' ', operands.Select(o => o.Text)), inv, ctx, effects);
    }

    private static void NftCommands(string text, Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        foreach (var line in Statements(text))
        {
            var words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith('#')).ToList();
            if (words.Count == 0) continue;
            var verb = words[0];
            var obj = words.Count > 1 ? words[1] : "";
            var rest = string.Join(' ', words.Skip(2));
            var brace = rest.IndexOf('{');
            var what = $"{obj} {(brace >= 0 ? rest[..brace] : rest)}".Trim();
            switch (verb)
            {
                case "flush" when obj == "ruleset":
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, "nft ruleset",
                        "`nft flush ruleset` removes every nftables table, chain and rule: the whole firewall and all NAT are gone");
                    break;
                case "flush" when obj is "table" or "chain":
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, $"nft {what}", $"`nft flush {what}` removes every rule in the {what}; {LockOut}");
                    break;
                case "delete" or "destroy" when obj is "table" or "chain":
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, $"nft {what}", $"`nft {verb} {what}` deletes the {obj} with all of its rules");
                    break;
                case "add" or "create" when obj == "chain" && line.Contains("hook") && (line.Contains("policy drop") || line.Contains("policy reject")):
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, $"nft {what}",
                        $"`nft {verb} chain` creates a base chain whose policy drops all traffic that no rule accepts, which can cut off SSH");
                    break;
                case "add" or "create" or "insert" or "replace" or "delete" or "destroy" or "flush" or "rename":
                    Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, $"nft {what}", $"`nft {verb} {what}` changes the firewall");
                    break;
                // list, describe, monitor, export, get, reset: read.
            }
        }
    }

    /// <summary>nft statements are separated by `;` or newlines, except inside `{ ... }` (chain and set bodies).</summary>
    private static List<string> Statements(string text)
    {
        var result = new List<string>();
        var depth = 0;
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ';';
            if (c == '{') depth++;
            else if (c == '}' && depth > 0) depth--;
            else if ((c is ';' or '\n' && depth == 0) || i == text.Length)
            {
                result.Add(text[start..i]);
                start = i + 1;
            }
        }
        return result;
    }

    private static void Ufw(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(inv.Args);
        if (flags.Contains("--dry-run") || operands.Count == 0) return;
        var verb = operands[0].Text;
        var rest = operands.Skip(1).Select(o => o.Text).ToList();
        switch (verb)
        {
            case "disable":
                Add(effects, inv, ctx, EffectKind.DisruptSystem, "ufw", "`ufw disable` turns the firewall off: every listening service on the machine becomes reachable from the network");
                break;
            case "reset":
                Add(effects, inv, ctx, EffectKind.DisruptSystem, "ufw", "`ufw reset` deletes every ufw rule and turns the firewall off");
                break;
            case "enable":
                Add(effects, inv, ctx, EffectKind.DisruptSystem, "ufw",
                    "`ufw enable` turns the firewall on with its default policy (deny incoming): unless SSH is allowed first, remote sessions are cut off");
                break;
            case "default":
                var policy = rest.FirstOrDefault();
                var direction = rest.Skip(1).FirstOrDefault() ?? "incoming";
                if (policy is "deny" or "reject" && direction is "incoming" or "outgoing")
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, "ufw default", $"`ufw default {policy} {direction}` blocks all {direction} traffic that no rule allows, which can cut off SSH");
                else
                    Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, "ufw default", $"`ufw default {string.Join(' ', rest)}` changes the firewall's default policy");
                break;
            case "deny" or "reject" when rest.Any(r => r is "22" or "22/tcp" or "ssh" or "OpenSSH" || r.StartsWith("22/")) && !rest.Contains("out") && !rest.Contains("from"):
                Add(effects, inv, ctx, EffectKind.DisruptSystem, "ufw ssh", $"`ufw {verb}` blocks SSH, cutting off remote access to the machine");
                break;
            case "allow" or "deny" or "reject" or "limit" or "delete" or "insert" or "prepend" or "route" or "reload" or "logging":
                Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, "ufw", $"`ufw {verb} {string.Join(' ', rest)}` changes the firewall rules".Replace("  ", " "));
                break;
            case "app" when rest.FirstOrDefault() == "update":
                Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, "ufw", "`ufw app update` changes the firewall's application rules");
                break;
            // status, show, app list/info, version, help: read.
        }
    }

    private static void FirewallCmd(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args.Select(a => a.Text).ToList();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i];
            var value = t.Contains('=') ? t[(t.IndexOf('=') + 1)..] : i + 1 < args.Count && !args[i + 1].StartsWith('-') ? args[i + 1] : "";
            var option = t.Contains('=') ? t[..t.IndexOf('=')] : t;
            if (option == "--panic-on")
                Add(effects, inv, ctx, EffectKind.DisruptSystem, "firewalld", "`firewall-cmd --panic-on` drops all network traffic, cutting every connection including SSH");
            else if (option == "--set-default-zone" && value is "drop" or "block")
                Add(effects, inv, ctx, EffectKind.DisruptSystem, "firewalld", $"`firewall-cmd --set-default-zone={value}` blocks all incoming traffic on interfaces in the default zone, which can cut off SSH");
            else if (option is "--remove-service" or "--remove-service-from-zone" && value is "ssh")
                Add(effects, inv, ctx, EffectKind.DisruptSystem, "firewalld", "`firewall-cmd --remove-service=ssh` closes SSH, cutting off remote access");
            else if (option.StartsWith("--add-") || option.StartsWith("--remove-") || option.StartsWith("--set-") || option.StartsWith("--new-")
                     || option.StartsWith("--delete-") || option.StartsWith("--change-") || option.StartsWith("--load-") || option.StartsWith("--reset-")
                     || option is "--reload" or "--complete-reload" or "--runtime-to-permanent" or "--panic-off")
                Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, "firewalld", $"`firewall-cmd {t}` changes the firewall");
            else continue;
            return; // one effect per command line is enough
        }
    }

    private static void Pfctl(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args.Select(a => a.Text).ToList();
        // -n parses the rules without loading them (letters after one that takes a value are that value).
        foreach (var a in args.Where(a => a.Length > 1 && a[0] == '-' && a[1] != '-'))
            foreach (var c in a.Skip(1))
            {
                if ("FfasTtxkKDiLpO".Contains(c)) break;
                if (c == 'n') return;
            }
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i];
            if (t.Length < 2 || t[0] != '-') continue;
            for (var k = 1; k < t.Length; k++)
            {
                var c = t[k];
                string Value() => k + 1 < t.Length ? t[(k + 1)..] : i + 1 < args.Count ? args[i + 1] : "";
                if (c == 'd')
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, "pf", "`pfctl -d` disables the packet filter: the firewall stops protecting the machine");
                else if (c == 'F')
                {
                    var what = Value();
                    Add(effects, inv, ctx, EffectKind.DisruptSystem, "pf " + what, what.StartsWith('s') || what.StartsWith('S')
                        ? $"`pfctl -F {what}` drops every tracked connection or source, cutting open sessions"
                        : $"`pfctl -F {what}` flushes the packet filter's {what}; the firewall no longer protects the machine as configured");
                }
                else if (c == 'f')
                    Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, "pf", $"`pfctl -f {Value()}` loads new packet filter rules");
                else if (c == 'e')
                    Add(effects, inv, ctx, EffectKind.ChangeInfrastructure, "pf", "`pfctl -e` enables the packet filter");
                else continue;
                if (c is 'F' or 'f') break; // the rest of the token is the value
            }
        }
    }
}
