using Bunit;
using Dashboard.Alerts;
using Dashboard.Components.Pages;
using MudBlazor;

namespace Dashboard.Tests.Components;

/// <summary>
/// The Rules page with the real service and SQLite store: the rule dialog stores new and edited rules, the
/// engine reloads them at once, and an invalid rule is rejected with a message.
/// </summary>
public sealed class AlertRulesPageTests : AlertComponentTestContext
{
    private static readonly AssetKey Pump = new("north", "pump-1");

    [Fact]
    public async Task RuleDialog_CreatesRuleEngineUses()
    {
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<AlertRules>();

        cut.Find("[data-testid=rule-add]").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=rule-dialog], [data-testid=rule-save]")));
        dialogs.Find("input[data-testid=rule-name]").Change("Bearing temperature high");
        dialogs.Find("input[data-testid=rule-site]").Change("north");
        dialogs.Find("input[data-testid=rule-asset]").Change("pump-*");
        dialogs.Find("input[data-testid=rule-metric]").Change("TB");
        dialogs.Find("input[data-testid=rule-threshold]").Change("80");
        dialogs.Find("input[data-testid=rule-deadband]").Change("2");
        dialogs.Find("input[data-testid=rule-message]").Change("{asset}: bearing {value} °C");
        dialogs.Find("[data-testid=rule-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("Bearing temperature high", cut.Find("[data-testid=rules-table]").TextContent, StringComparison.Ordinal));
        var stored = Assert.Single(await Store.LoadRulesAsync(CancellationToken.None));
        Assert.Equal(
            new AlertRule(stored.Id, "Bearing temperature high", RuleKind.High, "north", "pump-*", "TB", 80, 2, TimeSpan.Zero, TimeSpan.Zero,
                TimeSpan.FromSeconds(60), AlertPriority.Low, "{asset}: bearing {value} °C", true),
            stored);
        Assert.Equal(stored, Engine.Rules.Get(stored.Id));
        Assert.Contains("> 80, clears below 78", cut.Find("[data-testid=rules-table]").TextContent, StringComparison.Ordinal);

        await ReadAsync(Pump, T0, "TB", 85);
        Assert.Equal("pump-1: bearing 85 °C", Assert.Single(Board.All()).Message);
    }

    [Fact]
    public async Task RuleDialog_EditsRuleEngineReloads()
    {
        var rule = await AddRuleAsync(new AlertRule(0, "Bearing temperature high", RuleKind.High, "north", "pump-*", "TB", 80, 2,
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, AlertPriority.Medium, "{asset}: bearing {value} °C", true));
        await ReadAsync(Pump, T0, "TB", 85);
        Assert.Equal(AlertState.ActiveUnacknowledged, Assert.Single(Board.All()).State);
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<AlertRules>();

        cut.Find("[data-testid=rule-edit]").Click();
        dialogs.WaitForAssertion(() => Assert.Equal("Bearing temperature high", dialogs.Find("input[data-testid=rule-name]").GetAttribute("value")));
        dialogs.Find("input[data-testid=rule-threshold]").Change("90");
        dialogs.Find("[data-testid=rule-save]").Click();

        cut.WaitForAssertion(() => Assert.Contains("> 90, clears below 88", cut.Find("[data-testid=rules-table]").TextContent, StringComparison.Ordinal));
        var stored = Assert.Single(await Store.LoadRulesAsync(CancellationToken.None));
        Assert.Equal(rule.Id, stored.Id);
        Assert.Equal(90, stored.Threshold);
        Assert.Equal(AlertPriority.Medium, stored.Priority);
        Assert.Equal(90, Engine.Rules.Get(rule.Id)!.Threshold);

        // 86 was above the old threshold but is below the new one minus its deadband.
        await ReadAsync(Pump, T0.AddSeconds(1), "TB", 86);
        Assert.Equal(AlertState.ReturnedUnacknowledged, Assert.Single(Board.All()).State);
    }

    [Fact]
    public async Task RuleDialog_InvalidRuleIsNotStored()
    {
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<AlertRules>();

        cut.Find("[data-testid=rule-add]").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("[data-testid=rule-save]")));
        dialogs.Find("input[data-testid=rule-name]").Change("  ");
        dialogs.Find("[data-testid=rule-save]").Click();

        dialogs.WaitForAssertion(() => Assert.Equal("Name is required.", dialogs.Find("[data-testid=rule-error]").TextContent.Trim()));
        Assert.NotNull(dialogs.Find("[data-testid=rule-save]"));
        Assert.Empty(await Store.LoadRulesAsync(CancellationToken.None));
        Assert.Empty(Engine.Rules.All);
    }
}
