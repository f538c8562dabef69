namespace Interlock.Core.Knowledge;

/// <summary>Helpers shared by the system-administration knowledge (power, services, firewalls, processes,
/// accounts, cron, file transfer, publishing): effects on a machine or a remote object, with the environment
/// inferred from the ssh host and any other names that hint at it.</summary>
internal static class MachineEffects
{
    /// <summary>A non-file effect whose environment is the strictest of the ssh host and the given hints.</summary>
    public static Effect Make(EffectKind kind, string target, string description, Invocation inv, KnowledgeContext ctx,
        params (string What, string? Name)[] hints)
    {
        var candidates = new List<(TargetEnvironment, string?)>(hints.Length + 1);
        if (inv.Context.RemoteHost is { } host) candidates.Add(ctx.InferEnvironment("host", host));
        foreach (var (what, name) in hints)
            if (!string.IsNullOrEmpty(name)) candidates.Add(ctx.InferEnvironment(what, name));
        var (env, evidence) = KnowledgeContext.Strictest([.. candidates]);
        return new Effect(kind, target, PathClass.Unknown, false, false, description, inv) { Environment = env, EnvironmentEvidence = evidence };
    }

    /// <summary>A predicate for <see cref="Options.Split"/>: single-dash bundles whose last letter is in
    /// <paramref name="shortLetters"/>, or long options in <paramref name="longNames"/> written without <c>=</c>, take a value.</summary>
    public static Func<string, bool> TakesValue(string shortLetters, params string[] longNames) => t =>
        t.StartsWith("--") ? !t.Contains('=') && Array.IndexOf(longNames, t) >= 0
        : t.Length >= 2 && t[0] == '-' && shortLetters.Contains(t[^1]) && t.Skip(1).All(char.IsAsciiLetter);

    /// <summary>The value of an option (<c>-u bob</c>, <c>-ubob</c> when <paramref name="attached"/>, <c>--user bob</c>,
    /// <c>--user=bob</c>), or null. A short option may end a bundle (<c>-aG docker</c>).</summary>
    public static string? Value(IReadOnlyList<Arg> args, char? shortLetter, bool attached, params string[] longNames)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") break;
            foreach (var l in longNames)
            {
                if (t == l) return i + 1 < args.Count ? args[i + 1].Text : null;
                if (t.StartsWith(l + "=", StringComparison.Ordinal)) return t[(l.Length + 1)..];
            }
            if (shortLetter is not { } c || t.Length < 2 || t[0] != '-' || t[1] == '-') continue;
            if (t[^1] == c && t.Skip(1).All(char.IsAsciiLetter)) return i + 1 < args.Count ? args[i + 1].Text : null;
            if (attached && t[1] == c && t.Length > 2) return t[2..];
        }
        return null;
    }

    /// <summary>Splits <c>[user@]host:path</c>, <c>host::module/path</c> and <c>rsync://</c>, <c>scp://</c>, <c>sftp://</c>
    /// URLs into host and path; null for a local path (a colon after the first slash is part of a local name).</summary>
    public static (string Host, string Path)? RemoteSpec(string spec)
    {
        foreach (var scheme in new[] { "rsync://", "scp://", "sftp://", "ssh://" })
            if (spec.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                var rest = spec[scheme.Length..];
                var slash = rest.IndexOf('/');
                var host = slash < 0 ? rest : rest[..slash];
                return (host, slash < 0 ? "~" : rest[slash..]);
            }
        var colon = spec.IndexOf(':');
        var firstSlash = spec.IndexOf('/');
        if (colon <= 0 || (firstSlash >= 0 && firstSlash < colon)) return null;
        var path = spec[(colon + 1)..].TrimStart(':');
        return (spec[..colon], path.Length == 0 ? "~" : path);
    }

    /// <summary>A short list of names for messages.</summary>
    public static string List(IEnumerable<string> names)
    {
        var list = names.Select(n => $"`{n}`").ToList();
        return list.Count switch
        {
            0 => "(nothing named)",
            <= 3 => string.Join(", ", list),
            _ => string.Join(", ", list.Take(3)) + $" and {list.Count - 3} more",
        };
    }
}
