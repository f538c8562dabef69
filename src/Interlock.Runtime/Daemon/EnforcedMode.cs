using System.Text;

namespace Interlock.Runtime.Daemon;

/// <summary>
/// Enforced mode (`sudo interlock install --system`): every decision is made by the system decision daemon, which
/// runs as its own system user and alone owns the state; the hook processes (the agent's uid) only carry events to
/// it. The mode is switched on by a root-owned file at a fixed path (<see cref="ConfigPath"/>), never by an
/// environment variable, so nothing the agent can set or write turns it off or points it elsewhere. This file is
/// compiled into interlock-hook too, which must reach the daemon without loading anything else.
/// </summary>
internal sealed record EnforcedMode(string Socket, uint DaemonUid, string ApproversGroup)
{
    /// <summary>Fixed on purpose: INTERLOCK_SYSTEM_CONFIG_DIR relocates the system policy in user mode, and an
    /// agent can set it.</summary>
    public const string ConfigDirectory = "/etc/interlock";

    public const string ConfigPath = ConfigDirectory + "/enforced.conf";

    public const string DefaultSocket = "/run/interlock/decide.sock";

    public const string DefaultApproversGroup = "interlock-approvers";

    public const uint RequestMagic = 0x494C5331; // "ILS1"

    /// <summary>The environment a hook sends is bounded: the daemon reads a few variables from it.</summary>
    public const int MaxEnvironmentBytes = 256 * 1024;

    /// <summary>
    /// The enforced-mode configuration, or null in user mode (no file). <paramref name="problem"/> is set when the
    /// file exists but cannot be trusted or read: the caller must then stop every action, since an administrator
    /// meant this machine to be enforced.
    /// </summary>
    public static EnforcedMode? Load(out string? problem) => Load(ConfigPath, requireRoot: true, out problem);

