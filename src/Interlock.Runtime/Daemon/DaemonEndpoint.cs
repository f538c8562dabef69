using System.Buffers.Binary;
using System.Text;
using Interlock.State;

namespace Interlock.Runtime.Daemon;

/// <summary>
/// Where a hook daemon listens, and the framing both sides speak. A daemon only ever answers for the environment it
/// was started in: the socket's name is a hash of the executable and of every variable the hook reads, so a hook
/// process with a different environment (another state directory, policy directory, timeout, server...) finds no
/// daemon and decides in-process, exactly as it would without one.
/// </summary>
internal static class DaemonEndpoint
{
    /// <summary>Variables the hook's decision can depend on, besides every INTERLOCK_* variable: the world view's
    /// well-known ones, those the engine's context readers consult (kube, AWS, Terraform, gcloud, database and
    /// framework variables) and the harnesses' configuration homes. A test keeps this list a superset of what FileSystemWorld exposes (this file is also
    /// compiled into interlock-hook, which does not reference the engine, hence the copy).</summary>
    internal static readonly string[] HookVariables =
    [
        "HOME", "USER", "LOGNAME", "TMPDIR", "SHELL", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
        // Every variable the context readers consult (EnvironmentSources.Variables; a test keeps the two in step: this file is
        // also compiled into interlock-hook, which does not reference the engine): a daemon started with another value must not answer.
        "KUBECONFIG", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "TF_WORKSPACE", "TF_DATA_DIR",
        "TF_CLI_ARGS", "TF_CLI_ARGS_apply", "TF_CLI_ARGS_destroy", "TF_CLI_ARGS_plan",
        "CLOUDSDK_CONFIG", "CLOUDSDK_ACTIVE_CONFIG_NAME", "CLOUDSDK_CORE_PROJECT",
        "AZURE_CONFIG_DIR", "AZURE_SUBSCRIPTION_ID", "PULUMI_STACK", "PULUMI_HOME", "HELM_KUBECONTEXT", "HELM_NAMESPACE",
        "DATABASE_URL", "DB_URL", "POSTGRES_URL", "POSTGRESQL_URL", "MYSQL_URL", "REDIS_URL", "MONGODB_URI", "MONGODB_URL", "MONGO_URL", "MONGO_URI",
        "PGHOST", "PGDATABASE", "PGSERVICE", "PGSERVICEFILE", "MYSQL_HOST", "CLICKHOUSE_HOST", "DB_HOST", "DB_DATABASE", "ETCDCTL_ENDPOINTS", "CONSUL_HTTP_ADDR",
        "FLYWAY_URL", "LIQUIBASE_COMMAND_URL", "SQLALCHEMY_DATABASE_URI", "TYPEORM_URL",
        "RAILS_ENV", "RACK_ENV", "NODE_ENV", "APP_ENV", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "MIX_ENV", "DJANGO_SETTINGS_MODULE", "FLASK_ENV",
        "DISABLE_DATABASE_ENVIRONMENT_CHECK",
        "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS",
        .. Enumerable.Range(0, 16).SelectMany(n => new[] { $"GIT_CONFIG_KEY_{n}", $"GIT_CONFIG_VALUE_{n}" }),
        // Where the harnesses read their hook configuration (protected paths follow them).
        "CLAUDE_CONFIG_DIR", "CODEX_HOME", "GEMINI_CLI_SYSTEM_SETTINGS_PATH", "COPILOT_HOME",
    ];

    public const uint RequestMagic = 0x494C4431; // "ILD1"
    public const int MaxFrameBytes = 16 * 1024 * 1024;

    /// <summary>The socket a daemon started in this process's environment listens on: in the state directory, or,
    /// when that path would be too long for a Unix socket (sun_path holds 107 bytes and the terminator; a deep home
    /// or a test's output directory is easily longer), in a short directory of this user's own
    /// (<see cref="ShortDirectory"/>). Null when neither can hold it (<see cref="Unavailable"/> says why).</summary>
    public static string? SocketPath(string key)
    {
        var name = $"hookd-{key}.sock";
        var path = Path.Combine(StateDirectory.Resolve(), name);
        if (Fits(path)) return path;
        return ShortDirectory() is { } dir && Path.Combine(dir, name) is var shortPath && Fits(shortPath) ? shortPath : null;
    }

