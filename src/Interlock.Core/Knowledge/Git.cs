using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>git: the subcommands that discard work, delete branches or rewrite shared history.</summary>
public sealed class Git : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["git"];

    /// <summary>git reads credentials and configuration from its environment (GIT_ASKPASS, GIT_CONFIG_*) and prints none of it. (Hooks and `!` aliases it runs are the repository's own code.)</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

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
        configs.AddRange(EnvironmentConfig(inv, ctx, effects));
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

        // Read the arguments as git does: unique prefixes of long options, values taken from the next word, bundles.
        var parsed = GitOptions.Parse(sub, rest);
        if (parsed.Rejected is not null) return; // git refuses the command line and changes nothing
        var operands = parsed.Operands;
        switch (sub)
        {
            case "config":
            {
                // `git config alias.x '!cmd'` (or core.pager, core.sshCommand...) defines a command git runs later:
                // the next `git x` may be in this line or any later one, so it is asked about now.
                var words = operands.ToList();
                if (words.Count > 0 && words[0].Text is "set") words = words.Skip(1).ToList();
                if (parsed.Any("unset", "unset-all", "get", "get-all", "list", "get-regexp", "get-urlmatch", "get-color", "get-colorbool", "remove-section", "rename-section", "edit")) break;
                if (words.Count > 0 && words[0].Text is "unset" or "get" or "list" or "remove-section" or "rename-section" or "edit") break;
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
                if (new[] { "hard", "merge", "keep" }.LastOrDefault(parsed.Has) is { } mode)
                    Add(EffectKind.DiscardUncommittedChanges, where,
                        $"`git reset --{mode}` discards uncommitted changes in {where}" + (operands.Count > 0 ? $" and moves the branch to {operands[0].Text}" : ""));
                break;
            case "checkout":
            {
                if (parsed.ValueArg("B") is { } reset)
                {
                    BranchReset(reset, operands.FirstOrDefault(), "`git checkout -B`");
                    break;
                }
                if (parsed.Value("b") is not null || parsed.Value("orphan") is not null) break;
                var paths = parsed.DashDash >= 0 ? parsed.AfterDashDash : PathLikeOperands(operands, inv, ctx);
                if (paths.Count > 0)
                {
                    Add(EffectKind.DiscardUncommittedChanges, where,
                        $"`git checkout` overwrites uncommitted changes to {List(paths)} with the committed version");
                    WorktreeWrites(paths, repoDir, repo, inv, ctx, effects, "`git checkout`");
                }
                else if (parsed.Has("force"))
                    Add(EffectKind.DiscardUncommittedChanges, where, $"`git checkout {parsed.Written("force")}` throws away local changes while switching branches");
                break;
            }
            case "switch":
                if (parsed.ValueArg("force-create") is { } recreated)
                    BranchReset(recreated, operands.FirstOrDefault(), "`git switch -C`");
                if (parsed.Has("discard-changes") || parsed.Has("force"))
                    Add(EffectKind.DiscardUncommittedChanges, where, $"`git switch {parsed.Written(parsed.Has("force") ? "force" : "discard-changes")}` throws away local changes");
                break;
            case "restore":
            {
                var staged = parsed.Has("staged");
                // The working tree is restored by default, and only the index with --staged; naming neither
                // (`--no-worktree` alone) is an error and git restores nothing.
                var worktree = parsed.Options.Any(o => o.Key == "worktree") ? parsed.Has("worktree") : !staged;
                if (!worktree) break;
                var paths = operands;
                var source = parsed.Value("source");
                Add(EffectKind.DiscardUncommittedChanges, where,
                    $"`git restore{(source is null ? "" : $" --source={source}")}` overwrites uncommitted changes to {(paths.Count > 0 ? List(paths) : "the working tree")} with the {(source is null ? "committed" : $"{source}")} version");
                WorktreeWrites(paths, repoDir, repo, inv, ctx, effects, "`git restore`");
                break;
            }
            case "checkout-index":
            {
                // Without -f existing files are left alone; --prefix writes copies elsewhere instead of the working tree.
                if (!parsed.Has("force") || parsed.Value("prefix") is not null || parsed.Has("temp")) break;
                var all = parsed.Has("all");
                if (!all && operands.Count == 0 && !parsed.Has("stdin")) break;
                Add(EffectKind.DiscardUncommittedChanges, where,
                    $"`git checkout-index --force` overwrites {(all ? "every tracked file" : operands.Count > 0 ? List(operands) : "the files named on standard input")} in the working tree with the staged version, discarding uncommitted changes");
                break;
            }
            case "read-tree":
                // -u updates the working tree; with --reset, changes that would be lost no longer stop it.
                if (parsed.Has("u") && parsed.Has("reset"))
                    Add(EffectKind.DiscardUncommittedChanges, where,
                        $"`git read-tree -u --reset` replaces the index and the working tree with {(operands.Count > 0 ? operands[0].Text : "the given tree")}, discarding uncommitted changes");
                break;
            case "apply" or "am":
            {
                // Writes the files the patch names (relative to the top of the working tree); --check and the
                // summaries only read, --cached changes only the index.
                if (parsed.Any("check", "stat", "numstat", "summary", "cached", "abort", "skip", "quit", "show-current-patch")) break;
                if (sub == "am" && parsed.Any("continue", "resolved")) break;
                var stripText = parsed.Value("p");
                int? strip = sub == "am" ? 1 : stripText is null ? 1 : int.TryParse(stripText, out var n) ? n : null;
                var prefix = parsed.Value("directory");
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
                if (!parsed.Has("force") || parsed.Has("dry-run") || parsed.Has("interactive")) break;
                var ignored = parsed.Has("x") || parsed.Has("X");
                var dirs = parsed.Has("d");
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
                var force = parsed.Has("force");
                if (parsed.Has("D") || parsed.Has("delete") && force)
                {
                    foreach (var b in operands)
                        Add(EffectKind.DeleteBranch, b.Text, $"deletes branch `{b.Text}` even if it has commits that are not merged anywhere");
                    break;
                }
                if (parsed.Has("delete") || parsed.Any("list", "show-current", "edit-description", "unset-upstream", "contains", "no-contains", "merged", "no-merged", "points-at", "remotes", "all")
                    || parsed.Value("set-upstream-to") is not null)
                    break;
                var renames = parsed.Has("M") || parsed.Has("move") && force;
                var copies = parsed.Has("C") || parsed.Has("copy") && force;
                if (renames || copies)
                {
                    // -M/-C [old] new: the new name is replaced when it exists.
                    if (operands.Count == 0) break;
                    var target = operands[^1];
                    if (BranchMayExist(repo, target, ctx))
                        Add(EffectKind.RewriteHistory, target.Text,
                            $"`git branch {(renames ? "-M" : "-C")}` replaces the existing branch `{target.Text}` with {(operands.Count > 1 ? $"`{operands[0].Text}`" : "the current branch")}; commits only on the old `{target.Text}` are left on no branch",
                            "branch-move");
                    break;
                }
                if (force && operands.Count > 0)
                    BranchReset(operands[0], operands.Skip(1).FirstOrDefault(), "`git branch --force`", refuseCurrent: true);
                break;
            }
            case "tag":
                if (parsed.Has("delete"))
                    foreach (var t in operands)
                        Add(EffectKind.DeleteBranch, t.Text,
                            $"`git tag --delete` deletes the tag `{t.Text}`; an annotated tag's message and signature cannot be recreated, and nothing else records which commit it named", "tag");
                break;
            case "push":
                AnalyzePush(parsed, repo, inv, ctx, effects);
                break;
            case "filter-branch" or "filter-repo":
                Add(EffectKind.RewriteHistory, where, $"`git {sub}` rewrites the history of {where}");
                break;
            case "reflog":
            {
                var action = operands.FirstOrDefault()?.Text;
                if (action is "delete" || action is "expire" && (ExpiresNow(parsed.Value("expire")) || ExpiresNow(parsed.Value("expire-unreachable"))))
                    Add(EffectKind.RewriteHistory, where, "expires the reflog, the safety net that lets lost commits be recovered");
                break;
            }
            case "gc":
                if (ExpiresNow(parsed.Value("prune")))
                    Add(EffectKind.RewriteHistory, where, $"`git gc --prune={parsed.Value("prune")}` permanently deletes unreachable commits");
                break;
            case "update-ref":
                if (parsed.Has("d"))
                    Add(EffectKind.RewriteHistory, operands.FirstOrDefault()?.Text ?? where, $"deletes the ref {operands.FirstOrDefault()?.Text}");
                else if (parsed.Has("stdin"))
                    Add(EffectKind.RewriteHistory, where, "`git update-ref --stdin` creates, moves or deletes the refs named on standard input, which the guard cannot see", "branch-move");
                else if (operands.Count >= 2 && (!operands[0].Known || operands[0].Text.StartsWith("refs/", StringComparison.Ordinal) || operands[0].Text == "HEAD"))
                    Add(EffectKind.RewriteHistory, operands[0].Text,
                        $"`git update-ref` points {operands[0].Text} at {operands[1].Text}; commits reachable only from its old value are left on no branch", "branch-move");
                break;
            case "add":
            {
                // git-add(1): -f adds ignored files too. A named file that holds secrets goes into the next commit and,
                // once pushed, to everyone with the repository; `git add -A`/`.` honour .gitignore.
                if (parsed.Any("dry-run", "patch", "interactive", "edit")) break;
                var baseDir = repoDir;
                if (baseDir is null || inv.Context.RemoteHost is not null) break;
                foreach (var op in operands)
                {
                    if (!op.Known || op.Glob && !parsed.Has("force")) continue;
                    var abs = PathResolver.Combine(baseDir, op.Text);
                    if (abs is null || ctx.World.GetPathKind(abs) != PathKind.File) continue;
                    if (SecretFiles.Describe(abs, inv.Context.Home, ctx.World, ctx.Options.FileEditMaxBytes) is { } secret)
                        effects.Add(new Effect(EffectKind.ReadSecret, abs, PathClass.ProjectSource, false, true,
                            $"`git add{(parsed.Has("force") ? " --force" : "")}` stages {abs}, which holds {secret}, for the next commit", inv, "stage-secret"));
                }
                break;
            }
            case "show" or "cat-file" or "log" or "diff":
                CommittedSecrets(sub, inv, ctx, repoDir, rest, parsed, effects);
                break;
            case "credential":
                // git-credential(1): `fill` prints the username and password the helpers hold for the described URL.
                if (operands.FirstOrDefault()?.Text == "fill")
                    Credentials.Add(effects, inv, ctx, "git credential fill", "the stored username and password for the repository's host");
                break;
            case "worktree":
                if (operands.FirstOrDefault()?.Text is "remove" && parsed.Has("force"))
                    Add(EffectKind.RemoveWorktree, operands.Count > 1 ? operands[1].Text : where, $"removes the worktree {(operands.Count > 1 ? operands[1].Text : "")} including its uncommitted changes");
                break;
            case "rm":
                if (parsed.Has("force") && !parsed.Has("dry-run") && !parsed.Has("cached"))
                    Add(EffectKind.DiscardUncommittedChanges, where, $"`git rm --force` deletes {List(operands)} even where they have uncommitted changes");
                break;
        }

        // `git branch -f NAME [START]`, `git checkout -B`, `git switch -C`: an existing branch is moved to START (HEAD
        // by default); the commits it had after that point are then on no branch, recoverable only from the reflog.
        void BranchReset(Arg name, Arg? start, string what, bool refuseCurrent = false)
        {
            var current = repo is null ? null : ctx.World.CurrentBranch(repo);
            if (!BranchMayExist(repo, name, ctx)) return;
            if (name.Known && name.Text == current && (refuseCurrent || start is null)) return; // git refuses, or HEAD stays where it is
            Add(EffectKind.RewriteHistory, name.Text,
                $"{what} moves the existing branch `{name.Text}` to {start?.Text ?? "HEAD"}; commits that were only on `{name.Text}` after that point are left on no branch",
                "branch-move");
        }
    }

    /// <summary>Configuration the invocation's environment gives git, as if by <c>-c</c>: <c>GIT_CONFIG_COUNT</c> with
    /// <c>GIT_CONFIG_KEY_n</c>/<c>GIT_CONFIG_VALUE_n</c>, and <c>GIT_CONFIG_PARAMETERS</c> (what <c>git -c</c> passes to
    /// the git processes it starts: shell-quoted <c>'key=value'</c> or <c>'key'='value'</c> words). A count, key or
    /// value not known in advance may define any alias.</summary>
    /// <summary>A secret file's committed contents printed from git's objects: <c>git show REV:.env</c>, <c>git cat-file
    /// -p HEAD:.env</c> (blob or -p), and the history or changes of a secret path (<c>git log -p -- .env</c>, <c>git diff
    /// -- .env</c>, <c>git show REV -- .env</c>): the same secret read as <c>cat .env</c>. Whether the file is in the
    /// history is not looked up; its name decides, as for a read. A path in <c>REV:path</c> is from the repository's top
    /// unless it starts with <c>./</c> or <c>../</c> (gitrevisions(7)).</summary>
    private static void CommittedSecrets(string sub, Invocation inv, KnowledgeContext ctx, string? repoDir, List<Arg> rest, GitOptions.Result parsed, List<Effect> effects)
    {
        if (repoDir is null || inv.Context.RemoteHost is not null) return;
        var top = ctx.World.FindRepositoryRoot(repoDir) ?? repoDir;
        void Report(string path, string how) => FileReads.Report(inv, ctx, effects, Arg.Literal(path), false, $"`git {sub}` prints {how}");
        var dashDash = parsed.DashDash;
        var prints = sub switch
        {
            "cat-file" => rest.Any(a => a.Text is "-p" or "blob" or "--textconv" or "--filters"),
            "log" => rest.Any(a => a.Text is "-p" or "--patch" or "-u" or "--patch-with-stat" or "--patch-with-raw" or "--cc" || a.Text.StartsWith("-U", StringComparison.Ordinal)),
            _ => true,
        };
        if (!prints) return;
        for (var i = 0; i < parsed.Operands.Count; i++)
        {
            var op = parsed.Operands[i];
            if (!op.Known) continue;
            if (dashDash >= 0 && i >= dashDash)
            {
                if (sub != "cat-file" && PathResolver.Combine(repoDir, op.Text) is { } pathspec) Report(pathspec, "the changes in the history of");
                continue;
            }
            var colon = op.Text.IndexOf(':');
            if (sub is not ("show" or "cat-file") || colon < 0 || colon == op.Text.Length - 1 || op.Text.Contains("://")) continue;
            var path = op.Text[(colon + 1)..];
            var relativeToCwd = path.StartsWith("./", StringComparison.Ordinal) || path.StartsWith("../", StringComparison.Ordinal);
            if (PathResolver.Combine(relativeToCwd ? repoDir : top, path) is { } committed)
                Report(committed, $"the contents committed at `{(colon == 0 ? "the index" : op.Text[..colon])}` of");
        }
    }

    private static IEnumerable<(string Key, string Value, bool Known)> EnvironmentConfig(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        // Set in the command or the script, else in the hook's environment (which a harness's settings file can set
        // for every command the agent runs), for as many entries as the world view exposes.
        bool TryGet(string name, out string? value)
        {
            if (inv.Environment.TryGetValue(name, out value)) return true;
            if (inv.Context.RemoteHost is null && Array.IndexOf(Environments.EnvironmentSources.Variables, name) >= 0
                && ctx.World.GetEnvironmentVariable(name) is { } fromHook) { value = fromHook; return true; }
            value = null;
            return false;
        }
        var result = new List<(string, string, bool)>();
        if (TryGet("GIT_CONFIG_COUNT", out var countText))
        {
            var inline = inv.Environment.ContainsKey("GIT_CONFIG_COUNT");
            if (countText is null || !int.TryParse(countText, out var count) || count < 0 || count > (inline ? 1000 : Environments.EnvironmentSources.GitConfigEntries))
            {
                if (countText is null || countText.Trim().Length > 0)
                    EmbeddedCode.Indeterminate(inv, "`GIT_CONFIG_COUNT` gives git configuration (aliases, commands it runs) the guard cannot read", effects);
            }
            else
                for (var n = 0; n < count; n++)
                {
                    var hasKey = TryGet($"GIT_CONFIG_KEY_{n}", out var key);
                    var hasValue = TryGet($"GIT_CONFIG_VALUE_{n}", out var value);
                    if (key is null)
                    {
                        if (hasKey) EmbeddedCode.Indeterminate(inv, $"`GIT_CONFIG_KEY_{n}` names a git setting the guard cannot read", effects);
                        continue;
                    }
                    result.Add((key, value ?? "", value is not null || !hasValue));
                }
        }
        if (TryGet("GIT_CONFIG_PARAMETERS", out var parameters))
        {
            if (parameters is null)
                EmbeddedCode.Indeterminate(inv, "`GIT_CONFIG_PARAMETERS` gives git configuration (aliases, commands it runs) the guard cannot read", effects);
            else if (SplitConfigParameters(parameters) is { } entries)
                result.AddRange(entries.Select(e => (e.Key, e.Value, true)));
            else
                EmbeddedCode.Indeterminate(inv, "`GIT_CONFIG_PARAMETERS` is not quoted the way git reads it, so the guard cannot tell which settings it gives", effects);
        }
        return result;
    }

    /// <summary>git's sq_dequote_to_strvec over GIT_CONFIG_PARAMETERS: words in single quotes (a quote written as
    /// <c>'\''</c>), separated by spaces; <c>'key'='value'</c> keeps the two apart, <c>'key=value'</c> splits at the first
    /// <c>=</c>. Null when the text is not quoted that way.</summary>
    public static List<(string Key, string Value)>? SplitConfigParameters(string text)
    {
        var result = new List<(string, string)>();
        var i = 0;
        string? ReadQuoted()
        {
            if (i >= text.Length || text[i] != '\'') return null;
            var sb = new System.Text.StringBuilder();
            i++;
            while (true)
            {
                if (i >= text.Length) return null;
                var c = text[i++];
                if (c != '\'') { sb.Append(c); continue; }
                // '\'' continues the word with a quote
                if (i + 2 < text.Length && text[i] == '\\' && text[i + 1] == '\'' && text[i + 2] == '\'')
                {
                    sb.Append('\'');
                    i += 3;
                    continue;
                }
                return sb.ToString();
            }
        }
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            var first = ReadQuoted();
            if (first is null) return null;
            if (i < text.Length && text[i] == '=')
            {
                i++;
                var value = ReadQuoted();
                if (value is null) return null;
                result.Add((first, value));
            }
            else if (first.IndexOf('=') is var eq and > 0)
                result.Add((first[..eq], first[(eq + 1)..]));
            else
                result.Add((first, "true"));
        }
        return result;
    }

    /// <summary>A <c>--expire</c>/<c>--prune</c> time that removes everything unreachable now (not the default weeks).</summary>
    private static bool ExpiresNow(string? value) =>
        value is not null && (value is "now" or "all" or "0" || value.Contains("second") || value.Contains("minute") || value.Contains("hour"));

    /// <summary>Whether the branch may already exist: false only when the repository's refs show it does not (no loose
    /// ref under .git/refs/heads and no line in .git/packed-refs); a name computed at run time may be any branch.</summary>
    private static bool BranchMayExist(string? repo, Arg name, KnowledgeContext ctx)
    {
        if (!name.Known || repo is null) return true;
        var gitDir = repo.TrimEnd('/') + "/.git";
        if (ctx.World.GetPathKind(gitDir) != PathKind.Directory) return true; // a worktree's .git file, or unknown
        var refName = name.Text.StartsWith("refs/heads/", StringComparison.Ordinal) ? name.Text : "refs/heads/" + name.Text;
        if (ctx.World.GetPathKind(gitDir + "/" + refName) is PathKind.File or PathKind.Unknown) return true;
        var packed = ctx.World.ReadTextFile(gitDir + "/packed-refs", 1 << 20);
        if (packed is null) return ctx.World.GetPathKind(gitDir + "/packed-refs") is not PathKind.Missing;
        return packed.Split('\n').Any(l => l.EndsWith(" " + refName, StringComparison.Ordinal));
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

    private static void AnalyzePush(GitOptions.Result parsed, string? repo, Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var operands = parsed.Operands;
        var force = parsed.Has("force");
        var lease = parsed.Has("force-with-lease");
        var mirror = parsed.Has("mirror");
        var delete = parsed.Has("delete");
        var prune = parsed.Has("prune");
        var remote = operands.Count > 0 ? operands[0].Text : parsed.Value("repo") ?? "origin";
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
