namespace Interlock.Core.Knowledge;

/// <summary>Azure CLI: <c>group delete</c>, <c>... delete</c>, <c>storage blob delete-batch</c>, Key Vault purges; mutating
/// commands change state (asking only in production); list/show are read-only.</summary>
public sealed class Az : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["az"];

    /// <summary>The Azure CLI takes AZURE_* settings from its environment and prints none of them.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly HashSet<string> LocalGroups =
    [
        "login", "logout", "account", "version", "upgrade", "extension", "config", "bicep", "find", "feedback", "interactive", "init",
        "self-test", "cloud", "help", "survey", "cache",
    ];

    private static readonly HashSet<string> DataGroups =
    [
        "storage", "sql", "cosmosdb", "keyvault", "redis", "mysql", "postgres", "mariadb", "backup", "disk", "snapshot", "dls", "netappfiles",
        "kusto", "dataprotection", "datalake",
    ];

    private static readonly string[] NameOptions =
    [
        "-n", "--name", "--ids", "--account-name", "-s", "--source", "-c", "--container-name", "--vault-name", "--server",
        "--cluster-name", "--workspace-name", "--registry", "--share-name", "--database-name", "--db-name", "--nodepool-name", "--repository",
    ];

    /// <summary>Commands whose output is a credential (Azure CLI reference): an access token, a Key Vault secret, storage
    /// keys, a service principal's new secret, a registry token.</summary>
    /// <summary>Microsoft's own endpoints an Azure access token is for (Resource Manager, Graph, Key Vault, Azure
    /// DevOps, storage): not the domains where customers run servers (*.azurewebsites.net, *.cloudapp.azure.com).</summary>
    private static readonly Func<string, bool> Azure = Credentials.Hosts("management.azure.com", "graph.microsoft.com",
        "dev.azure.com", ".vault.azure.net", ".blob.core.windows.net", "login.microsoftonline.com");

    private static readonly Credentials.Printer[] CredentialPrinters =
    [
        new(["account", "get-access-token"], "an access token for the signed-in account", Issuer: Azure),
        new(["keyvault", "secret", "show"], "the Key Vault secret's value"),
        new(["keyvault", "secret", "download"], "the Key Vault secret's value into a file"),
        new(["storage", "account", "keys", "list"], "the storage account's access keys"),
        new(["storage", "account", "show-connection-string"], "a connection string with the storage account's key"),
        new(["ad", "sp", "create-for-rbac"], "the new service principal's password"),
        new(["ad", "sp", "credential", "reset"], "a new secret for the service principal"),
        new(["ad", "app", "credential", "reset"], "a new secret for the application"),
        new(["acr", "login"], "a registry access token", Credentials.With("--expose-token", "-t")),
        new(["acr", "credential", "show"], "the registry's admin passwords"),
        new(["cosmosdb", "keys", "list"], "the database account's keys"),
        new(["redis", "list-keys"], "the cache's access keys"),
    ];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (CloudArgs.Has(args, "--help", "-h", "--version")) return;
        var path = args.TakeWhile(a => !(a.Known && a.Text.StartsWith('-'))).ToList();
        if (path.Count == 0) return;
        if (path.FirstOrDefault(a => !a.Known) is { } unknown)
        {
            effects.Add(new Effect(EffectKind.Indeterminate, inv.Executable, PathClass.Unknown, false, false,
                $"runs `az {string.Join(' ', path.Select(a => a.Text))}`, a command computed at run time (`{unknown.Text}` could be delete)", inv));
            return;
        }
        var words = path.Select(a => a.Text).ToList();
        if (Credentials.Check(inv, ctx, words, CredentialPrinters, effects)) return;
        var group = words[0];
        if (LocalGroups.Contains(group)) return;
        if (CloudArgs.Has(args, "--what-if", "--dryrun", "--dry-run")) return;
        var verb = words[^1];
        var rg = CloudArgs.Value(args, "-g", "--resource-group");
        var subscription = CloudArgs.Value(args, "--subscription");
        var names = CloudArgs.Values(args, NameOptions);
        var hints = new List<(string, string?)> { ("resource group", rg?.Text), ("subscription", subscription?.Text) };
        hints.AddRange(names.Select(n => ("resource", (string?)n.Text)));
        var env = CloudArgs.Environment(ctx, hints, subscription is null ? Environments.AzureProfile.DefaultSubscription(ctx, inv) : []);
        var where = (rg is not null ? $" in resource group `{CloudArgs.Show(rg)}`" : "") + (subscription is not null ? $" (subscription `{CloudArgs.Show(subscription)}`)" : "");
        var acrImages = group == "acr" && words.Contains("repository");
        var primary = acrImages ? CloudArgs.Values(args, "--repository", "--image", "-t") : CloudArgs.Values(args, "-n", "--name", "--ids");
        var shown = primary.Count > 0 ? string.Join(", ", primary.Take(3).Select(n => $"`{CloudArgs.Show(n)}`")) : null;
        foreach (var (option, label) in new[] { ("--account-name", "storage account"), ("--server", "server"), ("--vault-name", "key vault"), ("--cluster-name", "cluster"),
                     ("--container-name", "container"), ("-c", group == "storage" ? "container" : null), ("-s", group == "storage" ? "container" : "server"),
                     ("--workspace-name", "workspace"), ("--registry", "registry"), ("--share-name", "share"), ("-n", acrImages ? "registry" : null) })
            if (label is not null && CloudArgs.Value(args, option) is { } v)
                where = $" of {label} `{CloudArgs.Show(v)}`" + where;
        var target = names.Count > 0 ? string.Join(", ", names.Select(n => n.Text)) : rg?.Text ?? string.Join(' ', words);
        var command = $"`az {string.Join(' ', words)}`";
        var yes = CloudArgs.Has(args, "--yes", "-y") ? ", without asking for confirmation (--yes)" : "";

        if (group == "rest")
        {
            var method = (CloudArgs.Value(args, "-m", "--method")?.Text ?? "get").ToLowerInvariant();
            var url = CloudArgs.Value(args, "-u", "--url", "--uri");
            hints.Add(("URL", url?.Text));
            env = CloudArgs.Environment(ctx, hints);
            if (method is "get" or "head" or "options") return;
            CloudArgs.Add(effects, method == "delete" ? EffectKind.DestroyInfrastructure : EffectKind.ChangeInfrastructure, url?.Text ?? "Azure REST API",
                $"`az rest --method {method}` {(method == "delete" ? "deletes" : "changes")} the Azure resource at `{(url is null ? "?" : CloudArgs.Show(url))}`", inv, env);
            return;
        }

        if (IsReadOnly(verb)) return;
        var destroy = verb is "delete" or "purge" || verb.StartsWith("delete-", StringComparison.Ordinal);
        if (!destroy)
        {
            var nodes = CloudArgs.Value(args, "--node-count", "-c")?.Text;
            if (group == "aks" && verb == "scale" && nodes == "0")
            {
                CloudArgs.Add(effects, EffectKind.DeleteClusterResources, target, $"{command} --node-count 0 removes every node of {shown ?? "the node pool"}{where}; its workloads stop", inv, env);
                return;
            }
            CloudArgs.Add(effects, EffectKind.ChangeInfrastructure, target, $"{command} changes {shown ?? "resources"}{where}", inv, env);
            return;
        }

        var data = DataGroups.Contains(group) || (group == "monitor" && words.Contains("log-analytics")) || (group == "acr" && words.Contains("repository"));
        var resource = string.Join(' ', words.Take(words.Count - 1));
        var reversible = false;
        string description;
        if (group == "group" && verb == "delete")
            description = $"{command} deletes resource group {shown ?? (rg is not null ? $"`{CloudArgs.Show(rg)}`" : "(unnamed)")} and every resource in it";
        else if (group == "storage" && verb == "delete-batch")
        {
            var pattern = CloudArgs.Value(args, "--pattern");
            var container = CloudArgs.Value(args, "-s", "--source");
            var account = CloudArgs.Value(args, "--account-name");
            description = $"{command} deletes {(pattern is not null ? $"every {words[1]} matching `{CloudArgs.Show(pattern)}`" : $"every {words[1]}")} in `{(container is null ? "?" : CloudArgs.Show(container))}`" +
                          (account is not null ? $" of storage account `{CloudArgs.Show(account)}`" : "");
        }
        else if (verb == "purge")
            description = $"{command} permanently purges {resource} {shown ?? ""}; it cannot be recovered".Replace("  ", " ");
        else if (group == "keyvault" && verb == "delete" && words.Count == 2)
        {
            reversible = true;
            description = $"{command} deletes key vault {shown ?? "(unnamed)"}{where} (soft delete: `az keyvault recover` restores it unless it is purged)";
        }
        else
            description = $"{command} deletes {resource} {shown ?? "(unnamed)"}{where}";
        CloudArgs.Add(effects, data ? EffectKind.DestroyData : EffectKind.DestroyInfrastructure, target, description + yes, inv, env,
            recursive: group == "group" || verb.EndsWith("batch"), reversible: reversible);
    }

    private static bool IsReadOnly(string verb) =>
        verb is "list" or "show" or "exists" or "wait" or "download" or "download-batch" or "query" or "what-if" or "get-credentials" or "browse"
            or "tail" or "export" or "check-name" or "validate" or "url" or "generate-sas" or "ssh" or "version" ||
        verb.StartsWith("list-", StringComparison.Ordinal) || verb.StartsWith("show-", StringComparison.Ordinal) ||
        verb.StartsWith("get-", StringComparison.Ordinal) || verb.StartsWith("check-", StringComparison.Ordinal);
}
