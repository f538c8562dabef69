namespace Interlock.Core.Knowledge;

/// <summary>
/// Commands whose output is shell set-up code a user's shell profile evaluates: environment exports, PATH changes,
/// completion functions and prompt hooks (<c>eval "$(ssh-agent -s)"</c>, <c>eval "$(brew shellenv)"</c>,
/// <c>source &lt;(kubectl completion bash)</c>). Their output cannot be known statically, but what it is made of is
/// fixed by the tool, so evaluating it is not running unknown code. Only the exact forms below count: anything else
/// (<c>eval "$(curl ...)"</c>, <c>eval "$(direnv export bash)"</c>, which runs the project's .envrc) stays unknown.
/// </summary>
public static class ShellSetupCode
{
    private static readonly HashSet<string> ShellNames = ["bash", "zsh", "fish", "sh", "ksh", "powershell", "pwsh", "elvish", "nushell", "xonsh", "tcsh"];

    /// <summary><c>tool init -</c>-style version managers: the output defines shims on PATH and a shell function.</summary>
    private static readonly HashSet<string> InitTools = ["pyenv", "rbenv", "nodenv", "goenv", "jenv", "plenv", "phpenv", "luaenv", "tfenv", "scalaenv", "swiftenv", "exenv"];

    /// <summary>Tools whose <c>completion SHELL</c> (or <c>completions SHELL</c>) prints a completion script.</summary>
    private static readonly HashSet<string> CompletionTools =
    [
        "kubectl", "helm", "gh", "docker", "minikube", "kind", "k3d", "kustomize", "flux", "argocd", "istioctl", "eksctl", "oc",
        "npm", "pnpm", "yarn", "deno", "bun", "poetry", "pipx", "rustup", "cargo", "uv", "rye", "pdm", "hatch", "just", "task",
        "golangci-lint", "hugo", "cobra-cli", "stern", "velero", "linkerd", "skaffold", "tilt", "terragrunt", "pulumi", "doctl",
        "flyctl", "fly", "vercel", "netlify", "supabase", "gitlab", "glab", "hub", "op", "vault", "nomad", "consul", "packer",
        "mise", "rtx", "starship", "zoxide", "atuin", "chezmoi", "age", "sops", "yq", "jq", "bat", "fd", "rg", "delta", "dotnet",
        "interlock",
    ];

    /// <summary>True when <paramref name="words"/> (a command with static words) only prints shell set-up code.</summary>
    public static bool Prints(IReadOnlyList<string> words)
    {
        if (words.Count == 0) return false;
        var name = words[0][(words[0].LastIndexOf('/') + 1)..];
        var args = words.Skip(1).ToList();
        switch (name)
        {
            case "ssh-agent":
                // Without a command it prints the SSH_AUTH_SOCK/SSH_AGENT_PID exports; `ssh-agent cmd` runs cmd.
                return args.All(a => a is "-s" or "-c" or "-D" || a.StartsWith("-t") || a.StartsWith("-a") || a.StartsWith("-E"));
            case "direnv":
                return args is ["hook", var s] && ShellNames.Contains(s);
            case "brew":
                return args is ["shellenv"] or ["shellenv", _];
            case "starship" or "zoxide" or "mise" or "rtx" or "atuin" or "navi" or "thefuck" or "mcfly" or "oh-my-posh":
                return args is ["init", ..] or ["activate", ..] or ["--alias", ..] or ["widget", ..];
            case "fnm":
                return args is ["env", ..];
            case "conda" or "mamba" or "micromamba":
                return args is [var shell, "hook"] && shell.StartsWith("shell.") || args is ["shell", "hook", ..];
            case "opam":
                return args is ["env", ..] or ["config", "env", ..];
            case "dircolors":
                return args.All(a => a is "-b" or "-c" or "--sh" or "--csh" or "--bourne-shell" or "--c-shell");
            case "keychain":
                return args.Contains("--eval") && args.All(a => a.StartsWith('-') || !a.Contains('/'));
            case "luarocks":
                return args is ["path", ..];
            case "fzf":
                return args is ["--bash"] or ["--zsh"] or ["--fish"];
            case "register-python-argcomplete":
                return args.Count == 1 || args is ["--shell", _, _];
            case "pip" or "pip3":
                return args is ["completion", "--bash"] or ["completion", "--zsh"] or ["completion", "--fish"];
        }
        if (InitTools.Contains(name)) return args is ["init", "-"] or ["init", "--path"] or ["init", "-", _] or ["virtualenv-init", "-"] or ["init"];
        return CompletionTools.Contains(name) && args.Count is 2 or 3 && args[0] is "completion" or "completions" or "generate-shell-completion"
               && (args.Count == 2 || args[1] is "-s" or "--shell") && ShellNames.Contains(args[^1]);
    }
}
