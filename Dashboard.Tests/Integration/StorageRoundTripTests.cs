using System.Net.Http.Json;
using Dashboard.Api;
using Dashboard.Mqtt;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Integration;

/// <summary>
/// Readings published over MQTT, the app stopped and started again on the same data: the history API
/// returns every reading once, and the live state is back before any new message.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StorageRoundTripTests(PostgresServer postgres)
{
    private const int Count = 200;

    [Theory]
    [InlineData("sqlite", "embedded")]
    [InlineData("sqlite", "mosquitto")]
    [InlineData("postgres", "embedded")]
    [InlineData("postgres", "mosquitto")]
    public async Task PublishedReadings_SurviveRestart(string store, string broker)
    {
        await using var mosquitto = broker == "mosquitto" ? await MosquittoServer.StartAsync() : null;
        var settings = new Dictionary<string, string?>
        {
            // The same client id on both starts, so Mosquitto keeps the session in between.
            ["Mqtt:ClientId"] = $"roundtrip-{Guid.NewGuid():N}",

            // A long flush interval keeps the last batch open when the app stops, as it may be at any moment.
            ["Storage:FlushInterval"] = "00:00:30",
        };
        if (store == "postgres")
        {
            settings["ConnectionStrings:Dashboard"] = await postgres.CreateDatabaseAsync($"roundtrip_{broker}");
        }

        var options = new DashboardHostOptions
        {
            ExternalBroker = mosquitto is null ? null : new BrokerAddress(mosquitto.Host, mosquitto.Port),
            DataDirectory = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N")),
            Settings = settings,
        };
        var asset = new AssetKey("roundtrip", $"{store}-{broker}");
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeSeconds());

        await using (var first = await DashboardHost.StartAsync(options))
        {
            for (var i = 0; i < Count; i++)
            {
                await first.Publisher.PublishTelemetryAsync(asset, start.AddSeconds(i), new MetricValue("a", i), new MetricValue("b", i % 10 == 0 ? null : -i));
            }

            await first.Http.WaitForValueAsync(asset, "a", Count - 1);
        }

        await using var second = await DashboardHost.StartAsync(options);
        var assets = await second.Http.GetFromJsonAsync<AssetSummary[]>("api/assets", DashboardApi.Json);
        var restored = Assert.Single(assets!, summary => summary.Site == asset.Site && summary.Asset == asset.Asset);
        Assert.Equal(Count - 1, restored.Values["a"]);
        Assert.Equal(-(Count - 1), restored.Values["b"]);
        if (mosquitto is null)
        {
            // A new embedded broker has nothing to deliver, so the values can only come from the store.
            Assert.Equal(0, second.Get<IngestStats>().Received);
        }

        var a = await GetHistoryAsync(second.Http, asset, "a", start, start.AddSeconds(Count));
        var b = await GetHistoryAsync(second.Http, asset, "b", start, start.AddSeconds(Count));

        Assert.Equal("Raw", a.Source);
        Assert.Equal(Enumerable.Range(0, Count).Select(i => (double?)i), a.Points.Select(p => p.Value));
        Assert.Equal(Enumerable.Range(0, Count).Select(i => start.AddSeconds(i)), a.Points.Select(p => p.Ts));
        Assert.Equal(Enumerable.Range(0, Count).Select(i => i % 10 == 0 ? null : (double?)-i), b.Points.Select(p => p.Value));
    }

    internal static async Task<HistoryDto> GetHistoryAsync(HttpClient http, AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to)
    {
        var query = $"?metric={Uri.EscapeDataString(metric)}&from={Uri.EscapeDataString(from.ToString("O"))}&to={Uri.EscapeDataString(to.ToString("O"))}&points=10000";
        using var response = await http.GetAsync(DashboardApi.AssetPath(asset) + "/history" + query);
        Assert.True(response.IsSuccessStatusCode, $"GET history of {asset} {metric} returned {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<HistoryDto>(DashboardApi.Json))!;
    }
}
