using Bunit;
using Dashboard.Alerts;
using Dashboard.Components.Layout;
using Dashboard.Tests.Alerts;

namespace Dashboard.Tests.Components;

/// <summary>
/// The app bar's alert counts and highest unacknowledged priority follow the real board within a second
/// of each change, driven by the engine on a real store.
/// </summary>
public sealed class AlertBadgeTests : AlertComponentTestContext
{
    private static readonly AssetKey Pump = new("north", "pump-1");
    private static readonly AssetKey Fan = new("north", "fan-2");

    [Fact]
    public async Task Badge_FollowsBoardWithinSecond()
    {
        var low = await AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10, priority: AlertPriority.Low, name: "low"));
        var high = await AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 50, priority: AlertPriority.High, name: "high"));
        var cut = Render<AlertBadge>();
        Assert.Equal("0 unacknowledged · 0 active", cut.Find("[data-testid=alert-badge-counts]").TextContent);
        Assert.Empty(cut.FindAll("[data-priority]"));

        await ReadAsync(Pump, T0, AlertTestBed.Metric, 20);
        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("1 unacknowledged · 1 active", cut.Find("[data-testid=alert-badge-counts]").TextContent);
            Assert.Equal("Low", cut.Find("[data-priority]").GetAttribute("data-priority"));
        });

        await ReadAsync(Fan, T0, AlertTestBed.Metric, 60);
        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("3 unacknowledged · 3 active", cut.Find("[data-testid=alert-badge-counts]").TextContent);
            Assert.Equal("High", cut.Find("[data-priority]").GetAttribute("data-priority"));
        });

        var highAlert = Board.All().Single(alert => alert.RuleId == high.Id);
        Assert.True((await Service.AcknowledgeAsync(highAlert.Id, UserName, "seen", CancellationToken.None)).Succeeded);
        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("2 unacknowledged · 3 active", cut.Find("[data-testid=alert-badge-counts]").TextContent);
            Assert.Equal("Low", cut.Find("[data-priority]").GetAttribute("data-priority"));
        });

        foreach (var alert in Board.All().Where(alert => alert.RuleId == low.Id))
        {
            await Service.AcknowledgeAsync(alert.Id, UserName, "seen", CancellationToken.None);
        }

        Time.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() =>
        {
            Assert.Equal("0 unacknowledged · 3 active", cut.Find("[data-testid=alert-badge-counts]").TextContent);
            Assert.Empty(cut.FindAll("[data-priority]"));
        });
    }
}
