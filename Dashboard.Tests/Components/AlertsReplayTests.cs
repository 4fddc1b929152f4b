using Bunit;
using Dashboard.Alerts;
using Dashboard.Components.Shared;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using AlertsPage = Dashboard.Components.Pages.Alerts;

namespace Dashboard.Tests.Components;

/// <summary>
/// The Alerts page rendered by bUnit on the board of a running app that replays a C-MAPSS turbofan: the
/// replayed data raises an alert through MQTT, the engine and the store, and the page shows it live.
/// </summary>
public sealed class AlertsReplayTests : ComponentTestContext
{
    private const string OperatorName = "operator@dashboard.test";
    private static readonly TimeSpan AlertTimeout = TimeSpan.FromSeconds(60);

    private DashboardHost _host = null!;

    /// <summary>
    /// Returns a rule that turbofan-001 crosses within seconds: in training set FD001 its T50 is between
    /// 1399 and 1419 °R in the ten cycles where the replay starts it, and rises towards 1432 °R later.
    /// The hour-long off-delay keeps the alert active once raised.
    /// </summary>
    public static AlertRule ReplayRule() => new(
        0, "LPT outlet temperature high", RuleKind.High, "demo", "turbofan-*", "T50", 1410, 2,
        TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.Zero, AlertPriority.High, "{asset}: T50 {value} °R above {threshold} °R", true);

    /// <summary>Settings that replay one turbofan five cycles per second.</summary>
    public static DashboardHostOptions ReplayOptions() => new()
    {
        Replay = true,
        Settings = new Dictionary<string, string?>
        {
            ["Replay:Units"] = "1",
            ["Replay:Interval"] = "00:00:00.2",
        },
    };

    protected override async Task InitializeAsync()
    {
        _host = await DashboardHost.StartAsync(ReplayOptions());
        Services.AddSingleton<TimeProvider>(TimeProvider.System);
        Services.AddSingleton(_host.Get<AlertBoard>());
        Services.AddSingleton(_host.Get<AlertStore>());
        Services.AddSingleton(_host.Get<AlertService>());
        Services.AddSingleton(_host.Get<AlertEngine>());
        Services.AddSingleton<CircuitEvents>();
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<UserPermissions>();
        var authorization = AddAuthorization();
        authorization.SetAuthorized(OperatorName);
        authorization.SetPolicies(Enum.GetValues<UserPermission>().Select(UserPermissions.PolicyName).ToArray());
    }

    protected override async Task DisposeDependenciesAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ReplayedTurbofan_RaisesAlertOnPage()
    {
        var rule = await _host.AddRuleAsync(ReplayRule());
        var dialogs = Render<MudDialogProvider>();
        var cut = Render<AlertsPage>();

        cut.WaitForAssertion(
            () => Assert.Contains(
                cut.FindAll("[data-testid=alert-message]"),
                message => message.TextContent.StartsWith("turbofan-001: T50 ", StringComparison.Ordinal)),
            AlertTimeout);
        var alert = _host.Get<AlertBoard>().All().Single(candidate => candidate.RuleId == rule.Id);
        Assert.Equal(new AssetKey("demo", "turbofan-001"), alert.Asset);
        Assert.Equal(AlertState.ActiveUnacknowledged, alert.State);
        Assert.True(alert.Value > 1410, $"The alert was raised at T50 {alert.Value}.");

        cut.Find("button[data-testid=ack]").Click();
        dialogs.WaitForAssertion(() => Assert.NotNull(dialogs.Find("textarea")));
        dialogs.Find("textarea").Input("borescope inspection booked");
        dialogs.Find("[data-testid=ack-confirm]").Click();

        cut.WaitForAssertion(() => Assert.Contains(cut.FindAll("[data-state]"), chip => chip.GetAttribute("data-state") == "ActiveAcknowledged"), AlertTimeout);
        var journal = await _host.Get<AlertStore>().GetEventsAsync(alert.Id, CancellationToken.None);
        Assert.Equal([AlertEventKind.Activated, AlertEventKind.Acknowledged], journal.Select(alertEvent => alertEvent.Kind));
        Assert.Equal(OperatorName, journal[1].User);
        Assert.Equal("borescope inspection booked", journal[1].Note);
    }
}
