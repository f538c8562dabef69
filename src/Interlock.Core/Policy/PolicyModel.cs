namespace Interlock.Core.Policy;

/// <summary>Where a policy came from, least trusted last: a project file is written in the repository the agent works in,
/// so it may only tighten (see <see cref="PolicySet"/>).</summary>
public enum PolicyLayer { BuiltIn = 0, System = 1, User = 2, Project = 3 }

/// <summary>Enforce: the rule decides. Shadow: the rule is evaluated and its would-be verdict recorded, but it does not decide.</summary>
public enum RuleMode { Enforce, Shadow }

/// <summary>A position in a policy file (1-based line and column), for messages that point at the exact place.</summary>
public sealed record SourceLocation(string File, int Line, int Column)
{
    public override string ToString() => $"{File}:{Line}:{Column}";
}

/// <summary>For ask: who must approve and for how long an approval stays valid.</summary>
/// <param name="Approvers">Distinct humans who must approve (1 or more).</param>
/// <param name="Group">The approver group they must belong to (the approval server resolves it); null for anyone.</param>
/// <param name="Expiry">How long an approval is valid after it is given; null for the server's default.</param>
public sealed record ApprovalRequirement(int Approvers = 1, string? Group = null, TimeSpan? Expiry = null);

/// <summary>An inclusive numeric range (<c>amount: ">= 100"</c>, <c>{min: 10, max: 50}</c>).</summary>
public sealed record AmountRange(long? Min, long? Max)
{
    public bool Contains(long value) => (Min is null || value >= Min) && (Max is null || value <= Max);
}

/// <summary>What a rule matches on. Every condition that is set must hold (and); within one condition any listed value
/// may match (or). Unset conditions match anything.</summary>
public sealed record RuleConditions
{
    public IReadOnlyList<EffectKind>? Effects { get; init; }
    /// <summary>Globs over the effect's path: absolute (<c>/etc/**</c>), home-relative (<c>~/notes/**</c>) or relative to the
    /// repository root (<c>db/migrations/**</c>; a pattern without a slash matches the file name at any depth).</summary>
    public IReadOnlyList<string>? Paths { get; init; }
    /// <summary>Globs over the effect's target as text (a branch, a table, a resource, a path).</summary>
    public IReadOnlyList<string>? Targets { get; init; }
    public IReadOnlyList<TargetEnvironment>? Environments { get; init; }
    /// <summary>The harness's tool name (Bash, Write, Edit, mcp__db__drop_table...), globs.</summary>
    public IReadOnlyList<string>? Tools { get; init; }
    /// <summary>The executable that causes the effect (git, kubectl, terraform...), globs.</summary>
    public IReadOnlyList<string>? Executables { get; init; }
    /// <summary>The agent or harness (claude-code, codex...), globs.</summary>
    public IReadOnlyList<string>? Agents { get; init; }
    public IReadOnlyList<string>? Sessions { get; init; }
    /// <summary>Globs over the repository root's path, or its directory name when the pattern has no slash.</summary>
    public IReadOnlyList<string>? Repositories { get; init; }
    /// <summary>Globs over the branch checked out where the effect happens.</summary>
    public IReadOnlyList<string>? Branches { get; init; }
    /// <summary>The effect's amount (lines a file edit removes; the value a command rule reads from an option).</summary>
    public AmountRange? Amount { get; init; }
    /// <summary>Only effects that cover a whole tree (true) or only single objects (false).</summary>
    public bool? Recursive { get; init; }

    /// <summary>How many conditions are set: the more, the more specific (used to break ties between equal verdicts).</summary>
    public int Specificity =>
        (Effects is null ? 0 : 1) + (Paths is null ? 0 : 1) + (Targets is null ? 0 : 1) + (Environments is null ? 0 : 1) +
        (Tools is null ? 0 : 1) + (Executables is null ? 0 : 1) + (Agents is null ? 0 : 1) + (Sessions is null ? 0 : 1) +
        (Repositories is null ? 0 : 1) + (Branches is null ? 0 : 1) + (Amount is null ? 0 : 1) + (Recursive is null ? 0 : 1);

    public static readonly RuleConditions Any = new();
}

/// <summary>A policy rule: when its conditions hold for an effect, it gives a verdict. With <see cref="Overrides"/> it
/// instead changes the built-in rule of that id (for the effects that rule rules on and these conditions hold).</summary>
public sealed record PolicyRule(string Id, RuleConditions Match, Verdict Verdict)
{
    /// <summary>Why this stops (shown to the agent and the human), in place of the built-in reason.</summary>
    public string? Message { get; init; }
    public string? Alternative { get; init; }
    public ApprovalRequirement? Approval { get; init; }
    public RuleMode Mode { get; init; } = RuleMode.Enforce;
    /// <summary>The built-in rule id this rule replaces (e.g. <c>git.discard-changes</c>); null for an added rule.</summary>
    public string? Overrides { get; init; }
    public PolicyLayer Layer { get; init; } = PolicyLayer.User;
    public SourceLocation? Location { get; init; }
    /// <summary>The rule was given without a verdict (an override that changes only the approval or the message).</summary>
    public bool KeepsVerdict { get; init; }
}

