using Interlock.Core.Analysis;
using Interlock.Core.Knowledge;

namespace Interlock.Core.Environments;

/// <summary>
/// The workspace a Terraform or OpenTofu command runs in, read where they look: <c>TF_WORKSPACE</c> (the hook's
/// environment; an assignment in the command is already evidence), else the name in <c>&lt;data dir&gt;/environment</c>,
/// where the data directory is <c>$TF_DATA_DIR</c> or <c>.terraform</c>, in the working directory (<c>-chdir</c>
/// moves it, and a relative TF_DATA_DIR with it). No file means the <c>default</c> workspace.
/// </summary>
public static class TerraformWorkspace
{
    /// <param name="readDataDirectory">False for Terragrunt, whose modules keep their data directory in its cache.</param>
    public static List<EnvironmentHint> Hints(KnowledgeContext ctx, Invocation inv, string? chdir, bool readDataDirectory = true)
    {
        var hints = new List<EnvironmentHint>();
        if (inv.Environment.ContainsKey("TF_WORKSPACE")) return hints;
        var (workspace, source) = EnvironmentSources.Variable(inv, ctx.World, "TF_WORKSPACE");
        if (workspace is not null) { hints.Add(new("Terraform workspace", workspace, source)); return hints; }

        if (!readDataDirectory) return hints;
        var cwd = KnowledgeContext.Cwd(inv);
        var dir = chdir is null ? cwd : EnvironmentSources.Absolute(inv, chdir);
        if (dir is null) return hints;
        var (dataDir, _) = EnvironmentSources.Variable(inv, ctx.World, "TF_DATA_DIR");
        var data = dataDir is null ? dir + "/.terraform" : dataDir.StartsWith('/') ? PathResolver.Normalize(dataDir) : PathResolver.Combine(dir, dataDir);
        if (data is null) return hints;
        var file = data.TrimEnd('/') + "/environment";
        if (EnvironmentSources.Read(ctx.World, inv, file) is { } text && text.Trim() is { Length: > 0 } name)
            hints.Add(new("Terraform workspace", name, $"{EnvironmentSources.Display(inv, file)}{(dataDir is null ? "" : " ($TF_DATA_DIR)")}"));
        return hints;
    }
}