    /// <summary><see cref="Load(out string?)"/> for a file elsewhere (tests); <paramref name="requireRoot"/> checks
    /// that it and its directory are root's and writable by nobody else.</summary>
    public static EnforcedMode? Load(string path, bool requireRoot, out string? problem)
    {
        problem = null;
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists && info.LinkTarget is null) return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{path} exists but cannot be examined ({e.Message})";
            return null;
        }
        if (info.LinkTarget is not null) { problem = $"{path} is a symbolic link; the enforced-mode configuration must be a plain root-owned file"; return null; }
        if (requireRoot)
        {
            foreach (var p in new[] { path, Path.GetDirectoryName(path)! })
            {
                if (Libc.FileOwner(p) is not var (uid, _, mode)) { problem = $"{p} cannot be examined"; return null; }
                if (uid != 0) { problem = $"{p} is owned by uid {uid}, not root, so it cannot be trusted"; return null; }
                if ((mode & 0b000_010_010) != 0) { problem = $"{p} is writable by users other than root (mode {Convert.ToString(mode, 8)}), so it cannot be trusted"; return null; }
            }
        }
        string text;
        try
        {
            if (info.Length > 64 * 1024) { problem = $"{path} is over 64 KiB"; return null; }
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = $"{path} cannot be read ({e.Message})";
            return null;
        }
        return Parse(text, path, out problem);
    }

    /// <summary>Lines of <c>key = value</c>; <c>#</c> starts a comment. Keys: socket, daemon_uid, approvers_group.</summary>
    public static EnforcedMode? Parse(string text, string path, out string? problem)
    {
        problem = null;
        string socket = DefaultSocket, group = DefaultApproversGroup;
        uint? daemonUid = null;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var eq = line.IndexOf('=');
            if (eq <= 0) { problem = $"{path}:{number}: expected `key = value`"; return null; }
            var key = line[..eq].Trim();
            var value = line[(eq + 1)..].Trim();
            switch (key)
            {
                case "socket" when value.StartsWith('/') && Encoding.UTF8.GetByteCount(value) < Libc.MaxSocketPathBytes: socket = value; break;
                case "socket": problem = $"{path}:{number}: socket must be an absolute path under {Libc.MaxSocketPathBytes} bytes"; return null;
                case "daemon_uid" when uint.TryParse(value, out var uid) && uid != 0: daemonUid = uid; break;
                case "daemon_uid": problem = $"{path}:{number}: daemon_uid must be the numeric uid of the daemon's system user (not root)"; return null;
                case "approvers_group" when value.Length > 0: group = value; break;
                default: problem = $"{path}:{number}: unknown key `{key}` (known: socket, daemon_uid, approvers_group)"; return null;
            }
        }
        if (daemonUid is null) { problem = $"{path}: daemon_uid is missing"; return null; }
        return new EnforcedMode(socket, daemonUid.Value, group);
    }

    public string Render() => $"""
        # Written by `interlock install --system`. Its presence switches this machine to enforced mode: every hook call
        # is decided by the system decision daemon (interlock.service), and nothing an agent sets can change that.
        # Remove the enforced mode with `sudo interlock uninstall --system`.
        socket = {Socket}
        daemon_uid = {DaemonUid}
        approvers_group = {ApproversGroup}

        """;

    /// <summary>
    /// One request to the system daemon and its answer, or null when it cannot be had (no daemon, a listener that is
    /// not the daemon's user, a broken connection, no answer in time). The caller stops the action then: in enforced
    /// mode there is no deciding in-process.
    /// </summary>
    public HookAnswer? Ask(SystemRequest request, TimeSpan timeout)
    {
        try
        {
            using var socket = Libc.UnixStream.Connect(Socket);
            if (socket is null || socket.Peer() is not (_, var uid) || uid != DaemonUid) return null;
            socket.SetTimeout(timeout);
            socket.Write(DaemonEndpoint.Frame(request.Encode()));
            return DaemonEndpoint.ReadFrame(socket.ReadFully) is { } frame ? DaemonEndpoint.DecodeAnswer(frame) : null;
        }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidDataException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The caller's environment as sent to the daemon (bounded; the daemon keeps only what the decision
    /// reads, and records the variables that try to relocate or loosen the guard).</summary>
    public static string[] CallerEnvironment()
    {
        var list = new List<string>();
        var total = 0;
        foreach (System.Collections.DictionaryEntry v in Environment.GetEnvironmentVariables())
        {
            if (v.Key is not string name || v.Value is not string value) continue;
            var entry = name + "=" + value;
            if ((total += entry.Length + 1) > MaxEnvironmentBytes) break;
            list.Add(entry);
        }
        return [.. list];
    }
}

/// <summary>A call to the system daemon: <see cref="Op"/> is "hook" (decide one event) or an administrative
/// operation (requests, approve, deny, breaker, history, undo, status) with its <see cref="Args"/>. The caller is
/// identified by the daemon itself (SO_PEERCRED), never by anything in the request.</summary>
internal sealed record SystemRequest(string Op, string Harness, string Cwd, int DeadlineMs, string[] Environment, string[] Args, byte[] Input)
{
    public byte[] Encode() => DaemonEndpoint.EncodeFields(EnforcedMode.RequestMagic, DeadlineMs,
    [
        Encoding.UTF8.GetBytes(Op), Encoding.UTF8.GetBytes(Harness), Encoding.UTF8.GetBytes(Cwd),
        Encoding.UTF8.GetBytes(string.Join('\0', Environment)), Encoding.UTF8.GetBytes(string.Join('\0', Args)), Input,
    ]);

    /// <exception cref="InvalidDataException">Not a request this build understands.</exception>
    public static SystemRequest Decode(ReadOnlySpan<byte> frame)
    {
        var (deadline, parts) = DaemonEndpoint.DecodeFields(frame, EnforcedMode.RequestMagic, 6, "system request");
        if (parts[3].Length > EnforcedMode.MaxEnvironmentBytes) throw new InvalidDataException("environment over its bound");
        static string[] List(byte[] b) => b.Length == 0 ? [] : Encoding.UTF8.GetString(b).Split('\0');
        return new SystemRequest(Encoding.UTF8.GetString(parts[0]), Encoding.UTF8.GetString(parts[1]), Encoding.UTF8.GetString(parts[2]), deadline, List(parts[3]), List(parts[4]), parts[5]);
    }
}