/// <summary>A condition on one argument-level fact of a custom command.</summary>
public sealed record ArgumentConditions
{
    /// <summary>At least one of these options or words is present (<c>--all</c>, <c>-f</c>; short flags match inside bundles).</summary>
    public IReadOnlyList<string>? AnyOf { get; init; }
    /// <summary>All of these are present.</summary>
    public IReadOnlyList<string>? AllOf { get; init; }
    /// <summary>None of these is present (<c>--dry-run</c>).</summary>
    public IReadOnlyList<string>? NoneOf { get; init; }
}

/// <summary>Teaches Interlock a tool it does not know: when <see cref="Executable"/> runs with <see cref="Subcommand"/>
/// (the first words that are not options) and the argument conditions hold, the invocation has an effect, optionally with
/// its own verdict.</summary>
public sealed record CommandRule(string Id, string Executable, IReadOnlyList<string> Subcommand, EffectKind Effect)
{
    public ArgumentConditions Arguments { get; init; } = new();
    /// <summary>What the effect applies to: a literal, or <c>$1</c>.. for the n-th operand after the subcommand, or
    /// <c>--opt</c> for an option's value. Defaults to the command line.</summary>
    public string? Target { get; init; }
    /// <summary>A fixed environment, or an option whose value names it (<c>--env</c>, read with the production name patterns).</summary>
    public TargetEnvironment? Environment { get; init; }
    public string? EnvironmentFrom { get; init; }
    /// <summary>An option whose numeric value becomes the effect's amount.</summary>
    public string? AmountFrom { get; init; }
    public string? Description { get; init; }
    /// <summary>A verdict for the effect itself; null leaves it to the rules for <see cref="Effect"/>.</summary>
    public Verdict? Verdict { get; init; }
    public string? Message { get; init; }
    public string? Alternative { get; init; }
    public ApprovalRequirement? Approval { get; init; }
    public RuleMode Mode { get; init; } = RuleMode.Enforce;
    public PolicyLayer Layer { get; init; } = PolicyLayer.User;
    public SourceLocation? Location { get; init; }
}

/// <summary>Session budgets: how much destructive work one agent session may do per window before the circuit breaker
/// stops it (the hook's BudgetStage consumes them). The defaults are the breaker's: far above what ordinary work does in
/// ten minutes (a unit test keeps the two in step).</summary>
public sealed record BudgetSettings
{
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(10);
    public int FilesDeleted { get; init; } = 25;
    public int LinesRemoved { get; init; } = 2000;
    public int DestructiveCommands { get; init; } = 25;
    public static readonly BudgetSettings Default = new();
}

/// <summary>File-edit guard thresholds (see <see cref="EngineOptions"/>).</summary>
public sealed record EditThresholds
{
    public int MinLines { get; init; } = 40;
    public double RemovedFraction { get; init; } = 0.5;
    public double KeptFraction { get; init; } = 0.1;
    public int MaxBytes { get; init; } = 2 * 1024 * 1024;
}

/// <summary>
/// When the agent harness's own permission prompt may be the approval of an ask (`settings.approvals.harness_prompt`).
/// Ordered from the tightest: a project file may only move towards <see cref="Never"/>. Whatever the setting, an ask
/// that is production (two approvers, or an effect in production) never goes to the harness's prompt, and a harness
/// without a prompt (Codex, Gemini CLI, Kiro) always gets an Interlock approval request.
/// </summary>
public enum HarnessPrompt
{
    /// <summary>Every ask becomes an Interlock request (`interlock approve`, or the approval server's dashboard).</summary>
    Never,

    /// <summary>The default: the harness's prompt approves non-production asks when the hook runs as the developer
    /// (user mode) with no approval server; with a server or in enforced mode, asks become requests.</summary>
    UserMode,

    /// <summary>The harness's prompt approves non-production asks everywhere, with an approval server too (set in the
    /// server's policy) and in enforced mode (set in the system file).</summary>
    NonProduction,
}

