using System.Net;
using System.Net.Http.Json;
using Dashboard.Api;
using Dashboard.Mqtt;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Integration;

/// <summary>
/// The live pipeline end to end: an MQTT client publishes, the app subscribes, and the reading shows in
/// the HTTP API. The same tests run against the embedded broker and against a real Mosquitto.
/// </summary>
public abstract class IngestPipelineTests(DashboardHostFixture fixture)
{
    private DashboardHost Host => fixture.Host;

    public static TheoryData<string, string> UnusualIds => new()
    {
        { "site 1", "pump 7" },
        { "Zürich-Süd", "Pumpe-Ä-日本" },
        { "100%", "what?" },
        { "a&b=c", "x=y;z" },
        { "<b>site<b>", "<img src=x onerror=alert(1)>" },
        { "dot.site", "v1.2 (spare)" },
    };

    [Fact]
    public async Task PublishedReading_IsShownByApi()
    {
        var asset = UniqueAsset();
        var timestamp = DateTimeOffset.UtcNow.AddSeconds(-1);

        await Host.Publisher.PublishTelemetryAsync(asset, timestamp, new MetricValue("T30", 1589.7), new MetricValue("gap", null));

        var detail = await Host.Http.WaitForValueAsync(asset, "T30", 1589.7);
        Assert.Equal(asset.Site, detail.Site);
        Assert.Equal(asset.Asset, detail.Asset);
        Assert.Null(detail.Values["gap"].Value);
        Assert.Equal(timestamp.UtcTicks / 10, detail.LastReadingAt!.Value.UtcTicks / 10);
        Assert.False(detail.Stale);
        Assert.Null(detail.Estimate);
    }

    [Theory]
    [MemberData(nameof(UnusualIds))]
    public async Task UnusualIds_RoundTripThroughApi(string site, string id)
    {
        var asset = new AssetKey(site, id);

        await Host.Publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("v", 42));

        var detail = await Host.Http.WaitForValueAsync(asset, "v", 42);
        Assert.Equal(asset.Site, detail.Site);
        Assert.Equal(id, detail.Asset);
        var list = await Host.Http.GetFromJsonAsync<AssetSummary[]>("api/assets", DashboardApi.Json);
        Assert.Contains(list!, summary => summary.Site == asset.Site && summary.Asset == id);
    }

    [Fact]
    public async Task HealthEstimate_IsShownByApi()
    {
        var asset = UniqueAsset();
        await Host.Publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("T30", 1));
        var estimate = new HealthEstimate(asset, DateTimeOffset.UtcNow, 42.5, new RulEstimate(80, RulUnit.Cycles, 60, 95), "model-x");

        await Host.Publisher.PublishHealthAsync(estimate);

        await Poll.UntilPassesAsync(async () =>
        {
            var detail = await Host.Http.GetAssetAsync(asset);
            Assert.NotNull(detail?.Estimate);
            Assert.Equal("model-x", detail.Estimate.Model);
            Assert.Equal(42.5, detail.Estimate.Health);
            Assert.Equal(new RulDto(80, "cycles", 60, 95), detail.Estimate.Rul);
        });
    }

    [Fact]
    public async Task BadPayload_IsCountedNextIsShown()
    {
        var asset = UniqueAsset();
        var topic = Host.Publisher.Topics.Topic(asset, TopicKind.Telemetry);
        var before = await Host.Http.GetIngestStatsAsync();

        await Host.Publisher.PublishAsync(topic, "{ this is not json");
        await Host.Publisher.PublishAsync(topic, """{"values": {"v": 1}}""");
        await Host.Publisher.PublishAsync(topic, [0x7B, 0xFF, 0x7D]);
        await Host.Publisher.PublishAsync(Host.Publisher.Topics.Prefix + "/only-site/telemetry", """{"ts": 1772366340, "values": {"v": 1}}""");
        await Host.Publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("v", 5));

        await Host.Http.WaitForValueAsync(asset, "v", 5);
        var after = await Host.Http.GetIngestStatsAsync();
        Assert.Equal(1, Delta(before, after, RejectReason.InvalidJson));
        Assert.Equal(1, Delta(before, after, RejectReason.MissingTimestamp));
        Assert.Equal(1, Delta(before, after, RejectReason.NotUtf8));
        Assert.Equal(0, Delta(before, after, RejectReason.TooLarge));
        Assert.Contains(after.LastRejected, rejected => rejected.Topic == topic && rejected.Payload == "{ this is not json");
    }

    [Fact]
    public async Task IngestStats_CountReceivedAndAccepted()
    {
        var asset = UniqueAsset();
        var before = await Host.Http.GetIngestStatsAsync();

        for (var i = 0; i < 5; i++)
        {
            await Host.Publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow.AddMilliseconds(-10 + i), new MetricValue("v", i));
        }

        await Host.Publisher.PublishAsync(
            Host.Publisher.Topics.Topic(asset, TopicKind.Telemetry),
            $$"""{"ts": "{{DateTimeOffset.UtcNow:O}}", "values": {"v": 9, "text": "x", "flag": true} }""");

        await Host.Http.WaitForValueAsync(asset, "v", 9);
        var after = await Host.Http.GetIngestStatsAsync();

        // Other tests of the class may publish at the same time, so the counts are lower bounds.
        Assert.True(after.Received - before.Received >= 6, $"received grew by {after.Received - before.Received}");
        Assert.True(after.AcceptedTelemetry - before.AcceptedTelemetry >= 6);
        Assert.True(after.DroppedValues - before.DroppedValues >= 2);
        Assert.Equal("Connected", after.Connection.State);
        Assert.Equal($"{Host.Broker.Host}:{Host.Broker.Port}", after.Connection.Broker);
    }

    [Fact]
    public async Task UnknownAsset_Returns404WithMessage()
    {
        using var response = await Host.Http.GetAsync(DashboardApi.AssetPath(new AssetKey("nowhere", "ghost pump")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("No asset 'ghost pump' at site 'nowhere'", body, StringComparison.Ordinal);
    }

    private static AssetKey UniqueAsset() => new("it", $"asset-{Guid.NewGuid():N}");

    private static long Delta(IngestStatsDto before, IngestStatsDto after, RejectReason reason) =>
        after.RejectedByReason[reason.ToString()] - before.RejectedByReason[reason.ToString()];
}

/// <summary>The pipeline tests against the app's embedded MQTTnet broker.</summary>
public sealed class EmbeddedBrokerPipelineTests(DashboardHostFixture fixture)
    : IngestPipelineTests(fixture), IClassFixture<DashboardHostFixture>;

/// <summary>The pipeline tests against Mosquitto with its default settings, the embedded broker off.</summary>
public sealed class MosquittoPipelineTests(MosquittoDashboardFixture fixture)
    : IngestPipelineTests(fixture), IClassFixture<MosquittoDashboardFixture>;
