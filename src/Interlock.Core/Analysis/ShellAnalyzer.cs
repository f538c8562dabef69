using Interlock.Core.Shell;

namespace Interlock.Core.Analysis;

/// <summary>Something the analysis could not see through, tied to where it happened.</summary>
public sealed record Uncertainty(Invocation At, string Reason);

/// <summary>Every command a script would execute, plus what could not be determined.</summary>
/// <param name="Written">What the command writes, as far as the analysis follows it (<see cref="WrittenFiles"/>).</param>
public sealed record ShellAnalysis(IReadOnlyList<Invocation> Invocations, IReadOnlyList<Uncertainty> Uncertainties, bool ForkBomb)
{
    public WrittenFiles Written { get; init; } = WrittenFiles.None;
}

/// <summary>
/// Walks a parsed script like a cautious interpreter: follows <c>cd</c> and variable assignments, expands
/// words, calls defined functions and aliases, strips wrappers (sudo, env, timeout, xargs...), and re-parses
/// code handed to nested shells (<c>bash -c</c>, <c>eval</c>, here-documents fed to <c>sh</c>, <c>ssh host cmd</c>).
/// It never runs anything.
/// </summary>
public sealed class ShellAnalyzer
{
    private const int MaxNestedShells = 8;
    private const int MaxInvocations = 2_000;
    private const int MaxLoopUnroll = 16;

    private static readonly HashSet<string> Shells = ["sh", "bash", "zsh", "dash", "ksh", "mksh", "ash", "fish", "busybox", "rbash"];

    private readonly ParseLimits _limits;
    private readonly List<Invocation> _invocations = [];
    private readonly List<Uncertainty> _uncertainties = [];
    private bool _forkBomb;
    private int _nestedShells;

    // Output capture (Invocation.OutputCapturedInto): the assignment whose `$(...)` is being walked, whether the
    // command being walked pipes its output on (then it is not what is captured), and the analysis's captures.
    private (string Name, int Id)? _capture;
    private bool _pipedOn;
    private CaptureLog _captures = new();
    private int[] _capturesInEnvironment = [];
    // Captured output in arguments: each command word that holds some (its captures), and which command got which
    // word as which argument.
    private readonly List<int[]> _argumentWords = [];
    private readonly List<(int Word, int Consumer, int Index)> _argumentUses = [];
    // Captured output in the environment of a program that is not the shell's own: which captures, and the program.
    private readonly List<(int[] Captures, int Consumer)> _environmentUses = [];

    // Pipes (Invocation.PipedInto): the pipeline stage the command being walked runs in, and every pipeline of more than
    // one command, as its stages, in the order they were walked (an enclosing pipeline before the ones inside it).
    private Stage? _stage;
    private readonly List<Stage[]> _pipelines = [];

    /// <summary>One command of a pipeline: the invocations that run in it (indices into the invocations; not those of
    /// substitutions in its words, nor wrappers such as sudo that hand their standard input and output on) and those
    /// whose standard output is the stage's. The last stage of an inner pipeline writes its enclosing stage's output.</summary>
    private sealed class Stage(Stage? enclosing, bool writesEnclosing, bool simple)
    {
        public readonly List<int> Runs = [];
        public readonly List<int> Writers = [];
        public Stage? Enclosing { get; } = enclosing;
        public bool WritesEnclosing { get; } = writesEnclosing;
        public bool Simple { get; } = simple;
    }

    /// <summary>Shell builtins, wrappers the analysis sees through, ssh (which sends no variables unless its
    /// configuration says so) and text utilities: their output is their input or arguments, never their environment,
    /// so a captured credential in it stays unseen. Any other program gets the capture as an environment use
    /// (<see cref="Invocation.OutputInEnvironmentOf"/>), and its tool's knowledge says whether it keeps it to itself
    /// (<see cref="Knowledge.ICommandKnowledge.Environment"/>: gh, aws, kubectl, curl...). Without knowledge it may print it.</summary>
    private static readonly HashSet<string> KeepEnvironmentToThemselves =
    [
        "echo", "printf", "test", "[", "cd", "true", "false", ":", "export", "unset", "local", "declare", "typeset", "readonly",
        "read", "sleep", "wait", "exit", "return", "shift", "sudo", "doas", "env", "timeout", "nice", "nohup", "time", "command",
        "exec", "builtin", "xargs", "flock", "ssh", "ls", "mkdir", "cat", "grep", "head", "tail", "wc", "tr", "cut", "sort", "uniq", "jq", "",
    ];

    private ShellAnalyzer(ParseLimits limits) => _limits = limits;

    public static ShellAnalysis Analyze(Script script, string cwd, IWorldView world, ParseLimits? limits = null) =>
        Analyze(script, new ExecContext([cwd], world.HomeDirectory, null, []), world, limits);

    /// <summary>Analyses a script that starts in <paramref name="context"/> (e.g. inside a container or on a remote host).</summary>
    public static ShellAnalysis Analyze(Script script, ExecContext context, IWorldView world, ParseLimits? limits = null)
    {
        var analyzer = new ShellAnalyzer(limits ?? ParseLimits.Default);
        var state = ShellState.Start(context, world);
        analyzer._captures = state.Captures;
        analyzer.WalkScript(script, state);
        // A capture whose value the command shows later is printed after all; so is one in an argument that no
        // recorded command got (a function's or alias's arguments, a command the analysis could not resolve).
        var invocations = analyzer._invocations;
        var (words, uses) = (analyzer._argumentWords, analyzer._argumentUses);
        for (var w = 0; w < words.Count; w++)
            if (!uses.Exists(u => u.Word == w + 1)) analyzer._captures.Show(words[w]);
        for (var i = 0; i < invocations.Count; i++)
        {
            if (invocations[i].OutputCapturedInto is null) continue;
            var id = invocations[i].CaptureId;
            if (analyzer._captures.Shown.Contains(id))
                invocations[i] = invocations[i] with { OutputCapturedInto = null, CaptureId = 0 };
            else if (uses.Count > 0 || analyzer._environmentUses.Count > 0)
                invocations[i] = invocations[i] with
                {
                    OutputPassedTo = [.. uses.Where(u => words[u.Word - 1].Contains(id)).Select(u => new ArgumentPlace(invocations[u.Consumer], u.Index))],
                    OutputInEnvironmentOf = [.. analyzer._environmentUses.Where(u => u.Captures.Contains(id)).Select(u => invocations[u.Consumer])],
                };
        }
        analyzer.LinkPipes();
        return new ShellAnalysis(invocations, analyzer._uncertainties, analyzer._forkBomb) { Written = state.Written.Files };
    }

    /// <summary>Sets <see cref="Invocation.PipedInto"/>: a stage's writers are read by the next stage when that stage is
    /// one simple command. Last stage first, and enclosing pipelines first, so each reader linked is already final.</summary>
    private void LinkPipes()
    {
        foreach (var stages in _pipelines)
            for (var i = stages.Length - 2; i >= 0; i--)
                if (stages[i + 1] is { Simple: true, Runs: [var reader] })
                    foreach (var w in stages[i].Writers)
                        _invocations[w] = _invocations[w] with { PipedInto = _invocations[reader] };
    }

    // ------------------------------------------------------------ walking the tree

    private void WalkScript(Script script, ShellState state)
    {
        foreach (var item in script.Items)
        {
            if (item.Background)
            {
                // A background job runs in a subshell: its cd/assignments do not reach the rest.
                WalkAndOr(item.Body, state.Clone(), background: true);
                continue;
            }
            WalkAndOr(item.Body, state, background: false);
        }
    }

    private void WalkAndOr(AndOr andOr, ShellState state, bool background)
    {
        for (var i = 0; i < andOr.Pipelines.Count; i++)
        {
            state.CdFallback = null;
            WalkPipeline(andOr.Pipelines[i], state, background);
            if (state.CdFallback is { } fallback)
            {
                var op = i < andOr.Operators.Count ? andOr.Operators[i] : ";";
                // `cd x && y`: y runs only in x.  `cd x || y`: y runs only where cd failed.  `cd x; y`: either.
                if (op == "||") state.SetCwds(fallback);
                else if (op == ";" && !state.Cwds.All(c => c is not null && state.World.GetPathKind(c) == PathKind.Directory))
                    state.SetCwds(state.Cwds.Concat(fallback));
                state.CdFallback = null;
            }
        }
    }

    private void WalkPipeline(Pipeline pipeline, ShellState state, bool background, PipeFeed? initialFeed = null)
    {
        string? previousOutput = null;
        string? previousProducer = null;
        var multi = pipeline.Commands.Count > 1;
        var stages = multi ? new Stage[pipeline.Commands.Count] : null;
        if (stages is not null) _pipelines.Add(stages);
        var enclosing = _stage;
        for (var i = 0; i < pipeline.Commands.Count; i++)
        {
            if (stages is not null)
                _stage = stages[i] = new Stage(enclosing, writesEnclosing: i == stages.Length - 1, pipeline.Commands[i] is SimpleCommand);
            // Each part of a multi-command pipeline runs in its own subshell.
            var s = multi ? state.Clone() : state;
            var feed = i == 0 ? initialFeed : new PipeFeed(previousOutput, previousProducer);
            var pipedOn = _pipedOn;
            _pipedOn = pipedOn || i < pipeline.Commands.Count - 1;
            var result = WalkCommand(pipeline.Commands[i], s, feed, inPipelineOrBackground: multi || background);
            _pipedOn = pipedOn;
            _stage = enclosing;
            previousOutput = result.Output;
            previousProducer = result.Producer;
        }
    }

    /// <summary>What flows into a command's standard input from the previous pipeline stage.</summary>
    private sealed record PipeFeed(string? KnownText, string? Producer);

    /// <summary>What a command writes to standard output, when known, and who produced it.</summary>
    private readonly record struct CommandOutput(string? Output, string? Producer);

    private CommandOutput WalkCommand(Command command, ShellState state, PipeFeed? feed, bool inPipelineOrBackground)
    {
        // Under `set -x` the shell prints each command as it runs it, expanded: a captured value it holds is shown.
        if (!state.XTrace) return WalkCommandInStage(command, state, feed, inPipelineOrBackground);
        var output = WalkCommandInStage(command, state, feed, inPipelineOrBackground);
        _captures.ShowAll();
        return output;
    }

    private CommandOutput WalkCommandInStage(Command command, ShellState state, PipeFeed? feed, bool inPipelineOrBackground)
    {
        // `{ ...; } > file` inside a pipeline: what runs in the group still runs in the stage, but writes elsewhere.
        if (command is not SimpleCommand && _stage is { } stage && command.Redirects.Any(r => RedirectsOutput(r.Kind, r.Fd)))
        {
            _stage = new Stage(stage, writesEnclosing: false, simple: false);
            try { return WalkCommandCore(command, state, feed, inPipelineOrBackground); }
            finally { _stage = stage; }
        }
        return WalkCommandCore(command, state, feed, inPipelineOrBackground);
    }

