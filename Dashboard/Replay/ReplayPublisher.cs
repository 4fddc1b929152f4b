using Dashboard.Estimation.Turbofan;
using Dashboard.Hosting;
using Dashboard.Mqtt;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Replay;

/// <summary>
/// Replays C-MAPSS training units as live equipment: one asset per engine unit, one cycle per interval,
/// published over MQTT through the public contract like any device would.
/// </summary>
/// <remarks>
/// Starts are staggered by the golden ratio so engines are spread over their life, and each unit starts
/// again at its first cycle after its failure cycle. Besides the settings and 21 sensors, each message
/// carries <c>cycle</c> and <c>rul_true</c>, the true remaining cycles known from the run-to-failure
/// history, so the dashboard can show how far its estimates are from the truth.
/// </remarks>
public sealed class ReplayPublisher(
    IOptions<ReplayOptions> replayOptions,
    IOptions<MqttOptions> mqttOptions,
    TimeProvider time,
    ILogger<ReplayPublisher> logger) : BackgroundService
{
    private const double GoldenRatioFraction = 0.6180339887498949;

    private readonly ReplayOptions _options = replayOptions.Value;
    private long _published;

    /// <summary>Messages published since start.</summary>
    public long Published => Interlocked.Read(ref _published);

    public static string AssetId(int unit) => $"turbofan-{unit:000}";

    /// <summary>Returns the cycle index at which <paramref name="unitIndex"/> starts, spread over its life.</summary>
    public static int StartIndex(int unitIndex, int cycleCount) =>
        (int)(((unitIndex + 1) * GoldenRatioFraction % 1.0) * cycleCount);

    /// <summary>Builds the values of one replayed cycle, including its cycle number and true remaining cycles.</summary>
    public static MetricValue[] Values(CmapssUnit unit, int index)
    {
        var cycle = unit.Cycles[index];
        var values = new MetricValue[2 + CycleReading.SettingCount + CycleReading.SensorCount];
        values[0] = new MetricValue(WellKnownMetrics.Cycle, cycle.Cycle);
        for (var i = 0; i < CycleReading.SettingCount; i++)
        {
            values[1 + i] = new MetricValue(CmapssReader.SettingNames[i], cycle.Settings[i]);
        }

        for (var i = 0; i < CycleReading.SensorCount; i++)
        {
            values[1 + CycleReading.SettingCount + i] = new MetricValue(CmapssReader.SensorNames[i], cycle.Sensors[i]);
        }

        values[^1] = new MetricValue(WellKnownMetrics.TrueRul, unit.Cycles[^1].Cycle - cycle.Cycle);
        return values;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = Path.IsPathRooted(_options.DataFile) ? _options.DataFile : Path.Combine(AppContext.BaseDirectory, _options.DataFile);
        if (!File.Exists(path))
        {
            LogMessages.ReplayFileMissing(logger, path);
            return;
        }

        var units = CmapssReader.ReadUnits(path);
        if (_options.Units > 0)
        {
            units = units.Take(_options.Units).ToArray();
        }

        var topics = new TopicNames(mqttOptions.Value.TopicPrefix);
        var positions = units.Select((unit, index) => StartIndex(index, unit.Cycles.Count)).ToArray();
        using var client = new MqttClientFactory().CreateMqttClient();
        var (host, port) = MqttClientOptionsFactory.Endpoint(mqttOptions.Value);
        var connection = new ManagedMqttConnection(
            client,
            MqttClientOptionsFactory.Create(mqttOptions.Value, _options.ClientId, persistentSession: false, logger),
            "replay",
            $"{host}:{port}",
            mqttOptions.Value.MaxReconnectDelay,
            time,
            logger);
        var connectionLoop = connection.RunAsync(stoppingToken);
        LogMessages.ReplayStarted(logger, units.Count, path, _options.Interval, $"{host}:{port}");

        using var timer = new PeriodicTimer(_options.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (client.IsConnected)
                {
                    await PublishCycleAsync(client, topics, units, positions, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the connection loop below disconnects.
        }

        await connectionLoop;
    }

    private async Task PublishCycleAsync(IMqttClient client, TopicNames topics, IReadOnlyList<CmapssUnit> units, int[] positions, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var publishes = new List<Task<MqttClientPublishResult>>(units.Count);
        try
        {
            // The connection may drop after the caller's check, and then every publish fails.
            for (var i = 0; i < units.Count; i++)
            {
                var asset = new AssetKey(_options.Site, AssetId(units[i].UnitNumber));
                var message = new MqttApplicationMessageBuilder()
                    .WithTopic(topics.Topic(asset, TopicKind.Telemetry))
                    .WithPayload(PayloadWriter.Telemetry(now, Values(units[i], positions[i])))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                    .Build();
                publishes.Add(ManagedMqttConnection.StartPublish(client, message, cancellationToken));
            }

            await Task.WhenAll(publishes);
            Interlocked.Add(ref _published, units.Count);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            // The connection loop reconnects, and this cycle is skipped.
            LogMessages.ReplayPublishFailed(logger, e);
        }
        finally
        {
            for (var i = 0; i < units.Count; i++)
            {
                positions[i] = (positions[i] + 1) % units[i].Cycles.Count;
            }
        }
    }
}
