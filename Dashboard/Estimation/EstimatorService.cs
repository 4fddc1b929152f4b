using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using Dashboard.Hosting;
using Dashboard.Mqtt;
using Dashboard.Storage;
using Dashboard.Telemetry;
using Microsoft.Extensions.Options;

namespace Dashboard.Estimation;

/// <summary>
/// The built-in estimator. It reads telemetry from the <see cref="TelemetryFeed"/>, off the ingest path, and
/// publishes each method's estimate to <c>{prefix}/{site}/{asset}/health</c> like any external model
/// service, so estimates reach pages, store and alerts only through MQTT.
/// </summary>
/// <remarks>
/// A reading only marks its asset as changed; a worker estimates changed assets one at a time. Readings that
/// arrive while an asset waits are folded into one estimate, so estimation runs at most once per new reading
/// per asset and never holds up ingest, however slow a model is.
/// </remarks>
public sealed class EstimatorService : BackgroundService
{
    private const int FeedCapacity = 100_000;

    private readonly ChannelReader<TelemetryEvent> _feed;
    private readonly IReadOnlyList<IAssetEstimator> _estimators;
    private readonly MqttPublisher _publisher;
    private readonly TopicNames _topics;
    private readonly EstimationOptions _options;
    private readonly ILogger<EstimatorService> _logger;
    private readonly ConcurrentDictionary<AssetKey, AssetHistory> _histories = new();
    private readonly ConcurrentDictionary<AssetKey, byte> _pending = new();
    private readonly IReadingStore? _store;
    private readonly HashSet<AssetKey> _baselineLoaded = [];
    private readonly Channel<AssetKey> _work = Channel.CreateUnbounded<AssetKey>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private long _estimates;
    private long _estimateTicks;

    public EstimatorService(
        TelemetryFeed feed,
        IEnumerable<IAssetEstimator> estimators,
        MqttPublisher publisher,
        TopicNames topics,
        IOptions<EstimationOptions> options,
        ILogger<EstimatorService> logger,
        IReadingStore? store = null)
    {
        _store = store;
        _feed = feed.Subscribe(FeedCapacity);
        _estimators = estimators.ToArray();
        _publisher = publisher;
        _topics = topics;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Estimates published so far, over all methods.</summary>
    public long Estimates => Interlocked.Read(ref _estimates);

    /// <summary>Mean time to compute one asset's estimates, all methods together.</summary>
    public TimeSpan MeanEstimateTime => Estimates == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(Interlocked.Read(ref _estimateTicks) / Estimates);

    public IReadOnlyList<IAssetEstimator> Estimators => _estimators;

    /// <summary>Runs every fitting method on one asset's history; used by the worker, tests and benchmarks.</summary>
    public IReadOnlyList<HealthEstimate> EstimateNow(AssetHistory history)
    {
        var results = new List<HealthEstimate>(_estimators.Count);
        lock (history)
        {
            if (history.Count == 0)
            {
                return results;
            }

            foreach (var estimator in _estimators)
            {
                if (estimator.Fits(history))
                {
                    results.Add(estimator.Estimate(history));
                }
            }
        }

        return results;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var worker = Task.Run(() => WorkAsync(stoppingToken), stoppingToken);
        try
        {
            await foreach (var item in _feed.ReadAllAsync(stoppingToken))
            {
                if (item.Reading is not { } reading)
                {
                    continue;
                }

                var history = _histories.GetOrAdd(reading.Asset, _ => new AssetHistory(_options.HistoryReadings, _options.Generic.BaselineReadings));
                bool added;
                lock (history)
                {
                    added = history.Add(reading);
                }

                if (added && _pending.TryAdd(reading.Asset, 0))
                {
                    _work.Writer.TryWrite(reading.Asset);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }

        _work.Writer.TryComplete();
        await worker.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        await foreach (var asset in _work.Reader.ReadAllAsync(cancellationToken))
        {
            _pending.TryRemove(asset, out _);
            try
            {
                var history = _histories[asset];
                if (_store is not null && _baselineLoaded.Add(asset))
                {
                    await LoadStoredBaselineAsync(_store, history, cancellationToken);
                }

                var started = Stopwatch.GetTimestamp();
                var estimates = EstimateNow(history);
                Interlocked.Add(ref _estimateTicks, Stopwatch.GetElapsedTime(started).Ticks);
                foreach (var estimate in estimates)
                {
                    _publisher.Enqueue(_topics.Topic(asset, TopicKind.Health), PayloadWriter.Health(estimate));
                    Interlocked.Increment(ref _estimates);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One asset's bad data must not stop estimates for the others.
                LogMessages.EstimateFailed(_logger, e, asset.ToString());
            }
        }
    }

    /// <summary>
    /// Replaces the start of a newly seen asset's baseline with the stored first readings of its current life,
    /// so a restart of the app does not make a degraded asset its own reference. Runs once per asset, on the
    /// worker, before the asset's first estimate.
    /// </summary>
    private async Task LoadStoredBaselineAsync(IReadingStore store, AssetHistory history, CancellationToken cancellationToken)
    {
        TelemetryReading firstSeen;
        lock (history)
        {
            if (history.Baseline.Count == 0)
            {
                return;
            }

            firstSeen = history.Baseline[0];
        }

        IReadOnlyList<TelemetryReading> stored;
        try
        {
            stored = await StoredBaseline.LoadAsync(store, firstSeen, _options.Generic.BaselineReadings, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Without the store the baseline is learned from the readings that arrive, as for a new asset.
            LogMessages.StoredBaselineFailed(_logger, e, firstSeen.Asset.ToString());
            return;
        }

        if (stored.Count == 0)
        {
            return;
        }

        lock (history)
        {
            // The history may have started a new life meanwhile; its baseline then no longer begins at firstSeen.
            if (history.Baseline.Count > 0 && history.Baseline[0] == firstSeen)
            {
                history.SetBaseline([.. stored, .. history.Baseline]);
            }
        }

        LogMessages.StoredBaselineLoaded(_logger, firstSeen.Asset.ToString(), stored.Count);
    }
}
