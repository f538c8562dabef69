namespace Interlock.Core.Knowledge;

/// <summary>
/// HTTP clients (curl, wget, httpie, xh) calling APIs: a DELETE, or a request to an endpoint whose path says it
/// deletes (Elasticsearch <c>_delete_by_query</c>, <c>/purge</c>, <c>/flush</c>), destroys data; other writes
/// (POST, PUT, PATCH) change state, which asks only in production. Downloads and GETs are nothing.
/// </summary>
public sealed class HttpClients : ICommandKnowledge
{
    public IReadOnlyList<string> Executables { get; } = ["curl", "wget", "http", "https", "xh", "xhs"];

    /// <summary>curl and wget read proxies and netrc paths from their environment and print none of it (httpie/xh are not
    /// vouched for).</summary>
    public InputUse Environment(Invocation inv) => inv.Name is "curl" or "wget" ? InputUse.KeepsToItself : InputUse.Unknown;

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

    // ------------------------------------------------------------ what curl does with an argument (curl(1))

    /// <summary>curl sends a header, data, form, user, bearer token, user-agent, referer or cookie argument in its
    /// requests and prints none of it: it is sent to the requests' hosts. It may show it after all when told to show the
    /// request (<c>-v</c>, <c>--trace</c>, <c>--trace-ascii</c>, <c>--libcurl</c>, <c>-w</c>), when a config file or an
    /// unknown word may add options, or when the request can go elsewhere than the URL's host (a proxy,
    /// <c>--resolve</c>, <c>--connect-to</c>, a unix socket, <c>--location-trusted</c>); then, and for an option this
    /// table does not know, it is Unknown. Every URL must be <c>https://</c> with a plain host name.</summary>
    public ArgumentUse Argument(Invocation inv, int index)
    {
        if (inv.Name != "curl" || index < 0 || index >= inv.Args.Count) return ArgumentUse.Unknown;
        var args = inv.Args;
        var hosts = new List<string>();
        var sent = false;
        for (var i = 0; i < args.Count; i++)
        {
            // Only the argument asked about may be unknown: any other could be options at run time (`curl $OPTS`).
            if (!args[i].Known && i != index) return ArgumentUse.Unknown;
            var t = args[i].Text;
            if (i != index && t == "--")
            {
                for (i++; i < args.Count; i++)
                    if (!args[i].Known || HttpsHost(args[i].Text) is not { } h) return ArgumentUse.Unknown;
                    else hosts.Add(h);
                break;
            }
            if (t.StartsWith("--", StringComparison.Ordinal) && i != index)
            {
                if (CurlFlags.Contains(t) || t.StartsWith("--no-", StringComparison.Ordinal) && CurlFlags.Contains("--" + t[5..])) continue;
                var role = CurlSent.Contains(t) ? 1 : CurlValued.Contains(t) || t == "--url" ? 0 : -1;
                if (role < 0 || i + 1 >= args.Count) return ArgumentUse.Unknown; // shows the request, goes elsewhere, or unknown
                i++;
                if (t == "--url")
                {
                    if (i == index || !args[i].Known || HttpsHost(args[i].Text) is not { } u) return ArgumentUse.Unknown;
                    hosts.Add(u);
                }
                else if (i == index) sent = role == 1;
                else if (!args[i].Known) return ArgumentUse.Unknown;
                continue;
            }
            if (t.Length > 1 && t[0] == '-' && (i != index || t.Length > 2 && CurlSentShort.Contains(t[1])))
            {
                // A bundle of letters (`-sSfL`); a valued letter takes the rest of the word or the next word.
                for (var j = 1; j < t.Length; j++)
                {
                    var c = t[j];
                    if (CurlFlagShort.Contains(c)) continue;
                    if (!CurlValuedShort.Contains(c)) return ArgumentUse.Unknown; // -v, -K, -x, -w or unknown
                    var valueAt = j + 1 < t.Length ? i : i + 1;
                    if (valueAt >= args.Count) return ArgumentUse.Unknown;
                    if (valueAt == index) sent = CurlSentShort.Contains(c);
                    else if (!args[valueAt].Known) return ArgumentUse.Unknown;
                    i = valueAt;
                    break;
                }
                continue;
            }
            // A URL. The argument asked about may be one only if its host is written out before anything unknown.
            if (HttpsHost(t) is not { } host) return ArgumentUse.Unknown;
            if (i == index) sent = true;
            hosts.Add(host);
        }
        return sent && hosts.Count > 0 ? ArgumentUse.SentTo(hosts) : ArgumentUse.Unknown;
    }

