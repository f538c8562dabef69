using Interlock.Core.Analysis;
using Interlock.Core.Knowledge;
using Interlock.Core.Policy;
using Interlock.Core.Shell;

namespace Interlock.Core;

/// <summary>
/// The decision pipeline: parse → resolve invocations → effects → policy → verdict.
/// Pure: everything it knows about the machine comes through the <see cref="IWorldView"/> it is given.
/// </summary>
public sealed class Engine
{
    private readonly EngineOptions _options;
    private readonly CompiledPolicy _policy;
    // Knowledge is stateless, so one index serves every engine (a resident process builds engines per call).
    // Several files may know one executable (npm: publishing and scripts; python: interpreter and Django's manage.py);
    // each runs, in catalog order.
    private static readonly Dictionary<string, ICommandKnowledge[]> KnowledgeByName = IndexKnowledge();

    private static Dictionary<string, ICommandKnowledge[]> IndexKnowledge()
    {
        var index = new Dictionary<string, ICommandKnowledge[]>(StringComparer.Ordinal);
        foreach (var k in KnowledgeCatalog.All())
            foreach (var name in k.Executables.Distinct())
                index[name] = index.TryGetValue(name, out var earlier) ? [.. earlier, k] : [k];
        return index;
    }

    /// <summary>An engine with the built-in policy and the given options.</summary>
    public Engine(EngineOptions? options = null)
        : this(options is null ? CompiledPolicy.Default : CompiledPolicy.Compile(PolicySet.BuiltIn, options))
    {
    }

    /// <summary>An engine that decides with a compiled (layered) policy; the policy's settings are its options.</summary>
    public Engine(CompiledPolicy policy)
    {
        _policy = policy;
        _options = policy.Options;
    }

    public EngineOptions Options => _options;
    public CompiledPolicy Policy => _policy;

    /// <summary>Decides one action. Never throws: an internal error becomes a deny that says so.</summary>
    public Decision Evaluate(ActionRequest request, IWorldView world)
    {
        try
        {
            return EvaluateCore(request, world);
        }
        catch (Exception ex)
        {
            return new Decision(_policy.Settings.FailClosed == Verdict.Ask ? Verdict.Ask : Verdict.Deny, "internal-error",
                $"Interlock hit an internal error while analysing this action ({ex.GetType().Name}: {ex.Message}), so it stops it rather than guess.",
                "Rephrase the command more simply, or ask the user to run it; please report the command to the Interlock maintainers.",
                [], [], null);
        }
    }

    private Decision EvaluateCore(ActionRequest request, IWorldView world)
    {
        if (request.Files.Count > 0)
        {
            // Every file of a multi-file change (a patch); one decision over all their effects is the strictest.
            var context = Context(world, depth: 0);
            var all = new List<Effect>();
            foreach (var f in request.Files) all.AddRange(FileEditAnalyzer.Analyze(f, request.Cwd, context, reportWrites: _policy.WantsFileWrites));
            return Decide(all, [], null, request, world) with { Writes = [.. request.Files.Select(f => PathResolver.Combine(request.Cwd, f.Path)).OfType<string>()] };
        }

        if (request.File is { } file)
        {
            var fileEffects = FileEditAnalyzer.Analyze(file, request.Cwd, Context(world, depth: 0), reportWrites: _policy.WantsFileWrites);
            return Decide(fileEffects, [], null, request, world) with { Writes = PathResolver.Combine(request.Cwd, file.Path) is { } written ? [written] : [] };
        }

        if (request.Tool.StartsWith("mcp__", StringComparison.Ordinal))
        {
            var toolEffects = McpAnalyzer.Analyze(request.Tool, request.ToolArguments, request.Cwd, Context(world, depth: 0));
            return Decide(toolEffects, [], null, request, world);
        }

        if (request.Command is null)
            return Decision.Allow([], [], null) with { Reason = $"the {request.Tool} tool is not analysed yet" };

        var parse = ShellParser.Parse(request.Command, _options.ParseLimits);
        if (parse.Script is null)
        {
            // Not analysable (too long, too deep, not shell syntax): one effect the policy rules on like any other, under
            // the rule id parse.limit or parse.error, so policies can tighten it (see BuiltInPolicy: never loosen).
            var at = new Invocation(null, "", [], new ExecContext([request.Cwd], world.HomeDirectory, null, []), [], null, null, "");
            var failure = new Effect(EffectKind.Indeterminate, "(the command)", PathClass.Unknown, false, false,
                $"Interlock could not analyse this command: {parse.Error}", at, parse.LimitHit ? BuiltInPolicy.ParseLimitRuleId : BuiltInPolicy.ParseErrorRuleId);
            return Decide([failure], [], parse, request, world);
        }

        var analysis = ShellAnalyzer.Analyze(parse.Script, request.Cwd, world, _options.ParseLimits);
        var effects = CollectEffects(analysis, Context(world, depth: 0));
        return Decide(effects, analysis.Invocations, parse, request, world) with { Writes = analysis.Written.Paths([request.Cwd]) };
    }

