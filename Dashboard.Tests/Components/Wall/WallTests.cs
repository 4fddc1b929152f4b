using Bunit;
using Dashboard.Alerts;
using Dashboard.Components.Pages;
using Dashboard.Mqtt;

namespace Dashboard.Tests.Components.Wall;

public sealed class WallTests : WallTestContext
{
    private static readonly AssetKey NorthPump = new("north", "pump-1");
    private static readonly AssetKey NorthFan = new("north", "fan-2");
    private static readonly AssetKey SouthPump = new("south", "pump-9");

    public WallTests() => Stats.SetConnection(BrokerConnectionState.Connected, "127.0.0.1:1883");

    [Fact]
    public void Tile_ShowsValuesHealthRulAndTrends()
    {
        ApplyReading(NorthPump, T0.AddSeconds(-20), ("T30", 1588.2), ("P30", 554.1), ("other", 3));
        ApplyReading(NorthPump, T0, ("T30", 1589.71), ("P30", 554.361), ("other", 3));
        ApplyEstimate(NorthPump, 72.4, new RulEstimate(120.4, RulUnit.Cycles, 90, 150));

        var tile = Render<Dashboard.Components.Pages.Wall>().Find("[data-testid=wall-tile]");

        Assert.Equal("pump-1", tile.GetAttribute("data-asset"));
        Assert.Equal("false", tile.GetAttribute("data-stale"));
        Assert.Equal("0 s", tile.QuerySelector("[data-testid=tile-age]")!.TextContent.Trim());
        Assert.StartsWith("Health 72", tile.QuerySelector("[data-testid=tile-health]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("RUL 120 cycles", tile.QuerySelector("[data-testid=tile-rul]")!.TextContent.Trim());
        Assert.Equal(["T30", "P30"], tile.QuerySelectorAll("[data-metric]").Select(row => row.GetAttribute("data-metric")));
        Assert.Equal("1589.7", tile.QuerySelector("[data-metric=T30] [data-testid=metric-value]")!.TextContent);
        Assert.Equal("554.36", tile.QuerySelector("[data-metric=P30] [data-testid=metric-value]")!.TextContent);
        var sparkline = tile.QuerySelector("[data-metric=T30] [data-testid=sparkline]")!;
        Assert.Equal("2", sparkline.GetAttribute("data-values"));
        Assert.Single(sparkline.QuerySelectorAll("polyline"));
    }

    [Fact]
    public void Tile_WithoutEstimate_ShowsDashes()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));

        var tile = Render<Dashboard.Components.Pages.Wall>().Find("[data-testid=wall-tile]");

        Assert.StartsWith("Health —", tile.QuerySelector("[data-testid=tile-health]")!.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("RUL —", tile.QuerySelector("[data-testid=tile-rul]")!.TextContent.Trim());
    }

    [Fact]
    public void Tile_AfterStaleThreshold_TurnsStale()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Dashboard.Components.Pages.Wall>();

        Time.Advance(TimeSpan.FromSeconds(31));

