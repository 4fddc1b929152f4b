using System.Text.Json;
using Bunit;
using Dashboard.Components.Shared;
using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using AssetPage = Dashboard.Components.Pages.Asset;

namespace Dashboard.Tests.Components;

/// <summary>
/// The Asset page's range picker with history from a real SQLite store in a temporary folder: picking a
/// range redraws the chart with that range's stored points.
/// </summary>
public sealed class AssetHistoryTests : ComponentTestContext
{
    private static readonly AssetKey Pump = new("north", "pump-1");

    [Fact]
    public async Task RangePicker_ReplacesChartWithRangeHistory()
    {
        await using var target = await StoreTarget.CreateSqliteAsync();
        await target.Store.MigrateAsync(CancellationToken.None);
        await target.Store.WriteAsync(
            new StorageBatch(
                [
                    new TelemetryReading(Pump, T0.AddHours(-5), [new MetricValue("T30", 5)]),
                    new TelemetryReading(Pump, T0.AddMinutes(-10), [new MetricValue("T30", 1)]),
                ],
                []),
            CancellationToken.None);
        Services.AddSingleton(target.Store);
        Services.AddSingleton(new HistoryService(target.Store, Options.Create(new StorageOptions()), Time));
        ApplyReading(Pump, T0, ("T30", 2));

        Services.GetRequiredService<NavigationManager>().NavigateTo(Display.AssetHref(Pump));
        var cut = Render<AssetPage>();
        cut.WaitForAssertion(() => Assert.Single(ChartModule.Invocations["replace"]));
        var initial = T30Points(0);

        cut.Find("[data-range='8h']").Click();

        cut.WaitForAssertion(() => Assert.Equal(2, ChartModule.Invocations["replace"].Count));
        var eightHours = T30Points(1);
        Assert.Equal([(T0.AddMinutes(-10), 1.0), (T0, 2.0)], initial);
        Assert.Equal([(T0.AddHours(-5), 5.0), (T0.AddMinutes(-10), 1.0), (T0, 2.0)], eightHours);
        Assert.Contains("range=8h", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
        Assert.Single(ChartModule.Invocations["create"]);
    }

    /// <summary>Returns the T30 points of one <c>replace</c> call as (time, value).</summary>
    private List<(DateTimeOffset, double)> T30Points(int call)
    {
        var series = JsonSerializer.SerializeToElement(ChartModule.Invocations["replace"][call].Arguments[1]).EnumerateArray();
        var t30 = series.Single(s => s.GetProperty("name").GetString() == "T30");
        return t30.GetProperty("points").EnumerateArray()
            .Select(point => (DateTimeOffset.FromUnixTimeMilliseconds(point[0].GetInt64()), point[1].GetDouble()))
            .ToList();
    }
}
