using Interlock.Core.Analysis;

namespace Interlock.Core.Environments;

/// <summary>A name that says which environment a command targets (a kube context, an AWS account, a workspace, a
/// host), with where it was read, for the decision's evidence.</summary>
/// <param name="What">What the name is ("kube context", "AWS account").</param>
/// <param name="Name">The name itself; null when the source does not set one.</param>
/// <param name="Source">Where it comes from ("~/.kube/config current-context", "$AWS_PROFILE in the hook's
/// environment"); null when written in the command itself.</param>
public readonly record struct EnvironmentHint(string What, string? Name, string? Source = null);

/// <summary>
/// How the context readers (<see cref="KubeConfig"/>, <see cref="AwsConfig"/>, <see cref="TerraformWorkspace"/>,
/// <see cref="GcloudConfig"/>, <see cref="DatabaseTargets"/>, <see cref="FrameworkEnvironment"/>) look where the tools
/// themselves look: variables the command sees (set in the command or earlier in the script, else the hook's own
/// environment through the world view) and configuration files read through the world view, bounded in size. Nothing
/// is executed. A command that runs on another machine (ssh) reads nothing local.
/// </summary>
public static class EnvironmentSources
{
    /// <summary>The largest configuration file a reader parses (kubeconfigs with many clusters stay well below).</summary>
    public const int MaxConfigBytes = 256 * 1024;

    /// <summary>Variables the readers consult in the hook's environment. The runtime's world view must expose every
    /// one (and the hook daemon must be keyed on them), or a reader silently sees nothing.</summary>
    /// <summary>How many GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n pairs of the hook's environment are read; a larger
    /// GIT_CONFIG_COUNT there makes git commands indeterminate.</summary>
    public const int GitConfigEntries = 16;

    public static readonly string[] Variables =
    [
        "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS",
        .. Enumerable.Range(0, GitConfigEntries).SelectMany(n => new[] { $"GIT_CONFIG_KEY_{n}", $"GIT_CONFIG_VALUE_{n}" }),
        "KUBECONFIG",
        "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE",
        "TF_WORKSPACE", "TF_DATA_DIR", "TF_CLI_ARGS", "TF_CLI_ARGS_apply", "TF_CLI_ARGS_destroy", "TF_CLI_ARGS_plan",
        "CLOUDSDK_CONFIG", "CLOUDSDK_ACTIVE_CONFIG_NAME", "CLOUDSDK_CORE_PROJECT",
        "AZURE_CONFIG_DIR", "AZURE_SUBSCRIPTION_ID", "PULUMI_STACK", "PULUMI_HOME", "HELM_KUBECONTEXT", "HELM_NAMESPACE",
        .. DatabaseTargets.UrlVariables, "PGHOST", "PGDATABASE", "PGSERVICE", "PGSERVICEFILE", "MYSQL_HOST", "CLICKHOUSE_HOST",
        "DB_HOST", "DB_DATABASE", "ETCDCTL_ENDPOINTS", "CONSUL_HTTP_ADDR", "FLYWAY_URL", "LIQUIBASE_COMMAND_URL", "SQLALCHEMY_DATABASE_URI", "TYPEORM_URL",
        .. FrameworkEnvironment.Variables, "DISABLE_DATABASE_ENVIRONMENT_CHECK",
    ];

    /// <summary>A variable as the command would see it, and where it came from: set in the command or the script
    /// (<c>AWS_PROFILE=prod aws ...</c>, <c>export</c>), else the hook's environment. A variable the script sets to
    /// something unknown hides the hook's value (null, no source).</summary>
    /// <param name="nameFromConfiguration">The name was read from a project file (prisma's <c>env("NAME")</c>): the hook's
    /// environment holds it only when it is one of <see cref="Variables"/>, and the .env files are read instead.</param>
    public static (string? Value, string? Source) Variable(Invocation inv, IWorldView world, string name, bool nameFromConfiguration = false)
    {
        // A reader that consults a variable the world view does not expose would silently see nothing: fail loudly.
        if (!nameFromConfiguration && Array.IndexOf(Variables, name) < 0)
            throw new InvalidOperationException($"the context readers consult ${name}, which is missing from EnvironmentSources.Variables");
        if (inv.Environment.TryGetValue(name, out var set))
            return set is null ? (null, null) : (set, $"{name} set in the command");
        if (inv.Context.RemoteHost is not null) return (null, null);
        var value = world.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? (null, null) : (value, $"${name} in the hook's environment");
    }

