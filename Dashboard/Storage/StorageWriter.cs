using System.Diagnostics;
using System.Threading.Channels;
using Dashboard.Hosting;
using Dashboard.Mqtt;
using Microsoft.Extensions.Options;

namespace Dashboard.Storage;

/// <summary>
/// The ingest sink that stores messages in batches and acknowledges each message to the broker only after
/// the batch holding it is committed, in the order the messages arrived.
/// </summary>
/// <remarks>
/// A batch closes when it reaches <see cref="StorageOptions.BatchSize"/> messages or when no further message
/// arrives within <see cref="StorageOptions.FlushInterval"/>. While the store is down the same batch is
/// retried with a doubling delay capped at <see cref="StorageOptions.MaxRetryDelay"/>; newer messages wait
/// behind it, unacknowledged, so the broker redelivers them if the app stops. A batch that the store rejects
/// for its data (not for an outage) is written message by message, and only the messages that still fail are
/// dropped, counted and logged, so one bad message cannot stop ingest. On a stop, the messages already
/// received are stored before the writer ends.
/// </remarks>
public sealed class StorageWriter : BackgroundService, IIngestSink
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>Longest time a stopping writer spends storing the messages it has received.</summary>
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopping writer waits for one more message before it considers the pipeline empty.</summary>
    private static readonly TimeSpan DrainIdleWait = TimeSpan.FromMilliseconds(200);

    private readonly IReadingStore _store;
    private readonly StorageStats _stats;
    private readonly StorageReadiness _readiness;
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<StorageWriter> _logger;
    private readonly Channel<IngestItem> _queue;

    public StorageWriter(
        IReadingStore store,
        StorageStats stats,
        StorageReadiness readiness,
        IOptions<StorageOptions> options,
        TimeProvider time,
        ILogger<StorageWriter> logger)
    {
        _store = store;
        _stats = stats;
        _readiness = readiness;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _queue = Channel.CreateBounded<IngestItem>(new BoundedChannelOptions(_options.MaxBacklog)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
    }

    /// <summary>Messages handed to the writer that no batch has taken yet.</summary>
    public int QueuedMessages => _queue.Reader.Count;

    public async ValueTask WriteAsync(IngestItem item, CancellationToken cancellationToken)
    {
        await _queue.Writer.WriteAsync(item, cancellationToken);
        _stats.Enqueued();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IngestItem>(_options.BatchSize);
        try
        {
            await _readiness.WaitAsync(stoppingToken);
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await FillAsync(batch, stoppingToken);
                await StoreAsync(batch, stoppingToken);

                // Cleared before acknowledging, so a stop during the acknowledgements does not store the batch again.
                IngestItem[] stored = [.. batch];
                batch.Clear();
                await AcknowledgeAsync(stored, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what was received is stored below.
        }

        if (_readiness.IsReady)
        {
            await DrainAsync(batch);
        }
    }

    /// <summary>
    /// Stores the messages received before the stop, for at most <see cref="DrainTimeout"/>. The embedded
    /// broker keeps no messages across a restart, so without this a stop would lose the open batch. What
    /// cannot be stored in time stays unacknowledged, and a broker that keeps the session (Mosquitto, for
    /// one) delivers it again.
    /// </summary>
    private async Task DrainAsync(List<IngestItem> batch)
    {
        using var deadline = new CancellationTokenSource(DrainTimeout, _time);
        try
        {
            while (true)
            {
                Drain(batch);
                if (batch.Count == 0)
                {
                    if (!await WaitForStragglerAsync(deadline.Token))
                    {
                        return;
                    }

                    continue;
                }

                await StoreAsync(batch, deadline.Token);
                IngestItem[] stored = [.. batch];
                batch.Clear();
                await AcknowledgeAsync(stored, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            var unstored = batch.Count + _queue.Reader.Count;
            if (unstored > 0)
            {
                LogMessages.StoppedWithUnstoredMessages(_logger, unstored, DrainTimeout);
            }
        }
    }

    /// <summary>
    /// Waits up to <see cref="DrainIdleWait"/> for a message that the ingest consumer hands over after the
    /// MQTT client has stopped; returns false when none came.
    /// </summary>
    private async Task<bool> WaitForStragglerAsync(CancellationToken deadline)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(deadline);
        idle.CancelAfter(DrainIdleWait);
        try
        {
            return await _queue.Reader.WaitToReadAsync(idle.Token);
        }
        catch (OperationCanceledException) when (!deadline.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task FillAsync(List<IngestItem> batch, CancellationToken cancellationToken)
    {
        Drain(batch);
        if (batch.Count >= _options.BatchSize)
        {
            return;
        }

        // Wait once for stragglers so a steady trickle is written in a few large transactions.
        using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        flush.CancelAfter(_options.FlushInterval);
        try
        {
            while (batch.Count < _options.BatchSize && await _queue.Reader.WaitToReadAsync(flush.Token))
            {
                Drain(batch);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The flush interval ended.
        }
    }

    private void Drain(List<IngestItem> batch)
    {
        while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }
    }

    /// <summary>
    /// Stores a batch, retrying while the store is unavailable. When the store rejects the batch for its
    /// data, the messages are written one by one and only those rejected again are dropped.
    /// </summary>
    private async Task StoreAsync(List<IngestItem> batch, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        _stats.BatchStarted(batch[0].ReceivedAt);
        var content = ToStorageBatch(batch);
        var rows = content.RowCount;
        try
        {
            await WriteWithRetryAsync(content, batch.Count, cancellationToken);
        }
        catch (Exception e) when (_store.IsDataError(e))
        {
            _stats.BatchFailed(e, _time.GetUtcNow());
            if (batch.Count == 1)
            {
                Drop(batch[0], e);
                rows = 0;
            }
            else
            {
                rows = await StoreOneByOneAsync(batch, cancellationToken);
            }
        }

        _stats.BatchStored(batch.Count, rows, Stopwatch.GetElapsedTime(started), _queue.Reader.TryPeek(out var next) ? next.ReceivedAt : null);
    }

    /// <summary>Writes each message in its own transaction and returns the rows stored.</summary>
    private async Task<int> StoreOneByOneAsync(List<IngestItem> batch, CancellationToken cancellationToken)
    {
        var rows = 0;
        foreach (var item in batch)
        {
            var single = ToStorageBatch([item]);
            if (single.RowCount == 0)
            {
                continue;
            }

            try
            {
                await WriteWithRetryAsync(single, 1, cancellationToken);
                rows += single.RowCount;
            }
            catch (Exception e) when (_store.IsDataError(e))
            {
                Drop(item, e);
            }
        }

        return rows;
    }

    /// <summary>
    /// Writes until the store commits or rejects the data, waiting with a doubling delay between attempts
    /// while it is unavailable. A rejection of the data is thrown to the caller.
    /// </summary>
    private async Task WriteWithRetryAsync(StorageBatch content, int messages, CancellationToken cancellationToken)
    {
        var attempt = 0;
        while (true)
        {
            try
            {
                await _store.WriteAsync(content, cancellationToken);
                if (attempt > 0)
                {
                    LogMessages.StorageRecovered(_logger, attempt, (int)_stats.Backlog);
                }

                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && !_store.IsDataError(e))
            {
                attempt++;
                _stats.BatchFailed(e, _time.GetUtcNow());
                var delay = RetryDelay(attempt);
                LogMessages.BatchWriteFailed(_logger, e, messages, _store.Description, attempt, delay);
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
    }

    private void Drop(IngestItem item, Exception error)
    {
        _stats.MessageDropped();
        LogMessages.MessageNotStorable(_logger, error, Describe(item));
    }

    private static async Task AcknowledgeAsync(IngestItem[] batch, CancellationToken cancellationToken)
    {
        foreach (var item in batch)
        {
            if (item.Ack is { } ack)
            {
                await ack.AcknowledgeAsync(cancellationToken);
            }
        }
    }

    private TimeSpan RetryDelay(int attempt)
    {
        var seconds = FirstRetryDelay.TotalSeconds * Math.Pow(2, Math.Min(attempt - 1, 30));
        return TimeSpan.FromSeconds(Math.Min(seconds, _options.MaxRetryDelay.TotalSeconds));
    }

    private static StorageBatch ToStorageBatch(IReadOnlyList<IngestItem> items)
    {
        var readings = new List<TelemetryReading>(items.Count);
        var estimates = new List<HealthEstimate>();
        foreach (var item in items)
        {
            if (item.Result.Reading is { } reading)
            {
                readings.Add(reading);
            }
            else if (item.Result.Health is { } estimate)
            {
                estimates.Add(estimate);
            }
        }

        return new StorageBatch(readings, estimates);
    }

    private static string Describe(IngestItem item) =>
        (item.Result.Reading?.Asset ?? item.Result.Health?.Asset)?.ToString() ?? "rejected message";
}
