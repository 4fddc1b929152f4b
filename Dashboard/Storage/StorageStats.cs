namespace Dashboard.Storage;

/// <summary>
/// State of the storage writer for the Diagnostics page: the backlog of messages not yet stored (and so not
/// yet acknowledged to the broker), write failures, and throughput.
/// </summary>
public sealed class StorageStats
{
    private long _backlog;
    private long _storedMessages;
    private long _storedRows;
    private long _batches;
    private long _failures;
    private long _droppedMessages;
    private long _oldestPendingTicks;

    public string Store { get; set; } = "none";

    public long Backlog => Interlocked.Read(ref _backlog);

    public long StoredMessages => Interlocked.Read(ref _storedMessages);

    public long StoredRows => Interlocked.Read(ref _storedRows);

    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Messages dropped because the store rejected their data; they are acknowledged and never stored.</summary>
    public long DroppedMessages => Interlocked.Read(ref _droppedMessages);

    /// <summary>Failed write attempts since start.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Consecutive failed attempts of the current batch; zero while the store is healthy.</summary>
    public int ConsecutiveFailures { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? LastErrorAt { get; private set; }

    public TimeSpan LastBatchDuration { get; private set; }

    /// <summary>Receive time of the oldest message not yet stored, or null when nothing waits.</summary>
    public DateTimeOffset? OldestPendingAt =>
        Interlocked.Read(ref _oldestPendingTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public bool IsHealthy => ConsecutiveFailures == 0;

    internal void Enqueued() => Interlocked.Increment(ref _backlog);

    internal void BatchStarted(DateTimeOffset oldestReceivedAt) => Interlocked.Exchange(ref _oldestPendingTicks, oldestReceivedAt.UtcTicks);

    internal void BatchStored(int messages, int rows, TimeSpan duration, DateTimeOffset? nextOldest)
    {
        Interlocked.Add(ref _backlog, -messages);
        Interlocked.Add(ref _storedMessages, messages);
        Interlocked.Add(ref _storedRows, rows);
        Interlocked.Increment(ref _batches);
        Interlocked.Exchange(ref _oldestPendingTicks, nextOldest?.UtcTicks ?? 0);
        LastBatchDuration = duration;
        ConsecutiveFailures = 0;
    }

    internal void MessageDropped() => Interlocked.Increment(ref _droppedMessages);

    internal void BatchFailed(Exception error, DateTimeOffset at)
    {
        Interlocked.Increment(ref _failures);
        ConsecutiveFailures++;
        LastError = error.Message;
        LastErrorAt = at;
    }
}
