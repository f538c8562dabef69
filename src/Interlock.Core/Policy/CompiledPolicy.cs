using Interlock.Core.Analysis;
using Interlock.Core.Knowledge;

namespace Interlock.Core.Policy;

/// <summary>One rule that matched one effect, for explain and the audit trail.</summary>
/// <param name="Effect">The index of the effect in <see cref="Decision.Effects"/>.</param>
/// <param name="Origin">"built-in" or the file, line and column the rule is written at.</param>
/// <param name="Won">This rule decided the effect's verdict.</param>
public sealed record RuleMatch(int Effect, string RuleId, Verdict Verdict, RuleMode Mode, string Origin, bool Won);

/// <summary>What the policy says about one effect: the deciding ruling, the stricter ruling shadow rules would have
/// given (if any), and every rule that matched.</summary>
public sealed record EffectRuling(Ruling Ruling, Ruling? Shadow, IReadOnlyList<RuleMatch> Matches);

/// <summary>Facts about the action that rules may match on beyond the effect itself: the tool, agent and session from
/// the request, and the repository and branch, looked up through the world view only when a rule asks (and cached).</summary>
public sealed class PolicyContext(ActionRequest request, IWorldView world)
{
    private readonly Dictionary<string, string?> _roots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _branches = new(StringComparer.Ordinal);

    public ActionRequest Request { get; } = request;
    public IWorldView World { get; } = world;

    public string? RepositoryRoot(string directory)
    {
        if (!_roots.TryGetValue(directory, out var root))
            _roots[directory] = root = World.FindRepositoryRoot(directory);
        return root;
    }

    public string? Branch(string directory)
    {
        if (RepositoryRoot(directory) is not { } root) return null;
        if (!_branches.TryGetValue(root, out var branch))
            _branches[root] = branch = World.CurrentBranch(root);
        return branch;
    }

    /// <summary>The directory an effect happens in: its invocation's, else the request's.</summary>
    public string DirectoryOf(Effect e) => KnowledgeContext.Cwd(e.Source) ?? Request.Cwd;
}

/// <summary>
/// A policy compiled once into matchers: globs pre-split, rules indexed by effect kind, overrides by built-in rule id,
/// command rules by executable. Evaluating an effect touches only the rules that can match it. Immutable; safe to share.
/// </summary>
public sealed class CompiledPolicy
{
    /// <summary>The id of the rule the <c>protected_paths</c> setting gives.</summary>
    public const string ProtectedPathRuleId = "policy.protected-path";
    private const string CommandDetailPrefix = "policy-command:";

    private readonly CompiledRule[][] _byKind;
    private readonly Dictionary<string, CompiledRule[]> _overrides;
    private readonly Dictionary<string, CompiledCommand[]> _commands;
    private readonly Dictionary<string, CompiledCommand> _commandsById;
    private readonly PathPattern[] _protectedPaths;

    public PolicySet Source { get; }
    public PolicySettings Settings => Source.Settings;
    public EngineOptions Options { get; }

    /// <summary>File tool writes are reported as effects because some rule or protected path may match them.</summary>
    public bool WantsFileWrites { get; }

    public static readonly CompiledPolicy Default = Compile(PolicySet.BuiltIn);

