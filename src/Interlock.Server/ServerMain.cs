using Interlock.State;
using Interlock.State.Identity;

namespace Interlock.Server;

/// <summary>`interlock-server serve|admin ...` (what `interlock serve` and `interlock admin` run).</summary>
public static class ServerMain
{
    public const string Version = "0.1.0";

    public const string ServeHelp = """
        interlock serve [options]

        Starts the approval server and its dashboard. Agents' hooks send their actions here (INTERLOCK_SERVER_URL and
        INTERLOCK_AGENT_TOKEN); risky ones wait for humans, production needs two of them, and neither can be the
        agent's own operator.

        Options:
          --url <url>              Where to listen (default http://127.0.0.1:8787: this machine only).
          --database <conn>        PostgreSQL connection string ("Host=...;Database=...;Username=...;Password=...")
                                   for teams and several replicas. Default: embedded SQLite in --data-dir.
          --data-dir <dir>         Embedded database directory (default: <state dir>/server).
          --public-url <url>       The address people open the dashboard at (https://interlock.example.com), when a
                                   proxy stands in front; passkeys are bound to its host name. Default: as reached.
          --prod-group <group>     Who approves production actions (2 approvals; default prod-approvers).
          --approver-group <group> Who approves other asks (1 approval; default: any human account).
          --grant-minutes <n>      How long an approved action may be retried, once (default 30).
          --pending-hours <n>      How long a request waits for humans (default 24).
          --hook-wait <duration>   How long a hook call that became a request waits for the humans before
                                   it answers with the request's link (default 0s: at once; at most 25s).
          --policy <file>          A policy file (docs/policy.md) to decide with: its ask rules' approval
                                   requirements (approvers, group, expiry) override --prod-group, --approver-group
                                   and --grant-minutes; its approvals.harness_prompt says whether a harness's
                                   own prompt approves non-production asks. An invalid file stops the server from starting.
          --webhook <url>          Notify on new requests and outcomes (repeatable). Add ",secret=S" to sign
                                   (HMAC-SHA256) or ",format=slack" for a Slack incoming webhook.

        Audit retention (off by default: the central trail grows):
          --audit-retention <age>  Prune records older than this (90d, 12h, 2w), periodically. Pruned records are
                                   archived first; the chain stays verifiable from a checkpoint.
          --audit-archive-dir <dir>
                                   Where pruned records are written (JSONL, one file per prune, owner-only) before
                                   they are deleted. Required with --audit-retention, unless --audit-no-archive.
                                   Also enables `interlock audit prune --server` for the --audit-admin-group.
          --audit-no-archive       Prune without a copy (the pruned records can no longer be checked).
          --audit-keep <n>         Never prune the newest n records (default 0).
          --audit-prune-every <age> How often retention runs (default 1d; it also runs at start).
          --audit-admin-group <g>  Who may prune over the API (default audit-admins).
        Invalid combinations, or an archive directory the server cannot write, stop it from starting.
        Environment: INTERLOCK_SERVER_DATABASE is read when --database is not given.

        First steps: create accounts and tokens with `interlock admin` (same --database / --data-dir).
        """;

