using Interlock.Core.Knowledge;

namespace Interlock.Core.Environments;

/// <summary>
/// The cluster a kubectl or helm command talks to, read where kubectl looks: the file of <c>--kubeconfig</c>, else
/// every file of <c>$KUBECONFIG</c> (colon-separated; the first file that sets a value wins, as kubectl merges
/// them), else <c>~/.kube/config</c>. The context is <c>--context</c> (helm: <c>--kube-context</c>), else the
/// merged <c>current-context</c>; its cluster's server and its namespace are evidence too, unless the command names
/// them itself.
/// </summary>
public static class KubeConfig
{
    /// <summary>kubectl reads at most this many files from $KUBECONFIG here (more is never seen in practice).</summary>
    private const int MaxFiles = 8;

    /// <summary>What the kubeconfig says about the command's target.</summary>
    /// <param name="Context">The context in use (from the command or the file's current-context); null when unknown.</param>
    /// <param name="FromFile">Where the context name came from when the command did not give it.</param>
    public sealed record Target(string? Context, string? FromFile, string? Cluster, string? Server, string? Namespace, IReadOnlyList<EnvironmentHint> Hints);

    public static Target Read(KnowledgeContext ctx, Invocation inv, string? kubeconfigOption, string? contextOption, bool clusterGiven, bool namespaceGiven)
    {
        var files = new List<(string Path, string Label)>();
        if (kubeconfigOption is not null)
        {
            if (EnvironmentSources.Absolute(inv, kubeconfigOption) is { } p) files.Add((p, $"--kubeconfig {EnvironmentSources.Display(inv, p)}"));
        }
        else if (EnvironmentSources.Variable(inv, ctx.World, "KUBECONFIG") is ({ } list, _))
        {
            foreach (var part in list.Split(':', StringSplitOptions.RemoveEmptyEntries).Take(MaxFiles))
                if (EnvironmentSources.Absolute(inv, part) is { } p) files.Add((p, EnvironmentSources.Display(inv, p) + " (in $KUBECONFIG)"));
        }
        else if (!inv.Environment.ContainsKey("KUBECONFIG"))
        {
            var p = inv.Context.Home.TrimEnd('/') + "/.kube/config";
            files.Add((p, EnvironmentSources.Display(inv, p)));
        }

        var docs = new List<(Dictionary<string, object?> Doc, string Label)>();
        foreach (var (path, label) in files)
            if (EnvironmentSources.ReadYaml(ctx.World, inv, path) is { } doc)
                docs.Add((doc, label));

        var hints = new List<EnvironmentHint>();
        string? context = contextOption, fromFile = null;
        if (context is null)
            foreach (var (doc, label) in docs)
                if (MiniYaml.Get(doc, "current-context") is { Length: > 0 } current)
                {
                    context = current;
                    fromFile = label;
                    hints.Add(new("kube context", current, $"{label} current-context"));
                    break;
                }
        if (context is null) return new Target(null, null, null, null, null, hints);

        string? cluster = null, server = null, ns = null;
        var entry = docs.Select(d => (Entry: MiniYaml.Named(d.Doc, "contexts", context), d.Label)).FirstOrDefault(d => d.Entry is not null);
        if (entry.Entry is { } found)
        {
            cluster = MiniYaml.Get(found, "context", "cluster");
            ns = MiniYaml.Get(found, "context", "namespace");
            if (!clusterGiven && cluster is not null)
                hints.Add(new("cluster", cluster, $"context `{context}` in {entry.Label}"));
            if (!namespaceGiven && ns is not null)
                hints.Add(new("namespace", ns, $"context `{context}` in {entry.Label}"));
            if (!clusterGiven && cluster is not null)
            {
                var c = docs.Select(d => (Entry: MiniYaml.Named(d.Doc, "clusters", cluster), d.Label)).FirstOrDefault(d => d.Entry is not null);
                server = c.Entry is null ? null : MiniYaml.Get(c.Entry, "cluster", "server");
                if (server is not null) hints.Add(new("API server", server, $"cluster `{cluster}` in {c.Label}"));
            }
        }
        return new Target(context, fromFile, cluster, server, ns, hints);
    }
}
