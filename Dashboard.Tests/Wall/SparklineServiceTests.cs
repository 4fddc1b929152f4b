using Dashboard.Storage;
using Dashboard.Telemetry;
using Dashboard.Tests.Infrastructure;
using Dashboard.Wall;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Tests.Wall;

public sealed class SparklineServiceTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AssetKey Pump = new("north", "pump-1");

    private readonly FakeTimeProvider _time = new(T0);
    private readonly WallOptions _options = new() { SparklineWindow = TimeSpan.FromMinutes(10), SparklineRefreshInterval = TimeSpan.FromSeconds(5) };
    private readonly LiveOptions _liveOptions = new() { WindowPoints = 600 };
    private readonly FakeReadingStore _store = new();
    private readonly LiveState _live;

    public SparklineServiceTests() => _live = new LiveState(Options.Create(_liveOptions), _time);

    [Fact]
    public async Task Get_AfterRestart_BackfillsFromHistory()
    {
        // Before the restart: a reading every 10 s for 8 minutes, all stored. After it: one restored value.
        for (var i = 0; i < 48; i++)
        {
            _store.Add(T0.AddMinutes(-9) + TimeSpan.FromSeconds(10 * i), 1580 + i);
        }

        _live.Apply(new TelemetryReading(Pump, T0.AddSeconds(-1), [new MetricValue("T30", 1700)]), T0);
        var service = CreateService(withHistory: true);

        await Poll.UntilPassesAsync(() => Assert.Equal(49, service.Get(Pump, "T30").ValueCount));

        var sparkline = service.Get(Pump, "T30");
        Assert.Equal(T0.AddMinutes(-9), sparkline.First);
        Assert.Equal(T0.AddSeconds(-1), sparkline.Last);
        Assert.Equal(1, service.HistoryLoads);
    }

    [Fact]
    public async Task CoarseHistory_BeforeFineLive_HasNoFalseGaps()
    {
        // Stored readings every 10 s over the whole window; the live window holds the last 300 readings, 1 s apart.
        _liveOptions.WindowPoints = 300;
        for (var i = 0; i <= 60; i++)
        {
            _store.Add(T0.AddMinutes(-10) + TimeSpan.FromSeconds(10 * i), 1580 + (i % 7));
        }

        var live = new LiveState(Options.Create(_liveOptions), _time);
        for (var i = 0; i < 400; i++)
        {
            live.Apply(new TelemetryReading(Pump, T0.AddSeconds(-399 + i), [new MetricValue("T30", 1580 + (i % 5))]), T0);
        }

        var history = new HistoryService(_store, Options.Create(new StorageOptions()), _time);
        var service = new SparklineService(live, Options.Create(_options), Options.Create(_liveOptions), _time, NullLogger<SparklineService>.Instance, history);

        await Poll.UntilPassesAsync(() => Assert.True(service.Get(Pump, "T30").ValueCount > 300));

        Assert.Single(service.Get(Pump, "T30").Segments);
    }

    [Fact]
    public async Task Outage_BetweenHistoryAndLive_IsGap()
    {
        for (var i = 0; i < 20; i++)
        {
            _store.Add(T0.AddMinutes(-9) + TimeSpan.FromSeconds(10 * i), 1580);
        }

        for (var i = 0; i < 20; i++)
        {
            _live.Apply(new TelemetryReading(Pump, T0.AddSeconds(-190 + (10 * i)), [new MetricValue("T30", 1590)]), T0);
        }

        var service = CreateService(withHistory: true);

        await Poll.UntilPassesAsync(() => Assert.Equal(40, service.Get(Pump, "T30").ValueCount));

        Assert.Equal(2, service.Get(Pump, "T30").Segments.Count);
    }

    [Fact]
    public void Get_LiveWindowCoversWindow_SkipsHistory()
    {
        for (var i = 0; i <= 66; i++)
        {
            _live.Apply(new TelemetryReading(Pump, T0.AddMinutes(-11) + TimeSpan.FromSeconds(10 * i), [new MetricValue("T30", i)]), T0);
        }

        var service = CreateService(withHistory: true);

        var sparkline = service.Get(Pump, "T30");

        Assert.Equal(0, service.HistoryLoads);
        Assert.Equal(61, sparkline.ValueCount);
    }

    [Fact]
    public void Get_WithinRefreshInterval_ReturnsCachedSparkline()
    {
        _live.Apply(new TelemetryReading(Pump, T0, [new MetricValue("T30", 1)]), T0);
        var service = CreateService(withHistory: false);
        var first = service.Get(Pump, "T30");

        _live.Apply(new TelemetryReading(Pump, T0.AddSeconds(1), [new MetricValue("T30", 2)]), T0);
        _time.Advance(TimeSpan.FromSeconds(4));
        var cached = service.Get(Pump, "T30");
        _time.Advance(TimeSpan.FromSeconds(1));
        var recomputed = service.Get(Pump, "T30");

        Assert.Same(first, cached);
        Assert.Equal(1, cached.ValueCount);
        Assert.Equal(2, recomputed.ValueCount);
    }

    [Fact]
    public async Task ReloadHistory_ManyDisplaysAtOnce_QueriesOnce()
    {
        _store.Add(T0.AddMinutes(-5), 1);
        _live.Apply(new TelemetryReading(Pump, T0, [new MetricValue("T30", 2)]), T0);
        var service = CreateService(withHistory: true);
        service.Get(Pump, "T30");
        await Poll.UntilPassesAsync(() => Assert.Equal(2, service.Get(Pump, "T30").ValueCount));
        _time.Advance(TimeSpan.FromSeconds(30));

        // Three displays reconnect at the same moment and ask for the same metric.
        for (var i = 0; i < 3; i++)
        {
            service.ReloadHistory([(Pump, "T30")]);
        }

        await Poll.UntilPassesAsync(() => Assert.Equal(2, _store.RawReads));
        Assert.Equal(2, service.HistoryLoads);
    }

    [Fact]
    public async Task HistoryFailure_KeepsLivePoints()
    {
        _store.Failure = new InvalidOperationException("database is locked");
        _live.Apply(new TelemetryReading(Pump, T0, [new MetricValue("T30", 2)]), T0);
        var service = CreateService(withHistory: true);

        var sparkline = service.Get(Pump, "T30");

        Assert.Equal(1, sparkline.ValueCount);
        await Poll.UntilPassesAsync(() => Assert.Equal(1, _store.RawReads));
        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, service.Get(Pump, "T30").ValueCount);
    }

    [Fact]
    public void WithoutStorage_DrawsLiveWindow()
    {
        _live.Apply(new TelemetryReading(Pump, T0.AddSeconds(-5), [new MetricValue("T30", 1)]), T0);
        _live.Apply(new TelemetryReading(Pump, T0, [new MetricValue("T30", 2)]), T0);
        var service = CreateService(withHistory: false);

        var sparkline = service.Get(Pump, "T30");

        Assert.Equal(2, sparkline.ValueCount);
        Assert.Equal(0, service.HistoryLoads);
    }

    private SparklineService CreateService(bool withHistory)
    {
        var history = withHistory ? new HistoryService(_store, Options.Create(new StorageOptions()), _time) : null;
        return new SparklineService(_live, Options.Create(_options), Options.Create(_liveOptions), _time, NullLogger<SparklineService>.Instance, history);
    }

    /// <summary>A store of raw readings of one metric that counts its queries; the other members are not used.</summary>
    private sealed class FakeReadingStore : IReadingStore
    {
        private readonly List<TrendSample> _samples = [];
        private int _rawReads;

        public string Description => "fake";

        public int RawReads => Volatile.Read(ref _rawReads);

        public Exception? Failure { get; set; }

        public void Add(DateTimeOffset timestamp, double value) => _samples.Add(new TrendSample(timestamp, value));

        public Task<IReadOnlyList<TrendSample>> ReadRawAsync(AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _rawReads);
            if (Failure is { } failure)
            {
                throw failure;
            }

            IReadOnlyList<TrendSample> result = _samples.Where(sample => sample.Timestamp >= from && sample.Timestamp < to).Take(limit).ToList();
            return Task.FromResult(result);
        }

        public Task MigrateAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task WriteAsync(StorageBatch batch, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<StoredAssetState>> LoadLatestAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<BucketAggregate>> ReadBucketsAsync(AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan bucketWidth, bool useMinuteAggregates, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<HealthEstimate>> ReadEstimatesAsync(AssetKey asset, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<bool> HasAssetAsync(AssetKey asset, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<DateTimeOffset?> FindLastDecreaseAsync(AssetKey asset, string metric, DateTimeOffset before, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public bool IsDataError(Exception exception) => false;

        public Task<RetentionResult> DeleteOlderThanAsync(DateTimeOffset rawBefore, DateTimeOffset aggregatesBefore, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}
