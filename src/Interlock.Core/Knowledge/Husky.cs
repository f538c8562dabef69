using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// husky (v4-v8, typicode.github.io/husky): <c>husky add FILE CMD</c> appends CMD to the git hook FILE and
/// <c>husky set FILE CMD</c> replaces it, so CMD runs on every commit, push or checkout from then on, outside the
/// session the guard checks, like writing <c>.husky/*</c> itself (a persistence path). The command is analysed too.
/// <c>husky install</c> and bare <c>husky</c> (what the npm <c>prepare</c> script runs) only point git at the hooks
/// already in the repository and install nothing new.
/// </summary>
public sealed class Husky : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["husky"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Count < 2 || args[0] is not { Known: true, Text: "add" or "set" } verb) return;
        var hook = args[1];
        var rest = args.Skip(2).ToList();
        var command = string.Join(' ', rest.Select(a => a.Text));
        effects.Add(new Effect(EffectKind.InstallPersistence, hook.Text, PathClass.Unknown, false, false,
            $"`husky {verb.Text}` {(verb.Text == "add" ? "adds" : "sets")} `{command}` as the git hook {hook.Text}: it runs on every matching git operation from now on, outside this session", inv));
        if (rest.Count > 0 && rest.All(a => a.Known)) EmbeddedCode.Shell(ctx, inv, command, $"husky {verb.Text}", effects);
        else if (rest.Count > 0) EmbeddedCode.Indeterminate(inv, $"`husky {verb.Text}` installs a hook command that is not known in advance", effects);
    }
}