    /// <summary>Where a daemon of this environment writes its log: always the state directory, beside the audit
    /// trail, wherever its socket is.</summary>
    public static string LogPath(string key) => Path.Combine(StateDirectory.Resolve(), $"hookd-{key}.log");

    /// <summary>Why no daemon can serve this environment, or null when one can (for `interlock doctor`).</summary>
    public static string? Unavailable(string executable)
    {
        if (!OperatingSystem.IsLinux()) return "the hook daemon runs on Linux only; every call is decided in-process (about 10 ms instead of 3)";
        if (Environment.GetEnvironmentVariable("INTERLOCK_DAEMON") is { } mode && mode != "auto") return $"INTERLOCK_DAEMON={mode} turns it off; every call is decided in-process";
        return SocketPath(EnvironmentKey(executable)) is null ? NoSocketPath : null;
    }

    /// <summary>Why <see cref="SocketPath"/> is null.</summary>
    public static string NoSocketPath =>
        $"no Unix socket path fits: the state directory {StateDirectory.Resolve()} is too long, and {(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } r ? r + "/interlock" : "/tmp/interlock-" + Environment.UserName)} is not usable (it must be a directory of yours with mode 0700); set INTERLOCK_STATE_DIR to a shorter path";

    private static bool Fits(string path) => Encoding.UTF8.GetByteCount(path) < Libc.MaxSocketPathBytes;

