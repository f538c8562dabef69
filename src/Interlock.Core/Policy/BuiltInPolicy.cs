namespace Interlock.Core.Policy;

/// <summary>The verdict for one effect, and the words that explain it.</summary>
public sealed record Ruling(Verdict Verdict, string RuleId, string Why, string? Alternative)
{
    /// <summary>For ask: distinct human approvals needed (the two-person rule applies in production).</summary>
    public int RequiredApprovals { get; init; } = 1;

    /// <summary>For ask: the approver group a policy rule names; null for anyone.</summary>
    public string? ApproverGroup { get; init; }

    /// <summary>For ask: how long an approval stays valid; null for the default.</summary>
    public TimeSpan? ApprovalExpiry { get; init; }
}

/// <summary>
/// The default rules: deny the unrecoverable, ask for the destructive-but-legitimate, allow the rest
/// (including regenerable output). Every ruling says why and what to do instead.
/// </summary>
public static class BuiltInPolicy
{
    private static readonly Ruling Allowed = new(Verdict.Allow, "allow", "", null);

    /// <summary>The command is longer or more deeply nested than the parser's limits.</summary>
    public const string ParseLimitRuleId = "parse.limit";
    /// <summary>The command is not shell syntax the parser understands.</summary>
    public const string ParseErrorRuleId = "parse.error";

    /// <summary>
    /// Rulings a policy may only tighten, from any layer (deny, more approvers, a group, an expiry, other words), never
    /// loosen to allow: when the parser gives up, the guard has seen nothing of the command, and making a command
    /// unparseable is in the agent's hands (pad it past the length limit, nest it past the depth limit). Allowing these
    /// would let any action through every other rule, protected path and the guard's self-protection, by construction.
    /// </summary>
    public static readonly IReadOnlySet<string> TightenOnlyRuleIds = new HashSet<string>(StringComparer.Ordinal) { ParseLimitRuleId, ParseErrorRuleId };

