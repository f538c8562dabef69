using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>Argument and environment helpers shared by the cloud and infrastructure-as-code knowledge
/// (Terraform, Pulumi, CDK, SAM, Serverless, eksctl, Ansible, aws, gcloud, gsutil, az).</summary>
internal static class CloudArgs
{
    /// <summary>True when <paramref name="t"/> is the flag <paramref name="name"/> given as <c>name</c> or <c>name=value</c>.</summary>
    public static bool IsFlag(string t, string name) =>
        t == name || (t.Length > name.Length && t.StartsWith(name, StringComparison.Ordinal) && t[name.Length] == '=');

    /// <summary>Every value of the options in <paramref name="names"/> (<c>--name value</c>, <c>--name=value</c>).</summary>
    public static List<Arg> Values(IReadOnlyList<Arg> args, params string[] names)
    {
        var result = new List<Arg>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") break;
            foreach (var name in names)
            {
                if (t == name)
                {
                    if (i + 1 < args.Count) result.Add(args[i + 1]);
                    break;
                }
                if (t.Length > name.Length + 1 && t.StartsWith(name, StringComparison.Ordinal) && t[name.Length] == '=')
                {
                    result.Add(args[i] with { Text = t[(name.Length + 1)..] });
                    break;
                }
            }
        }
        return result;
    }

    /// <summary>The first value of the options in <paramref name="names"/>, or null.</summary>
    public static Arg? Value(IReadOnlyList<Arg> args, params string[] names) => Values(args, names).FirstOrDefault();

    /// <summary>True when any of the flags is present (also as <c>--flag=true</c>; <c>--flag=false</c> does not count).</summary>
    public static bool Has(IReadOnlyList<Arg> args, params string[] names)
    {
        foreach (var a in args)
        {
            if (a.Text == "--") return false;
            foreach (var n in names)
                if (a.Text == n || (IsFlag(a.Text, n) && !a.Text.EndsWith("=false", StringComparison.OrdinalIgnoreCase)))
                    return true;
        }
        return false;
    }

    /// <summary>A subcommand computed at run time could be the destructive one: reports it as indeterminate.</summary>
    public static bool IsUnknownSubcommand(Arg subcommand, string tool, string couldBe, Invocation inv, List<Effect> effects)
    {
        if (subcommand.Known) return false;
        effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
            $"runs `{tool} {subcommand.Text}`, a subcommand computed at run time (it could be {couldBe})", inv));
        return true;
    }

    /// <summary>Operands (words that are not options), skipping the value of every option <paramref name="takesValue"/> accepts.
    /// Unknown words count as operands.</summary>
    public static List<Arg> Operands(IReadOnlyList<Arg> args, Func<string, bool> takesValue)
    {
        var result = new List<Arg>();
        var end = false;
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (!end && a.Text == "--") { end = true; continue; }
            if (!end && a.Known && a.Text.Length > 1 && a.Text[0] == '-')
            {
                if (!a.Text.Contains('=') && takesValue(a.Text)) i++;
                continue;
            }
            result.Add(a);
        }
        return result;
    }

    /// <summary>How an argument is shown in a message: its value, or a note that it is computed at run time.</summary>
    public static string Show(Arg a) => a.Known ? a.Text : $"{a.Text} (computed at run time)";

    public static string List(IEnumerable<Arg> args)
    {
        var list = args.Select(Show).ToList();
        return list.Count <= 3 ? string.Join(", ", list) : string.Join(", ", list.Take(3)) + $" and {list.Count - 3} more";
    }

    /// <summary>The strictest environment any of the hints points to. CamelCase names (CDK and CloudFormation stacks
    /// such as <c>ProdStack</c>) are also read word by word.</summary>
    /// <param name="sourced">Names read from where the tool itself looks (its configuration files, the hook's
    /// environment), each with its source for the evidence (<see cref="Environments.EnvironmentHint"/>).</param>
    public static (TargetEnvironment Environment, string? Evidence) Environment(KnowledgeContext ctx, IEnumerable<(string What, string? Name)> hints,
        IEnumerable<Environments.EnvironmentHint>? sourced = null)
    {
        var candidates = new List<(TargetEnvironment, string?)>();
        foreach (var (what, name, source) in hints.Select(h => new Environments.EnvironmentHint(h.What, h.Name)).Concat(sourced ?? []))
        {
            if (string.IsNullOrEmpty(name)) continue;
            if (what == "directory" && name.Contains('/'))
            {
                candidates.Add(Directory(ctx, name));
                continue;
            }
            var inferred = ctx.InferEnvironment(what, name, source);
            // Host patterns and globs (`prod*`, `web:&prod`, `s3://prod-*`) and CamelCase names (`ProdStack`) are also read word by word.
            foreach (var variant in new[] { Unglob(name), SplitCamel(Unglob(name)) })
            {
                if (inferred.Environment != TargetEnvironment.Unknown || variant == name) continue;
                var again = ctx.InferEnvironment(what, variant, source);
                if (again.Environment != TargetEnvironment.Unknown)
                    inferred = (again.Environment, again.Evidence?.Replace($"`{variant}`", $"`{name}`"));
            }
            if (source is not null && inferred.Environment == TargetEnvironment.Unknown) continue;
            candidates.Add(inferred);
        }
        return KnowledgeContext.Strictest([.. candidates]);
    }

    /// <summary>A directory path, component by component. Terragrunt keeps every environment under `live/`
    /// (`live/dev/app`), so `live` counts only when no other component names an environment.</summary>
    private static (TargetEnvironment, string?) Directory(KnowledgeContext ctx, string path)
    {
        var found = new List<(TargetEnvironment, string?)>();
        var liveOnly = new List<(TargetEnvironment, string?)>();
        foreach (var component in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var e = ctx.InferEnvironment("directory", component);
            if (e.Environment == TargetEnvironment.Unknown) continue;
            var at = e.Evidence?.LastIndexOf(" matches", StringComparison.Ordinal) ?? -1;
            e.Evidence = $"directory `{path}`: `{component}`" + (at >= 0 ? e.Evidence![at..] : "");
            (component.Equals("live", StringComparison.OrdinalIgnoreCase) ? liveOnly : found).Add(e);
        }
        if (found.Count == 0) found = liveOnly;
        return found.Count == 0 ? (TargetEnvironment.Unknown, $"directory `{path}` matches no environment pattern") : KnowledgeContext.Strictest([.. found]);
    }

    private static string Unglob(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
            if (chars[i] is '*' or '?' or '[' or ']' or '!' or '&' or ',' or '~' or '+' or '\'' or '"' or '(' or ')') chars[i] = '-';
        return new string(chars);
    }

    /// <summary><c>ProdApiStack</c> → <c>Prod-Api-Stack</c>; other names unchanged.</summary>
    public static string SplitCamel(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsAsciiLetterUpper(c) && (char.IsAsciiLetterLower(name[i - 1]) || char.IsAsciiDigit(name[i - 1]) ||
                (i + 1 < name.Length && char.IsAsciiLetterLower(name[i + 1]) && char.IsAsciiLetterUpper(name[i - 1]))))
                sb.Append('-');
            sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>The directory a tool works in, as a hint: below the repository root when inside one, otherwise
    /// relative to the home directory, so that the user's own name (`/home/dev`) is not read as an environment.</summary>
    public static string? DirectoryHint(KnowledgeContext ctx, Invocation inv, string? dir)
    {
        var cwd = KnowledgeContext.Cwd(inv);
        string? abs = dir is null ? cwd : PathResolver.Combine(cwd, dir);
        if (abs is null) return dir;
        if (inv.Context.RemoteHost is null && ctx.World.FindRepositoryRoot(abs) is { } root)
            return abs == root ? null : abs[(root.TrimEnd('/').Length + 1)..];
        var home = inv.Context.Home;
        if (!string.IsNullOrEmpty(home) && PathResolver.IsUnder(abs, home))
            return abs == home ? null : abs[(home.TrimEnd('/').Length + 1)..];
        return abs;
    }

    public static void Add(List<Effect> effects, EffectKind kind, string target, string description, Invocation inv,
        (TargetEnvironment Environment, string? Evidence) env, bool recursive = false, bool reversible = false, string? detail = null) =>
        effects.Add(new Effect(kind, target, PathClass.Unknown, recursive, reversible, description, inv, detail)
        {
            Environment = env.Environment,
            EnvironmentEvidence = env.Evidence,
        });

    /// <summary>Effects of shell code run on other machines, carrying the environment of the hosts when they say nothing stricter.</summary>
    public static void AddNested(List<Effect> effects, List<Effect> nested, (TargetEnvironment Environment, string? Evidence) env)
    {
        foreach (var e in nested)
        {
            var (environment, evidence) = KnowledgeContext.Strictest((e.Environment, e.EnvironmentEvidence), env);
            effects.Add(e with { Environment = environment, EnvironmentEvidence = evidence });
        }
    }

    /// <summary>The bucket of an <c>s3://bucket/key</c> or <c>gs://bucket/key</c> URL, or null.</summary>
    public static string? Bucket(string url)
    {
        var i = url.IndexOf("://", StringComparison.Ordinal);
        if (i < 0) return null;
        var rest = url[(i + 3)..];
        var slash = rest.IndexOf('/');
        return slash < 0 ? rest : rest[..slash];
    }

    /// <summary>True for a bucket URL with no object part (<c>s3://b</c>, <c>gs://b/</c>).</summary>
    public static bool IsWholeBucket(string url)
    {
        var i = url.IndexOf("://", StringComparison.Ordinal);
        if (i < 0) return false;
        var rest = url[(i + 3)..];
        var slash = rest.IndexOf('/');
        return slash < 0 || slash == rest.Length - 1 || rest[(slash + 1)..] is "*" or "**";
    }

    /// <summary>Shell-quotes a word for code handed to nested analysis.</summary>
    public static string Quote(string s) =>
        s.Length > 0 && s.AsSpan().IndexOfAny(" \t\n'\"\\;&|<>()$`*?[]{}~#") < 0 ? s : "'" + s.Replace("'", "'\\''") + "'";
}
