using Interlock.Core.Shell;

namespace Interlock.Core.Analysis;

/// <summary>
/// What the analysis knows about the shell at one point of the script: possible working directories,
/// variables, functions and aliases. Cloned for subshells and branches; merged afterwards.
/// </summary>
internal sealed class ShellState
{
    private const int MaxCwds = 4;

    /// <summary>Well-known variables taken from the world when the script has not set them.</summary>
    private static readonly string[] EnvironmentNames = ["HOME", "USER", "LOGNAME", "TMPDIR", "SHELL"];

    public required List<string?> Cwds { get; set; }
    public required string Home { get; init; }
    public string? RemoteHost { get; init; }
    public required IReadOnlyList<string> Via { get; init; }
    /// <summary>The world as the command found it; <see cref="World"/> adds what earlier parts of the command wrote.</summary>
    public required IWorldView BaseWorld { get; init; }

    /// <summary>The world as the part being analysed will find it.</summary>
    public IWorldView World => WrittenWorld.Over(BaseWorld, Written.Files);

    /// <summary>Files earlier parts of the command write (redirections, tee, cp, mv). Shared by every clone like
    /// <see cref="CreatedLinks"/>: a file written in a subshell or a branch that may not run still counts.</summary>
    public WrittenLog Written { get; private init; } = new();
    public Dictionary<string, string?> Variables { get; private init; } = new(StringComparer.Ordinal);
    public Dictionary<string, FunctionDefinition> Functions { get; private init; } = new(StringComparer.Ordinal);
    public Dictionary<string, string> Aliases { get; private init; } = new(StringComparer.Ordinal);
    public HashSet<string> ActiveFunctions { get; private init; } = new(StringComparer.Ordinal);

