using Interlock.Core.Analysis;

namespace Interlock.Core.Knowledge;

/// <summary>
/// <c>kubectl</c> and OpenShift's <c>oc</c>: deleting namespaces, workloads, volume claims, CRDs and nodes; scaling to
/// zero; draining; state changes (apply, create, patch...) that matter in production; and commands run inside a pod
/// with <c>kubectl exec</c>, which are analysed like any other shell command.
/// </summary>
public sealed class Kubectl : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["kubectl", "oc"];

    /// <summary>kubectl and oc take KUBECONFIG and tokens from their environment and print none of them.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly HashSet<string> ValuedLong =
    [
        "--context", "--cluster", "--namespace", "--kubeconfig", "--server", "--user", "--token", "--as", "--as-group",
        "--as-uid", "--request-timeout", "--cache-dir", "--certificate-authority", "--client-certificate", "--client-key",
        "--tls-server-name", "--password", "--username", "--profile", "--profile-output", "--log-file", "--log-dir",
        "--selector", "--filename", "--output", "--container", "--field-selector", "--grace-period", "--timeout",
        "--replicas", "--current-replicas", "--resource-version", "--kustomize", "--patch", "--patch-file", "--type",
        "--to-revision", "--prune-allowlist", "--prune-whitelist", "--field-manager", "--image", "--chunk-size",
        "--template", "--sort-by", "--label-columns", "--since", "--since-time", "--tail", "--pod-running-timeout",
        "--pod-selector", "--skip-wait-for-delete-timeout", "--overrides", "--env", "--from", "--from-file",
        "--from-literal", "--from-env-file", "--port", "--target-port", "--name", "--revision", "--for",
        "--subresource", "--raw", "--min", "--max", "--cpu-percent", "--session-affinity", "--external-ip",
        "--protocol", "--generator", "--restart", "--labels", "--requests", "--limits", "--serviceaccount",
        "--target", "--copy-to", "--attach", "--vmodule", "--v", "--disable-eviction", "--kuberc",
    ];

    private const string ValuedShort = "nlfockpsvecL";

    private static readonly HashSet<string> ReadOnly =
    [
        "get", "describe", "logs", "log", "top", "explain", "api-resources", "api-versions", "version", "cluster-info",
        "diff", "events", "wait", "port-forward", "proxy", "completion", "plugin", "kustomize", "options", "help",
        "attach", "config", "whoami", "status", "project", "projects", "login", "logout", "process", "observe",
        "image", "registry", "extract", "ex", "run-once",
    ];

    /// <summary>Canonical resource type names for the aliases people type.</summary>
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["ns"] = "namespace", ["namespace"] = "namespace", ["namespaces"] = "namespace",
        ["project"] = "namespace", ["projects"] = "namespace",
        ["deploy"] = "deployment", ["deployment"] = "deployment", ["deployments"] = "deployment",
        ["dc"] = "deploymentconfig", ["deploymentconfig"] = "deploymentconfig", ["deploymentconfigs"] = "deploymentconfig",
        ["sts"] = "statefulset", ["statefulset"] = "statefulset", ["statefulsets"] = "statefulset",
        ["ds"] = "daemonset", ["daemonset"] = "daemonset", ["daemonsets"] = "daemonset",
        ["rs"] = "replicaset", ["replicaset"] = "replicaset", ["replicasets"] = "replicaset",
        ["rc"] = "replicationcontroller", ["replicationcontroller"] = "replicationcontroller", ["replicationcontrollers"] = "replicationcontroller",
        ["po"] = "pod", ["pod"] = "pod", ["pods"] = "pod",
        ["job"] = "job", ["jobs"] = "job",
        ["cj"] = "cronjob", ["cronjob"] = "cronjob", ["cronjobs"] = "cronjob",
        ["svc"] = "service", ["service"] = "service", ["services"] = "service",
        ["ing"] = "ingress", ["ingress"] = "ingress", ["ingresses"] = "ingress",
        ["pvc"] = "persistentvolumeclaim", ["persistentvolumeclaim"] = "persistentvolumeclaim", ["persistentvolumeclaims"] = "persistentvolumeclaim",
        ["pv"] = "persistentvolume", ["persistentvolume"] = "persistentvolume", ["persistentvolumes"] = "persistentvolume",
        ["crd"] = "customresourcedefinition", ["crds"] = "customresourcedefinition",
        ["customresourcedefinition"] = "customresourcedefinition", ["customresourcedefinitions"] = "customresourcedefinition",
        ["no"] = "node", ["node"] = "node", ["nodes"] = "node",
        ["secret"] = "secret", ["secrets"] = "secret",
        ["cm"] = "configmap", ["configmap"] = "configmap", ["configmaps"] = "configmap",
        ["sa"] = "serviceaccount", ["serviceaccount"] = "serviceaccount", ["serviceaccounts"] = "serviceaccount",
        ["ev"] = "event", ["event"] = "event", ["events"] = "event",
        ["sc"] = "storageclass", ["storageclass"] = "storageclass", ["storageclasses"] = "storageclass",
        ["hpa"] = "horizontalpodautoscaler", ["horizontalpodautoscaler"] = "horizontalpodautoscaler", ["horizontalpodautoscalers"] = "horizontalpodautoscaler",
        ["netpol"] = "networkpolicy", ["networkpolicy"] = "networkpolicy", ["networkpolicies"] = "networkpolicy",
        ["all"] = "all",
    };

    private static readonly HashSet<string> ClusterScoped =
    [
        "namespace", "node", "persistentvolume", "customresourcedefinition", "storageclass", "clusterrole",
        "clusterroles", "clusterrolebinding", "clusterrolebindings", "priorityclass", "priorityclasses",
        "mutatingwebhookconfiguration", "mutatingwebhookconfigurations", "validatingwebhookconfiguration",
        "validatingwebhookconfigurations", "apiservice", "apiservices", "csr", "certificatesigningrequest",
        "certificatesigningrequests", "ingressclass", "ingressclasses", "runtimeclass", "runtimeclasses",
    ];

    /// <summary>Commands whose output is a credential (kubectl reference): `config view --raw` shows the kubeconfig's
    /// client keys and tokens (without --raw they are redacted); `create token` prints a service account token; `get
    /// secret` with an output format (-o yaml/json/jsonpath/go-template) prints secrets' data (base64 is not encryption);
    /// a plain `get secrets` lists names only.</summary>
    private static bool PrintsCredential(Invocation inv, KnowledgeContext ctx, CliArgs p, string sub, List<Arg> rest, List<Effect> effects)
    {
        string? what = null;
        if (sub == "config" && rest.FirstOrDefault()?.Text == "view" && p.Has("--raw"))
            what = "the kubeconfig with its client keys, certificates and tokens";
        else if (sub == "create" && rest.FirstOrDefault()?.Text == "token")
            what = "a service account token";
        else if (sub == "get" && rest.Any(r => r.Text.Split('/')[0].Split(',').Any(k => k is "secret" or "secrets")) && p.Value("-o", "--output") is { } format
                 && (format is "yaml" or "json" or "wide-json" || format.StartsWith("jsonpath") || format.StartsWith("go-template") || format.StartsWith("template") || format.StartsWith("custom-columns")))
            what = "the secrets' data";
        if (what is null) return false;
        Credentials.Add(effects, inv, ctx, $"{inv.Name} {sub} {rest.FirstOrDefault()?.Text}", what);
        return true;
    }

    /// <summary><c>kubectl create secret generic NAME --from-file=KEY=/dev/stdin</c> (or <c>--from-env-file</c>) stores
    /// what it reads and prints only "secret/NAME created"; with <c>-o</c> it prints the secret back.</summary>
    public InputUse StandardInput(Invocation inv)
    {
        var p = CliArgs.Parse(inv.Args, 0, TakesValue);
        return p.Positionals is [{ Text: "create" }, { Text: "secret" }, ..] && p.Value("-o", "--output") is null
            && inv.Args.Any(a => (a.Text.StartsWith("--from-file=", StringComparison.Ordinal) || a.Text.StartsWith("--from-env-file=", StringComparison.Ordinal))
                                 && a.Text.EndsWith("/dev/stdin", StringComparison.Ordinal))
            ? InputUse.KeepsToItself
            : InputUse.Unknown;
    }

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var p = CliArgs.Parse(inv.Args, 0, TakesValue);
        if (p.Has("-h", "--help")) return;
        var pos = p.Positionals;
        if (pos.Count == 0) return;
        var sub = pos[0].Text;
        var rest = pos.Skip(1).ToList();
        if (inv.Name == "oc" && sub == "adm" && rest.Count > 0)
        {
            sub = rest[0].Text;
            rest = rest.Skip(1).ToList();
        }
        if (PrintsCredential(inv, ctx, p, sub, rest, effects)) return;
        if (ReadOnly.Contains(sub)) return;
        if (IsDryRun(p)) return;

        var k = new Target(inv, ctx, p);
        switch (sub)
        {
            case "delete":
                Delete(k, rest, effects);
                break;
            case "exec" or "rsh":
                Exec(k, sub, rest, effects);
                break;
            case "scale":
            {
                var replicas = p.Value("--replicas");
                var zero = replicas is not null && (!p.ValueKnown("--replicas") || replicas.Trim() == "0");
                foreach (var (what, env) in k.Objects(rest, "workload"))
                    effects.Add(zero
                        ? k.Make(EffectKind.DeleteClusterResources, what,
                            p.ValueKnown("--replicas")
                                ? $"scales {what}{k.Where(true)} to zero replicas, taking it down"
                                : $"scales {what}{k.Where(true)} to a replica count known only at run time (possibly zero)", env)
                        : k.Make(EffectKind.ChangeInfrastructure, what, $"scales {what}{k.Where(true)} to {replicas ?? "a new number of"} replicas", env));
                break;
            }
            case "drain":
                foreach (var (what, env) in k.Objects(rest, "node", "node"))
                    effects.Add(k.Make(EffectKind.DeleteClusterResources, what,
                        $"drains {what}: evicts every pod running on it{(p.Has("--delete-emptydir-data", "--delete-local-data") ? " and deletes their emptyDir data" : "")}{k.Where(false)}", env));
                break;
            case "cordon" or "uncordon" or "taint":
                foreach (var (what, env) in k.Objects(sub == "taint" ? rest.Take(2).ToList() : rest, "node", "node"))
                    effects.Add(k.Make(EffectKind.ChangeInfrastructure, what,
                        sub == "cordon" ? $"cordons {what} so no new pods are scheduled on it{k.Where(false)}"
                        : sub == "uncordon" ? $"makes {what} schedulable again{k.Where(false)}"
                        : $"taints {what}, which can evict or keep away pods{k.Where(false)}", env));
                break;
            case "replace":
                if (p.Has("--force"))
                    foreach (var (what, env) in k.Objects(rest, "resource"))
                        effects.Add(k.Make(EffectKind.DeleteClusterResources, what, $"`replace --force` deletes and re-creates {what}{k.Where(true)}; its pods restart and anything not in the manifest is lost", env));
                else Change(k, "replaces", rest, effects);
                break;
            case "apply":
            {
                var verb = rest.FirstOrDefault()?.Text;
                if (verb == "view-last-applied") return;
                if (verb is "edit-last-applied" or "set-last-applied") rest = rest.Skip(1).ToList();
                if (p.Has("--prune"))
                {
                    var scope = p.Value("-l", "--selector") is { } sel ? $"every resource labelled `{sel}`" : "every resource";
                    var manifests = p.ValueArgs("-f", "--filename").Concat(p.ValueArgs("-k", "--kustomize")).Select(a => $"`{a.Text}`").ToList();
                    var (_, env) = k.Objects(rest, "resource").OrderByDescending(o => o.Env.Item1 == TargetEnvironment.Production).First();
                    effects.Add(k.Make(EffectKind.DeleteClusterResources, "pruned resources",
                        $"`apply --prune` deletes {scope}{k.Where(true)} that is not in {(manifests.Count > 0 ? string.Join(", ", manifests) : "the applied manifests")}", env));
                }
                if (p.Has("--force"))
                    foreach (var (what, env) in k.Objects(rest, "resource"))
                        effects.Add(k.Make(EffectKind.DeleteClusterResources, what, $"`apply --force` deletes and re-creates {what}{k.Where(true)} when it cannot be patched", env));
                Change(k, "applies", rest, effects);
                break;
            }
            case "rollout":
            {
                var action = rest.FirstOrDefault()?.Text;
                if (action is null or "status" or "history") return;
                var verb = action switch
                {
                    "undo" => "rolls back",
                    "restart" => "restarts every pod of",
                    "pause" => "pauses the rollout of",
                    "resume" => "resumes the rollout of",
                    _ => $"runs `rollout {action}` on",
                };
                Change(k, verb, rest.Skip(1).ToList(), effects);
                break;
            }
            case "patch":
            {
                var patch = p.Value("-p", "--patch") ?? "";
                if (ScalesToZero(patch))
                    foreach (var (what, env) in k.Objects(rest, "resource"))
                        effects.Add(k.Make(EffectKind.DeleteClusterResources, what, $"patches {what}{k.Where(true)} to zero replicas, taking it down", env));
                else Change(k, "patches", rest, effects);
                break;
            }
            case "set":
                Change(k, $"changes the {rest.FirstOrDefault()?.Text ?? "settings"} of", rest.Skip(1).ToList(), effects);
                break;
            case "create":
            {
                // `create namespace prod`, `create deployment web --image=...`, `create -f x.yaml`, `create secret generic s`.
                var what = rest.Count == 0 ? null : rest[0].Text is "secret" or "service" && rest.Count > 2 ? $"{rest[0].Text} {rest[1].Text} `{rest[2].Text}`"
                    : rest.Count > 1 ? $"{Canonical(rest[0].Text)} `{rest[1].Text}`" : null;
                if (what is not null)
                {
                    var env = KnowledgeContext.Strictest(k.Environment(rest.Skip(1).Take(2).Select(a => a.Text), Canonical(rest[0].Text) == "namespace"));
                    effects.Add(k.Make(EffectKind.ChangeInfrastructure, what, $"creates {what}{k.Where(Canonical(rest[0].Text) != "namespace")}", env));
                }
                else Change(k, "creates", rest, effects);
                break;
            }
            case "edit" or "label" or "annotate" or "expose" or "autoscale" or "run" or "debug" or "new-app" or "new-project"
                or "start-build" or "rollback" or "tag" or "import-image" or "policy":
            {
                var targets = sub is "label" or "annotate" ? rest.Where(a => !a.Text.Contains('=') && !a.Text.EndsWith('-')).ToList()
                    : sub is "run" or "new-project" or "debug" ? rest.Take(1).ToList() : rest;
                Change(k, sub switch
                {
                    "edit" => "edits",
                    "label" => "changes the labels of",
                    "annotate" => "changes the annotations of",
                    "expose" => "exposes",
                    "autoscale" => "sets up autoscaling for",
                    "run" => "starts",
                    "debug" => "starts a debugging container for",
                    "new-project" => "creates",
                    "rollback" => "rolls back",
                    _ => $"runs `{sub}` on",
                }, targets, effects, sub switch { "run" => "pod", "debug" => "pod", "new-project" => "project", _ => null });
                break;
            }
            case "cp":
            {
                var dest = rest.LastOrDefault();
                if (rest.Count >= 2 && dest is not null && dest.Text.Contains(':'))
                    effects.Add(k.Make(EffectKind.ChangeInfrastructure, dest.Text, $"copies files into pod path `{dest.Text}`, overwriting what is there{k.Where(true)}",
                        KnowledgeContext.Strictest(k.Environment([dest.Text.Split(':')[0]], false))));
                break;
            }
            case "certificate":
                if (rest.FirstOrDefault()?.Text is "approve" or "deny")
                    Change(k, $"{rest[0].Text}s the certificate request", rest.Skip(1).ToList(), effects);
                break;
            case "auth":
                if (rest.FirstOrDefault()?.Text == "reconcile")
                    Change(k, "reconciles RBAC rules from", rest.Skip(1).ToList(), effects);
                break;
        }
    }

    private static bool TakesValue(string flag) =>
        flag.StartsWith("--") ? ValuedLong.Contains(flag) : flag.Length == 2 && ValuedShort.Contains(flag[1]);

    private static bool IsDryRun(CliArgs p)
    {
        foreach (var f in p.Flags)
            if (f.Name == "--dry-run")
                return f.Value is null || (f.ValueKnown && f.Value is "client" or "server" or "true");
        return false;
    }

    /// <summary>A JSON or merge patch that sets <c>replicas</c> to 0.</summary>
    private static bool ScalesToZero(string patch)
    {
        var s = new string(patch.Where(c => !char.IsWhiteSpace(c)).ToArray());
        foreach (var marker in new[] { "\"replicas\":0", "replicas:0", "\"value\":0" })
        {
            var at = s.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) continue;
            var end = at + marker.Length;
            if (end < s.Length && char.IsAsciiDigit(s[end])) continue;
            if (marker == "\"value\":0" && !s.Contains("/spec/replicas", StringComparison.Ordinal)) continue;
            return true;
        }
        return false;
    }

    public static string Canonical(string type)
    {
        var t = type.ToLowerInvariant();
        if (Aliases.TryGetValue(t, out var c)) return c;
        // deployments.apps, jobs.batch/v1
        var dot = t.IndexOf('.');
        if (dot > 0 && Aliases.TryGetValue(t[..dot], out var g) && t[(dot + 1)..] is "apps" or "batch" or "v1" or "apps/v1" or "batch/v1" or "networking.k8s.io" or "apiextensions.k8s.io" or "core" or "rbac.authorization.k8s.io")
            return g;
        return t;
    }

    private static void Change(Target k, string verb, List<Arg> rest, List<Effect> effects, string? impliedType = null)
    {
        foreach (var (what, env) in k.Objects(rest, "resource", impliedType))
            effects.Add(k.Make(EffectKind.ChangeInfrastructure, what, $"{verb} {what}{k.Where(true)}", env));
    }

    private static void Delete(Target k, List<Arg> rest, List<Effect> effects)
    {
        var p = k.Args;
        var files = p.ValueArgs("-f", "--filename").Concat(p.ValueArgs("-k", "--kustomize")).ToList();
        foreach (var f in files)
        {
            var env = KnowledgeContext.Strictest([.. k.BaseEnvironment(), k.Ctx.InferEnvironment("manifest", f.Text)]);
            var what = f.Known ? $"`{f.Text}`" : $"`{f.Text}` (named at run time)";
            effects.Add(k.Make(EffectKind.DeleteClusterResources, f.Text,
                $"deletes every resource defined in {what}{(p.Has("-R", "--recursive") ? " and the manifests below it" : "")}{k.Where(true)}", env));
        }
        if (rest.Count == 0) return;

        var allNamespaces = p.Has("-A", "--all-namespaces");
        var selector = p.Value("-l", "--selector");
        var fieldSelector = p.Value("--field-selector");
        var all = p.Has("--all");
        var immediately = p.Has("--now") || p.Value("--grace-period") == "0" || (p.Has("--force") && p.Value("--grace-period") is "0" or "1") ? ", immediately and without a graceful shutdown" : "";

        var targets = new List<(string Type, Arg? Name)>();
        if (!rest[0].Known)
        {
            // `kubectl delete $(kubectl get ns -o name)`: what is deleted is only known at run time.
            foreach (var a in rest) targets.Add(("resource", a));
        }
        else if (rest[0].Text.Contains('/'))
        {
            foreach (var a in rest)
            {
                var slash = a.Text.IndexOf('/');
                if (slash > 0) targets.Add((Canonical(a.Text[..slash]), a with { Text = a.Text[(slash + 1)..] }));
                else targets.Add(("resource", a));
            }
        }
        else
        {
            var types = rest[0].Known ? rest[0].Text.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Canonical).ToList() : ["resource"];
            var names = rest.Skip(1).ToList();
            foreach (var t in types)
            {
                if (names.Count == 0) targets.Add((t, null));
                else foreach (var n in names) targets.Add((t, n));
            }
        }

        foreach (var (type, name) in targets)
        {
            if (type == "event") continue; // events are ephemeral records
            // Cleaning up finished pods or jobs (`--field-selector=status.phase=Failed`) removes nothing that runs.
            if (name is null && type is "pod" && fieldSelector is { } fs && (fs.Contains("status.phase=Failed") || fs.Contains("status.phase=Succeeded")) && !fs.Contains(','))
                continue;
            var namespaced = !ClusterScoped.Contains(type);
            var label = Label(type);
            string what;
            string target;
            if (name is not null)
            {
                target = $"{type} {name.Text}";
                what = name.Known ? $"{label} `{name.Text}`" : $"the {label} named at run time (`{name.Text}`)";
            }
            else if (selector is not null)
            {
                target = $"{type} -l {selector}";
                what = type == "all" ? $"every workload and service labelled `{selector}`" : $"every {label} labelled `{selector}`";
            }
            else if (all || fieldSelector is not null)
            {
                target = $"{type} --all";
                what = type == "all" ? "every pod, service, deployment, replica set, stateful set, daemon set, job and cron job"
                    : $"every {label}{(fieldSelector is not null ? $" matching `{fieldSelector}`" : "")}";
            }
            else continue; // kubectl refuses a type without names, --all or a selector

            var consequence = type switch
            {
                "namespace" => " and everything in it (workloads, services, secrets, volume claims and their data)",
                "persistentvolumeclaim" => "; with the usual Delete reclaim policy the volume and its data are destroyed",
                "persistentvolume" => " and, with reclaim policy Delete, the data stored on it",
                "customresourcedefinition" => name is null ? " and every custom resource of those kinds, in all namespaces" : " and every custom resource of that kind, in all namespaces",
                "node" => " from the cluster; the pods on it are lost",
                "secret" => "; its values are gone unless they are kept elsewhere",
                "statefulset" => "; its pods stop (their volume claims stay)",
                "deployment" or "daemonset" or "replicaset" or "deploymentconfig" or "replicationcontroller" => "; its pods stop",
                "pod" when name is null => "; pods without a controller are not re-created",
                _ => "",
            };
            var kind = type is "persistentvolumeclaim" or "persistentvolume" ? EffectKind.DestroyData : EffectKind.DeleteClusterResources;
            var env = KnowledgeContext.Strictest([.. k.BaseEnvironment(),
                name is not null ? k.Ctx.InferEnvironment(type == "namespace" ? "namespace" : label, name.Text) : default,
                selector is not null ? k.Ctx.InferEnvironment("label selector", selector) : default]);
            var scope = allNamespaces && namespaced ? " in every namespace" + k.Where(false) : k.Where(namespaced);
            effects.Add(k.Make(kind, target, $"deletes {what}{scope}{immediately}{consequence}", env));
        }
    }

    private static string Label(string type) => type switch
    {
        "persistentvolumeclaim" => "persistent volume claim",
        "persistentvolume" => "persistent volume",
        "customresourcedefinition" => "custom resource definition",
        "statefulset" => "stateful set",
        "daemonset" => "daemon set",
        "replicaset" => "replica set",
        "cronjob" => "cron job",
        "configmap" => "config map",
        "serviceaccount" => "service account",
        "resource" => "resource",
        _ => type,
    };

    private static void Exec(Target k, string sub, List<Arg> rest, List<Effect> effects)
    {
        var p = k.Args;
        // `kubectl exec [-it] pod [-c c] -- cmd...`; the old form without `--` puts the command after the pod.
        var pod = rest.FirstOrDefault();
        if (pod is null) return;
        var command = p.DashDash ? p.AfterDashDash : [];
        if (!p.DashDash)
        {
            // `oc rsh pod cmd -x` and the old `kubectl exec pod cmd`: everything after the pod is the command.
            var args = k.Invocation.Args;
            var at = -1;
            for (var i = 0; i < args.Count; i++)
                if (ReferenceEquals(args[i], pod)) { at = i; break; }
            command = at >= 0 ? args.Skip(at + 1).ToList() : rest.Skip(1).ToList();
        }
        if (command.Count == 0) return;
        var code = CliArgs.JoinWords(command);
        var inv = k.Invocation;
        var context = new ExecContext([null], "/root", $"pod {pod.Text}", [.. inv.Context.Via, inv.Name == "oc" && sub == "rsh" ? "oc rsh" : $"{inv.Name} exec"]);
        var env = KnowledgeContext.Strictest([.. k.BaseEnvironment(), k.Ctx.InferEnvironment("pod", pod.Text)]);
        foreach (var e in k.Ctx.AnalyzeShellCode(code, context, inv))
            effects.Add(WithEnvironment(e, env));
    }

    /// <summary>Gives an effect found inside a pod or container the environment of where it runs, unless it has a stricter one.</summary>
    public static Effect WithEnvironment(Effect e, (TargetEnvironment Environment, string? Evidence) env)
    {
        var (environment, evidence) = KnowledgeContext.Strictest((e.Environment, e.EnvironmentEvidence), env);
        return e with { Environment = environment, EnvironmentEvidence = evidence };
    }

    /// <summary>The cluster, namespace and names one kubectl invocation addresses.</summary>
    private sealed class Target(Invocation inv, KnowledgeContext ctx, CliArgs args)
    {
        public Invocation Invocation { get; } = inv;
        public KnowledgeContext Ctx { get; } = ctx;
        public CliArgs Args { get; } = args;
        private string? KubeContext => Args.Value("--context");
        private string? Cluster => Args.Value("--cluster");
        private string? Namespace => Args.Value("-n", "--namespace");

        private Environments.KubeConfig.Target? _kube;

        /// <summary>What the kubeconfig kubectl would read says (the current context, its cluster's server and namespace).</summary>
        public Environments.KubeConfig.Target Kube => _kube ??= Environments.KubeConfig.Read(Ctx, Invocation,
            Args.Value("--kubeconfig"), KubeContext, Cluster is not null || Args.Value("-s", "--server") is not null, Namespace is not null);

        public IEnumerable<(TargetEnvironment, string?)> BaseEnvironment()
        {
            foreach (var e in Environments.EnvironmentSources.Infer(Ctx, Kube.Hints)) yield return e;
            yield return Ctx.InferEnvironment("kube context", KubeContext);
            yield return Ctx.InferEnvironment("cluster", Cluster);
            yield return Ctx.InferEnvironment("namespace", Namespace);
            yield return Ctx.InferEnvironment("API server", Args.Value("-s", "--server"));
            yield return Ctx.InferEnvironment("kubeconfig", Args.Value("--kubeconfig") ?? Invocation.GetEnvironment("KUBECONFIG"));
        }

        public (TargetEnvironment, string?)[] Environment(IEnumerable<string> names, bool namespaces) =>
            [.. BaseEnvironment(), .. names.Select(n => Ctx.InferEnvironment(namespaces ? "namespace" : "resource", n))];

        public string Where(bool namespaced) =>
            (namespaced && Namespace is { } ns ? $" in namespace `{ns}`" : "") +
            (KubeContext is { } c ? $" in cluster context `{c}`" : Cluster is { } cl ? $" in cluster `{cl}`"
                : Kube.Context is { } current ? $" in cluster context `{current}` (current-context of {Kube.FromFile})" : "");

        public Effect Make(EffectKind kind, string target, string description, (TargetEnvironment Environment, string? Evidence) env) =>
            new(kind, target, PathClass.Unknown, Recursive: kind != EffectKind.ChangeInfrastructure, Reversible: kind == EffectKind.ChangeInfrastructure, description, Invocation)
            {
                Environment = env.Environment,
                EnvironmentEvidence = env.Evidence,
            };

        /// <summary>The objects a command names: <c>type name...</c>, <c>type/name...</c>, <c>-f file</c>, or a
        /// selector; each with the environment its names suggest.</summary>
        public List<(string What, (TargetEnvironment, string?) Env)> Objects(List<Arg> rest, string fallbackType, string? impliedType = null)
        {
            var result = new List<(string, (TargetEnvironment, string?))>();
            foreach (var f in Args.ValueArgs("-f", "--filename").Concat(Args.ValueArgs("-k", "--kustomize")))
                result.Add(($"the resources in `{f.Text}`", KnowledgeContext.Strictest([.. BaseEnvironment(), Ctx.InferEnvironment("manifest", f.Text)])));
            var selector = Args.Value("-l", "--selector");
            if (impliedType is not null && !(rest.Count > 0 && rest[0].Text.Contains('/')))
            {
                foreach (var n in rest)
                    result.Add(($"{impliedType} `{n.Text}`", KnowledgeContext.Strictest(Environment([n.Text], false))));
                if (rest.Count == 0 && selector is not null)
                    result.Add(($"every {impliedType} labelled `{selector}`", KnowledgeContext.Strictest([.. BaseEnvironment(), Ctx.InferEnvironment("label selector", selector)])));
            }
            else if (rest.Count > 0 && rest[0].Text.Contains('/'))
            {
                foreach (var a in rest.Where(a => a.Text.Contains('/')))
                {
                    var slash = a.Text.IndexOf('/');
                    var type = Canonical(a.Text[..slash]);
                    var name = a.Text[(slash + 1)..];
                    result.Add(($"{Label(type)} `{name}`", KnowledgeContext.Strictest(Environment([name], type == "namespace"))));
                }
            }
            else if (rest.Count > 0)
            {
                var type = Canonical(rest[0].Text);
                foreach (var n in rest.Skip(1))
                    result.Add(($"{Label(type)} `{n.Text}`", KnowledgeContext.Strictest(Environment([n.Text], type == "namespace"))));
                if (rest.Count == 1)
                    result.Add((selector is not null ? $"every {Label(type)} labelled `{selector}`" : Args.Has("--all") ? $"every {Label(type)}" : $"{Label(type)} resources",
                        KnowledgeContext.Strictest([.. BaseEnvironment(), Ctx.InferEnvironment("label selector", selector)])));
            }
            if (result.Count == 0)
                result.Add(($"{fallbackType}s", KnowledgeContext.Strictest([.. BaseEnvironment()])));
            return result;
        }
    }
}

