using Interlock.Core.Shell;

namespace Interlock.Core;

/// <summary>What the agent wants to do: one tool call, as the harness described it.</summary>
/// <param name="Tool">The harness's tool name (Bash, Write, ...).</param>
/// <param name="Command">For shell tools: the command line.</param>
/// <param name="Cwd">The directory the action runs in (absolute).</param>
public sealed record ActionRequest(string Tool, string? Command, string Cwd)
{
    /// <summary>For file tools (Write, Edit, MultiEdit, NotebookEdit, Read): what the tool would do to which file.
    /// Null for shell commands and other tools.</summary>
    public FileAction? File { get; init; }

    /// <summary>For other tools (MCP tools, <c>mcp__server__tool</c>): the tool's arguments as JSON text, which the
    /// engine sniffs for SQL and shell commands.</summary>
    public string? ToolArguments { get; init; }

    /// <summary>For tools that change several files in one call (a Codex <c>apply_patch</c>): each file's action.
    /// The engine evaluates every one and the strictest verdict decides. Empty for single-file and other tools.</summary>
    public IReadOnlyList<FileAction> Files { get; init; } = [];

    /// <summary>The agent or harness that asks (claude-code, codex...), for policy rules that match on it; null when unknown.</summary>
    public string? Agent { get; init; }

    /// <summary>The harness's session id, for policy rules that match on it; null when unknown.</summary>
    public string? Session { get; init; }
}

/// <summary>The file tools the engine understands (Claude Code's names; other harnesses map onto them).
/// <see cref="Delete"/> removes the file; <see cref="Patch"/> applies hunks in order, each found after the previous
/// one (a Codex <c>apply_patch</c> update: <see cref="FileAction.Edits"/> hold each hunk's old and new lines).</summary>
public enum FileToolKind { Write, Edit, MultiEdit, NotebookEdit, Read, Delete, Patch }

/// <summary>One string replacement of an Edit or MultiEdit: <paramref name="OldString"/> becomes
/// <paramref name="NewString"/>, once (the tool fails when it is not unique) or everywhere with <paramref name="ReplaceAll"/>.</summary>
public sealed record TextEdit(string OldString, string NewString, bool ReplaceAll = false);

public enum NotebookEditMode { Replace, Insert, Delete }

/// <summary>A notebook cell edit: replace a cell's source, insert a new cell after <paramref name="CellId"/>
/// (at the start when null), or delete the cell.</summary>
public sealed record NotebookCellEdit(string? CellId, string NewSource, NotebookEditMode Mode, string? CellType = null);

/// <summary>A file tool call.</summary>
/// <param name="Kind">Which tool.</param>
/// <param name="Path">The file (absolute, or relative to the request's cwd).</param>
public sealed record FileAction(FileToolKind Kind, string Path)
{
    /// <summary>Write: the complete new content.</summary>
    public string? Content { get; init; }

    /// <summary>Edit (one) and MultiEdit (several, applied in order; all or nothing).</summary>
    public IReadOnlyList<TextEdit> Edits { get; init; } = [];

    /// <summary>NotebookEdit: the cell edit.</summary>
    public NotebookCellEdit? Notebook { get; init; }
}

/// <summary>What a path exists as, according to the world view.</summary>
public enum PathKind { Unknown, Missing, File, Directory }

/// <summary>
/// A read-only view of the machine the action would run on. The engine never touches the file system,
/// the clock or the environment itself; the caller answers these questions (and may cache the answers).
/// </summary>
public interface IWorldView
{
    /// <summary>The user's home directory, absolute.</summary>
    string HomeDirectory { get; }

    /// <summary>Well-known environment variables the action would see (HOME, USER, TMPDIR...); null when unset.</summary>
    string? GetEnvironmentVariable(string name);

    PathKind GetPathKind(string absolutePath);

    /// <summary>The root of the git working tree containing <paramref name="absoluteDirectory"/>, or null.</summary>
    string? FindRepositoryRoot(string absoluteDirectory);

    /// <summary>The branch checked out in the repository at <paramref name="repositoryRoot"/>, or null (detached, unknown).</summary>
    string? CurrentBranch(string repositoryRoot);

    /// <summary>The text of a file the action would read (a SQL file, a script), at most <paramref name="maxBytes"/>
    /// long; null when missing, unreadable or larger.</summary>
    string? ReadTextFile(string absolutePath, int maxBytes);

    /// <summary>A configuration file as <paramref name="parse"/> reads it (null when it cannot be read). A resident
    /// process may keep the result while the file is unchanged, so <paramref name="parse"/> must depend on the text
    /// alone, <paramref name="parser"/> must name it, and nobody may modify what it returns.</summary>
    T? ReadParsedFile<T>(string absolutePath, int maxBytes, string parser, Func<string, T?> parse) where T : class =>
        ReadTextFile(absolutePath, maxBytes) is { } text ? parse(text) : null;

