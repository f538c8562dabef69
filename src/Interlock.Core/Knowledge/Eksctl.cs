namespace Interlock.Core.Knowledge;

/// <summary>eksctl: deleting EKS clusters and node groups, draining and scaling to zero; creating and upgrading.</summary>
public sealed class Eksctl : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["eksctl"];

    private static readonly HashSet<string> Valued =
    [
        "-n", "--name", "-c", "--cluster", "-f", "--config-file", "-r", "--region", "-p", "--profile", "-N", "--nodes", "-m", "--nodes-min",
        "-M", "--nodes-max", "-t", "--node-type", "--version", "--namespace", "--timeout", "--node-ami", "--zones", "--tags", "--role-arn",
        "--attach-policy-arn", "--arn", "--username", "--group", "--service-account", "--role-name", "--addon", "--output", "-o",
        "--instance-types", "--max-pods-per-node", "--ssh-public-key", "--vpc-private-subnets", "--vpc-public-subnets", "--include",
        "--exclude", "--parallel", "--labels", "-l", "--color", "-C", "--verbose", "-v", "--kubeconfig", "--principal-arn", "--type",
        "--max-grace-period", "--pod-eviction-wait-period", "--node-private-networking", "--managed", "--spot",
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h")) return;
        var words = CloudArgs.Operands(args, Valued.Contains);
        if (words.Count == 0) return;
        if (CloudArgs.IsUnknownSubcommand(words[0], "eksctl", "delete", inv, effects)) return;
        var verb = words[0].Text;
        var kind = words.Count > 1 ? words[1].Text : "";
        var named = words.Count > 2 ? words[2] : null;
        var nameArg = CloudArgs.Value(args, "-n", "--name") ?? named;
        var clusterArg = kind is "cluster" ? nameArg : CloudArgs.Value(args, "-c", "--cluster");
        var configFile = CloudArgs.Value(args, "-f", "--config-file");
        var hints = new List<(string, string?)>
        {
            ("EKS cluster", clusterArg?.Text), (kind, nameArg?.Text), ("config file", configFile?.Text),
            ("AWS profile", CloudArgs.Value(args, "-p", "--profile")?.Text),
        };
        var env = CloudArgs.Environment(ctx, hints);
        var cluster = clusterArg is not null ? $"cluster `{CloudArgs.Show(clusterArg)}`" : configFile is not null ? $"the cluster in `{CloudArgs.Show(configFile)}`" : "the cluster";
        var thing = kind switch
        {
            "cluster" => cluster,
            "nodegroup" or "ng" => $"node group {(nameArg is not null ? $"`{CloudArgs.Show(nameArg)}`" : configFile is not null ? $"(from `{CloudArgs.Show(configFile)}`)" : "")} of {cluster}",
            _ => $"{kind} {(nameArg is not null ? $"`{CloudArgs.Show(nameArg)}` " : "")}of {cluster}",
        };
        var target = kind is "cluster" ? clusterArg?.Text ?? configFile?.Text ?? "cluster" : $"{kind} {nameArg?.Text ?? configFile?.Text} ({clusterArg?.Text ?? "cluster"})";
        var dryRun = CloudArgs.Has(args, "--dry-run");
        var approve = CloudArgs.Has(args, "--approve");

        switch (verb)
        {
            case "delete":
                if (CloudArgs.Has(args, "--only-missing") && !approve) return; // plan only
                CloudArgs.Add(effects, EffectKind.DestroyInfrastructure, target,
                    kind == "cluster"
                        ? $"`eksctl delete cluster` deletes {cluster} with its node groups, workloads and the volumes and load balancers they own"
                        : kind is "nodegroup" or "ng"
                            ? $"`eksctl delete nodegroup` drains and deletes {thing}; its pods are evicted"
                            : $"`eksctl delete {kind}` deletes {thing}", inv, env, recursive: kind == "cluster");
                break;
            case "drain":
                if (CloudArgs.Has(args, "--undo"))
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`eksctl drain --undo` makes {thing} schedulable again", inv, env);
                else
                    CloudArgs.Add(effects, EffectKind.DeleteClusterResources, target, $"`eksctl drain` evicts every pod from {thing}", inv, env);
                break;
            case "scale":
                var nodes = CloudArgs.Value(args, "-N", "--nodes")?.Text;
                if (nodes == "0")
                    CloudArgs.Add(effects, EffectKind.DeleteClusterResources, target, $"`eksctl scale --nodes 0` removes every node of {thing}; its pods have nowhere to run", inv, env);
                else
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`eksctl scale` resizes {thing}{(nodes is not null ? $" to {nodes} nodes" : "")}", inv, env);
                break;
            case "upgrade":
                if (kind == "cluster" && !approve) return; // without --approve it only prints the plan
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`eksctl upgrade {kind}` upgrades {thing}", inv, env);
                break;
            case "create":
                if (dryRun) return;
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`eksctl create {kind}` creates {thing}", inv, env);
                break;
            case "update" or "set" or "unset" or "enable" or "register" or "deregister" or "associate" or "disassociate":
                if (dryRun) return;
                CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`eksctl {verb} {kind}` changes {thing}", inv, env);
                break;
            case "utils":
                if (kind.StartsWith("describe", StringComparison.Ordinal) || kind is "schema" or "nodegroup-health" or "write-kubeconfig") return;
                if (kind is "update-cluster-vpc-config" or "update-cluster-logging" or "update-legacy-subnet-settings" or "install-vpc-controllers" ||
                    kind.StartsWith("update-", StringComparison.Ordinal) || kind.StartsWith("set-", StringComparison.Ordinal) || kind.StartsWith("associate-", StringComparison.Ordinal))
                {
                    if (!approve) return; // eksctl utils plans unless --approve
                    CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"`eksctl utils {kind}` changes {cluster}", inv, env);
                }
                break;
        }
    }
}