    /// <summary>$XDG_RUNTIME_DIR/interlock (systemd's per-user runtime directory), else /tmp/interlock-&lt;user&gt;,
    /// created with mode 0700; null when the one found is not a real directory with exactly that mode (another user
    /// may have made it first: a shared /tmp). Callers are checked by uid and executable either way (SO_PEERCRED), so
    /// the directory only keeps the socket's name to this user.</summary>
    private static string? ShortDirectory()
    {
        if (!OperatingSystem.IsLinux()) return null;
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var dir = runtime is { Length: > 0 } && Path.IsPathFullyQualified(runtime) && Directory.Exists(runtime)
            ? Path.Combine(runtime, "interlock")
            : Path.Combine("/tmp", "interlock-" + Environment.UserName);
        try
        {
            const UnixFileMode owner = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
            var info = Directory.CreateDirectory(dir, owner);
            if (info.LinkTarget is not null) return null;
            return File.GetUnixFileMode(dir) == owner ? dir : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>A hash of what makes two hook processes decide alike: the interlock executable that decides (a rebuilt
    /// or upgraded binary gets a new daemon) and the hook's environment variables. interlock-hook computes it for the
    /// interlock beside it.</summary>
    public static string EnvironmentKey(string executable)
    {
        var text = new StringBuilder();
        text.Append(executable).Append('\0').Append(BuildInfo.Version).Append('\0');
        try
        {
            var info = new FileInfo(executable);
            if (info.Exists) text.Append(info.Length).Append('\0').Append(info.LastWriteTimeUtc.Ticks).Append('\0');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The path alone still separates binaries.
        }
        var names = new List<string>(HookVariables);
        foreach (System.Collections.DictionaryEntry v in Environment.GetEnvironmentVariables())
            if (v.Key is string name && name.StartsWith("INTERLOCK_", StringComparison.Ordinal)) names.Add(name);
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
            text.Append(name).Append('=').Append(Environment.GetEnvironmentVariable(name) ?? "\u0001unset").Append('\0');
        // FNV-1a: the name only has to differ between environments (the directory is the user's own and the peer's
        // uid is checked); a cryptographic hash would load OpenSSL, milliseconds of start-up in every hook process.
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text.ToString())) hash = (hash ^ b) * 1099511628211UL;
        return hash.ToString("x16");
    }

    /// <summary>Whether the peer is this user running <paramref name="executable"/>: a daemon answer is trusted only
    /// from the real interlock, never from some other program listening on the socket's name.</summary>
    public static bool PeerRuns((int Pid, uint Uid)? peer, string executable)
    {
        if (peer is not var (pid, uid) || uid != Libc.GetEffectiveUid()) return false;
        var exe = File.ResolveLinkTarget($"/proc/{pid}/exe", returnFinalTarget: false)?.FullName;
        return exe is not null && exe == executable;
    }

    /// <summary>
    /// One hook call handed to the daemon of <paramref name="executable"/>'s environment (the client side, shared by
    /// `interlock hook` and interlock-hook). The daemon gets the deadline minus <see cref="HookDeadline.Reserve"/>,
    /// which is kept for deciding in-process. Null, for the caller to decide, when there is no daemon, the listener is
    /// not this user's <paramref name="executable"/>, or the daemon declined, failed or did not answer in its share.
    /// </summary>
    public static HookAnswer? Ask(string executable, string harness, byte[] input, TimeSpan deadline, System.Diagnostics.Stopwatch clock)
    {
        var key = EnvironmentKey(executable);
        if (SocketPath(key) is not { } path) return null;
        var reserve = HookDeadline.Reserve(deadline);
        var share = deadline - clock.Elapsed - reserve;
        if (share <= TimeSpan.FromMilliseconds(50)) return null;
        try
        {
            using var socket = Libc.UnixStream.Connect(path);
            if (socket is null || !PeerRuns(socket.Peer(), executable)) return null;
            // A daemon leaves when a call overruns its share; the grace covers its watchdog's period.
            socket.SetTimeout(share + reserve / 3);
            socket.Write(Frame(new DaemonRequest(key, harness, Environment.CurrentDirectory, (int)share.TotalMilliseconds, input).Encode()));
            return ReadFrame(socket.ReadFully) is { } frame ? DecodeAnswer(frame) : null;
        }
        catch (Exception e) when (e is TimeoutException or IOException or InvalidDataException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>An answer frame: 0 and the hook's answer, or 1 when the daemon declines the call (the client then
    /// decides in-process).</summary>
    public static byte[] EncodeAnswer(HookAnswer? answer)
    {
        if (answer is null) return [1];
        var stdout = Encoding.UTF8.GetBytes(answer.Stdout);
        var stderr = Encoding.UTF8.GetBytes(answer.Stderr);
        var buffer = new byte[1 + 4 + 4 + stdout.Length + 4 + stderr.Length];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], answer.ExitCode);
        BinaryPrimitives.WriteInt32LittleEndian(span[5..], stdout.Length);
        stdout.CopyTo(span[9..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[(9 + stdout.Length)..], stderr.Length);
        stderr.CopyTo(span[(13 + stdout.Length)..]);
        return buffer;
    }

    /// <summary>The answer in a frame, or null when the daemon declined.</summary>
    /// <exception cref="InvalidDataException">Not an answer frame.</exception>
    public static HookAnswer? DecodeAnswer(ReadOnlySpan<byte> frame)
    {
        if (frame.Length == 1 && frame[0] == 1) return null;
        if (frame.Length < 13 || frame[0] != 0) throw new InvalidDataException("not an interlock hook answer");
        var exit = BinaryPrimitives.ReadInt32LittleEndian(frame[1..]);
        var n = BinaryPrimitives.ReadInt32LittleEndian(frame[5..]);
        if (n < 0 || n > frame.Length - 13) throw new InvalidDataException("answer field out of bounds");
        var stdout = Encoding.UTF8.GetString(frame.Slice(9, n));
        var m = BinaryPrimitives.ReadInt32LittleEndian(frame[(9 + n)..]);
        if (m < 0 || m != frame.Length - 13 - n) throw new InvalidDataException("answer field out of bounds");
        return new HookAnswer(stdout, Encoding.UTF8.GetString(frame.Slice(13 + n, m)), exit);
    }

    /// <summary>The payload with its length in front, to be written in one call.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> payload)
    {
        var frame = new byte[4 + payload.Length];
        BinaryPrimitives.WriteInt32LittleEndian(frame, payload.Length);
        payload.CopyTo(frame.AsSpan(4));
        return frame;
    }

    public static void WriteFrame(Stream stream, ReadOnlySpan<byte> payload) => stream.Write(Frame(payload));

    /// <summary>Reads one length-prefixed frame; null at a clean end of stream before the frame.</summary>
    /// <exception cref="InvalidDataException">The frame is truncated or over <see cref="MaxFrameBytes"/>.</exception>
    public static byte[]? ReadFrame(Stream stream) => ReadFrame(buffer => ReadFully(stream, buffer));

    /// <summary><see cref="ReadFrame(Stream)"/> over any reader that fills a buffer unless the stream ends.</summary>
    public static byte[]? ReadFrame(SpanReader readFully)
    {
        Span<byte> length = stackalloc byte[4];
        var got = readFully(length);
        if (got == 0) return null;
        if (got < 4) throw new InvalidDataException("truncated frame header");
        var n = BinaryPrimitives.ReadInt32LittleEndian(length);
        if (n < 0 || n > MaxFrameBytes) throw new InvalidDataException($"frame of {n} bytes is out of bounds");
        var payload = new byte[n];
        if (readFully(payload) < n) throw new InvalidDataException("truncated frame");
        return payload;
    }

    public delegate int SpanReader(Span<byte> buffer);

    /// <summary>A request: magic, deadline, then each field with its length in front.</summary>
    public static byte[] EncodeFields(uint magic, int deadlineMs, byte[][] parts)
    {
        var length = 8;
        foreach (var part in parts) length += 4 + part.Length;
        var buffer = new byte[length];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], deadlineMs);
        var at = 8;
        foreach (var part in parts)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], part.Length);
            part.CopyTo(span[(at + 4)..]);
            at += 4 + part.Length;
        }
        return buffer;
    }

    /// <summary>The deadline and the <paramref name="count"/> fields of a request made by <see cref="EncodeFields"/>.</summary>
    /// <exception cref="InvalidDataException">Not such a request: another magic, a field out of bounds, trailing
    /// bytes, no deadline.</exception>
    public static (int DeadlineMs, byte[][] Parts) DecodeFields(ReadOnlySpan<byte> frame, uint magic, int count, string what)
    {
        if (frame.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(frame) != magic) throw new InvalidDataException($"not an interlock {what}");
        var deadline = BinaryPrimitives.ReadInt32LittleEndian(frame[4..]);
        var at = 8;
        var parts = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            if (frame.Length - at < 4) throw new InvalidDataException($"truncated {what}");
            var n = BinaryPrimitives.ReadInt32LittleEndian(frame[at..]);
            if (n < 0 || n > frame.Length - at - 4) throw new InvalidDataException($"{what} field out of bounds");
            parts[i] = frame.Slice(at + 4, n).ToArray();
            at += 4 + n;
        }
        if (at != frame.Length) throw new InvalidDataException($"trailing bytes after the {what}");
        if (deadline <= 0) throw new InvalidDataException($"{what} without a deadline");
        return (deadline, parts);
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer[total..]);
            if (n <= 0) break;
            total += n;
        }
        return total;
    }
}

/// <summary>One hook call sent to the daemon: the client's environment key (a daemon whose socket was moved to
/// another environment's name declines), the harness, the client's cwd and deadline, and the raw event.</summary>
internal sealed record DaemonRequest(string Key, string Harness, string Cwd, int DeadlineMs, byte[] Input)
{
    public byte[] Encode() =>
        DaemonEndpoint.EncodeFields(DaemonEndpoint.RequestMagic, DeadlineMs, [Encoding.UTF8.GetBytes(Key), Encoding.UTF8.GetBytes(Harness), Encoding.UTF8.GetBytes(Cwd), Input]);

    /// <exception cref="InvalidDataException">Not a request this build understands.</exception>
    public static DaemonRequest Decode(ReadOnlySpan<byte> frame)
    {
        var (deadline, parts) = DaemonEndpoint.DecodeFields(frame, DaemonEndpoint.RequestMagic, 4, "hook request");
        return new DaemonRequest(Encoding.UTF8.GetString(parts[0]), Encoding.UTF8.GetString(parts[1]), Encoding.UTF8.GetString(parts[2]), deadline, parts[3]);
    }
}