    private CompiledPolicy(PolicySet source, EngineOptions options)
    {
        Source = source;
        var kinds = EffectKinds.All();
        var lists = new List<CompiledRule>[kinds.Length];
        for (var i = 0; i < lists.Length; i++) lists[i] = [];
        var overrides = new Dictionary<string, List<CompiledRule>>(StringComparer.Ordinal);
        var order = 0;
        // Stable order: layer, then position in the file; later (more trusted-specific) layers win ties.
        foreach (var rule in source.Rules.OrderBy(r => r.Layer))
        {
            var compiled = new CompiledRule(rule, order++);
            if (rule.Overrides is { } id)
            {
                if (!overrides.TryGetValue(id, out var list)) overrides[id] = list = [];
                list.Add(compiled);
                continue;
            }
            foreach (var k in rule.Match.Effects ?? kinds)
                lists[(int)k].Add(compiled);
            if (rule.Match.Effects?.Contains(EffectKind.WriteFile) ?? rule.Match.Paths is not null)
                WantsFileWrites = true;
        }
        _byKind = lists.Select(l => l.ToArray()).ToArray();
        _overrides = overrides.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        _commands = source.Commands.Select((c, i) => new CompiledCommand(c, i))
            .GroupBy(c => c.Rule.Executable, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _commandsById = new Dictionary<string, CompiledCommand>(StringComparer.Ordinal);
        foreach (var group in _commands.Values)
            foreach (var c in group)
                _commandsById[c.Rule.Id] = c;
        _protectedPaths = source.Settings.ProtectedPaths.Select(p => new PathPattern(p)).ToArray();
        if (_protectedPaths.Length > 0) WantsFileWrites = true;
        Options = WantsFileWrites ? options with { ReportOrdinaryChanges = true } : options;
    }

    /// <summary>Compiles a merged policy. <paramref name="basis"/> supplies engine options the policy does not set.</summary>
    public static CompiledPolicy Compile(PolicySet set, EngineOptions? basis = null) =>
        new(set, set == PolicySet.BuiltIn && basis is not null ? basis : set.Settings.ToEngineOptions(basis));

    // ---- custom commands ----

    /// <summary>Adds the effects of the custom command rules that match <paramref name="invocation"/>.</summary>
    public void AddCommandEffects(Invocation invocation, KnowledgeContext context, List<Effect> effects)
    {
        if (_commands.Count == 0 || invocation.Name is not { Length: > 0 } name || !_commands.TryGetValue(name, out var rules)) return;
        foreach (var c in rules)
            if (c.Match(invocation) is { } operands)
                effects.Add(c.EffectFor(invocation, operands, context));
    }

    // ---- evaluation ----

    private readonly record struct Candidate(Ruling Ruling, RuleMode Mode, int Specificity, PolicyLayer Layer, int Order, string Origin);

    /// <summary>Rules one effect: the built-in rule (as overridden), then every matching rule; deny > ask > allow, then
    /// specificity, then the more trusted layer, then the later rule.</summary>
    public EffectRuling Evaluate(Effect e, int effectIndex, PolicyContext context)
    {
        var builtIn = BuiltInPolicy.Evaluate(e, context.World);
        var enforced = new List<Candidate>(2) { new(builtIn, RuleMode.Enforce, 0, PolicyLayer.BuiltIn, -1, "built-in") };
        List<Candidate>? shadows = null;

        if (_overrides.Count > 0 && _overrides.TryGetValue(builtIn.RuleId, out var overrides))
        {
            foreach (var o in overrides)
            {
                if (!o.Matches(e, context)) continue;
                var current = enforced[0].Ruling;
                var changed = o.Apply(current);
                var candidate = new Candidate(changed, o.Rule.Mode, o.Specificity, o.Rule.Layer, o.Order, o.Origin);
                if (o.Rule.Mode == RuleMode.Shadow) (shadows ??= []).Add(candidate);
                else enforced[0] = candidate;
            }
        }

        foreach (var r in _byKind[(int)e.Kind])
        {
            if (!r.Matches(e, context)) continue;
            var candidate = new Candidate(r.Ruling, r.Rule.Mode, r.Specificity, r.Rule.Layer, r.Order, r.Origin);
            if (r.Rule.Mode == RuleMode.Shadow) (shadows ??= []).Add(candidate);
            else enforced.Add(candidate);
        }

        if (_protectedPaths.Length > 0 && PathPattern.IsPathEffect(e))
            foreach (var p in _protectedPaths)
                if (p.Match(e, context) is var how and not PathMatch.None)
                {
                    enforced.Add(new Candidate(new Ruling(Verdict.Deny, ProtectedPathRuleId,
                        $"the policy protects `{p.Text}` (setting protected_paths): no agent may change it", "Leave this path alone; if it must change, tell the user what and why and let them do it."),
                        // Reached only through a directory that contains it (rm -rf ~): an equal built-in verdict says it better.
                        RuleMode.Enforce, how == PathMatch.Direct ? 1 : -1, how == PathMatch.Direct ? PolicyLayer.User : PolicyLayer.BuiltIn,
                        int.MaxValue, Source.Origins.GetValueOrDefault("protected_paths", "policy")));
                    break;
                }

        if (e.Detail is { } detail && detail.StartsWith(CommandDetailPrefix, StringComparison.Ordinal)
            && _commandsById.TryGetValue(detail[CommandDetailPrefix.Length..], out var command) && command.Ruling is { } commandRuling)
        {
            var candidate = new Candidate(commandRuling, command.Rule.Mode, command.Specificity, command.Rule.Layer, command.Order, command.Origin);
            if (command.Rule.Mode == RuleMode.Shadow) (shadows ??= []).Add(candidate);
            else enforced.Add(candidate);
        }

        var winner = Best(enforced);
        var ruling = winner.Ruling;
        if (ruling.Verdict == Verdict.Ask)
        {
            // Several asks: the strictest approval requirement of them all holds (the winner names the group first).
            var approvals = 1;
            TimeSpan? expiry = null;
            string? group = ruling.ApproverGroup;
            foreach (var c in enforced)
            {
                if (c.Ruling.Verdict != Verdict.Ask) continue;
                approvals = Math.Max(approvals, c.Ruling.RequiredApprovals);
                if (c.Ruling.ApprovalExpiry is { } x && (expiry is null || x < expiry)) expiry = x;
                group ??= c.Ruling.ApproverGroup;
            }
            ruling = ruling with { RequiredApprovals = approvals, ApprovalExpiry = expiry, ApproverGroup = group };
        }

        Ruling? shadow = null;
        Candidate? shadowWinner = null;
        if (shadows is not null)
        {
            var all = new List<Candidate>(enforced);
            all.AddRange(shadows);
            var best = Best(all);
            if (best.Mode == RuleMode.Shadow && best.Ruling.Verdict > ruling.Verdict)
            {
                shadow = best.Ruling;
                shadowWinner = best;
            }
        }

        var matches = new List<RuleMatch>(enforced.Count + (shadows?.Count ?? 0));
        foreach (var c in enforced)
            if (c.Layer != PolicyLayer.BuiltIn || c.Ruling.Verdict != Verdict.Allow || enforced.Count == 1)
                matches.Add(new RuleMatch(effectIndex, c.Ruling.RuleId, c.Ruling.Verdict, c.Mode, c.Origin, c.Equals(winner)));
        if (shadows is not null)
            foreach (var c in shadows)
                matches.Add(new RuleMatch(effectIndex, c.Ruling.RuleId, c.Ruling.Verdict, c.Mode, c.Origin, shadowWinner is { } s && c.Equals(s)));
        return new EffectRuling(ruling, shadow, matches);
    }

    private static Candidate Best(List<Candidate> candidates)
    {
        var best = candidates[0];
        for (var i = 1; i < candidates.Count; i++)
        {
            var c = candidates[i];
            var cmp = c.Ruling.Verdict.CompareTo(best.Ruling.Verdict);
            if (cmp == 0) cmp = c.Specificity.CompareTo(best.Specificity);
            if (cmp == 0) cmp = c.Layer.CompareTo(best.Layer);
            if (cmp == 0) cmp = c.Order.CompareTo(best.Order);
            if (cmp > 0) best = c;
        }
        return best;
    }

    private static string OriginOf(SourceLocation? location, PolicyLayer layer) =>
        location?.ToString() ?? (layer == PolicyLayer.BuiltIn ? "built-in" : layer.ToString().ToLowerInvariant() + " policy");

    /// <summary>A policy rule with its globs compiled.</summary>
    private sealed class CompiledRule
    {
        public readonly PolicyRule Rule;
        public readonly int Order;
        public readonly int Specificity;
        public readonly string Origin;
        public readonly Ruling Ruling;
        private readonly PathPattern[]? _paths;
        private readonly Glob[]? _targets, _tools, _executables, _agents, _sessions, _repositories, _branches;

        public CompiledRule(PolicyRule rule, int order)
        {
            Rule = rule;
            Order = order;
            Specificity = rule.Match.Specificity;
            Origin = OriginOf(rule.Location, rule.Layer);
            var m = rule.Match;
            _paths = m.Paths?.Select(p => new PathPattern(p)).ToArray();
            _targets = Globs(m.Targets);
            _tools = Globs(m.Tools);
            _executables = Globs(m.Executables);
            _agents = Globs(m.Agents);
            _sessions = Globs(m.Sessions);
            _repositories = Globs(m.Repositories);
            _branches = Globs(m.Branches);
            Ruling = new Ruling(rule.Verdict, rule.Id, rule.Message ?? $"the policy rule `{rule.Id}` says so", rule.Alternative)
            {
                RequiredApprovals = rule.Approval?.Approvers ?? 1,
                ApproverGroup = rule.Approval?.Group,
                ApprovalExpiry = rule.Approval?.Expiry,
            };
        }

        private static Glob[]? Globs(IReadOnlyList<string>? patterns) => patterns?.Select(p => new Glob(p, pathMode: false)).ToArray();

        /// <summary>An override: the built-in ruling changed as this rule says. A project file may only tighten, and nobody may
        /// loosen the parse.* rulings (<see cref="BuiltInPolicy.TightenOnlyRuleIds"/>), so those overrides never lower the
        /// verdict or the approvers (the loader reports attempts; this is the backstop).</summary>
        public Ruling Apply(Ruling current)
        {
            var verdict = Rule.KeepsVerdict ? current.Verdict : Rule.Verdict;
            var approval = Rule.Approval;
            var approvals = approval?.Approvers ?? current.RequiredApprovals;
            if (Rule.Layer == PolicyLayer.Project || BuiltInPolicy.TightenOnlyRuleIds.Contains(current.RuleId))
            {
                if (verdict < current.Verdict) verdict = current.Verdict;
                approvals = Math.Max(approvals, current.RequiredApprovals);
            }
            var loosenedToAllow = verdict == Verdict.Allow;
            return new Ruling(verdict, current.RuleId, Rule.Message ?? current.Why, Rule.Alternative ?? current.Alternative)
            {
                RequiredApprovals = loosenedToAllow ? 1 : Math.Max(1, approvals),
                ApproverGroup = approval?.Group ?? current.ApproverGroup,
                ApprovalExpiry = approval?.Expiry ?? current.ApprovalExpiry,
            };
        }

        public bool Matches(Effect e, PolicyContext ctx)
        {
            var m = Rule.Match;
            if (m.Environments is not null && !m.Environments.Contains(e.Environment)) return false;
            if (m.Recursive is { } recursive && e.Recursive != recursive) return false;
            if (m.Amount is { } amount && (e.Amount is not { } value || !amount.Contains(value))) return false;
            if (_executables is not null && !AnyMatch(_executables, e.Source.Name)) return false;
            if (_tools is not null && !AnyMatch(_tools, ctx.Request.Tool)) return false;
            if (_agents is not null && !AnyMatch(_agents, ctx.Request.Agent)) return false;
            if (_sessions is not null && !AnyMatch(_sessions, ctx.Request.Session)) return false;
            if (_targets is not null && !AnyMatch(_targets, e.Target)) return false;
            if (_paths is not null)
            {
                if (!PathPattern.IsPathEffect(e)) return false;
                var any = false;
                foreach (var p in _paths)
                    if (p.Match(e, ctx) != PathMatch.None) { any = true; break; }
                if (!any) return false;
            }
            if (_repositories is not null)
            {
                var root = ctx.RepositoryRoot(ctx.DirectoryOf(e));
                if (root is null) return false;
                var name = root.TrimEnd('/');
                name = name[(name.LastIndexOf('/') + 1)..];
                var any = false;
                foreach (var g in _repositories)
                    if (g.IsMatch(g.Pattern.Contains('/') ? root : name)) { any = true; break; }
                if (!any) return false;
            }
            if (_branches is not null && !AnyMatch(_branches, ctx.Branch(ctx.DirectoryOf(e)))) return false;
            return true;
        }

        private static bool AnyMatch(Glob[] globs, string? value)
        {
            if (value is null) return false;
            foreach (var g in globs)
                if (g.IsMatch(value)) return true;
            return false;
        }
    }

    /// <summary>A custom command rule, compiled.</summary>
    private sealed class CompiledCommand
    {
        public readonly CommandRule Rule;
        public readonly int Order;
        public readonly int Specificity;
        public readonly string Origin;
        public readonly Ruling? Ruling;

        public CompiledCommand(CommandRule rule, int order)
        {
            Rule = rule;
            Order = order;
            Origin = OriginOf(rule.Location, rule.Layer);
            var a = rule.Arguments;
            Specificity = 1 + rule.Subcommand.Count + (a.AnyOf is null ? 0 : 1) + (a.AllOf is null ? 0 : 1) + (a.NoneOf is null ? 0 : 1);
            if (rule.Verdict is { } verdict)
                Ruling = new Ruling(verdict, rule.Id, rule.Message ?? $"the policy's command rule `{rule.Id}` says so", rule.Alternative)
                {
                    RequiredApprovals = rule.Approval?.Approvers ?? 1,
                    ApproverGroup = rule.Approval?.Group,
                    ApprovalExpiry = rule.Approval?.Expiry,
                };
        }

        /// <summary>The operands after the subcommand when the invocation matches; null otherwise. Words between the
        /// subcommand words are skipped only when they follow an option (they may be its value: <c>ourctl --env prod wipe</c>).</summary>
        public List<Arg>? Match(Invocation inv)
        {
            var sub = Rule.Subcommand;
            var i = 0;
            var afterOption = false;
            var operands = new List<Arg>();
            foreach (var a in inv.Args)
            {
                if (i == sub.Count)
                {
                    if (!(a.Known && a.Text.StartsWith('-'))) operands.Add(a);
                    continue;
                }
                if (a.Known && a.Text.Length > 1 && a.Text[0] == '-')
                {
                    afterOption = !a.Text.Contains('=');
                    continue;
                }
                if (a.Known && a.Text == sub[i]) { i++; afterOption = false; continue; }
                if (afterOption) { afterOption = false; continue; }
                return null;
            }
            if (i < sub.Count) return null;
            var args = Rule.Arguments;
            if (args.AllOf is not null && !args.AllOf.All(t => Has(inv, t))) return null;
            if (args.AnyOf is not null && !args.AnyOf.Any(t => Has(inv, t))) return null;
            if (args.NoneOf is not null && args.NoneOf.Any(t => Has(inv, t))) return null;
            return operands;
        }

        /// <summary>The word or option is present: exactly, as <c>--opt=value</c>, or a short flag inside a bundle (<c>-rf</c>).</summary>
        private static bool Has(Invocation inv, string token)
        {
            var shortFlag = token.Length == 2 && token[0] == '-' && token[1] != '-';
            foreach (var a in inv.Args)
            {
                if (!a.Known) continue;
                var t = a.Text;
                if (t == token || (token.StartsWith('-') && t.StartsWith(token + "=", StringComparison.Ordinal))) return true;
                if (shortFlag && t.Length > 2 && t[0] == '-' && t[1] != '-' && t.IndexOf(token[1], 1) > 0) return true;
            }
            return false;
        }

        private static string? OptionValue(Invocation inv, string option)
        {
            for (var i = 0; i < inv.Args.Count; i++)
            {
                var t = inv.Args[i].Text;
                if (t == option && i + 1 < inv.Args.Count) return inv.Args[i + 1].Known ? inv.Args[i + 1].Text : null;
                if (t.StartsWith(option + "=", StringComparison.Ordinal)) return inv.Args[i].Known ? t[(option.Length + 1)..] : null;
            }
            return null;
        }

        public Effect EffectFor(Invocation inv, List<Arg> operands, KnowledgeContext context)
        {
            var r = Rule;
            var target = r.Target switch
            {
                null => string.Join(' ', new[] { r.Executable }.Concat(r.Subcommand)),
                ['$', .. var n] when int.TryParse(n, out var k) && k >= 1 => k <= operands.Count ? operands[k - 1].Text : "(missing operand)",
                ['-', ..] option => OptionValue(inv, option) ?? "(unknown)",
                var literal => literal,
            };
            var pathClass = PathClass.Unknown;
            var recursive = false;
            if (IsPathKind(r.Effect) && target.Length > 0 && target[0] is '/' or '.' or '~' || IsPathKind(r.Effect) && !target.Contains(' '))
            {
                var resolved = context.Paths.Resolve(new Arg(target, !target.StartsWith('('), false), inv.Context);
                if (resolved.Count > 0) { target = resolved[0].Path; pathClass = resolved[0].Class; recursive = !resolved[0].IsFile; }
            }
            var (environment, evidence) = r.Environment is { } fixedEnvironment
                ? (fixedEnvironment, $"command rule `{r.Id}` says {fixedEnvironment.ToString().ToLowerInvariant()}")
                : r.EnvironmentFrom is { } from ? context.InferEnvironment($"option {from}", OptionValue(inv, from)) : (TargetEnvironment.Unknown, null);
            long? amount = r.AmountFrom is { } amountFrom && long.TryParse(OptionValue(inv, amountFrom), out var n2) ? n2 : null;
            var description = r.Description ?? $"matches the policy's command rule `{r.Id}`";
            return new Effect(r.Effect, target, pathClass, recursive, false, description, inv, CommandDetailPrefix + r.Id)
            {
                Environment = environment,
                EnvironmentEvidence = evidence,
                Amount = amount,
            };
        }

        private static bool IsPathKind(EffectKind k) => k is EffectKind.DeletePath or EffectKind.OverwriteFile or EffectKind.EmptyFile
            or EffectKind.DestroyContents or EffectKind.MovePath or EffectKind.ChangePermissions or EffectKind.WriteFile;
    }

    private enum PathMatch { None, Direct, Ancestor }

    /// <summary>A path glob anchored at <c>/</c>, the home directory, the repository root, or (without a slash) any name.</summary>
    private sealed class PathPattern
    {
        private enum Anchor { Absolute, Home, Repository, Name }

        private readonly Anchor _anchor;
        private readonly Glob _glob;
        public string Text { get; }

        public PathPattern(string text)
        {
            Text = text;
            var body = text.TrimEnd('/');
            if (body.StartsWith('/')) { _anchor = Anchor.Absolute; body = body[1..]; }
            else if (body == "~" || body.StartsWith("~/", StringComparison.Ordinal)) { _anchor = Anchor.Home; body = body.Length > 2 ? body[2..] : ""; }
            else if (body.Contains('/')) _anchor = Anchor.Repository;
            else _anchor = Anchor.Name;
            if (body.StartsWith("./", StringComparison.Ordinal)) body = body[2..];
            _glob = new Glob(body, pathMode: true);
        }

        public static bool IsPathEffect(Effect e) => e.Target.StartsWith('/') && e.Kind is EffectKind.DeletePath or EffectKind.MovePath
            or EffectKind.OverwriteFile or EffectKind.AppendFile or EffectKind.EmptyFile or EffectKind.DestroyContents
            or EffectKind.ChangePermissions or EffectKind.RewriteFile or EffectKind.ReadSecret or EffectKind.WriteFile;

        /// <summary>Whether the effect's path matches (Direct), or the effect deletes or moves a directory that contains
        /// what the pattern names (Ancestor: <c>rm -rf db</c> destroys <c>db/migrations/**</c>).</summary>
        public PathMatch Match(Effect e, PolicyContext ctx)
        {
            var target = e.Target.Length > 1 ? e.Target.TrimEnd('/') : e.Target;
            if (_anchor == Anchor.Name)
            {
                foreach (var part in target.Split('/', StringSplitOptions.RemoveEmptyEntries))
                    if (Glob.MatchSegment(_glob.Pattern, part)) return PathMatch.Direct;
                return PathMatch.None;
            }
            var baseDir = _anchor switch
            {
                Anchor.Absolute => "",
                Anchor.Home => e.Source.Context.Home.TrimEnd('/'),
                _ => (ctx.RepositoryRoot(ctx.DirectoryOf(e)) ?? ctx.DirectoryOf(e)).TrimEnd('/'),
            };
            var destroysTree = e.Kind is EffectKind.DeletePath or EffectKind.MovePath || e.Kind == EffectKind.ChangePermissions && e.Recursive;
            if (target == baseDir || target.StartsWith(baseDir + "/", StringComparison.Ordinal))
            {
                var parts = target.Length > baseDir.Length ? target[(baseDir.Length + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries) : [];
                if (_glob.IsMatch(parts)) return PathMatch.Direct;
                // A directory some matching path lies below (the pattern may have wildcards: services/*/db/**).
                return destroysTree && _glob.CouldMatchBelow(parts) ? PathMatch.Ancestor : PathMatch.None;
            }
            // The target contains the anchor itself (rm -rf ~ with a repository-relative pattern).
            return destroysTree && (target == "/" || (baseDir + "/").StartsWith(target + "/", StringComparison.Ordinal)) ? PathMatch.Ancestor : PathMatch.None;
        }
    }
}
