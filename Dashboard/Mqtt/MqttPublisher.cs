using System.Threading.Channels;
using Dashboard.Hosting;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Mqtt;

/// <summary>
/// The app's own outgoing MQTT client, shared by the estimator and the alert engine. Messages wait in a
/// bounded queue while the broker is unreachable and are sent in order once it is back.
/// </summary>
public sealed class MqttPublisher : BackgroundService
{
    private const int QueueCapacity = 100_000;

    private readonly Channel<MqttApplicationMessage> _queue = Channel.CreateBounded<MqttApplicationMessage>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly ManagedMqttConnection _connection;
    private readonly ILogger<MqttPublisher> _logger;
    private long _published;
    private long _dropped;

    public MqttPublisher(IOptions<MqttOptions> options, TimeProvider time, ILogger<MqttPublisher> logger)
    {
        _logger = logger;
        var settings = options.Value;
        var (host, port) = MqttClientOptionsFactory.Endpoint(settings);
        _connection = new ManagedMqttConnection(
            new MqttClientFactory().CreateMqttClient(),
            MqttClientOptionsFactory.Create(settings, settings.ClientId + "-publisher", persistentSession: false, logger),
            "publisher",
            $"{host}:{port}",
            settings.MaxReconnectDelay,
            time,
            logger);
    }

    public long Published => Interlocked.Read(ref _published);

    /// <summary>Messages dropped because the queue was full while the broker was unreachable.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public int Queued => _queue.Reader.Count;

    public void Enqueue(string topic, byte[] payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce, bool retain = false)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .WithRetainFlag(retain)
            .Build();
        if (_queue.Reader.Count >= QueueCapacity)
        {
            Interlocked.Increment(ref _dropped);
        }

        _queue.Writer.TryWrite(message);
    }

    public override void Dispose()
    {
        _connection.Client.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionLoop = _connection.RunAsync(stoppingToken);
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                await SendAsync(message, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; queued messages are dropped with the process.
        }

        await connectionLoop;
    }

    private async Task SendAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            if (_connection.IsConnected)
            {
                try
                {
                    await _connection.Client.PublishAsync(message, cancellationToken);
                    Interlocked.Increment(ref _published);
                    return;
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
                {
                    LogMessages.PublishFailed(_logger, e, message.Topic);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}
