using Interlock.Core.Knowledge;

namespace Interlock.Core.Environments;

/// <summary>
/// The AWS account a command acts in, read where the AWS CLI and SDKs look: the profile is <c>--profile</c>, else
/// <c>AWS_PROFILE</c>, else <c>AWS_DEFAULT_PROFILE</c> (set in the command, the script, or the hook's own
/// environment), else <c>default</c>; its section of <c>$AWS_CONFIG_FILE</c> (default <c>~/.aws/config</c>) gives
/// <c>sso_account_id</c>, <c>sso_role_name</c>, <c>role_arn</c> and <c>source_profile</c> (followed a few steps).
/// </summary>
public static class AwsConfig
{
    private const int MaxChain = 4;

    public static List<EnvironmentHint> Hints(KnowledgeContext ctx, Invocation inv, string? profileOption)
    {
        var hints = new List<EnvironmentHint>();
        var profile = profileOption;
        if (profile is null)
            foreach (var name in new[] { "AWS_PROFILE", "AWS_DEFAULT_PROFILE" })
            {
                if (inv.Environment.TryGetValue(name, out var inline) && inline is null) return hints; // set to something unknown
                var (value, from) = EnvironmentSources.Variable(inv, ctx.World, name);
                if (value is null) continue;
                profile = value;
                // The command's own assignment is already evidence; the hook's environment is new evidence.
                if (!inv.Environment.ContainsKey(name)) hints.Add(new("AWS profile", value, from));
                break;
            }
        profile ??= "default";

        var (file, fileVariable) = EnvironmentSources.Variable(inv, ctx.World, "AWS_CONFIG_FILE");
        var path = file is not null ? EnvironmentSources.Absolute(inv, file) : inv.Context.Home.TrimEnd('/') + "/.aws/config";
        if (EnvironmentSources.Read(ctx.World, inv, path) is not { } text) return hints;
        var shown = EnvironmentSources.Display(inv, path!) + (fileVariable is null ? "" : " ($AWS_CONFIG_FILE)");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var step = 0; step < MaxChain && profile is not null && seen.Add(profile); step++)
        {
            var section = profile == "default" ? "default" : "profile " + profile;
            var where = $"profile `{profile}` in {shown}";
            if (EnvironmentSources.IniValue(text, section, "sso_account_id") is { Length: > 0 } account) hints.Add(new("AWS account", account, $"sso_account_id of {where}"));
            if (EnvironmentSources.IniValue(text, section, "sso_role_name") is { Length: > 0 } role) hints.Add(new("AWS SSO role", role, $"sso_role_name of {where}"));
            if (EnvironmentSources.IniValue(text, section, "role_arn") is { Length: > 0 } arn) hints.Add(new("AWS role", arn, $"role_arn of {where}"));
            var next = EnvironmentSources.IniValue(text, section, "source_profile");
            if (next is { Length: > 0 }) hints.Add(new("AWS profile", next, $"source_profile of {where}"));
            profile = next;
        }
        return hints;
    }
}
