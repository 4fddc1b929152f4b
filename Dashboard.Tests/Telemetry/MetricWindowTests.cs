using Dashboard.Telemetry;

namespace Dashboard.Tests.Telemetry;

public sealed class MetricWindowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Add_InOrder_KeepsAllUpToCapacity()
    {
        var window = new MetricWindow(3);

        Add(window, 0, 1, 2);

        Assert.Equal(3, window.Count);
        Assert.Equal(Seconds(0, 1, 2), Times(window));
        Assert.Equal(At(2), window.Latest.Timestamp);
    }

    [Fact]
    public void Add_BeyondCapacity_DropsOldest()
    {
        var window = new MetricWindow(3);

        Add(window, 0, 1, 2, 3, 4);

        Assert.Equal(3, window.Count);
        Assert.Equal(Seconds(2, 3, 4), Times(window));
    }

    [Fact]
    public void Add_OutOfOrderInsideWindow_IsSorted()
    {
        var window = new MetricWindow(5);

        Add(window, 0, 2, 4, 1, 3);

        Assert.Equal(Seconds(0, 1, 2, 3, 4), Times(window));
    }

    [Fact]
    public void Add_OutOfOrderIntoFullWindow_DropsOldest()
    {
        var window = new MetricWindow(3);
        Add(window, 10, 20, 30);

        Add(window, 25);

        Assert.Equal(Seconds(20, 25, 30), Times(window));
        Assert.Equal(At(30), window.Latest.Timestamp);
    }

    [Fact]
    public void Add_OutOfOrderAfterWrapAround_IsSorted()
    {
        var window = new MetricWindow(4);
        Add(window, 1, 2, 3, 4, 5, 6);

        Add(window, 4.5);
        Add(window, 5.5);

        Assert.Equal(Seconds(4, 4.5, 5, 5.5, 6).Skip(1), Times(window));
    }

    [Fact]
    public void Add_OlderThanFullWindow_IsDropped()
    {
        var window = new MetricWindow(3);
        Add(window, 10, 20, 30);

        Add(window, 5);

        Assert.Equal(Seconds(10, 20, 30), Times(window));
    }

    [Fact]
    public void Add_OlderIntoWindowWithRoom_IsKeptFirst()
    {
        var window = new MetricWindow(4);
        Add(window, 10, 20, 30);

        Add(window, 5);

        Assert.Equal(Seconds(5, 10, 20, 30), Times(window));
    }

    [Fact]
    public void Add_DuplicateTimestamp_ReplacesValue()
    {
        var window = new MetricWindow(3);
        window.Add(new TrendPoint(At(1), 1));
        window.Add(new TrendPoint(At(2), 2));
        window.Add(new TrendPoint(At(3), 3));

        window.Add(new TrendPoint(At(2), 20));
        window.Add(new TrendPoint(At(3), null));

        Assert.Equal(3, window.Count);
        Assert.Equal([new(At(1), 1), new(At(2), 20), new(At(3), null)], window.CopyAfter(null));
    }

    [Fact]
    public void CopyAfter_ReturnsStrictlyNewerPoints()
    {
        var window = new MetricWindow(10);
        Add(window, 1, 2, 3, 4);

        Assert.Equal(Seconds(3, 4), Times(window.CopyAfter(At(2))));
        Assert.Equal(Seconds(3, 4), Times(window.CopyAfter(At(2.5))));
        Assert.Equal(Seconds(1, 2, 3, 4), Times(window.CopyAfter(At(0))));
        Assert.Empty(window.CopyAfter(At(4)));
        Assert.Empty(window.CopyAfter(At(9)));
    }

    [Fact]
    public void CopyAfter_EmptyWindow_ReturnsEmpty()
    {
        Assert.Empty(new MetricWindow(3).CopyAfter(null));
        Assert.Empty(new MetricWindow(3).CopyAfter(At(1)));
    }

    [Fact]
    public void Add_RandomOrder_MatchesSortedNewest()
    {
        var random = new Random(1234);
        var window = new MetricWindow(50);
        var seconds = Enumerable.Range(0, 500).Select(i => (double)i).OrderBy(_ => random.Next()).ToList();
        var kept = new List<double>();

        foreach (var second in seconds)
        {
            window.Add(new TrendPoint(At(second), second));

            // Reference model: a point enters unless the window is full of newer points; the oldest leaves.
            if (kept.Count < 50 || second > kept[0])
            {
                kept.Add(second);
                kept.Sort();
                if (kept.Count > 50)
                {
                    kept.RemoveAt(0);
                }
            }
        }

        Assert.Equal(kept.Select(At), Times(window));
    }

    private static DateTimeOffset At(double seconds) => T0.AddSeconds(seconds);

    private static IEnumerable<DateTimeOffset> Seconds(params double[] seconds) => seconds.Select(At);

    private static void Add(MetricWindow window, params double[] seconds)
    {
        foreach (var second in seconds)
        {
            window.Add(new TrendPoint(At(second), second));
        }
    }

    private static IEnumerable<DateTimeOffset> Times(MetricWindow window) => Times(window.CopyAfter(null));

    private static IEnumerable<DateTimeOffset> Times(TrendPoint[] points) => points.Select(point => point.Timestamp);
}