    private CommandOutput WalkCommandCore(Command command, ShellState state, PipeFeed? feed, bool inPipelineOrBackground)
    {
        switch (command)
        {
            case SimpleCommand simple:
                return WalkSimple(simple, state, feed, inPipelineOrBackground);
            case SubshellCommand sub:
                WalkRedirectSubstitutions(sub.Redirects, state);
                WalkScript(sub.Body, state.Clone());
                return default;
            case BraceGroupCommand group:
                WalkRedirectSubstitutions(group.Redirects, state);
                WalkScript(group.Body, state);
                return default;
            case IfCommand ifc:
            {
                var branches = new List<ShellState>();
                foreach (var (cond, body) in ifc.Branches)
                {
                    WalkScript(cond, state);
                    var b = state.Clone();
                    WalkScript(body, b);
                    branches.Add(b);
                }
                if (ifc.Else is not null)
                {
                    var e = state.Clone();
                    WalkScript(ifc.Else, e);
                    branches.Add(e);
                }
                state.MergeFrom(branches);
                return default;
            }
            case ForCommand loop:
            {
                var values = new List<Arg>();
                foreach (var w in loop.Words ?? []) values.AddRange(WordExpander.Expand(w, state));
                WalkWordSubstitutions(loop.Words ?? [], state);
                var iterations = new List<ShellState>();
                if (loop.Words is not null && values.Count <= MaxLoopUnroll && values.All(v => v.Known && !v.Glob))
                {
                    foreach (var v in values)
                    {
                        var b = state.Clone();
                        b.Variables[loop.Variable] = v.Text;
                        WalkScript(loop.Body, b);
                        iterations.Add(b);
                    }
                }
                else
                {
                    var b = state.Clone();
                    b.Variables[loop.Variable] = null;
                    WalkScript(loop.Body, b);
                    iterations.Add(b);
                }
                state.MergeFrom(iterations);
                return default;
            }
            case ArithmeticForCommand afor:
            {
                var b = state.Clone();
                WalkScript(afor.Body, b);
                state.MergeFrom([b]);
                return default;
            }
            case LoopCommand loop:
            {
                WalkScript(loop.Condition, state);
                var b = state.Clone();
                WalkScript(loop.Body, b);
                state.MergeFrom([b]);
                return default;
            }
            case CaseCommand cc:
            {
                WalkWordSubstitutions([cc.Subject], state);
                var branches = new List<ShellState>();
                foreach (var (_, body) in cc.Items)
                {
                    var b = state.Clone();
                    WalkScript(body, b);
                    branches.Add(b);
                }
                state.MergeFrom(branches);
                return default;
            }
            case FunctionDefinition def:
                state.Functions[def.Name] = def;
                return default;
            case TestCommand test:
                WalkWordSubstitutions(test.Words, state);
                return default;
            default:
                return default;
        }
    }

    // ------------------------------------------------------------ simple commands

    private CommandOutput WalkSimple(SimpleCommand cmd, ShellState state, PipeFeed? feed, bool inPipelineOrBackground)
    {
        // Substitutions run before the command itself. Values assigned follow what they capture; every other word
        // that expands a captured variable shows its value.
        var declaration = cmd.Words.Count > 1 && cmd.Words[0].IsUnquotedLiteral && cmd.Words[0].Parts is [LiteralPart { Text: "export" or "declare" or "typeset" or "local" or "readonly" }];
        var exports = declaration && (cmd.Words[0].Parts is [LiteralPart { Text: "export" }]
            || cmd.Words.Skip(1).Any(w => w.Parts is [LiteralPart { Text: ['-', .. var flags] }] && flags.Contains('x')));
        if (cmd.Words.Count > 1 && cmd.Words[0].Parts is [LiteralPart { Text: "set" }]
            && cmd.Words.Skip(1).Any(w => w.Parts is [LiteralPart { Text: var t }] && (t is "allexport" || t.StartsWith('-') && !t.StartsWith("--") && t.Contains('a'))))
            state.ExportAll = true;
        if (cmd.Words.Count > 1 && cmd.Words[0].Parts is [LiteralPart { Text: "set" }]) SetXTrace(cmd.Words, state);
        int[]? wordCaptures = null;
        for (var i = 0; i < cmd.Words.Count; i++)
        {
            if (exports && i > 0 && cmd.Words[i].Parts is [LiteralPart { Text: var exported }] && !exported.StartsWith('-') && !exported.Contains('='))
                state.Exported.Add(exported);
            if (declaration && i > 0 && DeclaredValue(cmd.Words[i]) is var (name, value))
            {
                SetCaptured(state.Captured, name, WalkAssignedValue(name, value, state));
                if (exports) state.Exported.Add(name);
                continue;
            }
            if (WalkArgumentWord(cmd.Words[i], state) is > 0 and var held) (wordCaptures ??= new int[cmd.Words.Count])[i] = held;
        }
        Dictionary<string, int[]>? prefixCaptured = null;
        foreach (var a in cmd.Assignments)
        {
            var captured = a.Value is null ? [] : WalkAssignedValue(a.Name, a.Value.Parts, state);
            if (a.ArrayValues is not null)
            {
                WalkWordSubstitutions(a.ArrayValues, state);
                captured = [.. captured, .. a.ArrayValues.SelectMany(v => CapturesIn(v.Parts, state))];
            }
            if (cmd.Words.Count == 0) SetCaptured(state.Captured, a.Name, captured);
            else if (captured.Length > 0) SetCaptured(prefixCaptured ??= new(StringComparer.Ordinal), a.Name, captured);
        }
        WalkRedirectSubstitutions(cmd.Redirects, state);
        foreach (var r in cmd.Redirects)
        {
            ShowCaptured(r.Target.Parts, state);
            if (r.HereDoc is { } doc) ShowCaptured(doc.Body.Parts, state);
        }

        var words = new List<Arg>();
        for (var i = 0; i < cmd.Words.Count; i++)
        {
            if (wordCaptures is null || wordCaptures[i] == 0) words.AddRange(WordExpander.Expand(cmd.Words[i], state));
            else foreach (var a in WordExpander.Expand(cmd.Words[i], state)) words.Add(a with { CapturesFrom = wordCaptures[i] });
        }
        var redirects = ResolveRedirects(cmd.Redirects, state);

        if (words.Count == 0)
        {
            foreach (var a in cmd.Assignments)
                state.Variables[a.Name] = a.Value is null ? null : Known(WordExpander.ExpandSingle(a.Value, state));
            if (redirects.Count > 0)
            {
                Emit(new Invocation("", "", [], state.Context(), redirects, null, null, TextOf(cmd, words)));
                RecordRedirections(redirects, state, "", TextOf(cmd, words)); // `> f` empties f
            }
            return default;
        }

        // Alias expansion applies to an unquoted literal command name.
        if (cmd.Words[0].IsUnquotedLiteral && words[0].Known && state.Aliases.TryGetValue(words[0].Text, out var alias))
        {
            var aliasWords = ParseAliasWords(alias, state);
            if (aliasWords is null)
            {
                Uncertain(state, words, redirects, $"alias `{words[0].Text}` expands to code that cannot be analysed");
                return default;
            }
            words = [.. aliasWords, .. words.Skip(1)];
            if (words.Count == 0) return default;
        }

        // A defined function runs its body in the current shell.
        if (words[0].Known && state.Functions.TryGetValue(words[0].Text, out var function))
        {
            CallFunction(function, words, state, feed, inPipelineOrBackground);
            RecordRedirections(redirects, state, null, TextOf(cmd, words));
            return default;
        }

        var stdin = StdinOf(cmd.Redirects, redirects, feed, state);
        foreach (var a in cmd.Assignments)
            state.CommandEnvironment[a.Name] = a.Value is null ? null : Known(WordExpander.ExpandSingle(a.Value, state));
        // What the command's prefix assignments captured is in its environment, for nested shells and dumps to show.
        // (Nothing to do, and nothing allocated, for the usual command that involves no captured value.)
        List<(string, int[]?)>? outerCaptured = null;
        foreach (var (name, ids) in prefixCaptured ?? [])
        {
            (outerCaptured ??= []).Add((name, state.Captured.GetValueOrDefault(name)));
            state.Captured[name] = ids;
        }
        var outerEnvironment = _capturesInEnvironment;
        _capturesInEnvironment = state.Captured.Count == 0 ? [] : [.. state.CapturesInEnvironment().Concat(prefixCaptured?.Values.SelectMany(v => v) ?? [])];
        try
        {
            var output = Resolve(words, redirects, stdin, state, TextOf(cmd, words), inPipelineOrBackground);
            RecordRedirections(redirects, state, output.Output, TextOf(cmd, words));
            return output;
        }
        finally
        {
            state.CommandEnvironment.Clear();
            foreach (var (name, ids) in outerCaptured ?? []) SetCaptured(state.Captured, name, ids ?? []);
            _capturesInEnvironment = outerEnvironment;
        }
    }

    /// <summary><c>set -x</c>, <c>set -ex</c>, <c>set -o xtrace</c> turn tracing on; <c>set +x</c>, <c>set +o xtrace</c> off.
    /// Options end at the first word that is not one (<c>set -- -x</c> sets the positional parameters).</summary>
    private static void SetXTrace(IReadOnlyList<Word> words, ShellState state)
    {
        for (var i = 1; i < words.Count; i++)
        {
            if (words[i].Parts is not [LiteralPart { Text: [('-' or '+') and var sign, .. var flags] }] || flags is "" or "-") return;
            if (flags == "o" && i + 1 < words.Count && words[i + 1].Parts is [LiteralPart { Text: var option }])
            {
                if (option == "xtrace") state.XTrace = sign == '-';
                i++;
                continue;
            }
            if (flags.Contains('x')) state.XTrace = sign == '-';
        }
    }

    /// <summary>`export NAME=value` and the like: the name and the value's parts, when the word assigns.</summary>
    private static (string Name, IReadOnlyList<WordPart> Value)? DeclaredValue(Word word)
    {
        if (word.Parts is not [LiteralPart { Quoted: false } first, ..]) return null;
        var eq = first.Text.IndexOf('=');
        if (eq <= 0 || !first.Text.AsSpan(0, eq).TrimEnd('+').ToString().All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) return null;
        var rest = first.Text[(eq + 1)..];
        List<WordPart> value = rest.Length > 0 ? [new LiteralPart(rest, false)] : [];
        value.AddRange(word.Parts.Skip(1));
        return (first.Text[..eq].TrimEnd('+'), value);
    }