    private const int MaxNestedAnalyses = 4;

    /// <summary>Effect kinds whose target is a remote system with an environment (a cluster, a cloud account, a database,
    /// infrastructure), as opposed to files on this machine.</summary>
    private static bool HasRemoteTarget(EffectKind kind) =>
        kind is EffectKind.DestroyData or EffectKind.DestroyInfrastructure or EffectKind.DeleteClusterResources or EffectKind.ChangeInfrastructure;

    /// <summary><c>settings.unknown_environment: production</c>: a remote target that neither a declaration nor a name
    /// places in an environment is treated as production, with evidence saying so.</summary>
    private static void CountUnknownAsProduction(List<Effect> effects)
    {
        for (var i = 0; i < effects.Count; i++)
        {
            var e = effects[i];
            if (e.Environment != TargetEnvironment.Unknown || !HasRemoteTarget(e.Kind)) continue;
            var found = e.EnvironmentEvidence ?? "no context, account, project, workspace or host names its environment";
            effects[i] = e with
            {
                Environment = TargetEnvironment.Production,
                EnvironmentEvidence = $"{found}; the policy counts targets of unknown environment as production (settings.unknown_environment)",
            };
        }
    }

    /// <summary>A knowledge context whose nested analysis (docker exec, kubectl exec, os.system...) reuses this
    /// engine's shell analysis, bounded in depth.</summary>
    private KnowledgeContext Context(IWorldView world, int depth) => new(world, _options, depth >= MaxNestedAnalyses ? null : (code, ctx) =>
    {
        var parsed = ShellParser.Parse(code, _options.ParseLimits);
        var at = new Invocation(null, "", [], ctx, [], null, null, code);
        if (parsed.Script is null)
            return [new Effect(EffectKind.Indeterminate, code, PathClass.Unknown, false, false, $"runs shell code that could not be parsed ({parsed.Error})", at)];
        var inner = ShellAnalyzer.Analyze(parsed.Script, ctx, world, _options.ParseLimits);
        return CollectEffects(inner, Context(world, depth + 1));
    }, KnowledgeOf);

    private static IReadOnlyList<ICommandKnowledge>? KnowledgeOf(string name) => KnowledgeByName.GetValueOrDefault(name);

    /// <summary>Every effect of every invocation, plus what the analysis could not see through.</summary>
    public List<Effect> CollectEffects(ShellAnalysis analysis, KnowledgeContext baseContext)
    {
        var effects = new List<Effect>();
        foreach (var inv in analysis.Invocations)
        {
            AddEffects(inv, baseContext, effects);
            // `${NAME:-default}` of a variable that may be unset: the command is also judged as it runs with the defaults.
            if (WithDefaults(inv) is var (unset, names))
            {
                var from = effects.Count;
                AddEffects(unset, baseContext, effects);
                for (var i = from; i < effects.Count; i++) effects[i] = effects[i] with { Description = $"{effects[i].Description} (when {names} is unset)" };
            }
        }
        foreach (var u in analysis.Uncertainties)
            effects.Add(new Effect(EffectKind.Indeterminate, u.At.Executable, PathClass.Unknown, false, false, u.Reason, u.At));
        if (analysis.ForkBomb)
        {
            var at = analysis.Invocations.Count > 0 ? analysis.Invocations[0] : new Invocation(null, "", [], new ExecContext([], "", null, []), [], null, null, "");
            effects.Add(new Effect(EffectKind.ForkBomb, "processes", PathClass.Unknown, true, true, "a function calls itself in a pipeline or in the background, multiplying without end", at));
        }
        return effects;
    }

