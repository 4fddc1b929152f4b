using System.Threading.Channels;
using Microsoft.Extensions.Options;

namespace Dashboard.Mqtt;

/// <summary>
/// The bounded channel between the MQTT handler and the ingest consumer. When it is full the handler waits,
/// which stops the client from reading further messages, so the broker holds them instead of the app
/// dropping them.
/// </summary>
public sealed class IngestChannel(IOptions<IngestOptions> options)
{
    private readonly Channel<IngestItem> _channel = Channel.CreateBounded<IngestItem>(
        new BoundedChannelOptions(options.Value.ChannelCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });

    public ChannelWriter<IngestItem> Writer => _channel.Writer;

    public ChannelReader<IngestItem> Reader => _channel.Reader;

    public int Count => _channel.Reader.Count;
}
