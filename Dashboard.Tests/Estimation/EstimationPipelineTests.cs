using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using Bunit;
using Dashboard.Components.Shared;
using Dashboard.Estimation;
using Dashboard.Mqtt;
using Dashboard.Tests.Infrastructure;
using Dashboard.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using AssetPage = Dashboard.Components.Pages.Asset;

namespace Dashboard.Tests.Estimation;

/// <summary>
/// Replayed turbofan telemetry in, estimates out: the built-in estimator publishes to the MQTT health topic
/// like any model service, and the estimates come back through ingest to the API and the Asset page.
/// </summary>
public sealed class EstimationPipelineTests : ComponentTestContext
{
    private static readonly TimeSpan EstimateTimeout = TimeSpan.FromSeconds(60);
    private static readonly AssetKey Turbofan = new("demo", "turbofan-001");

    private readonly ConcurrentQueue<(string Topic, JsonElement Payload)> _healthMessages = new();
    private DashboardHost _host = null!;
    private MqttTestClient _subscriber = null!;

    protected override async Task InitializeAsync()
    {
        _host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Replay = true,
            Settings = new Dictionary<string, string?>
            {
                ["Replay:Units"] = "2",
                ["Replay:Interval"] = "00:00:00.1",
                ["Estimation:Enabled"] = "true",
            },
        });

        _subscriber = await MqttTestClient.ConnectAsync(_host.Broker.Host, _host.Broker.Port);
        _subscriber.Client.ApplicationMessageReceivedAsync += e =>
        {
            var payload = JsonDocument.Parse(e.ApplicationMessage.Payload.ToArray()).RootElement.Clone();
            _healthMessages.Enqueue((e.ApplicationMessage.Topic, payload));
            return Task.CompletedTask;
        };
        await _subscriber.Client.SubscribeAsync(_subscriber.Topics.HealthFilter, MqttQualityOfServiceLevel.AtLeastOnce);

        Services.AddSingleton<TimeProvider>(TimeProvider.System);
        Services.AddSingleton(_host.Get<LiveState>());
        Services.AddSingleton(_host.Get<EstimateSelector>());
    }

    protected override async Task DisposeDependenciesAsync()
    {
        await _subscriber.DisposeAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task ReplayedTurbofan_GetsBothModelsOnHealthTopic()
    {
        var topic = _subscriber.Topics.Topic(Turbofan, TopicKind.Health);

        await Poll.UntilPassesAsync(
            () =>
            {
                var models = _healthMessages.Where(message => message.Topic == topic).Select(message => message.Payload.GetProperty("model").GetString()).ToHashSet();
                Assert.Contains("cmapss-lightgbm-v1", models);
                Assert.Contains(GenericHealthModel.ModelName, models);
            },
            EstimateTimeout);

        // The first cycles of a replayed engine give an unknown RUL; the check takes a known one.
        await Poll.UntilPassesAsync(
            () => Assert.Contains(_healthMessages, message => message.Topic == topic && IsKnownTurbofanEstimate(message.Payload)),
            EstimateTimeout);
        var estimate = _healthMessages.Last(message => message.Topic == topic && IsKnownTurbofanEstimate(message.Payload)).Payload;
        var rul = estimate.GetProperty("rul");
        Assert.Equal("cycles", rul.GetProperty("unit").GetString());
        Assert.True(rul.GetProperty("lower").GetDouble() <= rul.GetProperty("value").GetDouble(), "lower bound above the estimate");
        Assert.InRange(estimate.GetProperty("health").GetDouble(), 0, 100);
    }

    private static bool IsKnownTurbofanEstimate(JsonElement payload) =>
        payload.GetProperty("model").GetString() == "cmapss-lightgbm-v1" && payload.GetProperty("rul").ValueKind == JsonValueKind.Object;

    [Fact]
    public async Task Estimate_IsShownByApi()
    {
        await Poll.UntilPassesAsync(
            async () =>
            {
                var detail = await _host.Http.GetAssetAsync(Turbofan);
                Assert.NotNull(detail);
                Assert.Contains(detail.Estimates, estimate => estimate.Model == "cmapss-lightgbm-v1");
                Assert.Equal("cmapss-lightgbm-v1", detail.Estimate?.Model);
                Assert.NotNull(detail.Estimate!.Rul);
            },
            EstimateTimeout);
    }

    [Fact]
    public async Task Estimate_AtMostOncePerReading()
    {
        var estimator = _host.Get<EstimatorService>();
        var stats = _host.Get<IngestStats>();
        await Poll.UntilPassesAsync(() => Assert.True(estimator.Estimates > 10, "no estimates yet"), EstimateTimeout);

        // Two methods publish per estimated reading, so their estimates never exceed twice the readings.
        Assert.True(estimator.Estimates <= 2 * stats.AcceptedTelemetry, $"{estimator.Estimates} estimates for {stats.AcceptedTelemetry} readings");
    }

    [Fact]
    public async Task AssetPage_ShowsGaugeRulAndModel()
    {
        await Poll.UntilPassesAsync(() => Assert.NotNull(_host.Get<LiveState>().Snapshot(Turbofan)?.EstimatesByModel.GetValueOrDefault("cmapss-lightgbm-v1")), EstimateTimeout);

        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo(Display.AssetHref(Turbofan));
        var cut = Render<AssetPage>();

        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=estimate-panel]")));
        Assert.NotNull(cut.Find("[data-testid=health-gauge]"));
        Assert.Contains("cmapss-lightgbm-v1", cut.Find("[data-testid=model]").TextContent);
        Assert.StartsWith("RUL ", cut.Find("[data-testid=estimate-panel] [data-testid=rul]").TextContent.Trim());
        Assert.Contains("true RUL", cut.Find("[data-testid=true-rul]").TextContent);
    }
}
