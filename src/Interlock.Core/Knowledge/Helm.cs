namespace Interlock.Core.Knowledge;

/// <summary><c>helm</c>: uninstalling a release deletes everything it installed; install, upgrade and rollback
/// change what runs (which matters in production).</summary>
public sealed class Helm : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["helm", "helm3"];

    /// <summary>helm takes HELM_* settings and registry credentials from its environment and prints none of them.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly HashSet<string> ValuedLong =
    [
        "--kube-context", "--namespace", "--kubeconfig", "--kube-apiserver", "--kube-token", "--kube-as-user",
        "--kube-as-group", "--kube-ca-file", "--kube-tls-server-name", "--registry-config", "--repository-cache",
        "--repository-config", "--burst-limit", "--qps", "--content-cache", "--values", "--set", "--set-string",
        "--set-file", "--set-json", "--set-literal", "--version", "--timeout", "--description", "--repo", "--output",
        "--post-renderer", "--post-renderer-args", "--history-max", "--max", "--revision", "--cascade", "--username",
        "--password", "--ca-file", "--cert-file", "--key-file", "--keyring", "--labels", "--selector", "--api-versions",
        "--kube-version", "--output-dir", "--name-template", "--show-only", "--filter", "--offset", "--time-format",
        "--deletion-propagation", "--tiller-namespace", "--home", "--host",
    ];

    private const string ValuedShort = "nfoalsm";

    /// <summary><c>helm registry login HOST --password-stdin</c> reads the password and prints only "Login Succeeded".</summary>
    public InputUse StandardInput(Invocation inv) =>
        CliArgs.Parse(inv.Args, 0, TakesValue) is { Positionals: [{ Text: "registry" }, { Text: "login" }, ..] } p && p.Has("--password-stdin")
            ? InputUse.KeepsToItself
            : InputUse.Unknown;

    private static bool TakesValue(string f) => f.StartsWith("--") ? ValuedLong.Contains(f) : f.Length == 2 && ValuedShort.Contains(f[1]);

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var p = CliArgs.Parse(inv.Args, 0, TakesValue);
        if (p.Has("-h", "--help")) return;
        if (p.Positionals.Count == 0) return;
        var sub = p.Positionals[0].Text;
        var names = p.Positionals.Skip(1).ToList();
        if (IsDryRun(p)) return;

        // helm reads HELM_KUBECONTEXT and HELM_NAMESPACE when the options are not given.
        var kubeContext = p.Value("--kube-context");
        var ns = p.Value("-n", "--namespace");
        string? contextSource = null, namespaceSource = null;
        if (kubeContext is null && Environments.EnvironmentSources.Variable(inv, ctx.World, "HELM_KUBECONTEXT") is ({ } envContext, var cs)) (kubeContext, contextSource) = (envContext, cs);
        if (ns is null && Environments.EnvironmentSources.Variable(inv, ctx.World, "HELM_NAMESPACE") is ({ } envNamespace, var nsSource)) (ns, namespaceSource) = (envNamespace, nsSource);
        // The kubeconfig is read only when an effect needs it (helm list, status... never do).
        Environments.KubeConfig.Target? kubeRead = null;
        Environments.KubeConfig.Target Kube() => kubeRead ??= Environments.KubeConfig.Read(ctx, inv, p.Value("--kubeconfig"), kubeContext, p.Value("--kube-apiserver") is not null, ns is not null);
        string Where() => (ns is not null ? $" in namespace `{ns}`" : "") + (kubeContext is not null ? $" in cluster context `{kubeContext}`"
            : Kube().Context is { } current ? $" in cluster context `{current}` (current-context of {Kube().FromFile})" : "");
        IEnumerable<(TargetEnvironment, string?)> Base() =>
        [
            .. Environments.EnvironmentSources.Infer(ctx, Kube().Hints),
            ctx.InferEnvironment("kube context", kubeContext, contextSource),
            ctx.InferEnvironment("namespace", ns, namespaceSource),
            ctx.InferEnvironment("kubeconfig", p.Value("--kubeconfig")),
            ctx.InferEnvironment("API server", p.Value("--kube-apiserver")),
        ];
        void Add(EffectKind kind, string target, string description, IEnumerable<(TargetEnvironment, string?)> more)
        {
            var (env, evidence) = KnowledgeContext.Strictest([.. Base(), .. more]);
            effects.Add(new Effect(kind, target, PathClass.Unknown, kind != EffectKind.ChangeInfrastructure, kind == EffectKind.ChangeInfrastructure, description, inv)
            {
                Environment = env,
                EnvironmentEvidence = evidence,
            });
        }

        switch (sub)
        {
            case "uninstall" or "delete" or "del" or "un":
            {
                var history = p.Has("--keep-history") ? " (its history is kept, but the resources are deleted)" : "";
                foreach (var r in names)
                    Add(EffectKind.DeleteClusterResources, $"helm release {r.Text}",
                        $"uninstalls Helm release {Release(r)}{Where()}, deleting every Kubernetes resource it installed{history}",
                        [ctx.InferEnvironment("release", r.Text)]);
                break;
            }
            case "rollback":
                if (names.Count > 0)
                    Add(EffectKind.ChangeInfrastructure, $"helm release {names[0].Text}",
                        $"rolls Helm release {Release(names[0])}{Where()} back to {(names.Count > 1 ? $"revision {names[1].Text}" : "its previous revision")}",
                        [ctx.InferEnvironment("release", names[0].Text)]);
                break;
            case "upgrade" or "install":
            {
                var release = sub == "install" && p.Has("-g", "--generate-name") ? null : names.FirstOrDefault();
                var chart = release is null ? names.FirstOrDefault() : names.Skip(1).FirstOrDefault();
                var what = release is not null ? $"Helm release {Release(release)}" : "a new Helm release";
                var verb = sub == "install" ? "installs" : "upgrades";
                var force = p.Has("--force") ? " (`--force` deletes and re-creates resources that cannot be patched)" : "";
                Add(EffectKind.ChangeInfrastructure, release is null ? "helm release" : $"helm release {release.Text}",
                    $"{verb} {what}{(chart is not null ? $" from chart `{chart.Text}`" : "")}{Where()}{force}",
                    [ctx.InferEnvironment("release", release?.Text), .. p.ValueArgs("-f", "--values").Select(v => ctx.InferEnvironment("values file", v.Text))]);
                break;
            }
            case "reset":
                // Helm 2: removes Tiller from the cluster.
                Add(EffectKind.DeleteClusterResources, "tiller", $"removes Tiller, Helm 2's server side, from the cluster{Where()}", []);
                break;
        }
    }

    private static string Release(Arg r) => r.Known ? $"`{r.Text}`" : $"`{r.Text}` (named at run time)";

    private static bool IsDryRun(CliArgs p)
    {
        foreach (var f in p.Flags)
            if (f.Name == "--dry-run")
                return f.Value is null || (f.ValueKnown && f.Value is "client" or "server" or "true");
        return false;
    }
}
