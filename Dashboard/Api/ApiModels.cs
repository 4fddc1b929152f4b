using Dashboard.Mqtt;
using Dashboard.Telemetry;

namespace Dashboard.Api;

/// <summary>One asset in the list of all assets, with the latest value of each metric (null for a gap).</summary>
public sealed record AssetSummary(string Site, string Asset, DateTimeOffset? LastReadingAt, IReadOnlyDictionary<string, double?> Values);

/// <summary>Latest value of one metric and the time of the reading that carried it.</summary>
public sealed record MetricReading(DateTimeOffset Timestamp, double? Value);

/// <summary>Remaining useful life with its optional 80 % interval.</summary>
public sealed record RulDto(double Value, string Unit, double? Lower, double? Upper);

/// <summary>One model's health estimate.</summary>
public sealed record EstimateDto(string Model, DateTimeOffset Timestamp, double? Health, RulDto? Rul);

/// <summary>Everything known about one asset.</summary>
public sealed record AssetDetail(
    string Site,
    string Asset,
    DateTimeOffset? LastReadingAt,
    DateTimeOffset? LastReceivedAt,
    bool Stale,
    IReadOnlyDictionary<string, MetricReading> Values,
    EstimateDto? Estimate,
    IReadOnlyList<EstimateDto> Estimates);

/// <summary>Broker connection as seen by the ingest subscriber.</summary>
public sealed record ConnectionDto(string State, string? Broker, DateTimeOffset? Since, string? LastError, long Reconnects);

/// <summary>Counters of the ingest path.</summary>
public sealed record IngestStatsDto(
    long Received,
    long Accepted,
    long AcceptedTelemetry,
    long AcceptedHealth,
    long Rejected,
    IReadOnlyDictionary<string, long> RejectedByReason,
    long DroppedValues,
    double MessagesPerSecond,
    ConnectionDto Connection,
    IReadOnlyList<RejectedMessage> LastRejected);

internal static class ApiMapping
{
    public static AssetSummary ToSummary(AssetSnapshot snapshot) => new(
        snapshot.Key.Site,
        snapshot.Key.Asset,
        snapshot.LastReadingAt,
        snapshot.Latest.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToDictionary(pair => pair.Key, pair => pair.Value.Value));

    public static EstimateDto ToDto(HealthEstimate estimate) => new(
        estimate.Model,
        estimate.Timestamp,
        estimate.Health,
        estimate.Rul is { } rul ? new RulDto(rul.Value, rul.Unit.ToString().ToLowerInvariant(), rul.Lower, rul.Upper) : null);
}
