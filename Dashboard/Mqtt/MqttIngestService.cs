using Dashboard.Hosting;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Mqtt;

/// <summary>
/// The ingest subscriber: keeps a persistent QoS 1 session with the broker, parses and validates each
/// message, and hands it to the <see cref="IngestChannel"/>. Acknowledgement is left to the ingest sink, which
/// sends it once the message is stored, unless the sink stores nothing and lets the client acknowledge on
/// receipt.
/// </summary>
public sealed class MqttIngestService : BackgroundService
{
    private readonly MqttOptions _options;
    private readonly PayloadParser _parser;
    private readonly IngestChannel _channel;
    private readonly IngestStats _stats;
    private readonly RejectionLogger _rejectionLogger;
    private readonly TimeProvider _time;
    private readonly ILogger<MqttIngestService> _logger;
    private readonly ManagedMqttConnection _connection;
    private readonly IReadOnlyList<TopicKind> _kinds;
    private readonly bool _acknowledgeOnReceipt;
    private readonly IHostApplicationLifetime? _lifetime;
    private readonly IngestStartGate? _gate;
    private CancellationToken _stopping;

    public MqttIngestService(
        IOptions<MqttOptions> options,
        PayloadParser parser,
        IngestChannel channel,
        IngestStats stats,
        RejectionLogger rejectionLogger,
        TimeProvider time,
        ILogger<MqttIngestService> logger,
        IIngestSink sink,
        IngestTopics? topics = null,
        IHostApplicationLifetime? lifetime = null,
        IngestStartGate? gate = null)
    {
        _lifetime = lifetime;
        _gate = gate;
        _acknowledgeOnReceipt = sink.AcknowledgesOnReceipt;
        _options = options.Value;
        _parser = parser;
        _channel = channel;
        _stats = stats;
        _rejectionLogger = rejectionLogger;
        _time = time;
        _logger = logger;
        _kinds = topics?.Kinds ?? [TopicKind.Telemetry, TopicKind.Health];

        var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += OnMessageReceivedAsync;

        var (host, port) = MqttClientOptionsFactory.Endpoint(_options);
        _connection = new ManagedMqttConnection(
            client,
            MqttClientOptionsFactory.Create(_options, _options.ClientId, _options.PersistentSession, logger),
            "ingest",
            $"{host}:{port}",
            _options.MaxReconnectDelay,
            time,
            logger)
        {
            OnConnectedAsync = SubscribeAsync,
            OnStateChanged = (state, error) => _stats.SetConnection(state, $"{host}:{port}", error),
        };
    }

    public ManagedMqttConnection Connection => _connection;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;

        // Messages flow only once every hosted service has started. By then the live state is restored from the
        // store (when the database answered at start), and start-up work no longer competes with ingest for the CPU.
        if (_lifetime is not null)
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using (_lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            {
                await started.Task.WaitAsync(stoppingToken);
            }
        }

        if (_gate is not null)
        {
            await _gate.Opened.WaitAsync(stoppingToken);
        }

        await _connection.RunAsync(stoppingToken);
    }

    public override void Dispose()
    {
        _connection.Client.Dispose();
        base.Dispose();
    }

    private async Task SubscribeAsync(MqttClientConnectResult result, CancellationToken cancellationToken)
    {
        // Subscribing again after every connect is harmless when the broker kept the session and required
        // when it did not (a new broker, or an expired session).
        var builder = new MqttClientSubscribeOptionsBuilder();
        var filters = new List<string>();
        var group = _options.SharedSubscriptionGroup;
        if (group is not null && !result.SharedSubscriptionAvailable)
        {
            // The embedded MQTTnet broker, for one, has no shared subscriptions: every instance then gets
            // every message, which duplicates work but loses nothing.
            LogMessages.SharedSubscriptionsUnavailable(_logger, group);
            group = null;
        }

        foreach (var kind in _kinds)
        {
            var filter = _parser.Topics.Filter(kind);
            if (group is not null)
            {
                filter = $"$share/{group}/{filter}";
            }

            filters.Add(filter);
            builder = builder.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var subscribed = await _connection.Client.SubscribeAsync(builder.Build(), cancellationToken);
        foreach (var item in subscribed.Items)
        {
            if ((int)item.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2)
            {
                throw new InvalidOperationException($"The broker refused the subscription to '{item.TopicFilter.Topic}': {item.ResultCode}.");
            }
        }

        LogMessages.MqttSubscribed(_logger, "ingest", string.Join(", ", filters));
    }

    private async Task OnMessageReceivedAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        // A sink that stores nothing lets MQTTnet acknowledge right after this handler. Early acknowledgements
        // also keep the broker's list of messages in flight short. In a profile of the embedded broker
        // (MQTTnet.Server 5.2), each acknowledgement searched and shifted that list, so late ones cost more.
        e.AutoAcknowledge = _acknowledgeOnReceipt;
        var receivedAt = _time.GetUtcNow();
        var message = e.ApplicationMessage;
        _stats.RecordReceived(receivedAt);

        var result = _parser.Parse(message.Topic, message.Payload, receivedAt);
        if (result.IsAccepted)
        {
            _stats.RecordAccepted(result);
        }
        else
        {
            var payload = message.Payload.IsSingleSegment ? message.Payload.FirstSpan : System.Buffers.BuffersExtensions.ToArray(message.Payload);
            var rejected = _stats.RecordRejected(message.Topic, result.Rejection!.Value, result.Detail!, payload);
            _rejectionLogger.Log(rejected);
        }

        var ack = e.AutoAcknowledge || message.QualityOfServiceLevel == MqttQualityOfServiceLevel.AtMostOnce ? null : new MessageAck(e, _connection);
        try
        {
            await _channel.Writer.WriteAsync(new IngestItem(result, ack, receivedAt), _stopping);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the message stays unacknowledged, so the broker delivers it again next time.
        }
    }
}

/// <summary>
/// Which message kinds the ingest subscriber takes; the web app takes telemetry and health, the standalone
/// estimator telemetry only.
/// </summary>
public sealed record IngestTopics(IReadOnlyList<TopicKind> Kinds);
