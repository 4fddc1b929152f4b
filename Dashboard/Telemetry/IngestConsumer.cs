using Dashboard.Hosting;
using Dashboard.Mqtt;

namespace Dashboard.Telemetry;

/// <summary>
/// Reads the ingest channel in arrival order, updates the live state at once, and passes every message on to
/// the sink that stores and acknowledges it. Storage never delays the live view.
/// </summary>
public sealed class IngestConsumer(IngestChannel channel, LiveState live, TelemetryFeed feed, IIngestSink sink, ILogger<IngestConsumer> logger) : BackgroundService
{
    /// <summary>
    /// How long the consumer lets messages gather after it has emptied the channel. Waking a thread for every
    /// single message cost more CPU than handling it (see bench ingest in BENCHMARKS.md). One wake-up per
    /// millisecond serves a whole burst, and a reading reaches the live view at most a millisecond later.
    /// </summary>
    private static readonly TimeSpan GatherTime = TimeSpan.FromMilliseconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = channel.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            while (reader.TryRead(out var item))
            {
                await ConsumeAsync(item, stoppingToken);
            }

            await Task.Delay(GatherTime, stoppingToken);
        }
    }

    private async Task ConsumeAsync(IngestItem item, CancellationToken stoppingToken)
    {
        try
        {
            if (item.Result.Reading is { } reading)
            {
                live.Apply(reading, item.ReceivedAt);
            }
            else if (item.Result.Health is { } health)
            {
                live.Apply(health);
            }

            if (item.Result.IsAccepted && feed.SubscriberCount > 0)
            {
                await feed.PublishAsync(new TelemetryEvent(item.Result.Reading, item.Result.Health), stoppingToken);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A fault in a subscriber callback must not stop ingest; the message is still stored below.
            var asset = item.Result.Reading?.Asset ?? item.Result.Health?.Asset;
            LogMessages.IngestConsumerFailed(logger, e, asset?.ToString() ?? "unknown");
        }

        await sink.WriteAsync(item, stoppingToken);
    }
}

/// <summary>
/// The sink used when storage is disabled. The live state lives in memory only, so a message is acknowledged
/// on receipt (<see cref="AcknowledgesOnReceipt"/>); an item that still carries an acknowledgement gets it
/// here.
/// </summary>
public sealed class AcknowledgeOnlySink : IIngestSink
{
    public bool AcknowledgesOnReceipt => true;

    public async ValueTask WriteAsync(IngestItem item, CancellationToken cancellationToken)
    {
        if (item.Ack is { } ack)
        {
            await ack.AcknowledgeAsync(cancellationToken);
        }
    }
}
