using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>What Interlock knows about one tool: which invocations of it destroy what.</summary>
public interface ICommandKnowledge
{
    /// <summary>The executable names this knowledge covers (base names, e.g. "rm", "git").</summary>
    IReadOnlyList<string> Executables { get; }

    void Analyze(Invocation invocation, KnowledgeContext context, List<Effect> effects);

    /// <summary>What the tool does with what is piped into it (<see cref="Invocation.PipedInto"/>); most tools do not
    /// say, and then it may be printed.</summary>
    InputUse StandardInput(Invocation invocation) => InputUse.Unknown;

    /// <summary>What the tool does with its argument <paramref name="index"/> when it holds another command's captured
    /// output (<see cref="Invocation.OutputPassedTo"/>); most tools do not say, and then it may be printed.</summary>
    ArgumentUse Argument(Invocation invocation, int index) => ArgumentUse.Unknown;

    /// <summary>Whether the tool keeps another command's captured output in its environment to itself (<c>GH_TOKEN=$(gh
    /// auth token) gh release create</c>: <see cref="InputUse.KeepsToItself"/>); most tools do not say, and then it may
    /// be printed (an interpreter, a script, a task runner, a container given the variable).</summary>
    InputUse Environment(Invocation invocation) => InputUse.Unknown;
}

/// <summary>What a command does with one of its arguments, as far as the agent's view of it goes.</summary>
public readonly record struct ArgumentUse
{
    /// <summary>Not known: it may print it.</summary>
    public static ArgumentUse Unknown => default;

    /// <summary>Uses it and prints none of it (<c>docker login -p</c>).</summary>
    public static ArgumentUse KeepsToItself => new() { Kept = true };

    /// <summary>Prints none of it, but sends it to <paramref name="hosts"/> (<c>curl -H</c>), whose answers the agent
    /// reads: it stays hidden only where those hosts are the ones a credential is meant for.</summary>
    public static ArgumentUse SentTo(IReadOnlyList<string> hosts) => new() { Kept = true, Hosts = hosts };

    public bool Kept { get; private init; }

    /// <summary>The hosts it is sent to (lower case), or null when it is not sent anywhere.</summary>
    public IReadOnlyList<string>? Hosts { get; private init; }
}

/// <summary>What a command does with text on its standard input, as far as the agent's view of it goes.</summary>
public enum InputUse
{
    /// <summary>Not known: it may print it.</summary>
    Unknown,

    /// <summary>Reads it as a secret and prints none of it (<c>docker login --password-stdin</c>).</summary>
    KeepsToItself,

    /// <summary>A filter: prints what it read, changed (<c>tr -d '\n'</c>, <c>base64</c>); where its output goes decides.</summary>
    PassesOn,
}

