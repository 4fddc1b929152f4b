using System.Globalization;
using Dashboard.Mqtt;
using Dashboard.Storage;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Api;

/// <summary>One point of a history response; see <see cref="HistoryPoint"/>.</summary>
public sealed record HistoryPointDto(DateTimeOffset Ts, double? Value, double? Min, double? Max);

/// <summary>A history response: the points and how they were made.</summary>
public sealed record HistoryDto(
    string Site,
    string Asset,
    string Metric,
    DateTimeOffset From,
    DateTimeOffset To,
    string Source,
    double BucketSeconds,
    IReadOnlyList<HistoryPointDto> Points);

public static class HistoryEndpoints
{
    private static readonly TimeSpan DefaultRange = TimeSpan.FromHours(1);

    public static RouteGroupBuilder MapHistoryEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("History");
        api.MapGet("/assets/{site}/{asset}/history", GetHistoryAsync)
            .WithName("GetHistory")
            .WithSummary("History of one metric, downsampled to at most `points` points with min, max and mean per bucket; gaps are nulls.");
        return api;
    }

    private static async Task<Results<Ok<HistoryDto>, ValidationProblem, ProblemHttpResult>> GetHistoryAsync(
        string site,
        string asset,
        string? metric,
        string? from,
        string? to,
        string? points,
        LiveState live,
        IServiceProvider services,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(metric))
        {
            errors["metric"] = ["The query parameter 'metric' is required, for example ?metric=T30."];
        }

        var end = ParseInstant(to, "to", errors) ?? time.GetUtcNow();
        var start = ParseInstant(from, "from", errors) ?? end - DefaultRange;
        if (errors.Count == 0 && start >= end)
        {
            errors["from"] = [$"'from' ({start:O}) must be earlier than 'to' ({end:O})."];
        }

        // Parsed here rather than bound as int?, so that text such as '2.5' gets the same error as 1 does,
        // instead of a bare 400 that names nothing outside the Development environment.
        var count = HistoryService.DefaultPoints;
        if (!string.IsNullOrEmpty(points)
            && (!int.TryParse(points, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out count) || count is < 2 or > HistoryService.MaxPoints))
        {
            errors["points"] = [$"'points' must be a whole number from 2 to {HistoryService.MaxPoints}, but is '{points}'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        if (services.GetService<HistoryService>() is not { } history || services.GetService<IReadingStore>() is not { } store)
        {
            return TypedResults.Problem(
                title: "History is not stored",
                detail: "This dashboard runs with Storage:Enabled=false, so it keeps live data only.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var key = new AssetKey(site, asset);
        var snapshot = live.Snapshot(key);
        if (snapshot is null && !await store.HasAssetAsync(key, cancellationToken))
        {
            return TypedResults.Problem(
                title: "Asset not found",
                detail: $"No asset '{asset}' at site '{site}' is stored or live.",
                statusCode: StatusCodes.Status404NotFound);
        }

        if (snapshot is not null && snapshot.Latest.Count > 0 && !snapshot.Latest.ContainsKey(metric!))
        {
            return TypedResults.Problem(
                title: "Metric not found",
                detail: $"Asset '{asset}' at site '{site}' has no metric '{metric}'. Its metrics are: {string.Join(", ", snapshot.Latest.Keys.Order(StringComparer.Ordinal))}.",
                statusCode: StatusCodes.Status404NotFound);
        }

        var series = await history.QueryAsync(key, metric!, start, end, count, cancellationToken);
        return TypedResults.Ok(new HistoryDto(
            site,
            asset,
            metric!,
            series.From,
            series.To,
            series.Source.ToString(),
            series.BucketWidth.TotalSeconds,
            series.Points.Select(p => new HistoryPointDto(p.Timestamp, p.Value, p.Min, p.Max)).ToArray()));
    }

    private static DateTimeOffset? ParseInstant(string? text, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (MessageTimestamp.TryParseIso(text, out var instant))
        {
            return instant;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var epoch) && MessageTimestamp.TryParseEpoch(epoch, out instant))
        {
            return instant;
        }

        errors[name] = [$"'{name}' must be an ISO-8601 instant with an offset or Z (such as 2026-03-01T12:00:00Z) or Unix time in seconds or milliseconds, but is '{text}'."];
        return null;
    }
}
