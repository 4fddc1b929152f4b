namespace Dashboard.Components.Charts;

/// <summary>
/// The time range of a trend: either the last <see cref="Duration"/>, which follows live data, or the fixed
/// span from <see cref="From"/> to <see cref="To"/>.
/// </summary>
public sealed record ChartRange(string Key, string Label, TimeSpan? Duration, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public static readonly IReadOnlyList<ChartRange> Presets =
    [
        new("15m", "15 min", TimeSpan.FromMinutes(15)),
        new("1h", "1 h", TimeSpan.FromHours(1)),
        new("8h", "Shift (8 h)", TimeSpan.FromHours(8)),
        new("24h", "24 h", TimeSpan.FromHours(24)),
        new("7d", "7 d", TimeSpan.FromDays(7)),
        new("30d", "30 d", TimeSpan.FromDays(30)),
    ];

    public static readonly ChartRange Default = Presets[0];

    /// <summary>Whether new live points extend the chart: true unless the range ends in the past.</summary>
    public bool IsLive(DateTimeOffset now) => Duration is not null || To is not { } end || end >= now;

    public (DateTimeOffset From, DateTimeOffset To) Resolve(DateTimeOffset now) =>
        Duration is { } duration ? (now - duration, now) : (From ?? now.AddHours(-1), To ?? now);

    public static ChartRange Custom(DateTimeOffset from, DateTimeOffset to) => new("custom", "Custom", null, from, to);

    public static ChartRange FromKey(string? key) => Presets.FirstOrDefault(range => range.Key == key) ?? Default;
}
