using System.Text.Json;
using Bunit;
using Dashboard.Components.Charts;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Components;

public sealed class TrendChartTests : ComponentTestContext
{
    private static readonly AssetKey Pump = new("north", "pump-1");

    [Fact]
    public void ChangedMetrics_ReplaceSeries()
    {
        ApplyReading(Pump, T0, ("a", 1), ("b", 2), ("c", 3));
        var cut = Render<TrendChart>(parameters => parameters
            .Add(chart => chart.Asset, Pump)
            .Add(chart => chart.Metrics, ["a"]));

        cut.Render(parameters => parameters.Add(chart => chart.Metrics, ["b", "c"]));

        // The first replace is the backfill after create; the second follows the change of metrics.
        Assert.Equal(2, ChartModule.Invocations["replace"].Count);
        var replace = ChartModule.Invocations["replace"][1];
        Assert.Equal(ChartId, (int)replace.Arguments[0]!);
        var series = JsonSerializer.SerializeToElement(replace.Arguments[1]).EnumerateArray().ToList();
        Assert.Equal(["b", "c"], series.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(3, series[1].GetProperty("points")[0][1].GetDouble());
        Assert.Single(ChartModule.Invocations["create"]);
    }

    [Fact]
    public void SameMetrics_DoNotReplace()
    {
        ApplyReading(Pump, T0, ("a", 1));
        var cut = Render<TrendChart>(parameters => parameters
            .Add(chart => chart.Asset, Pump)
            .Add(chart => chart.Metrics, ["a"]));

        cut.Render(parameters => parameters.Add(chart => chart.Height, 200));

        // Only the backfill right after create replaces the series.
        Assert.Single(ChartModule.Invocations["replace"]);
    }

    [Fact]
    public void AfterReplace_AppendsOnlyNewPoints()
    {
        ApplyReading(Pump, T0, ("a", 1), ("b", 2));
        var cut = Render<TrendChart>(parameters => parameters
            .Add(chart => chart.Asset, Pump)
            .Add(chart => chart.Metrics, ["a"]));
        cut.Render(parameters => parameters.Add(chart => chart.Metrics, ["b"]));

        ApplyReading(Pump, T0.AddSeconds(1), ("a", 10), ("b", 20));

        cut.WaitForAssertion(() => Assert.Single(ChartModule.Invocations["append"]));
        var append = JsonSerializer.SerializeToElement(ChartModule.Invocations["append"][0].Arguments[1]);
        Assert.Equal(1, append.GetArrayLength());
        Assert.Equal(1, append[0].GetArrayLength());
        Assert.Equal(20, append[0][0][1].GetDouble());
    }
}