    /// <summary>Variables holding captured command output: name → the captures whose output is in it
    /// (<see cref="Invocation.OutputCapturedInto"/>).</summary>
    public Dictionary<string, int[]> Captured { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>The captures numbered so far and those whose value the command shows. Shared by every clone: a value
    /// shown in a subshell, a branch or a nested shell counts.</summary>
    public CaptureLog Captures { get; private init; } = new();

    /// <summary>Variables exported to the commands the script runs (<c>export</c>, <c>declare -x</c>), and whether
    /// <c>set -a</c> exports every assignment: a captured value in the environment is visible to every program run.</summary>
    public HashSet<string> Exported { get; private init; } = new(StringComparer.Ordinal);
    public bool ExportAll { get; set; }

    /// <summary><c>set -x</c> (xtrace) is on: the shell prints every command after expansion, captured values included.</summary>
    public bool XTrace { get; set; }

    /// <summary>The captures in the environment of the commands run now (exported variables that hold one).</summary>
    public IEnumerable<int> CapturesInEnvironment() =>
        Captured.Where(c => ExportAll || Exported.Contains(c.Key)).SelectMany(c => c.Value);

    /// <summary>Links the command has created so far (<c>ln</c>, <c>cp -s</c>, <c>cp -l</c>). Shared by every clone: a
    /// link made in a subshell, a branch or a nested shell stays on disk for what runs after (a branch that may not run
    /// still counts, which is the stricter reading).</summary>
    public List<CommandLink> CreatedLinks { get; private init; } = [];

    /// <summary>Assignments prefixed to the command being resolved (`FOO=1 cmd`, `env FOO=1 cmd`).</summary>
    public Dictionary<string, string?> CommandEnvironment { get; private set; } = new(StringComparer.Ordinal);

    /// <summary>What an invocation would see: the script's variables overlaid with its own prefix assignments.</summary>
    public IReadOnlyDictionary<string, string?> EnvironmentForCommand()
    {
        if (Variables.Count == 0 && CommandEnvironment.Count == 0) return new Dictionary<string, string?>();
        var env = new Dictionary<string, string?>(Variables, StringComparer.Ordinal);
        foreach (var (k, v) in CommandEnvironment) env[k] = v;
        return env;
    }

    /// <summary>Set by <c>cd</c>: where the shell stays if the cd fails (the next command may still run).</summary>
    public List<string?>? CdFallback { get; set; }

    public string? GetVariable(string name)
    {
        if (Variables.TryGetValue(name, out var v)) return v;
        if (name == "PWD") return Cwds is [{ } only] ? only : null;
        if (name == "HOME") return Home;
        if (name == "IFS") return " \t\n";
        // For the well-known names the world is authoritative: unset there means empty here.
        if (RemoteHost is null && Array.IndexOf(EnvironmentNames, name) >= 0) return World.GetEnvironmentVariable(name) ?? "";
        return null;
    }

    public ShellState Clone(IReadOnlyList<string>? via = null, string? remoteHost = null, string? home = null, List<string?>? cwds = null) => new()
    {
        Cwds = cwds ?? [.. Cwds],
        Home = home ?? Home,
        RemoteHost = remoteHost ?? RemoteHost,
        Via = via ?? Via,
        BaseWorld = BaseWorld,
        Written = Written,
        Variables = new(Variables, StringComparer.Ordinal),
        Functions = new(Functions, StringComparer.Ordinal),
        Aliases = new(Aliases, StringComparer.Ordinal),
        ActiveFunctions = new(ActiveFunctions, StringComparer.Ordinal),
        CommandEnvironment = new(CommandEnvironment, StringComparer.Ordinal),
        CreatedLinks = CreatedLinks,
        Captured = new(Captured, StringComparer.Ordinal),
        Captures = Captures,
        Exported = new(Exported, StringComparer.Ordinal),
        ExportAll = ExportAll,
        XTrace = XTrace,
    };

    /// <summary>A state whose links start from those of an outer analysis (a nested shell analysed on its own).</summary>
    public static ShellState Start(ExecContext context, IWorldView world)
    {
        var state = new ShellState { Cwds = [.. context.Cwds], Home = context.Home, RemoteHost = context.RemoteHost, Via = context.Via, BaseWorld = world is WrittenWorld w ? w.Inner : world };
        state.CreatedLinks.AddRange(context.Links);
        state.Written.Files = context.Written;
        return state;
    }

    public ExecContext Context() => new(Cwds, Home, RemoteHost, Via) { Links = CreatedLinks.Count == 0 ? [] : [.. CreatedLinks], Written = Written.Files };

    public void SetCwds(IEnumerable<string?> cwds)
    {
        var list = cwds.Distinct().ToList();
        Cwds = list.Count > MaxCwds || list.Count == 0 ? [null] : list;
    }

    /// <summary>After branches that may or may not have run: keep what all agree on, forget the rest.</summary>
    public void MergeFrom(IReadOnlyList<ShellState> branches)
    {
        SetCwds(branches.SelectMany(b => b.Cwds).Concat(Cwds));
        foreach (var name in branches.SelectMany(b => b.Variables.Keys).Distinct().ToList())
        {
            var mine = GetVariable(name);
            Variables[name] = branches.All(b => b.GetVariable(name) == mine) ? mine : null;
        }
        foreach (var b in branches)
        {
            // A value captured in any branch may be in the variable afterwards.
            foreach (var (k, ids) in b.Captured) Captured[k] = Captured.TryGetValue(k, out var mine) ? [.. mine.Union(ids)] : ids;
            foreach (var (k, v) in b.Functions) Functions.TryAdd(k, v);
            foreach (var (k, v) in b.Aliases) Aliases.TryAdd(k, v);
        }
    }
}

/// <summary>Captures of command output into variables, shared by a state and its clones.</summary>
internal sealed class CaptureLog
{
    private const int MaxCaptures = 256;
    private int _next;

    public HashSet<int> Shown { get; } = [];

    /// <summary>A new capture's id; 0 (never captured) past the bound, so a flood of captures is treated as shown.</summary>
    public int Next() => _next < MaxCaptures ? ++_next : 0;

    public void Show(IEnumerable<int> ids) => Shown.UnionWith(ids);

    /// <summary>Every capture so far is shown (an environment dump).</summary>
    public void ShowAll()
    {
        for (var i = 1; i <= _next; i++) Shown.Add(i);
    }
}

/// <summary>The files written so far, shared by a state and its clones.</summary>
internal sealed class WrittenLog
{
    public WrittenFiles Files { get; set; } = WrittenFiles.None;
}
