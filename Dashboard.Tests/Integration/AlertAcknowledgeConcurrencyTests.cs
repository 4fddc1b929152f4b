using System.Net;
using System.Net.Http.Json;
using Dashboard.Alerts;
using Dashboard.Api;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Integration;

/// <summary>
/// Twenty operators acknowledge the same alert at once. Exactly one request may succeed, each of the others
/// must return who acknowledged it and when, and the journal must contain one acknowledgement. Runs on
/// PostgreSQL and SQLite.
/// </summary>
public abstract class AlertAcknowledgeConcurrencyTests : IAsyncLifetime
{
    private const int Requests = 20;

    private static readonly string[] OperatorKeys = Enumerable.Range(0, Requests)
        .Select(i => $"pmd_test_operator_{i:00}_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)))
        .ToArray();

    private DashboardHost _host = null!;

    public async Task InitializeAsync()
    {
        // One API key of the Operator role per request, named operator-00 and onward; index 0 is the fixture's own key.
        var options = await CreateOptionsAsync();
        var settings = new Dictionary<string, string?>(options.Settings);
        for (var i = 0; i < Requests; i++)
        {
            settings[$"Auth:ProvisionedApiKeys:{i + 1}:Name"] = $"operator-{i:00}";
            settings[$"Auth:ProvisionedApiKeys:{i + 1}:Key"] = OperatorKeys[i];
            settings[$"Auth:ProvisionedApiKeys:{i + 1}:Role"] = "Operator";
        }

        _host = await DashboardHost.StartAsync(options with { Settings = settings });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ParallelHttpAcks_ExactlyOneWins()
    {
        var (rule, asset) = await RaiseAlertAsync("http");
        var alert = await _host.WaitForStateAsync(rule, asset, AlertState.ActiveUnacknowledged);

        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            using var client = new HttpClient { BaseAddress = _host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Add("X-Api-Key", OperatorKeys[i]);
            using var response = await client.PostAsJsonAsync($"api/alerts/{alert.Id}/ack", new AcknowledgeRequest($"note {i:00}"));
            var body = await response.Content.ReadFromJsonAsync<AlertCommandDto>(DashboardApi.Json);
            return (Index: i, response.StatusCode, Body: body!);
        })).ToArray();
        gate.SetResult();
        var responses = await Task.WhenAll(requests);

        var winner = Assert.Single(responses, response => response.StatusCode == HttpStatusCode.OK);
        var losers = responses.Where(response => response.StatusCode != HttpStatusCode.OK).ToArray();
        Assert.Equal(Requests - 1, losers.Length);
        Assert.All(losers, loser => Assert.Equal(HttpStatusCode.Conflict, loser.StatusCode));

        var winnerName = $"API key operator-{winner.Index:00}";
        Assert.True(winner.Body.Succeeded);
        Assert.Equal(winnerName, winner.Body.Alert!.AcknowledgedBy);
        Assert.Equal(nameof(AlertState.ActiveAcknowledged), winner.Body.Alert.State);
        var acknowledgedAt = winner.Body.Alert.AcknowledgedAt!.Value;
        var expectedMessage = $"already acknowledged by {winnerName} at {acknowledgedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z";
        foreach (var loser in losers)
        {
            Assert.False(loser.Body.Succeeded);
            Assert.Equal(nameof(AlertCommandStatus.Conflict), loser.Body.Status);
            Assert.Contains(expectedMessage, loser.Body.Message, StringComparison.Ordinal);
            Assert.Equal(winnerName, loser.Body.Alert!.AcknowledgedBy);
            Assert.Equal(acknowledgedAt, loser.Body.Alert.AcknowledgedAt);
        }

        Assert.Equal(1, await _host.CountEventsAsync(alert.Id, AlertEventKind.Acknowledged));
        var journal = await _host.Get<AlertStore>().GetEventsAsync(alert.Id, CancellationToken.None);
        var acknowledged = Assert.Single(journal, alertEvent => alertEvent.Kind == AlertEventKind.Acknowledged);
        Assert.Equal(winnerName, acknowledged.User);
        Assert.Equal($"note {winner.Index:00}", acknowledged.Note);
    }

    [Fact]
    public async Task ParallelStoreAcks_ExactlyOneWins()
    {
        var (rule, asset) = await RaiseAlertAsync("store");
        var alert = await _host.WaitForStateAsync(rule, asset, AlertState.ActiveUnacknowledged);
        var store = _host.Get<AlertStore>();

        // The store is called directly, past the service's per-alert lock, so only its conditional update
        // can keep the requests apart.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var attempts = Enumerable.Range(0, Requests).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            return (Index: i, Result: await store.AcknowledgeAsync(alert.Id, $"operator-{i:00}", "parallel", DateTimeOffset.UtcNow, CancellationToken.None));
        })).ToArray();
        gate.SetResult();
        var results = await Task.WhenAll(attempts);

        var winner = Assert.Single(results, attempt => attempt.Result.Succeeded);
        Assert.All(results, attempt => Assert.Equal($"operator-{winner.Index:00}", attempt.Result.Alert!.AcknowledgedBy));
        Assert.All(results, attempt => Assert.Equal(AlertState.ActiveAcknowledged, attempt.Result.Alert!.State));
        Assert.Equal(1, await _host.CountEventsAsync(alert.Id, AlertEventKind.Acknowledged));
    }

    /// <summary>Returns the app's settings for the store under test.</summary>
    protected abstract Task<DashboardHostOptions> CreateOptionsAsync();

    private async Task<(AlertRule Rule, AssetKey Asset)> RaiseAlertAsync(string site)
    {
        var rule = await _host.AddRuleAsync(AlertHost.HighRule(site, 10));
        var asset = new AssetKey(site, "pump-1");
        await _host.PublishAsync(asset, DateTimeOffset.UtcNow.AddSeconds(-5), 20);
        return (rule, asset);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAlertAcknowledgeConcurrencyTests(PostgresServer server) : AlertAcknowledgeConcurrencyTests
{
    protected override async Task<DashboardHostOptions> CreateOptionsAsync() => new()
    {
        Settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Dashboard"] = await server.CreateDatabaseAsync("alert_ack_concurrency"),
        },
    };
}

public sealed class SqliteAlertAcknowledgeConcurrencyTests : AlertAcknowledgeConcurrencyTests
{
    protected override Task<DashboardHostOptions> CreateOptionsAsync() => Task.FromResult(new DashboardHostOptions());
}
