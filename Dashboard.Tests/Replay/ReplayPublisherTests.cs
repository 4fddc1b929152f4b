using Dashboard.Cmapss;
using Dashboard.Replay;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Replay;

public sealed class ReplayPublisherTests
{
    [Theory]
    [InlineData(1, "turbofan-001")]
    [InlineData(42, "turbofan-042")]
    [InlineData(100, "turbofan-100")]
    public void AssetId_IsZeroPadded(int unit, string expected)
    {
        Assert.Equal(expected, ReplayPublisher.AssetId(unit));
    }

    [Fact]
    public void StartIndex_SpreadsUnitsOverTheirLife()
    {
        var starts = Enumerable.Range(0, 100).Select(unit => ReplayPublisher.StartIndex(unit, 200)).ToList();

        Assert.All(starts, start => Assert.InRange(start, 0, 199));

        // Golden-ratio steps put every tenth of the life in use, with no pile-up at the start.
        Assert.Equal(10, starts.Select(start => start / 20).Distinct().Count());
        Assert.InRange(starts.Count(start => start < 20), 5, 15);
    }

    [Fact]
    public void Values_CarryCycleSensorsAndTrueRul()
    {
        var cycles = Enumerable.Range(1, 5)
            .Select(cycle => new CmapssCycle(cycle, [0.1 * cycle, 0.2, 100], Enumerable.Range(0, CmapssReader.SensorCount).Select(i => (double)i + cycle).ToArray()))
            .ToList();
        var unit = new CmapssUnit(3, cycles);

        var values = ReplayPublisher.Values(unit, 1);

        Assert.Equal(2 + CmapssReader.SettingCount + CmapssReader.SensorCount, values.Length);
        Assert.Equal(new MetricValue(WellKnownMetrics.Cycle, 2), values[0]);
        Assert.Equal(new MetricValue("setting1", 0.2), values[1]);
        Assert.Equal(new MetricValue(CmapssReader.SensorNames[0], 2), values[1 + CmapssReader.SettingCount]);
        Assert.Equal(new MetricValue(WellKnownMetrics.TrueRul, 3), values[^1]);
        Assert.Equal(values.Length, values.Select(value => value.Metric).Distinct().Count());
    }

    [Fact]
    public async Task EnabledReplay_PublishesDemoUnits()
    {
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Replay = true,
            Settings = new Dictionary<string, string?>
            {
                ["Replay:Units"] = "3",
                ["Replay:Interval"] = "00:00:00.200",
            },
        });

        await Poll.UntilPassesAsync(async () =>
        {
            for (var unit = 1; unit <= 3; unit++)
            {
                var detail = await host.Http.GetAssetAsync(new AssetKey("demo", ReplayPublisher.AssetId(unit)));
                Assert.NotNull(detail);
                Assert.True(detail.Values.ContainsKey(WellKnownMetrics.TrueRul));
                Assert.Equal(26, detail.Values.Count);
            }
        });
        Assert.Null(await host.Http.GetAssetAsync(new AssetKey("demo", ReplayPublisher.AssetId(4))));
    }
}
