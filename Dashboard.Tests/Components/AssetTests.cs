using System.Text.Json;
using Bunit;
using Dashboard.Components.Charts;
using Dashboard.Components.Shared;
using Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using AssetPage = Dashboard.Components.Pages.Asset;

namespace Dashboard.Tests.Components;

public sealed class AssetTests : ComponentTestContext
{
    private static readonly AssetKey Pump = new("north", "pump-1");

    [Fact]
    public void KnownAsset_ShowsTitleAndLatestValues()
    {
        ApplyReading(Pump, T0.AddSeconds(-3), ("T30", 1589.5), ("P30", null), ("a", 0.12345));

        var cut = RenderAsset(Pump);

        Assert.Equal("pump-1", cut.Find("[data-testid=asset-title]").TextContent.Trim());
        var table = cut.Find("[data-testid=latest-table]");
        Assert.Equal(["P30", "T30", "a"], table.QuerySelectorAll("td[data-metric]").Select(cell => cell.GetAttribute("data-metric")));
        Assert.Equal("1589.5", table.QuerySelector("td[data-metric=T30]")!.TextContent.Trim());
        Assert.Equal("—", table.QuerySelector("td[data-metric=P30]")!.TextContent.Trim());
        Assert.Equal("0.1235", table.QuerySelector("td[data-metric=a]")!.TextContent.Trim());
        Assert.Contains("2026-03-01 11:59:57Z", table.TextContent, StringComparison.Ordinal);
        Assert.Contains("Last reading 0 s ago, at 2026-03-01 11:59:57Z", cut.Find("[data-testid=age]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Estimates_ShowSelectedModel()
    {
        ApplyReading(Pump, T0, ("T30", 1));
        ApplyEstimate(Pump, 35, new RulEstimate(12, RulUnit.Days, null, null), "model-a");

        var cut = RenderAsset(Pump);

        Assert.Equal("model model-a", cut.Find("[data-testid=model]").TextContent.Trim());
        Assert.Contains("RUL 12 days", cut.Find("[data-testid=rul]").TextContent, StringComparison.Ordinal);
        Assert.Contains("model-a (shown)", cut.Find("[data-testid=estimates-table]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownAsset_ShowsMessage()
    {
        var cut = RenderAsset(new AssetKey("north", "ghost"));

        var message = cut.Find("[data-testid=unknown-asset]").TextContent;
        Assert.Contains("Asset ghost at site north has not published", message, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=trend-chart]"));
        Assert.Empty(ChartModule.Invocations);
    }

    [Fact]
    public void UnknownAsset_AppearsWhenItPublishes()
    {
        var cut = RenderAsset(Pump);

        ApplyReading(Pump, T0, ("T30", 4));

        cut.WaitForAssertion(() => Assert.Equal("4", cut.Find("td[data-metric=T30]").TextContent.Trim()));
    }

    [Fact]
    public void MissingQuery_ShowsHint()
    {
        var cut = Render<AssetPage>();

        Assert.Contains("?site=…&id=…", cut.Find(".mud-alert").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=unknown-asset]"));
        Assert.Empty(cut.FindAll("[data-testid=trend-chart]"));
    }

    [Fact]
    public void Chart_IsCreatedWithDefaultMetrics()
    {
        ApplyReading(Pump, T0.AddSeconds(-1), ("T30", 1), ("P30", 2), ("Nc", 3));
        ApplyReading(Pump, T0, ("T30", 1.5), ("P30", 2.5), ("Nc", 3.5));

        var cut = RenderAsset(Pump);

        var create = Assert.Single(ChartModule.Invocations["create"]);
        var config = JsonSerializer.SerializeToElement(create.Arguments[1]);
        var created = config.GetProperty("series").EnumerateArray().ToList();
        Assert.Equal(["T30", "P30"], created.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal((TrendChart.HistoryPoints * 2) + 600, config.GetProperty("maxPoints").GetInt32());
        Assert.Equal(250, config.GetProperty("minIntervalMs").GetDouble());

        // The backfill right after create draws the live window (no store in this test).
        var backfill = Assert.Single(ChartModule.Invocations["replace"]);
        var series = JsonSerializer.SerializeToElement(backfill.Arguments[1]).EnumerateArray().ToList();
        Assert.Equal(["T30", "P30"], series.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(2, series[0].GetProperty("points").GetArrayLength());
        Assert.Equal(T0.ToUnixTimeMilliseconds(), series[0].GetProperty("points")[1][0].GetInt64());
        Assert.Equal(1.5, series[0].GetProperty("points")[1][1].GetDouble());
        Assert.Single(cut.FindAll("[data-testid=trend-chart]"));
    }

    [Fact]
    public void Chart_NewReadings_AreAppendedOnly()
    {
        ApplyReading(Pump, T0, ("T30", 1), ("P30", 2));
        var cut = RenderAsset(Pump);
        cut.WaitForAssertion(() => Assert.Single(ChartModule.Invocations["create"]));

        ApplyReading(Pump, T0.AddSeconds(1), ("T30", 10), ("P30", null));
        Time.Advance(LiveOptions.RenderInterval);
        ApplyReading(Pump, T0.AddSeconds(2), ("T30", 20));
        Time.Advance(LiveOptions.RenderInterval);

        cut.WaitForAssertion(() => Assert.Equal(2, ChartModule.Invocations["append"].Count));
        var appends = ChartModule.Invocations["append"].Select(invocation => JsonSerializer.SerializeToElement(invocation.Arguments[1])).ToList();
        Assert.Equal(ChartId, (int)ChartModule.Invocations["append"][0].Arguments[0]!);

        // First append: one new point per series, the null kept as a gap; second: only T30 has a new point.
        Assert.Equal(10, appends[0][0][0][1].GetDouble());
        Assert.Equal(JsonValueKind.Null, appends[0][1][0][1].ValueKind);
        Assert.Equal(1, appends[1][0].GetArrayLength());
        Assert.Equal(0, appends[1][1].GetArrayLength());
        Assert.Single(ChartModule.Invocations["create"]);
    }

    [Fact]
    public void Chart_NoNewPoints_SendsNothing()
    {
        ApplyReading(Pump, T0, ("T30", 1));
        var cut = RenderAsset(Pump);

        ApplyEstimate(Pump, 50, null);
        Time.Advance(LiveOptions.RenderInterval);

        cut.WaitForAssertion(() => Assert.Contains("Health 50", cut.Find("[data-testid=health]").TextContent, StringComparison.Ordinal));
        Assert.Empty(ChartModule.Invocations["append"]);
    }

    [Fact]
    public void HtmlInIds_IsRenderedAsText()
    {
        var hostile = new AssetKey("<b>north</b>", "<img src=x onerror=alert(1)>");
        ApplyReading(hostile, T0, ("<script>alert(2)</script>", 1));

        var cut = RenderAsset(hostile);

        Assert.Equal("<img src=x onerror=alert(1)>", cut.Find("[data-testid=asset-title]").TextContent.Trim());
        Assert.Empty(cut.FindAll("img"));
        Assert.Empty(cut.FindAll("b"));
        Assert.Empty(cut.FindAll("script"));
        Assert.Contains("<script>alert(2)</script>", cut.Find("[data-testid=latest-table]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_UnsubscribesAndDisposesChart()
    {
        ApplyReading(Pump, T0, ("T30", 1));
        RenderAsset(Pump);
        Assert.Equal(2, Live.SubscriberCount);

        await DisposeComponentsAsync();

        Assert.Equal(0, Live.SubscriberCount);
        var dispose = Assert.Single(ChartModule.Invocations["dispose"]);
        Assert.Equal(ChartId, (int)dispose.Arguments[0]!);
    }

    /// <summary>Navigates to the asset's link, as the Overview card does, and renders the page.</summary>
    private IRenderedComponent<AssetPage> RenderAsset(AssetKey asset)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo(Display.AssetHref(asset));
        return Render<AssetPage>();
    }
}
