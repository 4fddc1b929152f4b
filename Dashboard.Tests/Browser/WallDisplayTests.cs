using System.Diagnostics;
using System.Globalization;
using Dashboard.Alerts;
using Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.Tests.Browser;

/// <summary>
/// The wall display in headless Chromium over a live circuit. Values arrive within the required 2 s, tiles
/// turn stale, and alerts show in the banner and sound. The page recovers by itself from a lost connection
/// and from an app that was killed and started again. The screenshots land in docs/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WallDisplayTests(BrowserFixture browser)
{
    private const int ScreenWidth = 1920;
    private const int ScreenHeight = 1080;
    private static readonly TimeSpan ValueDeadline = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RecoveryDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PublishedValue_AppearsWithinTwoSeconds()
    {
        await using var host = await DashboardHost.StartAsync();
        var fleet = await PublishFleetAsync(host.Publisher, "plant-a");
        await using var page = await browser.OpenAsync(new Uri(host.BaseAddress, "wall/plant-a"), ScreenWidth, ScreenHeight);
        var pump = fleet[0];
        await Tile(page.Page, pump).WaitForAsync();

        var stopwatch = Stopwatch.StartNew();
        await host.Publisher.PublishTelemetryAsync(pump, DateTimeOffset.UtcNow, new MetricValue("T30", 1593.5));
        await MetricValue(page.Page, pump, "T30").Filter(new LocatorFilterOptions { HasTextString = "1593.5" }).WaitForAsync(new LocatorWaitForOptions
        {
            Timeout = (float)ValueDeadline.TotalMilliseconds,
        });
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < ValueDeadline, $"The value appeared after {stopwatch.Elapsed.TotalMilliseconds:F0} ms.");
        Assert.Equal(fleet.Count, await page.Page.Locator("[data-testid=wall-tile]").CountAsync());
        Assert.Equal("1", await page.Page.Locator("[data-testid=sparkline]").First.GetAttributeAsync("data-segments"));
        await Poll.UntilPassesAsync(() => Assert.Contains("page=1", page.Page.Url, StringComparison.Ordinal));
        Assert.True(await page.Page.Locator("[data-testid=wall-connection]").IsHiddenAsync());
        await BrowserFixture.SaveScreenshotAsync(page.Page, "wall-normal.png");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task SilentAsset_TurnsStale()
    {
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?> { ["Live:StaleAfter"] = "00:00:03" },
        });
        var fleet = await PublishFleetAsync(host.Publisher, "plant-b");
        var silent = fleet[1];
        await using var page = await browser.OpenAsync(new Uri(host.BaseAddress, "wall/plant-b"), ScreenWidth, ScreenHeight);
        using var publishing = new CancellationTokenSource();
        var others = fleet.Where(asset => asset != silent).ToList();
        var publisher = KeepPublishingAsync(host.Publisher, others, publishing.Token);

        await Poll.UntilPassesAsync(async () => Assert.Equal("true", await Tile(page.Page, silent).GetAttributeAsync("data-stale")));

        Assert.StartsWith("STALE", await Tile(page.Page, silent).Locator("[data-testid=tile-age]").InnerTextAsync(), StringComparison.Ordinal);
        foreach (var asset in others)
        {
            Assert.Equal("false", await Tile(page.Page, asset).GetAttributeAsync("data-stale"));
        }

        await BrowserFixture.SaveScreenshotAsync(page.Page, "wall-stale.png");
        await publishing.CancelAsync();
        await publisher;
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task CriticalAlert_ShowsBannerUntilAcknowledged()
    {
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["Wall:Sound:Enabled"] = "true",
                ["Wall:Sound:RepeatInterval"] = "00:00:02",
            },
        });
        var fleet = await PublishFleetAsync(host.Publisher, "plant-c");
        var hot = fleet[2];
        await host.Get<AlertService>().SaveRuleAsync(
            new AlertRule(0, "T30 very high", RuleKind.High, "plant-c", "*", "T30", 1650, 5, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero,
                AlertPriority.Critical, "T30 above 1650 °R: stop the unit", Enabled: true),
            "test",
            CancellationToken.None);
        await using var page = await browser.OpenAsync(new Uri(host.BaseAddress, "wall/plant-c"), ScreenWidth, ScreenHeight);

        await host.Publisher.PublishTelemetryAsync(hot, DateTimeOffset.UtcNow, new MetricValue("T30", 1662.4));
        var line = page.Page.Locator($"[data-testid=banner-alert][data-asset='{hot.Asset}']");
        await line.WaitForAsync();

        Assert.Equal("Critical", await line.GetAttributeAsync("data-priority"));
        Assert.Equal("Critical", await Tile(page.Page, hot).Locator("[data-testid=tile-alert]").GetAttributeAsync("data-priority"));
        await Poll.UntilPassesAsync(async () => Assert.True(await SoundAttemptsAsync(page.Page) >= 1));
        await BrowserFixture.SaveScreenshotAsync(page.Page, "wall-critical.png");

        var alert = host.Get<AlertBoard>().Open(hot).Single();
        var result = await host.Get<AlertService>().AcknowledgeAsync(alert.Id, "operator", "Unit stopped", CancellationToken.None);
        Assert.True(result.Succeeded, result.Message);

        await page.Page.Locator("[data-testid=wall-banner]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Detached });
        var attempts = await SoundAttemptsAsync(page.Page);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(attempts, await SoundAttemptsAsync(page.Page));
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task LostConnection_ReconnectsAndRefreshes()
    {
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?> { ["Wall:ReconnectMaxInterval"] = "00:00:02" },
        });
        var fleet = await PublishFleetAsync(host.Publisher, "plant-d");
        await using var page = await browser.OpenAsync(new Uri(host.BaseAddress, "wall/plant-d"), ScreenWidth, ScreenHeight);
        await page.Page.EvaluateAsync("window.wallTestMarker = 'same document'");

        // Every reconnection attempt fails until the route is removed, as while the network is down.
        await page.Page.RouteAsync("**/_blazor/negotiate**", route => route.AbortAsync());
        await page.Page.EvaluateAsync("Blazor._internal.forceCloseConnection()");
        var overlay = page.Page.Locator("[data-testid=wall-connection]");
        await overlay.WaitForAsync();
        Assert.Equal("CONNECTION LOST", await page.Page.Locator("#wall-connection-title").InnerTextAsync());
        await host.Publisher.PublishTelemetryAsync(fleet[0], DateTimeOffset.UtcNow, new MetricValue("T30", 1601.5));
        await Poll.UntilPassesAsync(async () => Assert.True(await AttemptAsync(page.Page) >= 2));

        await page.Page.UnrouteAsync("**/_blazor/negotiate**");

        await overlay.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden, Timeout = (float)RecoveryDeadline.TotalMilliseconds });
        await MetricValue(page.Page, fleet[0], "T30").Filter(new LocatorFilterOptions { HasTextString = "1601.5" }).WaitForAsync();
        Assert.Equal("same document", await page.Page.EvaluateAsync<string>("window.wallTestMarker"));
    }

    [Fact]
    public async Task KilledApp_PageRecoversWithOutageReadings()
    {
        await using var broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = true });
        var dataDirectory = Directory.CreateTempSubdirectory("dashboard-wall-restart-").FullName;
        await using var app = await DashboardProcess.StartAsync(new DashboardHostOptions
        {
            ExternalBroker = new BrokerAddress(broker.Host, broker.Port),
            DataDirectory = dataDirectory,
            Settings = new Dictionary<string, string?>
            {
                ["Wall:TilesPerPage"] = "2",
                ["Wall:RotationInterval"] = "00:10:00",
                ["Wall:ReconnectMaxInterval"] = "00:00:05",
            },
        });
        await using var publisher = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
        AssetKey[] assets = [new("plant-e", "pump-1"), new("plant-e", "pump-2"), new("plant-e", "pump-3")];
        var watched = assets[2];
        var start = DateTimeOffset.UtcNow.AddSeconds(-150);
        foreach (var asset in assets)
        {
            await publisher.PublishTelemetryAsync(asset, start, new MetricValue("T30", 1580));
        }

        // Ten readings before the crash and three during it, 10 s apart, so the sparkline has no gap.
        for (var i = 1; i <= 10; i++)
        {
            await publisher.PublishTelemetryAsync(watched, start.AddSeconds(10 * i), new MetricValue("T30", 1580 + i));
        }

        await app.Http.WaitForValueAsync(watched, "T30", 1590);
        await using var page = await browser.OpenAsync(new Uri(app.BaseAddress, "wall/plant-e?page=2"), ScreenWidth, ScreenHeight);
        await MetricValue(page.Page, watched, "T30").Filter(new LocatorFilterOptions { HasTextString = "1590" }).WaitForAsync();
        Assert.Equal("2", await page.Page.Locator("[data-testid=wall-view]").GetAttributeAsync("data-page"));

        await app.KillAsync();
        var overlay = page.Page.Locator("[data-testid=wall-connection]");
        await overlay.WaitForAsync();
        var firstElapsed = await page.Page.Locator("#wall-connection-elapsed").InnerTextAsync();
        for (var i = 11; i <= 13; i++)
        {
            await publisher.PublishTelemetryAsync(watched, start.AddSeconds(10 * i), new MetricValue("T30", 1580 + i));
        }

        await Poll.UntilPassesAsync(async () => Assert.NotEqual(firstElapsed, await page.Page.Locator("#wall-connection-elapsed").InnerTextAsync()));
        Assert.Equal("CONNECTION LOST", await page.Page.Locator("#wall-connection-title").InnerTextAsync());
        await BrowserFixture.SaveScreenshotAsync(page.Page, "wall-disconnected.png");

        await app.StartAgainAsync();
        var recovery = Stopwatch.StartNew();

        await Poll.UntilPassesAsync(
            async () =>
            {
                Assert.True(await overlay.IsHiddenAsync(), "The connection overlay is still shown.");
                Assert.Equal("1593", await MetricValue(page.Page, watched, "T30").InnerTextAsync());
            },
            RecoveryDeadline);
        recovery.Stop();

        var sparkline = Tile(page.Page, watched).Locator("[data-metric=T30] [data-testid=sparkline]");
        await Poll.UntilPassesAsync(async () => Assert.Equal("14", await sparkline.GetAttributeAsync("data-values")));
        Assert.Equal(start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), await sparkline.GetAttributeAsync("data-first"));
        Assert.Equal(start.AddSeconds(130).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), await sparkline.GetAttributeAsync("data-last"));
        Assert.Equal("2", await page.Page.Locator("[data-testid=wall-view]").GetAttributeAsync("data-page"));
        Assert.Contains("page=2", page.Page.Url, StringComparison.Ordinal);
        Assert.True(recovery.Elapsed < RecoveryDeadline, $"The page recovered {recovery.Elapsed.TotalSeconds:F1} s after the restart.");
    }

    /// <summary>
    /// Publishes four assets on one site, each with five minutes of readings 10 s apart and an estimate, and
    /// returns them once the last one is live.
    /// </summary>
    private static async Task<List<AssetKey>> PublishFleetAsync(MqttTestClient publisher, string site)
    {
        (string Asset, double Health, double Rul)[] fleet = [("pump-1", 91, 240), ("pump-2", 64, 120), ("fan-3", 33, 45), ("fan-4", 78, 310)];
        var now = DateTimeOffset.UtcNow;
        var assets = new List<AssetKey>();
        for (var unit = 0; unit < fleet.Length; unit++)
        {
            var asset = new AssetKey(site, fleet[unit].Asset);
            assets.Add(asset);
            for (var step = 30; step >= 0; step--)
            {
                await publisher.PublishTelemetryAsync(asset, now.AddSeconds(-10 * step), Values(unit, 30 - step));
            }

            await publisher.PublishHealthAsync(new HealthEstimate(asset, now, fleet[unit].Health, new RulEstimate(fleet[unit].Rul, RulUnit.Cycles, null, null), "cmapss-gbm"));
        }

        return assets.Order().ToList();
    }

    /// <summary>Publishes one reading per asset every 500 ms until cancelled.</summary>
    private static async Task KeepPublishingAsync(MqttTestClient publisher, IReadOnlyList<AssetKey> assets, CancellationToken cancellationToken)
    {
        var cycle = 40;
        while (!cancellationToken.IsCancellationRequested)
        {
            for (var unit = 0; unit < assets.Count; unit++)
            {
                await publisher.PublishTelemetryAsync(assets[unit], DateTimeOffset.UtcNow, Values(unit, cycle));
            }

            cycle++;
            try
            {
                await Task.Delay(500, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Returns C-MAPSS-like sensor values that drift with <paramref name="cycle"/>, distinct per <paramref name="unit"/>.</summary>
    private static MetricValue[] Values(int unit, int cycle)
    {
        var wobble = Math.Sin((unit * 7) + (cycle / 3.0));
        return
        [
            new("T30", Math.Round(1585 + (cycle * 0.09) + (wobble * 2.5), 2)),
            new("T50", Math.Round(1400 + (cycle * 0.12) + (wobble * 3.1), 2)),
            new("P30", Math.Round(554 - (cycle * 0.01) + (wobble * 0.4), 2)),
            new("Nc", Math.Round(9050 + (cycle * 0.2) + (wobble * 4), 1)),
        ];
    }

    private static ILocator Tile(IPage page, AssetKey asset) =>
        page.Locator($"[data-testid=wall-tile][data-site='{asset.Site}'][data-asset='{asset.Asset}']");

    private static ILocator MetricValue(IPage page, AssetKey asset, string metric) =>
        Tile(page, asset).Locator($"[data-metric='{metric}'] [data-testid=metric-value]");

    private static Task<int> SoundAttemptsAsync(IPage page) => page.EvaluateAsync<int>("window.dashboardWall.status().soundAttempts");

    private static Task<int> AttemptAsync(IPage page) => page.EvaluateAsync<int>("window.dashboardWall.status().attempt");
}
