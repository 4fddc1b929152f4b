using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Api;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Api;

/// <summary>
/// GET /api/assets/{site}/{asset}/history on the app with its SQLite store: validation errors name the
/// parameter and its value, unknown assets and metrics are 404, and stored points come back.
/// </summary>
public sealed class HistoryApiTests(DashboardHostFixture fixture) : IClassFixture<DashboardHostFixture>
{
    private static readonly AssetKey Pump = new("history-api", "pump-1");

    private DashboardHost Host => fixture.Host;

    [Fact]
    public async Task MissingMetric_Is400()
    {
        var errors = await GetValidationErrorsAsync("history-api/pump-1/history");

        var message = Assert.Single(Assert.Single(errors).Value);
        Assert.Equal("metric", errors.Keys.Single());
        Assert.Contains("'metric'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("from", "yesterday")]
    [InlineData("to", "2026-03-01T12:00:00")]
    [InlineData("from", "12345")]
    public async Task InvalidInstant_Is400NamingValue(string name, string value)
    {
        var errors = await GetValidationErrorsAsync($"history-api/pump-1/history?metric=T30&{name}={Uri.EscapeDataString(value)}");

        var message = Assert.Single(errors[name]);
        Assert.Contains($"'{name}'", message, StringComparison.Ordinal);
        Assert.Contains($"'{value}'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z")]
    [InlineData("2026-03-01T13:00:00Z", "2026-03-01T12:00:00Z")]
    public async Task FromNotBeforeTo_Is400(string from, string to)
    {
        var errors = await GetValidationErrorsAsync($"history-api/pump-1/history?metric=T30&from={from}&to={to}");

        var message = Assert.Single(errors["from"]);
        Assert.Contains("'from'", message, StringComparison.Ordinal);
        Assert.Contains(from[..19], message, StringComparison.Ordinal);
        Assert.Contains(to[..19], message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("10001")]
    [InlineData("abc")]
    [InlineData("2.5")]
    public async Task PointsOutOfRange_Is400(string points)
    {
        var errors = await GetValidationErrorsAsync($"history-api/pump-1/history?metric=T30&points={points}");

        var message = Assert.Single(errors["points"]);
        Assert.Contains("'points'", message, StringComparison.Ordinal);
        Assert.Contains(points, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownAsset_Is404()
    {
        using var response = await Host.Http.GetAsync("api/assets/history-api/ghost/history?metric=T30");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("ghost", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownMetric_Is404ListingMetrics()
    {
        await Host.Publisher.PublishTelemetryAsync(Pump, DateTimeOffset.UtcNow.AddSeconds(-1), new MetricValue("T30", 1));
        await Host.Http.WaitForValueAsync(Pump, "T30", 1);

        using var response = await Host.Http.GetAsync("api/assets/history-api/pump-1/history?metric=nope");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("'nope'", body, StringComparison.Ordinal);
        Assert.Contains("T30", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StoredReadings_AreReturned()
    {
        var asset = new AssetKey("history-api", "pump-2");
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        for (var i = 0; i < 5; i++)
        {
            await Host.Publisher.PublishTelemetryAsync(asset, start.AddSeconds(i), new MetricValue("T30", i == 2 ? null : i * 10));
        }

        await Host.Http.WaitForValueAsync(asset, "T30", 40);
        HistoryDto? history = null;
        await Poll.UntilPassesAsync(async () =>
        {
            history = await Host.Http.GetFromJsonAsync<HistoryDto>(DashboardApi.AssetPath(asset) + "/history?metric=T30", DashboardApi.Json);
            Assert.Equal(5, history!.Points.Count);
        });

        Assert.Equal("Raw", history!.Source);
        Assert.Equal(new double?[] { 0, 10, null, 30, 40 }, history.Points.Select(p => p.Value));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => start.AddSeconds(i)), history.Points.Select(p => p.Ts));
    }

    [Fact]
    public async Task StorageDisabled_Is503()
    {
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?> { ["Storage:Enabled"] = "false" },
        });
        await host.Publisher.PublishTelemetryAsync(Pump, DateTimeOffset.UtcNow, new MetricValue("T30", 1));
        await host.Http.WaitForValueAsync(Pump, "T30", 1);

        using var response = await host.Http.GetAsync("api/assets/history-api/pump-1/history?metric=T30");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Storage:Enabled=false", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>Sends a GET under /api/assets/ and returns the <c>errors</c> of its 400 validation problem.</summary>
    private async Task<Dictionary<string, string[]>> GetValidationErrorsAsync(string path)
    {
        using var response = await Host.Http.GetAsync("api/assets/" + path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"GET {path} returned {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }
}
