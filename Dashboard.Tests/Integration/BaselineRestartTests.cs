using Dashboard.Estimation;
using Dashboard.Storage;
using Dashboard.Telemetry;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Integration;

/// <summary>
/// The generic method after a restart of the app: the baseline comes from the stored start of the asset's
/// life, so an asset that degraded before the restart is not taken as its own healthy reference.
/// </summary>
public sealed class BaselineRestartTests
{
    private static readonly AssetKey Fan = new("north", "fan-1");
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RestartedApp_KeepsHealthyBaseline()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N"));
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var options = new DashboardHostOptions
        {
            DataDirectory = dataDirectory,
            Settings = new Dictionary<string, string?> { ["Estimation:Enabled"] = "true" },
        };

        await using (var first = await DashboardHost.StartAsync(options))
        {
            await PublishAsync(first, start, cycles: 40, firstCycle: 1, level: 1);
            var stats = first.Get<StorageStats>();
            await Poll.UntilPassesAsync(() => Assert.True(stats.StoredMessages >= 40, $"{stats.StoredMessages} of 40 stored"), Timeout);
        }

        await using var second = await DashboardHost.StartAsync(options);
        await PublishAsync(second, start.AddSeconds(40), cycles: 40, firstCycle: 41, level: 5);

        var last = start.AddSeconds(79);
        var live = second.Get<LiveState>();
        await Poll.UntilPassesAsync(
            () =>
            {
                var estimate = live.Snapshot(Fan)?.EstimatesByModel.GetValueOrDefault(GenericHealthModel.ModelName);
                Assert.NotNull(estimate);
                Assert.Equal(last, estimate.Timestamp);
                Assert.NotNull(estimate.Health);
                Assert.True(estimate.Health < 50, $"health {estimate.Health} although the signal is far above its stored baseline");
            },
            Timeout);
        Assert.Contains(second.Logs.Lines, line => line.Message.Contains("Loaded the baseline of north/fan-1 from 30 stored readings", StringComparison.Ordinal));
    }

    /// <summary>Publishes one reading per cycle: the cycle counter and a vibration around <paramref name="level"/>.</summary>
    private static async Task PublishAsync(DashboardHost host, DateTimeOffset start, int cycles, int firstCycle, double level)
    {
        await using var publisher = await MqttTestClient.ConnectAsync(host.Broker.Host, host.Broker.Port);
        for (var i = 0; i < cycles; i++)
        {
            var cycle = firstCycle + i;
            await publisher.PublishTelemetryAsync(
                Fan,
                start.AddSeconds(i),
                new MetricValue(WellKnownMetrics.Cycle, cycle),
                new MetricValue("vibration", level + (0.05 * Math.Sin(cycle))));
        }
    }
}
