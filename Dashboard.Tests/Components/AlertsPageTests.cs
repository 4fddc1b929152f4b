using AngleSharp.Dom;
using Bunit;
using Dashboard.Alerts;
using Dashboard.Tests.Alerts;
using MudBlazor;
using AlertsPage = Dashboard.Components.Pages.Alerts;

namespace Dashboard.Tests.Components;

/// <summary>
/// The Alerts page with the real board, engine and SQLite store: rows come from the store, the acknowledge
/// dialog records the note, a board change reloads the list, and a circuit reconnect reloads it from the store.
/// </summary>
public sealed class AlertsPageTests : AlertComponentTestContext
{
    private static readonly AssetKey Pump = new("north", "pump-1");
    private static readonly AssetKey Fan = new("north", "fan-2");

    [Fact]
    public async Task Page_ListsOpenAlertsWithCounts()
    {
        var rule = await AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await ReadAsync(Pump, T0, AlertTestBed.Metric, 20);
        await ReadAsync(Fan, T0, AlertTestBed.Metric, 30);
        await ReadAsync(Fan, T0.AddSeconds(1), AlertTestBed.Metric, 5);

        var cut = Render<AlertsPage>();

        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));
        Assert.Equal("2 unacknowledged, 1 active, 0 shelved, 0 out of service", cut.Find("[data-testid=alert-counts]").TextContent.Trim());
        Assert.Equal(["pump-1: v 20 against 10", "fan-2: v 30 against 10"], Rows(cut).Select(row => row.QuerySelector("[data-testid=alert-message]")!.TextContent));
        Assert.Equal(["ActiveUnacknowledged", "ReturnedUnacknowledged"], Rows(cut).Select(row => row.QuerySelector("[data-state]")!.GetAttribute("data-state")));
        Assert.Equal(rule.Id, Board.All()[0].RuleId);
    }

    [Fact]
    public async Task AcknowledgeDialog_StoresNoteAndUser()
    {
        await AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await ReadAsync(Pump, T0, AlertTestBed.Metric, 20);
        var id = Board.All().Single().Id;
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<AlertsPage>();
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));

        cut.Find("[data-testid=ack] button, button[data-testid=ack]").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=ack-confirm]")));
        Assert.True(dialogs.Find("[data-testid=ack-confirm]").HasAttribute("disabled"), "Acknowledge is enabled without the required note.");
        dialogs.Find("textarea").Input("replaced the filter");
        dialogs.Find("[data-testid=ack-confirm]").Click();

        cut.WaitForAssertion(() => Assert.Equal("ActiveAcknowledged", Rows(cut).Single().QuerySelector("[data-state]")!.GetAttribute("data-state")));
        Assert.Contains($"{UserName}, ", Rows(cut).Single().TextContent, StringComparison.Ordinal);
        var acknowledged = (await Store.GetEventsAsync(id, CancellationToken.None)).Single(alertEvent => alertEvent.Kind == AlertEventKind.Acknowledged);
        Assert.Equal(UserName, acknowledged.User);
        Assert.Equal("replaced the filter", acknowledged.Note);
    }

    [Fact]
    public async Task BoardChange_ReloadsWithinSecond()
    {
        await AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        var cut = Render<AlertsPage>();
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-testid=alerts-grid]")));
        Assert.Empty(Rows(cut));

        await ReadAsync(Pump, T0, AlertTestBed.Metric, 20);
        Time.Advance(TimeSpan.FromSeconds(1));

        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));
        Assert.Equal("1 unacknowledged, 1 active, 0 shelved, 0 out of service", cut.Find("[data-testid=alert-counts]").TextContent.Trim());
    }

    [Fact]
    public async Task CircuitReconnect_ReloadsFromStore()
    {
        await AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await ReadAsync(Pump, T0, AlertTestBed.Metric, 20);
        var id = Board.All().Single().Id;
        await Circuit.OnConnectionUpAsync(null!, CancellationToken.None);
        var cut = Render<AlertsPage>();
        cut.WaitForAssertion(() => Assert.Equal("ActiveUnacknowledged", Rows(cut).Single().QuerySelector("[data-state]")!.GetAttribute("data-state")));

        // Another instance acknowledges in the database; this board never hears of it.
        Assert.True((await Store.AcknowledgeAsync(id, "berg", "from the other site", T0, CancellationToken.None)).Succeeded);
        Time.Advance(TimeSpan.FromSeconds(5));
        cut.Render();
        Assert.Equal("ActiveUnacknowledged", Rows(cut).Single().QuerySelector("[data-state]")!.GetAttribute("data-state"));

        await cut.InvokeAsync(() => Circuit.OnConnectionUpAsync(null!, CancellationToken.None));

        cut.WaitForAssertion(() => Assert.Equal("ActiveAcknowledged", Rows(cut).Single().QuerySelector("[data-state]")!.GetAttribute("data-state")));
        Assert.Contains("berg, ", Rows(cut).Single().TextContent, StringComparison.Ordinal);
    }

    private static IReadOnlyList<IElement> Rows(IRenderedComponent<AlertsPage> cut) =>
        cut.FindAll("[data-testid=alerts-grid] tbody tr").Where(row => row.QuerySelector("[data-state]") is not null).ToArray();
}