/// <summary>
/// Arguments of a Go-style CLI (kubectl, helm, docker): flags may come anywhere, <c>--flag=value</c> or
/// <c>--flag value</c>, short bundles (<c>-it</c>, <c>-nprod</c>), and <c>--</c> ending the options.
/// </summary>
public sealed class CliArgs
{
    public sealed record Flag(string Name, string? Value, bool ValueKnown, Arg? ValueArg);

    public List<Flag> Flags { get; } = [];
    public List<Arg> Positionals { get; } = [];
    public List<Arg> AfterDashDash { get; } = [];
    public bool DashDash { get; private set; }

    /// <summary>With <c>stopAtPositional</c>: the index of the first positional argument (or args.Count).</summary>
    public int StoppedAt { get; private set; } = -1;

    public static CliArgs Parse(IReadOnlyList<Arg> args, int start, Func<string, bool> takesValue, bool stopAtPositional = false)
    {
        var r = new CliArgs();
        var i = start;
        for (; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            if (t == "--" && a.Known)
            {
                r.DashDash = true;
                r.AfterDashDash.AddRange(args.Skip(i + 1));
                i = args.Count;
                break;
            }
            if (t.Length < 2 || t[0] != '-' || (!a.Known && !t.StartsWith("--") && !(t.Length > 1 && char.IsAsciiLetter(t[1]))))
            {
                if (stopAtPositional) break;
                r.Positionals.Add(a);
                continue;
            }
            if (t.StartsWith("--"))
            {
                var eq = t.IndexOf('=');
                if (eq > 0)
                {
                    r.Flags.Add(new Flag(t[..eq], t[(eq + 1)..], a.Known, a with { Text = t[(eq + 1)..] }));
                    continue;
                }
                if (takesValue(t) && i + 1 < args.Count)
                {
                    var v = args[++i];
                    r.Flags.Add(new Flag(t, v.Text, v.Known, v));
                }
                else r.Flags.Add(new Flag(t, null, true, null));
                continue;
            }
            // A short bundle: -it, -nprod, -n=prod, -fv.
            for (var c = 1; c < t.Length; c++)
            {
                var name = "-" + t[c];
                if (!takesValue(name))
                {
                    r.Flags.Add(new Flag(name, null, true, null));
                    continue;
                }
                if (c + 1 < t.Length)
                {
                    var v = t[(c + 1)..].TrimStart('=');
                    r.Flags.Add(new Flag(name, v, a.Known, a with { Text = v }));
                }
                else if (i + 1 < args.Count)
                {
                    var v = args[++i];
                    r.Flags.Add(new Flag(name, v.Text, v.Known, v));
                }
                else r.Flags.Add(new Flag(name, null, true, null));
                break;
            }
        }
        r.StoppedAt = i;
        return r;
    }

