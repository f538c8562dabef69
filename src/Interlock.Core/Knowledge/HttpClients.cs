namespace Interlock.Core.Knowledge;

/// <summary>
/// HTTP clients (curl, wget, httpie, xh) calling APIs: a DELETE, or a request to an endpoint whose path says it
/// deletes (Elasticsearch <c>_delete_by_query</c>, <c>/purge</c>, <c>/flush</c>), destroys data; other writes
/// (POST, PUT, PATCH) change state, which asks only in production. Downloads and GETs are nothing.
/// </summary>
public sealed class HttpClients : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["curl", "wget", "http", "https", "xh", "xhs"];

    private static readonly string[] DestructivePathWords = ["_delete_by_query", "delete", "purge", "flush", "truncate", "drop", "wipe", "destroy", "_close"];
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH"];

    public void Analyze(Invocation inv, KnowledgeContext ctx, List<Effect> effects)
    {
        var args = inv.Args;
        string? method = null;
        var urls = new List<Arg>();
        var hasBody = false;
        for (var i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (inv.Name is "curl")
            {
                if (t is "-X" or "--request" && i + 1 < args.Count) { method = args[++i].Text.ToUpperInvariant(); continue; }
                if (t.StartsWith("-X") && t.Length > 2) { method = t[2..].ToUpperInvariant(); continue; }
                if (t is "-d" or "--data" or "--data-raw" or "--data-binary" or "--data-urlencode" or "--json" or "-F" or "--form" or "-T" or "--upload-file") { hasBody = true; i++; continue; }
                if (t is "-H" or "--header" or "-o" or "--output" or "-u" or "--user" or "-A" or "--user-agent" or "-e" or "--referer" or "-b" or "--cookie" or "-c" or "--cookie-jar" or "--cacert" or "--cert" or "--key" or "-w" or "--write-out" or "--connect-timeout" or "-m" or "--max-time" or "--retry" or "-K" or "--config" or "--resolve" or "-x" or "--proxy")
                { i++; continue; }
                if (t is "-I" or "--head") { method = "HEAD"; continue; }
            }
            else if (inv.Name is "wget")
            {
                if (t.StartsWith("--method=")) { method = t[9..].ToUpperInvariant(); continue; }
                if (t == "--method" && i + 1 < args.Count) { method = args[++i].Text.ToUpperInvariant(); continue; }
                if (t.StartsWith("--post-data") || t.StartsWith("--post-file") || t.StartsWith("--body-data")) { hasBody = true; continue; }
                if (t is "-O" or "-o" or "-P" or "--header" or "-U" or "--user-agent" or "--user" or "--password") { i++; continue; }
            }
            else
            {
                // httpie / xh: `http [METHOD] URL [items]`
                if (method is null && urls.Count == 0 && t.All(char.IsAsciiLetter) && t.ToUpperInvariant() is "GET" or "POST" or "PUT" or "PATCH" or "DELETE" or "HEAD" or "OPTIONS")
                { method = t.ToUpperInvariant(); continue; }
                if (urls.Count > 0 && (t.Contains('=') || t.Contains(":="))) { hasBody = true; continue; }
            }
            if (t.StartsWith('-')) continue;
            if (urls.Count == 0 || inv.Name is "curl" or "wget") urls.Add(args[i]);
        }
        method ??= hasBody ? "POST" : "GET";
        if (method is "GET" or "HEAD" or "OPTIONS") return;
        foreach (var url in urls.Where(LooksLikeUrl))
        {
            var path = url.Text.ToLowerInvariant();
            var destructive = method == "DELETE" || DestructivePathWords.Any(w => PathSegments(path).Any(s => s.Contains(w)));
            if (!destructive && !WriteMethods.Contains(method)) continue;
            var host = Host(url.Text);
            var env = ctx.InferEnvironment("API host", host);
            effects.Add(new Effect(destructive ? EffectKind.DestroyData : EffectKind.ChangeInfrastructure, url.Text, PathClass.Unknown, false, false,
                destructive ? $"sends {method} {url.Text}, which deletes what that endpoint holds" : $"sends {method} {url.Text}, changing state on {host ?? "the server"}", inv)
            { Environment = env.Environment, EnvironmentEvidence = env.Evidence });
        }
    }

    private static bool LooksLikeUrl(Arg a) => !a.Known || a.Text.Contains("://") || a.Text.StartsWith(':') || a.Text.StartsWith("localhost") || a.Text.Contains('/');

    private static IEnumerable<string> PathSegments(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start >= 0 ? url[(start + 3)..] : url;
        var slash = rest.IndexOf('/');
        if (slash < 0) return [];
        var path = rest[slash..];
        var q = path.IndexOf('?');
        return (q >= 0 ? path[..q] : path).Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string? Host(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        var rest = start >= 0 ? url[(start + 3)..] : url;
        var end = rest.IndexOfAny(['/', ':', '?']);
        var host = end >= 0 ? rest[..end] : rest;
        return host.Length == 0 ? null : host;
    }
}