    /// <summary>The target of the symbolic link at <paramref name="absolutePath"/> as stored in the link (absolute, or
    /// relative to the link's directory), without following it; null when the path is not a symbolic link or that cannot
    /// be told. The engine resolves paths through links itself (<see cref="Analysis.LinkResolver"/>), one component at a time.</summary>
    string? ReadSymbolicLink(string absolutePath) => null;

    /// <summary>Which file <paramref name="absolutePath"/> is (device, inode) and how many names it has, without following a
    /// symbolic link at the end; null when it is missing, not a regular file, or that cannot be told. Lets the engine see
    /// that a name is a hard link to a protected file.</summary>
    FileIdentity? GetFileIdentity(string absolutePath) => null;

    /// <summary>How the agent's current session wrote or changed <paramref name="absolutePath"/> (<c>the Write tool at
    /// 12:03 UTC</c>), or null when it did not (or no session is known). Code the session wrote and that cannot be read
    /// is not trusted like code that was already there.</summary>
    string? WrittenInSession(string absolutePath) => null;
}

/// <summary>A regular file's identity: two names with the same <see cref="Device"/> and <see cref="Inode"/> are the same
/// file (hard links); <see cref="LinkCount"/> is how many names it has.</summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode, uint LinkCount);

public enum Verdict { Allow = 0, Ask = 1, Deny = 2 }

/// <summary>What would be destroyed, overwritten or discarded, or why the guard cannot tell.</summary>
public enum EffectKind
{
    DeletePath,
    OverwriteFile,
    AppendFile,
    EmptyFile,
    DestroyContents,
    MovePath,
    ChangePermissions,
    WipeDevice,
    ForkBomb,
    DiscardUncommittedChanges,
    DeleteUntrackedFiles,
    DropStash,
    DeleteBranch,
    ForcePushRemote,
    DeleteRemoteRef,
    RewriteHistory,
    RemoveWorktree,
    /// <summary>Data in a database, bucket, volume or store is deleted (DROP, TRUNCATE, DELETE without WHERE, FLUSHALL, s3 rm).</summary>
    DestroyData,
    /// <summary>Cloud or IaC-managed infrastructure is deleted (terraform destroy, aws ec2 terminate-instances, stack delete).</summary>
    DestroyInfrastructure,
    /// <summary>Cluster resources are deleted or taken down (kubectl delete, helm uninstall, scale to zero, drain).</summary>
    DeleteClusterResources,
    /// <summary>State changes that are not destructive by themselves (apply, deploy, write queries) but matter in production.</summary>
    ChangeInfrastructure,
    /// <summary>The running system is disrupted (shutdown, reboot, stopping services, flushing firewall rules, killing all processes).</summary>
    DisruptSystem,
    /// <summary>Something published is withdrawn or deleted for everyone (npm unpublish, gh repo delete, gem yank).</summary>
    DeletePublished,
    Indeterminate,
    /// <summary>A file tool rewrites an existing file destructively: empties it, removes most of it, replaces it with
    /// unrelated content, or overwrites a binary or generated file (Detail says which).</summary>
    RewriteFile,
    /// <summary>A file tool reads a file that holds credentials or private keys.</summary>
    ReadSecret,
    /// <summary>A tool (an MCP tool) whose name says it deletes, drops, destroys, terminates, truncates or purges something.</summary>
    CallDestructiveTool,
    /// <summary>The agent runs an `interlock` command that changes the guard (disable, policy, approve, reset, undo).</summary>
    ChangeGuard,
    /// <summary>A command the policy's custom command rules describe (`commands:` with only a verdict); the rule's own verdict decides and the built-in rules allow it.</summary>
    CustomCommand,
    /// <summary>A file tool writes or edits a file (an ordinary change). Reported only when the policy has path rules or
    /// protected paths that may care; the built-in rules allow it.</summary>
    WriteFile,
    /// <summary>Something is installed to run later on its own, outside the session the guard checks: a cron or at job,
    /// an enabled or timer-started service, a line in a shell start-up file, a git hook, a direnv or editor task.</summary>
    InstallPersistence,
}

/// <summary>Every <see cref="EffectKind"/> without reflection (Enum.GetValues costs the hook a fifth of a millisecond at start-up).</summary>
public static class EffectKinds
{
    /// <summary>The last member of <see cref="EffectKind"/>; a test keeps it in step with the enum.</summary>
    public const EffectKind Last = EffectKind.InstallPersistence;

    public static EffectKind[] All()
    {
        var all = new EffectKind[(int)Last + 1];
        for (var i = 0; i < all.Length; i++) all[i] = (EffectKind)i;
        return all;
    }
}

/// <summary>Where an effect lands, as far as it can be inferred from names (contexts, profiles, hosts...).</summary>
public enum TargetEnvironment { Unknown, Development, Staging, Production }

