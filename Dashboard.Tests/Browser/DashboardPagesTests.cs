using System.Diagnostics;
using Dashboard.Components.Shared;
using Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.Tests.Browser;

/// <summary>
/// The pages in headless Chromium over a live Blazor circuit: a reading published over MQTT must appear
/// without a reload, charts must draw, and no JavaScript error may occur. The screenshots land in
/// docs/screenshots for the README.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardPagesTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly TimeSpan CardDeadline = TimeSpan.FromSeconds(2);

    private DashboardHost _host = null!;

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Overview_ShowsNewAssetLive()
    {
        await PublishFleetAsync();
        await using var page = await browser.OpenAsync(_host.BaseAddress);
        await page.Page.Locator("[data-testid=asset-card]").First.WaitForAsync();

        var newcomer = new AssetKey("south", "compressor-7");
        var stopwatch = Stopwatch.StartNew();
        await _host.Publisher.PublishTelemetryAsync(newcomer, DateTimeOffset.UtcNow, Values(7, 0));
        await page.Page.Locator($"[data-testid=asset-card][data-asset='{newcomer.Asset}']").WaitForAsync(new LocatorWaitForOptions
        {
            State = WaitForSelectorState.Visible,
            Timeout = (float)CardDeadline.TotalMilliseconds,
        });
        stopwatch.Stop();

        Assert.True(stopwatch.Elapsed < CardDeadline, $"The card appeared after {stopwatch.Elapsed.TotalMilliseconds:F0} ms.");
        Assert.Equal("interactive", await page.Page.EvaluateAsync<string>("document.querySelector('[data-interactive]').dataset.interactive === 'true' ? 'interactive' : 'static'"));
        await BrowserFixture.SaveScreenshotAsync(page.Page, "overview.png");
        Assert.Empty(page.Errors);
    }

    [Fact]
    public async Task Asset_DrawsChartAndUpdatesLive()
    {
        var asset = new AssetKey("north", "turbofan-042");
        var now = DateTimeOffset.UtcNow;
        for (var i = 60; i > 0; i--)
        {
            await _host.Publisher.PublishTelemetryAsync(asset, now.AddSeconds(-i), Values(42, 60 - i));
        }

        await _host.Publisher.PublishHealthAsync(new HealthEstimate(asset, now, 58, new RulEstimate(87, RulUnit.Cycles, 64, 112), "cmapss-gbm"));
        await _host.Http.WaitForValueAsync(asset, "T30", Values(42, 59)[0].Value);

        await using var page = await browser.OpenAsync(new Uri(_host.BaseAddress, Display.AssetHref(asset)));
        var lines = page.Page.Locator("[data-testid=trend-chart] .apexcharts-series path.apexcharts-line");
        await lines.First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });
        Assert.True(await lines.CountAsync() >= 2, "The chart drew fewer than two series.");

        await _host.Publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("T30", 1601.5));
        await page.Page.Locator("td[data-metric=T30]", new PageLocatorOptions { HasTextString = "1601.5" }).WaitForAsync();

        Assert.Equal("turbofan-042", (await page.Page.Locator("[data-testid=asset-title]").InnerTextAsync()).Trim());
        await BrowserFixture.SaveScreenshotAsync(page.Page, "asset.png");
        Assert.Empty(page.Errors);
    }

    /// <summary>Publishes a small fleet on two sites with estimates in every health band, for a realistic overview.</summary>
    private async Task PublishFleetAsync()
    {
        (string Site, string Asset, double? Health, double Rul)[] fleet =
        [
            ("north", "turbofan-011", 91, 240),
            ("north", "turbofan-017", 64, 120),
            ("north", "turbofan-023", 33, 45),
            ("north", "turbofan-031", 9, 6),
            ("south", "compressor-2", 78, 310),
            ("south", "compressor-5", null, 0),
        ];
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < fleet.Length; i++)
        {
            var (site, id, health, rul) = fleet[i];
            var asset = new AssetKey(site, id);
            await _host.Publisher.PublishTelemetryAsync(asset, now, Values(i, 100 - (int)rul / 4));
            if (health is not null)
            {
                await _host.Publisher.PublishHealthAsync(new HealthEstimate(asset, now, health, new RulEstimate(rul, RulUnit.Cycles, rul * 0.8, rul * 1.2), "cmapss-gbm"));
            }
        }

        await _host.Http.WaitForValueAsync(new AssetKey("south", "compressor-5"), "T30", Values(5, 100)[0].Value);
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
}
