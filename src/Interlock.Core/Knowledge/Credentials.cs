namespace Interlock.Core.Knowledge;

/// <summary>
/// Commands whose output is a live credential: an access token, a key, a password, a secret's value. Printed, it lands
/// in the conversation (sent to the model provider, kept in transcripts and logs) like reading a secret file, so it is
/// the same <see cref="EffectKind.ReadSecret"/> effect, marked <c>credential-command</c> for its own wording. Each tool's
/// file says which of its commands print one (from the tool's documentation); this is the table and the effect.
/// </summary>
public static class Credentials
{
    /// <summary>A command path (the tool's subcommand words) and, when only some forms print, the option that makes it
    /// print. <paramref name="Issuer"/>: the hosts the credential is meant for (its own service's API, from the tool's
    /// documentation), where sending it (<c>curl -H "Authorization: Bearer $(gh auth token)" https://api.github.com/...</c>)
    /// keeps it from the agent; null for a secret value that belongs to no host.</summary>
    public sealed record Printer(string[] Path, string What, Func<IReadOnlyList<Arg>, bool>? Prints = null, Func<string, bool>? Issuer = null);

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
            Add(effects, inv, context, $"{inv.Name} {string.Join(' ', p.Path)}", p.What, p.Issuer);
            return true;
        }
        return false;
    }

    /// <summary>Adds the effect of <paramref name="command"/> printing <paramref name="what"/>, unless its output stays
    /// out of the agent's view (<see cref="KnowledgeContext.OutputKeptFromAgent"/>: <c>GH_TOKEN=$(gh auth token) gh api
    /// ...</c>, <c>aws ecr get-login-password | docker login --password-stdin ...</c>): then the credential reaches the
    /// program that needs it, not the conversation.</summary>
    public static void Add(List<Effect> effects, Invocation inv, KnowledgeContext context, string command, string what, Func<string, bool>? issuer = null)
    {
        if (context.OutputKeptFromAgent(inv, issuer)) return;
        effects.Add(new(EffectKind.ReadSecret, command, PathClass.Unknown, false, true, $"`{command}` prints {what}", inv, "credential-command")
        {
            Environment = TargetEnvironment.Unknown,
        });
    }

    /// <summary>Hosts given as names (<c>api.github.com</c>) or, with a leading dot, as every name under a domain
    /// (<c>.googleapis.com</c>). Only hosts the service itself runs belong here: a domain under which customers run
    /// their own servers (<c>*.azurewebsites.net</c>, <c>*.execute-api.amazonaws.com</c>) could answer with the token.</summary>
    public static Func<string, bool> Hosts(params string[] names) => host =>
        names.Any(n => n[0] == '.' ? host.Length > n.Length && host.EndsWith(n, StringComparison.Ordinal) : host == n);

    /// <summary>An option is present (<c>--raw</c>, <c>--reveal</c>) as a word or <c>--name=value</c>.</summary>
    public static Func<IReadOnlyList<Arg>, bool> With(params string[] options) => args =>
        args.Any(a => options.Any(o => a.Text == o || a.Text.StartsWith(o + "=", StringComparison.Ordinal)));
}
