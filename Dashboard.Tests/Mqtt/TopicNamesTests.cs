using Dashboard.Mqtt;

namespace Dashboard.Tests.Mqtt;

public sealed class TopicNamesTests
{
    [Theory]
    [InlineData("plant", TopicKind.Telemetry, "plant/s/a/telemetry")]
    [InlineData("plant", TopicKind.Health, "plant/s/a/health")]
    [InlineData("plant", TopicKind.Alerts, "plant/s/a/alerts")]
    [InlineData("factory/line 1", TopicKind.Telemetry, "factory/line 1/s/a/telemetry")]
    public void Topic_FormatsPrefixSiteAssetKind(string prefix, TopicKind kind, string expected)
    {
        Assert.Equal(expected, new TopicNames(prefix).Topic(new AssetKey("s", "a"), kind));
    }

    [Theory]
    [InlineData("plant", "plant/+/+/telemetry", "plant/+/+/health")]
    [InlineData("factory/line1", "factory/line1/+/+/telemetry", "factory/line1/+/+/health")]
    public void Filters_MatchOneSiteAndAssetLevel(string prefix, string telemetry, string health)
    {
        var topics = new TopicNames(prefix);

        Assert.Equal(telemetry, topics.TelemetryFilter);
        Assert.Equal(health, topics.HealthFilter);
    }

    [Theory]
    [InlineData("plant", "plant/site-1/pump-1/telemetry", "site-1", "pump-1", TopicKind.Telemetry)]
    [InlineData("plant", "plant/site-1/pump-1/health", "site-1", "pump-1", TopicKind.Health)]
    [InlineData("plant", "plant/site-1/pump-1/alerts", "site-1", "pump-1", TopicKind.Alerts)]
    [InlineData("factory/line1", "factory/line1/s/a/telemetry", "s", "a", TopicKind.Telemetry)]
    [InlineData("a/b/c", "a/b/c/s/a/health", "s", "a", TopicKind.Health)]
    [InlineData("plant", "plant/ü 1/<b>&/telemetry", "ü 1", "<b>&", TopicKind.Telemetry)]
    public void TryParse_ValidTopic_ReturnsAssetAndKind(string prefix, string topic, string site, string asset, TopicKind kind)
    {
        Assert.True(new TopicNames(prefix).TryParse(topic, out var parsedAsset, out var parsedKind));
        Assert.Equal(new AssetKey(site, asset), parsedAsset);
        Assert.Equal(kind, parsedKind);
    }

    [Theory]
    [InlineData("plant", "plant")]
    [InlineData("plant", "plant/")]
    [InlineData("plant", "plant/s/a")]
    [InlineData("plant", "plant//a/telemetry")]
    [InlineData("plant", "plant/s//telemetry")]
    [InlineData("plant", "plant/s/a/telemetry/")]
    [InlineData("plant", "plant/s/a/b/telemetry")]
    [InlineData("plant", "plantx/s/a/telemetry")]
    [InlineData("plant", "/plant/s/a/telemetry")]
    [InlineData("plant", "plant/s/a/metrics")]
    [InlineData("factory/line1", "factory/s/a/telemetry")]
    [InlineData("factory/line1", "factory/line1/s/telemetry")]
    public void TryParse_OtherShape_ReturnsFalse(string prefix, string topic)
    {
        Assert.False(new TopicNames(prefix).TryParse(topic, out _, out _));
    }

    [Fact]
    public void TopicAndTryParse_RoundTrip()
    {
        var topics = new TopicNames("factory/line1");
        var asset = new AssetKey("Zürich Süd", "pump <7> & 100%");

        Assert.True(topics.TryParse(topics.Topic(asset, TopicKind.Health), out var parsed, out var kind));
        Assert.Equal(asset, parsed);
        Assert.Equal(TopicKind.Health, kind);
    }

    [Theory]
    [InlineData("plant")]
    [InlineData("factory/line1")]
    [InlineData("a b/ü")]
    public void ValidatePrefix_AcceptsValidPrefix(string prefix)
    {
        Assert.Null(TopicNames.ValidatePrefix(prefix));
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("plant/+", "'+'")]
    [InlineData("plant/#", "'#'")]
    [InlineData("pl\0ant", "NUL")]
    [InlineData("$SYS", "'$'")]
    [InlineData("/plant", "'/'")]
    [InlineData("plant/", "'/'")]
    [InlineData("a//b", "empty level")]
    public void ValidatePrefix_RejectsInvalidPrefix(string? prefix, string problem)
    {
        var message = TopicNames.ValidatePrefix(prefix);

        Assert.NotNull(message);
        Assert.Contains(problem, message, StringComparison.Ordinal);
    }
}
