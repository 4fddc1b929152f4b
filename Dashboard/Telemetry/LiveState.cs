using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Dashboard.Telemetry;

/// <summary>
/// In-memory state of every asset, fed by the ingest consumer and read by pages, the API, the estimator and
/// the alert evaluator.
/// </summary>
/// <remarks>
/// Subscribers are called synchronously after each change, outside the asset's lock, on the ingest consumer's
/// thread. A callback must only record that something changed (see <see cref="RenderThrottle"/>) and never
/// render or perform I/O itself.
/// </remarks>
public sealed class LiveState(IOptions<LiveOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<AssetKey, AssetState> _assets = new();
    private readonly SubscriberList _allAssets = new();
    private readonly ConcurrentDictionary<AssetKey, SubscriberList> _assetSubscribers = new();
    private readonly int _windowCapacity = options.Value.WindowPoints;
    private long _lastReceivedTicks;

    /// <summary>Receive time of the newest telemetry reading of any asset, or null before the first one.</summary>
    public DateTimeOffset? LastReceivedAt =>
        Interlocked.Read(ref _lastReceivedTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public int AssetCount => _assets.Count;

    /// <summary>Subscriptions currently open, over all assets; used to check that views unsubscribe.</summary>
    public int SubscriberCount => _allAssets.Count + _assetSubscribers.Values.Sum(list => list.Count);

    public void Apply(TelemetryReading reading) => Apply(reading, time.GetUtcNow());

    public void Apply(TelemetryReading reading, DateTimeOffset receivedAt)
    {
        var asset = GetOrAdd(reading.Asset);
        asset.Apply(reading, receivedAt);
        Interlocked.Exchange(ref _lastReceivedTicks, receivedAt.UtcTicks);
        Notify(asset);
    }

    public void Apply(HealthEstimate estimate)
    {
        var asset = GetOrAdd(estimate.Asset);
        if (asset.Apply(estimate))
        {
            Notify(asset);
        }
    }

    /// <summary>Restores what the store knew about an asset before a restart.</summary>
    public void Restore(AssetKey key, IEnumerable<(string Metric, DateTimeOffset Timestamp, double? Value)> latest, IEnumerable<HealthEstimate> estimates)
    {
        var asset = GetOrAdd(key);
        asset.Restore(latest);
        foreach (var estimate in estimates)
        {
            asset.Apply(estimate);
        }

        Notify(asset);
    }

    public IReadOnlyList<AssetSnapshot> Snapshot() =>
        _assets.Values.Select(asset => asset.Snapshot()).OrderBy(snapshot => snapshot.Key).ToArray();

    public AssetSnapshot? Snapshot(AssetKey key) => _assets.TryGetValue(key, out var asset) ? asset.Snapshot() : null;

    /// <summary>Returns the window points of one metric newer than <paramref name="after"/>, oldest first.</summary>
    public TrendPoint[] Window(AssetKey key, string metric, DateTimeOffset? after = null) =>
        _assets.TryGetValue(key, out var asset) ? asset.Window(metric, after) : [];

    /// <summary>
    /// Calls <paramref name="onChanged"/> after every change of one asset, or of any asset when
    /// <paramref name="asset"/> is null. Dispose the result to unsubscribe.
    /// </summary>
    public IDisposable Subscribe(AssetKey? asset, Action<AssetKey> onChanged) =>
        asset is { } key
            ? _assetSubscribers.GetOrAdd(key, static _ => new SubscriberList()).Add(onChanged)
            : _allAssets.Add(onChanged);

    private AssetState GetOrAdd(AssetKey key) =>
        _assets.GetOrAdd(key, static (k, capacity) => new AssetState(k, capacity), _windowCapacity);

    private void Notify(AssetState asset)
    {
        if (_assetSubscribers.TryGetValue(asset.Key, out var subscribers))
        {
            subscribers.Notify(asset.Key);
        }

        _allAssets.Notify(asset.Key);
    }
}