    /// <summary>The environments the hints point to. A name read from a file or the hook's environment that matches
    /// no environment pattern adds nothing (it is not evidence either way; the command's own names still decide).</summary>
    public static IEnumerable<(TargetEnvironment Environment, string? Evidence)> Infer(Knowledge.KnowledgeContext ctx, IEnumerable<EnvironmentHint> hints)
    {
        foreach (var (what, name, source) in hints)
        {
            var inferred = ctx.InferEnvironment(what, name, source);
            if (source is not null && inferred.Environment == TargetEnvironment.Unknown) continue;
            yield return inferred;
        }
    }

    /// <summary>A configuration file's text, or null (missing, unreadable, too large, or the command runs elsewhere).</summary>
    public static string? Read(IWorldView world, Invocation inv, string? absolute) =>
        absolute is null || inv.Context.RemoteHost is not null ? null : world.ReadTextFile(absolute, MaxConfigBytes);

    /// <summary>A YAML (or JSON) configuration file parsed with <see cref="MiniYaml"/>, or null; the hook daemon keeps
    /// the parse while the file is unchanged (<see cref="IWorldView.ReadParsedFile"/>). The result must not be modified.</summary>
    public static Dictionary<string, object?>? ReadYaml(IWorldView world, Invocation inv, string? absolute) =>
        absolute is null || inv.Context.RemoteHost is not null ? null
        : world.ReadParsedFile(absolute, MaxConfigBytes, "mini-yaml", static text => MiniYaml.ParseMapping(text.TrimStart('\uFEFF')));

    /// <summary>A path as a tool reads it: <c>~/</c> is the home directory, relative paths are against the cwd.</summary>
    public static string? Absolute(Invocation inv, string? path)
    {
        if (string.IsNullOrEmpty(path)) return null;
        if (path == "~") return inv.Context.Home;
        if (path.StartsWith("~/", StringComparison.Ordinal)) return PathResolver.Normalize(inv.Context.Home + path[1..]);
        return PathResolver.Combine(Knowledge.KnowledgeContext.Cwd(inv), path);
    }

    /// <summary>A path for messages: under the home directory as <c>~/...</c>.</summary>
    public static string Display(Invocation inv, string absolute)
    {
        var home = inv.Context.Home.TrimEnd('/');
        return home.Length > 0 && absolute.StartsWith(home + "/", StringComparison.Ordinal) ? "~" + absolute[home.Length..] : absolute;
    }

    /// <summary>The value of <c>key = value</c> (or <c>key: value</c>) in one INI section's lines; null when absent.</summary>
    public static string? IniValue(string text, string section, string key)
    {
        var inSection = false;
        foreach (var raw in Lines(text))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or ';') continue;
            if (line[0] == '[')
            {
                var close = line.IndexOf(']');
                inSection = close > 0 && line[1..close].Trim() == section;
                continue;
            }
            if (!inSection) continue;
            var eq = line.IndexOfAny(['=', ':']);
            if (eq <= 0 || line[..eq].Trim() != key) continue;
            return Unquote(line[(eq + 1)..].Trim());
        }
        return null;
    }

    /// <summary>Lines of a bounded text (at most 20,000: a configuration file is never longer).</summary>
    internal static IEnumerable<string> Lines(string text)
    {
        var start = 0;
        for (var n = 0; n < 20_000 && start <= text.Length; n++)
        {
            var end = text.IndexOf('\n', start);
            if (end < 0) end = text.Length;
            var length = end > start && text[end - 1] == '\r' ? end - start - 1 : end - start;
            yield return text.Substring(start, length);
            start = end + 1;
        }
    }

    internal static string Unquote(string value)
    {
        if (value.Length >= 2 && (value[0] == '"' && value[^1] == '"' || value[0] == '\'' && value[^1] == '\'')) return value[1..^1];
        return value;
    }
}