    /// <summary>The host of an <c>https://</c> URL whose authority is a plain host name and optional port (no user
    /// information, no unknown or glob part: <c>$(...)</c>, <c>{a,b}</c>), lower case; otherwise null.</summary>
    internal static string? HttpsHost(string url)
    {
        if (!url.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) return null;
        var rest = url.AsSpan(8);
        var end = rest.IndexOfAny('/', '?', '#');
        var authority = end >= 0 ? rest[..end] : rest;
        var colon = authority.IndexOf(':');
        var host = colon >= 0 ? authority[..colon] : authority;
        if (colon >= 0 && (colon == authority.Length - 1 || !authority[(colon + 1)..].ToString().All(char.IsAsciiDigit))) return null;
        if (host.Length == 0 || host[0] == '.' || host[^1] == '.') return null;
        foreach (var ch in host)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '.' or '-')) return null;
        return host.ToString().ToLowerInvariant();
    }

    // Letters that take no value (-s -S -f -L -i -I -k -g -G -O -J -N -# -0 -1 -2 -3 -4 -6 -a -B -j -l -n -R -Z, -q).
    private static readonly HashSet<char> CurlFlagShort = [.. "sSfLiIkgGOJN#012346aBjlnRZq"];
    // Letters whose value is sent in the request: -H -d -F -u -A -e -b.
    private static readonly HashSet<char> CurlSentShort = [.. "HdFuAeb"];
    // Letters that take a value: the sent ones, and -C -c -D -E -m -o -P -Q -r -t -T -X -Y -y -z -U.
    private static readonly HashSet<char> CurlValuedShort = [.. "HdFuAebCcDEmoPQrtTXYyzU"];

    private static readonly HashSet<string> CurlSent =
    [
        "--header", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--data-ascii", "--json", "--form",
        "--form-string", "--user", "--oauth2-bearer", "--user-agent", "--referer", "--cookie",
    ];

    private static readonly HashSet<string> CurlValued =
    [
        .. CurlSent, "--request", "--output", "--output-dir", "--cookie-jar", "--max-time", "--connect-timeout", "--retry",
        "--retry-delay", "--retry-max-time", "--cacert", "--capath", "--cert", "--cert-type", "--key", "--key-type", "--pass",
        "--dump-header", "--range", "--limit-rate", "--max-filesize", "--max-redirs", "--speed-limit", "--speed-time",
        "--time-cond", "--proto", "--proto-redir", "--proto-default", "--upload-file", "--keepalive-time", "--ciphers",
        "--aws-sigv4", "--etag-save", "--etag-compare", "--expect100-timeout", "--happy-eyeballs-timeout-ms", "--stderr",
        "--continue-at", "--create-file-mode", "--retry-all-errors-delay", "--rate", "--parallel-max",
    ];

    private static readonly HashSet<string> CurlFlags =
    [
        "--silent", "--show-error", "--fail", "--fail-with-body", "--fail-early", "--location", "--include", "--show-headers",
        "--head", "--insecure", "--globoff", "--get", "--remote-name", "--remote-name-all", "--remote-header-name",
        "--compressed", "--progress-bar", "--progress-meter", "--http1.0", "--http1.1", "--http2", "--http2-prior-knowledge",
        "--http3", "--http3-only", "--ipv4", "--ipv6", "--buffer", "--create-dirs", "--retry-all-errors", "--retry-connrefused",
        "--tr-encoding", "--raw", "--tcp-nodelay", "--tcp-fastopen", "--keepalive", "--sessionid", "--disable", "--netrc",
        "--netrc-optional", "--path-as-is", "--ssl-reqd", "--tlsv1", "--tlsv1.2", "--tlsv1.3", "--styled-output", "--parallel",
        "--list-only", "--append", "--remote-time", "--junk-session-cookies", "--anyauth", "--basic", "--digest",
        "--negotiate", "--ntlm", "--clobber", "--skip-existing", "--alpn", "--npn", "--trace-time",
        "--compressed-ssh", "--ssl", "--use-ascii",
    ];
}
