using Bunit;
using Dashboard.Components.Pages;
using Dashboard.Components.Shared;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Components;

public sealed class OverviewTests : ComponentTestContext
{
    private static readonly AssetKey NorthPump = new("north", "pump-1");
    private static readonly AssetKey NorthFan = new("north", "fan-2");
    private static readonly AssetKey SouthPump = new("south", "pump-9");

    [Fact]
    public void NoAssets_ShowsEmptyHintWithTopic()
    {
        var cut = Render<Overview>();

        Assert.Contains("plant/{site}/{asset}/telemetry", cut.Find("[data-testid=empty]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=asset-card]"));
    }

    [Fact]
    public void Cards_AreGroupedBySite()
    {
        ApplyReading(SouthPump, T0, ("T30", 1));
        ApplyReading(NorthPump, T0, ("T30", 1));
        ApplyReading(NorthFan, T0, ("T30", 1));

        var cut = Render<Overview>();

        var order = cut.FindAll("[data-testid=site], [data-testid=asset-card]")
            .Select(element => element.GetAttribute("data-asset") ?? "site " + element.TextContent.Trim());
        Assert.Equal(["site north", "fan-2", "pump-1", "site south", "pump-9"], order);
        Assert.Contains("3 assets, 0 stale", cut.Find("[data-testid=summary]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_WithoutEstimate_ShowsNoEstimate()
    {
        ApplyReading(NorthPump, T0, ("T30", 1589.71), ("P30", 554.361), ("other", 3));

        var card = Render<Overview>().Find("[data-testid=asset-card]");

        Assert.Equal("no estimate", card.QuerySelector("[data-testid=rul]")!.TextContent.Trim());
        Assert.Equal("Health unknown", card.QuerySelector("[data-testid=health]")!.TextContent.Trim());
        Assert.Equal("1589.7", card.QuerySelector("[data-metric=T30]")!.TextContent);
        Assert.Equal("554.36", card.QuerySelector("[data-metric=P30]")!.TextContent);
        Assert.Null(card.QuerySelector("[data-metric=other]"));
    }

    [Fact]
    public void Card_WithEstimate_ShowsHealthAndRul()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        ApplyEstimate(NorthPump, 72.4, new RulEstimate(120.4, RulUnit.Cycles, 90, 150));

        var card = Render<Overview>().Find("[data-testid=asset-card]");

        Assert.Equal("Health 72", card.QuerySelector("[data-testid=health]")!.TextContent.Trim());
        var rul = card.QuerySelector("[data-testid=rul]")!.TextContent;
        Assert.Contains("RUL 120 cycles", rul, StringComparison.Ordinal);
        Assert.Contains("(80 %: 90–150)", rul, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_WithoutKeyMetrics_ShowsFirstFourMetrics()
    {
        ApplyReading(NorthPump, T0, ("e", 5), ("a", 1), ("d", 4), ("c", 3), ("b", 2));

        var card = Render<Overview>().Find("[data-testid=asset-card]");

        Assert.Equal(["a", "b", "c", "d"], card.QuerySelectorAll("[data-metric]").Select(cell => cell.GetAttribute("data-metric")));
    }

    [Fact]
    public void Card_AfterStaleThreshold_ShowsStale()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Overview>();
        Assert.DoesNotContain("stale", cut.Find("[data-testid=asset-card]").ClassName, StringComparison.Ordinal);
        Assert.Equal("Last reading 0 s ago", cut.Find("[data-testid=age]").TextContent.Trim());

        Time.Advance(TimeSpan.FromSeconds(31));

        cut.WaitForAssertion(() =>
        {
            Assert.Contains("stale", cut.Find("[data-testid=asset-card]").ClassName, StringComparison.Ordinal);
            Assert.Equal("Stale: last reading 31 s ago", cut.Find("[data-testid=age]").TextContent.Trim());
            Assert.Contains("1 assets, 1 stale", cut.Find("[data-testid=summary]").TextContent, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Card_AtStaleThreshold_IsNotStale()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Overview>();

        Time.Advance(TimeSpan.FromSeconds(30));

        cut.WaitForAssertion(() => Assert.Equal("Last reading 30 s ago", cut.Find("[data-testid=age]").TextContent.Trim()));
        Assert.DoesNotContain("stale", cut.Find("[data-testid=asset-card]").ClassName, StringComparison.Ordinal);
    }

    [Fact]
    public void AppliedReading_UpdatesLive()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Overview>();

        ApplyReading(NorthPump, T0.AddSeconds(1), ("T30", 2.5));
        ApplyReading(SouthPump, T0.AddSeconds(1), ("T30", 7));

        // The first change renders at once; later ones wait for the throttle interval.
        cut.WaitForAssertion(() => Assert.Equal("2.5", cut.Find("[data-asset=pump-1] [data-metric=T30]").TextContent));
        Time.Advance(LiveOptions.RenderInterval);
        cut.WaitForAssertion(() =>
        {
            Assert.Equal(2, cut.FindAll("[data-testid=asset-card]").Count);
            Assert.Equal("7", cut.Find("[data-asset=pump-9] [data-metric=T30]").TextContent);
        });
    }

    [Fact]
    public void AppliedEstimate_UpdatesLive()
    {
        ApplyReading(NorthPump, T0, ("T30", 1));
        var cut = Render<Overview>();

        ApplyEstimate(NorthPump, 12, null);

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Health 12", cut.Find("[data-testid=health]").TextContent.Trim());
            Assert.Equal("RUL unknown", cut.Find("[data-testid=rul]").TextContent.Trim());
        });
    }

    [Fact]
    public async Task Dispose_Unsubscribes()
    {
        Render<Overview>();
        Assert.True(Live.SubscriberCount > 0, "Overview did not subscribe after its first render.");

        await DisposeComponentsAsync();

        Assert.Equal(0, Live.SubscriberCount);
    }

    [Fact]
    public void HtmlInIds_IsRenderedAsText()
    {
        var hostile = new AssetKey("<b>site</b>", "<img src=x onerror=alert(1)>");
        ApplyReading(hostile, T0, ("<i>T</i>", 1));

        var cut = Render<Overview>();

        Assert.Empty(cut.FindAll("img"));
        Assert.Empty(cut.FindAll("b, i"));
        Assert.Equal("<b>site</b>", cut.Find("[data-testid=site]").TextContent.Trim());
        Assert.Equal("<img src=x onerror=alert(1)>", cut.Find("[data-testid=asset-link]").TextContent.Trim());
        var href = cut.Find("[data-testid=asset-link]").GetAttribute("href");
        Assert.Equal(Display.AssetHref(hostile), href);
        Assert.DoesNotContain("<", href, StringComparison.Ordinal);
    }

    [Fact]
    public void ThousandReadings_StayWithinRenderCap()
    {
        var cut = Render<CountingOverview>();
        var rendersBefore = cut.Instance.Renders;

        // 1,000 readings over two seconds of fake time, with the cap at 4 renders per second.
        for (var i = 0; i < 1_000; i++)
        {
            ApplyReading(NorthPump, T0.AddMilliseconds(i * 2), ("T30", i));
            Time.Advance(TimeSpan.FromMilliseconds(2));
        }

        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Equal("999", cut.Find("[data-metric=T30]").TextContent));
        var renders = cut.Instance.Renders - rendersBefore;

        // Three seconds of fake time at 4 per second, plus the first change, which renders at once.
        Assert.InRange(renders, 2, (3 * 4) + 1);
        Assert.InRange(cut.Instance.LiveUpdateCount, 2, (3 * 4) + 1);
    }

    /// <summary>The Overview page, counting its own renders (bUnit's RenderCount includes child components).</summary>
    private sealed class CountingOverview : Overview
    {
        public int Renders { get; private set; }

        protected override void OnAfterRender(bool firstRender)
        {
            Renders++;
            base.OnAfterRender(firstRender);
        }
    }
}
