using System.Net.Http.Json;
using Dashboard.Alerts;
using Dashboard.Api;
using Dashboard.Mqtt;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Tests.Integration;

/// <summary>
/// Alerts survive an app restart on the same store with their ids and states, and messages seen again
/// (retained messages on subscribe, republished old messages, retained messages after a broker restart)
/// raise nothing new and never reopen an acknowledged alert. Runs on SQLite and PostgreSQL, with Mosquitto.
/// </summary>
public abstract class AlertRestartTests : IAsyncLifetime
{
    private const string Site = "restart";

    private static readonly AssetKey Unacknowledged = new(Site, "pump-unack");
    private static readonly AssetKey Acknowledged = new(Site, "pump-ack");
    private static readonly AssetKey AcknowledgedNormal = new(Site, "pump-normal");
    private static readonly AssetKey Returned = new(Site, "pump-returned");

    private MosquittoServer _broker = null!;
    private MqttTestClient _device = null!;
    private readonly List<(AssetKey Asset, DateTimeOffset Timestamp, double Value)> _published = [];

    public async Task InitializeAsync()
    {
        _broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = true });
        _device = await MqttTestClient.ConnectAsync(_broker.Host, _broker.Port);
    }

    public async Task DisposeAsync()
    {
        await _device.DisposeAsync();
        await _broker.DisposeAsync();
        await DisposeStoreAsync();
    }

    [Fact]
    public async Task Restart_KeepsAlertsIgnoresReplays()
    {
        var options = await CreateOptionsAsync() with { ExternalBroker = new BrokerAddress(_broker.Host, _broker.Port) };
        var t = DateTimeOffset.UtcNow.AddMinutes(-1);

        AlertRule rule;
        Dictionary<AssetKey, AlertRecord> before;
        long eventsBefore;
        await using (var first = await DashboardHost.StartAsync(options))
        {
            rule = await first.AddRuleAsync(AlertHost.HighRule(Site, 10));
            foreach (var asset in new[] { Unacknowledged, Acknowledged, AcknowledgedNormal, Returned })
            {
                await PublishRetainedAsync(asset, t, 20);
            }

            await PublishRetainedAsync(AcknowledgedNormal, t.AddSeconds(1), 5);
            await PublishRetainedAsync(Returned, t.AddSeconds(1), 5);

            var service = first.Get<AlertService>();
            var toAcknowledge = await first.WaitForStateAsync(rule, Acknowledged, AlertState.ActiveUnacknowledged);
            Assert.True((await service.AcknowledgeAsync(toAcknowledge.Id, "olsen", "seen", CancellationToken.None)).Succeeded);
            var toNormal = await first.WaitForStateAsync(rule, AcknowledgedNormal, AlertState.ReturnedUnacknowledged);
            Assert.True((await service.AcknowledgeAsync(toNormal.Id, "olsen", "checked", CancellationToken.None)).Succeeded);

            before = new Dictionary<AssetKey, AlertRecord>
            {
                [Unacknowledged] = await first.WaitForStateAsync(rule, Unacknowledged, AlertState.ActiveUnacknowledged),
                [Acknowledged] = await first.WaitForStateAsync(rule, Acknowledged, AlertState.ActiveAcknowledged),
                [AcknowledgedNormal] = await first.WaitForStateAsync(rule, AcknowledgedNormal, AlertState.Normal),
                [Returned] = await first.WaitForStateAsync(rule, Returned, AlertState.ReturnedUnacknowledged),
            };
            eventsBefore = await first.CountAllEventsAsync();
        }

        await using var second = await DashboardHost.StartAsync(options);
        await second.WaitUntilLoadedAsync();
        var engine = second.Get<AlertEngine>();
        AssertUnchanged(second, rule, before);

        // The new subscription receives the four retained messages, one evaluation each.
        await Poll.UntilPassesAsync(() => Assert.True(engine.Evaluations >= 4, $"{engine.Evaluations} evaluations after the restart."));
        AssertUnchanged(second, rule, before);
        Assert.Equal(eventsBefore, await second.CountAllEventsAsync());

        var evaluations = engine.Evaluations;
        foreach (var (asset, timestamp, value) in _published.ToArray())
        {
            await _device.PublishTelemetryAsync(asset, timestamp, new MetricValue(AlertTestBed.Metric, value));
        }

        await Poll.UntilPassesAsync(() => Assert.True(engine.Evaluations >= evaluations + 6, $"{engine.Evaluations - evaluations} of 6 republished messages evaluated."));
        AssertUnchanged(second, rule, before);
        Assert.Equal(eventsBefore, await second.CountAllEventsAsync());

        evaluations = engine.Evaluations;
        await _broker.RestartAsync();
        await second.WaitUntilSubscribedAsync();
        await Poll.UntilPassesAsync(() => Assert.True(engine.Evaluations >= evaluations + 4, $"{engine.Evaluations - evaluations} of 4 retained messages evaluated after the broker restart."));
        AssertUnchanged(second, rule, before);
        Assert.Equal(eventsBefore, await second.CountAllEventsAsync());

        var page = await second.Http.GetFromJsonAsync<AlertPageDto>($"api/alerts?site={Site}&state=ActiveUnacknowledged,ActiveAcknowledged,ReturnedUnacknowledged", DashboardApi.Json);
        Assert.Equal(
            new[] { before[Unacknowledged].Id, before[Acknowledged].Id, before[Returned].Id }.Order(),
            page!.Items.Select(alert => alert.Id).Order());
    }

    /// <summary>Returns the app's settings for the store under test; both starts use them.</summary>
    protected abstract Task<DashboardHostOptions> CreateOptionsAsync();

    /// <summary>Deletes what <see cref="CreateOptionsAsync"/> created.</summary>
    protected virtual Task DisposeStoreAsync() => Task.CompletedTask;

    private static void AssertUnchanged(DashboardHost host, AlertRule rule, Dictionary<AssetKey, AlertRecord> before)
    {
        var board = host.Get<AlertBoard>();
        Assert.Equal(before.Count, board.All().Count(alert => alert.RuleId == rule.Id));
        foreach (var (asset, expected) in before)
        {
            var actual = board.All().Single(alert => alert.RuleId == rule.Id && alert.Asset == asset);
            Assert.Equal(expected.Id, actual.Id);
            Assert.Equal(expected.State, actual.State);
            Assert.Equal(expected.Version, actual.Version);
            Assert.Equal(expected.AcknowledgedBy, actual.AcknowledgedBy);

            // PostgreSQL keeps timestamps to the microsecond, so a restored time may lose its last digit.
            Assert.Equal(Microseconds(expected.ConditionChangedAt), Microseconds(actual.ConditionChangedAt));
        }
    }

    private static long? Microseconds(DateTimeOffset? timestamp) => timestamp?.UtcTicks / 10;

    private async Task PublishRetainedAsync(AssetKey asset, DateTimeOffset timestamp, double value)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(_device.Topics.Topic(asset, TopicKind.Telemetry))
            .WithPayload(PayloadWriter.Telemetry(timestamp, [new MetricValue(AlertTestBed.Metric, value)]))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build();
        await _device.Client.PublishAsync(message);
        _published.Add((asset, timestamp, value));
    }
}

public sealed class SqliteAlertRestartTests : AlertRestartTests
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N"));

    protected override Task<DashboardHostOptions> CreateOptionsAsync() => Task.FromResult(new DashboardHostOptions { DataDirectory = _directory });

    protected override Task DisposeStoreAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        return Task.CompletedTask;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAlertRestartTests(PostgresServer server) : AlertRestartTests
{
    protected override async Task<DashboardHostOptions> CreateOptionsAsync() => new()
    {
        Settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = await server.CreateDatabaseAsync("alert_restart"),
        },
    };
}
