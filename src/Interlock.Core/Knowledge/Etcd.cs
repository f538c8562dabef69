namespace Interlock.Core.Knowledge;

/// <summary>
/// etcdctl (v3 API): <c>del</c> deletes a key, or every key under a prefix (<c>--prefix</c>) or from a key on
/// (<c>--from-key</c>); <c>compaction</c> discards the history before a revision; <c>lease revoke</c> deletes every
/// key attached to the lease; <c>member remove</c> takes a member out of the cluster. The cluster is
/// <c>--endpoints</c> or ETCDCTL_ENDPOINTS, read as hosts for the environment.
/// </summary>
public sealed class Etcd : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["etcdctl"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "--version")) return;
        var words = CloudArgs.Operands(args, o => o is "--endpoints" or "--user" or "--password" or "--cacert" or "--cert" or "--key" or "--dial-timeout" or "--command-timeout" or "-w" or "--write-out" or "--lease" or "--discovery-srv");
        if (words.Count == 0) return;
        var endpoints = CloudArgs.Value(args, "--endpoints")?.Text
            ?? Environments.EnvironmentSources.Variable(inv, ctx.World, "ETCDCTL_ENDPOINTS").Value;
        var hosts = (endpoints ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(e => ("host", (string?)e.Trim())).ToList();
        var env = CloudArgs.Environment(ctx, hosts);
        var cluster = endpoints is null ? "the etcd cluster" : $"the etcd cluster at {endpoints}";
        var key = words.Count > 1 ? words[1].Text : null;
        switch (words[0].Text)
        {
            case "del":
                if (CloudArgs.Has(args, "--from-key"))
                    CloudArgs.Add(effects, EffectKind.DestroyData, $"keys from {key}", $"`etcdctl del --from-key` deletes every key from `{key}` on in {cluster}", inv, env, recursive: true);
                else if (CloudArgs.Has(args, "--prefix"))
                    CloudArgs.Add(effects, EffectKind.DestroyData, $"keys under {key}",
                        string.IsNullOrEmpty(key) || key == "/" ? $"`etcdctl del --prefix` deletes every key in {cluster}" : $"`etcdctl del --prefix` deletes every key under `{key}` in {cluster}",
                        inv, env, recursive: true);
                else if (key is not null)
                    CloudArgs.Add(effects, EffectKind.DestroyData, $"key {key}", $"`etcdctl del` deletes the key `{key}` in {cluster}", inv, env);
                break;
            case "compaction" or "compact":
                CloudArgs.Add(effects, EffectKind.DestroyData, "history", $"`etcdctl compaction` discards every revision before {key ?? "the given one"} in {cluster}: older values cannot be read or restored", inv, env);
                break;
            case "lease" when key == "revoke":
                CloudArgs.Add(effects, EffectKind.DestroyData, "leased keys", $"`etcdctl lease revoke` deletes every key attached to the lease in {cluster}", inv, env);
                break;
            case "member" when key == "remove":
                CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, "member", $"`etcdctl member remove` takes a member out of {cluster}", inv, env);
                break;
            case "put" or "txn":
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, cluster, $"`etcdctl {words[0].Text}` changes {cluster}", inv, env, reversible: true);
                break;
        }
    }
}
