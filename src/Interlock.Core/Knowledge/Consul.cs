namespace Interlock.Core.Knowledge;

/// <summary>
/// Consul's CLI: <c>kv delete</c> deletes a key, or every key under a prefix with <c>-recurse</c>;
/// <c>services deregister</c>, <c>acl ... delete</c>, <c>intention delete</c>, <c>config delete</c> and
/// <c>namespace/partition delete</c> remove what they name; <c>kv put</c>/<c>kv import</c> change data (asked in
/// production). Consul's flags take one dash or two (Go's flag package). The server is <c>-http-addr</c> or
/// CONSUL_HTTP_ADDR, and <c>-datacenter</c> names the datacenter, both read for the environment.
/// </summary>
public sealed class Consul : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["consul"];

    private static bool TakesValue(string option) =>
        option.TrimStart('-') is "http-addr" or "datacenter" or "token" or "token-file" or "namespace" or "partition" or "ca-file" or "client-cert" or "client-key" or "separator" or "cas" or "modify-index" or "flags" or "id" or "name";

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "-h", "--help", "-help", "version")) return;
        var words = CloudArgs.Operands(args, TakesValue);
        if (words.Count < 2) return;
        var address = Option(args, "http-addr") ?? Environments.EnvironmentSources.Variable(inv, ctx.World, "CONSUL_HTTP_ADDR").Value;
        var datacenter = Option(args, "datacenter");
        var env = CloudArgs.Environment(ctx, [("host", address), ("datacenter", datacenter)]);
        var where = address is null ? "the Consul cluster" : $"the Consul cluster at {address}";
        var (group, verb) = (words[0].Text, words[1].Text);
        var recurse = args.Any(a => a.Text.TrimStart('-') is "recurse" or "recurse=true");
        var name = words.Count > 2 ? words[2].Text : null;
        switch (group, verb)
        {
            case ("kv", "delete"):
                CloudArgs.Add(effects, EffectKind.DestroyData, recurse ? $"keys under {name ?? "/"}" : $"key {name}",
                    recurse ? (string.IsNullOrEmpty(name) ? $"`consul kv delete -recurse` deletes every key in {where}" : $"`consul kv delete -recurse` deletes every key under `{name}` in {where}")
                            : $"`consul kv delete` deletes the key `{name}` in {where}", inv, env, recursive: recurse);
                break;
            case ("kv", "put" or "import"):
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, where, $"`consul kv {verb}` writes keys in {where}, replacing their values", inv, env);
                break;
            case ("services", "deregister"):
                CloudArgs.Add(effects, EffectKind.DeleteClusterResources, "service", $"`consul services deregister` removes a service from {where}; clients stop finding it", inv, env);
                break;
            case ("acl" or "intention" or "config" or "namespace" or "partition" or "peering", _) when verb == "delete" || (words.Count > 2 && words[2].Text == "delete"):
                CloudArgs.Add(effects, EffectKind.DestroyData, $"{group} object", $"`consul {group} ... delete` deletes {group} configuration in {where}", inv, env);
                break;
            case ("snapshot", "restore"):
                CloudArgs.Add(effects, EffectKind.DestroyData, where, $"`consul snapshot restore` replaces the whole state of {where} (keys, services, ACLs) with the snapshot's", inv, env, recursive: true);
                break;
        }
    }

    private static string? Option(IReadOnlyList<Arg> args, string name)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if ((t == "-" + name || t == "--" + name) && i + 1 < args.Count) return args[i + 1].Text;
            foreach (var prefix in new[] { "-" + name + "=", "--" + name + "=" })
                if (t.StartsWith(prefix, StringComparison.Ordinal)) return t[prefix.Length..];
        }
        return null;
    }
}