    public const string AdminHelp = """
        interlock admin <command> [--database <conn> | --data-dir <dir>]

          user add <name> [--group <g>]...      Create a human account (or set its groups)
          user disable <name>                   Disable it: its tokens stop working
          users                                 List accounts
          token human <user> [--days N]         Issue a token for a human (CLI approve/deny, dashboard sign-in)
          token agent <agent> --operator <user> [--days N]
                                                Issue an agent's token, bound to the human who runs the agent
                                                (that human's approval never counts for the agent's requests)
          token rotate <token-id>               Issue a replacement with the same identity, revoke the old one
          token revoke <token-id>               Revoke a token
          tokens                                List tokens (never their secrets)
        Secrets are printed once; only their SHA-256 is stored.
        """;

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            if (args.Length == 0 || args[0] is "-h" or "--help") { Console.Out.WriteLine(ServeHelp + "\n" + AdminHelp); return args.Length == 0 ? 64 : 0; }
            return args[0] switch
            {
                "serve" => await Serve(args[1..]),
                "admin" => await Admin(args[1..]),
                "--version" => Print($"interlock-server {Version}"),
                _ => Usage($"unknown command `{args[0]}`: use `serve` or `admin`"),
            };
        }
        catch (UsageException e) { return Usage(e.Message); }
        catch (ServerConfigurationException e) { Console.Error.WriteLine($"interlock: the server does not start: {e.Message}"); return 78; }
        catch (StateStoreException e) { Console.Error.WriteLine($"interlock: {e.Message}"); return 69; }
        catch (ArgumentException e) { Console.Error.WriteLine($"interlock: {e.Message}"); return 65; }
        catch (IOException e) { Console.Error.WriteLine($"interlock: {e.Message}"); return 74; }
    }

    private static int Print(string s) { Console.Out.WriteLine(s); return 0; }

    private static int Usage(string message)
    {
        Console.Error.WriteLine($"interlock: {message} (see `interlock serve --help` / `interlock admin --help`)");
        return 64;
    }

    private sealed class UsageException(string message) : Exception(message);

    /// <summary>Parses the options every command shares, and returns the rest.</summary>
    internal static (ServerOptions Options, List<string> Remaining) ParseOptions(string[] args)
    {
        var o = new ServerOptions { Database = Environment.GetEnvironmentVariable("INTERLOCK_SERVER_DATABASE") };
        var rest = new List<string>();
        var hooks = new List<WebhookTarget>();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"`{args[i]}` needs a value");
            double Number(string name)
            {
                var v = Value();
                return double.TryParse(v, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 && n < 1e6
                    ? n : throw new UsageException($"`{name}` needs a positive number, not `{v}`");
            }
            switch (args[i])
            {
                case "--url": o = o with { Url = Value() }; break;
                case "--database": o = o with { Database = Value() }; break;
                case "--public-url": o = o with { PublicUrl = PublicUrl(Value()) }; break;
                case "--data-dir": o = o with { DataDirectory = Path.GetFullPath(Value()) }; break;
                case "--prod-group": o = o with { ProductionApproverGroup = Group(Value()) }; break;
                case "--approver-group": o = o with { ApproverGroup = Group(Value()) }; break;
                case "--grant-minutes": o = o with { GrantValidFor = TimeSpan.FromMinutes(Number("--grant-minutes")) }; break;
                case "--pending-hours": o = o with { PendingFor = TimeSpan.FromHours(Number("--pending-hours")) }; break;
                case "--hook-wait":
                {
                    var v = Value();
                    o = o with
                    {
                        HookWait = Interlock.Core.Durations.Parse(v) is { } w && w <= ServerOptions.MaxHookWait ? w
                            : throw new UsageException($"`--hook-wait` needs a duration from 0s to {Interlock.Core.Plural.Duration(ServerOptions.MaxHookWait)} (how long a hook call waits for humans before it answers with the request's link), not `{v}`"),
                    };
                    break;
                }
                case "--webhook": hooks.Add(ParseWebhook(Value())); break;
                case "--policy": o = o with { Policy = LoadPolicy(Value()) }; break;
                case "--audit-retention": o = o with { AuditRetention = Age("--audit-retention", Value()) }; break;
                case "--audit-prune-every": o = o with { AuditPruneEvery = Age("--audit-prune-every", Value()) }; break;
                case "--audit-archive-dir": o = o with { AuditArchiveDirectory = Path.GetFullPath(Value()) }; break;
                case "--audit-no-archive": o = o with { AuditNoArchive = true }; break;
                case "--audit-admin-group": o = o with { AuditAdminGroup = Group(Value()) }; break;
                case "--audit-keep":
                {
                    var v = Value();
                    o = o with { AuditKeep = long.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var keep) ? keep : throw new UsageException($"`--audit-keep` needs a number of records (0 or more), not `{v}`") };
                    break;
                }
                default: rest.Add(args[i]); break;
            }
        }
        if (!Uri.TryCreate(o.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new UsageException($"`--url {o.Url}` is not an http(s) URL such as http://127.0.0.1:8787");
        return (o with { Webhooks = hooks }, rest);
    }

    private static TimeSpan Age(string option, string value) =>
        Interlock.Core.Durations.Parse(value) is { } age && age > TimeSpan.Zero
            ? age : throw new UsageException($"`{option}` needs a positive age such as 90d, 12h, 2w or 30m, not `{value}`");

    /// <summary>A policy file read as the system layer (the server's operator wrote it), by the same loader the hook
    /// uses for its layers; any error refuses to start.</summary>
    private static Interlock.Core.Policy.CompiledPolicy LoadPolicy(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path)) throw new UsageException($"`--policy {path}`: no such file");
        var loaded = Interlock.Runtime.Configuration.PolicyLoader.Load([(Interlock.Core.Policy.PolicyLayer.System, path)]);
        var errors = loaded.Diagnostics.Where(d => d.Severity == Interlock.Policy.DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
            throw new UsageException($"the policy file is invalid, so the server does not start: {string.Join("; ", errors.Take(5))} (check it with `interlock policy validate {path}`)");
        return loaded.Compiled;
    }

    private static string PublicUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" && u.AbsolutePath == "/" && u.Query.Length == 0
            ? u.GetLeftPart(UriPartial.Authority)
            : throw new UsageException($"`--public-url` needs the dashboard's address, scheme and host only (https://interlock.example.com), not `{url}`");

    private static string Group(string g) => TokenSecrets.IsValidName(g) ? g : throw new UsageException($"`{g}` is not a valid group name");

    internal static WebhookTarget ParseWebhook(string spec)
    {
        var parts = spec.Split(',');
        if (!Uri.TryCreate(parts[0], UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
            throw new UsageException($"`--webhook {parts[0]}` is not an http(s) URL");
        string? secret = null;
        var format = "generic";
        foreach (var p in parts[1..])
        {
            if (p.StartsWith("secret=", StringComparison.Ordinal)) secret = p[7..];
            else if (p is "format=slack" or "format=generic") format = p[7..];
            else throw new UsageException($"unknown webhook option `{p}` (use secret=... or format=slack|generic)");
        }
        return new WebhookTarget(parts[0], secret, format);
    }

    private static async Task<int> Serve(string[] args)
    {
        if (args.Any(a => a is "-h" or "--help")) return Print(ServeHelp);
        var (options, rest) = ParseOptions(args);
        if (rest.Count > 0) throw new UsageException($"unknown option `{rest[0]}`");
        await using var server = await InterlockServer.StartAsync(options);
        var users = await server.Service.Store.RunAsync((_, _, ids) => ids.ListUsersAsync().AsTask());
        Console.Out.WriteLine($"interlock: approval server on {server.BaseUrl} (dashboard: {server.BaseUrl}/), database {server.Service.Store.Location}");
        Console.Out.WriteLine($"interlock: {server.Retention.Describe()}");
        if (users.Count == 0)
            Console.Out.WriteLine("interlock: no accounts yet. Create them with `interlock admin user add <name> --group prod-approvers` and `interlock admin token ...`.");
        Console.Out.WriteLine("Press Ctrl+C to stop.");
        var stop = new TaskCompletionSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.TrySetResult(); };
        AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
        using var term = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        await stop.Task;
        return 0;
    }

    private static async Task<int> Admin(string[] args)
    {
        if (args.Length == 0 || args.Any(a => a is "-h" or "--help")) return Print(AdminHelp);
        var (options, rest) = ParseOptions(args);
        await using var store = await ServerStore.OpenAsync(options);
        var now = DateTimeOffset.UtcNow;
        string Arg(int i, string what) => i < rest.Count && !rest[i].StartsWith("--", StringComparison.Ordinal) ? rest[i] : throw new UsageException($"missing {what}");
        List<string> Flag(string name)
        {
            var values = new List<string>();
            for (var i = 0; i < rest.Count; i++)
                if (rest[i] == name) values.Add(i + 1 < rest.Count ? rest[i + 1] : throw new UsageException($"`{name}` needs a value"));
            return values;
        }
        DateTimeOffset? Expiry()
        {
            var days = Flag("--days");
            if (days.Count == 0) return null;
            return int.TryParse(days[0], out var d) && d > 0 && d < 36500 ? now.AddDays(d) : throw new UsageException("`--days` needs a whole number of days");
        }
        var cmd = string.Join(' ', rest.Take(2));
        switch (rest[0])
        {
            case "user" when rest.Count > 1 && rest[1] == "add":
            {
                var u = await store.RunAsync((_, _, ids) => ids.SaveUserAsync(Arg(2, "user name"), Flag("--group"), now).AsTask());
                return Print($"user {u.Name}: groups {(u.Groups.Count == 0 ? "(none)" : string.Join(", ", u.Groups))}");
            }
            case "user" when rest.Count > 1 && rest[1] == "disable":
                return await store.RunAsync((_, _, ids) => ids.DisableUserAsync(Arg(2, "user name")).AsTask())
                    ? Print($"user {rest[2]} disabled; their tokens no longer work") : Fail($"no active user `{rest[2]}`");
            case "users":
                foreach (var u in await store.RunAsync((_, _, ids) => ids.ListUsersAsync().AsTask()))
                    Console.Out.WriteLine($"{u.Name,-24} {(u.Disabled ? "disabled" : "active"),-9} {string.Join(",", u.Groups)}");
                return 0;
            case "token" when rest.Count > 1 && rest[1] is "human" or "agent":
            {
                var kind = rest[1] == "human" ? TokenKind.Human : TokenKind.Agent;
                var subject = Arg(2, kind == TokenKind.Human ? "user name" : "agent name");
                var op = kind == TokenKind.Agent ? (Flag("--operator") is [var o] ? o : throw new UsageException("an agent token needs `--operator <user>`: the human who runs the agent")) : null;
                var t = await store.RunAsync((_, _, ids) => ids.IssueTokenAsync(kind, subject, op, now, Expiry()).AsTask());
                Console.Error.WriteLine($"token {t.Info.Id} for {(kind == TokenKind.Agent ? $"agent {subject} (operator {op})" : subject)}; shown once, store it now:");
                return Print(t.Secret);
            }
            case "token" when rest.Count > 1 && rest[1] == "revoke":
                return await store.RunAsync((_, _, ids) => ids.RevokeTokenAsync(Arg(2, "token id"), now).AsTask())
                    ? Print($"token {rest[2]} revoked") : Fail($"no active token `{rest[2]}` (list them with `interlock admin tokens`)");
            case "token" when rest.Count > 1 && rest[1] == "rotate":
            {
                var id = Arg(2, "token id");
                var old = (await store.RunAsync((_, _, ids) => ids.ListTokensAsync().AsTask())).FirstOrDefault(t => t.Id == id && t.RevokedAt is null);
                if (old is null) return Fail($"no active token `{id}` (list them with `interlock admin tokens`)");
                var t = await store.RunAsync((_, _, ids) => ids.IssueTokenAsync(old.Kind, old.Subject, old.Operator, now, Expiry() ?? old.ExpiresAt).AsTask());
                await store.RunAsync((_, _, ids) => ids.RevokeTokenAsync(id, now).AsTask());
                Console.Error.WriteLine($"token {id} revoked; its replacement {t.Info.Id} (shown once):");
                return Print(t.Secret);
            }
            case "tokens":
                foreach (var t in await store.RunAsync((_, _, ids) => ids.ListTokensAsync().AsTask()))
                    Console.Out.WriteLine($"{t.Id,-15} {t.Kind.ToString().ToLowerInvariant(),-6} {t.Subject,-20} {(t.Operator is null ? "" : "operator " + t.Operator),-22} {(t.RevokedAt is not null ? "revoked" : t.ExpiresAt is { } e ? $"expires {e:yyyy-MM-dd}" : "active")}");
                return 0;
            default:
                throw new UsageException($"unknown admin command `{cmd}`");
        }
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"interlock: {message}");
        return 1;
    }
}
