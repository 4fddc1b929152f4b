using System.Net;
using System.Net.Sockets;
using Dashboard.Hosting;
using Microsoft.Extensions.Options;
using MQTTnet.Server;

namespace Dashboard.Mqtt;

/// <summary>
/// The in-process MQTT broker (MQTTnet.Server) used when <c>Mqtt:EmbeddedBroker:Enabled</c> is true. It
/// listens on loopback only, so nothing outside the machine can publish to it.
/// </summary>
public sealed class EmbeddedMqttBroker(IOptions<MqttOptions> options, ILogger<EmbeddedMqttBroker> logger) : IHostedService, IDisposable
{
    private readonly EmbeddedBrokerOptions _options = options.Value.EmbeddedBroker;
    private MqttServer? _server;
    private long _dropped;

    /// <summary>Messages the broker dropped because a client's queue was full.</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    public bool IsRunning => _server?.IsStarted ?? false;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        var factory = new MqttServerFactory();
        var serverOptions = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(_options.Port)
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
            .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
            .WithPersistentSessions(true)
            .WithMaxPendingMessagesPerClient(_options.MaxPendingMessagesPerClient)
            .Build();

        _server = factory.CreateMqttServer(serverOptions);
        _server.ApplicationMessageEnqueuedOrDroppedAsync += OnEnqueuedOrDroppedAsync;
        try
        {
            await _server.StartAsync();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException(
                $"The embedded MQTT broker cannot listen on 127.0.0.1:{_options.Port} because the port is in use. " +
                "Set Mqtt:EmbeddedBroker:Port to a free port, or set Mqtt:EmbeddedBroker:Enabled=false and Mqtt:Host/Mqtt:Port to use the broker that is running.",
                e);
        }

        LogMessages.EmbeddedBrokerStarted(logger, IPAddress.Loopback.ToString(), _options.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true })
        {
            await _server.StopAsync(new MqttServerStopOptions());
        }
    }

    public void Dispose() => _server?.Dispose();

    private Task OnEnqueuedOrDroppedAsync(ApplicationMessageEnqueuedEventArgs e)
    {
        if (e.IsDropped)
        {
            Interlocked.Increment(ref _dropped);
            LogMessages.EmbeddedBrokerDropped(logger, e.ReceiverClientId, e.ApplicationMessage.Topic);
        }

        return Task.CompletedTask;
    }
}
