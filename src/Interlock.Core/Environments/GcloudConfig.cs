using Interlock.Core.Knowledge;

namespace Interlock.Core.Environments;

/// <summary>
/// The GCP project a gcloud command acts in, read where gcloud looks: <c>--project</c>, else
/// <c>CLOUDSDK_CORE_PROJECT</c>, else the active configuration's <c>[core] project</c>. The configuration is
/// <c>--configuration</c>, else <c>CLOUDSDK_ACTIVE_CONFIG_NAME</c>, else the name in <c>active_config</c>, else
/// <c>default</c>; configurations live in <c>$CLOUDSDK_CONFIG</c> (default <c>~/.config/gcloud</c>) as
/// <c>configurations/config_&lt;name&gt;</c>.
/// </summary>
public static class GcloudConfig
{
    public static List<EnvironmentHint> Hints(KnowledgeContext ctx, Invocation inv, string? projectOption, string? configurationOption)
    {
        var hints = new List<EnvironmentHint>();
        if (projectOption is not null) return hints; // the command names its project (already evidence)
        var (project, projectSource) = EnvironmentSources.Variable(inv, ctx.World, "CLOUDSDK_CORE_PROJECT");
        if (inv.Environment.ContainsKey("CLOUDSDK_CORE_PROJECT")) return hints; // set in the command: already evidence (or unknown)
        if (project is not null) { hints.Add(new("GCP project", project, projectSource)); return hints; }

        var (dirSetting, _) = EnvironmentSources.Variable(inv, ctx.World, "CLOUDSDK_CONFIG");
        var dir = dirSetting is not null ? EnvironmentSources.Absolute(inv, dirSetting) : inv.Context.Home.TrimEnd('/') + "/.config/gcloud";
        if (dir is null) return hints;
        string? name = configurationOption, nameSource = null;
        if (name is null)
        {
            var (variable, from) = EnvironmentSources.Variable(inv, ctx.World, "CLOUDSDK_ACTIVE_CONFIG_NAME");
            if (inv.Environment.TryGetValue("CLOUDSDK_ACTIVE_CONFIG_NAME", out var inline) && inline is null) return hints;
            if (variable is not null) { name = variable; nameSource = from; }
        }
        if (name is null && EnvironmentSources.Read(ctx.World, inv, dir + "/active_config") is { } active && active.Trim() is { Length: > 0 } activeName)
        {
            name = activeName;
            nameSource = EnvironmentSources.Display(inv, dir + "/active_config");
        }
        name ??= "default";
        if (nameSource is not null && !inv.Environment.ContainsKey("CLOUDSDK_ACTIVE_CONFIG_NAME")) hints.Add(new("gcloud configuration", name, nameSource));
        if (name.Contains('/') || name.Contains("..")) return hints;

        var file = $"{dir}/configurations/config_{name}";
        if (EnvironmentSources.Read(ctx.World, inv, file) is not { } text) return hints;
        var shown = $"[core] of {EnvironmentSources.Display(inv, file)}";
        if (EnvironmentSources.IniValue(text, "core", "project") is { Length: > 0 } p) hints.Add(new("GCP project", p, shown + " (configuration `" + name + "`)"));
        if (EnvironmentSources.IniValue(text, "core", "account") is { Length: > 0 } a) hints.Add(new("account", a, shown));
        return hints;
    }
}