/// <summary>Where a path sits, from the point of view of what losing it costs.</summary>
public enum PathClass
{
    /// <summary>The target cannot be known statically (a variable, a substitution, an unknown directory).</summary>
    Unknown,
    /// <summary><c>/</c> itself or everything in it.</summary>
    Root,
    /// <summary>In or under /etc, /usr, /bin, /sbin, /lib*, /boot, /dev, /proc, /sys.</summary>
    SystemCritical,
    /// <summary>A top-level directory such as /var, /opt, /home, /srv, /root (itself or all of its contents).</summary>
    SystemTopLevel,
    /// <summary>Below /var, /opt, /srv, /mnt, /media... (not temp).</summary>
    System,
    /// <summary>The home directory itself or all of its contents.</summary>
    Home,
    /// <summary>Something in the home directory, outside the project.</summary>
    InHome,
    /// <summary>The project (repository) root itself or all of its contents.</summary>
    ProjectRoot,
    /// <summary>Source inside the project.</summary>
    ProjectSource,
    /// <summary>Output a build regenerates (node_modules, bin, obj, dist, build, target, .venv...).</summary>
    Regenerable,
    /// <summary>/tmp or /var/tmp themselves.</summary>
    TempRoot,
    /// <summary>Inside a temp directory.</summary>
    Temp,
    /// <summary>A block device or disk (/dev/sda, /dev/nvme0n1...).</summary>
    Disk,
    /// <summary>A harmless device (/dev/null, /dev/stdout...).</summary>
    NullDevice,
    /// <summary>Anywhere else (another user's files, a mounted volume...).</summary>
    Other,
    /// <summary>A path the agent must not change however it is reached: the guard's own configuration, state and
    /// program, hook registrations, .git internals, ~/.ssh/authorized_keys, shell start-up files
    /// (<see cref="Policy.ProtectedPaths"/>).</summary>
    Protected,
}

/// <summary>One consequence of an invocation.</summary>
/// <param name="Target">The resolved absolute path, branch, ref or other object the effect applies to.</param>
/// <param name="Class">For path effects: where the path sits.</param>
/// <param name="Recursive">The effect covers a whole tree (or everything a glob matches).</param>
/// <param name="Reversible">Whether the effect can be undone without a backup.</param>
/// <param name="Description">Plain words: what would happen ("deletes the home directory /home/dev").</param>
/// <param name="Source">The invocation that causes it.</param>
/// <param name="Detail">Extra facts the policy may use (e.g. "protected-branch").</param>
public sealed record Effect(
    EffectKind Kind,
    string Target,
    PathClass Class,
    bool Recursive,
    bool Reversible,
    string Description,
    Invocation Source,
    string? Detail = null)
{
    /// <summary>The environment the effect lands in (production, staging, development, unknown).</summary>
    public TargetEnvironment Environment { get; init; }

    /// <summary>How the environment was inferred, for explain ("kube context `prod-eu` matches `prod`").</summary>
    public string? EnvironmentEvidence { get; init; }

    /// <summary>How much the effect destroys, when it is counted: lines a file edit removes, or the value a custom command
    /// rule reads from an option. Policy rules can match on it.</summary>
    public long? Amount { get; init; }
}

/// <summary>The decision and everything that explains it.</summary>
public sealed record Decision(
    Verdict Verdict,
    string RuleId,
    string Reason,
    string? Alternative,
    IReadOnlyList<Effect> Effects,
    IReadOnlyList<Invocation> Invocations,
    ParseResult? Parse)
{
    /// <summary>For ask: how many distinct humans must approve (two in production: the two-person rule).</summary>
    public int RequiredApprovals { get; init; } = 1;

    /// <summary>The files the action writes or may change (absolute), so the session's provenance can record them:
    /// a file tool's path, a shell command's redirections, copies, and the files its other commands name.</summary>
    public IReadOnlyList<string> Writes { get; init; } = [];

    /// <summary>For ask: the group the approvers must belong to (from the policy); null for anyone.</summary>
    public string? ApproverGroup { get; init; }

    /// <summary>For ask: how long an approval stays valid (from the policy); null for the approval server's default.</summary>
    public TimeSpan? ApprovalExpiry { get; init; }

    /// <summary>Every rule that matched any effect, and which one decided (for explain and the audit trail).</summary>
    public IReadOnlyList<Policy.RuleMatch> Matches { get; init; } = [];

    /// <summary>Shadow mode: the verdict shadow rules would have given, when stricter than <see cref="Verdict"/>; null otherwise.</summary>
    public Verdict? ShadowVerdict { get; init; }

    /// <summary>Shadow mode: the shadow rule that would have decided.</summary>
    public string? ShadowRuleId { get; init; }

    /// <summary>An allow says what it let through: an allowed deletion is still a deletion, and the reason must not
    /// say "nothing destructive" beside an effect that deletes.</summary>
    public static Decision Allow(IReadOnlyList<Invocation> invocations, IReadOnlyList<Effect> effects, ParseResult? parse) =>
        new(Verdict.Allow, "allow", AllowReason(effects), null, effects, invocations, parse);

    private static string AllowReason(IReadOnlyList<Effect> effects)
    {
        if (effects.Count == 0) return "no destructive effect found";
        var shown = string.Join("; ", effects.Take(3).Select(e => e.Description));
        return $"no rule asks for a human for what it does ({shown}{(effects.Count > 3 ? $"; and {effects.Count - 3} more" : "")})";
    }
}
