namespace Interlock.Core.Environments;

/// <summary>What kind of name a declared environment lists (the keys under <c>settings.environments.&lt;env&gt;</c>).</summary>
public enum TargetKind { KubeContext, KubeCluster, KubeServer, Namespace, AwsAccount, AwsProfile, GcpProject, AzureSubscription, TerraformWorkspace, Stack, Host, Database }

/// <summary>One concrete name the policy declares to be in an environment: a kube context, an AWS account id, a host.
/// <see cref="Pattern"/> matches the whole name, case-insensitively; <c>*</c> matches any run of characters.</summary>
public sealed record DeclaredTarget(TargetEnvironment Environment, TargetKind Kind, string Pattern);

/// <summary>
/// Environments declared concretely in policy (issue 19, item 2), checked before the name tokens: a cluster called
/// <c>main</c> or account <c>123456789012</c> is production because the policy says so, not because of how it is
/// spelled. Each context reader labels what it found (<see cref="EnvironmentHint.What"/>); <see cref="KindOf"/> is the
/// one table from those labels to the kinds a policy can declare.
/// </summary>
public static class DeclaredEnvironments
{
    /// <summary>The policy key of each kind, in the order they are documented.</summary>
    public static readonly (TargetKind Kind, string Key)[] Keys =
    [
        (TargetKind.KubeContext, "kube_contexts"), (TargetKind.KubeCluster, "kube_clusters"), (TargetKind.KubeServer, "kube_servers"),
        (TargetKind.Namespace, "namespaces"), (TargetKind.AwsAccount, "aws_accounts"), (TargetKind.AwsProfile, "aws_profiles"),
        (TargetKind.GcpProject, "gcp_projects"), (TargetKind.AzureSubscription, "azure_subscriptions"),
        (TargetKind.TerraformWorkspace, "terraform_workspaces"), (TargetKind.Stack, "stacks"), (TargetKind.Host, "hosts"),
        (TargetKind.Database, "databases"),
    ];

    public static string Key(TargetKind kind) => Array.Find(Keys, k => k.Kind == kind).Key;

    /// <summary>The kind of name a reader's label stands for; null for labels no declaration covers (a container, a file).</summary>
    public static TargetKind? KindOf(string what) => what.ToLowerInvariant() switch
    {
        "kube context" or "context" or "helm kube context" => TargetKind.KubeContext,
        "cluster" or "gke cluster" or "eks cluster" or "aks cluster" => TargetKind.KubeCluster,
        "api server" or "server" => TargetKind.KubeServer,
        "namespace" => TargetKind.Namespace,
        "aws account" or "account id" or "aws role" or "aws sso role" => TargetKind.AwsAccount,
        "aws profile" or "profile" => TargetKind.AwsProfile,
        "gcp project" or "project" => TargetKind.GcpProject,
        "subscription" or "azure subscription" => TargetKind.AzureSubscription,
        "terraform workspace" or "workspace" or "opentofu workspace" => TargetKind.TerraformWorkspace,
        "stack" or "pulumi stack" => TargetKind.Stack,
        "host" or "database host" or "redis host" or "mongodb host" or "ssh host" => TargetKind.Host,
        "database" or "db" => TargetKind.Database,
        _ => null,
    };

    /// <summary>The environment the policy declares for <paramref name="name"/> read as <paramref name="what"/>, and the
    /// declaration that says so; null when none does. When several match, the strictest wins.</summary>
    public static (TargetEnvironment Environment, string Declaration)? Match(IReadOnlyList<DeclaredTarget> declared, string what, string name)
    {
        if (declared.Count == 0 || KindOf(what) is not { } kind) return null;
        (TargetEnvironment Environment, string Declaration)? best = null;
        foreach (var candidate in Candidates(kind, name))
            foreach (var d in declared)
            {
                if (d.Kind != kind || !Glob(d.Pattern, candidate)) continue;
                if (best is null || Rank(d.Environment) > Rank(best.Value.Environment))
                    best = (d.Environment, $"environments.{d.Environment.ToString().ToLowerInvariant()}.{Key(kind)} `{d.Pattern}`");
            }
        return best;
    }

    /// <summary>The forms of a name a declaration may be written in: an AWS role ARN also as its account id, a server
    /// URL also as its host, a host with a port also without it.</summary>
    private static IEnumerable<string> Candidates(TargetKind kind, string name)
    {
        yield return name;
        switch (kind)
        {
            case TargetKind.AwsAccount when name.StartsWith("arn:", StringComparison.Ordinal):
                var parts = name.Split(':');
                if (parts.Length > 4 && parts[4].Length > 0) yield return parts[4];
                break;
            case TargetKind.KubeServer or TargetKind.Host when Uri.TryCreate(name, UriKind.Absolute, out var uri) && uri.Host.Length > 0:
                yield return uri.Host;
                if (!uri.IsDefaultPort) yield return $"{uri.Host}:{uri.Port}";
                break;
            case TargetKind.Host when name.LastIndexOf(':') is var colon and > 0 && name[(colon + 1)..].All(char.IsAsciiDigit):
                yield return name[..colon];
                break;
        }
    }

    private static int Rank(TargetEnvironment e) => e switch
    {
        TargetEnvironment.Production => 3,
        TargetEnvironment.Staging => 2,
        TargetEnvironment.Development => 1,
        _ => 0,
    };

    /// <summary>Case-insensitive whole-name match where <c>*</c> is any run of characters (iterative, no backtracking blow-up).</summary>
    public static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] != '*' && char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t])) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
