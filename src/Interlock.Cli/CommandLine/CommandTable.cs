namespace Interlock.Cli.CommandLine;

/// <summary>What a command's operand is, for completion: which words a shell offers after it.</summary>
internal enum Operand
{
    None,
    Harness,   // claude-code, codex, ... (Harness.All)
    Shell,     // bash, zsh, fish
    Command,   // a shell command: nothing to complete
    Words,     // the subcommands listed
}

/// <summary>One command of `interlock`: the single description that `interlock --help`, the shell completions
/// (`interlock completions bash|zsh|fish`) and the man page (`interlock man`) are all generated from.</summary>
/// <param name="Name">The word after `interlock`.</param>
/// <param name="Usage">Usage lines after `interlock ` (the first is the synopsis; `sudo ` lines are printed as given).</param>
/// <param name="Summary">What it does, one or two sentences.</param>
/// <param name="Subcommands">Words that may follow the name (audit tail, policy validate ...).</param>
/// <param name="Options">Its options, for completion and the man page.</param>
/// <param name="Operand">What its first operand is.</param>
internal sealed record CommandSpec(string Name, string[] Usage, string Summary, string[] Subcommands, string[] Options, Operand Operand);

/// <summary>The commands. Only the help, completion and man-page generators read this (never the hook's path).</summary>
internal static class CommandTable
{
    public const string Tagline = "a safety interlock between AI coding agents and what they act on";

    public static readonly string[] Shells = ["bash", "zsh", "fish"];

    public static IEnumerable<string> Harnesses => Install.Harness.All.Select(h => h.Name);

    public static readonly CommandSpec[] All =
    [
        new("hook", ["hook <harness>"],
            $"Answer one agent hook event (stdin -> stdout, exit code) for {string.Join(", ", Harnesses)}.",
            [], ["--deadline-ms"], Operand.Harness),
        new("install", ["install <harness> [--user|--project] [--binary PATH]", "sudo interlock install --system [harness...]"],
            "Register the hook in the agent's settings, pointing at this installation's interlock-hook by absolute path. --system: enforced mode (root-owned guard, decision daemon as its own user, hooks in each harness's managed settings; docs/security.md).",
            [], ["--user", "--project", "--system", "--binary", "--agent", "--dir"], Operand.Harness),
        new("uninstall", ["uninstall <harness> [--user|--project]", "sudo interlock uninstall --system"],
            "Remove Interlock's entries from the agent's settings (the settings file is restored byte for byte when nothing else changed).",
            [], ["--user", "--project", "--system", "--agent", "--dir"], Operand.Harness),
        new("doctor", ["doctor [--dir D]"],
            "Check every agent found here: hook registered, binary runs (and how fast), policy valid, server reachable; each problem with the command or edit that fixes it.",
            [], ["--dir"], Operand.None),
        new("mcp", ["mcp [--name NAME] -- <server command...>"],
            "Guard an MCP server: pass its traffic through, check each tools/call.",
            [], ["--name", "--url"], Operand.Command),
        new("daemon", ["daemon [--idle-minutes N]"],
            "Keep Interlock resident so hook calls take a fraction of the time.",
            [], ["--idle-minutes", "--system", "--verbose"], Operand.None),
        new("check", ["check <command> [--cwd <dir>] [--json]"],
            "Decide a shell command: allow, ask or deny (exit 0, 1, 2).",
            [], ["--cwd", "--json"], Operand.Command),
        new("explain", ["explain <command> [--cwd <dir>]"],
            "Show the parse, the commands that would run, their effects, and the rule that decided.",
            [], ["--cwd"], Operand.Command),
        new("audit", ["audit <tail|show|export|verify|prune>"],
            "Read, verify and prune (archiving first) the hash-chained audit trail of decisions.",
            ["tail", "show", "export", "verify", "prune"], ["--state-dir", "--json", "--jsonl", "--output", "--archive", "--before", "--keep", "--archive-dir", "--no-archive", "--dry-run", "--server"], Operand.Words),
        new("history", ["history [-n N] [--session S] | prune [--older-than 7d]"],
            "List (or prune) the files captured before destructive actions.",
            ["prune"], ["--session", "--older-than", "--state-dir"], Operand.Words),
        new("undo", ["undo <event> | --session <id> [--dry-run] [--force]"],
            "Restore what a destructive action destroyed.",
            [], ["--session", "--dry-run", "--force", "--state-dir"], Operand.None),
        new("policy", ["policy <validate|show|test>"],
            "Check, show and test the layered policy (docs/policy.md).",
            ["validate", "show", "test"], ["--cwd", "--rules"], Operand.Words),
        new("init", ["init [--user|--system]"],
            "Write a commented starter policy (.interlock/policy.yaml).",
            [], ["--user", "--system", "--force", "--cwd"], Operand.None),
        new("requests", ["requests [--all]"],
            "List actions waiting for a human's approval (on the approval server when INTERLOCK_SERVER_URL is set).",
            [], ["--all", "--status", "--state-dir"], Operand.None),
        new("approve", ["approve <id> [--comment TEXT]"],
            "Approve (once, for that exact action) a request.",
            [], ["--comment"], Operand.None),
        new("deny", ["deny <id> [--comment TEXT]"],
            "Refuse a request.",
            [], ["--comment"], Operand.None),
        new("breaker", ["breaker status | reset --session <id>"],
            "Sessions stopped by their budget of destructive work; reset one.",
            ["status", "reset"], ["--session", "--harness", "--state-dir"], Operand.Words),
        new("serve", ["serve [--url URL] [--database <conn>]"],
            "Start the approval server and its dashboard (http://127.0.0.1:8787; see `interlock serve --help`).",
            [], ["--url", "--database", "--data-dir", "--prod-group", "--approver-group", "--grant-minutes", "--pending-hours", "--hook-wait", "--webhook", "--policy", "--audit-retention"], Operand.None),
        new("admin", ["admin <user|token> ..."],
            "Accounts and tokens for the approval server (`interlock admin --help`).",
            ["user", "token"], ["--database", "--data-dir", "--group", "--operator"], Operand.Words),
        new("completions", ["completions <bash|zsh|fish>"],
            "Print the shell completion script (the release archives ship them; docs/install.md says where each goes).",
            [], [], Operand.Shell),
        new("man", ["man"],
            "Print the man page (roff): `interlock man | man -l -`.",
            [], [], Operand.None),
        new("version", ["--version"],
            "Print the version.",
            [], [], Operand.None),
    ];

    public static readonly (string Name, string Meaning)[] Environment =
    [
        ("INTERLOCK_STATE_DIR", "Where the audit trail, approvals, budgets and snapshots are kept (default $XDG_STATE_HOME/interlock or ~/.local/state/interlock)."),
        ("INTERLOCK_DAEMON", "auto (default): the first hook call starts `interlock daemon`; off: every call is decided in-process."),
        ("INTERLOCK_SERVER_URL", "The approval server the hook asks (with INTERLOCK_AGENT_TOKEN) and approvals go to (with INTERLOCK_TOKEN)."),
        ("INTERLOCK_SERVER_BIN", "The interlock-server that `serve` and `admin` run (default: the one beside interlock)."),
        ("INTERLOCK_CONFIG_DIR", "The user policy directory (default ~/.config/interlock)."),
        ("NO_COLOR", "When set to anything, output is never coloured (otherwise colour is used on a terminal only)."),
    ];
}
