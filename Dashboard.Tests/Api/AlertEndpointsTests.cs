using System.Net;
using System.Net.Http.Json;
using Dashboard.Alerts;
using Dashboard.Api;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Dashboard.Tests.Api;

/// <summary>The app with Alerts:MaxShelveDuration of two hours, shared by the alert API tests.</summary>
public sealed class AlertApiFixture : DashboardHostFixture
{
    protected override Task<DashboardHostOptions> CreateOptionsAsync() => Task.FromResult(new DashboardHostOptions
    {
        Settings = new Dictionary<string, string?> { ["Alerts:MaxShelveDuration"] = "02:00:00" },
    });
}

/// <summary>
/// The alert HTTP API: server-side filters and pages, validation messages that name the invalid value,
/// shelving and bulk acknowledgement. Each test uses a site of its own on the shared app.
/// </summary>
public sealed class AlertEndpointsTests(AlertApiFixture fixture) : IClassFixture<AlertApiFixture>
{
    private DashboardHost Host => fixture.Host;

    [Fact]
    public async Task List_FiltersAndPagesOnServer()
    {
        var alerts = await RaiseAsync("list", 8);
        var service = Host.Get<AlertService>();
        await service.AcknowledgeAsync(alerts[5].Id, "olsen", "seen", CancellationToken.None);
        await service.AcknowledgeAsync(alerts[6].Id, "olsen", "seen", CancellationToken.None);
        await Host.PublishAsync(alerts[7].Asset, DateTimeOffset.UtcNow, 5);
        await Host.WaitForStateAsync(RuleOf(alerts[7]), alerts[7].Asset, AlertState.ReturnedUnacknowledged);

        var pages = new List<AlertPageDto>();
        for (var offset = 0; offset < 6; offset += 2)
        {
            pages.Add(await GetPageAsync($"api/alerts?site=list&state=ActiveUnacknowledged&limit=2&offset={offset}"));
        }

        Assert.All(pages, page => Assert.Equal(5, page.Total));
        Assert.Equal([2, 2, 1], pages.Select(page => page.Items.Count));
        Assert.Equal([0, 2, 4], pages.Select(page => page.Offset));
        var listed = pages.SelectMany(page => page.Items).ToArray();
        Assert.All(listed, alert => Assert.Equal("ActiveUnacknowledged", alert.State));
        Assert.Equal(alerts.Take(5).Select(alert => alert.Id).Order(), listed.Select(alert => alert.Id).Order());

        var acknowledgedOrReturned = await GetPageAsync("api/alerts?site=list&state=activeacknowledged, ReturnedUnacknowledged");
        Assert.Equal(3, acknowledgedOrReturned.Total);
        Assert.Equal(new[] { alerts[5].Id, alerts[6].Id, alerts[7].Id }.Order(), acknowledgedOrReturned.Items.Select(alert => alert.Id).Order());

        // Unacknowledged alerts come first.
        Assert.Equal("ReturnedUnacknowledged", acknowledgedOrReturned.Items[0].State);
        Assert.Equal(0, (await GetPageAsync("api/alerts?site=list&priority=Low")).Total);
        Assert.Equal(8, (await GetPageAsync("api/alerts?site=list&priority=High,Critical")).Total);
        var byAsset = await GetPageAsync("api/alerts?site=list&asset=PUMP-6");
        Assert.Equal(alerts[6].Id, Assert.Single(byAsset.Items).Id);
        Assert.Equal(0, (await GetPageAsync("api/alerts?site=list&from=2100-01-01T00:00:00Z")).Total);
    }