    /// <summary>Walks the substitutions of a value assigned to <paramref name="name"/> and returns the captures it holds
    /// after: a value that is exactly one `$(...)` captures that command's output (a new capture); otherwise what the
    /// captured variables it expands hold.</summary>
    private int[] WalkAssignedValue(string name, IReadOnlyList<WordPart> value, ShellState state)
    {
        if (value is [CommandSubstitutionPart substitution] && _captures.Next() is var id and > 0)
        {
            WalkCapture(substitution.Body, name, id, state);
            return [id];
        }
        foreach (var part in value) WalkPartSubstitutions(part, state);
        return CapturesIn(value, state);
    }

    /// <summary>Walks the substitutions of a command's word and returns the number of its captures (<see
    /// cref="_argumentWords"/>), or 0 when it holds none: each `$(...)` in the word is a new capture (its output goes into
    /// this argument), and captured variables it expands bring theirs. They are shown unless a command is recorded as
    /// getting the argument (<see cref="Emit"/>), and then its tool says what it does with it
    /// (<see cref="Invocation.OutputPassedTo"/>).</summary>
    private int WalkArgumentWord(Word word, ShellState state)
    {
        List<int>? ids = null;
        foreach (var part in word.Parts)
        {
            if (part is CommandSubstitutionPart substitution && _captures.Next() is var id and > 0)
            {
                WalkCapture(substitution.Body, "an argument", id, state);
                (ids ??= []).Add(id);
            }
            else WalkPartSubstitutions(part, state);
        }
        var held = CapturesIn(word.Parts, state);
        if (ids is null && held.Length == 0) return 0;
        _argumentWords.Add(ids is null ? held : [.. ids, .. held]);
        return _argumentWords.Count;
    }

    /// <summary>Walks a `$(...)` whose output is capture <paramref name="id"/> (into <paramref name="name"/>): its
    /// commands that write standard output write into it, in a subshell outside any pipeline stage.</summary>
    private void WalkCapture(Script body, string name, int id, ShellState state)
    {
        var (outer, pipedOn, stage) = (_capture, _pipedOn, _stage);
        (_capture, _pipedOn, _stage) = ((name, id), false, null);
        try { WalkScript(body, state.Clone()); }
        finally { (_capture, _pipedOn, _stage) = (outer, pipedOn, stage); }
    }

    private static void SetCaptured(Dictionary<string, int[]> captured, string name, int[] ids)
    {
        if (ids.Length > 0) captured[name] = ids;
        else captured.Remove(name);
    }

    /// <summary>The captures held by the variables that <paramref name="parts"/> expand (not inside substitutions,
    /// which are walked as commands of their own).</summary>
    private static int[] CapturesIn(IEnumerable<WordPart> parts, ShellState state)
    {
        if (state.Captured.Count == 0) return [];
        List<int>? ids = null;
        foreach (var part in parts)
        {
            if (part is not ParameterPart p) continue;
            if (state.Captured.TryGetValue(p.Name, out var held)) (ids ??= []).AddRange(held);
            if (p.Argument is { } arg) (ids ??= []).AddRange(CapturesIn(arg.Parts, state));
        }
        return ids is null ? [] : [.. ids.Distinct()];
    }

    private void ShowCaptured(IEnumerable<WordPart> parts, ShellState state) => _captures.Show(CapturesIn(parts, state));

    /// <summary>Commands that print the environment or the shell's variables, captured values included.</summary>
    private static bool PrintsVariables(Invocation inv) => inv.Name switch
    {
        "printenv" => true,
        "env" => EnvRunsNothing(inv.Args),
        "set" => inv.Args.Count == 0,
        "export" or "declare" or "typeset" or "readonly" or "local" =>
            inv.Args.Count == 0 || inv.Args.Any(a => a.Text.StartsWith('-') && a.Text.Contains('p')) || inv.Args.All(a => a.Text.StartsWith('-')),
        _ => false,
    };

