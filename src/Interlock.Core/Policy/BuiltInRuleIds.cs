namespace Interlock.Core.Policy;

/// <summary>Every rule id <see cref="BuiltInPolicy"/> can give, so policy files can override them by id and a typo is an
/// error rather than a rule that silently never applies. The <c>.production</c> variants are the two-person-rule forms
/// of the destructive asks (a test checks this list against BuiltInPolicy's source).</summary>
public static class BuiltInRuleIds
{
    private static readonly string[] ProductionVariants = ["data.destroy", "infra.destroy", "infra.apply-unreviewed", "infra.state-surgery", "cluster.delete", "system.disrupt", "mcp.destructive-tool", "persistence.install"];

    public static readonly IReadOnlySet<string> All = new SortedSet<string>(new[]
    {
        "cluster.delete", "data.destroy", "disk.wipe", "edit.empty-file", "edit.overwrite-binary", "edit.overwrite-generated",
        "edit.remove-most", "edit.replace-file", "edit.unreadable", "fs.chmod-protected", "fs.chmod-lockout", "fs.chmod-system", "fs.chmod-system-file",
        "fs.delete-device", "fs.delete-home", "fs.delete-outside-project", "fs.delete-project", "fs.delete-root", "fs.delete-source-tree",
        "fs.delete-system", "fs.delete-temp-root", "fs.delete-unknown", "fs.destroy-contents", "fs.empty-file", "fs.move-project", "fs.move-out-of-project",
        "fs.move-system", "fs.overwrite-home", "fs.overwrite-outside-project", "fs.overwrite-system", "git.branch-force-delete",
        "git.clean", "git.delete-remote-branch", "git.discard-changes", "git.force-push", "git.force-push-protected",
        "git.rewrite-history", "git.branch-move", "git.tag-delete", "persistence.install", "persistence.remove", "secrets.print", "secrets.overwrite", "secrets.commit", "git.stash-drop", "git.worktree-force-remove", "guard.self-change", "indeterminate", "infra.destroy",
        "infra.apply-unreviewed", "infra.state-surgery",
        "mcp.destructive-tool", "parse.error", "parse.limit", "production.change", "publish.delete", "secrets.read", "system.disrupt", "system.fork-bomb",
        "protected.authorized-keys", "protected.git-internals", "protected.guard-binary", "protected.guard-config",
        "protected.hook-settings", "protected.shell-startup",
    }.Concat(ProductionVariants.Select(id => id + ".production")), StringComparer.Ordinal);
}
