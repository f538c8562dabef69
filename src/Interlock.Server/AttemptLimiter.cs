using System.Collections.Concurrent;
using System.Net;

namespace Interlock.Server;

/// <summary>
/// Counts attempts per key (a client address, an account) in a fixed window and says when a key is over its limit:
/// failed dashboard sign-ins and sessions per account (<see cref="Dashboard"/>), and requests whose token does not
/// authenticate (<see cref="ApprovalService.TokenFailures"/>). Memory is bounded: at most <paramref name="maxKeys"/>
/// keys are tracked; when full, expired windows are dropped first and then the oldest window, so a flood of new keys
/// can only make the limiter forget the oldest ones, never grow without bound. Thread-safe; time comes from the
/// caller (the server's TimeProvider), so tests control it.
/// </summary>
/// <remarks><see cref="RetryAfter"/> takes no lock (one lookup in a concurrent dictionary): it sits on the path of
/// every API request, valid token or not. Only <see cref="Record"/>, the path of failures, serialises.</remarks>
public sealed class AttemptLimiter(int limit, TimeSpan window, int maxKeys = 10_000)
{
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, (DateTimeOffset Start, int Count)> _windows = new(StringComparer.Ordinal);
    private int _tracked; // _windows.Count, kept by Record (ConcurrentDictionary.Count takes every bucket lock)

    public int Limit => limit;
    public TimeSpan Window => window;
    public int TrackedKeys => Volatile.Read(ref _tracked);

    /// <summary>How long until <paramref name="key"/> may try again, or null when it is under the limit now.</summary>
    public TimeSpan? RetryAfter(string key, DateTimeOffset now)
    {
        if (!_windows.TryGetValue(key, out var w) || now - w.Start >= window || w.Count < limit) return null;
        return w.Start + window - now;
    }

    /// <summary>Counts one attempt for <paramref name="key"/>.</summary>
    public void Record(string key, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_windows.TryGetValue(key, out var w))
            {
                _windows[key] = now - w.Start < window ? (w.Start, w.Count + 1) : (now, 1);
                return;
            }
            if (_tracked >= maxKeys) MakeRoom(now);
            _windows[key] = (now, 1);
            _tracked++;
        }
    }

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (k, w) in _windows)
            if (now - w.Start >= window && _windows.TryRemove(k, out _)) _tracked--;
        if (_tracked < maxKeys) return;
        var oldest = _windows.MinBy(kv => kv.Value.Start).Key;
        if (_windows.TryRemove(oldest, out _)) _tracked--;
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
