using Dashboard.Mqtt;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dashboard.Api;

public static class AssetEndpoints
{
    /// <summary>Maps the read API over the live state: assets, one asset, and ingest counters.</summary>
    public static RouteGroupBuilder MapAssetEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Assets");

        api.MapGet("/assets", (LiveState live) => live.Snapshot().Select(ApiMapping.ToSummary).ToArray())
            .WithName("ListAssets")
            .WithSummary("Every known asset with its site, id, last reading time and latest values.");

        // ProblemHttpResult carries no status metadata, so the 404 is declared for the OpenAPI document.
        api.MapGet("/assets/{site}/{asset}", GetAsset)
            .WithName("GetAsset")
            .WithSummary("Latest values, health and RUL of one asset.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/ingest/stats", GetIngestStats)
            .WithName("GetIngestStats")
            .WithSummary("Received, accepted and rejected message counts, by reason.");

        return api;
    }

    private static Results<Ok<AssetDetail>, ProblemHttpResult> GetAsset(
        string site, string asset, LiveState live, EstimateSelector selector, IOptions<LiveOptions> options, TimeProvider time)
    {
        var key = new AssetKey(site, asset);
        if (live.Snapshot(key) is not { } snapshot)
        {
            return TypedResults.Problem(
                title: "Asset not found",
                detail: $"No asset '{asset}' at site '{site}' has published telemetry or health since the dashboard started.",
                statusCode: StatusCodes.Status404NotFound);
        }

        var stale = snapshot.LastReceivedAt is not { } received || time.GetUtcNow() - received > options.Value.StaleAfter;
        var detail = new AssetDetail(
            site,
            asset,
            snapshot.LastReadingAt,
            snapshot.LastReceivedAt,
            stale,
            snapshot.Latest.OrderBy(pair => pair.Key, StringComparer.Ordinal)
                .ToDictionary(pair => pair.Key, pair => new MetricReading(pair.Value.Timestamp, pair.Value.Value)),
            selector.Select(snapshot) is { } preferred ? ApiMapping.ToDto(preferred) : null,
            snapshot.EstimatesByModel.Values.OrderBy(e => e.Model, StringComparer.Ordinal).Select(ApiMapping.ToDto).ToArray());
        return TypedResults.Ok(detail);
    }

    private static IngestStatsDto GetIngestStats(IngestStats stats) => new(
        stats.Received,
        stats.Accepted,
        stats.AcceptedTelemetry,
        stats.AcceptedHealth,
        stats.RejectedTotal,
        stats.RejectedByReason().ToDictionary(pair => pair.Key.ToString(), pair => pair.Value),
        stats.DroppedValues,
        stats.MessagesPerSecond(),
        new ConnectionDto(stats.ConnectionState.ToString(), stats.Broker, stats.ConnectionChangedAt, stats.LastConnectionError, stats.Reconnects),
        stats.LastRejected());
}
