using System.Globalization;
using Dashboard.Tests.Infrastructure;
using Npgsql;

namespace Dashboard.Tests.Integration;

/// <summary>
/// The app process killed with SIGKILL while a publisher keeps sending through Mosquitto, then started
/// again: PostgreSQL ends up with every published reading exactly once, and the per-minute aggregates count
/// each reading once although the broker delivers the unacknowledged ones again.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class StorageKillTests(PostgresServer postgres)
{
    private const int Step = 200;

    [Fact]
    public async Task KilledApp_LosesAndDoublesNothing()
    {
        var connectionString = await postgres.CreateDatabaseAsync("kill_restart");
        await using var broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = true, MaxQueuedMessages = 1_000_000 });
        await using var app = await DashboardProcess.StartAsync(new DashboardHostOptions
        {
            ExternalBroker = new BrokerAddress(broker.Host, broker.Port),
            Settings = new Dictionary<string, string?> { ["ConnectionStrings:Dashboard"] = connectionString },
        });
        await using var publisher = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        var asset = new AssetKey("kill", "pump-1");
        var start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds());
        var published = 0;
        using var stop = new CancellationTokenSource();
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                // 100 ms apart in message time; sent as fast as the broker acknowledges, with a short pause.
                await publisher.PublishTelemetryAsync(asset, start.AddMilliseconds(100 * i), new MetricValue("seq", i), new MetricValue("half", i % 7 == 0 ? null : i / 2.0));
                Volatile.Write(ref published, i + 1);
                await Task.Delay(1);
            }
        });

        try
        {
            await Poll.UntilPassesAsync(async () => Assert.True(await ScalarAsync(connection, "SELECT count(*) FROM readings") >= Step));
            await app.KillAsync();
            var atKill = Volatile.Read(ref published);
            await Poll.UntilPassesAsync(() => Assert.True(Volatile.Read(ref published) >= atKill + Step));
            await app.StartAgainAsync();
            var atStart = Volatile.Read(ref published);
            await Poll.UntilPassesAsync(() => Assert.True(Volatile.Read(ref published) >= atStart + Step));
        }
        finally
        {
            await stop.CancelAsync();
            await publishing;
        }

        var total = Volatile.Read(ref published);
        await Poll.UntilPassesAsync(
            async () => Assert.Equal(total, await ScalarAsync(connection, "SELECT count(*) FROM readings r JOIN metrics m ON m.id = r.metric_id WHERE m.name = 'seq'")),
            TimeSpan.FromSeconds(90));

        var nullHalves = Enumerable.Range(0, total).Count(i => i % 7 == 0);
        Assert.Equal(2L * total, await ScalarAsync(connection, "SELECT count(*) FROM readings"));
        Assert.Equal(0L, await ScalarAsync(connection, "SELECT count(*) FROM (SELECT 1 FROM readings GROUP BY asset_id, metric_id, ts HAVING count(*) > 1) AS doubled"));
        Assert.Equal(total, await ScalarAsync(connection, "SELECT count(DISTINCT value) FROM readings r JOIN metrics m ON m.id = r.metric_id WHERE m.name = 'seq' AND value BETWEEN 0 AND " + (total - 1).ToString(CultureInfo.InvariantCulture)));

        // Each reading's timestamp matches its sequence number, so none was stored under another's time.
        Assert.Equal(total, await ScalarAsync(
            connection,
            $"SELECT count(*) FROM readings r JOIN metrics m ON m.id = r.metric_id WHERE m.name = 'seq' AND r.ts = timestamptz '{start:yyyy-MM-dd HH:mm:ss}+00' + r.value * interval '100 milliseconds'"));
        Assert.Equal(2L * total - nullHalves, await ScalarAsync(connection, "SELECT sum(count) FROM readings_minute"));
        Assert.Equal(total - 1, await ScalarAsync(connection, "SELECT value::bigint FROM latest_values l JOIN metrics m ON m.id = l.metric_id WHERE m.name = 'seq'"));
        Assert.True(app.IsRunning, $"The app exited. Output:\n{app.Output}");
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