    public bool Has(params string[] names) => Flags.Any(f => names.Contains(f.Name));

    /// <summary>The last value given for any of the names (null when absent or given without a value).</summary>
    public string? Value(params string[] names) => Flags.LastOrDefault(f => names.Contains(f.Name) && f.Value is not null)?.Value;

    public bool ValueKnown(params string[] names) => Flags.LastOrDefault(f => names.Contains(f.Name) && f.Value is not null)?.ValueKnown ?? true;

    public IEnumerable<Arg> ValueArgs(params string[] names) =>
        Flags.Where(f => names.Contains(f.Name) && f.ValueArg is not null).Select(f => f.ValueArg!);

    /// <summary>Words executed without a shell (exec form), written as shell code that means the same.</summary>
    public static string JoinWords(IEnumerable<Arg> words) => string.Join(' ', words.Select(QuoteWord));

    private static string QuoteWord(Arg a)
    {
        var s = a.Text;
        // A value only known at run time stays a run-time value in the nested analysis.
        if (!a.Known) return "\"" + RunTimeValue(s).Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("`", "\\`") + "\"";
        if (s.Length == 0) return "''";
        var special = a.Glob ? " \t\n'\"\\;&|<>()$`!#{}~" : " \t\n'\"\\;&|<>()$`!#{}~*?[]";
        return s.AsSpan().IndexOfAny(special) < 0 ? s : "'" + s.Replace("'", "'\\''") + "'";
    }

    /// <summary>The analyser renders unknown parts as <c>$(...)</c>, <c>${X:-...}</c>...; turn them into plain
    /// variable references, which stay unknown where the nested code runs.</summary>
    private static string RunTimeValue(string rendering)
    {
        var s = rendering.Replace("$((...))", "${RUNTIME_NUMBER}").Replace("$(...)", "${RUNTIME_OUTPUT}").Replace("<(...)", "${RUNTIME_FILE}");
        var sb = new System.Text.StringBuilder();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '$' && i + 1 < s.Length && s[i + 1] == '{')
            {
                var close = s.IndexOf('}', i + 2);
                var name = new string(s.Skip(i + 2).TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
                if (close > i && name.Length > 0)
                {
                    sb.Append("${").Append(name).Append('}');
                    i = close;
                    continue;
                }
            }
            sb.Append(s[i]);
        }
        return sb.ToString();
    }
}
