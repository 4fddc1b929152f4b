using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Storage;

/// <summary>
/// Base of the storage tests that run the same checks against PostgreSQL and SQLite: every test gets a
/// new, migrated database from <see cref="CreateTargetAsync"/>.
/// </summary>
public abstract class StoreTestBase : IAsyncLifetime
{
    /// <summary>A fixed instant that tests build their timestamps on.</summary>
    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected static readonly AssetKey Pump = new("north", "pump-1");

    protected StoreTarget Target { get; private set; } = null!;

    protected IReadingStore Store => Target.Store;

    public async Task InitializeAsync()
    {
        Target = await CreateTargetAsync();
        await Store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (Target is not null)
        {
            await Target.DisposeAsync();
        }
    }

    /// <summary>Returns a new, empty database of the store kind under test; the base class migrates it.</summary>
    protected abstract Task<StoreTarget> CreateTargetAsync();

    protected static TelemetryReading Reading(AssetKey asset, DateTimeOffset timestamp, params (string Metric, double? Value)[] values) =>
        new(asset, timestamp, values.Select(value => new MetricValue(value.Metric, value.Value)).ToArray());

    protected static StorageBatch Batch(params TelemetryReading[] readings) => new(readings, []);

    protected Task WriteAsync(params TelemetryReading[] readings) => Store.WriteAsync(Batch(readings), CancellationToken.None);

    /// <summary>Writes one reading of <paramref name="metric"/> per step from <paramref name="from"/>, with the value that <paramref name="value"/> gives its index.</summary>
    protected async Task WriteSeriesAsync(AssetKey asset, string metric, DateTimeOffset from, TimeSpan step, int count, Func<int, double?> value)
    {
        const int batchSize = 5000;
        for (var start = 0; start < count; start += batchSize)
        {
            var readings = Enumerable.Range(start, Math.Min(batchSize, count - start))
                .Select(i => Reading(asset, from + (step * i), (metric, value(i))))
                .ToArray();
            await WriteAsync(readings);
        }
    }

    protected Task<IReadOnlyList<TrendSample>> ReadRawAsync(AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to) =>
        Store.ReadRawAsync(asset, metric, from, to, 100_000, CancellationToken.None);

    /// <summary>Returns the latest stored value of one metric, or fails when the store has none.</summary>
    protected async Task<(DateTimeOffset Timestamp, double? Value)> LatestAsync(AssetKey asset, string metric)
    {
        var states = await Store.LoadLatestAsync(CancellationToken.None);
        var state = Assert.Single(states, state => state.Asset == asset);
        var latest = Assert.Single(state.Latest, value => value.Metric == metric);
        return (latest.Timestamp, latest.Value);
    }
}
