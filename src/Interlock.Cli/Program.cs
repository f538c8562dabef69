using System.Text;
using System.Text.Json;
using Interlock.Core;
using Interlock.Core.Policy;
using Interlock.Core.Shell;

namespace Interlock.Cli;

internal static class Program
{
    internal const string Version = BuildInfo.Version;

    // Exit codes of `check`: 0 allow, 1 ask, 2 deny; 64 usage error (EX_USAGE), 70 internal error.
    private const int ExitUsage = 64;

    // The main help, the completions and the man page are generated from one table: CommandLine/CommandTable.cs.

    private const string CheckHelp = """
        interlock check <command> [--cwd <dir>] [--json]

        Decides what Interlock would do if an agent ran <command> in <dir>, and why.
        Exit status: 0 allow, 1 ask, 2 deny, 64 usage error.

        Examples:
          interlock check 'git reset --hard'              # ask: discards uncommitted changes
          interlock check 'rm -rf ~'                      # deny: deletes the home directory
          interlock check 'git commit -m "remove rm -rf /"'   # allow: the text is only a message
        """;

    private const string ExplainHelp = """
        interlock explain <command> [--cwd <dir>]

        Shows how Interlock understood <command>: whether it parsed, every command that would execute (with
        wrappers such as sudo, env, xargs and nested shells resolved), the effects of each (what is deleted,
        overwritten or discarded, and where), the rule each effect meets, and the final decision.
        """;

    public static int Main(string[] args)
    {
        try
        {
            return Run(args);
        }
        catch (Exception e)
        {
            // Last line of defence. For the hook, an answer that stops beats a crash (most harnesses fail open).
            if (args.Length > 0 && args[0] == "hook")
            {
                Console.Error.WriteLine($"Interlock hit an internal error ({e.GetType().Name}: {e.Message}) and stopped the action rather than guess. Ask the user to run it or to check `interlock --version`.");
                return 2; // blocks in every harness that reads exit codes

            }
            Console.Error.WriteLine($"interlock: internal error: {e.GetType().Name}: {e.Message}");
            return 70;
        }
    }

