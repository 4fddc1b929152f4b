using System.Net.Http.Json;
using System.Text.Json;
using Dashboard.Api;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Calls of the app's HTTP API with the JSON settings that minimal APIs use.
/// </summary>
public static class DashboardApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>Returns the path of one asset, with both ids escaped as URI data.</summary>
    public static string AssetPath(AssetKey asset) =>
        $"api/assets/{Uri.EscapeDataString(asset.Site)}/{Uri.EscapeDataString(asset.Asset)}";

    /// <summary>Returns the asset, or null while the API returns 404 for it.</summary>
    public static async Task<AssetDetail?> GetAssetAsync(this HttpClient http, AssetKey asset)
    {
        using var response = await http.GetAsync(AssetPath(asset));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<AssetDetail>(Json);
    }

    public static async Task<IngestStatsDto> GetIngestStatsAsync(this HttpClient http) =>
        await http.GetFromJsonAsync<IngestStatsDto>("api/ingest/stats", Json)
        ?? throw new InvalidOperationException("GET api/ingest/stats returned null.");

    /// <summary>Waits until the API shows the asset with <paramref name="metric"/> at <paramref name="expected"/>, and returns it.</summary>
    public static async Task<AssetDetail> WaitForValueAsync(this HttpClient http, AssetKey asset, string metric, double? expected, TimeSpan? timeout = null)
    {
        AssetDetail? detail = null;
        await Poll.UntilPassesAsync(async () =>
        {
            detail = await http.GetAssetAsync(asset);
            Assert.True(detail is not null, $"GET {AssetPath(asset)} returned 404.");
            Assert.True(detail.Values.TryGetValue(metric, out var reading), $"Asset {asset} has no value of '{metric}'.");
            Assert.Equal(expected, reading.Value);
        }, timeout);
        return detail!;
    }
}