/// <summary>The read-only world and helpers every piece of knowledge uses.</summary>
/// <param name="nested">Analyses shell code that a tool runs elsewhere (inside a container, a pod, an
/// interpreter's os.system) and returns its effects; supplied by the engine so there is one shell analysis.</param>
/// <param name="knowledgeOf">The knowledge of an executable name (several files may know one), for what a command does
/// with text piped into it, an argument or its environment; supplied by the engine, which indexes the knowledge.</param>
public sealed class KnowledgeContext(IWorldView world, EngineOptions options, Func<string, ExecContext, List<Effect>>? nested = null,
    Func<string, IReadOnlyList<ICommandKnowledge>?>? knowledgeOf = null)
{
    public IWorldView World { get; } = world;
    public EngineOptions Options { get; } = options;
    public PathClassifier Paths { get; } = new(world, options);

    /// <summary>The context for one invocation: its world includes the files earlier parts of the command write
    /// (<see cref="WrittenFiles"/>), so a script, makefile or SQL file is read as it will be when the invocation runs.</summary>
    public KnowledgeContext For(Invocation invocation) =>
        invocation.Context.Written.IsEmpty && World is not WrittenWorld ? this : new(WrittenWorld.Over(World, invocation.Context.Written), Options, nested, knowledgeOf);

    /// <summary>Whether what <paramref name="invocation"/> prints stays out of the agent's view: captured into a
    /// variable that nothing in the command shows (<see cref="Invocation.OutputCapturedInto"/>) or into arguments of
    /// commands that keep them to themselves (<see cref="Invocation.OutputPassedTo"/>), or piped into a command that
    /// keeps it to itself, through filters that pass it on (<c>gh auth token | tr -d '\n' | docker login
    /// --password-stdin</c>, <c>T=$(gh auth token | tr -d '\n')</c>). Anything else may print it.</summary>
    /// <param name="issuer">For a credential: whether a host is one it is meant for (<c>api.github.com</c> for a GitHub
    /// token). Sent to any other host, whose answer the agent reads, it counts as shown.</param>
    public bool OutputKeptFromAgent(Invocation invocation, Func<string, bool>? issuer = null)
    {
        // A pipeline is finite and each link points to a later stage, so this ends; the bound is only a guard.
        for (var (at, hops) = (invocation, 0); hops < 1024; hops++)
        {
            if (at.OutputCapturedInto is not null)
            {
                foreach (var place in at.OutputPassedTo)
                {
                    var use = ArgumentOf(place.Consumer, place.Index);
                    if (!use.Kept || use.Hosts is { } hosts && (issuer is null || hosts.Count == 0 || !hosts.All(issuer))) return false;
                }
                foreach (var consumer in at.OutputInEnvironmentOf)
                    if (EnvironmentOf(consumer) != InputUse.KeepsToItself) return false;
                return true;
            }
            if (at.PipedInto is not { } reader) return false;
            switch (StandardInputOf(reader))
            {
                case InputUse.KeepsToItself: return true;
                case InputUse.PassesOn: at = reader; continue;
                default: return false;
            }
        }
        return false;
    }

    /// <summary>What the knowledge of <paramref name="reader"/>'s tool says it does with piped-in text: the first that
    /// says anything.</summary>
    public InputUse StandardInputOf(Invocation reader)
    {
        foreach (var k in KnowledgeOf(reader))
            if (k.StandardInput(reader) is var use and not InputUse.Unknown) return use;
        return InputUse.Unknown;
    }

    /// <summary>What the knowledge of <paramref name="consumer"/>'s tool says it does with its argument
    /// <paramref name="index"/>: the first that says anything.</summary>
    public ArgumentUse ArgumentOf(Invocation consumer, int index)
    {
        foreach (var k in KnowledgeOf(consumer))
            if (k.Argument(consumer, index) is { Kept: true } use) return use;
        return ArgumentUse.Unknown;
    }

    /// <summary>What the knowledge of <paramref name="consumer"/>'s tool says it does with captured values in its
    /// environment: the first that says anything.</summary>
    public InputUse EnvironmentOf(Invocation consumer)
    {
        foreach (var k in KnowledgeOf(consumer))
            if (k.Environment(consumer) is var use and not InputUse.Unknown) return use;
        return InputUse.Unknown;
    }

    private IReadOnlyList<ICommandKnowledge> KnowledgeOf(Invocation invocation) =>
        invocation.Name is { Length: > 0 } name && knowledgeOf?.Invoke(name) is { } known ? known : [];

    /// <summary>The effects of <paramref name="code"/> run as a shell command in <paramref name="context"/>.
    /// Without a nested analyser (or past its depth bound) the code is reported as indeterminate.</summary>
    public List<Effect> AnalyzeShellCode(string code, ExecContext context, Invocation parent) =>
        nested?.Invoke(code, context)
        ?? [new Effect(EffectKind.Indeterminate, parent.Executable, PathClass.Unknown, false, false, $"runs shell code that could not be analysed: {code}", parent)];

    /// <summary>Infers the environment from a name such as a kube context, AWS profile, workspace or host.
    /// Names are split into tokens, so `prod-eu` is production but `product-api` is not.</summary>
    /// <param name="source">Where the name was read (<c>~/.kube/config current-context</c>, <c>$AWS_PROFILE in the hook's
    /// environment</c>), shown in the evidence; null for names written in the command itself.</param>
    public (TargetEnvironment Environment, string? Evidence) InferEnvironment(string what, string? name, string? source = null)
    {
        if (string.IsNullOrEmpty(name)) return (TargetEnvironment.Unknown, null);
        // A concrete declaration in the policy beats the spelling of the name.
        if (Environments.DeclaredEnvironments.Match(Options.DeclaredEnvironments, what, name) is { } declared)
            return (declared.Environment, $"{what} `{name}`{(source is null ? "" : $" (from {source})")} is declared {declared.Environment.ToString().ToLowerInvariant()} in the policy ({declared.Declaration})");
        if (source is not null) what += $" `{name}` (from {source})";
        var tokens = name.ToLowerInvariant().Split(['-', '_', '.', '/', ':', ' ', '@', '='], StringSplitOptions.RemoveEmptyEntries);
        foreach (var (env, patterns) in new[]
                 {
                     (TargetEnvironment.Production, Options.ProductionNames),
                     (TargetEnvironment.Staging, Options.StagingNames),
                     (TargetEnvironment.Development, Options.DevelopmentNames),
                 })
            foreach (var p in patterns)
                foreach (var t in tokens)
                    if (t == p || (t.StartsWith(p, StringComparison.Ordinal) && t[p.Length..].All(char.IsAsciiDigit)))
                        return (env, source is null ? $"{what} `{name}` matches `{p}`" : $"{what} matches `{p}`");
        return (TargetEnvironment.Unknown, source is null ? $"{what} `{name}` matches no environment pattern" : $"{what} matches no environment pattern");
    }

    /// <summary>The most production-like of several inferences (any production evidence wins, then staging, then development).</summary>
    public static (TargetEnvironment Environment, string? Evidence) Strictest(params (TargetEnvironment Environment, string? Evidence)[] candidates)
    {
        var best = candidates.Where(c => c.Evidence is not null).OrderByDescending(c => Rank(c.Environment)).FirstOrDefault();
        return best.Evidence is null ? (TargetEnvironment.Unknown, null) : best;
    }

    /// <summary>A name that matches no environment is not evidence: it only decides when no other name places the
    /// target (so a dev context with a deployment called `api` is development, and <c>unknown_environment</c> applies
    /// only to targets nothing places).</summary>
    private static int Rank(TargetEnvironment e) => e switch
    {
        TargetEnvironment.Production => 3,
        TargetEnvironment.Staging => 2,
        TargetEnvironment.Development => 1,
        _ => 0,
    };

    /// <summary>Path effects for one argument, one per possible working directory.</summary>
    public void AddPathEffects(List<Effect> effects, EffectKind kind, Arg arg, bool recursive, Invocation source, Func<PathTarget, string> describe)
    {
        // Deleting or moving a symbolic link acts on the link; everything else acts on what it points to.
        foreach (var target in Paths.Resolve(arg, source.Context, followFinal: kind is not (EffectKind.DeletePath or EffectKind.MovePath)))
        {
            var deep = recursive && !target.IsFile || target.Path.Contains("/**/");
            effects.Add(new Effect(kind, target.Path, target.Class, deep, Reversible: false, describe(target), source, target.Exists ? "exists" : null));
        }
    }

    /// <summary>The first directory the invocation may run in (for messages and repository lookups).</summary>
    public static string? Cwd(Invocation invocation) => invocation.Context.Cwds.FirstOrDefault(c => c is not null);
}

/// <summary>Splits arguments into options and operands, honouring <c>--</c>.</summary>
public static class Options
{
    public static (List<string> Flags, List<Arg> Operands) Split(IReadOnlyList<Arg> args, Func<string, bool>? takesValue = null)
    {
        var flags = new List<string>();
        var operands = new List<Arg>();
        var endOfOptions = false;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (!endOfOptions && t == "--") { endOfOptions = true; continue; }
            if (!endOfOptions && t.Length > 1 && t[0] == '-' && args[i].Known)
            {
                flags.Add(t);
                if (takesValue?.Invoke(t) == true && i + 1 < args.Count) flags.Add(args[++i].Text);
                continue;
            }
            operands.Add(args[i]);
        }
        return (flags, operands);
    }

    /// <summary>True when a short flag letter appears in any bundle (<c>-rf</c>) or the long form is present.</summary>
    public static bool Has(List<string> flags, char letter, string? longName = null) =>
        flags.Any(f => (f.Length > 1 && f[0] == '-' && f[1] != '-' && f.IndexOf(letter, 1) > 0) || (longName is not null && (f == longName || f.StartsWith(longName + "="))));
}
