using System.Net;

namespace Interlock.Server;

/// <summary>
/// Counts events per key (a client address, an account) in a fixed window and says when a key is over its limit.
/// Memory is bounded: at most <paramref name="maxKeys"/> keys are tracked; when full, expired windows are dropped
/// first and then the oldest window, so a flood of new keys can only make the limiter forget the oldest ones, never
/// grow without bound. Thread-safe; time comes from the caller (the server's TimeProvider), so tests control it.
/// </summary>
public sealed class SignInLimiter(int limit, TimeSpan window, int maxKeys = 10_000)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTimeOffset Start, int Count)> _windows = new(StringComparer.Ordinal);

    public int Limit => limit;
    public TimeSpan Window => window;
    public int TrackedKeys { get { lock (_gate) return _windows.Count; } }

    /// <summary>How long until <paramref name="key"/> may try again, or null when it is under the limit now.</summary>
    public TimeSpan? RetryAfter(string key, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_windows.TryGetValue(key, out var w) || now - w.Start >= window || w.Count < limit) return null;
            return w.Start + window - now;
        }
    }

    /// <summary>Counts one event for <paramref name="key"/>.</summary>
    public void Record(string key, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_windows.TryGetValue(key, out var w) && now - w.Start < window) { _windows[key] = (w.Start, w.Count + 1); return; }
            if (!_windows.ContainsKey(key) && _windows.Count >= maxKeys) MakeRoom(now);
            _windows[key] = (now, 1);
        }
    }

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (k, w) in _windows) if (now - w.Start >= window) _windows.Remove(k);
        if (_windows.Count < maxKeys) return;
        var oldest = _windows.MinBy(kv => kv.Value.Start).Key;
        _windows.Remove(oldest);
    }

    /// <summary>The key for a client address: IPv4 as is, IPv6 by its /64 (one host usually owns a whole /64, so
    /// counting single IPv6 addresses would let it rotate through them).</summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
