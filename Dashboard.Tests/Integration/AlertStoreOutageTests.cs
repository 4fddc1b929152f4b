using System.Net;
using System.Net.Http.Json;
using Dashboard.Alerts;
using Dashboard.Api;
using Dashboard.Mqtt;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Tests.Integration;

/// <summary>
/// PostgreSQL stops while alerts change. The engine keeps the changes in memory, acknowledgements are
/// rejected with 503, and once the database is back the pending transitions are stored and published.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class AlertStoreOutageTests(PostgresServer server) : IAsyncLifetime
{
    private const string Site = "outage";
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(90);

    private DashboardHost _host = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await server.CreateDatabaseAsync("alert_outage");
        _host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            Settings = new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = connectionString },
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        if (!server.IsRunning)
        {
            await server.StartAsync();
        }
    }

    [Fact]
    public async Task StoreDown_KeepsPendingThenStores()
    {
        var rule = await _host.AddRuleAsync(AlertHost.HighRule(Site, 10));
        var topics = _host.Get<TopicNames>();
        await using var recorder = await MqttMessageRecorder.StartAsync(_host.Broker.Host, _host.Broker.Port, topics.Topic(new AssetKey(Site, "+"), TopicKind.Alerts));
        var returning = new AssetKey(Site, "pump-returning");
        var untouched = new AssetKey(Site, "pump-untouched");
        var raisedDuringOutage = new AssetKey(Site, "pump-new");
        var t = DateTimeOffset.UtcNow.AddMinutes(-1);

        await _host.PublishAsync(returning, t, 20);
        await _host.PublishAsync(untouched, t, 20);
        var returningAlert = await _host.WaitForStateAsync(rule, returning, AlertState.ActiveUnacknowledged);
        var untouchedAlert = await _host.WaitForStateAsync(rule, untouched, AlertState.ActiveUnacknowledged);
        await recorder.WaitForAsync(message => Event(message) == "Activated" && Id(message) == untouchedAlert.Id, "announcing the first alerts");

        await server.StopAsync();
        await _host.PublishAsync(returning, t.AddSeconds(1), 5);
        await _host.PublishAsync(raisedDuringOutage, t.AddSeconds(1), 20);

        var board = _host.Get<AlertBoard>();
        await Poll.UntilPassesAsync(() =>
        {
            Assert.Equal(AlertState.ReturnedUnacknowledged, board.Get(returningAlert.Id)?.State);
            Assert.True(board.Find(returningAlert.Id)!.IsDirty, "The return to normal is not pending.");
            var pending = board.All().SingleOrDefault(alert => alert.Asset == raisedDuringOutage);
            Assert.NotNull(pending);
            Assert.Equal(AlertState.ActiveUnacknowledged, pending.State);
            Assert.Equal(0, pending.Id);
        });
        Assert.Contains(_host.Logs.Lines, line => line.Message.Contains("Alert store unavailable", StringComparison.Ordinal));

        var pendingAck = await AcknowledgeAsync(returningAlert.Id);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, pendingAck.Status);
        Assert.Contains($"Alert {returningAlert.Id} has changes that are not stored yet because the database is unavailable", pendingAck.Problem!.Detail, StringComparison.Ordinal);
        var storedAck = await AcknowledgeAsync(untouchedAlert.Id);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, storedAck.Status);
        Assert.Equal("The alert store is unavailable; the alert was not acknowledged. Try again.", storedAck.Problem!.Detail);
        Assert.Equal(AlertState.ActiveUnacknowledged, board.Get(untouchedAlert.Id)!.State);

        // Notifications carry stored ids, so none of the pending transitions is published yet.
        Assert.DoesNotContain(recorder.Messages, message => Event(message) == "ReturnedToNormal");
        Assert.DoesNotContain(recorder.Messages, message => message.Payload.GetProperty("asset").GetString() == raisedDuringOutage.Asset);

        await server.StartAsync();

        var returned = await WaitForStoredAsync(rule, returning, AlertState.ReturnedUnacknowledged);
        var raised = await WaitForStoredAsync(rule, raisedDuringOutage, AlertState.ActiveUnacknowledged);
        Assert.Equal(returningAlert.Id, returned.Id);
        Assert.NotEqual(0, raised.Id);
        Assert.Equal(1, await _host.CountEventsAsync(returned.Id, AlertEventKind.ReturnedToNormal));
        Assert.Equal(1, await _host.CountEventsAsync(raised.Id, AlertEventKind.Activated));

        var returnedMessage = await recorder.WaitForAsync(message => Event(message) == "ReturnedToNormal" && Id(message) == returned.Id, "announcing the pending return to normal", RecoveryTimeout);
        Assert.Equal("ReturnedUnacknowledged", returnedMessage.Payload.GetProperty("state").GetString());
        var raisedMessage = await recorder.WaitForAsync(message => Event(message) == "Activated" && Id(message) == raised.Id, "announcing the alert raised during the outage", RecoveryTimeout);
        Assert.Equal(raisedDuringOutage.Asset, raisedMessage.Payload.GetProperty("asset").GetString());
        Assert.Equal(AlertEngine.SystemUser, raisedMessage.Payload.GetProperty("user").GetString());

        Assert.Equal(HttpStatusCode.OK, (await AcknowledgeAsync(returned.Id)).Status);
        Assert.Equal(AlertState.Normal, board.Get(returned.Id)!.State);
    }

    private static string? Event(RecordedMessage message) => message.Payload.GetProperty("event").GetString();

    private static long Id(RecordedMessage message) => message.Payload.GetProperty("id").GetInt64();

    private async Task<AlertRecord> WaitForStoredAsync(AlertRule rule, AssetKey asset, AlertState state)
    {
        var board = _host.Get<AlertBoard>();
        AlertRecord? alert = null;
        await Poll.UntilPassesAsync(() =>
        {
            alert = board.All().Single(candidate => candidate.RuleId == rule.Id && candidate.Asset == asset);
            Assert.Equal(state, alert.State);
            Assert.NotEqual(0, alert.Id);
            Assert.False(board.Find(alert.Id)!.IsDirty, $"The alert on {asset} still has changes to store.");
        }, RecoveryTimeout);
        return alert!;
    }

    private async Task<(HttpStatusCode Status, ProblemDetails? Problem)> AcknowledgeAsync(long id)
    {
        using var response = await _host.Http.PostAsJsonAsync($"api/alerts/{id}/ack", new AcknowledgeRequest("checked"));
        var problem = response.IsSuccessStatusCode ? null : await response.Content.ReadFromJsonAsync<ProblemDetails>(DashboardApi.Json);
        return (response.StatusCode, problem);
    }
}