    /// <param name="world">The world the effect was classified in: why a path is protected can depend on it (a
    /// harness's variable such as CODEX_HOME, a location that exists); null to decide from the path alone.</param>
    public static Ruling Evaluate(Effect e, IWorldView? world = null)
    {
        var c = e.Class;
        if (c == PathClass.Protected && ProtectedRuling(e, world) is { } protectedRuling)
            return protectedRuling;
        if (SecretFileLoss(e, world) is { } secretRuling)
            return secretRuling;
        switch (e.Kind)
        {
            case EffectKind.DeletePath:
                if (c is PathClass.Root)
                    return Deny("fs.delete-root", "nothing on the machine would survive", "Delete the specific files you mean, by path, inside the project.");
                if (c is PathClass.Home)
                    return Deny("fs.delete-home", "a home directory holds the user's keys, settings and every other project, none of it recoverable", "Name the specific directory inside the project that you want gone.");
                if (c is PathClass.SystemCritical)
                    return Deny("fs.delete-system", "system files are not the agent's to delete; the machine may stop booting or working", "Leave system files alone; if something there is wrong, tell the user what and why.");
                if (c is PathClass.SystemTopLevel && (e.Recursive || e.Detail == "no-preserve-root"))
                    return Deny("fs.delete-system", "it would delete a whole top-level system directory (or another user's home)", "Delete the specific files you mean instead.");
                if (c is PathClass.Disk)
                    return Deny("fs.delete-device", "it would delete a device node", "Leave /dev alone.");
                if (c is PathClass.Regenerable or PathClass.Temp or PathClass.NullDevice)
                    return Allowed;
                if (c is PathClass.Unknown)
                    return Ask("fs.delete-unknown", "the path to delete cannot be known before the command runs, so the guard cannot tell what it would destroy", "Use a literal path, or print the value first (`echo \"$VAR\"`) and delete that exact path.");
                if (c is PathClass.ProjectRoot)
                    return Ask("fs.delete-project", "it would delete the whole project, including uncommitted work", "Delete only the build outputs you mean (e.g. `rm -rf dist build`), or use `git clean -n` to see what is untracked.");
                if (c is PathClass.ProjectSource)
                    return e.Recursive
                        ? Ask("fs.delete-source-tree", "it deletes a source directory tree; uncommitted and untracked files in it cannot be recovered", "Check `git status` first and delete individual files, or move the directory aside (`mv dir /tmp/`) so it can be restored.")
                        : Allowed;
                if (c is PathClass.TempRoot)
                    return Ask("fs.delete-temp-root", "it deletes a whole temporary directory that other programs use", "Delete only your own files under it, e.g. /tmp/your-dir.");
                return Ask("fs.delete-outside-project", "it deletes files outside the project, which the task is unlikely to need", "Keep changes inside the project; if this really is needed, ask the user to do it.");

            case EffectKind.MovePath:
                if (c is PathClass.Root or PathClass.SystemCritical or PathClass.SystemTopLevel or PathClass.Home)
                    return Deny("fs.move-system", "moving a system directory or the home directory breaks the machine or the user's session", "Move only files inside the project.");
                if (e.Detail == "out-of-project" && c is PathClass.ProjectSource)
                    return Ask("fs.move-out-of-project", "it takes source out of the project, where git no longer sees it and uncommitted work in it is easily lost (a temp directory is emptied at reboot)", "Move it within the project (e.g. to an `old/` directory), or remove it with `git rm -r` so it stays in history.");
                if (c is PathClass.ProjectRoot or PathClass.Unknown)
                    return Ask("fs.move-project", "it moves the whole project (or a path that cannot be known in advance) away", "Move the specific files you mean.");
                return Allowed;

            case EffectKind.OverwriteFile:
                if (e.Detail == "in-place" && c is not (PathClass.SystemCritical or PathClass.Root))
                    return Allowed; // sed -i / perl -pi: an edit, like the Edit tool
                if (c is PathClass.SystemCritical or PathClass.Root)
                    return Deny("fs.overwrite-system", "it overwrites a system file", "Leave system configuration alone; tell the user what change is needed.");
                if (c is PathClass.InHome or PathClass.Home)
                    return Ask("fs.overwrite-home", "it overwrites a file in the user's home directory, outside the project", "Write inside the project, or ask the user to make this change.");
                if (c is PathClass.System or PathClass.SystemTopLevel or PathClass.Other)
                    return Ask("fs.overwrite-outside-project", "it overwrites a file outside the project", "Write inside the project instead.");
                return Allowed;

            case EffectKind.AppendFile:
                return Allowed;

            case EffectKind.EmptyFile:
                if (c is PathClass.SystemCritical)
                    return Deny("fs.overwrite-system", "it empties a system file", "Leave system files alone.");
                if (c is PathClass.Temp or PathClass.Regenerable or PathClass.NullDevice || e.Detail != "exists" && c is not PathClass.Unknown)
                    return Allowed;
                return Ask("fs.empty-file", "it empties an existing file; its contents are lost unless committed", "Edit the file to remove what you mean, or check `git diff` after.");

            case EffectKind.DestroyContents:
                if (c is PathClass.Disk)
                    return Deny("disk.wipe", "it overwrites a whole disk", "Never write to raw disks from an agent session.");
                if (c is PathClass.SystemCritical)
                    return Deny("fs.overwrite-system", "it destroys a system file", "Leave system files alone.");
                if (c is PathClass.Temp or PathClass.NullDevice or PathClass.Regenerable)
                    return Allowed;
                return Ask("fs.destroy-contents", "it destroys the file's contents beyond recovery", "Delete the file normally (it stays recoverable from git), or ask the user.");

            case EffectKind.ChangePermissions:
                if (e.Recursive && c is PathClass.Root or PathClass.SystemCritical or PathClass.SystemTopLevel or PathClass.Home)
                    return Deny("fs.chmod-system", "recursively changing permissions or ownership of system directories or the home directory can make the machine or the account unusable", "Change only the files in the project that need it.");
                if (c is PathClass.SystemCritical)
                    return Ask("fs.chmod-system-file", "it changes permissions of a system file", "Leave system files alone.");
                if (e.Detail == "removes-owner-access" && c is not (PathClass.Temp or PathClass.Regenerable or PathClass.NullDevice))
                    return Ask("fs.chmod-lockout", "it locks the owner out of a whole tree; tools, builds and git stop working on it, and the earlier modes cannot be restored exactly", "Change only the permissions you need (e.g. `chmod -R go-w dir`, `chmod +x script.sh`), on the files that need it.");
                return Allowed;

            case EffectKind.WipeDevice:
                return Deny("disk.wipe", "it erases a disk or partition; everything on it is lost", "Never format or overwrite disks from an agent session; ask the user.");

            case EffectKind.ForkBomb:
                return Deny("system.fork-bomb", "it is a fork bomb: it starts processes until the machine stops responding", "Remove the self-calling function.");

            case EffectKind.DiscardUncommittedChanges:
                return Ask("git.discard-changes", "uncommitted changes are not in git's history, so they cannot be recovered afterwards", "Run `git stash` first (recoverable with `git stash pop`), or commit to a branch, then continue.");
            case EffectKind.DeleteUntrackedFiles:
                return Ask("git.clean", "untracked files are in no commit and no stash; once deleted they are gone", "Run `git clean -n` (dry run) to see the list, then delete specific paths; or `git stash -u` to keep them.");
            case EffectKind.DropStash:
                return Ask("git.stash-drop", "a dropped stash can only be recovered by digging through unreachable objects", "Apply it first (`git stash apply`) or keep it; `git stash list` shows what is there.");
            case EffectKind.DeleteBranch when e.Detail == "tag":
                return Ask("git.tag-delete", "a deleted tag is gone from this repository, and releases or builds that refer to it break", "Leave tags alone unless the user asked; if it must go, note its commit first (`git rev-parse TAG`) so it can be recreated with `git tag`.");
            case EffectKind.DeleteBranch:
                return Ask("git.branch-force-delete", "the branch may hold commits that exist nowhere else", "Use `git branch -d` (refuses unmerged work), or push the branch first.");
            case EffectKind.ForcePushRemote:
                return e.Detail == "protected-branch"
                    ? Ask("git.force-push-protected", "it rewrites the history of a shared branch that others build on", "Push to a new branch and open a pull request instead.")
                    : Ask("git.force-push", "a force push replaces the remote branch's history; commits only on the remote are lost", "Use `git push --force-with-lease` so the push fails if someone else pushed meanwhile.");
            case EffectKind.DeleteRemoteRef:
                return Ask("git.delete-remote-branch", "it deletes a branch or tag on the remote, for everyone", "Leave remote branches alone unless the user asked for this.");
            case EffectKind.RewriteHistory when e.Detail == "branch-move":
                return Ask("git.branch-move", "commits that were only on the branch are then on no branch; they can be found only in the reflog until it expires", "Create a new branch at that commit instead (`git branch new-name <commit>`), or note the old tip first (`git rev-parse <branch>`).");
            case EffectKind.RewriteHistory:
                return Ask("git.rewrite-history", "it rewrites or prunes history, removing the ability to recover lost commits", "Work on a copy (`git clone`) or a new branch, and keep the reflog.");
            case EffectKind.RemoveWorktree:
                return Ask("git.worktree-force-remove", "it removes a worktree including its uncommitted changes", "Commit or stash in that worktree first, then `git worktree remove` without --force.");

            case EffectKind.DestroyData:
                return Production(e, Ask("data.destroy", "the data would be gone unless a backup exists", "Take a backup or snapshot first, run the read-only form (SELECT/COUNT, list, --dry-run) to see what would go, and add a precise filter."));
            case EffectKind.DestroyInfrastructure:
                return Production(e, Ask("infra.destroy", "deleting infrastructure takes services down and may lose data that lives in it", "Preview first (`terraform plan -destroy`, `--dry-run`, describe/list), then let a human run the destroy."));
            case EffectKind.DeleteClusterResources:
                return Production(e, Ask("cluster.delete", "it removes workloads or data from the cluster; users of them are affected at once", "Use `--dry-run=server` to see what would go, and target the exact resource by name and namespace."));
            case EffectKind.ChangeInfrastructure when e.Detail == Knowledge.Terraform.UnreviewedApply:
                return Production(e, Ask("infra.apply-unreviewed", "-auto-approve without a saved plan applies changes nobody has seen: Terraform computes the plan and carries it out at once, deletions and replacements included", "Run `terraform plan -out=tfplan`, show the plan to the user, and apply that file (`terraform apply tfplan`)."));
            case EffectKind.ChangeInfrastructure when e.Detail == Knowledge.Terraform.StateSurgery:
                return Production(e, Ask("infra.state-surgery", "it edits the Terraform state directly: a wrong edit makes Terraform forget, duplicate or destroy real resources at the next apply, and the previous state is not kept unless it is backed up", "Run `terraform state pull > backup.tfstate` first, and prefer `moved`/`removed`/`import` blocks in the configuration, which go through plan and review."));
            case EffectKind.ChangeInfrastructure:
                return e.Environment == TargetEnvironment.Production
                    ? Production(e, Ask("production.change", "it changes state in production, where every change needs a human's approval", "Run the read-only form first (plan, diff, --dry-run) and hand the change to a human."))
                    : Allowed;
            case EffectKind.DisruptSystem:
                return Production(e, Ask("system.disrupt", "it disrupts the running system (services, network rules, processes, accounts)", "Tell the user what needs restarting or changing and let them do it."));
            case EffectKind.DeletePublished:
                return Ask("publish.delete", "it withdraws something published for everyone who depends on it; often it cannot be re-published under the same name or version", "Deprecate instead (e.g. `npm deprecate`), or ask the user.");

            case EffectKind.RewriteFile:
                if (c is PathClass.Temp or PathClass.Regenerable or PathClass.NullDevice)
                    return Allowed;
                return e.Detail switch
                {
                    "emptied" => Ask("edit.empty-file", "it empties a file that has content; whatever is not committed is lost", "Edit the parts that need changing; if the file should go, tell the user and let them delete it."),
                    "replaced" => Ask("edit.replace-file", "it replaces the file wholesale with unrelated content; a rewrite from scratch loses working code, and what is not committed cannot be recovered", "Edit the parts that need changing with small Edit calls; if a rewrite is really intended, commit first or ask the user."),
                    "removed" => Ask("edit.remove-most", "it removes most of the file; what is not committed cannot be recovered", "Edit the parts that need changing; remove code in small, reviewed steps, or ask the user whether the file should shrink this much."),
                    "binary" => Ask("edit.overwrite-binary", "it overwrites a binary file with text; the binary content is lost unless committed", "Leave binary files alone, or regenerate them with the tool that produced them."),
                    "generated" => Ask("edit.overwrite-generated", "the file says it is generated: hand-written content is lost at the next generation and hides the real change", "Change the generator's input (schema, template, source) and regenerate."),
                    _ => Ask("edit.unreadable", "the existing file is too large to read (or unreadable), so the guard cannot tell how much of it the edit keeps", "Edit the parts that need changing in small steps, or ask the user."),
                };

            case EffectKind.CallDestructiveTool:
                return Production(e, Ask("mcp.destructive-tool", "the tool's name says it deletes or destroys something, and the guard cannot see what or whether it can be restored", "Use the tool's list or read operation first to show exactly what would go, then let the user approve the deletion."));

            case EffectKind.ChangeGuard:
                return Deny("guard.self-change", "commands that change Interlock (disable it, change its policy, approve, reset a breaker, undo) must be run by a human, never by the agent it guards", "Tell the user the exact command and why it is needed; a human must run it.");

            case EffectKind.InstallPersistence:
                return Production(e, Ask("persistence.install", PersistenceWhy, PersistenceAlternative));

            case EffectKind.ReadSecret when e.Detail == "stage-secret":
                return Ask("secrets.commit", "a file that holds secrets would go into git history; once pushed, everyone with the repository has them, and taking them out again needs a history rewrite and new credentials", "Keep the file ignored; commit a `.env.example` with the names and placeholder values instead.");
            case EffectKind.ReadSecret when e.Detail == "credential-command":
                return Ask("secrets.print", "it prints a live credential (an access token, key or password); once printed it is in the conversation, sent to the model provider and may end up in logs or output", "Let the tool that needs the credential fetch it itself (the CLI, an SDK, a credential helper) without printing it; to check that you are signed in, use the status form (`gh auth status`, `aws sts get-caller-identity`, `gcloud auth list`).");
            case EffectKind.ReadSecret:
                return Ask("secrets.read", "the file holds credentials or private keys; once read they are in the conversation, sent to the model provider and may end up in logs or output", "Use the credential through the tool that needs it (ssh, aws, kubectl, npm) without reading it; for .env files read .env.example, or ask the user for the names you need.");

            case EffectKind.Indeterminate:
                if (e.Detail == ParseLimitRuleId)
                    return Ask("parse.limit", "it cannot tell what the command would do (it is too long or too deeply nested to analyse), so a human must decide", "Split the work into smaller, simpler commands.");
                if (e.Detail == ParseErrorRuleId)
                    return Ask("parse.error", "it cannot tell what the command would do, so a human must decide", "Check the quoting; write the command in plain POSIX shell syntax.");
                return Ask("indeterminate", "the guard cannot tell statically what this would run", "Write the command out literally so it can be checked, or run the generated command after reviewing it.");
        }
        return Allowed;
    }

