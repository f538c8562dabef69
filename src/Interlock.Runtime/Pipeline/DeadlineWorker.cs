using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Interlock.Runtime.Pipeline;

/// <summary>
/// Runs hook calls one at a time on a long-lived thread with a large stack, and stops waiting for a call at its
/// deadline. A resident process (the daemon, the MCP proxy) keeps one: starting a thread per call cost the daemon
/// more than the call itself, because starting a thread spins until it runs. A call that misses its deadline is left
/// to finish on its own thread, which then ends; the next call gets a fresh thread.
/// </summary>
internal sealed class DeadlineWorker
{
    /// <summary>Deeply nested shell and policy structures are bounded elsewhere; this leaves them room.</summary>
    private const int StackBytes = 16 * 1024 * 1024;

    private readonly Lock _callers = new();
    private Lane? _lane;

    /// <summary>The work's result, or Finished false when the deadline passed first. An exception thrown by the work
    /// is rethrown here.</summary>
    public (T? Result, bool Finished) Run<T>(Func<T> work, TimeSpan deadline) where T : class
    {
        lock (_callers)
        {
            var lane = _lane ??= new Lane();
            if (lane.TryRun(work, deadline, out var result)) return ((T?)result, true);
            _lane = null; // still busy with this call: abandoned to it
            return (null, false);
        }
    }

    /// <summary>One thread and its hand-over slot.</summary>
    private sealed class Lane
    {
        private readonly object _gate = new(); // a monitor: Wait and Pulse hand the call over
        private Func<object?>? _work;
        private object? _result;
        private ExceptionDispatchInfo? _failure;
        private bool _busy;
        private bool _abandoned;

        public Lane()
        {
            new Thread(Loop, StackBytes) { IsBackground = true, Name = "interlock-hook" }.Start();
        }

        public bool TryRun(Func<object?> work, TimeSpan deadline, out object? result)
        {
            var clock = Stopwatch.StartNew();
            lock (_gate)
            {
                (_work, _result, _failure, _busy) = (work, null, null, true);
                Monitor.PulseAll(_gate);
                while (_busy)
                {
                    var left = deadline - clock.Elapsed;
                    if (left <= TimeSpan.Zero)
                    {
                        _abandoned = true;
                        result = null;
                        return false;
                    }
                    Monitor.Wait(_gate, left);
                }
                _failure?.Throw();
                result = _result;
                return true;
            }
        }

        private void Loop()
        {
            while (true)
            {
                Func<object?> work;
                lock (_gate)
                {
                    while (_work is null) Monitor.Wait(_gate);
                    work = _work;
                    _work = null;
                }
                object? result = null;
                ExceptionDispatchInfo? failure = null;
                try
                {
                    result = work();
                }
                catch (Exception e)
                {
                    failure = ExceptionDispatchInfo.Capture(e);
                }
                lock (_gate)
                {
                    (_result, _failure, _busy) = (result, failure, false);
                    Monitor.PulseAll(_gate);
                    if (_abandoned) return;
                }
            }
        }
    }
}
