namespace Interlock.Core.Knowledge;

/// <summary>The GitHub and GitLab CLIs (<c>gh</c>, <c>glab</c>): deleting repositories, releases and gists withdraws
/// published work; deleting issues, secrets, labels, codespaces or sending DELETE through <c>api</c> destroys data;
/// archiving, editing and other API writes are changes. Everything else (pr, issue view, run list...) is left alone.</summary>
public sealed class Gh : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["gh", "glab"];

    /// <summary>gh and glab read their token from GH_TOKEN/GITLAB_TOKEN and print none of their environment.</summary>
    public InputUse Environment(Invocation inv) => InputUse.KeepsToItself;

    private static readonly HashSet<string> ApiValued =
        ["-X", "--method", "-H", "--header", "-f", "--raw-field", "-F", "--field", "-q", "--jq", "-t", "--template", "--input", "-p", "--preview", "--cache", "--hostname", "-R", "--repo"];

    /// <summary>GitHub's own hosts: the API, uploads, raw content and the container registry (GitHub Pages sites,
    /// *.github.io, are the users' own, so not here). An Enterprise host's token is not matched.</summary>
    private static readonly Func<string, bool> GitHub = Credentials.Hosts("github.com", "api.github.com", "uploads.github.com", "ghcr.io", ".githubusercontent.com");

    /// <summary>gh auth token prints the stored token; gh auth status prints it with --show-token/-t (gh manual);
    /// glab auth status --show-token likewise.</summary>
    private static readonly Credentials.Printer[] CredentialPrinters = Printers("GitHub", GitHub);

    /// <summary>gitlab.com's own hosts, for glab's token.</summary>
    private static readonly Credentials.Printer[] GlabCredentialPrinters = Printers("GitLab", Credentials.Hosts("gitlab.com", "registry.gitlab.com"));

    private static Credentials.Printer[] Printers(string site, Func<string, bool> issuer) =>
    [
        new(["auth", "token"], $"the {site} token it is signed in with", Issuer: issuer),
        new(["auth", "status"], "the signed-in token", args => args.Any(a => a.Text is "--show-token" or "-t"), issuer),
    ];

    /// <summary>Commands that read a secret on standard input and print none of it (gh manual): <c>gh auth login
    /// --with-token</c>, <c>glab auth login --stdin</c>, and <c>gh secret set NAME</c> without <c>--body</c> or
    /// <c>--env-file</c> (it prints "Set secret NAME").</summary>
    public InputUse StandardInput(Invocation inv)
    {
        var words = CommandWords(inv.Args).Take(2).Select(w => w.Arg.Text).ToList();
        bool Has(params string[] options) => Credentials.With(options)(inv.Args);
        return (inv.Name, words) switch
        {
            ("gh", ["auth", "login"]) when Has("--with-token") => InputUse.KeepsToItself,
            ("glab", ["auth", "login"]) when Has("--stdin") => InputUse.KeepsToItself,
            ("gh", ["secret", "set"]) when !Has("-b", "--body", "-f", "--env-file") => InputUse.KeepsToItself,
            _ => InputUse.Unknown,
        };
    }

    /// <summary>The command path: the words that are neither options nor the value of -R/--repo, with their places.</summary>
    private static List<(Arg Arg, int Index)> CommandWords(IReadOnlyList<Arg> args)
    {
        var words = new List<(Arg Arg, int Index)>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t is "-R" or "--repo") { i++; continue; }
            if (t.StartsWith('-')) continue;
            words.Add((args[i], i));
        }
        return words;
    }

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        if (args.Any(a => a.Text is "--help" or "-h" or "--version")) return;
        var tool = inv.Name!;
        var repo = MachineEffects.Value(args, 'R', false, "--repo");
        var words = CommandWords(args);
        if (words.Count == 0) return;
        var group = words[0].Arg.Text;
        if (group == "api")
        {
            Api(inv, ctx, effects, args.Skip(words[0].Index + 1).ToList(), tool);
            return;
        }
        if (words.Count < 2) return;
        if (Credentials.Check(inv, ctx, words.Select(w => w.Arg.Text).ToList(), tool == "gh" ? CredentialPrinters : GlabCredentialPrinters, effects)) return;
        var command = words[1].Arg.Text;
        var operands = words.Skip(2).Select(w => w.Arg.Text).ToList();
        var first = operands.FirstOrDefault();
        var repoName = group == "repo" ? first ?? repo : repo;
        var where = repoName is null ? "the current repository" : $"`{repoName}`";
        var site = tool == "gh" ? "GitHub" : "GitLab";
        // Secrets and variables may belong to a deployment environment (`--env production`).
        var environment = group is "secret" or "variable" ? MachineEffects.Value(args, 'e', false, "--env") : null;
        void Add(EffectKind kind, string target, string description) =>
            effects.Add(MachineEffects.Make(kind, target, description, inv, ctx, ("repository", repoName), ("deployment environment", environment)));
        var scope = environment is null ? where : $"the `{environment}` environment of {where}";

        switch (group, command)
        {
            case ("repo", "delete"):
                Add(EffectKind.DeletePublished, repoName ?? "current repository",
                    $"`{tool} repo delete` deletes the {site} repository {where} with its issues, pull requests, releases and wiki; forks and clones lose their upstream");
                break;
            case ("repo", "archive") when tool == "gh":
                Add(EffectKind.ChangeInfrastructure, repoName ?? "current repository", $"`gh repo archive` makes {where} read-only for everyone");
                break;
            case ("repo", "edit" or "rename" or "unarchive"):
                Add(EffectKind.ChangeInfrastructure, repoName ?? "current repository", $"`{tool} repo {command}` changes the settings of {where}");
                break;
            case ("release", "delete"):
                Add(EffectKind.DeletePublished, $"release {first}",
                    $"`{tool} release delete` deletes the release `{first ?? "(unnamed)"}` of {where} and its downloads{(args.Any(a => a.Text is "--cleanup-tag" or "--with-tag") ? ", and its tag" : "")}");
                break;
            case ("release", "delete-asset"):
                Add(EffectKind.DeletePublished, $"release {first} asset {operands.ElementAtOrDefault(1)}",
                    $"`gh release delete-asset` deletes the download `{operands.ElementAtOrDefault(1)}` from the release `{first}` of {where}");
                break;
            case ("gist", "delete") or ("snippet", "delete"):
                Add(EffectKind.DeletePublished, $"{group} {first}", $"`{tool} {group} delete` deletes the {group} `{first ?? "(unnamed)"}` for everyone who links to it");
                break;
            case ("issue", "delete"):
                Add(EffectKind.DestroyData, $"issue {first}", $"`{tool} issue delete` permanently deletes issue {first} of {where} with its comments");
                break;
            case ("secret", "delete" or "remove"):
                Add(EffectKind.DestroyData, $"secret {first}", $"`{tool} secret {command}` deletes the secret `{first}` of {scope}; its value cannot be recovered and workflows using it fail");
                break;
            case ("variable", "delete"):
                Add(EffectKind.DestroyData, $"variable {first}", $"`{tool} variable delete` deletes the variable `{first}` of {scope}");
                break;
            case ("secret" or "variable", "set"):
                Add(EffectKind.ChangeInfrastructure, $"{group} {first}", $"`{tool} {group} set` sets the {group} `{first}` of {scope}");
                break;
            case ("label", "delete"):
                Add(EffectKind.DestroyData, $"label {first}", $"`{tool} label delete` deletes the label `{first}` and removes it from every issue and pull request in {where}");
                break;
            case ("ci", "delete"):
                Add(EffectKind.DestroyData, $"pipeline {first}", $"`{tool} ci delete` deletes the CI pipeline {first} of {where} with its logs and artifacts");
                break;
            case ("run", "delete"):
                Add(EffectKind.DestroyData, $"run {first}", $"`gh run delete` deletes the workflow run {first} of {where} with its logs and artifacts");
                break;
            case ("codespace", "delete"):
                Add(EffectKind.DestroyData, $"codespace {MachineEffects.Value(args, 'c', false, "--codespace") ?? (args.Any(a => a.Text == "--all") ? "all" : "(chosen)")}",
                    $"`gh codespace delete` deletes {(args.Any(a => a.Text == "--all") ? "every codespace" : "a codespace")}, including uncommitted and unpushed work in it");
                break;
            case ("project", "delete"):
                Add(EffectKind.DestroyData, $"project {first}", $"`gh project delete` deletes the project {first} with its items and fields");
                break;
            case ("ssh-key" or "gpg-key", "delete"):
                Add(EffectKind.DisruptSystem, $"{group} {first}", $"`gh {group} delete` removes the key {first} from the account: machines using it lose access");
                break;
            case ("deploy-key", "delete"):
                Add(EffectKind.DisruptSystem, $"deploy key {first}", $"`{tool} deploy-key delete` removes the deploy key {first}: deployments using it lose access");
                break;
            case ("repo", "deploy-key") when operands.FirstOrDefault() == "delete":
                Add(EffectKind.DisruptSystem, $"deploy key {operands.ElementAtOrDefault(1)}", $"`gh repo deploy-key delete` removes a deploy key of {where}: deployments using it lose access");
                break;
            case ("workflow", "disable"):
                Add(EffectKind.ChangeInfrastructure, $"workflow {first}", $"`gh workflow disable` stops the workflow `{first}` of {where} from running");
                break;
        }
    }

    private static void Api(Invocation inv, KnowledgeContext ctx, List<Effect> effects, List<Arg> args, string tool)
    {
        string? method = null;
        var hasFields = false;
        string? endpoint = null;
        var texts = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            var next = i + 1 < args.Count ? args[i + 1] : null;
            if (t is "-X" or "--method") { method = next is null ? null : next.Known ? next.Text : "$"; i++; continue; }
            if (t.StartsWith("--method=")) { method = t["--method=".Length..]; continue; }
            if (t.StartsWith("-X") && t.Length > 2) { method = t[2..].TrimStart('='); continue; }
            if (t is "-f" or "--raw-field" or "-F" or "--field" or "--input") { hasFields = true; if (next is not null) texts.Add(next.Text); i++; continue; }
            if (t.StartsWith("--raw-field=") || t.StartsWith("--field=")) { hasFields = true; texts.Add(t); continue; }
            if (ApiValued.Contains(t)) { i++; continue; }
            if (t.StartsWith('-')) continue;
            endpoint ??= t;
        }
        if (endpoint is null) return;
        method = (method ?? (hasFields ? "POST" : "GET")).ToUpperInvariant();
        if (method is "GET" or "HEAD") return;
        var path = endpoint;
        foreach (var prefix in new[] { "https://api.github.com/", "http://api.github.com/", "/" })
            if (path.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) path = path[prefix.Length..];
        var q = path.IndexOf('?');
        if (q >= 0) path = path[..q];
        var seg = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var repo = seg.Length >= 3 && seg[0] == "repos" ? $"{seg[1]}/{seg[2]}" : seg.Length >= 2 && seg[0] == "projects" ? Uri.UnescapeDataString(seg[1]) : null;
        void Add(EffectKind kind, string target, string description) =>
            effects.Add(MachineEffects.Make(kind, target, description, inv, ctx, ("repository", repo)));

        if (path == "graphql")
        {
            var query = string.Join(' ', texts);
            if (!query.Contains("mutation", StringComparison.OrdinalIgnoreCase)) return;
            if (query.Contains("delete", StringComparison.OrdinalIgnoreCase))
                Add(EffectKind.DestroyData, "graphql mutation", $"`{tool} api graphql` runs a mutation that deletes data");
            else
                Add(EffectKind.ChangeInfrastructure, "graphql mutation", $"`{tool} api graphql` runs a mutation that changes data");
            return;
        }
        if (method == "$")
        {
            Add(EffectKind.DestroyData, endpoint, $"`{tool} api` sends a request whose method is computed at run time (it may be DELETE) to {endpoint}");
            return;
        }
        if (method != "DELETE")
        {
            Add(EffectKind.ChangeInfrastructure, endpoint, $"`{tool} api -X {method}` changes {endpoint}");
            return;
        }
        var isRepository = (seg.Length == 3 && seg[0] == "repos") || (seg.Length == 2 && seg[0] == "projects");
        var isRelease = seg.Contains("releases");
        var isPackage = seg.Contains("packages") || seg.Contains("package_files");
        var isGist = seg.Length == 2 && seg[0] == "gists";
        var refIndex = Array.IndexOf(seg, "refs");
        if (isRepository)
            Add(EffectKind.DeletePublished, repo ?? endpoint, $"`{tool} api -X DELETE {endpoint}` deletes the repository `{repo}` with its issues, pull requests and releases");
        else if (isRelease || isPackage || isGist)
            Add(EffectKind.DeletePublished, endpoint, $"`{tool} api -X DELETE {endpoint}` deletes a published {(isRelease ? "release or release asset" : isPackage ? "package" : "gist")}");
        else if (refIndex >= 0 && seg.Contains("git") && refIndex + 1 < seg.Length)
        {
            var branch = string.Join('/', seg.Skip(refIndex + 2));
            var isBranch = seg[refIndex + 1] == "heads";
            effects.Add(new Effect(EffectKind.DeleteRemoteRef, branch, PathClass.ProjectSource, false, false,
                $"`{tool} api -X DELETE {endpoint}` deletes the {(isBranch ? "branch" : "tag")} `{branch}` of `{repo}` on GitHub", inv,
                isBranch && Git.IsProtected(branch, ctx.Options) ? "protected-branch" : null));
        }
        else
            Add(EffectKind.DestroyData, endpoint, $"`{tool} api -X DELETE {endpoint}` deletes {endpoint} on {(tool == "gh" ? "GitHub" : "GitLab")}");
    }
}
