using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>git: the subcommands that discard work, delete branches or rewrite shared history.</summary>
public sealed class Git : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["git"];

    // Global options that take a value (git [-C dir] [-c k=v] ... <command>).
    private static readonly HashSet<string> ValuedGlobals = ["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env", "--super-prefix"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        var i = 0;
        string? repoDir = KnowledgeContext.Cwd(inv);
        while (i < args.Count && args[i].Text.StartsWith('-'))
        {
            var t = args[i].Text;
            if (t == "-C" && i + 1 < args.Count) repoDir = args[i + 1].Known ? PathResolver.Combine(repoDir, args[i + 1].Text) : null;
            i += ValuedGlobals.Contains(t) ? 2 : 1;
        }
        if (i >= args.Count) return;
        var sub = args[i].Text;
        var rest = args.Skip(i + 1).ToList();
        if (rest.Any(a => a.Text is "-h" or "--help")) return;
        var repo = repoDir is null || inv.Context.RemoteHost is not null ? null : ctx.World.FindRepositoryRoot(repoDir);
        var where = repo ?? repoDir ?? "the repository";
        void Add(EffectKind kind, string target, string description, string? detail = null) =>
            effects.Add(new Effect(kind, target, PathClass.ProjectSource, true, false, description, inv, detail));

        var (flags, operands) = Options.Split(rest);
        switch (sub)
        {
            case "reset":
                if (flags.FirstOrDefault(f => f is "--hard" or "--merge" or "--keep") is { } mode)
                    Add(EffectKind.DiscardUncommittedChanges, where,
                        $"`git reset {mode}` discards uncommitted changes in {where}" + (operands.Count > 0 ? $" and moves the branch to {operands[0].Text}" : ""));
                break;
            case "checkout":
            {
                if (Options.Has(flags, 'b') || Options.Has(flags, 'B') || flags.Contains("--orphan")) break;
                var dashDash = rest.FindIndex(a => a.Text == "--");
                var paths = dashDash >= 0 ? rest.Skip(dashDash + 1).ToList() : PathLikeOperands(operands, inv, ctx);
                if (paths.Count > 0)
                    Add(EffectKind.DiscardUncommittedChanges, where,
                        $"`git checkout` overwrites uncommitted changes to {List(paths)} with the committed version");
                else if (Options.Has(flags, 'f', "--force"))
                    Add(EffectKind.DiscardUncommittedChanges, where, "`git checkout --force` throws away local changes while switching branches");
                break;
            }
            case "switch":
                if (flags.Any(f => f is "--discard-changes" or "-f" or "--force"))
                    Add(EffectKind.DiscardUncommittedChanges, where, "`git switch --discard-changes` throws away local changes");
                break;
            case "restore":
            {
                var staged = Options.Has(flags, 'S', "--staged");
                var worktree = Options.Has(flags, 'W', "--worktree");
                if (staged && !worktree) break;
                var (_, paths) = Options.Split(rest, f => f is "-s" or "--source");
                Add(EffectKind.DiscardUncommittedChanges, where,
                    $"`git restore` overwrites uncommitted changes to {(paths.Count > 0 ? List(paths) : "the working tree")} with the committed version");
                break;
            }
            case "clean":
            {
                var force = Options.Has(flags, 'f', "--force");
                var dryRun = Options.Has(flags, 'n', "--dry-run");
                var interactive = Options.Has(flags, 'i', "--interactive");
                if (!force || dryRun || interactive) break;
                var ignored = Options.Has(flags, 'x') || Options.Has(flags, 'X');
                var dirs = Options.Has(flags, 'd');
                Add(EffectKind.DeleteUntrackedFiles, where,
                    $"`git clean` permanently deletes untracked files{(dirs ? " and directories" : "")}{(ignored ? ", including ignored ones (.env, local config)" : "")} in {(operands.Count > 0 ? List(operands) : where)}; git keeps no copy of them");
                break;
            }
            case "stash":
                if (operands.FirstOrDefault()?.Text is "drop" or "clear")
                    Add(EffectKind.DropStash, where, operands[0].Text == "clear" ? "`git stash clear` deletes every stash" : $"`git stash drop` deletes the stash {(operands.Count > 1 ? operands[1].Text : "stash@{0}")}");
                break;
            case "branch":
            {
                var forceDelete = Options.Has(flags, 'D') ||
                    ((Options.Has(flags, 'd', "--delete")) && Options.Has(flags, 'f', "--force"));
                if (forceDelete)
                    foreach (var b in operands)
                        Add(EffectKind.DeleteBranch, b.Text, $"deletes branch `{b.Text}` even if it has commits that are not merged anywhere");
                break;
            }
            case "push":
                AnalyzePush(rest, repo, inv, ctx, effects);
                break;
            case "filter-branch" or "filter-repo":
                Add(EffectKind.RewriteHistory, where, $"`git {sub}` rewrites the history of {where}");
                break;
            case "reflog":
                if (operands.FirstOrDefault()?.Text is "delete" ||
                    (operands.FirstOrDefault()?.Text is "expire" && flags.Any(f => f.StartsWith("--expire") && (f.EndsWith("=now") || f.EndsWith("=all") || f.EndsWith("=0")))))
                    Add(EffectKind.RewriteHistory, where, "expires the reflog, the safety net that lets lost commits be recovered");
                break;
            case "gc":
                if (flags.Any(f => f is "--prune=now" or "--prune=all"))
                    Add(EffectKind.RewriteHistory, where, "`git gc --prune=now` permanently deletes unreachable commits");
                break;
            case "update-ref":
                if (Options.Has(flags, 'd'))
                    Add(EffectKind.RewriteHistory, operands.FirstOrDefault()?.Text ?? where, $"deletes the ref {operands.FirstOrDefault()?.Text}");
                break;
            case "worktree":
                if (operands.FirstOrDefault()?.Text is "remove" && Options.Has(flags, 'f', "--force"))
                    Add(EffectKind.RemoveWorktree, operands.Count > 1 ? operands[1].Text : where, $"removes the worktree {(operands.Count > 1 ? operands[1].Text : "")} including its uncommitted changes");
                break;
            case "rm":
                if (Options.Has(flags, 'f', "--force") && !Options.Has(flags, 'n', "--dry-run") && !flags.Contains("--cached"))
                    Add(EffectKind.DiscardUncommittedChanges, where, $"`git rm --force` deletes {List(operands)} even where they have uncommitted changes");
                break;
        }
    }

    /// <summary>`git checkout x y` without `--`: operands that exist as files are paths, not branches.</summary>
    private static List<Arg> PathLikeOperands(List<Arg> operands, Invocation inv, KnowledgeContext ctx)
    {
        var result = new List<Arg>();
        for (var k = 0; k < operands.Count; k++)
        {
            var op = operands[k];
            if (op.Text == "." || op.Glob) { result.Add(op); continue; }
            if (k > 0) { result.Add(op); continue; } // `git checkout <ref> <path>`
            var abs = PathResolver.Combine(KnowledgeContext.Cwd(inv), op.Text);
            if (abs is not null && inv.Context.RemoteHost is null && ctx.World.GetPathKind(abs) is PathKind.File or PathKind.Directory)
                result.Add(op);
        }
        return result;
    }

    private static string List(IEnumerable<Arg> args)
    {
        var list = args.Select(a => a.Text).ToList();
        return list.Count == 0 ? "the given paths" : list.Count <= 3 ? string.Join(", ", list) : string.Join(", ", list.Take(3)) + $" and {list.Count - 3} more";
    }

    private static void AnalyzePush(List<Arg> rest, string? repo, Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var (flags, operands) = Options.Split(rest, f => f is "--repo" or "-o" or "--push-option" or "--receive-pack" or "--exec");
        var force = flags.Any(f => f is "-f" || (f.StartsWith("--force") && !f.StartsWith("--force-with-lease") && !f.StartsWith("--force-if-includes") && f != "--force=false"))
                    || flags.Any(f => f.Length > 1 && f[0] == '-' && f[1] != '-' && f.Contains('f'));
        var lease = flags.Any(f => f.StartsWith("--force-with-lease"));
        var mirror = flags.Contains("--mirror");
        var delete = flags.Any(f => f is "--delete" || (f.Length > 1 && f[0] == '-' && f[1] != '-' && f.Contains('d')));
        var prune = flags.Contains("--prune");
        var remote = operands.Count > 0 ? operands[0].Text : "origin";
        var refspecs = operands.Skip(1).ToList();
        var current = repo is null ? null : ctx.World.CurrentBranch(repo);

        void Add(EffectKind kind, string target, string description, bool isProtected) =>
            effects.Add(new Effect(kind, target, PathClass.ProjectSource, false, false, description, inv, isProtected ? "protected-branch" : null));

        if (mirror)
        {
            Add(EffectKind.ForcePushRemote, remote, $"`git push --mirror` makes {remote} an exact copy of this repository, overwriting and deleting its branches", true);
            return;
        }
        if (prune)
            Add(EffectKind.DeleteRemoteRef, remote, $"`git push --prune` deletes branches on {remote} that do not exist locally", true);
        var targets = new List<(string Branch, bool Plus, bool Delete)>();
        foreach (var spec in refspecs)
        {
            if (!spec.Known)
            {
                // A branch computed at run time could be a shared one.
                targets.Add((spec.Text.TrimStart('+', ':'), spec.Text.StartsWith('+'), delete || spec.Text.StartsWith(':')));
                continue;
            }
            var t = spec.Text;
            var plus = t.StartsWith('+');
            if (plus) t = t[1..];
            var colon = t.IndexOf(':');
            var dst = colon >= 0 ? t[(colon + 1)..] : t;
            var isDelete = colon == 0 || delete;
            if (dst is "HEAD" or "@") dst = current ?? "the current branch";
            if (dst.StartsWith("refs/heads/")) dst = dst["refs/heads/".Length..];
            targets.Add((dst, plus, isDelete));
        }
        if (targets.Count == 0) targets.Add((current ?? "the current branch", false, delete));
        foreach (var (branch, plus, isDelete) in targets)
        {
            var isProtected = current is null && branch == "the current branch" || branch.Contains('$') || IsProtected(branch, ctx.Options);
            if (isDelete)
                Add(EffectKind.DeleteRemoteRef, branch, $"deletes `{branch}` on {remote}", isProtected);
            else if (force || plus)
                Add(EffectKind.ForcePushRemote, branch, $"force-pushes `{branch}` to {remote}, replacing its history; commits others pushed there are lost", isProtected);
            else if (lease && isProtected)
                Add(EffectKind.ForcePushRemote, branch, $"force-pushes (with lease) the shared branch `{branch}` to {remote}, rewriting its history", true);
        }
    }

    public static bool IsProtected(string branch, EngineOptions options) =>
        options.ProtectedBranches.Any(p => PathResolver.HasGlob(p) ? PathResolver.GlobMatch(p.Replace("/", "\u0001"), branch.Replace("/", "\u0001")) : p == branch);
}