    /// <summary>Writes, deletes, moves and permission changes of protected paths are denied. Appending to a shell
    /// start-up file or into .git is allowed; a directory that only contains a protected location is protected
    /// against deletion and moving, not against chmod.</summary>
    private static Ruling? ProtectedRuling(Effect e, IWorldView? world)
    {
        if (e.Kind is not (EffectKind.DeletePath or EffectKind.MovePath or EffectKind.OverwriteFile or EffectKind.EmptyFile or EffectKind.DestroyContents
            or EffectKind.ChangePermissions or EffectKind.AppendFile or EffectKind.RewriteFile))
            return null;
        var remote = e.Source.Context.RemoteHost is not null;
        var (kind, ancestor) = ProtectedPaths.Match(e.Target, e.Source.Context.Home, world, remote, inTemp: false)
            ?? ProtectedPaths.Match(e.Target, e.Source.Context.Home, null, remote, inTemp: false) ?? (ProtectedKind.GuardState, false);
        if (e.Kind == EffectKind.AppendFile && kind is ProtectedKind.ShellStartup or ProtectedKind.GitInternals)
            return Allowed; // what is appended to a start-up file is checked where it is written (InstallPersistence)
        if (kind == ProtectedKind.Persistence)
            return e.Kind is EffectKind.DeletePath or EffectKind.MovePath or EffectKind.ChangePermissions or EffectKind.EmptyFile
                ? Ask("persistence.remove", "it removes or disables configuration that other sessions and tools rely on (ssh, git, direnv, hooks, editor tasks)", "Leave the file in place, or tell the user what should change there.")
                : Ask("persistence.install", PersistenceWhy, PersistenceAlternative);
        if (ancestor && e.Kind == EffectKind.ChangePermissions)
            return e.Recursive ? Ask("fs.chmod-protected", "it changes permissions of everything in a directory that holds protected files (keys, the guard's configuration)", "Change only the files that need it.") : Allowed;
        var id = kind switch
        {
            ProtectedKind.GuardState => "protected.guard-config",
            ProtectedKind.HookRegistration => "protected.hook-settings",
            ProtectedKind.GuardBinary => "protected.guard-binary",
            ProtectedKind.GitInternals => "protected.git-internals",
            ProtectedKind.SshAuthorizedKeys => "protected.authorized-keys",
            _ => "protected.shell-startup",
        };
        var (why, alternative) = ProtectedPaths.Explain(kind);
        return Deny(id, ancestor ? "it contains protected files: " + why : why, alternative);
    }

