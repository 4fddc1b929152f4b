using Dashboard.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Tests.Telemetry;

public sealed class RenderThrottleTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly List<DateTimeOffset> _callbacks = [];
    private readonly List<Exception> _errors = [];

    [Fact]
    public void Burst_RunsOnceNowAndOnceAfterInterval()
    {
        using var throttle = Create();

        for (var i = 0; i < 1_000; i++)
        {
            throttle.Notify();
        }

        Assert.Single(_callbacks);
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.Single(_callbacks);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2, _callbacks.Count);
        _time.Advance(Interval * 10);
        Assert.Equal(2, _callbacks.Count);
        Assert.Equal(2, throttle.CallbackCount);
    }

    [Fact]
    public void BurstDuringRun_CoalescesIntoOneMoreCallback()
    {
        var release = new TaskCompletionSource();
        using var throttle = new RenderThrottle(
            async () =>
            {
                _callbacks.Add(_time.GetUtcNow());
                if (_callbacks.Count == 1)
                {
                    await release.Task;
                }
            },
            Interval,
            _time,
            _errors.Add);

        throttle.Notify();
        for (var i = 0; i < 1_000; i++)
        {
            throttle.Notify();
        }

        release.SetResult();
        _time.Advance(Interval);
        _time.Advance(Interval * 10);

        Assert.Equal(2, _callbacks.Count);
        Assert.Equal(Interval, _callbacks[1] - _callbacks[0]);
    }

    [Fact]
    public void SteadyStream_StaysWithinOneCallbackPerInterval()
    {
        using var throttle = Create();
        var step = TimeSpan.FromMilliseconds(1);

        for (var i = 0; i < 1_000; i++)
        {
            throttle.Notify();
            _time.Advance(step);
        }

        _time.Advance(Interval);

        // 1,000 notifications over one second at 250 ms: at most one callback per interval plus the first.
        Assert.InRange(_callbacks.Count, 2, 5);
        for (var i = 1; i < _callbacks.Count; i++)
        {
            Assert.True(_callbacks[i] - _callbacks[i - 1] >= Interval, $"Callbacks {i - 1} and {i} are only {(_callbacks[i] - _callbacks[i - 1]).TotalMilliseconds} ms apart.");
        }
    }

    [Fact]
    public void NotifyAfterQuiet_RunsImmediately()
    {
        using var throttle = Create();
        throttle.Notify();
        _time.Advance(Interval * 4);

        throttle.Notify();

        Assert.Equal(2, _callbacks.Count);
        Assert.Equal(Interval * 4, _callbacks[1] - _callbacks[0]);
    }

    [Fact]
    public void NoNotify_NoCallback()
    {
        using var throttle = Create();

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Empty(_callbacks);
    }

    [Fact]
    public void SlowCallback_NeverRunsConcurrently()
    {
        var running = 0;
        var maxRunning = 0;
        var releases = new System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource>();
        using var throttle = new RenderThrottle(
            async () =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                releases.Enqueue(release);
                await release.Task;
                Interlocked.Decrement(ref running);
            },
            Interval,
            _time,
            _errors.Add);

        throttle.Notify();
        for (var step = 0; step < 20; step++)
        {
            throttle.Notify();
            _time.Advance(Interval);
        }

        Assert.Single(releases);
        releases.TryPeek(out var first);
        first!.SetResult();

        // The changes made during the first run schedule exactly one more run, which starts once the first ends.
        Assert.True(SpinWait.SpinUntil(() => releases.Count == 2, TimeSpan.FromSeconds(10)), "The coalesced second callback did not run.");
        _time.Advance(Interval * 4);

        Assert.Equal(1, Volatile.Read(ref maxRunning));
        Assert.Equal(2, releases.Count);
        foreach (var release in releases)
        {
            release.TrySetResult();
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var previous = Interlocked.CompareExchange(ref target, value, current);
            if (previous == current)
            {
                return;
            }

            current = previous;
        }
    }

    [Fact]
    public void FailingCallback_ReportsErrorAndKeepsRunning()
    {
        var calls = 0;
        using var throttle = new RenderThrottle(
            () =>
            {
                calls++;
                throw new InvalidOperationException("render failed");
            },
            Interval,
            _time,
            _errors.Add);

        throttle.Notify();
        _time.Advance(Interval);
        throttle.Notify();

        Assert.Equal(2, calls);
        Assert.Equal(2, _errors.Count);
        Assert.All(_errors, error => Assert.Equal("render failed", error.Message));
    }

    [Fact]
    public void Dispose_StopsPendingCallback()
    {
        var throttle = Create();
        throttle.Notify();
        throttle.Notify();

        throttle.Dispose();
        _time.Advance(Interval * 4);
        throttle.Notify();

        Assert.Single(_callbacks);
    }

    private RenderThrottle Create() => new(
        () =>
        {
            _callbacks.Add(_time.GetUtcNow());
            return Task.CompletedTask;
        },
        Interval,
        _time,
        _errors.Add);
}