        cut.WaitForAssertion(() =>
        {
            var tile = cut.Find("[data-testid=wall-tile]");
            Assert.Equal("true", tile.GetAttribute("data-stale"));
            Assert.Contains("tile-stale", tile.ClassName, StringComparison.Ordinal);
            Assert.Equal("STALE · 31 s", tile.QuerySelector("[data-testid=tile-age]")!.TextContent.Trim());
        });
    }

    [Fact]
    public void Tile_AtStaleThreshold_IsNotStale()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Dashboard.Components.Pages.Wall>();

        Time.Advance(TimeSpan.FromSeconds(30));

        cut.WaitForAssertion(() => Assert.Equal("30 s", cut.Find("[data-testid=tile-age]").TextContent.Trim()));
        Assert.Equal("false", cut.Find("[data-testid=wall-tile]").GetAttribute("data-stale"));
    }

    [Fact]
    public void Metric_NoLongerReported_IsMarkedStale()
    {
        ApplyReading(NorthPump, T0, ("T30", 1), ("P30", 2));
        Time.Advance(TimeSpan.FromSeconds(40));
        ApplyReading(NorthPump, T0.AddSeconds(40), ("T30", 1.5));

        var tile = Render<Dashboard.Components.Pages.Wall>().Find("[data-testid=wall-tile]");

        Assert.Equal("false", tile.GetAttribute("data-stale"));
        Assert.Equal("false", tile.QuerySelector("[data-metric=T30]")!.GetAttribute("data-stale"));
        Assert.Equal("true", tile.QuerySelector("[data-metric=P30]")!.GetAttribute("data-stale"));
    }

    [Fact]
    public void Sparkline_NullValue_IsGap()
    {
        for (var i = 0; i < 9; i++)
        {
            ApplyReading(NorthPump, T0.AddSeconds(-90 + (i * 10)), ("T30", i == 4 ? null : 1580 + i));
        }

        var sparkline = Render<Dashboard.Components.Pages.Wall>().Find("[data-metric=T30] [data-testid=sparkline]");

        Assert.Equal(2, sparkline.QuerySelectorAll("polyline").Length);
        Assert.Equal("8", sparkline.GetAttribute("data-values"));
    }

    [Fact]
    public void Rotation_StartsAtPageFromAddress()
    {
        ApplyFleet(10);
        NavigateTo("/wall?page=2");

        var cut = Render<Dashboard.Components.Pages.Wall>();

        Assert.Equal(["pump-04", "pump-05", "pump-06", "pump-07"], TileAssets(cut));
        Assert.Equal("2", cut.Find("[data-testid=wall-view]").GetAttribute("data-page"));
        Assert.Equal("Page 2 of 3", cut.Find("[data-testid=wall-page]").TextContent.Trim());
    }

    [Fact]
    public void Rotation_AdvancesEveryIntervalAndWraps()
    {
        ApplyFleet(10);
        NavigateTo("/wall?page=2");
        var cut = Render<Dashboard.Components.Pages.Wall>();

        Time.Advance(WallOptions.RotationInterval);
        cut.WaitForAssertion(() => Assert.Equal(["pump-08", "pump-09"], TileAssets(cut)));
        Assert.Equal("3", cut.Find("[data-testid=wall-view]").GetAttribute("data-page"));

        Time.Advance(WallOptions.RotationInterval);
        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=wall-view]").GetAttribute("data-page")));
        Assert.Equal(["pump-00", "pump-01", "pump-02", "pump-03"], TileAssets(cut));
    }

    [Fact]
    public void Rotation_PageBeyondEnd_WrapsAround()
    {
        ApplyFleet(10);
        NavigateTo("/wall?page=5");

        var cut = Render<Dashboard.Components.Pages.Wall>();

        Assert.Equal("2", cut.Find("[data-testid=wall-view]").GetAttribute("data-page"));
    }

    [Fact]
    public void Rotation_SinglePage_StaysPut()
    {
        ApplyFleet(3);
        var cut = Render<Dashboard.Components.Pages.Wall>();

        Time.Advance(WallOptions.RotationInterval * 2);

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=wall-view]").GetAttribute("data-page")));
        Assert.Equal(string.Empty, cut.Find("[data-testid=wall-page]").TextContent.Trim());
    }

    [Fact]
    public void Site_ShowsOnlyItsAssets()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        ApplyReading(NorthFan, T0, ("T30", 1));
        ApplyReading(SouthPump, T0, ("T30", 1));

        var cut = Render<Dashboard.Components.Pages.Wall>(parameters => parameters.Add(page => page.Site, "south"));

        Assert.Equal(["pump-9"], TileAssets(cut));
        Assert.Equal("Site south", cut.Find("[data-testid=wall-scope]").TextContent.Trim());
    }

    [Fact]
    public void Banner_ShowsOnlyUnacknowledgedCriticalAndHigh()
    {
        ApplyFleet(6);
        RaiseAlert(Fleet(0), AlertPriority.Critical, AlertState.ActiveUnacknowledged);
        RaiseAlert(Fleet(1), AlertPriority.High, AlertState.ReturnedUnacknowledged);
        RaiseAlert(Fleet(2), AlertPriority.Critical, AlertState.ActiveAcknowledged);
        RaiseAlert(Fleet(3), AlertPriority.Medium, AlertState.ActiveUnacknowledged);
        RaiseAlert(Fleet(4), AlertPriority.Low, AlertState.ActiveUnacknowledged);
        RaiseAlert(Fleet(5), AlertPriority.Critical, AlertState.Shelved);

        var cut = Render<Dashboard.Components.Pages.Wall>();

        var lines = cut.FindAll("[data-testid=banner-alert]");
        Assert.Equal(["pump-00", "pump-01"], lines.Select(line => line.GetAttribute("data-asset")));
        Assert.Equal(["Critical", "High"], lines.Select(line => line.GetAttribute("data-priority")));
        Assert.Contains("background:#C62828", lines[0].GetAttribute("style"), StringComparison.Ordinal);
        Assert.Contains("background:#EF6C00", lines[1].GetAttribute("style"), StringComparison.Ordinal);
        Assert.Equal(2, cut.Find("[data-testid=wall-view]").GetAttribute("data-annunciate")!.Split(' ').Length);
    }

    [Fact]
    public void Banner_WithoutUrgentAlerts_IsAbsent()
    {
        ApplyFleet(2);
        RaiseAlert(Fleet(0), AlertPriority.Medium, AlertState.ActiveUnacknowledged);
        RaiseAlert(Fleet(1), AlertPriority.High, AlertState.ActiveAcknowledged);

        var cut = Render<Dashboard.Components.Pages.Wall>();

        Assert.Empty(cut.FindAll("[data-testid=wall-banner]"));
        Assert.Equal(string.Empty, cut.Find("[data-testid=wall-view]").GetAttribute("data-annunciate"));
    }

    [Fact]
    public void Banner_AcknowledgedAlert_Disappears()
    {
        ApplyFleet(1);
        var alert = RaiseAlert(Fleet(0), AlertPriority.Critical, AlertState.ActiveUnacknowledged);
        var cut = Render<Dashboard.Components.Pages.Wall>();
        Assert.Single(cut.FindAll("[data-testid=banner-alert]"));

        ChangeAlert(alert, AlertState.ActiveAcknowledged);

        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=wall-banner]")));
        Assert.Equal("Acknowledged", cut.Find("[data-testid=tile-alert] .tile-alert-state").TextContent.Trim());
    }

    [Fact]
    public void Banner_ManyAlerts_ShowsCountOfTheRest()
    {
        ApplyFleet(5);
        for (var i = 0; i < 5; i++)
        {
            RaiseAlert(Fleet(i), AlertPriority.High, AlertState.ActiveUnacknowledged);
        }

        var cut = Render<Dashboard.Components.Pages.Wall>();

        Assert.Equal(3, cut.FindAll("[data-testid=banner-alert]").Count);
        Assert.Equal("+2 more unacknowledged", cut.Find("[data-testid=banner-more]").TextContent.Trim());
    }

    [Fact]
    public void Banner_SiteWall_ShowsOnlyItsSite()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        ApplyReading(SouthPump, T0, ("T30", 1));
        RaiseAlert(NorthPump, AlertPriority.Critical, AlertState.ActiveUnacknowledged);

        var cut = Render<Dashboard.Components.Pages.Wall>(parameters => parameters.Add(page => page.Site, "south"));

        Assert.Empty(cut.FindAll("[data-testid=wall-banner]"));
    }

    [Fact]
    public void Tile_WithAlert_ShowsPriorityAndColour()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        RaiseAlert(NorthPump, AlertPriority.Medium, AlertState.ActiveUnacknowledged);

        var tile = Render<Dashboard.Components.Pages.Wall>().Find("[data-testid=wall-tile]");

        Assert.Equal("Medium", tile.QuerySelector("[data-testid=tile-alert]")!.GetAttribute("data-priority"));
        Assert.Contains("border-color:#F9A825", tile.GetAttribute("style"), StringComparison.Ordinal);
    }

    [Fact]
    public void NoData_AfterThreshold_CoversWall()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Dashboard.Components.Pages.Wall>();
        Assert.Empty(cut.FindAll("[data-testid=wall-no-data]"));

        Time.Advance(WallOptions.NoDataAfter + TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Contains(
            "No reading has arrived for 2 min 01 s, since 12:00:00.",
            cut.Find("[data-testid=wall-no-data]").TextContent,
            StringComparison.Ordinal));
        Assert.Contains("The broker connection is up", cut.Find("[data-testid=wall-no-data]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void NoData_NeverAnyReading_CountsFromOpening()
    {
        var cut = Render<Dashboard.Components.Pages.Wall>();
        Assert.Empty(cut.FindAll("[data-testid=wall-no-data]"));

        Time.Advance(WallOptions.NoDataAfter + TimeSpan.FromSeconds(5));

        cut.WaitForAssertion(() => Assert.Contains(
            "No reading has arrived since this display opened 2 min 05 s ago.",
            cut.Find("[data-testid=wall-no-data]").TextContent,
            StringComparison.Ordinal));
    }

    [Fact]
    public void BrokerDisconnected_ShowsInStatus()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Dashboard.Components.Pages.Wall>();

        Stats.SetConnection(BrokerConnectionState.Disconnected, "127.0.0.1:1883", "connection refused");
        Time.Advance(TimeSpan.FromSeconds(5));

        cut.WaitForAssertion(() => Assert.Equal("Broker disconnected for 5 s", cut.Find("[data-testid=wall-heartbeat]").TextContent.Trim()));
        Assert.Contains("status-fault", cut.Find("[data-testid=wall-heartbeat]").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void Heartbeat_ShowsLastReading()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Dashboard.Components.Pages.Wall>();

        Time.Advance(TimeSpan.FromSeconds(3));

        cut.WaitForAssertion(() => Assert.Equal("Last reading 12:00:00 (3 s ago)", cut.Find("[data-testid=wall-heartbeat]").TextContent.Trim()));
        Assert.Equal(Time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), cut.Find("[data-testid=wall-view]").GetAttribute("data-heartbeat"));
    }

    [Fact]
    public void Revoked_HidesData()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));

        var cut = Render<Dashboard.Components.Pages.Wall>(parameters => parameters.AddCascadingValue(Dashboard.Components.Pages.Wall.DisplayRevokedName, true));

        Assert.NotNull(cut.Find("[data-testid=wall-revoked]"));
        Assert.Empty(cut.FindAll("[data-testid=wall-tile]"));
        Assert.Equal("true", cut.Find("[data-testid=wall-view]").GetAttribute("data-revoked"));
    }

    [Fact]
    public async Task Dispose_Unsubscribes()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Dashboard.Components.Pages.Wall>();
        Assert.True(Live.SubscriberCount > 0);
        Assert.True(Board.SubscriberCount > 0);
        Assert.Equal(1, WallCounters.OpenDisplays);

        await DisposeComponentsAsync();

        Assert.Equal(0, Live.SubscriberCount);
        Assert.Equal(0, Board.SubscriberCount);
        Assert.Equal(0, WallCounters.OpenDisplays);
    }

    [Fact]
    public void LiveUpdates_StayWithinRenderCap()
    {
        ApplyReading(NorthPump, T0, ("T30", 0));
        var cut = Render<Dashboard.Components.Pages.Wall>();
        var counter = WallCounters.Displays().Single();
        var before = counter.Renders;

        // 1,000 readings within one second of fake time, in steps of 10 ms.
        for (var i = 1; i <= 1000; i++)
        {
            ApplyReading(NorthPump, T0.AddMilliseconds(i), ("T30", i));
            if (i % 10 == 0)
            {
                Time.Advance(TimeSpan.FromMilliseconds(10));
            }
        }

        cut.WaitForAssertion(() => Assert.Equal("1000", cut.Find("[data-testid=metric-value]").TextContent));
        var renders = counter.Renders - before;
        Assert.InRange(renders, 1, LiveOptions.MaxRendersPerSecond + 1);
    }

    private void ApplyFleet(int count)
    {
        for (var i = 0; i < count; i++)
        {
            ApplyReading(Fleet(i), T0, ("T30", 1580 + i));
        }
    }

    private static AssetKey Fleet(int index) => new("north", $"pump-{index:00}");

    private static List<string?> TileAssets(IRenderedComponent<Dashboard.Components.Pages.Wall> cut) =>
        cut.FindAll("[data-testid=wall-tile]").Select(tile => tile.GetAttribute("data-asset")).ToList();
}
