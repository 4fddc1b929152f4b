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
/// dropped, counted and logged, so one bad message cannot stop ingest.
/// </remarks>
public sealed class StorageWriter : BackgroundService, IIngestSink
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

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
                batch.Clear();
                await FillAsync(batch, stoppingToken);
                _stats.BatchStarted(batch[0].ReceivedAt);
                await StoreWithRetryAsync(batch, stoppingToken);
                await AcknowledgeAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Messages not yet stored stay unacknowledged; the broker delivers them again after the restart.
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

    private async Task StoreWithRetryAsync(List<IngestItem> batch, CancellationToken cancellationToken)
    {
        var content = ToStorageBatch(batch);
        var attempt = 0;
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await _store.WriteAsync(content, cancellationToken);
                if (attempt > 0)
                {
                    LogMessages.StorageRecovered(_logger, attempt, (int)_stats.Backlog);
                }

                _stats.BatchStored(batch.Count, content.RowCount, Stopwatch.GetElapsedTime(started), _queue.Reader.TryPeek(out var next) ? next.ReceivedAt : null);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                attempt++;
                _stats.BatchFailed(e, _time.GetUtcNow());
                if (_store.IsDataError(e) && batch.Count > 1)
                {
                    await StoreOneByOneAsync(batch, cancellationToken);
                    _stats.BatchStored(batch.Count, content.RowCount, Stopwatch.GetElapsedTime(started), _queue.Reader.TryPeek(out var next) ? next.ReceivedAt : null);
                    return;
                }

                if (_store.IsDataError(e))
                {
                    LogMessages.MessageNotStorable(_logger, e, Describe(batch[0]));
                    _stats.BatchStored(batch.Count, 0, Stopwatch.GetElapsedTime(started), _queue.Reader.TryPeek(out var next) ? next.ReceivedAt : null);
                    return;
                }

                var delay = RetryDelay(attempt);
                LogMessages.BatchWriteFailed(_logger, e, batch.Count, _store.Description, attempt, delay);
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
    }

    private async Task StoreOneByOneAsync(List<IngestItem> batch, CancellationToken cancellationToken)
    {
        foreach (var item in batch)
        {
            var single = ToStorageBatch([item]);
            if (single.RowCount == 0)
            {
                continue;
            }

            try
            {
                await _store.WriteAsync(single, cancellationToken);
            }
            catch (Exception e) when (_store.IsDataError(e))
            {
                LogMessages.MessageNotStorable(_logger, e, Describe(item));
            }
        }
    }

    private static async Task AcknowledgeAsync(List<IngestItem> batch, CancellationToken cancellationToken)
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
