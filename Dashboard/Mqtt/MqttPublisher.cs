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
    private const int MaxInFlight = 200;

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
            var batch = new List<MqttApplicationMessage>(MaxInFlight);
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                while (batch.Count < MaxInFlight && _queue.Reader.TryRead(out var message))
                {
                    batch.Add(message);
                }

                await SendAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; queued messages are dropped with the process.
        }

        await connectionLoop;
    }

    /// <summary>
    /// Publishes a batch with all its messages in flight at once, in order on the wire, and sends the ones
    /// that failed again once the broker is reachable. Awaiting each QoS 1 acknowledgement before the next
    /// publish would limit the rate to one message per round trip.
    /// </summary>
    private async Task SendAsync(List<MqttApplicationMessage> batch, CancellationToken cancellationToken)
    {
        IReadOnlyList<MqttApplicationMessage> pending = batch;
        while (pending.Count > 0 && !cancellationToken.IsCancellationRequested)
        {
            if (!_connection.IsConnected)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                continue;
            }

            var publishes = pending.Select(message => (Message: message, Task: ManagedMqttConnection.StartPublish(_connection.Client, message, cancellationToken))).ToArray();
            var failed = new List<MqttApplicationMessage>();
            Exception? firstError = null;
            foreach (var (message, publish) in publishes)
            {
                try
                {
                    await publish;
                    Interlocked.Increment(ref _published);
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
                {
                    firstError ??= e;
                    failed.Add(message);
                }
            }

            pending = failed;
            if (firstError is not null)
            {
                // One line per failed batch, so a broker outage does not log every message.
                LogMessages.PublishFailed(_logger, firstError, failed.Count, failed[0].Topic);
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
    }
}