    [Theory]
    [InlineData("state=ActiveUnacknowledged,Bogus", "state", "'Bogus' is not a valid state")]
    [InlineData("priority=Urgent", "priority", "'Urgent' is not a valid priority")]
    [InlineData("limit=0", "limit", "'limit' must be between 1 and 1000, but is 0.")]
    [InlineData("limit=1001", "limit", "but is 1001.")]
    [InlineData("offset=-1", "offset", "'offset' must not be negative, but is -1.")]
    public async Task List_InvalidQuery_Returns400NamingValue(string query, string field, string message)
    {
        using var response = await Host.Http.GetAsync($"api/alerts?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(DashboardApi.Json);
        Assert.True(problem!.Errors.TryGetValue(field, out var errors), $"No error for '{field}': {string.Join(", ", problem.Errors.Keys)}");
        Assert.Contains(message, Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_UnknownState_ListsValidStates()
    {
        using var response = await Host.Http.GetAsync("api/alerts?state=Bogus");

        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(DashboardApi.Json);
        Assert.Contains("Normal, ActiveUnacknowledged, ActiveAcknowledged, ReturnedUnacknowledged, Shelved, OutOfService", problem!.Errors["state"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shelve_ValidatesReasonAndDuration()
    {
        var alert = (await RaiseAsync("shelve", 1))[0];

        var noReason = await ShelveAsync(alert.Id, new ShelveRequest(" ", 30));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.Status);
        Assert.Equal("A reason is required to shelve an alert.", noReason.Problem!.Detail);

        var tooLong = await ShelveAsync(alert.Id, new ShelveRequest("pump swap", 121));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
        Assert.Equal("'minutes' must be more than 0 and at most 120 (Alerts:MaxShelveDuration is 02:00:00), but is 121.", tooLong.Problem!.Detail);

        var zero = await ShelveAsync(alert.Id, new ShelveRequest("pump swap", 0));
        Assert.Equal(HttpStatusCode.BadRequest, zero.Status);
        Assert.EndsWith("but is 0.", zero.Problem!.Detail, StringComparison.Ordinal);

        var huge = await ShelveAsync(alert.Id, new ShelveRequest("pump swap", 1e12));
        Assert.Equal(HttpStatusCode.BadRequest, huge.Status);
        Assert.EndsWith("but is 1000000000000.", huge.Problem!.Detail, StringComparison.Ordinal);

        Assert.Equal(AlertState.ActiveUnacknowledged, Host.Get<AlertBoard>().Get(alert.Id)!.State);

        var before = DateTimeOffset.UtcNow;
        using var response = await Host.Http.PostAsJsonAsync($"api/alerts/{alert.Id}/shelve", new ShelveRequest("pump swap", 30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var shelved = await response.Content.ReadFromJsonAsync<AlertCommandDto>(DashboardApi.Json);
        Assert.Equal("Shelved", shelved!.Alert!.State);
        Assert.Equal("pump swap", shelved.Alert.ShelveReason);
        Assert.InRange(shelved.Alert.ShelvedUntil!.Value, before.AddMinutes(30), DateTimeOffset.UtcNow.AddMinutes(30));

        using var unshelve = await Host.Http.PostAsJsonAsync($"api/alerts/{alert.Id}/unshelve", new AcknowledgeRequest("done"));
        Assert.Equal(HttpStatusCode.OK, unshelve.StatusCode);
        Assert.Equal(AlertState.ActiveUnacknowledged, Host.Get<AlertBoard>().Get(alert.Id)!.State);
    }

    [Fact]
    public async Task BulkAcknowledge_ReportsEachAlert()
    {
        var alerts = await RaiseAsync("bulk", 2);
        const long missing = 987_654_321;

        var first = await BulkAsync(new BulkAcknowledgeRequest([alerts[0].Id, alerts[1].Id, missing], "shift handover"));
        Assert.Equal(["Succeeded", "Succeeded", "NotFound"], first.Select(result => result.Status));
        Assert.Contains($"Alert {missing} does not exist.", first[2].Message, StringComparison.Ordinal);
        Assert.All(alerts, alert => Assert.Equal(AlertState.ActiveAcknowledged, Host.Get<AlertBoard>().Get(alert.Id)!.State));
        foreach (var alert in alerts)
        {
            var journal = await Host.Get<AlertStore>().GetEventsAsync(alert.Id, CancellationToken.None);
            Assert.Equal("shift handover", journal.Single(alertEvent => alertEvent.Kind == AlertEventKind.Acknowledged).Note);
        }

        var second = await BulkAsync(new BulkAcknowledgeRequest([alerts[0].Id, alerts[0].Id, alerts[1].Id], "again"));
        Assert.Equal(["Conflict", "Conflict"], second.Select(result => result.Status));

        using var empty = await Host.Http.PostAsJsonAsync("api/alerts/ack", new BulkAcknowledgeRequest([], "x"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task Acknowledge_WithoutNote_Returns400()
    {
        var alert = (await RaiseAsync("note", 1))[0];

        using var response = await Host.Http.PostAsJsonAsync($"api/alerts/{alert.Id}/ack", new AcknowledgeRequest(null));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(DashboardApi.Json);
        Assert.Contains("A note is required", problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAndEvents_ReturnAlertAndJournal()
    {
        var alert = (await RaiseAsync("journal", 1))[0];
        await Host.Get<AlertService>().AcknowledgeAsync(alert.Id, "olsen", "looked at it", CancellationToken.None);

        var dto = await Host.Http.GetFromJsonAsync<AlertDto>($"api/alerts/{alert.Id}", DashboardApi.Json);
        var events = await Host.Http.GetFromJsonAsync<AlertEvent[]>($"api/alerts/{alert.Id}/events", DashboardApi.Json);
        using var missing = await Host.Http.GetAsync("api/alerts/987654321");
        using var missingAck = await Host.Http.PostAsJsonAsync("api/alerts/987654321/ack", new AcknowledgeRequest("x"));

        Assert.Equal("ActiveAcknowledged", dto!.State);
        Assert.Equal("olsen", dto.AcknowledgedBy);
        Assert.Equal([AlertEventKind.Activated, AlertEventKind.Acknowledged], events!.Select(alertEvent => alertEvent.Kind));
        Assert.Equal("looked at it", events![1].Note);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missingAck.StatusCode);
    }

    /// <summary>Creates a rule for <paramref name="site"/> and raises one stored alert on each of pump-0 and onward.</summary>
    private async Task<AlertRecord[]> RaiseAsync(string site, int count)
    {
        var rule = await Host.AddRuleAsync(AlertHost.HighRule(site, 10, name: $"{site} high"));
        var timestamp = DateTimeOffset.UtcNow.AddSeconds(-30);
        var alerts = new AlertRecord[count];
        for (var i = 0; i < count; i++)
        {
            await Host.PublishAsync(new AssetKey(site, $"pump-{i}"), timestamp, 20 + i);
        }

        for (var i = 0; i < count; i++)
        {
            alerts[i] = await Host.WaitForStateAsync(rule, new AssetKey(site, $"pump-{i}"), AlertState.ActiveUnacknowledged);
        }

        return alerts;
    }

    private AlertRule RuleOf(AlertRecord alert) => Host.Get<AlertEngine>().Rules.Get(alert.RuleId)!;

    private async Task<AlertPageDto> GetPageAsync(string path)
    {
        using var response = await Host.Http.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"GET {path} returned {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<AlertPageDto>(DashboardApi.Json))!;
    }

    private async Task<(HttpStatusCode Status, ProblemDetails? Problem)> ShelveAsync(long id, ShelveRequest request)
    {
        using var response = await Host.Http.PostAsJsonAsync($"api/alerts/{id}/shelve", request);
        var text = await response.Content.ReadAsStringAsync();
        var problem = response.IsSuccessStatusCode || text.Length == 0 ? null : System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(text, DashboardApi.Json);
        return (response.StatusCode, problem);
    }

    private async Task<AlertCommandDto[]> BulkAsync(BulkAcknowledgeRequest request)
    {
        using var response = await Host.Http.PostAsJsonAsync("api/alerts/ack", request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<AlertCommandDto[]>(DashboardApi.Json))!;
    }
}
