using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dashboard.Tests.Infrastructure;
using Dashboard.Wall;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Dashboard.Tests.Browser;

/// <summary>
/// The wall's JavaScript heap must not grow while the wall runs. After a warm-up, every sample of the heap
/// stays within 10 % of the first one, while 24 tiles update from 100 messages per second and the rotation
/// swaps pages. Each sample follows a forced garbage collection through the Chrome DevTools Protocol.
/// </summary>
/// <remarks>
/// The CI run lasts two minutes. The ten-minute run carries the trait Category=Benchmark, which .ci/run
/// excludes; run it with <c>dotnet test Dashboard.Tests --filter "Category=Benchmark&amp;FullyQualifiedName~WallMemory"</c>.
/// </remarks>
[Collection(BrowserCollection.Name)]
public sealed class WallMemoryTests(BrowserFixture browser, ITestOutputHelper output)
{
    private const int Tiles = 24;
    private const int MessagesPerSecond = 100;
    private const double AllowedGrowth = 0.10;

    [Fact]
    public Task JsHeap_TwoMinutes_StaysFlat() =>
        RunAsync(warmUp: TimeSpan.FromSeconds(30), measured: TimeSpan.FromSeconds(90), sampleEvery: TimeSpan.FromSeconds(15));

    [Fact]
    [Trait("Category", "Benchmark")]
    public Task JsHeap_TenMinutes_StaysFlat() =>
        RunAsync(warmUp: TimeSpan.FromMinutes(1), measured: TimeSpan.FromMinutes(10), sampleEvery: TimeSpan.FromSeconds(30));

    private async Task RunAsync(TimeSpan warmUp, TimeSpan measured, TimeSpan sampleEvery)
    {
        // Two pages of 24 tiles that swap every 15 s, so the rotation's DOM changes are part of the run.
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["Wall:TilesPerPage"] = Tiles.ToString(CultureInfo.InvariantCulture),
                ["Wall:RotationInterval"] = "00:00:15",
                ["Wall:SparklineRefreshInterval"] = "00:00:02",
            },
        });
        var assets = Enumerable.Range(1, Tiles * 2).Select(i => new AssetKey("heap", $"unit-{i:000}")).ToList();
        using var publishing = new CancellationTokenSource();
        var publisher = PublishAsync(host.Publisher, assets, publishing.Token);
        await using var page = await browser.OpenAsync(new Uri(host.BaseAddress, "wall/heap"), 1920, 1080);
        var cdp = await page.Page.Context.NewCDPSessionAsync(page.Page);
        await page.Page.Locator("[data-testid=wall-tile]").Nth(Tiles - 1).WaitForAsync();

        await Task.Delay(warmUp);
        var baseline = await SampleHeapAsync(cdp);
        var samples = new List<(TimeSpan At, long Bytes)> { (TimeSpan.Zero, baseline) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < measured)
        {
            await Task.Delay(sampleEvery);
            samples.Add((clock.Elapsed, await SampleHeapAsync(cdp)));
        }

        await publishing.CancelAsync();
        var published = await publisher;
        var renders = host.Get<WallStats>().Displays().Single().Renders;
        foreach (var (at, bytes) in samples)
        {
            output.WriteLine($"{at.TotalSeconds,6:F0} s  {bytes / 1024.0,9:F0} KiB  {100.0 * (bytes - baseline) / baseline,6:F1} %");
        }

        output.WriteLine($"{published} messages published, {renders} renders of the wall.");
        var largest = samples.MaxBy(sample => sample.Bytes);
        Assert.True(
            largest.Bytes <= baseline * (1 + AllowedGrowth),
            $"The JS heap grew from {baseline / 1024} KiB to {largest.Bytes / 1024} KiB at {largest.At.TotalSeconds:F0} s, more than {AllowedGrowth:P0}.");
        Assert.True(published >= (long)(MessagesPerSecond * (warmUp + measured).TotalSeconds * 0.8), $"Only {published} messages were published.");
        Assert.Empty(page.Errors);
    }

    /// <summary>
    /// Returns the bytes of JS heap in use after a forced garbage collection: the smallest of three readings
    /// 200 ms apart, because a render batch that arrives during a reading is in use but not retained.
    /// </summary>
    private static async Task<long> SampleHeapAsync(ICDPSession cdp)
    {
        var smallest = long.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            await cdp.SendAsync("HeapProfiler.collectGarbage");
            var usage = await cdp.SendAsync("Runtime.getHeapUsage");
            smallest = Math.Min(smallest, (long)usage!.Value.GetProperty("usedSize").GetDouble());
            await Task.Delay(200);
        }

        return smallest;
    }

    /// <summary>
    /// Publishes readings round-robin over <paramref name="assets"/> at <see cref="MessagesPerSecond"/> until
    /// cancelled, and returns how many it published.
    /// </summary>
    private static async Task<long> PublishAsync(MqttTestClient publisher, IReadOnlyList<AssetKey> assets, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(1.0 / MessagesPerSecond);
        var clock = Stopwatch.StartNew();
        long published = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var asset = assets[(int)(published % assets.Count)];
            var phase = published / (double)assets.Count;
            await publisher.PublishTelemetryAsync(
                asset,
                DateTimeOffset.UtcNow,
                new MetricValue("T30", Math.Round(1585 + (5 * Math.Sin(phase / 10)), 2)),
                new MetricValue("T50", Math.Round(1400 + (3 * Math.Cos(phase / 7)), 2)),
                new MetricValue("P30", Math.Round(554 + Math.Sin(phase / 5), 2)),
                new MetricValue("Nc", Math.Round(9050 + (4 * Math.Sin(phase / 3)), 1)));
            published++;

            // Pace by the total elapsed time, so a slow publish is caught up instead of lowering the rate.
            var ahead = (interval * published) - clock.Elapsed;
            if (ahead > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(ahead, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        return published;
    }
}