/// <summary>How an ask is approved: who decides whether the harness's prompt may.</summary>
public static class ApprovalRoute
{
    /// <summary>Whether the harness's own prompt may approve <paramref name="ask"/>: the harness can ask, the ask is
    /// not production, and <paramref name="setting"/> allows it where the hook runs (<paramref name="userModeWithoutServer"/>:
    /// as the developer, with no approval server).</summary>
    public static bool HarnessMayApprove(HarnessPrompt setting, Decision ask, bool harnessCanAsk, bool userModeWithoutServer) =>
        harnessCanAsk && !IsProduction(ask) && setting switch
        {
            HarnessPrompt.NonProduction => true,
            HarnessPrompt.UserMode => userModeWithoutServer,
            _ => false,
        };

    /// <summary>Production: the ruling needs two or more approvers (the two-person rule), or an effect lands in production.</summary>
    public static bool IsProduction(Decision d) =>
        d.RequiredApprovals >= 2 || d.Effects.Any(e => e.Environment == TargetEnvironment.Production);

    /// <summary>The note the audit record carries when the harness's prompt was the approval route.</summary>
    public const string HarnessPromptNote = " [approval: the harness's own prompt asks its user (settings.approvals.harness_prompt)]";
}

/// <summary>Named settings of the policy. The merged, effective values; <see cref="PolicySet.Origins"/> says where each came from.</summary>
public sealed record PolicySettings
{
    public IReadOnlyList<string> RegenerableNames { get; init; } = EngineOptions.Default.RegenerableNames;
    public IReadOnlyList<string> ProductionNames { get; init; } = EngineOptions.Default.ProductionNames;
    public IReadOnlyList<string> StagingNames { get; init; } = EngineOptions.Default.StagingNames;
    public IReadOnlyList<string> DevelopmentNames { get; init; } = EngineOptions.Default.DevelopmentNames;
    public IReadOnlyList<string> ProtectedBranches { get; init; } = EngineOptions.Default.ProtectedBranches;
    /// <summary>Paths (globs, as in <see cref="RuleConditions.Paths"/>) that no action may change: deny, rule <c>policy.protected-path</c>.</summary>
    public IReadOnlyList<string> ProtectedPaths { get; init; } = [];
    public EditThresholds EditThresholds { get; init; } = new();
    public BudgetSettings Budgets { get; init; } = BudgetSettings.Default;
    /// <summary>What the hook answers when Interlock itself fails (deny or ask). Never allow.</summary>
    public Verdict FailClosed { get; init; } = Verdict.Deny;
    /// <summary>Concrete names declared to be in an environment (<c>settings.environments</c>), every layer's together.</summary>
    public IReadOnlyList<Environments.DeclaredTarget> DeclaredEnvironments { get; init; } = [];
    /// <summary><c>settings.unknown_environment: production</c>.</summary>
    public bool UnknownIsProduction { get; init; }
    /// <summary>When the harness's own prompt may approve an ask (<see cref="Policy.HarnessPrompt"/>).</summary>
    public HarnessPrompt HarnessPrompt { get; init; } = HarnessPrompt.UserMode;

    public static readonly PolicySettings Default = new();

    /// <summary>The engine options these settings mean (everything else keeps its default).</summary>
    public EngineOptions ToEngineOptions(EngineOptions? basis = null) => (basis ?? EngineOptions.Default) with
    {
        RegenerableNames = RegenerableNames,
        RegenerableNamesOutsideProjects = (basis ?? EngineOptions.Default).RegenerableNamesOutsideProjects.Where(RegenerableNames.Contains).ToList(),
        ProductionNames = ProductionNames,
        StagingNames = StagingNames,
        DevelopmentNames = DevelopmentNames,
        ProtectedBranches = ProtectedBranches,
        RewriteMinLines = EditThresholds.MinLines,
        RewriteRemovedFraction = EditThresholds.RemovedFraction,
        RewriteKeptFraction = EditThresholds.KeptFraction,
        FileEditMaxBytes = EditThresholds.MaxBytes,
        DeclaredEnvironments = DeclaredEnvironments,
        UnknownIsProduction = UnknownIsProduction,
    };
}

/// <summary>A policy test case: an action and the verdict the policy must give it.</summary>
public sealed record PolicyTestCase(string Name, ActionRequest Request, Verdict Expected)
{
    public string? ExpectedRule { get; init; }
    public SourceLocation? Location { get; init; }
}

/// <summary>The effective policy: merged settings, every rule from every layer, and where settings came from.</summary>
public sealed record PolicySet
{
    public PolicySettings Settings { get; init; } = PolicySettings.Default;
    public IReadOnlyList<PolicyRule> Rules { get; init; } = [];
    public IReadOnlyList<CommandRule> Commands { get; init; } = [];
    public IReadOnlyList<PolicyTestCase> Tests { get; init; } = [];
    /// <summary>Setting name -> where its effective value came from ("built-in" or file:line:column).</summary>
    public IReadOnlyDictionary<string, string> Origins { get; init; } = new Dictionary<string, string>();

    public static readonly PolicySet BuiltIn = new();
}