    private static bool EnvRunsNothing(IReadOnlyList<Arg> args)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") return i == args.Count - 1;
            if (t is "-u" or "--unset" or "-C" or "--chdir") { i++; continue; }
            if (t.StartsWith('-') || t.Contains('=')) continue;
            return false;
        }
        return true;
    }

    private void CallFunction(FunctionDefinition function, List<Arg> words, ShellState state, PipeFeed? feed, bool inPipelineOrBackground)
    {
        if (!state.ActiveFunctions.Add(function.Name))
        {
            if (inPipelineOrBackground) _forkBomb = true;
            return;
        }
        // Positional parameters inside the body are the call's arguments.
        var saved = Enumerable.Range(1, 9).Select(k => state.Variables.TryGetValue(k.ToString(), out var v) ? (true, v) : (false, null)).ToArray();
        for (var k = 1; k <= 9; k++) state.Variables[k.ToString()] = k < words.Count && words[k].Known ? words[k].Text : k < words.Count ? null : "";
        WalkCommand(function.Body, state, feed, inPipelineOrBackground);
        for (var k = 1; k <= 9; k++)
        {
            if (saved[k - 1].Item1) state.Variables[k.ToString()] = saved[k - 1].Item2;
            else state.Variables.Remove(k.ToString());
        }
        state.ActiveFunctions.Remove(function.Name);
    }

    /// <summary>Files the redirections write, for what runs later in the command (<see cref="WrittenFiles"/>).</summary>
    private static void RecordRedirections(List<ResolvedRedirect> redirects, ShellState state, string? output, string writer)
    {
        if (redirects.Count == 0 || state.RemoteHost is not null) return;
        state.Written.Files = FileWrites.Redirections(state.Written.Files, redirects, state.Context(), state.BaseWorld, output, writer);
    }

    private static string? Known(Arg a) => a.Known ? a.Text : null;

    private List<Arg>? ParseAliasWords(string alias, ShellState state)
    {
        var parsed = ShellParser.Parse(alias, _limits);
        if (parsed.Script is not { Items: [{ Body.Pipelines: [{ Commands: [SimpleCommand { Assignments.Count: 0, Redirects.Count: 0 } sc] }] }] })
            return null;
        var result = new List<Arg>();
        foreach (var w in sc.Words) result.AddRange(WordExpander.Expand(w, state));
        return result;
    }

    private sealed record Stdin(string? Text, string? Unknown);

    private Stdin StdinOf(IReadOnlyList<Redirect> raw, List<ResolvedRedirect> resolved, PipeFeed? feed, ShellState state)
    {
        string? text = null;
        string? unknown = null;
        if (feed is not null)
        {
            text = feed.KnownText;
            unknown = feed.KnownText is null ? feed.Producer ?? "the previous command" : null;
        }
        for (var i = 0; i < raw.Count; i++)
        {
            var r = raw[i];
            if (!r.FeedsStdin) continue;
            if (r.Kind == RedirectKind.HereDoc && r.HereDoc is { } doc)
            {
                var body = WordExpander.ExpandSingle(doc.Body, state);
                (text, unknown) = body.Known ? (body.Text, (string?)null) : ((string?)null, "a here-document with substitutions");
            }
            else if (r.Kind == RedirectKind.HereString)
            {
                var a = resolved.FirstOrDefault(x => x.Kind == RedirectKind.HereString)?.Target;
                (text, unknown) = a is { Known: true } ? (a.Text + "\n", (string?)null) : ((string?)null, "a here-string with substitutions");
            }
            else (text, unknown) = (null, $"the file {WordExpander.ExpandSingle(r.Target, state).Text}");
        }
        return new Stdin(text, unknown);
    }

    private List<ResolvedRedirect> ResolveRedirects(IReadOnlyList<Redirect> redirects, ShellState state)
    {
        var list = new List<ResolvedRedirect>(redirects.Count);
        foreach (var r in redirects)
        {
            var target = r.Kind == RedirectKind.HereDoc ? Arg.Literal("") : WordExpander.ExpandSingle(r.Target, state);
            list.Add(new ResolvedRedirect(r.Kind, r.Fd, target));
        }
        return list;
    }

    private void WalkRedirectSubstitutions(IReadOnlyList<Redirect> redirects, ShellState state)
    {
        foreach (var r in redirects)
        {
            WalkWordSubstitutions([r.Target], state);
            if (r.HereDoc is { } doc) WalkWordSubstitutions([doc.Body], state);
        }
    }

    /// <summary>Command and process substitutions inside words execute (in a subshell).</summary>
    private void WalkWordSubstitutions(IEnumerable<Word> words, ShellState state)
    {
        foreach (var w in words)
            foreach (var part in w.Parts)
                WalkPartSubstitutions(part, state);
    }

    private void WalkPartSubstitutions(WordPart part, ShellState state)
    {
        // A substitution's output becomes words or input of the command around it, not a captured value of its own.
        var (outer, stage) = (_capture, _stage);
        (_capture, _stage) = (null, null);
        try { WalkSubstitution(part, state); }
        finally { (_capture, _stage) = (outer, stage); }
    }

    private void WalkSubstitution(WordPart part, ShellState state)
    {
        switch (part)
        {
            case CommandSubstitutionPart c: WalkScript(c.Body, state.Clone()); break;
            case ProcessSubstitutionPart { IsOutput: true } p:
            {
                // `>(cmd)`: cmd reads what the outer command writes, which is not known here.
                var inner = state.Clone();
                foreach (var item in p.Body.Items)
                    foreach (var pipeline in item.Body.Pipelines)
                        WalkPipeline(pipeline, inner, item.Background, new PipeFeed(null, "the command writing into >(...)"));
                break;
            }
            case ProcessSubstitutionPart p: WalkScript(p.Body, state.Clone()); break;
            case ArithmeticPart a: WalkWordSubstitutions([a.Expression], state); break;
            case ParameterPart { Argument: { } arg }: WalkWordSubstitutions([arg], state); break;
        }
    }

    private static string TextOf(SimpleCommand cmd, List<Arg> words) =>
        words.Count > 0 ? string.Join(' ', words.Select(w => Quote(w.Text))) : "(redirection)";

    internal static string Quote(string s) =>
        s.Length > 0 && s.AsSpan().IndexOfAny(" \t\n'\"\\;&|<>()") < 0 ? s : "'" + s.Replace("'", "'\\''") + "'";

    // ------------------------------------------------------------ resolution of wrappers and nested shells

    private CommandOutput Resolve(List<Arg> words, List<ResolvedRedirect> redirects, Stdin stdin, ShellState state, string text, bool inPipeline)
    {
        if (_invocations.Count >= MaxInvocations)
        {
            Uncertain(state, words, redirects, $"the command runs more than {MaxInvocations} commands; too many to analyse");
            return default;
        }
        var exe = words[0];
        if (!exe.Known)
        {
            Uncertain(state, words, redirects, $"the program to run, `{exe.Text}`, is computed at run time and cannot be known in advance");
            return default;
        }
        var name = BaseName(exe.Text);
        if (exe.Glob)
        {
            // `/*/bin/rm` runs a program named rm whatever the directory matches, and `/bin/r[m]` is rm (or nothing).
            name = SingleCharacterBrackets(name);
            if (PathResolver.HasGlob(name))
            {
                Uncertain(state, words, redirects, $"the program to run, `{exe.Text}`, is a glob pattern that could match any program");
                return default;
            }
        }
        var args = words.Skip(1).ToList();

        switch (name)
        {
            case "sudo" or "doas":
                return Unwrap(words, redirects, stdin, state, SkipSudo(args), name, inPipeline);
            case "env":
                return ResolveEnv(words, args, redirects, stdin, state, inPipeline);
            case "command" or "builtin":
                if (args.Count > 0 && args[0].Text is "-v" or "-V") return default; // only looks the name up
                return Unwrap(words, redirects, stdin, state, SkipOptions(args, "p", ""), null, inPipeline);
            case "exec":
                return Unwrap(words, redirects, stdin, state, SkipOptions(args, "cl", "a"), null, inPipeline);
            case "nice":
                return Unwrap(words, redirects, stdin, state, SkipNice(args), null, inPipeline);
            case "ionice":
                if (args.Any(a => a.Text is "-p" or "-P" or "-u")) break; // acts on running processes
                return Unwrap(words, redirects, stdin, state, SkipOptions(args, "t", "cn"), null, inPipeline);
            case "nohup" or "setsid" or "unbuffer" or "chronic" or "caffeinate":
                return Unwrap(words, redirects, stdin, state, SkipOptions(args, "fwc", ""), null, inPipeline);
            case "time":
            {
                // `time` is a shell keyword: it times whatever follows, a function included.
                var rest = SkipOptions(args, "pv", "fo");
                if (rest.Count > 0 && rest[0].Known && state.Functions.TryGetValue(rest[0].Text, out var timed))
                {
                    CallFunction(timed, rest, state, null, inPipeline);
                    return default;
                }
                return Unwrap(words, redirects, stdin, state, rest, null, inPipeline);
            }
            case "stdbuf":
                return Unwrap(words, redirects, stdin, state, SkipOptions(args, "", "ioe"), null, inPipeline);
            case "timeout":
            {
                var rest = SkipOptions(args, "v", "sk");
                return Unwrap(words, redirects, stdin, state, rest.Count > 0 ? rest.Skip(1).ToList() : rest, null, inPipeline);
            }
            case "watch":
            {
                var rest = SkipOptions(args, "dtbegcpx", "nq");
                if (args.Any(a => a.Text is "-x" or "--exec")) return Unwrap(words, redirects, stdin, state, rest, "watch", inPipeline);
                // watch joins its arguments with spaces and runs them with `sh -c` (`watch sh -c 'a b'` runs `sh -c a b`),
                // which loses the quoting; a watch that execs them (or a user who means them as words) runs the words
                // themselves. Both readings are analysed, so neither hides a command.
                RunShellCode(rest, state, words, redirects, "watch");
                if (rest.Count > 0 && rest.All(a => a.Known)) Resolve(rest, redirects, new Stdin(null, null), WithVia(state, "watch"), string.Join(' ', rest.Select(w => Quote(w.Text))), inPipeline);
                return default;
            }
            case "xargs":
                return ResolveXargs(words, args, redirects, stdin, state, inPipeline);
            case "java" when args.FindIndex(a => a.Text == "-jar") is var jar and >= 0 && jar + 1 < args.Count && args[jar + 1].Known:
            {
                // `java -jar tool.jar args` runs the tool: jenkins-cli.jar is jenkins-cli.
                var jarName = BaseName(args[jar + 1].Text);
                if (jarName.EndsWith(".jar")) jarName = jarName[..^4];
                List<Arg> rest = [Arg.Literal(jarName), .. args.Skip(jar + 2)];
                return Unwrap(words, redirects, stdin, state, rest, "java -jar", inPipeline);
            }
            case "npx" or "bunx" or "pnpx" or "uvx":
                // Package runners run a package's binary: `npx cdk destroy` is cdk.
                return Unwrap(words, redirects, stdin, state, SkipRunnerOptions(args), name, inPipeline);
            case "pnpm" or "yarn" or "bun" or "npm" or "bundle" or "poetry" or "uv" or "pipx" or "pdm" or "hatch" or "rye" when args.Count > 1 && args[0].Text is "dlx" or "exec" or "x" or "run" && (name != "npm" || args[0].Text == "exec") && (name is not ("pnpm" or "yarn" or "bun") || args[0].Text != "run"):
                return Unwrap(words, redirects, stdin, state, SkipRunnerOptions(args.Skip(1).ToList()), $"{name} {args[0].Text}", inPipeline);
            case "tsx" or "ts-node" or "ts-node-esm" or "esno" or "esr" or "babel-node" or "vite-node" when args.Count > 0:
                // TypeScript runners run a script file like node does: the JavaScript knowledge reads it.
                return Unwrap(words, redirects, stdin, state, [Arg.Literal("node"), .. args.Skip(name == "tsx" && args[0].Text == "watch" ? 1 : 0)], name, inPipeline);
            case "deno" when args.Count > 1 && args[0].Text is "run":
            {
                var script = DenoScript(args);
                if (script < 0) break;
                if (args[script].Text.Contains("://"))
                {
                    Uncertain(state, words, redirects, $"`deno run {args[script].Text}` runs a script downloaded at run time, which cannot be seen in advance");
                    return default;
                }
                return Unwrap(words, redirects, stdin, state, [Arg.Literal("node"), .. args.Skip(script)], "deno run", inPipeline);
            }
            case "bun" when args.Count > 1 && args[0].Text == "run" && args[1].Known && LooksLikeScriptFile(args[1].Text):
                return Unwrap(words, redirects, stdin, state, [Arg.Literal("bun"), .. args.Skip(1)], "bun run", inPipeline);
            case var python when python.StartsWith("python", StringComparison.Ordinal) && PythonModuleFile(args, state) is { } module:
            {
                // `python -m pkg` runs pkg/__main__.py (or pkg.py) from the working directory first: the project's own code.
                var m = args.FindIndex(a => a.Text == "-m");
                return Unwrap(words, redirects, stdin, state, [Arg.Literal(python), .. args.Take(m), Arg.Literal(module), .. args.Skip(m + 2)], python + " -m", inPipeline);
            }
            case "eval":
                return RunShellCode(args, state, words, redirects, "eval");
            case "trap" when args.Count >= 2 && args[0].Text is not ("-p" or "-l" or "-" or "--"):
                // The handler runs later (on exit or a signal) in this shell: analysed as if it ran.
                Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, null, null, text));
                return RunShellCode([args[0]], WithVia(state, "trap"), words, redirects, null);
            case "busybox" when args.Count > 0 && args[0].Known && args[0].Text is not ("sh" or "ash" or "bash" or "hush"):
                return Unwrap(words, redirects, stdin, state, args, "busybox", inPipeline);
            case "chroot":
            {
                var rest = args.SkipWhile(a => a.Text.StartsWith("--")).ToList();
                return Unwrap(words, redirects, stdin, state, rest.Count > 0 ? rest.Skip(1).ToList() : rest, "chroot", inPipeline);
            }
            case "flock":
            {
                var c = args.FindIndex(a => a.Text is "-c" or "--command");
                if (c >= 0) { Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, null, null, text)); return RunShellCode(c + 1 < args.Count ? [args[c + 1]] : [], WithVia(state, "flock"), words, redirects, null); }
                var rest = SkipOptions(args, "sxunoFhV", "wEL");
                return Unwrap(words, redirects, stdin, state, rest.Count > 0 ? rest.Skip(1).ToList() : rest, "flock", inPipeline);
            }
            case "strace" or "ltrace":
                if (args.Any(a => a.Text == "-p")) break;
                return Unwrap(words, redirects, stdin, state, SkipOptions(args, "fFqrtTvVcCwyDkzZhin", "oeEpsSuPIaXbUO"), name, inPipeline);
            case "script":
            {
                var c = args.FindIndex(a => a.Text is "-c" or "--command" || a.Text.StartsWith("--command="));
                if (c < 0) break;
                Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, null, null, text));
                var code = args[c].Text.StartsWith("--command=") ? Arg.Literal(args[c].Text["--command=".Length..]) : c + 1 < args.Count ? args[c + 1] : null;
                return code is null ? default : RunShellCode([code], WithVia(state, "script"), words, redirects, null);
            }
            case "coproc" when args.Count > 0:
                return Unwrap(words, redirects, stdin, state, args, "coproc", inPipeline);
            case "parallel" when !args.Any(a => a.Text is "--version" or "--help" or "--citation"):
                return ResolveParallel(words, args, redirects, stdin, state);
            case "runuser" when args.FindIndex(a => a.Text is "-c" or "--command" || a.Text.StartsWith("--command=")) < 0:
            {
                var dd = args.FindIndex(a => a.Text == "--");
                var rest = dd >= 0 ? args.Skip(dd + 1).ToList() : SkipOptions(args, "lmpfh", "ugwG").Skip(args.Any(a => a.Text is "-u" or "--user") ? 0 : 1).ToList();
                return Unwrap(words, redirects, stdin, state, rest, "runuser", inPipeline);
            }
            case "su" or "runuser":
            {
                // su [options] [user] -c 'command': the command runs in a shell as that user.
                var c = args.FindIndex(a => a.Text is "-c" or "--command" || a.Text.StartsWith("--command="));
                Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, null, null, text));
                if (c < 0) return default;
                var code = args[c].Text.StartsWith("--command=") ? Arg.Literal(args[c].Text["--command=".Length..]) : c + 1 < args.Count ? args[c + 1] : null;
                return code is null ? default : RunShellCode([code], WithVia(state, name), words, redirects, null);
            }
            case "ssh":
                return ResolveSsh(words, args, redirects, stdin, state);
            case "cd" or "pushd" or "popd":
                ChangeDirectory(name, args, state);
                break;
            case "export" or "declare" or "typeset" or "local" or "readonly":
                foreach (var a in args.Where(a => !a.Text.StartsWith('-')))
                {
                    var eq = a.Text.IndexOf('=');
                    if (eq > 0) state.Variables[a.Text[..eq]] = a.Known ? a.Text[(eq + 1)..] : null;
                }
                break;
            case "unset":
                foreach (var a in args.Where(a => !a.Text.StartsWith('-'))) state.Variables[a.Text] = "";
                break;
            case "read" or "mapfile" or "readarray" or "getopts":
                foreach (var a in args.Where(a => !a.Text.StartsWith('-'))) state.Variables[a.Text] = null;
                break;
            case "alias":
                foreach (var a in args)
                {
                    var eq = a.Text.IndexOf('=');
                    if (eq > 0 && a.Known) state.Aliases[a.Text[..eq]] = a.Text[(eq + 1)..];
                }
                break;
            case "unalias":
                foreach (var a in args) state.Aliases.Remove(a.Text);
                break;
            case "source" or "." when args.Count > 0 && args[0].Known && args[0].Text is "/dev/stdin" or "-" or "/proc/self/fd/0" or "/dev/fd/0":
                Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, stdin.Text, stdin.Unknown, text));
                if (stdin.Text is { } stdinCode && stdin.Unknown is null) return RunShellCode([Arg.Literal(stdinCode)], state, words, redirects, null);
                Uncertain(state, words, redirects, $"`{name} {args[0].Text}` runs shell code read from stdin, which cannot be known in advance");
                return default;
            case "source" or "." when args.Count > 0 && args[0].SetupCodeFrom is { } generator:
                // `source <(kubectl completion bash)`: the tool's own set-up code.
                Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, stdin.Text, stdin.Unknown, text));
                return default;
            case "source" or ".":
                if (args.Count > 0 && !args[0].Known)
                    Uncertain(state, words, redirects, $"`{name}` runs shell code from `{args[0].Text}`, which cannot be known in advance");
                else if (args.Count > 0)
                {
                    Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, stdin.Text, stdin.Unknown, text) { Environment = state.EnvironmentForCommand() });
                    RunScriptFile(name, args[0].Text, args.Skip(1).ToList(), state, words, redirects, inCurrentShell: true);
                    return default;
                }
                break;
        }

        if (Shells.Contains(name))
            return ResolveShell(name, words, args, redirects, stdin, state);
        if (exe.Text.Contains('/') && Shebang(exe.Text, state) is { } shebang)
        {
            if (Shells.Contains(shebang))
            {
                // `./x.sh` with `#!/bin/bash` (or `#!/usr/bin/env sh`): the kernel runs the shell on the script.
                Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, stdin.Text, stdin.Unknown, text) { Environment = state.EnvironmentForCommand() });
                RunScriptFile(shebang, exe.Text, args, state, words, redirects, inCurrentShell: false);
                return default;
            }
            // `./x.py` with `#!/usr/bin/env python3`: the interpreter runs the file, and its knowledge reads it.
            List<Arg> interpreted = [Arg.Literal(shebang), exe with { Glob = false }, .. args];
            Emit(new Invocation(name, exe.Text, args, state.Context(), [], null, null, text));
            return Resolve(interpreted, redirects, stdin, WithVia(state, exe.Text), string.Join(' ', interpreted.Select(w => Quote(w.Text))), inPipeline);
        }
        if (exe.Text.Contains('/') && WrittenHere(exe.Text, state) is { } written)
        {
            // A file this command writes and then runs, with no `#!` line: a program (binary) cannot be seen into; a text
            // file is run by the shell (the kernel refuses it, and the shell runs it as a script).
            if (written.Contains('\0') || written.StartsWith("\u007fELF", StringComparison.Ordinal))
            {
                Uncertain(state, words, redirects, $"`{exe.Text}` runs a program that an earlier part of this command writes (a binary), so what it does cannot be seen");
                return default;
            }
            Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, stdin.Text, stdin.Unknown, text) { Environment = state.EnvironmentForCommand() });
            RunScriptFile("sh", exe.Text, args, state, words, redirects, inCurrentShell: false);
            return default;
        }
        if (exe.Text.Contains('/') && UnseenWrite(exe.Text, state) is { } unseen)
        {
            // A program an earlier part of this command wrote or copied, whose contents cannot be read (a binary, a
            // download): what it does cannot be seen.
            Uncertain(state, words, redirects, $"`{exe.Text}` runs a file {unseen}, so what it does cannot be seen");
            return default;
        }
        if (exe.Text.Contains('/') && SessionProgram(exe.Text, state, out var unseenProgram))
        {
            if (unseenProgram is not null)
            {
                Uncertain(state, words, redirects, unseenProgram);
                return default;
            }
            // A text file without `#!` that this session wrote: the shell runs it as a script.
            Emit(new Invocation(name, exe.Text, args, state.Context(), redirects, stdin.Text, stdin.Unknown, text) { Environment = state.EnvironmentForCommand() });
            RunScriptFile("sh", exe.Text, args, state, words, redirects, inCurrentShell: false);
            return default;
        }
        if (name == "find")
            ResolveFindExec(args, redirects, state, inPipeline);

        var invocation = new Invocation(name, exe.Text, args, state.Context(), redirects, stdin.Text, stdin.Unknown, text)
        {
            Environment = state.EnvironmentForCommand(),
        };
        Emit(invocation);
        // Links it makes and files it writes are seen by what runs after it (its own effects are judged without them).
        if (name is "ln" or "cp" && state.RemoteHost is null)
            state.CreatedLinks.AddRange(LinkResolver.Created(name, args, invocation.Context, state.World));
        if (state.RemoteHost is null)
        {
            state.Written.Files = OnlyReads(name, args)
                ? FileWrites.Command(state.Written.Files, name, args, stdin.Text, invocation.Context, state.BaseWorld, text)
                : state.Written.Files.Mention(text, args.Where(a => a.Known).Select(a => a.Text));
            // An archive unpacked here leaves files whose contents are not known under its destination.
            foreach (var into in FileWrites.Unpacked(name, args, invocation.Context)) state.Written.Files = state.Written.Files.WriteTree(into, text);
        }
        return new CommandOutput(StaticOutput.Of(name, args, stdin.Text), Describe(name, args));
    }

    private static string Describe(string name, List<Arg> args) =>
        args.Count == 0 ? name : name + " " + string.Join(' ', args.Take(3).Select(a => Quote(a.Text)));

    private CommandOutput Unwrap(List<Arg> words, List<ResolvedRedirect> redirects, Stdin stdin, ShellState state,
        List<Arg> rest, string? via, bool inPipeline)
    {
        // The wrapper itself is also an invocation (it may be what a policy cares about, e.g. sudo). It hands its standard
        // input and output, and the words it runs, to the command it runs; a tracer prints both, and watch's header the words.
        Emit(new Invocation(BaseName(words[0].Text), words[0].Text, words.Skip(1).ToList(), state.Context(), [], null, null,
            string.Join(' ', words.Select(w => Quote(w.Text)))), handsOnStdio: via is not ("strace" or "ltrace"),
            handedOn: via is "strace" or "ltrace" or "watch" ? null : rest);
        if (rest.Count == 0) return default;
        var inner = via is null ? state : WithVia(state, via);
        var output = Resolve(rest, redirects, stdin, inner, string.Join(' ', rest.Select(w => Quote(w.Text))), inPipeline);
        if (!ReferenceEquals(inner, state)) state.Cwds = inner.Cwds;
        return output;
    }

    private static bool LooksLikeScriptFile(string text) =>
        text.Contains('/') || text.EndsWith(".js") || text.EndsWith(".ts") || text.EndsWith(".mjs") || text.EndsWith(".cjs") || text.EndsWith(".tsx") || text.EndsWith(".jsx") || text.EndsWith(".mts");

    /// <summary>The index of the script in <c>deno run [options] script args</c>, or -1.</summary>
    private static int DenoScript(List<Arg> args)
    {
        for (var i = 1; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") return i + 1 < args.Count ? i + 1 : -1;
            if (!t.StartsWith('-')) return args[i].Known ? i : -1;
            // Options whose value is the next word (the others are flags or written --opt=value).
            if (t is "-c" or "--config" or "--import-map" or "--lock" or "--cert" or "--location" or "--seed" or "--env-file" or "-L" or "--log-level" or "--inspect-wait" or "--ext") i++;
        }
        return -1;
    }

    /// <summary>The file <c>python -m module</c> runs when the module is in the working directory (<c>pkg/__main__.py</c>,
    /// <c>pkg.py</c>, dotted names as directories); null for installed and standard modules (trusted like any tool).</summary>
    private static string? PythonModuleFile(List<Arg> args, ShellState state)
    {
        var m = args.FindIndex(a => a.Text == "-m");
        if (m < 0 || m + 1 >= args.Count || !args[m + 1].Known || state.RemoteHost is not null || state.Cwds is not [{ } cwd]) return null;
        // Only options before -m (a script name before it would be the script, not -m).
        if (args.Take(m).Any(a => !a.Text.StartsWith('-'))) return null;
        var module = args[m + 1].Text;
        if (module.Length == 0 || module.Contains('/') || module.StartsWith('.')) return null;
        var path = module.Replace('.', '/');
        foreach (var candidate in new[] { path + "/__main__.py", path + ".py" })
            if (state.World.GetPathKind(PathResolver.Combine(cwd, candidate)!) == PathKind.File) return candidate;
        return null;
    }

    /// <summary>Options of npx-style runners before the package's command (`npx -y -p pkg cmd`, `uvx --from x cmd`).</summary>
    private static List<Arg> SkipRunnerOptions(List<Arg> args)
    {
        var i = 0;
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (!t.StartsWith('-')) break;
            i += t is "-p" or "--package" or "--from" or "--with" or "-c" or "--call" or "--python" or "--cwd" or "--workspace" or "-w" ? 2 : 1;
        }
        return args.Skip(i).ToList();
    }

    private static ShellState WithVia(ShellState state, string via) => state.Clone(via: [.. state.Via, via]);

    private static List<Arg> SkipSudo(List<Arg> args)
    {
        var i = 0;
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (!t.StartsWith('-') || t == "-") break;
            if (t is "-i" or "-s" or "--login" or "--shell") { i++; continue; }
            // Options that take a value: -u user, -g group, -C fd, -D dir, -h host, -p prompt, -r role, -t type, -T timeout, -U user
            if (t.Length == 2 && "ugCDhprtTU".Contains(t[1])) { i += 2; continue; }
            if (t.StartsWith("--") && !t.Contains('=') && t is "--user" or "--group" or "--chdir" or "--host" or "--prompt" or "--role" or "--type" or "--other-user" or "--close-from" or "--command-timeout") { i += 2; continue; }
            i++;
        }
        return args.Skip(i).ToList();
    }

    /// <summary>Skips leading options. <paramref name="flags"/> take no value; <paramref name="valued"/> take one
    /// (attached or as the next word). Long options are skipped; `--name value` pairs are not guessed.</summary>
    private static List<Arg> SkipOptions(List<Arg> args, string flags, string valued)
    {
        var i = 0;
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (!t.StartsWith('-') || t == "-") break;
            if (t.StartsWith("--")) { i++; continue; }
            var takesNext = false;
            for (var k = 1; k < t.Length; k++)
            {
                if (valued.Contains(t[k])) { takesNext = k == t.Length - 1; break; }
                if (!flags.Contains(t[k]) && !char.IsAsciiDigit(t[k])) break;
            }
            i += takesNext ? 2 : 1;
        }
        return args.Skip(i).ToList();
    }

    private static List<Arg> SkipNice(List<Arg> args)
    {
        var i = 0;
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (t is "-n" or "--adjustment") { i += 2; continue; }
            if (t.StartsWith("-") && t.Length > 1) { i++; continue; }
            break;
        }
        return args.Skip(i).ToList();
    }

    private CommandOutput ResolveEnv(List<Arg> words, List<Arg> args, List<ResolvedRedirect> redirects, Stdin stdin, ShellState state, bool inPipeline)
    {
        var inner = WithVia(state, "env");
        var i = 0;
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (t is "-u" or "--unset") { i += 2; continue; }
            if (t == "-") { i++; continue; } // `env -` is `env -i`: an empty environment, then the command
            if (t is "-C" or "--chdir")
            {
                if (i + 1 < args.Count) inner.SetCwds(inner.Cwds.Select(c => args[i + 1].Known ? PathResolver.Combine(c, args[i + 1].Text) : null));
                i += 2;
                continue;
            }
            if (t is "-S" or "--split-string" || t.StartsWith("-S") || t.StartsWith("--split-string="))
            {
                // env -S 'cmd args': the string is split into words (a tiny shell of its own).
                if (t.StartsWith("--split-string=")) t = "-S" + t["--split-string=".Length..];
                var code = t.Length > 2 && !t.StartsWith("--") ? t[2..] : i + 1 < args.Count ? args[i + 1].Text : "";
                var rest = args.Skip(t.Length > 2 && !t.StartsWith("--") ? i + 1 : i + 2).Select(a => Quote(a.Text));
                return RunShellCode([Arg.Literal(code + " " + string.Join(' ', rest))], inner, words, redirects, "env -S");
            }
            if (t.StartsWith('-') && t.Length > 1) { i++; continue; }
            var eq = t.IndexOf('=');
            if (eq > 0) { inner.CommandEnvironment[t[..eq]] = args[i].Known ? t[(eq + 1)..] : null; i++; continue; }
            break;
        }
        var command = args.Skip(i).ToList();
        Emit(new Invocation("env", words[0].Text, args, state.Context(), [], null, null, string.Join(' ', words.Select(w => Quote(w.Text)))), handsOnStdio: command.Count > 0);
        if (command.Count == 0) return default;
        return Resolve(command, redirects, stdin, inner, string.Join(' ', command.Select(w => Quote(w.Text))), inPipeline);
    }

    private CommandOutput ResolveXargs(List<Arg> words, List<Arg> args, List<ResolvedRedirect> redirects, Stdin stdin, ShellState state, bool inPipeline)
    {
        string? replace = null;
        var byLine = false;
        var i = 0;
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (!t.StartsWith('-') || t == "-") break;
            if (t == "-I" && i + 1 < args.Count) { replace = args[i + 1].Text; byLine = true; i += 2; continue; }
            if (t.StartsWith("-I")) { replace = t[2..]; byLine = true; i++; continue; }
            if (t is "-i" || t.StartsWith("--replace")) { replace = t.Contains('=') ? t[(t.IndexOf('=') + 1)..] : "{}"; byLine = true; i++; continue; }
            if (t is "-n" or "-P" or "-L" or "-d" or "-a" or "-s" or "-E" or "--max-args" or "--max-procs" or "--delimiter" or "--arg-file") { i += 2; continue; }
            if (t is "-0" or "--null") byLine = false;
            i++;
        }
        var command = args.Skip(i).ToList();
        if (command.Count == 0) command = [Arg.Literal("echo")];
        Emit(new Invocation("xargs", words[0].Text, args, state.Context(), [], stdin.Text, stdin.Unknown, string.Join(' ', words.Select(w => Quote(w.Text)))));
        // The items come from standard input: known when it is static text, otherwise unknown.
        List<Arg> items = stdin.Text is { } s
            ? (byLine ? s.Split('\n', StringSplitOptions.RemoveEmptyEntries) : s.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
                .Select(Arg.Literal).ToList()
            : [new Arg("<items from " + (stdin.Unknown ?? "standard input") + ">", false, false)];
        var inner = WithVia(state, "xargs");
        if (replace is not null)
        {
            foreach (var item in items.Take(MaxLoopUnroll))
            {
                var replaced = command.Select(a => a.Text.Contains(replace)
                    ? new Arg(a.Text.Replace(replace, item.Text), a.Known && item.Known, a.Glob || item.Glob)
                    : a).ToList();
                Resolve(replaced, redirects, new Stdin(null, null), inner, string.Join(' ', replaced.Select(w => Quote(w.Text))), inPipeline);
            }
            return default;
        }
        var full = command.Concat(items).ToList();
        return Resolve(full, redirects, new Stdin(null, null), inner, string.Join(' ', full.Select(w => Quote(w.Text))), inPipeline);
    }

    /// <summary>GNU parallel's options that take a value (as the next word when not written <c>--opt=value</c>).</summary>
    private static readonly HashSet<string> ParallelValued =
    [
        "-j", "--jobs", "-P", "--max-procs", "-N", "-n", "--max-args", "-L", "--max-lines", "-I", "-S", "--sshlogin", "-a", "--arg-file",
        "--colsep", "-C", "-d", "--delimiter", "-E", "--eof", "--halt", "--halt-on-error", "--joblog", "--results", "--res", "--workdir", "--wd",
        "-l", "--load", "--memfree", "--timeout", "--delay", "--retries", "--tmpdir", "--tagstring", "--basefile", "--bf", "--return",
        "--transferfile", "--tf", "--env", "--sshloginfile", "--slf", "--block", "--block-size", "--rpl", "--plus", "--termseq",
        "--header", "--limit", "--nice", "--shellquote-arg", "--ssh", "--sql", "--sqlmaster", "--sqlworker", "--memsuspend",
    ];

    private const string ParallelItem = "INTERLOCK_PARALLEL_ITEM";

    /// <summary>
    /// GNU parallel: <c>parallel [options] command ::: items</c> runs the command once per item (per combination of several
    /// <c>:::</c> lists) through the shell, with <c>{}</c>, <c>{.}</c>, <c>{/}</c>, <c>{//}</c>, <c>{/.}</c>, <c>{#}</c> and
    /// <c>{1}</c>... replaced by the item (shell-quoted), or the item appended when the command names none. Items from
    /// stdin or <c>::::</c> files are unknown: each job is then analysed with an unknown value in the item's place, so
    /// <c>parallel rm -rf</c> on unknown items asks but <c>xargs</c>-like syntax checks (<c>bash -n</c>) pass. Without a
    /// command the items are the commands. <c>--dry-run</c> only prints them.
    /// </summary>
    private CommandOutput ResolveParallel(List<Arg> words, List<Arg> args, List<ResolvedRedirect> redirects, Stdin stdin, ShellState state)
    {
        Emit(new Invocation("parallel", words[0].Text, args, state.Context(), redirects, stdin.Text, stdin.Unknown, string.Join(' ', words.Select(w => Quote(w.Text)))));
        string? replace = null;
        var dryRun = false;
        var pipe = false;
        var i = 0;
        while (i < args.Count && args[i].Text.StartsWith('-') && args[i].Text is not (":::" or ":::+" or "::::" or "::::+"))
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (t is "--dry-run" or "--dryrun") dryRun = true;
            if (t is "--pipe" or "--pipepart" or "--spreadstdin") pipe = true;
            if (t == "-I" && i + 1 < args.Count) replace = args[i + 1].Text;
            else if (t.StartsWith("-I") && t.Length > 2) replace = t[2..];
            else if (t.StartsWith("--replace")) replace = t.Contains('=') ? t[(t.IndexOf('=') + 1)..] : "{}";
            if (t is "-a" or "--arg-file" || t.StartsWith("--arg-file=")) pipe = false;
            i += ParallelValued.Contains(t) ? 2 : 1;
        }
        var template = new List<Arg>();
        while (i < args.Count && args[i].Text is not (":::" or ":::+" or "::::" or "::::+")) template.Add(args[i++]);
        // The input sources: literal lists (:::), files (::::, unknown here), linked lists (:::+ pairs with the previous).
        var groups = new List<List<Arg>>();
        var linked = new List<bool>();
        while (i < args.Count)
        {
            var sep = args[i++].Text;
            var items = new List<Arg>();
            while (i < args.Count && args[i].Text is not (":::" or ":::+" or "::::" or "::::+")) items.Add(args[i++]);
            if (sep.StartsWith("::::")) items = [new Arg("<lines of " + string.Join(' ', items.Select(a => a.Text)) + ">", false, false)];
            groups.Add(items);
            linked.Add(sep.EndsWith('+') && groups.Count > 1);
        }
        if (groups.Count == 0)
            groups.Add(stdin.Text is { } s && !pipe
                ? s.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Arg.Literal).ToList()
                : [new Arg("<items from " + (stdin.Unknown ?? "standard input") + ">", false, false)]);
        while (linked.Count < groups.Count) linked.Add(false);
        if (dryRun) return default;

        // Jobs: the cartesian product of the lists (a linked list advances with the one before it).
        var jobs = new List<List<Arg>> { new() };
        for (var g = 0; g < groups.Count; g++)
        {
            if (linked[g])
            {
                foreach (var (job, k) in jobs.Select((j, k) => (j, k))) job.Add(groups[g].Count == 0 ? Arg.Literal("") : groups[g][Math.Min(k % Math.Max(1, groups[g - 1].Count), groups[g].Count - 1)]);
                continue;
            }
            jobs = jobs.SelectMany(j => groups[g].Select(item => (List<Arg>)[.. j, item])).ToList();
            if (jobs.Count > 4 * MaxLoopUnroll)
            {
                Uncertain(state, words, redirects, $"`parallel` runs more than {4 * MaxLoopUnroll} jobs; too many to analyse one by one");
                return default;
            }
        }
        var inner = WithVia(state, "parallel");
        inner.Variables[ParallelItem] = null; // an item that cannot be known
        foreach (var job in jobs)
        {
            string Value(Arg a) => a.Known ? Quote(a.Text) : "\"$" + ParallelItem + "\"";
            if (template.Count == 0)
            {
                // No command: each item is a command line.
                if (job.Any(a => !a.Known)) { Uncertain(state, words, redirects, "`parallel` runs the command lines it reads from its input, which cannot be known in advance"); return default; }
                RunShellCode([Arg.Literal(string.Join(' ', job.Select(a => a.Text)))], inner, words, redirects, null);
                continue;
            }
            if (template.Any(a => !a.Known)) { RunShellCode(template, inner, words, redirects, null); return default; }
            var all = string.Join(' ', job.Select(Value));
            var used = false;
            var code = string.Join(' ', template.Select(w =>
            {
                var text = w.Text;
                if (replace is not null && text.Contains(replace)) { used = true; return text.Replace(replace, all); }
                foreach (var (token, make) in ParallelReplacements)
                    if (text.Contains(token)) { used = true; text = text.Replace(token, job.Count == 1 && job[0].Known ? Quote(make(job[0].Text)) : all); }
                for (var k = 1; k <= job.Count && text.Contains('{'); k++)
                    if (text.Contains("{" + k + "}")) { used = true; text = text.Replace("{" + k + "}", Value(job[k - 1])); }
                return text;
            }));
            if (!used) code += " " + all;
            RunShellCode([Arg.Literal(code)], inner, words, redirects, null);
        }
        return default;
    }

    private static readonly (string Token, Func<string, string> Make)[] ParallelReplacements =
    [
        ("{//}", v => v.Contains('/') ? v[..v.LastIndexOf('/')] : "."),
        ("{/.}", v => { var b = BaseName(v); return b.Contains('.') ? b[..b.LastIndexOf('.')] : b; }),
        ("{/}", BaseName),
        ("{.}", v => v.LastIndexOf('.') > v.LastIndexOf('/') ? v[..v.LastIndexOf('.')] : v),
        ("{#}", _ => "1"),
        ("{%}", _ => "1"),
        ("{}", v => v),
    ];

    private CommandOutput ResolveSsh(List<Arg> words, List<Arg> args, List<ResolvedRedirect> redirects, Stdin stdin, ShellState state)
    {
        var i = 0;
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (!t.StartsWith('-')) break;
            // Options that take a value, per ssh(1).
            i += t.Length == 2 && "BbcDEeFIiJLlmOoPpQRSWw".Contains(t[1]) ? 2 : 1;
        }
        Emit(new Invocation("ssh", words[0].Text, args, state.Context(), redirects, null, null, string.Join(' ', words.Select(w => Quote(w.Text)))));
        if (i >= args.Count) return default;
        var host = args[i].Text;
        var remoteWords = args.Skip(i + 1).ToList();
        // Standard input travels to the remote side: with no command the remote shell runs it; with a command
        // (`ssh h sudo bash`) it is that command's input, which is expressed as a here-document for the analysis.
        if (stdin.Text is { } script)
        {
            if (remoteWords.Count == 0) remoteWords = [Arg.Literal(script)];
            else
            {
                var delimiter = "INTERLOCK_STDIN";
                while (script.Contains(delimiter)) delimiter += "_";
                remoteWords = [.. remoteWords, Arg.Literal($"<<'{delimiter}'\n{script}{(script.EndsWith('\n') ? "" : "\n")}{delimiter}\n")];
            }
        }
        else if (stdin.Unknown is { } producer && (remoteWords.Count == 0 || Shells.Contains(BaseName(remoteWords[^1].Text))))
        {
            Uncertain(state, words, redirects, $"the remote shell on {host} runs code read from {producer}, which cannot be known in advance");
            return default;
        }
        if (remoteWords.Count == 0) return default;
        // The remote side joins the words with spaces and runs them with the user's shell, in their home.
        const string remoteHome = "/home/~remote";
        var remote = state.Clone(via: [.. state.Via, "ssh " + host], remoteHost: host, home: remoteHome, cwds: [remoteHome]);
        remote.Variables.Clear();
        return RunShellCode(remoteWords, remote, words, redirects, null);
    }

    private CommandOutput ResolveShell(string name, List<Arg> words, List<Arg> args, List<ResolvedRedirect> redirects, Stdin stdin, ShellState state)
    {
        Emit(new Invocation(name, words[0].Text, args, state.Context(), redirects, stdin.Text, stdin.Unknown, string.Join(' ', words.Select(w => Quote(w.Text)))));
        var i = 0;
        var hasC = false;
        var readsStdin = false;
        var traced = false; // `bash -x`: the nested shell traces what it runs
        if (name == "busybox")
        {
            if (args.Count == 0 || args[0].Text is not ("sh" or "ash" or "bash")) return default;
            i = 1;
        }
        while (i < args.Count)
        {
            var t = args[i].Text;
            if (t == "--" || t == "-") { i++; break; }
            if (!(t.StartsWith('-') || t.StartsWith('+')) || t.Length == 1) break;
            if (t.StartsWith("--")) { i++; continue; }
            if (t[0] == '-' && (t.Contains('x') || t == "-o" && i + 1 < args.Count && args[i + 1].Text == "xtrace")) traced = true;
            if (t[0] == '-' && t.Contains('c')) hasC = true;
            if (t[0] == '-' && t.Contains('s')) readsStdin = true;
            if ((t[0] == '-' && t.Contains('n') && t.Length > 1 && t[1] != '-') || (t == "-o" && i + 1 < args.Count && args[i + 1].Text == "noexec"))
                return default; // `bash -n x.sh` (noexec): reads the commands and checks their syntax, runs nothing
            i += t is "-o" or "+o" or "-O" or "+O" ? 2 : 1;
        }
        var via = state.Clone(via: [.. state.Via, hasC ? name + " -c" : name]);
        via.XTrace |= traced;
        if (hasC)
        {
            if (i >= args.Count) return default;
            return RunShellCode([args[i]], via, words, redirects, null);
        }
        if (i < args.Count && !readsStdin && args[i].Known && args[i].Text is "/dev/stdin" or "/dev/fd/0" or "/proc/self/fd/0")
            readsStdin = true; // `bash /dev/stdin`: the script is standard input
        else if (i < args.Count && !readsStdin)
        {
            // `bash script.sh`: the script is read through the world view and analysed like `bash -c`.
            if (!args[i].Known)
                Uncertain(state, words, redirects, $"`{name}` runs the script `{args[i].Text}`, whose name or contents cannot be known in advance");
            else
                RunScriptFile(name, args[i].Text, args.Skip(i + 1).ToList(), state, words, redirects, inCurrentShell: false);
            if (traced) _captures.ShowAll(); // `bash -x script.sh` prints what the script expands
            return default;
        }
        if (stdin.Text is { } code) return RunShellCode([Arg.Literal(code)], via, words, redirects, null);
        if (stdin.Unknown is { } producer)
            Uncertain(state, words, redirects, $"`{name}` runs shell code read from {producer}, whose output cannot be known in advance");
        return default;
    }

    /// <summary><c>find ... -exec cmd {} ;</c>: the command runs once per match; <c>{}</c> stands for the matches.</summary>
    private void ResolveFindExec(List<Arg> args, List<ResolvedRedirect> redirects, ShellState state, bool inPipeline)
    {
        var matches = Knowledge.Find.Matches(args);
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i].Text is not ("-exec" or "-execdir" or "-ok" or "-okdir")) continue;
            var end = args.FindIndex(i + 1, a => a.Text is ";" or "+");
            if (end < 0) end = args.Count;
            var template = args.Skip(i + 1).Take(end - i - 1).ToList();
            i = end;
            if (template.Count == 0) continue;
            foreach (var match in matches)
            {
                var command = template.Select(a => a.Text.Contains("{}") ? new Arg(a.Text.Replace("{}", match.Text), a.Known && match.Known, true) : a).ToList();
                Resolve(command, [], new Stdin(null, null), WithVia(state, "find -exec"), string.Join(' ', command.Select(w => Quote(w.Text))), inPipeline);
            }
        }
    }

    /// <summary>
    /// <c>bash x.sh</c>, <c>sh ./x.sh</c>, <c>source x.sh</c>: the script file is read through the world view (at most
    /// the parser's length limit) and analysed like <c>bash -c</c> with its text, in the nesting bound of nested shells.
    /// <c>source</c> runs it in the current shell, so its cd, variables, functions and aliases carry on. A script that
    /// cannot be read (missing, unreadable, too large, on a remote host) is not analysed, as before: its name is known
    /// and the agent wrote or chose it.
    /// </summary>
    /// <summary>The shell named by the first line of an executable script (<c>#!/bin/sh</c>, <c>#!/usr/bin/env bash</c>), or null.</summary>
    private string? Shebang(string path, ShellState state)
    {
        if (SingleAbsolute(path, state) is not { } absolute) return null;
        if (state.World.ReadTextFile(absolute, _limits.MaxLength) is not { } text || !text.StartsWith("#!", StringComparison.Ordinal)) return null;
        var line = text[2..(text.IndexOf('\n') is var nl and >= 0 ? nl : text.Length)].Trim();
        var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return null;
        var interpreter = BaseName(parts[0]);
        if (interpreter == "env") interpreter = parts.Skip(1).FirstOrDefault(p => !p.StartsWith('-')) is { } e ? BaseName(e) : "";
        if (Shells.Contains(interpreter)) return interpreter == "busybox" ? null : interpreter;
        return ScriptInterpreters.Contains(interpreter.TrimEnd('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '.')) ? interpreter : null;
    }

    /// <summary>Interpreters whose knowledge analyses a script file they are given (version suffixes dropped: python3.12).</summary>
    private static readonly HashSet<string> ScriptInterpreters = ["python", "node", "ruby", "perl", "php", "deno", "bun", "tsx", "ts-node"];

    /// <summary>
    /// Why the file at <paramref name="path"/> will hold something this analysis cannot see, when an earlier part of the
    /// command writes it: with contents that cannot be known (a download, a copy of a binary, a tool's output), or by a
    /// command that names it and is not one that only reads (<c>python3 -c "open('x.sh','w')..."</c>,
    /// <c>curl -o x.sh</c>, <c>sed -i ... x.sh</c>). Null when nothing earlier in the command touches it.
    /// </summary>
    private static string? UnseenWrite(string path, ShellState state)
    {
        if (state.RemoteHost is not null) return null;
        foreach (var cwd in state.Cwds)
        {
            if (PathResolver.Combine(cwd, path) is not { } absolute || state.Written.Files.Lookup(absolute) is not { Deleted: false, Text: null } w) continue;
            return w.Mentioned
                ? $"that `{Shorten(w.Writer)}`, earlier in this command, may write (it names `{BaseName(absolute)}`), so its contents cannot be known in advance"
                : $"that `{Shorten(w.Writer)}` writes earlier in this command with contents that cannot be known in advance";
        }
        return null;
    }

    /// <summary>
    /// A program run by path that this session wrote (<see cref="IWorldView.WrittenInSession"/>) and that has no <c>#!</c>
    /// line: a binary or an unreadable file cannot be seen into (<see cref="Unseen"/> says so and names it); a text file
    /// is run by the shell. False when the session did not write it (code that was already there is trusted, as before).
    /// </summary>
    private bool SessionProgram(string path, ShellState state, out string? unseen)
    {
        unseen = null;
        if (SingleAbsolute(path, state) is not { } absolute) return false;
        if (state.World.GetPathKind(absolute) != PathKind.File || state.World.WrittenInSession(absolute) is not { } how) return false;
        var content = state.World.ReadTextFile(absolute, _limits.MaxLength);
        if (content is null)
            unseen = $"`{path}` runs {absolute}, which this session wrote ({how}) and which cannot be read (larger than {_limits.MaxLength / 1024} KiB, or unreadable), so what it does cannot be seen";
        else if (content.Contains('\0') || content.StartsWith("\u007fELF", StringComparison.Ordinal))
            unseen = $"`{path}` runs {absolute}, a program (binary) this session wrote or built ({how}), so what it does cannot be seen";
        return true;
    }

    /// <summary>The absolute path of <paramref name="path"/> when the command runs locally in one known directory, else null.</summary>
    private static string? SingleAbsolute(string path, ShellState state) =>
        state.RemoteHost is null && state.Cwds is [{ } cwd] ? PathResolver.Combine(cwd, path) : null;

    /// <summary>The text an earlier part of this command writes into the file at <paramref name="path"/>, when known.</summary>
    private static string? WrittenHere(string path, ShellState state)
    {
        return SingleAbsolute(path, state) is { } absolute && state.Written.Files.Lookup(absolute) is { Deleted: false, Text: { } text } ? text : null;
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..77] + "..." : text;

    /// <summary>Commands that do not change the contents of files they name (their writes, if any, are tracked exactly:
    /// redirections, tee, cp, mv), so naming a script does not make it unseen.</summary>
    private static bool OnlyReads(string name, IReadOnlyList<Arg> args) => name switch
    {
        "cat" or "head" or "tail" or "less" or "more" or "grep" or "egrep" or "fgrep" or "rg" or "wc" or "ls" or "stat" or "file"
            or "echo" or "printf" or "test" or "[" or "chmod" or "chown" or "chgrp" or "touch" or "diff" or "cmp" or "md5sum"
            or "sha1sum" or "sha256sum" or "sha512sum" or "realpath" or "readlink" or "basename" or "dirname" or "which" or "type"
            or "shellcheck" or "shfmt" when name != "shfmt" || !args.Any(a => a.Text is "-w" || a.Text.StartsWith("--write")) => true,
        "tee" or "cp" or "mv" or "install" or "rm" or "unlink" or "ln" or "mkdir" or "cd" or "pushd" or "popd" or "" => true,
        "export" or "declare" or "typeset" or "local" or "readonly" or "unset" or "alias" or "unalias" or "read" or "true" or "false" or ":"
            or "exit" or "return" or "set" or "shift" or "wait" or "sleep" or "pwd" or "date" or "env" or "printenv" or "id" or "whoami" => true,
        "git" => args.FirstOrDefault(a => !a.Text.StartsWith('-'))?.Text is "add" or "diff" or "status" or "log" or "show" or "ls-files" or "blame" or "commit" or "grep",
        _ => Shells.Contains(name) || name is "source" or ".",
    };

    private void RunScriptFile(string shell, string path, IReadOnlyList<Arg> scriptArgs, ShellState state, List<Arg> words, List<ResolvedRedirect> redirects, bool inCurrentShell)
    {
        if (state.RemoteHost is not null) return;
        if (UnseenWrite(path, state) is { } unseen)
        {
            Uncertain(state, words, redirects, $"`{shell} {path}` runs a script {unseen}");
            return;
        }
        var texts = new List<string>();
        foreach (var cwd in state.Cwds)
        {
            var absolute = PathResolver.Combine(cwd, path);
            if (absolute is null) return;
            if (state.World.ReadTextFile(absolute, _limits.MaxLength) is not { } text)
            {
                // A script this session wrote that cannot be read now (too big, unreadable) is not trusted unseen.
                if (state.World.GetPathKind(absolute) != PathKind.Missing && state.World.WrittenInSession(absolute) is { } how)
                    Uncertain(state, words, redirects, $"`{shell} {path}` runs {absolute}, which this session wrote ({how}) and which cannot be read (larger than {_limits.MaxLength / 1024} KiB, or unreadable), so what it does cannot be seen");
                return;
            }
            if (!texts.Contains(text)) texts.Add(text);
        }
        foreach (var text in texts)
        {
            var inner = WithVia(state, $"{shell} {path}");
            // The script's positional parameters are its arguments (`source x.sh` without arguments keeps the caller's).
            if (!inCurrentShell || scriptArgs.Count > 0)
                for (var k = 1; k <= 9; k++)
                    inner.Variables[k.ToString()] = k <= scriptArgs.Count ? (scriptArgs[k - 1].Known ? scriptArgs[k - 1].Text : null) : "";
            RunShellCode([Arg.Literal(text)], inner, words, redirects, null);
            if (!inCurrentShell || texts.Count > 1) continue;
            // `source` runs the script in the current shell: its cd, variables, functions and aliases carry on.
            state.Cwds = inner.Cwds;
            foreach (var (k, v) in inner.Variables) if (!(k.Length == 1 && char.IsAsciiDigit(k[0]))) state.Variables[k] = v;
            foreach (var (k, v) in inner.Functions) state.Functions[k] = v;
            foreach (var (k, v) in inner.Aliases) state.Aliases[k] = v;
        }
    }

    /// <summary>Parses and analyses code that a shell, eval, watch or ssh will run.</summary>
    private CommandOutput RunShellCode(List<Arg> codeWords, ShellState state, List<Arg> words, List<ResolvedRedirect> redirects, string? via)
    {
        if (codeWords.Count == 0) return default;
        // `eval "$(ssh-agent -s)"`: the tool's own set-up code (exports, completions), not unknown code.
        if (codeWords.All(a => a.SetupCodeFrom is not null)) return default;
        if (codeWords.Any(a => !a.Known))
        {
            Uncertain(state, words, redirects, $"`{string.Join(' ', words.Take(2).Select(w => w.Text))}` runs shell code built at run time (`{string.Join(' ', codeWords.Select(a => a.Text))}`), which cannot be known in advance");
            return default;
        }
        if (++_nestedShells > MaxNestedShells)
        {
            Uncertain(state, words, redirects, $"shell code is nested more than {MaxNestedShells} levels deep; too deep to analyse");
            return default;
        }
        var code = string.Join(' ', codeWords.Select(a => a.Text));
        var parsed = ShellParser.Parse(code, _limits);
        if (parsed.Script is null)
        {
            Uncertain(state, words, redirects, $"the nested shell code could not be parsed ({parsed.Error})");
            return default;
        }
        var inner = via is null ? state : WithVia(state, via);
        WalkScript(parsed.Script, inner);
        if (via == "eval") state.Cwds = inner.Cwds; // eval runs in the current shell
        return default;
    }

    private static void ChangeDirectory(string name, List<Arg> args, ShellState state)
    {
        var target = args.FirstOrDefault(a => !a.Text.StartsWith('-') || a.Text == "-");
        var previous = state.Cwds.ToList();
        if (name == "popd" || target is { Text: "-" })
        {
            state.SetCwds([null]);
            return;
        }
        if (target is null)
        {
            if (name == "cd") state.SetCwds([state.Home]);
            return;
        }
        state.SetCwds(state.Cwds.Select(c => target.Known && !target.Glob ? PathResolver.Combine(c, target.Text) : null));
        state.CdFallback = previous;
    }

    // ------------------------------------------------------------ output

    private void Emit(Invocation invocation, bool handsOnStdio = false, IReadOnlyList<Arg>? handedOn = null)
    {
        // Arguments holding captured output: this command gets them (those a wrapper hands on are the wrapped command's).
        for (var j = 0; j < invocation.Args.Count; j++)
            if (invocation.Args[j].CapturesFrom > 0 && (handedOn is null || !handedOn.Any(a => ReferenceEquals(a, invocation.Args[j]))))
                _argumentUses.Add((invocation.Args[j].CapturesFrom, _invocations.Count, j));
        if (_stage is not null && !handsOnStdio)
        {
            var writes = !RedirectsOutput(invocation.Redirects);
            for (var s = _stage; s is not null; s = s.Enclosing)
            {
                s.Runs.Add(_invocations.Count);
                if (writes) s.Writers.Add(_invocations.Count);
                writes &= s.WritesEnclosing;
            }
        }
        // Inside `NAME=$(...)`, a command whose standard output is not piped on or redirected writes into NAME.
        if (_capture is { } c && !_pipedOn && !RedirectsOutput(invocation.Redirects))
            invocation = invocation with { OutputCapturedInto = c.Name, CaptureId = c.Id };
        if (PrintsVariables(invocation)) _captures.ShowAll();
        else if (_capturesInEnvironment.Length > 0 && !KeepEnvironmentToThemselves.Contains(invocation.Name ?? "?")) _environmentUses.Add((_capturesInEnvironment, _invocations.Count));
        _invocations.Add(invocation);
    }

    private static bool RedirectsOutput(IReadOnlyList<ResolvedRedirect> redirects) => redirects.Any(r => RedirectsOutput(r.Kind, r.Fd));

    private static bool RedirectsOutput(RedirectKind kind, int? fd) => kind switch
    {
        RedirectKind.Output or RedirectKind.Clobber or RedirectKind.Append or RedirectKind.DuplicateOut => fd is null or 1,
        RedirectKind.ReadWrite => fd == 1, // `<>` opens standard input unless a descriptor is given
        RedirectKind.OutputBoth or RedirectKind.AppendBoth => true,
        _ => false,
    };

    private void Uncertain(ShellState state, List<Arg> words, List<ResolvedRedirect> redirects, string reason)
    {
        var inv = new Invocation(null, words.Count > 0 ? words[0].Text : "", words.Skip(1).ToList(), state.Context(), redirects, null, null,
            string.Join(' ', words.Select(w => Quote(w.Text))));
        _invocations.Add(inv);
        _uncertainties.Add(new Uncertainty(inv, reason));
    }

    /// <summary><c>r[m]</c> → <c>rm</c>: a bracket expression of one character matches only that character.</summary>
    private static string SingleCharacterBrackets(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '[' && i + 2 < text.Length && text[i + 2] == ']' && text[i + 1] is not ('!' or '^' or ']'))
            {
                sb.Append(text[i + 1]);
                i += 2;
                continue;
            }
            sb.Append(text[i]);
        }
        return sb.ToString();
    }

    internal static string BaseName(string executable)
    {
        var slash = executable.LastIndexOf('/');
        return slash >= 0 ? executable[(slash + 1)..] : executable;
    }
}