    private static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Length == 0 ? Console.Error : Console.Out).WriteLine(CommandLine.Generators.MainHelp());
            return args.Length == 0 ? ExitUsage : 0;
        }
        if (args[0] is "--version" or "-V" or "version")
        {
            Console.Out.WriteLine($"interlock {Version}");
            return 0;
        }
        return args[0] switch
        {
            "hook" => HookCommand.Run(args[1..], ReadStdin),
            "check" => RunCheck(args[1..], explain: false),
            "explain" => RunCheck(args[1..], explain: true),
            "audit" when args.Contains("--server") && args.Length > 1 => ServerCommands.Remote("audit-" + args[1], args[2..].Where(a => a != "--server").ToArray()),
            "audit" => AuditCommands.Run(args[1..]),
            "serve" or "admin" => ServerCommands.Launch(args[0], args[1..]),
            "approve" or "deny" or "requests" or "breaker" or "history" or "undo" when EnforcedMode.Load(out var problem) is { } enforced => EnforcedCommands.Forward(enforced, args[0], args[1..]),
            "approve" or "deny" or "requests" when ServerCommands.RemoteConfigured => ServerCommands.Remote(args[0], args[1..]),
            "history" => SnapshotCommands.History(args[1..]),
            "undo" => SnapshotCommands.Undo(args[1..]),
            "policy" => PolicyCommands.Run(args[1..]),
            "init" => PolicyCommands.Init(args[1..]),
            "requests" => ApprovalCommands.Requests(args[1..]),
            "approve" => ApprovalCommands.Vote(args[1..], approve: true),
            "deny" => ApprovalCommands.Vote(args[1..], approve: false),
            "breaker" => BreakerCommands.Run(args[1..]),
            "install" or "uninstall" => Install.InstallCommands.Run(args[0], args[1..], Install.InstallEnvironment.FromProcess),
            "doctor" => Install.DoctorCommand.Run(args[1..], Install.InstallEnvironment.FromProcess),
            "mcp" => Mcp.McpProxyCommand.Run(args[1..]),
            "daemon" => DaemonCommand.Run(args[1..]),
            "completions" => CommandLine.Generators.Completions(args[1..]),
            "man" => Man(args[1..]),
            _ => Usage($"unknown command `{args[0]}`. Commands: hook, check, explain, audit, history, undo, requests, approve, deny, breaker, serve, admin, policy, init, install, uninstall, doctor, mcp, daemon, completions, man (see `interlock --help`)."),
        };
    }

    private static int Man(string[] args)
    {
        if (args.Length > 0) return Usage("`man` takes no arguments: `interlock man | man -l -`.");
        Console.Out.Write(CommandLine.Generators.Man());
        return 0;
    }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"interlock: {message}");
        return ExitUsage;
    }

    private static byte[] ReadStdin(int limit)
    {
        using var stdin = Console.OpenStandardInput();
        var buffer = new byte[Math.Min(limit, 16 * 1024)]; // most events are a few KiB; Write events grow it
        var total = 0;
        while (total < limit)
        {
            if (total == buffer.Length) Array.Resize(ref buffer, Math.Min(limit, buffer.Length * 2));
            var n = stdin.Read(buffer, total, buffer.Length - total);
            if (n <= 0) break;
            total += n;
        }
        return buffer[..total];
    }

    private static int RunCheck(string[] args, bool explain)
    {
        string? command = null;
        string? cwd = null;
        var json = false;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "-h" or "--help":
                    Console.Out.WriteLine(explain ? ExplainHelp : CheckHelp);
                    return 0;
                case "--cwd":
                    if (i + 1 >= args.Length) return Usage("`--cwd` needs a directory.");
                    cwd = args[++i];
                    break;
                case "--json":
                    json = true;
                    break;
                case "--":
                    command = string.Join(' ', args[(i + 1)..]);
                    i = args.Length;
                    break;
                default:
                    if (args[i].StartsWith("--") && command is null && args[i].Length > 2 && !args[i].Contains(' '))
                        return Usage($"unknown option `{args[i]}` (to check a command that starts with `--`, put `--` before it).");
                    if (command is not null) return Usage("give the command as one quoted argument, e.g. interlock check 'rm -rf build'.");
                    command = args[i];
                    break;
            }
        }
        if (command is null) return Usage($"`{(explain ? "explain" : "check")}` needs a command, e.g. interlock {(explain ? "explain" : "check")} 'git reset --hard'.");
        cwd = Path.GetFullPath(cwd ?? Environment.CurrentDirectory);

        // The layered policy for this directory; an invalid policy file stops everything and says where it is broken.
        var policy = PolicyLoader.Load(cwd);
        var decision = policy.FirstError is not null
            ? policy.InvalidPolicyDecision()
            : new Engine(policy.Compiled).Evaluate(new ActionRequest("Bash", command, cwd), new FileSystemWorld());
        if (explain) Console.Out.Write(Explain(command, cwd, decision));
        else if (json) Console.Out.WriteLine(ToJson(decision));
        else
        {
            Console.Out.WriteLine(CommandLine.Colour.Verdict(decision.Verdict.ToString().ToLowerInvariant(), CommandLine.Colour.OnStdout));
            if (decision.Verdict != Verdict.Allow)
            {
                Console.Out.WriteLine($"  rule:    {decision.RuleId}");
                Console.Out.WriteLine($"  why:     {decision.Reason}");
                if (decision.Alternative is not null) Console.Out.WriteLine($"  instead: {decision.Alternative}");
            }
        }
        return (int)decision.Verdict;
    }

    private static string Explain(string command, string cwd, Decision d)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"command: {command}");
        sb.AppendLine($"cwd:     {cwd}");
        sb.AppendLine();
        if (d.Parse is { Success: false } p)
            sb.AppendLine($"parse:   FAILED: {p.Error}");
        else if (d.Parse is not null)
        {
            sb.AppendLine("parse:");
            sb.Append(SyntaxPrinter.Print(d.Parse.Script!));
        }
        sb.AppendLine();
        sb.AppendLine($"commands that would run ({d.Invocations.Count}):");
        foreach (var inv in d.Invocations)
        {
            var name = inv.Name is null ? "<unknown program>" : inv.Name.Length == 0 ? "<redirection only>" : inv.Name;
            sb.Append($"  - {name}");
            if (inv.Args.Count > 0) sb.Append("  args: ").Append(string.Join(' ', inv.Args.Select(a => a.Known ? Quote(a.Text) : a.Text + "(unknown)")));
            sb.AppendLine();
            var cwds = string.Join(" or ", inv.Context.Cwds.Select(c => c ?? "<unknown>"));
            sb.AppendLine($"      in: {cwds}{(inv.Context.RemoteHost is { } h ? $" on remote host {h}" : "")}");
            if (inv.Context.Via.Count > 0) sb.AppendLine($"      via: {string.Join(" -> ", inv.Context.Via)}");
            foreach (var r in inv.Redirects) sb.AppendLine($"      redirect: {r.Kind} {r.Target.Text}");
            if (inv.Stdin is not null) sb.AppendLine($"      stdin: {Truncate(inv.Stdin, 80)}");
            if (inv.StdinFromUnknown is not null) sb.AppendLine($"      stdin: from {inv.StdinFromUnknown} (unknown)");
        }
        sb.AppendLine();
        sb.AppendLine($"effects ({d.Effects.Count}):");
        for (var i = 0; i < d.Effects.Count; i++)
        {
            var e = d.Effects[i];
            sb.AppendLine($"  - {e.Kind} {e.Target} [{e.Class}{(e.Recursive ? ", recursive" : "")}{(e.Amount is { } n ? $", amount {n}" : "")}]");
            sb.AppendLine($"      {e.Description}");
            if (e.EnvironmentEvidence is not null) sb.AppendLine($"      environment: {e.Environment.ToString().ToLowerInvariant()} ({e.EnvironmentEvidence})");
            // Every rule that matched this effect, the winner marked (deny > ask > allow, then specificity, then layer).
            foreach (var m in d.Matches.Where(m => m.Effect == i))
                sb.AppendLine($"      {(m.Won ? (m.Mode == RuleMode.Shadow ? "~>" : "=>") : "  ")} {m.Verdict.ToString().ToLowerInvariant()} ({m.RuleId}){(m.Mode == RuleMode.Shadow ? " [shadow]" : "")}  from {m.Origin}{(m.Won ? (m.Mode == RuleMode.Shadow ? "  <- would have decided" : "  <- decides") : "")}");
        }
        sb.AppendLine();
        sb.AppendLine($"decision: {d.Verdict.ToString().ToLowerInvariant()} (rule {d.RuleId}){(d.Verdict == Verdict.Ask && d.RequiredApprovals > 1 ? $", {d.RequiredApprovals} approvers required" : "")}{(d.Verdict == Verdict.Ask && d.ApproverGroup is { } g ? $", approvers from `{g}`" : "")}{(d.Verdict == Verdict.Ask && d.ApprovalExpiry is { } x ? $", approval valid {PolicyCommands.Duration(x)}" : "")}");
        if (d.ShadowVerdict is { } sv) sb.AppendLine($"  shadow: {sv.ToString().ToLowerInvariant()} (rule {d.ShadowRuleId}) would have been given if the shadow rules were enforced");
        sb.AppendLine($"  {d.Reason}");
        if (d.Alternative is not null) sb.AppendLine($"  instead: {d.Alternative}");
        return sb.ToString();
    }

    private static string Truncate(string s, int n) => (s.Length > n ? s[..n] + "..." : s).Replace("\n", "\\n");
    private static string Quote(string s) => s.Length > 0 && s.AsSpan().IndexOfAny(" \t\n'\"\\;&|<>()$`") < 0 ? s : "'" + s.Replace("'", "'\\''") + "'";

    internal static string ToJson(Decision d)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("verdict", d.Verdict.ToString().ToLowerInvariant());
            w.WriteString("rule", d.RuleId);
            w.WriteString("reason", d.Reason);
            if (d.Alternative is null) w.WriteNull("alternative"); else w.WriteString("alternative", d.Alternative);
            w.WriteNumber("requiredApprovals", d.RequiredApprovals);
            if (d.ApproverGroup is not null) w.WriteString("approverGroup", d.ApproverGroup);
            if (d.ApprovalExpiry is { } expiry) w.WriteNumber("approvalExpirySeconds", (long)expiry.TotalSeconds);
            if (d.ShadowVerdict is { } shadow)
            {
                w.WriteString("shadowVerdict", shadow.ToString().ToLowerInvariant());
                w.WriteString("shadowRule", d.ShadowRuleId);
            }
            w.WriteStartArray("effects");
            for (var i = 0; i < d.Effects.Count; i++)
            {
                var e = d.Effects[i];
                var r = d.Matches.FirstOrDefault(m => m.Effect == i && m.Won && m.Mode == RuleMode.Enforce);
                w.WriteStartObject();
                w.WriteString("kind", e.Kind.ToString());
                w.WriteString("target", e.Target);
                w.WriteString("class", e.Class.ToString());
                w.WriteBoolean("recursive", e.Recursive);
                w.WriteString("description", e.Description);
                w.WriteString("command", e.Source.Text);
                if (e.Source.Context.RemoteHost is { } host) w.WriteString("remoteHost", host);
                w.WriteString("environment", e.Environment.ToString().ToLowerInvariant());
                if (e.EnvironmentEvidence is not null) w.WriteString("environmentEvidence", e.EnvironmentEvidence);
                w.WriteString("verdict", (r?.Verdict ?? Verdict.Allow).ToString().ToLowerInvariant());
                w.WriteString("rule", r?.RuleId ?? "allow");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
