namespace Dashboard.Storage;

/// <summary>SQL that PostgreSQL and SQLite run unchanged, with the parameters <c>@site</c>, <c>@asset</c>, <c>@metric</c>, <c>@from</c> and <c>@to</c>.</summary>
internal static class StoreQueries
{
    /// <summary>Selects the rows of one series (asset and metric) of <c>readings</c> or <c>readings_minute</c>.</summary>
    public const string SeriesFilter =
        "asset_id = (SELECT id FROM assets WHERE site = @site AND asset = @asset) AND metric_id = (SELECT id FROM metrics WHERE name = @metric)";

    /// <summary>
    /// The time of the latest reading in [@from, @to) whose value is below the one before it. The primary key
    /// (asset_id, metric_id, ts) lets the database walk the series backwards from @to and stop at the first match.
    /// </summary>
    public const string LastDecrease = $"""
        SELECT r.ts FROM readings r
        WHERE {SeriesFilter} AND r.ts >= @from AND r.ts < @to
          AND r.value < (SELECT p.value FROM readings p
                         WHERE p.asset_id = r.asset_id AND p.metric_id = r.metric_id AND p.ts < r.ts
                         ORDER BY p.ts DESC LIMIT 1)
        ORDER BY r.ts DESC LIMIT 1
        """;
}
