using Interlock.Core.Knowledge;

namespace Interlock.Core.Environments;

/// <summary>
/// The Azure subscription an <c>az</c> command acts in, read where the CLI looks: <c>--subscription</c>, else the
/// subscription marked <c>isDefault</c> in <c>azureProfile.json</c> of <c>$AZURE_CONFIG_DIR</c> (default
/// <c>~/.azure</c>), as <c>az account set</c> leaves it. Its id and name are both evidence.
/// </summary>
public static class AzureProfile
{
    public static List<EnvironmentHint> DefaultSubscription(KnowledgeContext ctx, Invocation inv)
    {
        var (dir, _) = EnvironmentSources.Variable(inv, ctx.World, "AZURE_CONFIG_DIR");
        var root = EnvironmentSources.Absolute(inv, dir ?? "~/.azure");
        // The CLI writes the file with a byte-order mark, which ReadYaml skips.
        if (root is null || EnvironmentSources.ReadYaml(ctx.World, inv, root.TrimEnd('/') + "/azureProfile.json") is not { } doc) return [];
        if (!doc.TryGetValue("subscriptions", out var subs) || subs is not List<object?> list) return [];
        var file = EnvironmentSources.Display(inv, root.TrimEnd('/') + "/azureProfile.json");
        foreach (var s in list)
        {
            if (s is not Dictionary<string, object?> sub || !(sub.TryGetValue("isDefault", out var d) && d is true or "true")) continue;
            var hints = new List<EnvironmentHint>();
            if (MiniYaml.Get(sub, "id") is { Length: > 0 } id) hints.Add(new("subscription", id, $"the default subscription in {file}"));
            if (MiniYaml.Get(sub, "name") is { Length: > 0 } name) hints.Add(new("subscription", name, $"the default subscription in {file}"));
            return hints;
        }
        return [];
    }
}
