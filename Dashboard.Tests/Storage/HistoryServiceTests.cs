using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Tests.Storage;

/// <summary>
/// Downsampling of history over both stores: raw readings when they fit, buckets with min, max and mean
/// otherwise, gaps as explicit nulls, and never more points than requested.
/// </summary>
public abstract class HistoryServiceTests : StoreTestBase
{
    private const string Metric = "T30";

    private readonly FakeTimeProvider _time = new(T0.AddDays(1));

    private HistoryService History => new(Store, Options.Create(new StorageOptions()), _time);

    private Task<HistorySeries> QueryAsync(DateTimeOffset from, DateTimeOffset to, int points) =>
        History.QueryAsync(Pump, Metric, from, to, points, CancellationToken.None);

    [Fact]
    public async Task FewReadings_AreReturnedRaw()
    {
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(10), 10, i => i * 1.5);

        var series = await QueryAsync(T0, T0.AddMinutes(10), 100);

        Assert.Equal(HistorySource.Raw, series.Source);
        Assert.Equal(TimeSpan.Zero, series.BucketWidth);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (double?)(i * 1.5)), series.Points.Select(p => p.Value));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => T0.AddSeconds(10 * i)), series.Points.Select(p => p.Timestamp));
        Assert.All(series.Points, p => Assert.Equal(p.Value, p.Min));
        Assert.All(series.Points, p => Assert.Equal(p.Value, p.Max));
    }

    [Fact]
    public async Task RawLongSilence_GetsNullPoint()
    {
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(10), 30, i => 1);
        await WriteSeriesAsync(Pump, Metric, T0.AddMinutes(10), TimeSpan.FromSeconds(10), 30, i => 2);

        var series = await QueryAsync(T0, T0.AddMinutes(20), 1000);

        Assert.Equal(HistorySource.Raw, series.Source);
        Assert.Equal(61, series.Points.Count);
        var gap = Assert.Single(series.Points, p => p.Value is null);
        Assert.True(gap.Timestamp > T0.AddSeconds(290), $"The gap point is at {gap.Timestamp:O}, before the silence.");
        Assert.True(gap.Timestamp < T0.AddMinutes(10), $"The gap point is at {gap.Timestamp:O}, after the silence.");
        Assert.Null(gap.Min);
        Assert.Null(gap.Max);
    }

    [Fact]
    public async Task RawBuckets_KeepSingleSampleSpike()
    {
        // 1 Hz for ten minutes, flat at 1 except one sample of 1000 at 123 s.
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(1), 600, i => i == 123 ? 1000 : 1);

        var series = await QueryAsync(T0, T0.AddMinutes(10), 50);

        Assert.Equal(HistorySource.RawBuckets, series.Source);
        Assert.Equal(TimeSpan.FromSeconds(12), series.BucketWidth);
        Assert.Equal(50, series.Points.Count);
        var spike = Assert.Single(series.Points, p => p.Max == 1000);
        Assert.Equal(T0.AddSeconds(120), spike.Timestamp);
        Assert.Equal(1, spike.Min);
        Assert.Equal((11 + 1000) / 12.0, spike.Value!.Value, 9);
        Assert.All(series.Points.Where(p => p != spike), p => Assert.Equal((double?)1, p.Max));
    }

    [Fact]
    public async Task MinuteBuckets_KeepSingleSampleSpike()
    {
        // One reading every 10 s for three hours, with one spike an hour in.
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(10), 1080, i => i == 361 ? 1000 : 1);

        var series = await QueryAsync(T0, T0.AddHours(3), 60);

        Assert.Equal(HistorySource.MinuteBuckets, series.Source);
        Assert.Equal(TimeSpan.FromMinutes(3), series.BucketWidth);
        Assert.Equal(60, series.Points.Count);
        var spike = Assert.Single(series.Points, p => p.Max == 1000);
        Assert.Equal(T0.AddHours(1), spike.Timestamp);
        Assert.Equal(1, spike.Min);
        Assert.Equal((17 + 1000) / 18.0, spike.Value!.Value, 9);
    }

    [Fact]
    public async Task RawBuckets_ReturnGapsAsNulls()
    {
        // 1 Hz from 0 to 4 min and from 7 to 10 min; nothing in between.
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(1), 240, i => 5);
        await WriteSeriesAsync(Pump, Metric, T0.AddMinutes(7), TimeSpan.FromSeconds(1), 180, i => 5);

        var series = await QueryAsync(T0, T0.AddMinutes(10), 50);

        Assert.Equal(HistorySource.RawBuckets, series.Source);
        var inGap = series.Points.Where(p => p.Timestamp >= T0.AddMinutes(4) && p.Timestamp < T0.AddMinutes(7)).ToList();
        Assert.Equal(15, inGap.Count);
        Assert.All(inGap, p => Assert.Equal((null, null, null), (p.Value, p.Min, p.Max)));
        Assert.Equal(35, series.Points.Count(p => p.Value == 5));
    }

    [Fact]
    public async Task MinuteBuckets_ReturnGapsAsNulls()
    {
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(30), 120, i => 2);
        await WriteSeriesAsync(Pump, Metric, T0.AddHours(2), TimeSpan.FromSeconds(30), 120, i => 2);

        var series = await QueryAsync(T0, T0.AddHours(3), 60);

        Assert.Equal(HistorySource.MinuteBuckets, series.Source);
        Assert.Equal(60, series.Points.Count);
        Assert.Equal(20, series.Points.Count(p => p.Value is null && p.Min is null && p.Max is null));
        Assert.Equal(40, series.Points.Count(p => p.Value == 2));
    }

    [Fact]
    public async Task NullReadings_AreGapsNotZero()
    {
        // Minute 0 has only nulls, minute 1 mixes nulls and values.
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(1), 60, i => null);
        await WriteSeriesAsync(Pump, Metric, T0.AddMinutes(1), TimeSpan.FromSeconds(1), 60, i => i % 2 == 0 ? null : 4);

        var raw = await QueryAsync(T0, T0.AddMinutes(2), 30);
        var minutes = await QueryAsync(T0, T0.AddMinutes(2), 2);

        Assert.Equal(HistorySource.RawBuckets, raw.Source);
        Assert.All(raw.Points.Take(15), p => Assert.Null(p.Value));
        Assert.All(raw.Points.Skip(15), p => Assert.Equal((4.0, 4.0, 4.0), (p.Value, p.Min, p.Max)));
        Assert.Equal(HistorySource.MinuteBuckets, minutes.Source);
        Assert.Equal([null, 4.0], minutes.Points.Select(p => p.Value));
        Assert.DoesNotContain(raw.Points.Concat(minutes.Points), p => p.Value == 0 || p.Min == 0);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(599)]
    [InlineData(601)]
    [InlineData(1000)]
    public async Task Points_NeverExceedRequest(int points)
    {
        // 600 readings with irregular spacing and a long silence, so raw results also get gap points.
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(1), 300, i => i);
        await WriteSeriesAsync(Pump, Metric, T0.AddMinutes(30), TimeSpan.FromSeconds(3), 300, i => i);

        foreach (var span in new[] { TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromHours(7) })
        {
            var series = await QueryAsync(T0, T0 + span, points);

            Assert.True(series.Points.Count <= points, $"{series.Points.Count} points for {points} requested over {span} ({series.Source}).");
            Assert.Equal(series.Points.OrderBy(p => p.Timestamp).Select(p => p.Timestamp), series.Points.Select(p => p.Timestamp));
        }
    }

    [Fact]
    public async Task RangeBeyondRawRetention_UsesMinuteAggregates()
    {
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(1), 120, i => 3);
        _time.SetUtcNow(T0.AddDays(31));

        var series = await QueryAsync(T0, T0.AddMinutes(2), 1000);

        Assert.Equal(HistorySource.MinuteBuckets, series.Source);
        Assert.Equal([3.0, 3.0], series.Points.Select(p => p.Value));
    }

    [Fact]
    public async Task UnknownMetric_ReturnsOnlyGaps()
    {
        await WriteSeriesAsync(Pump, Metric, T0, TimeSpan.FromSeconds(1), 10, i => 1);

        var raw = await History.QueryAsync(Pump, "nope", T0, T0.AddMinutes(1), 100, CancellationToken.None);
        var buckets = await History.QueryAsync(Pump, "nope", T0, T0.AddHours(2), 10, CancellationToken.None);

        Assert.Empty(raw.Points);
        Assert.Equal(10, buckets.Points.Count);
        Assert.All(buckets.Points, p => Assert.Null(p.Value));
    }
}

public sealed class SqliteHistoryServiceTests : HistoryServiceTests
{
    protected override Task<StoreTarget> CreateTargetAsync() => StoreTarget.CreateSqliteAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresHistoryServiceTests(PostgresServer server) : HistoryServiceTests
{
    protected override Task<StoreTarget> CreateTargetAsync() => StoreTarget.CreatePostgresAsync(server, StoreTarget.UniqueDatabaseName("history"));
}
