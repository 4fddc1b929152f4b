using Dashboard.Alerts;
using Dashboard.Mqtt;
using Dashboard.Security;
using Dashboard.Tests.Security;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Components;
using Dashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Dashboard.Tests.Browser;

/// <summary>
/// An operator in headless Chromium acknowledges an alert that a replayed turbofan raised, and the alerts
/// topic carries the activation and the acknowledgement. The screenshots land in docs/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AlertsBrowserTests(BrowserFixture browser) : IAsyncLifetime
{
    private const float AlertTimeoutMs = 60_000;
    private const string Note = "borescope inspection booked";

    private DashboardHost _host = null!;

    public async Task InitializeAsync() => _host = await DashboardHost.StartAsync(AlertsReplayTests.ReplayOptions());

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Operator_AcknowledgesReplayedAlert()
    {
        var topics = _host.Get<TopicNames>();
        await using var recorder = await MqttMessageRecorder.StartAsync(_host.Broker.Host, _host.Broker.Port, topics.Topic(new AssetKey("demo", "+"), TopicKind.Alerts));
        var rule = await _host.AddRuleAsync(AlertsReplayTests.ReplayRule());
        var operatorEmail = await TestUsers.CreateAsync(_host, Roles.Operator, "operator@dashboard.test");
        await using var page = await browser.NewPageAsync();
        await page.Page.GotoAsync(new Uri(_host.BaseAddress, "alerts").ToString());
        await BrowserFixture.SignInAsync(page.Page, operatorEmail, TestUsers.Password);
        await BrowserFixture.WaitForInteractiveAsync(page.Page);

        var row = page.Page.Locator("[data-testid=alerts-grid] tbody tr", new PageLocatorOptions { HasTextString = "turbofan-001: T50" });
        await row.WaitForAsync(new LocatorWaitForOptions { Timeout = AlertTimeoutMs });
        await row.Locator("[data-state=ActiveUnacknowledged]").WaitForAsync();
        await page.Page.Locator("[data-testid=alert-badge] [data-priority=High]").WaitForAsync();
        await BrowserFixture.SaveScreenshotAsync(page.Page, "alerts.png");
        var alert = _host.Get<AlertBoard>().All().Single(candidate => candidate.RuleId == rule.Id);

        var acknowledge = row.Locator("button[data-testid=ack]");
        var box = await acknowledge.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.X + box.Width <= 1440, $"The acknowledge button is outside the 1440 px wide window, at x = {box.X}.");
        await acknowledge.ClickAsync();
        var note = page.Page.Locator(".mud-dialog textarea");
        await note.WaitForAsync();
        Assert.True(await page.Page.Locator("[data-testid=ack-confirm]").IsDisabledAsync(), "Acknowledge is enabled without the required note.");
        await note.FillAsync(Note);
        await Assertions.Expect(page.Page.Locator("[data-testid=ack-confirm]")).ToBeEnabledAsync();
        await BrowserFixture.SaveScreenshotAsync(page.Page, "alerts-acknowledge.png");
        await page.Page.Locator("[data-testid=ack-confirm]").ClickAsync();

        await row.Locator("[data-state=ActiveAcknowledged]").WaitForAsync(new LocatorWaitForOptions { Timeout = AlertTimeoutMs });
        Assert.Contains($"{operatorEmail}, ", await row.InnerTextAsync(), StringComparison.Ordinal);

        var activated = await recorder.WaitForAsync(message => Event(message) == "Activated" && Id(message) == alert.Id, "announcing the activation");
        var acknowledged = await recorder.WaitForAsync(message => Event(message) == "Acknowledged" && Id(message) == alert.Id, "announcing the acknowledgement");
        var messages = recorder.Messages.Where(message => Id(message) == alert.Id).ToList();
        Assert.True(messages.IndexOf(activated) < messages.IndexOf(acknowledged), "The acknowledgement was published before the activation.");
        Assert.Equal(topics.Topic(alert.Asset, TopicKind.Alerts), activated.Topic);
        Assert.False(activated.Retain);

        Assert.Equal("ActiveUnacknowledged", Text(activated, "state"));
        Assert.Equal("High", Text(activated, "priority"));
        Assert.Equal("turbofan-001", Text(activated, "asset"));
        Assert.Equal("T50", Text(activated, "metric"));
        Assert.Equal("LPT outlet temperature high", Text(activated, "rule"));
        Assert.Equal(AlertEngine.SystemUser, Text(activated, "user"));
        Assert.Null(Text(activated, "note"));
        Assert.True(activated.Payload.GetProperty("value").GetDouble() > 1410);

        Assert.Equal("ActiveUnacknowledged", Text(acknowledged, "from"));
        Assert.Equal("ActiveAcknowledged", Text(acknowledged, "state"));
        Assert.Equal(operatorEmail, Text(acknowledged, "user"));
        Assert.Equal(Note, Text(acknowledged, "note"));
        Assert.Empty(page.Errors);
    }

    private static string? Event(RecordedMessage message) => Text(message, "event");

    private static long Id(RecordedMessage message) => message.Payload.GetProperty("id").GetInt64();

    private static string? Text(RecordedMessage message, string property) => message.Payload.GetProperty(property).GetString();
}
