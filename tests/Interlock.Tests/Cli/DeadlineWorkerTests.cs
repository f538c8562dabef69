using Xunit;

namespace Interlock.Tests.Cli;

public class DeadlineWorkerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);

    [Fact]
    public void Calls_run_one_after_another_on_the_same_worker_thread_not_the_callers()
    {
        var worker = new DeadlineWorker();
        var first = worker.Run(() => (object)Environment.CurrentManagedThreadId, Long);
        var second = worker.Run(() => (object)Environment.CurrentManagedThreadId, Long);
        Assert.True(first.Finished && second.Finished);
        Assert.Equal(first.Result, second.Result);
        Assert.NotEqual(Environment.CurrentManagedThreadId, (int)first.Result!);
    }

    [Fact]
    public void An_exception_in_the_work_reaches_the_caller_and_the_worker_stays_usable()
    {
        var worker = new DeadlineWorker();
        var e = Assert.Throws<InvalidOperationException>(() => worker.Run<string>(() => throw new InvalidOperationException("boom"), Long));
        Assert.Equal("boom", e.Message);
        Assert.Equal(("after", true), worker.Run(() => "after", Long));
    }

    [Fact]
    public void A_call_past_its_deadline_is_abandoned_and_the_next_call_gets_a_fresh_thread()
    {
        var worker = new DeadlineWorker();
        using var release = new ManualResetEventSlim();
        var stuckThread = 0;
        var (result, finished) = worker.Run(() =>
        {
            stuckThread = Environment.CurrentManagedThreadId;
            release.Wait();
            return "late";
        }, TimeSpan.FromMilliseconds(100));
        Assert.False(finished);
        Assert.Null(result);

        // The stuck call still holds its thread; the next one does not wait for it.
        var next = worker.Run(() => (object)Environment.CurrentManagedThreadId, Long);
        Assert.True(next.Finished);
        Assert.NotEqual(stuckThread, (int)next.Result!);
        release.Set();
        Assert.Equal(("again", true), worker.Run(() => "again", Long));
    }

    [Fact]
    public void The_worker_has_a_stack_for_deep_recursion()
    {
        // 100,000 frames of several dozen bytes each overflow a thread's default 1.5 MB stack (killing the process),
        // not the worker's 16 MB one.
        static int Depth(int n) => n == 0 ? 0 : 1 + Depth(n - 1);
        var (result, finished) = new DeadlineWorker().Run(() => (object)Depth(100_000), Long);
        Assert.True(finished);
        Assert.Equal(100_000, result);
    }
}
