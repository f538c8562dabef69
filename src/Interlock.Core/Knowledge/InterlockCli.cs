namespace Interlock.Core.Knowledge;

/// <summary>
/// The guard's own command line. An agent may ask it questions (<c>check</c>, <c>explain</c>, <c>--help</c>,
/// <c>--version</c>, <c>audit tail|show|export|verify</c>, <c>policy validate|show|test</c>, <c>history</c> (not <c>history prune</c>), and <c>hook</c>, which only answers an
/// event on standard input); every other subcommand (disable, policy changes, approvals, breaker reset, undo...)
/// changes the guard and must be run by a human: <see cref="EffectKind.ChangeGuard"/>, denied.
/// </summary>
public sealed class InterlockCli : ICommandKnowledge
{
    private static readonly string[] ReadOnly = ["check", "explain", "help", "--help", "-h", "--version", "version", "hook", "requests"];
    private static readonly string[] ReadOnlyAudit = ["tail", "show", "export", "verify", "--help", "-h"];
    private static readonly string[] ReadOnlyPolicy = ["validate", "show", "test", "--help", "-h"];

    public IReadOnlyList<string> Executables { get; } = ["interlock"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Count == 0) return; // prints the usage
        var sub = args[0];
        if (sub.Known && Array.IndexOf(ReadOnly, sub.Text) >= 0) return;
        // `history` lists captured events; `history prune` deletes the copies undo needs, so only a human runs it.
        if (sub.Known && sub.Text == "history" && args.Skip(1).All(a => a.Known && a.Text != "prune")) return;
        if (sub.Known && sub.Text == "breaker" && args.Count > 1 && args[1].Known && args[1].Text == "status") return;
        if (sub.Known && sub.Text == "audit" && (args.Count == 1 || args[1].Known && Array.IndexOf(ReadOnlyAudit, args[1].Text) >= 0)) return;
        // `policy validate|show|test` only read the policy files; writing them is a human's job (the files are protected).
        if (sub.Known && sub.Text == "policy" && (args.Count == 1 || args[1].Known && Array.IndexOf(ReadOnlyPolicy, args[1].Text) >= 0)) return;
        if (args.Count > 1 && args.Skip(1).Any(a => a.Known && a.Text is "--help" or "-h")) return;
        var command = string.Join(' ', args.Take(3).Select(a => a.Text));
        effects.Add(new Effect(EffectKind.ChangeGuard, $"interlock {command}", PathClass.Unknown, false, false,
            sub.Known ? $"runs `interlock {command}`, which changes the guard itself" : $"runs `interlock` with a subcommand that cannot be known in advance (`{sub.Text}`)", inv));
    }
}
