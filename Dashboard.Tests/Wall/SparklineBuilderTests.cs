using Dashboard.Telemetry;
using Dashboard.Wall;

namespace Dashboard.Tests.Wall;

public sealed class SparklineBuilderTests
{
    private static readonly DateTimeOffset From = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = From.AddMinutes(10);

    [Fact]
    public void NoValues_IsEmpty()
    {
        var sparkline = SparklineBuilder.Build([new TrendPoint(From.AddMinutes(1), null)], From, To, 100);

        Assert.Same(Sparkline.Empty, sparkline);
    }

    [Fact]
    public void EvenReadings_DrawOneSegment()
    {
        var points = Series(60, TimeSpan.FromSeconds(10), i => i);

        var sparkline = SparklineBuilder.Build(points, From, To, 100);

        Assert.Single(sparkline.Segments);
        Assert.Equal(60, sparkline.ValueCount);
        Assert.Equal(0, sparkline.Min);
        Assert.Equal(59, sparkline.Max);
        Assert.Equal(points[0].Timestamp, sparkline.First);
        Assert.Equal(points[^1].Timestamp, sparkline.Last);
    }

    [Fact]
    public void NullValue_BreaksLine()
    {
        var points = Series(10, TimeSpan.FromSeconds(10), i => i == 4 ? null : i);

        var sparkline = SparklineBuilder.Build(points, From, To, 100);

        Assert.Equal(2, sparkline.Segments.Count);
        Assert.Equal(9, sparkline.ValueCount);
    }

    [Fact]
    public void LongSilence_BreaksLine()
    {
        // Readings every 10 s, then nothing for 2 minutes (more than three times the median spacing).
        var before = Series(10, TimeSpan.FromSeconds(10), i => i);
        var after = Series(10, TimeSpan.FromSeconds(10), i => i, start: From.AddMinutes(3.5));

        var sparkline = SparklineBuilder.Build([.. before, .. after], From, To, 100);

        Assert.Equal(2, sparkline.Segments.Count);
    }

    [Fact]
    public void ShortPause_DoesNotBreakLine()
    {
        var before = Series(10, TimeSpan.FromSeconds(10), i => i);
        var after = Series(10, TimeSpan.FromSeconds(10), i => i, start: before[^1].Timestamp.AddSeconds(25));

        var sparkline = SparklineBuilder.Build([.. before, .. after], From, To, 100);

        Assert.Single(sparkline.Segments);
    }

    [Fact]
    public void ManyReadings_AreReducedButKeepSpike()
    {
        var points = Series(6000, TimeSpan.FromMilliseconds(100), i => i == 3000 ? 1000 : 1);

        var sparkline = SparklineBuilder.Build(points, From, To, 120);

        var vertices = sparkline.Segments.Sum(segment => segment.Split(' ').Length);
        Assert.InRange(vertices, 2, 120);
        Assert.Equal(1000, sparkline.Max);
        Assert.Contains(sparkline.Segments.SelectMany(segment => segment.Split(' ')), vertex => vertex.EndsWith(",6", StringComparison.Ordinal));
    }

    [Fact]
    public void SingleReading_IsDrawnAsDot()
    {
        var sparkline = SparklineBuilder.Build([new TrendPoint(From.AddMinutes(5), 42)], From, To, 100);

        var segment = Assert.Single(sparkline.Segments);
        var vertices = segment.Split(' ');
        Assert.Equal(2, vertices.Length);
        Assert.Equal(vertices[0], vertices[1]);
    }

    [Fact]
    public void PointsOutsideWindow_AreLeftOut()
    {
        TrendPoint[] points = [new(From.AddMinutes(-1), 100), new(From.AddMinutes(1), 1), new(From.AddMinutes(2), 2), new(To.AddSeconds(1), 200)];

        var sparkline = SparklineBuilder.Build(points, From, To, 100);

        Assert.Equal(2, sparkline.ValueCount);
        Assert.Equal(2, sparkline.Max);
    }

    [Fact]
    public void Coordinates_FollowTimeAndValue()
    {
        TrendPoint[] points = [new(From, 10), new(To, 20)];

        var sparkline = SparklineBuilder.Build(points, From, To, 100);

        // The oldest point sits bottom left and the newest top right, inside the vertical margin.
        Assert.Equal("0,94 1000,6", Assert.Single(sparkline.Segments));
    }

    private static List<TrendPoint> Series(int count, TimeSpan spacing, Func<int, double?> value, DateTimeOffset? start = null) =>
        Enumerable.Range(0, count).Select(i => new TrendPoint((start ?? From.AddSeconds(1)) + (spacing * i), value(i))).ToList();
}
