using Interlock.Core.Shell;

namespace Interlock.Core;

/// <summary>One argument after expansion.</summary>
/// <param name="Text">The value when <see cref="Known"/>; otherwise a rendering such as <c>$DIR/x</c> for messages.</param>
/// <param name="Known">The value is known statically (no unknown variable or substitution in it).</param>
/// <param name="Glob">It contains unquoted glob characters, so it names a set of paths.</param>
public sealed record Arg(string Text, bool Known, bool Glob)
{
    public static Arg Literal(string text) => new(text, true, false);

    /// <summary>Set when the word is exactly the output of a command that prints only shell set-up code
    /// (<c>"$(ssh-agent -s)"</c>, <c>&lt;(kubectl completion bash)</c>; see <see cref="Knowledge.ShellSetupCode"/>):
    /// not known, but safe for <c>eval</c> and <c>source</c> to run.</summary>
    public string? SetupCodeFrom { get; init; }

    /// <summary>The command word whose captured output is in this argument (<c>-H "Authorization: Bearer $(gh auth
    /// token)"</c>, or a variable that holds some), in the analysis's numbering; 0 for none. See
    /// <see cref="Invocation.OutputPassedTo"/>.</summary>
    internal int CapturesFrom { get; init; }

    /// <summary>For an argument that is not known because it expands <c>${NAME:-default}</c> (or <c>-</c>, <c>:=</c>,
    /// <c>=</c>) of a variable that may be unset: its value when <see cref="UnsetVariables"/> are unset, so the command
    /// is also judged as it runs then (<c>cat "${F:-.env}"</c> reads .env).</summary>
    public string? WhenUnset { get; init; }

    /// <summary>The variables <see cref="WhenUnset"/> assumes unset, for messages (<c>$F</c>).</summary>
    public string? UnsetVariables { get; init; }

    public override string ToString() => Text;
}

/// <summary>Where and how an invocation runs.</summary>
/// <param name="Cwds">The directories it may run in (more than one when an earlier <c>cd</c> may have failed);
/// a null entry means unknown.</param>
/// <param name="Home">The home directory there (the remote one for ssh).</param>
/// <param name="RemoteHost">Set when the command runs on another machine (ssh).</param>
/// <param name="Via">The wrappers and shells it was found inside, outermost first (e.g. "sudo", "bash -c").</param>
public sealed record ExecContext(IReadOnlyList<string?> Cwds, string Home, string? RemoteHost, IReadOnlyList<string> Via)
{
    public bool Elevated => Via.Contains("sudo") || Via.Contains("doas");

    /// <summary>Links created by earlier parts of the same command, in order (<see cref="Analysis.LinkResolver"/>): paths
    /// this invocation touches are resolved through them as through the links that already exist.</summary>
    public IReadOnlyList<Analysis.CommandLink> Links { get; init; } = [];

    /// <summary>Files earlier parts of the same command write (<see cref="Analysis.WrittenFiles"/>): what this invocation
    /// reads or executes is read as it will be then.</summary>
    public Analysis.WrittenFiles Written { get; init; } = Analysis.WrittenFiles.None;
}

/// <summary>A redirection with its target expanded.</summary>
public sealed record ResolvedRedirect(RedirectKind Kind, int? Fd, Arg Target);

/// <summary>A command that would actually execute, with its executable resolved and wrappers stripped.</summary>
/// <param name="Name">The executable's base name (<c>/usr/bin/rm</c>, <c>\rm</c> and <c>"rm"</c> are all <c>rm</c>);
/// null when it cannot be known statically.</param>
/// <param name="Executable">The executable as it would be looked up (or a rendering when unknown).</param>
/// <param name="Stdin">Known text fed on standard input (here-document, here-string, or the output of a
/// static echo/printf piped in); null when nothing known is fed.</param>
/// <param name="StdinFromUnknown">Standard input comes from a command whose output cannot be known.</param>
/// <param name="Text">The command as written (for messages).</param>
public sealed record Invocation(
    string? Name,
    string Executable,
    IReadOnlyList<Arg> Args,
    ExecContext Context,
    IReadOnlyList<ResolvedRedirect> Redirects,
    string? Stdin,
    string? StdinFromUnknown,
    string Text)
{
    public string Display => Text.Length > 160 ? Text[..157] + "..." : Text;

    private static readonly IReadOnlyDictionary<string, string?> NoEnvironment = new Dictionary<string, string?>();

    /// <summary>Variables the command would see that the script set (`PGHOST=db psql`, `env AWS_PROFILE=prod aws`,
    /// `export KUBECONFIG=...` earlier); a null value means set to something unknown.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = NoEnvironment;

    /// <summary>Set when the command's standard output goes into this shell variable (<c>TOKEN=$(cmd)</c>, <c>export
    /// TOKEN="$(cmd)"</c>, a prefix assignment) or into an argument of another command (<c>curl -H "... $(cmd)"</c>), and
    /// nothing later in the command shows it: a redirection or here-document, an environment dump (<c>env</c>,
    /// <c>printenv</c>, <c>set</c>, <c>export -p</c>), xtrace, or a command the analysis cannot follow it into. The
    /// commands that get it as an argument are <see cref="OutputPassedTo"/>; their tools say what they do with it.</summary>
    public string? OutputCapturedInto { get; init; }

    /// <summary>The arguments the captured output (<see cref="OutputCapturedInto"/>) is passed in: each consumer and
    /// the index in its <see cref="Args"/>. Empty when the capture is only held (or given in the environment).</summary>
    public IReadOnlyList<ArgumentPlace> OutputPassedTo { get; init; } = [];

    /// <summary>The programs that get the captured output (<see cref="OutputCapturedInto"/>) in their environment (an
    /// exported or prefixed variable), other than the shell's own builtins, wrappers and text utilities; their tools say
    /// whether they keep it to themselves.</summary>
    public IReadOnlyList<Invocation> OutputInEnvironmentOf { get; init; } = [];

    /// <summary>Which capture <see cref="OutputCapturedInto"/> belongs to (the analysis's own numbering).</summary>
    internal int CaptureId { get; init; }

    /// <summary>The command that reads this one's standard output through a pipe (<c>gh auth token | docker login
    /// --password-stdin</c>): set when the next stage of the pipeline is one simple command (wrappers such as sudo
    /// stripped) and this command's output is not redirected elsewhere. What that command does with it (keeps it to
    /// itself, passes it on, prints it) is its tool's knowledge.</summary>
    public Invocation? PipedInto { get; init; }

    /// <summary>A variable from <see cref="Environment"/>, or null.</summary>
    public string? GetEnvironment(string name) => Environment.GetValueOrDefault(name);
}

/// <summary>An argument of a command: <paramref name="Consumer"/>'s <see cref="Invocation.Args"/>[<paramref name="Index"/>].</summary>
public sealed record ArgumentPlace(Invocation Consumer, int Index);