    private const string PersistenceWhy = "it installs something that runs later on its own (on a schedule, at login, in every new shell, on a git or ssh event, when a folder is opened), outside this session where the guard cannot check what it does";
    private const string PersistenceAlternative = "Run what is needed directly now; if it must run later, tell the user what to add and where, and let them install it.";

    /// <summary>Deleting, emptying or replacing an existing file that holds secrets (.env, a key, credentials): such files
    /// are ignored by git, so no commit holds them and what they held is gone. An in-place edit or an append keeps them.</summary>
    private static Ruling? SecretFileLoss(Effect e, IWorldView? world)
    {
        if (world is null || e.Source.Context.RemoteHost is not null) return null;
        if (e.Kind is not (EffectKind.DeletePath or EffectKind.EmptyFile or EffectKind.OverwriteFile or EffectKind.DestroyContents or EffectKind.MovePath)) return null;
        if (e.Kind == EffectKind.OverwriteFile && e.Detail == "in-place") return null;
        if (e.Class is not (PathClass.ProjectSource or PathClass.ProjectRoot or PathClass.InHome or PathClass.Other or PathClass.Unknown) || !e.Target.StartsWith('/')) return null;
        if (world.GetPathKind(e.Target) != PathKind.File) return null;
        if (Analysis.SecretFiles.Describe(e.Target, e.Source.Context.Home, world, 1 << 20) is not { } secret) return null;
        return Ask("secrets.overwrite", $"it holds {secret}, which is usually ignored by git and in no commit, so once deleted or overwritten the values are gone", "Back it up first (`cp .env .env.bak`) and edit only the lines that need changing; to start from a template, ask the user.");
    }

    /// <summary>In production a destructive ask needs two approvers (the two-person rule), and says so.</summary>
    private static Ruling Production(Effect e, Ruling r) =>
        e.Environment == TargetEnvironment.Production && r.Verdict == Verdict.Ask
            ? r with { RuleId = r.RuleId.StartsWith("production.") ? r.RuleId : r.RuleId + ".production", Why = r.Why + "; it targets production, so two people must approve", RequiredApprovals = 2 }
            : r;

    private static Ruling Deny(string id, string why, string alternative) => new(Verdict.Deny, id, why, alternative);
    private static Ruling Ask(string id, string why, string alternative) => new(Verdict.Ask, id, why, alternative);
}
