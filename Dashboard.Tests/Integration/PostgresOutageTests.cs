using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Dashboard.Tests.Integration;

/// <summary>
/// PostgreSQL stops while readings arrive through Mosquitto with its default settings: the live view keeps
/// updating, the backlog grows and shows on the Diagnostics page, and once the database is back every
/// reading is stored exactly once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed partial class PostgresOutageTests(PostgresServer postgres)
{
    private const int BeforeOutage = 10;
    private const int DuringOutage = 300;

    [Fact]
    public async Task DatabaseOutage_LosesNothingAndStoresOnce()
    {
        var connectionString = await postgres.CreateDatabaseAsync("outage");
        await using var broker = await MosquittoServer.StartAsync();
        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            ExternalBroker = new BrokerAddress(broker.Host, broker.Port),
            Settings = new Dictionary<string, string?>
            {
                ["ConnectionStrings:Dashboard"] = connectionString,
                ["Storage:MaxRetryDelay"] = "00:00:01",
            },
        });
        var stats = host.Get<StorageStats>();
        var asset = new AssetKey("outage", "pump-1");
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-20).ToUnixTimeSeconds());
        for (var i = 0; i < BeforeOutage; i++)
        {
            await host.Publisher.PublishTelemetryAsync(asset, start.AddSeconds(i), new MetricValue("a", i), new MetricValue("b", null));
        }

        await Poll.UntilPassesAsync(() => Assert.Equal(BeforeOutage, stats.StoredMessages));

        try
        {
            await postgres.StopAsync();
            for (var i = BeforeOutage; i < BeforeOutage + DuringOutage; i++)
            {
                await host.Publisher.PublishTelemetryAsync(asset, start.AddSeconds(i), new MetricValue("a", i), new MetricValue("b", null));
            }

            await host.Http.WaitForValueAsync(asset, "a", BeforeOutage + DuringOutage - 1);
            await Poll.UntilPassesAsync(() => Assert.Equal(DuringOutage, stats.Backlog));
            await Poll.UntilPassesAsync(() => Assert.False(stats.IsHealthy, "The writer has not failed yet."));
            var page = await host.Http.GetStringAsync("diagnostics");
            var backlogMatch = BacklogOnPage().Match(page);
            Assert.True(backlogMatch.Success, $"The Diagnostics page shows no backlog:\n{page}");
            Assert.Equal(DuringOutage, int.Parse(backlogMatch.Groups[1].Value, CultureInfo.InvariantCulture));
            Assert.Contains("unavailable, retrying", page, StringComparison.Ordinal);
        }
        finally
        {
            if (!postgres.IsRunning)
            {
                await postgres.StartAsync();
            }
        }

        await Poll.UntilPassesAsync(() => Assert.Equal(0, stats.Backlog), TimeSpan.FromSeconds(60));

        var total = BeforeOutage + DuringOutage;
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        Assert.Equal(2L * total, await ScalarAsync(connection, "SELECT count(*) FROM readings"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM (SELECT 1 FROM readings GROUP BY asset_id, metric_id, ts HAVING count(*) > 1) AS doubled"));
        Assert.Equal(total, await ScalarAsync(connection, "SELECT count(DISTINCT value) FROM readings r JOIN metrics m ON m.id = r.metric_id WHERE m.name = 'a'"));
        Assert.Equal(total, await ScalarAsync(connection, "SELECT count(*) FROM readings r JOIN metrics m ON m.id = r.metric_id WHERE m.name = 'b' AND r.value IS NULL"));
        Assert.Equal(total, await ScalarAsync(connection, "SELECT sum(count) FROM readings_minute"));

        var lifetime = host.Get<IHostApplicationLifetime>();
        Assert.False(lifetime.ApplicationStopping.IsCancellationRequested, $"The app is stopping. Log:\n{host.Logs.Text()}");
        Assert.False(host.Get<StorageWriter>().ExecuteTask!.IsCompleted);
        Assert.Contains(host.Logs.Lines, line => line.EventId.Id == 2002);
        Assert.Contains(host.Logs.Lines, line => line.EventId.Id == 2003);
        Assert.True(stats.IsHealthy);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("""Backlog: <span class="metric-value">(\d+)</span>""")]
    private static partial Regex BacklogOnPage();
}
