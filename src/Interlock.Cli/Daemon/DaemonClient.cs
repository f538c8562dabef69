using System.Diagnostics;
using System.Net.Sockets;
using Interlock.Cli.Hooks;

namespace Interlock.Cli.Daemon;

/// <summary>The hook's side of the daemon: hand the event to a daemon started in the same environment and relay its
/// answer. Anything short of a complete answer (no daemon, a stale socket, a daemon that crashed or declined) leaves
/// the decision to the hook process itself; only a daemon still silent at the deadline produces a stop here.</summary>
internal static class DaemonClient
{
    /// <summary>The daemon's answer, or null when the hook must decide in-process (with what is left of the deadline).</summary>
    public static HookAnswer? TryAnswer(IHookAdapter adapter, byte[] input, TimeSpan deadline, Stopwatch clock)
    {
        var key = DaemonEndpoint.EnvironmentKey();
        var path = DaemonEndpoint.SocketPath(key);
        if (path is null || !File.Exists(path)) return null;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
            if (!DaemonEndpoint.PeerIsThisProgram(socket)) return null;
            var remaining = (int)Math.Max(1, (deadline - clock.Elapsed).TotalMilliseconds);
            socket.SendTimeout = socket.ReceiveTimeout = remaining;
            using var stream = new NetworkStream(socket, ownsSocket: false);
            DaemonEndpoint.WriteFrame(stream, new DaemonRequest(key, adapter.Harness, Environment.CurrentDirectory, remaining, input).Encode());
            var frame = DaemonEndpoint.ReadFrame(stream);
            return frame is null ? null : DaemonEndpoint.DecodeAnswer(frame);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock })
        {
            return HookCommand.DeadlineAnswer(adapter, deadline);
        }
        catch (Exception e) when (e is SocketException or IOException or InvalidDataException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}