    private void AddEffects(Invocation inv, KnowledgeContext baseContext, List<Effect> effects)
    {
        var context = baseContext.For(inv);
        Redirections.Analyze(inv, context, effects);
        FileReads.Analyze(inv, context, effects);
        if (inv.Name is { Length: > 0 } name && KnowledgeByName.TryGetValue(name, out var knowledge))
            foreach (var k in knowledge) k.Analyze(inv, context, effects);
        _policy.AddCommandEffects(inv, context, effects);
    }

    /// <summary>The invocation with each argument and redirection target that has a value when its variables are unset
    /// (<see cref="Arg.WhenUnset"/>) replaced by that value, and the variables' names; null when there is none.</summary>
    private static (Invocation, string)? WithDefaults(Invocation inv)
    {
        var any = false;
        foreach (var a in inv.Args) any |= a.WhenUnset is not null;
        foreach (var r in inv.Redirects) any |= r.Target.WhenUnset is not null;
        if (!any) return null; // the usual command: nothing allocated
        string? names = null;
        Arg Default(Arg a)
        {
            if (a.WhenUnset is not { } value) return a;
            names = names is null ? a.UnsetVariables : names.Contains(a.UnsetVariables!) ? names : names + ", " + a.UnsetVariables;
            return new Arg(value, true, false);
        }
        var args = inv.Args.Select(Default).ToList();
        var redirects = inv.Redirects.Select(r => r.Target.WhenUnset is null ? r : r with { Target = Default(r.Target) }).ToList();
        return names is null ? null : (inv with { Args = args, Redirects = redirects }, names);
    }

    private Decision Decide(List<Effect> effects, IReadOnlyList<Invocation> invocations, ParseResult? parse, ActionRequest request, IWorldView world)
    {
        if (_options.UnknownIsProduction) CountUnknownAsProduction(effects);
        Effect? worst = null;
        Ruling? worstRuling = null;
        Ruling? shadow = null;
        var stopping = 0;
        var approvals = 1;
        TimeSpan? expiry = null;
        var context = new PolicyContext(request, world);
        var matches = new List<RuleMatch>();
        for (var i = 0; i < effects.Count; i++)
        {
            var e = effects[i];
            var (r, s, m) = _policy.Evaluate(e, i, context);
            matches.AddRange(m);
            if (s is not null && (shadow is null || s.Verdict > shadow.Verdict)) shadow = s;
            if (r.Verdict != Verdict.Allow) stopping++;
            if (r.Verdict == Verdict.Ask)
            {
                approvals = Math.Max(approvals, r.RequiredApprovals);
                if (r.ApprovalExpiry is { } x && (expiry is null || x < expiry)) expiry = x;
            }
            if (worstRuling is null || r.Verdict > worstRuling.Verdict)
            {
                worst = e;
                worstRuling = r;
            }
        }
        var verdict = worstRuling?.Verdict ?? Verdict.Allow;
        var shadowVerdict = shadow is not null && shadow.Verdict > verdict ? shadow.Verdict : (Verdict?)null;
        var shadowRule = shadowVerdict is null ? null : shadow!.RuleId;
        if (worst is null || worstRuling is null || worstRuling.Verdict == Verdict.Allow)
            return Decision.Allow(invocations, effects, parse) with { Matches = matches, ShadowVerdict = shadowVerdict, ShadowRuleId = shadowRule };

        var where = worst.Source.Context.RemoteHost is { } host ? $" on {host}" : "";
        var via = worst.Source.Context.Via.Count > 0 ? $" (run via {string.Join(" → ", worst.Source.Context.Via)})" : "";
        var more = stopping > 1 ? $" {stopping - 1} other effect(s) of this command also need review." : "";
        var command = worst.Source.Text.Length > 0 && !worst.Description.StartsWith('`') ? $"`{worst.Source.Display}` " : "";
        var environment = worst.Environment == TargetEnvironment.Production ? $" in production ({worst.EnvironmentEvidence})" : "";
        var reason = $"{command}{worst.Description}{where}{environment}{via}. Why this stops: {worstRuling.Why.TrimEnd('.')}.{more}";
        var ask = worstRuling.Verdict == Verdict.Ask;
        return new Decision(worstRuling.Verdict, worstRuling.RuleId, reason, worstRuling.Alternative, effects, invocations, parse)
        {
            RequiredApprovals = ask ? approvals : 1,
            ApproverGroup = ask ? worstRuling.ApproverGroup : null,
            ApprovalExpiry = ask ? expiry : null,
            Matches = matches,
            ShadowVerdict = shadowVerdict,
            ShadowRuleId = shadowRule,
        };
    }
}
