using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>git: the subcommands that discard work, delete branches or rewrite shared history.</summary>
public sealed class Git : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["git"];

    // Global options that take a value (git [-C dir] [-c k=v] ... <command>).
    private static readonly HashSet<string> ValuedGlobals = ["-C", "-c", "--git-dir", "--work-tree", "--namespace", "--exec-path", "--config-env", "--super-prefix"];

    /// <summary>Configuration keys whose value is a command git runs (through the shell) during ordinary subcommands.</summary>
    private static readonly string[] CommandKeys =
        ["core.sshcommand", "core.pager", "core.editor", "core.fsmonitor", "core.askpass", "sequence.editor", "diff.external",
         "credential.helper", "gpg.program", "pager.", "filter.", "diff.", "merge.", "uploadpack.packobjectshook", "core.hookspath",
         "remote.", "url.", "protocol.ext.allow", "include.path", "includeif."];

    /// <summary>Environment variables naming a command git runs.</summary>
    private static readonly string[] CommandVariables = ["GIT_SSH_COMMAND", "GIT_SSH", "GIT_PAGER", "GIT_EDITOR", "GIT_SEQUENCE_EDITOR", "GIT_EXTERNAL_DIFF", "GIT_ASKPASS", "GIT_PROXY_COMMAND"];

    private static bool IsCommandKey(string key)
    {
        key = key.ToLowerInvariant();
        if (key.StartsWith("remote.") && !key.EndsWith(".receivepack") && !key.EndsWith(".uploadpack") && !key.EndsWith(".proxy")) return false;
        if (key.StartsWith("url.") || key.StartsWith("diff.") && key != "diff.external" && !key.EndsWith(".command") && !key.EndsWith(".textconv")) return false;
        if (key.StartsWith("merge.") && !key.EndsWith(".driver")) return false;
        if (key.StartsWith("filter.") && !key.EndsWith(".clean") && !key.EndsWith(".smudge") && !key.EndsWith(".process")) return false;
        return CommandKeys.Any(k => k.EndsWith('.') ? key.StartsWith(k) : key == k);
    }

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects) => Analyze(inv, ctx, effects, 0);

    private void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects, int aliasDepth)
    {
        var args = inv.Args;
        var i = 0;
        string? repoDir = KnowledgeContext.Cwd(inv);
        var configs = new List<(string Key, string Value, bool Known)>();
        while (i < args.Count && args[i].Text.StartsWith('-'))
        {
            var t = args[i].Text;
            if (t == "-C" && i + 1 < args.Count) repoDir = args[i + 1].Known ? PathResolver.Combine(repoDir, args[i + 1].Text) : null;
            if (t == "-c" && i + 1 < args.Count && args[i + 1].Text.IndexOf('=') is var eq and > 0)
                configs.Add((args[i + 1].Text[..eq], args[i + 1].Text[(eq + 1)..], args[i + 1].Known));
            if (t.StartsWith("--config-env") && (t.Contains('=') ? t : i + 1 < args.Count ? args[i + 1].Text : "") is var ce && ce.Split('=') is { Length: >= 2 } parts
                && IsCommandKey(parts[^2]))
                EmbeddedCode.Indeterminate(inv, $"`git --config-env` sets `{parts[^2]}`, a command git runs, from the environment", effects);
            i += ValuedGlobals.Contains(t) ? 2 : 1;
        }
        foreach (var v in CommandVariables)
            if (inv.Environment.TryGetValue(v, out var value))
            {
                if (value is null) EmbeddedCode.Indeterminate(inv, $"`{v}` names a command git runs, set to a value not known in advance", effects);
                else EmbeddedCode.Shell(ctx, inv, value, $"git {v}", effects);
            }
        if (i >= args.Count) return;
        var sub = args[i].Text;
        foreach (var (key, value, known) in configs)
        {
            if (key.StartsWith("alias.", StringComparison.OrdinalIgnoreCase))
            {
                if (!string.Equals(key[6..], sub, StringComparison.OrdinalIgnoreCase)) continue;
                if (!known) { EmbeddedCode.Indeterminate(inv, $"`git {sub}` runs the alias `{key}`, whose value is not known in advance", effects); return; }
                if (value.StartsWith('!'))
                {
                    EmbeddedCode.Shell(ctx, inv, value[1..] + " " + string.Join(' ', args.Skip(i + 1).Select(a => ShellAnalyzer.Quote(a.Text))), $"git alias {sub}", effects);
                    return;
                }
                if (aliasDepth >= 4) { EmbeddedCode.Indeterminate(inv, $"`git {sub}` expands aliases too deeply to analyse", effects); return; }
                // A plain alias is a git command line: analyse it in place of the alias.
                List<Arg> expanded = [.. args.Take(i), .. value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(Arg.Literal), .. args.Skip(i + 1)];
                Analyze(inv with { Args = expanded }, ctx, effects, aliasDepth + 1);
                return;
            }
            if (IsCommandKey(key))
            {
                if (!known || key.Equals("core.hooksPath", StringComparison.OrdinalIgnoreCase) || key.StartsWith("include", StringComparison.OrdinalIgnoreCase))
                    EmbeddedCode.Indeterminate(inv, $"`git -c {key}=...` makes git run commands the guard cannot see", effects);
                else if (key.Equals("core.fsmonitor", StringComparison.OrdinalIgnoreCase) && value is "true" or "false")
                    continue;
                else
                    EmbeddedCode.Shell(ctx, inv, value, $"git -c {key}", effects);
            }
        }
        var rest = args.Skip(i + 1).ToList();
        if (rest.Any(a => a.Text is "-h" or "--help")) return;
        var repo = repoDir is null || inv.Context.RemoteHost is not null ? null : ctx.World.FindRepositoryRoot(repoDir);
        var where = repo ?? repoDir ?? "the repository";
        void Add(EffectKind kind, string target, string description, string? detail = null) =>
            effects.Add(new Effect(kind, target, PathClass.ProjectSource, true, false, description, inv, detail));

        var (flags, operands) = Options.Split(rest);
        switch (sub)
        {
            case "config":
            {
                // `git config alias.x '!cmd'` (or core.pager, core.sshCommand...) defines a command git runs later:
                // the next `git x` may be in this line or any later one, so it is asked about now.
                var words = rest.Where(a => !a.Text.StartsWith('-')).ToList();
                if (words.Count > 0 && words[0].Text is "set" or "--add") words = words.Skip(1).ToList();
                if (rest.Any(a => a.Text is "--unset" or "--unset-all" or "--get" or "--get-all" or "--list" or "-l" or "--get-regexp")) break;
                if (words.Count < 2) break;
                var key = words[0].Text;
                var value = words[1];
                if (key.StartsWith("alias.", StringComparison.OrdinalIgnoreCase))
                {
                    if (!value.Known || value.Text.StartsWith('!'))
                        EmbeddedCode.Indeterminate(inv, $"`git config {key}` defines an alias that runs shell code ({value.Text}) whenever `git {key[6..]}` is used", effects);
                    else
                    {
                        var probe = new List<Effect>();
                        Analyze(inv with { Args = value.Text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(Arg.Literal).ToList() }, ctx, probe, 4);
                        if (probe.Count > 0)
                            EmbeddedCode.Indeterminate(inv, $"`git config {key}` defines an alias for `git {value.Text}`, which {probe[0].Description}", effects);
                    }
                }
                else if (IsCommandKey(key))
                    EmbeddedCode.Indeterminate(inv, $"`git config {key}` sets a command git runs later: {value.Text}", effects);
                break;
            }
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
                {
                    Add(EffectKind.DiscardUncommittedChanges, where,
                        $"`git checkout` overwrites uncommitted changes to {List(paths)} with the committed version");
                    WorktreeWrites(paths, repoDir, repo, inv, ctx, effects, "`git checkout`");
                }
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
                WorktreeWrites(paths, repoDir, repo, inv, ctx, effects, "`git restore`");
                break;
            }
            case "apply" or "am":
            {
                // Writes the files the patch names (relative to the top of the working tree); --check and the
                // summaries only read, --cached changes only the index.
                if (flags.Any(f => f is "--check" or "--stat" or "--numstat" or "--summary" or "--cached" or "--abort" or "--skip" or "--quit" or "--show-current-patch")) break;
                if (sub == "am" && flags.Any(f => f is "--continue" or "--resolved" or "-r")) break;
                var stripText = flags.FirstOrDefault(f => f.StartsWith("-p", StringComparison.Ordinal) && f.Length > 2)?[2..];
                int? strip = sub == "am" ? 1 : stripText is null ? 1 : int.TryParse(stripText, out var n) ? n : null;
                var prefix = flags.FirstOrDefault(f => f.StartsWith("--directory=", StringComparison.Ordinal))?["--directory=".Length..];
                var baseDir = repo ?? repoDir;
                if (baseDir is null || inv.Context.RemoteHost is not null) break;
                if (prefix is not null) baseDir = PathResolver.Combine(baseDir, prefix)!;
                var texts = operands.Count > 0
                    ? operands.Select(o => o.Known ? ctx.World.ReadTextFile(PathResolver.Combine(repoDir, o.Text)!, ctx.Options.FileEditMaxBytes) : null).ToList()
                    : [inv.Stdin ?? Patch.StdinFile(inv, ctx, repoDir!)];
                var what = $"`git {sub}`";
                foreach (var text in texts)
                {
                    if (text is null || UnifiedDiff.Targets(text) is not { Count: > 0 } names)
                        LandingWrites.Unknown(ctx, inv, baseDir, $"{what} applying a patch the guard cannot read", effects);
                    else
                        LandingWrites.Members(ctx, inv, baseDir, names.SelectMany(nm => UnifiedDiff.Strip(nm, strip)), what, effects);
                }
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

    /// <summary>`git checkout &lt;tree-ish&gt; -- PATHS` and `git restore [--source X] PATHS` write the named paths from a tree
    /// the guard cannot see (<see cref="LandingWrites"/>): a pathspec that is a protected path is an overwrite of it; one
    /// that is a directory (`.`, `:/` for the top), a glob (git matches globs itself, dotfiles included) or unknown may
    /// write every protected location in it.</summary>
    private static void WorktreeWrites(List<Arg> paths, string? baseDir, string? repo, Invocation inv, KnowledgeContext ctx, List<Effect> effects, string what)
    {
        if (baseDir is null || inv.Context.RemoteHost is not null) return;
        foreach (var p in paths)
        {
            var text = p.Text;
            var dir = baseDir;
            if (!p.Known || text.StartsWith(":(", StringComparison.Ordinal) || text.StartsWith(":!", StringComparison.Ordinal) || text.StartsWith(":^", StringComparison.Ordinal))
            {
                LandingWrites.Unknown(ctx, inv, repo ?? baseDir, what, effects);
                continue;
            }
            if (text.StartsWith(":/", StringComparison.Ordinal)) { dir = repo ?? baseDir; text = text[2..]; }
            if (PathResolver.HasGlob(text) || p.Glob)
            {
                LandingWrites.Unknown(ctx, inv, dir, what, effects);
                continue;
            }
            var abs = PathResolver.Combine(dir, text.Length == 0 ? "." : text)!;
            var t = ctx.Paths.Classify(abs, false, inv.Context, followFinal: true, written: dir.TrimEnd('/') + "/" + text);
            if (t.Class == PathClass.Protected)
                effects.Add(new Effect(EffectKind.OverwriteFile, t.Path, t.Class, true, false, $"{what} writes {t.Path} from another version", inv, t.Exists ? "exists" : null));
            else if (t.Exists && !t.IsFile)
                LandingWrites.Unknown(ctx, inv, t.Path, what, effects);
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
