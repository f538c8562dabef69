using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>What Interlock knows about one tool: which invocations of it destroy what.</summary>
public interface ICommandKnowledge
{
    /// <summary>The executable names this knowledge covers (base names, e.g. "rm", "git").</summary>
    IReadOnlyList<string> Executables { get; }

    void Analyze(Invocation invocation, KnowledgeContext context, List<Effect> effects);
}

/// <summary>The read-only world and helpers every piece of knowledge uses.</summary>
public sealed class KnowledgeContext(IWorldView world, EngineOptions options)
{
    public IWorldView World { get; } = world;
    public EngineOptions Options { get; } = options;
    public PathClassifier Paths { get; } = new(world, options);

    /// <summary>Path effects for one argument, one per possible working directory.</summary>
    public void AddPathEffects(List<Effect> effects, EffectKind kind, Arg arg, bool recursive, Invocation source, Func<PathTarget, string> describe)
    {
        foreach (var target in Paths.Resolve(arg, source.Context))
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
