using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using MQTTnet.Server;

namespace Dashboard.Benchmarks;

/// <summary>
/// An MQTTnet broker in the benchmark's process on a free loopback port, configured like the app's embedded
/// broker, that counts the QoS 1 acknowledgements it receives from each client.
/// </summary>
internal sealed class InProcessBroker : IAsyncDisposable
{
    private readonly MqttServer _server;
    private readonly ConcurrentDictionary<string, StrongBox<long>> _acknowledged = new(StringComparer.Ordinal);
    private long _dropped;

    private InProcessBroker(MqttServer server, int port)
    {
        _server = server;
        Port = port;
        _server.ClientAcknowledgedPublishPacketAsync += e =>
        {
            Interlocked.Increment(ref _acknowledged.GetOrAdd(e.ClientId, _ => new StrongBox<long>(0)).Value);
            return Task.CompletedTask;
        };
        _server.ApplicationMessageEnqueuedOrDroppedAsync += e =>
        {
            if (e.IsDropped)
            {
                Interlocked.Increment(ref _dropped);
            }

            return Task.CompletedTask;
        };
    }

    public int Port { get; }

    /// <summary>Messages dropped because a client's queue was full; a valid run has none.</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    public static async Task<InProcessBroker> StartAsync(int maxPendingMessages)
    {
        var port = BenchmarkSupport.FreeLoopbackPort();
        var factory = new MqttServerFactory();
        var options = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(port)
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithPersistentSessions(true)
            .WithMaxPendingMessagesPerClient(maxPendingMessages)
            .Build();
        var broker = new InProcessBroker(factory.CreateMqttServer(options), port);
        await broker._server.StartAsync();
        return broker;
    }

    /// <summary>Returns the QoS 1 acknowledgements received from one client so far.</summary>
    public long Acknowledged(string clientId) =>
        _acknowledged.TryGetValue(clientId, out var count) ? Interlocked.Read(ref count.Value) : 0;

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync(new MqttServerStopOptions());
        _server.Dispose();
    }
}
