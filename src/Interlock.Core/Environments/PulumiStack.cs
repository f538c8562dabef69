using System.Security.Cryptography;
using System.Text;
using Interlock.Core.Knowledge;

namespace Interlock.Core.Environments;

/// <summary>
/// The Pulumi stack a command acts on when it names none, read where the CLI keeps it: <c>PULUMI_STACK</c>, else the
/// stack <c>pulumi stack select</c> recorded for the project in
/// <c>$PULUMI_HOME/workspaces/&lt;project&gt;-&lt;sha1 of Pulumi.yaml's path&gt;-workspace.json</c> (default
/// <c>~/.pulumi</c>). The project is the <c>name:</c> of the nearest Pulumi.yaml (the working directory, moved by
/// <c>--cwd</c>, or the directories above it).
/// </summary>
public static class PulumiStack
{
    public static EnvironmentHint? Selected(KnowledgeContext ctx, Invocation inv, string? cwdOption)
    {
        if (EnvironmentSources.Variable(inv, ctx.World, "PULUMI_STACK") is ({ } named, var source))
            return new("stack", named, source);
        var dir = cwdOption is null ? KnowledgeContext.Cwd(inv) : EnvironmentSources.Absolute(inv, cwdOption);
        for (var depth = 0; dir is { Length: > 0 } && depth < 16; depth++)
        {
            foreach (var file in new[] { "Pulumi.yaml", "Pulumi.yml" })
            {
                var path = dir.TrimEnd('/') + "/" + file;
                if (ctx.World.GetPathKind(path) != PathKind.File) continue;
                if (EnvironmentSources.ReadYaml(ctx.World, inv, path) is not { } project || MiniYaml.Get(project, "name") is not { Length: > 0 } name) return null;
                var hash = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(path)));
                var (home, _) = EnvironmentSources.Variable(inv, ctx.World, "PULUMI_HOME");
                var workspaces = EnvironmentSources.Absolute(inv, home ?? "~/.pulumi")?.TrimEnd('/') + "/workspaces";
                var workspace = $"{workspaces}/{name}-{hash}-workspace.json";
                if (EnvironmentSources.ReadYaml(ctx.World, inv, workspace) is { } doc && MiniYaml.Get(doc, "stack") is { Length: > 0 } stack)
                    return new("stack", stack, $"the stack selected for project `{name}` in {EnvironmentSources.Display(inv, workspace)}");
                return null;
            }
            var slash = dir.TrimEnd('/').LastIndexOf('/');
            dir = slash <= 0 ? null : dir[..slash];
        }
        return null;
    }
}
