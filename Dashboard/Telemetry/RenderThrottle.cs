namespace Dashboard.Telemetry;

/// <summary>
/// Coalesces change notifications into callbacks at most once per interval: a burst of any size becomes one
/// callback now and, if more changes arrive meanwhile, one more after the interval.
/// </summary>
/// <remarks>
/// <see cref="Notify"/> is cheap and lock-free, so it can run on the ingest thread for every message. The
/// callback never runs twice at the same time; a change that arrives while it runs schedules one more run.
/// </remarks>
public sealed class RenderThrottle : IDisposable
{
    private const int Idle = 0;
    private const int Scheduled = 1;
    private const int Running = 2;
    private const int RunningWithChanges = 3;

    private readonly Func<Task> _callback;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private readonly Action<Exception> _onError;
    private readonly ITimer _timer;
    private int _state;
    private long _lastRunTimestamp;
    private long _callbackCount;
    private volatile bool _disposed;

    public RenderThrottle(Func<Task> callback, TimeSpan interval, TimeProvider time, Action<Exception> onError)
    {
        _callback = callback;
        _interval = interval;
        _time = time;
        _onError = onError;
        _timer = time.CreateTimer(_ => _ = RunAsync(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Number of callbacks run so far.</summary>
    public long CallbackCount => Interlocked.Read(ref _callbackCount);

    public void Notify()
    {
        while (!_disposed)
        {
            switch (Volatile.Read(ref _state))
            {
                case Idle:
                    if (Interlocked.CompareExchange(ref _state, Scheduled, Idle) == Idle)
                    {
                        Schedule();
                        return;
                    }

                    break;
                case Running:
                    if (Interlocked.CompareExchange(ref _state, RunningWithChanges, Running) == Running)
                    {
                        return;
                    }

                    break;
                default:
                    return;
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
    }

    private void Schedule()
    {
        if (_disposed)
        {
            return;
        }

        var elapsed = _lastRunTimestamp == 0 ? _interval : _time.GetElapsedTime(_lastRunTimestamp);
        var due = elapsed >= _interval ? TimeSpan.Zero : _interval - elapsed;
        try
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // Dispose ran between the check above and Change; nothing is left to schedule.
        }
    }

    private async Task RunAsync()
    {
        if (_disposed)
        {
            return;
        }

        Volatile.Write(ref _state, Running);
        _lastRunTimestamp = _time.GetTimestamp();
        Interlocked.Increment(ref _callbackCount);
        try
        {
            await _callback();
        }
        catch (Exception e)
        {
            _onError(e);
        }

        if (Interlocked.CompareExchange(ref _state, Idle, Running) != Running)
        {
            Volatile.Write(ref _state, Scheduled);
            Schedule();
        }
    }
}
