namespace Interlock.Core.Knowledge;

/// <summary>
/// Commands whose output is a live credential: an access token, a key, a password, a secret's value. Printed, it lands
/// in the conversation (sent to the model provider, kept in transcripts and logs) like reading a secret file, so it is
/// the same <see cref="EffectKind.ReadSecret"/> effect, marked <c>credential-command</c> for its own wording. Each tool's
/// file says which of its commands print one (from the tool's documentation); this is the table and the effect.
/// </summary>
public static class Credentials
{
    /// <summary>A command path (the tool's subcommand words) and, when only some forms print, the option that makes it print.</summary>
    public sealed record Printer(string[] Path, string What, Func<IReadOnlyList<Arg>, bool>? Prints = null);

    /// <summary>Adds the effect when <paramref name="words"/> (the command's subcommand words, options left out) start
    /// with one of <paramref name="printers"/>' paths and its condition holds. Returns whether one matched.</summary>
    public static bool Check(Invocation inv, KnowledgeContext context, IReadOnlyList<string> words, IEnumerable<Printer> printers, List<Effect> effects)
    {
        foreach (var p in printers)
        {
            if (words.Count < p.Path.Length) continue;
            var match = true;
            for (var i = 0; i < p.Path.Length && match; i++) match = words[i] == p.Path[i];
            if (!match || p.Prints?.Invoke(inv.Args) == false) continue;
            Add(effects, inv, context, $"{inv.Name} {string.Join(' ', p.Path)}", p.What);
            return true;
        }
        return false;
    }

    /// <summary>Adds the effect of <paramref name="command"/> printing <paramref name="what"/>, unless its output stays
    /// out of the agent's view (<see cref="KnowledgeContext.OutputKeptFromAgent"/>: <c>GH_TOKEN=$(gh auth token) gh api
    /// ...</c>, <c>aws ecr get-login-password | docker login --password-stdin ...</c>): then the credential reaches the
    /// program that needs it, not the conversation.</summary>
    public static void Add(List<Effect> effects, Invocation inv, KnowledgeContext context, string command, string what)
    {
        if (context.OutputKeptFromAgent(inv)) return;
        effects.Add(new(EffectKind.ReadSecret, command, PathClass.Unknown, false, true, $"`{command}` prints {what}", inv, "credential-command")
        {
            Environment = TargetEnvironment.Unknown,
        });
    }

    /// <summary>An option is present (<c>--raw</c>, <c>--reveal</c>) as a word or <c>--name=value</c>.</summary>
    public static Func<IReadOnlyList<Arg>, bool> With(params string[] options) => args =>
        args.Any(a => options.Any(o => a.Text == o || a.Text.StartsWith(o + "=", StringComparison.Ordinal)));
}
