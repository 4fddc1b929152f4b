using System.Collections.Immutable;
using System.Threading.Channels;

namespace Dashboard.Telemetry;

/// <summary>
/// One accepted message for background consumers: a reading or an estimate, never both.
/// </summary>
public readonly record struct TelemetryEvent(TelemetryReading? Reading, HealthEstimate? Estimate);

/// <summary>
/// Hands every accepted reading and estimate, in arrival order, to background consumers such as the alert
/// evaluator. Each consumer reads its own bounded channel; a consumer that falls behind by its capacity
/// makes the ingest consumer wait rather than miss messages.
/// </summary>
public sealed class TelemetryFeed
{
    private ImmutableArray<ChannelWriter<TelemetryEvent>> _writers = [];

    public int SubscriberCount => _writers.Length;

    public ChannelReader<TelemetryEvent> Subscribe(int capacity)
    {
        var channel = Channel.CreateBounded<TelemetryEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = true,
        });
        ImmutableInterlocked.Update(ref _writers, (list, writer) => list.Add(writer), channel.Writer);
        return channel.Reader;
    }

    public async ValueTask PublishAsync(TelemetryEvent item, CancellationToken cancellationToken)
    {
        foreach (var writer in _writers)
        {
            if (!writer.TryWrite(item))
            {
                await writer.WriteAsync(item, cancellationToken);
            }
        }
    }
}
