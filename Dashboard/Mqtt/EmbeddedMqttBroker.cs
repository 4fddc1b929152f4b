using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Dashboard.Hosting;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Dashboard.Mqtt;

/// <summary>
/// The in-process MQTT broker (MQTTnet.Server) used when <c>Mqtt:EmbeddedBroker:Enabled</c> is true. It
/// listens on <c>Mqtt:EmbeddedBroker:BindAddress</c>, loopback by default. When a user name and password are
/// configured, which the options validator requires for any other address, it rejects every client without them.
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

        var address = IPAddress.Parse(_options.BindAddress);
        var ipv4 = address.AddressFamily == AddressFamily.InterNetwork;
        var factory = new MqttServerFactory();
        var serverOptions = factory.CreateServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(_options.Port)
            .WithDefaultEndpointBoundIPAddress(ipv4 ? address : IPAddress.None)
            .WithDefaultEndpointBoundIPV6Address(ipv4 ? IPAddress.None : address)
            .WithPersistentSessions(true)
            .WithMaxPendingMessagesPerClient(_options.MaxPendingMessagesPerClient)
            .Build();

        _server = factory.CreateMqttServer(serverOptions);
        _server.ApplicationMessageEnqueuedOrDroppedAsync += OnEnqueuedOrDroppedAsync;
        if (!string.IsNullOrEmpty(_options.Username))
        {
            _server.ValidatingConnectionAsync += OnValidatingConnectionAsync;
        }
        try
        {
            await _server.StartAsync();
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException(
                $"The embedded MQTT broker cannot listen on {_options.BindAddress}:{_options.Port} because the port is in use. " +
                "Set Mqtt:EmbeddedBroker:Port to a free port, or set Mqtt:EmbeddedBroker:Enabled=false and Mqtt:Host/Mqtt:Port to use the broker that is running.",
                e);
        }

        LogMessages.EmbeddedBrokerStarted(logger, _options.BindAddress, _options.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true })
        {
            await _server.StopAsync(new MqttServerStopOptions());
        }
    }

    public void Dispose() => _server?.Dispose();

    private Task OnValidatingConnectionAsync(ValidatingConnectionEventArgs e)
    {
        if (!FixedTimeEquals(e.UserName, _options.Username) || !FixedTimeEquals(e.Password, _options.Password))
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            LogMessages.EmbeddedBrokerRejectedClient(logger, e.ClientId, e.RemoteEndPoint?.ToString() ?? "-");
        }

        return Task.CompletedTask;
    }

    /// <summary>Compares in time independent of where the values differ, so the comparison leaks nothing about the expected value.</summary>
    private static bool FixedTimeEquals(string? actual, string? expected) =>
        actual is not null && expected is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(actual), Encoding.UTF8.GetBytes(expected));

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
