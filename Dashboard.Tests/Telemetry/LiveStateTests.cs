using Dashboard.Telemetry;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Tests.Telemetry;

public sealed class LiveStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AssetKey Pump = new("site-1", "pump-1");
    private static readonly AssetKey Fan = new("site-1", "fan-1");

    private readonly FakeTimeProvider _time = new(T0);
    private readonly LiveState _live;

    public LiveStateTests() => _live = new LiveState(Options.Create(new LiveOptions { WindowPoints = 5 }), _time);

    [Fact]
    public void Apply_Reading_UpdatesLatestAndTimes()
    {
        _live.Apply(Reading(Pump, T0.AddSeconds(-2), ("a", 1), ("b", null)), T0);

        var snapshot = Assert.IsType<AssetSnapshot>(_live.Snapshot(Pump));
        Assert.Equal(new LatestValue(T0.AddSeconds(-2), 1), snapshot.Latest["a"]);
        Assert.Equal(new LatestValue(T0.AddSeconds(-2), null), snapshot.Latest["b"]);
        Assert.Equal(T0.AddSeconds(-2), snapshot.LastReadingAt);
        Assert.Equal(T0, snapshot.LastReceivedAt);
        Assert.Equal(T0, _live.LastReceivedAt);
        Assert.Equal(1, _live.AssetCount);
    }

    [Fact]
    public void Apply_OlderReading_DoesNotReplaceLatest()
    {
        _live.Apply(Reading(Pump, T0, ("a", 2)));
        _live.Apply(Reading(Pump, T0.AddSeconds(-10), ("a", 1), ("b", 5)));

        var snapshot = _live.Snapshot(Pump)!;
        Assert.Equal(new LatestValue(T0, 2), snapshot.Latest["a"]);
        Assert.Equal(new LatestValue(T0.AddSeconds(-10), 5), snapshot.Latest["b"]);
        Assert.Equal(T0, snapshot.LastReadingAt);
        Assert.Equal([new TrendPoint(T0.AddSeconds(-10), 1), new TrendPoint(T0, 2)], _live.Window(Pump, "a"));
    }

    [Fact]
    public void Apply_SameTimestamp_ReplacesLatest()
    {
        _live.Apply(Reading(Pump, T0, ("a", 1)));
        _live.Apply(Reading(Pump, T0, ("a", 3)));

        Assert.Equal(3, _live.Snapshot(Pump)!.Latest["a"].Value);
        Assert.Single(_live.Window(Pump, "a"));
    }

    [Fact]
    public void Apply_Estimate_KeepsNewestPerModel()
    {
        _live.Apply(Estimate(Pump, T0, 80, "m1"));
        _live.Apply(Estimate(Pump, T0.AddSeconds(-5), 10, "m1"));
        _live.Apply(Estimate(Pump, T0.AddSeconds(-1), 60, "m2"));

        var snapshot = _live.Snapshot(Pump)!;
        Assert.Equal(80, snapshot.EstimatesByModel["m1"].Health);
        Assert.Equal(60, snapshot.EstimatesByModel["m2"].Health);
        Assert.Equal("m1", snapshot.NewestEstimate!.Model);
        Assert.Null(snapshot.LastReadingAt);
    }

    [Fact]
    public void Snapshot_UnknownAsset_ReturnsNull()
    {
        Assert.Null(_live.Snapshot(Pump));
        Assert.Empty(_live.Window(Pump, "a"));
        Assert.Null(_live.LastReceivedAt);
    }

    [Fact]
    public void Snapshot_All_IsOrderedBySiteThenAsset()
    {
        _live.Apply(Reading(new AssetKey("b", "x"), T0, ("a", 1)));
        _live.Apply(Reading(new AssetKey("a", "z"), T0, ("a", 1)));
        _live.Apply(Reading(new AssetKey("a", "y"), T0, ("a", 1)));

        Assert.Equal([new AssetKey("a", "y"), new AssetKey("a", "z"), new AssetKey("b", "x")], _live.Snapshot().Select(s => s.Key));
    }

    [Fact]
    public void Snapshot_Unchanged_IsReusedAndVersionGrows()
    {
        _live.Apply(Reading(Pump, T0, ("a", 1)));
        var first = _live.Snapshot(Pump)!;

        Assert.Same(first, _live.Snapshot(Pump));
        _live.Apply(Reading(Pump, T0.AddSeconds(1), ("a", 2)));
        var second = _live.Snapshot(Pump)!;
        Assert.NotSame(first, second);
        Assert.True(second.Version > first.Version);
        Assert.Equal(1, first.Latest["a"].Value);
    }

    [Fact]
    public void Window_IsBoundedByWindowPoints()
    {
        for (var i = 0; i < 20; i++)
        {
            _live.Apply(Reading(Pump, T0.AddSeconds(i), ("a", i)));
        }

        var window = _live.Window(Pump, "a");
        Assert.Equal(5, window.Length);
        Assert.Equal([15.0, 16, 17, 18, 19], window.Select(point => point.Value!.Value));
        Assert.Equal([18.0, 19], _live.Window(Pump, "a", T0.AddSeconds(17)).Select(point => point.Value!.Value));
    }

    [Fact]
    public void Subscribe_Asset_IsCalledOnlyForThatAsset()
    {
        var pumpChanges = new List<AssetKey>();
        var allChanges = new List<AssetKey>();
        using var pump = _live.Subscribe(Pump, pumpChanges.Add);
        using var all = _live.Subscribe(null, allChanges.Add);

        _live.Apply(Reading(Pump, T0, ("a", 1)));
        _live.Apply(Reading(Fan, T0, ("a", 1)));
        _live.Apply(Estimate(Pump, T0, 50, "m"));

        Assert.Equal([Pump, Pump], pumpChanges);
        Assert.Equal([Pump, Fan, Pump], allChanges);
    }

    [Fact]
    public void Subscribe_IgnoredEstimate_DoesNotNotify()
    {
        _live.Apply(Estimate(Pump, T0, 50, "m"));
        var changes = 0;
        using var subscription = _live.Subscribe(Pump, _ => changes++);

        _live.Apply(Estimate(Pump, T0.AddSeconds(-1), 40, "m"));

        Assert.Equal(0, changes);
    }

    [Fact]
    public void Dispose_Subscription_StopsCallsAndCount()
    {
        var changes = 0;
        var pump = _live.Subscribe(Pump, _ => changes++);
        var all = _live.Subscribe(null, _ => changes++);
        var other = _live.Subscribe(Fan, _ => changes++);
        Assert.Equal(3, _live.SubscriberCount);

        pump.Dispose();
        all.Dispose();
        other.Dispose();
        other.Dispose();
        _live.Apply(Reading(Pump, T0, ("a", 1)));

        Assert.Equal(0, changes);
        Assert.Equal(0, _live.SubscriberCount);
    }

    [Fact]
    public void Subscribe_SameCallbackTwice_CountsTwiceAndDisposesOnce()
    {
        var changes = 0;
        void OnChanged(AssetKey key) => changes++;
        var first = _live.Subscribe(null, OnChanged);
        using var second = _live.Subscribe(null, OnChanged);

        first.Dispose();
        _live.Apply(Reading(Pump, T0, ("a", 1)));

        Assert.Equal(1, changes);
        Assert.Equal(1, _live.SubscriberCount);
    }

    [Fact]
    public async Task Apply_ConcurrentWithSubscribe_LosesNoReading()
    {
        var notified = 0;
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                _live.Apply(Reading(new AssetKey("s", $"a{w}"), T0.AddSeconds(i), ("v", i)));
            }
        }));
        var subscribers = Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                using var subscription = _live.Subscribe(null, _ => Interlocked.Increment(ref notified));
            }
        });

        await Task.WhenAll(writers.Append(subscribers));

        Assert.Equal(4, _live.AssetCount);
        Assert.All(_live.Snapshot(), snapshot => Assert.Equal(499, snapshot.Latest["v"].Value));
        Assert.Equal(0, _live.SubscriberCount);
    }

    private static TelemetryReading Reading(AssetKey asset, DateTimeOffset timestamp, params (string Metric, double? Value)[] values) =>
        new(asset, timestamp, values.Select(value => new MetricValue(value.Metric, value.Value)).ToArray());

    private static HealthEstimate Estimate(AssetKey asset, DateTimeOffset timestamp, double health, string model) =>
        new(asset, timestamp, health, null, model);
}
