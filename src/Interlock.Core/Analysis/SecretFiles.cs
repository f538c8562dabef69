namespace Interlock.Core.Analysis;

/// <summary>
/// Files that hold credentials or private keys, whose contents a file tool should not read into the conversation
/// without a human saying so. Decisions:
/// <list type="bullet">
/// <item>~/.ssh: everything except public material (<c>*.pub</c>, <c>known_hosts*</c>, <c>authorized_keys*</c>,
/// <c>config</c>); SSH private keys by name (<c>id_rsa</c>, <c>id_ed25519</c>, ...) anywhere.</item>
/// <item><c>*.pem</c>, <c>*.key</c>, <c>*.p12</c>, <c>*.pfx</c> anywhere (a .pem may be only a certificate; it asks anyway).</item>
/// <item><c>.env</c>, <c>.env.*</c> and <c>*.env</c>, except templates (<c>.env.example</c>, <c>.sample</c>,
/// <c>.template</c>, <c>.dist</c>, <c>.defaults</c>, <c>.schema</c>).</item>
/// <item><c>.npmrc</c>, <c>.pypirc</c>: only when they hold a literal token or password (read through the world
/// view; <c>${NPM_TOKEN}</c> references are fine), or cannot be read.</item>
/// <item>Cloud and tool credentials in home: ~/.aws/credentials and its token caches, ~/.kube/config*,
/// ~/.docker/config.json, ~/.config/gh/hosts.yml, ~/.config/gcloud credentials, ~/.azure tokens, ~/.gnupg,
/// ~/.netrc and <c>.git-credentials</c>.</item>
/// </list>
/// </summary>
public static class SecretFiles
{
    private static readonly string[] SshPublic = ["known_hosts", "known_hosts.old", "authorized_keys", "authorized_keys2", "config"];
    private static readonly string[] SshKeyNames = ["id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "id_ecdsa_sk", "id_ed25519_sk", "identity"];
    private static readonly string[] KeyExtensions = [".pem", ".key", ".p12", ".pfx"];
    private static readonly string[] EnvTemplates = ["example", "sample", "template", "dist", "defaults", "schema", "tpl"];

    /// <summary>What kind of secret the file holds ("an SSH private key"), or null when it is not a secret file.</summary>
    public static string? Describe(string absolutePath, string home, IWorldView world, int maxBytes)
    {
        var slash = absolutePath.LastIndexOf('/');
        var name = absolutePath[(slash + 1)..];
        if (name.Length == 0) return null;
        var inHome = home.Length > 1 && PathResolver.IsUnder(absolutePath, home) && absolutePath != home;
        var rel = inHome ? absolutePath[(home.TrimEnd('/').Length + 1)..] : null;

        if (rel is not null && rel.StartsWith(".ssh/", StringComparison.Ordinal))
            return name.EndsWith(".pub", StringComparison.Ordinal) || Array.IndexOf(SshPublic, name) >= 0 ? null : "an SSH private key or other SSH secret";
        if (!name.EndsWith(".pub", StringComparison.Ordinal) && Array.IndexOf(SshKeyNames, name) >= 0)
            return "an SSH private key";
        foreach (var ext in KeyExtensions)
            if (name.Length > ext.Length && name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
                return "a private key or certificate file";

        if (name == ".env" || name.EndsWith(".env", StringComparison.Ordinal) && name.Length > 4)
            return "environment secrets (.env)";
        if (name.StartsWith(".env.", StringComparison.Ordinal))
        {
            var suffix = name[5..].ToLowerInvariant();
            return Array.IndexOf(EnvTemplates, suffix) >= 0 || suffix.EndsWith(".example") ? null : "environment secrets (.env)";
        }

        if (name is ".npmrc" or ".pypirc")
        {
            var text = world.ReadTextFile(absolutePath, maxBytes);
            if (text is null) return world.GetPathKind(absolutePath) == PathKind.Missing ? null : $"a package registry configuration ({name}) that could not be checked for tokens";
            return HoldsLiteralCredential(text) ? $"a package registry token ({name})" : null;
        }
        if (name is ".netrc" or "_netrc" or ".git-credentials") return "stored login credentials";

        if (rel is null) return null;
        if (rel is ".aws/credentials" || rel.StartsWith(".aws/sso/cache/", StringComparison.Ordinal) || rel.StartsWith(".aws/cli/cache/", StringComparison.Ordinal))
            return "AWS credentials";
        if (rel.StartsWith(".kube/", StringComparison.Ordinal) && name.StartsWith("config", StringComparison.Ordinal))
            return "Kubernetes cluster credentials (kubeconfig)";
        if (rel is ".docker/config.json") return "container registry credentials";
        if (rel is ".config/gh/hosts.yml") return "a GitHub CLI token";
        if (rel.StartsWith(".config/gcloud/", StringComparison.Ordinal) && (name.Contains("credentials") || name.Contains("token") || rel.Contains("/legacy_credentials/")))
            return "Google Cloud credentials";
        if (rel.StartsWith(".azure/", StringComparison.Ordinal) && (name.Contains("token", StringComparison.OrdinalIgnoreCase) || name.Contains("msal", StringComparison.OrdinalIgnoreCase)))
            return "Azure credentials";
        if (rel.StartsWith(".gnupg/", StringComparison.Ordinal) && (rel.Contains("private-keys") || name.EndsWith(".key") || name is "secring.gpg"))
            return "a GnuPG private key";
        return null;
    }

    /// <summary>Like <see cref="Describe(string, string, IWorldView, int)"/>, for a path that may be a glob: the pattern
    /// names a secret itself (<c>~/.ssh/*</c>, <c>*.pem</c>), lies in a credential directory (<c>~/.aws/*</c>), or can
    /// only match secret-looking names (<c>.env*</c>, <c>id_*</c>: it matches one of them and no ordinary file name).</summary>
    public static string? Describe(string absolutePath, string home, IWorldView world, int maxBytes, bool glob)
    {
        var direct = Describe(absolutePath, home, world, maxBytes);
        if (direct is not null || !glob) return direct;
        var slash = absolutePath.LastIndexOf('/');
        var directory = slash <= 0 ? "/" : absolutePath[..slash];
        var pattern = absolutePath[(slash + 1)..];
        if (PathResolver.HasGlob(directory)) return null;
        // ~/.ssh holds public files too, which Describe already tells apart by name (`~/.ssh/*.pub` is public).
        var ssh = home.TrimEnd('/') + "/.ssh";
        if (!PathResolver.IsUnder(directory, ssh) && CredentialDirectory(directory, home) is { } tree) return tree;
        bool Matches(string name) => (pattern.StartsWith('.') || !name.StartsWith('.')) && PathResolver.GlobMatch(pattern, name);
        if (OrdinaryNames.Any(Matches)) return null;
        foreach (var name in SecretLookingNames)
            if (Matches(name) && Describe(directory.TrimEnd('/') + "/" + name, home, world, maxBytes) is { } secret)
                return secret;
        return null;
    }

    private static readonly string[] SecretLookingNames = [".env", ".env.local", ".env.production", "id_rsa", "id_ed25519", "id_ecdsa", "key.pem", "server.key", "cert.p12", ".netrc", ".git-credentials"];
    private static readonly string[] OrdinaryNames = ["README.md", "main.c", "notes.txt", "config.yaml", "Makefile", ".gitignore", "index.js"];

    /// <summary>Directories that are made of credentials (relative to home).</summary>
    private static readonly string[] CredentialDirectories = [".ssh", ".aws", ".kube", ".gnupg", ".docker", ".azure", ".config/gcloud", ".config/gh"];

    /// <summary>Why reading the directory <paramref name="absoluteDirectory"/> recursively reads secrets: it is or lies in
    /// a credential directory (~/.ssh, ~/.aws, ~/.kube, ~/.gnupg...), or it contains the home directory; null otherwise
    /// (a project directory is not treated as a secret because it holds a .env: `grep -r foo .` is everyday work).</summary>
    public static string? DescribeTree(string absoluteDirectory, string home) =>
        CredentialDirectory(absoluteDirectory, home)
        ?? (home.Length > 1 && PathResolver.IsUnder(home, absoluteDirectory) ? "the home directory's credentials (~/.ssh, ~/.aws, ~/.kube...)" : null);

    private static string? CredentialDirectory(string absoluteDirectory, string home)
    {
        if (home.Length <= 1) return null;
        foreach (var d in CredentialDirectories)
        {
            var full = home.TrimEnd('/') + "/" + d;
            if (PathResolver.IsUnder(absoluteDirectory, full)) return $"credentials (~/{d})";
        }
        return null;
    }

    /// <summary>A line such as <c>//registry/:_authToken=abc</c> or <c>password = x</c> with a literal value.</summary>
    private static bool HoldsLiteralCredential(string text)
    {
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#') || line.StartsWith(';')) continue;
            var eq = line.IndexOf('=');
            if (eq < 0) eq = line.IndexOf(':');
            if (eq <= 0) continue;
            var key = line[..eq].ToLowerInvariant();
            if (!(key.Contains("_auth") || key.Contains("token") || key.Contains("password"))) continue;
            var value = line[(eq + 1)..].Trim().Trim('"', '\'');
            if (value.Length > 0 && !value.StartsWith("${", StringComparison.Ordinal) && !value.StartsWith('$')) return true;
        }
        return false;
    }
}
