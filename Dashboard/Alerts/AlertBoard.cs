using System.Collections.Concurrent;
using Dashboard.Telemetry;

namespace Dashboard.Alerts;

/// <summary>
/// One alarm point in memory: its last stored record, the lock that serialises changes to it, and the
/// events not yet stored while the database was unavailable.
/// </summary>
internal sealed class AlertEntry(AlertRecord record)
{
    public SemaphoreSlim Lock { get; } = new(1, 1);

    public AlertRecord Record { get; set; } = record;

    /// <summary>Version of the row in the database; 0 while the alert has never been stored.</summary>
    public long StoredVersion { get; set; } = record.Id == 0 ? 0 : record.Version;

    public List<AlertEvent> PendingEvents { get; } = [];

    public bool IsDirty => PendingEvents.Count > 0 || StoredVersion != Record.Version;
}

/// <summary>Counts shown in the app bar and on wall displays.</summary>
public sealed record AlertCounts(int Unacknowledged, int Active, int Shelved, int OutOfService, AlertPriority? HighestUnacknowledged);

/// <summary>
/// The alerts of the whole plant in memory, kept in step with the store by the alert engine and service.
/// Pages read it and subscribe to it; they never query the store for live state.
/// </summary>
public sealed class AlertBoard
{
    private readonly ConcurrentDictionary<(long RuleId, AssetKey Asset, string Metric), AlertEntry> _byPoint = new();
    private readonly ConcurrentDictionary<long, AlertEntry> _byId = new();
    private readonly SubscriberList _subscribers = new();

    public int SubscriberCount => _subscribers.Count;

    /// <summary>Calls <paramref name="onChanged"/> after any alert changes, with the asset concerned.</summary>
    public IDisposable Subscribe(Action<AssetKey> onChanged) => _subscribers.Add(onChanged);

    public IReadOnlyList<AlertRecord> All() => _byPoint.Values.Select(entry => entry.Record).ToArray();

    public AlertRecord? Get(long id) => _byId.TryGetValue(id, out var entry) ? entry.Record : null;

    /// <summary>Alerts that need attention (not Normal), most urgent first.</summary>
    public IReadOnlyList<AlertRecord> Open(AssetKey? asset = null) => _byPoint.Values
        .Select(entry => entry.Record)
        .Where(alert => alert.State != AlertState.Normal && (asset is null || alert.Asset == asset))
        .OrderBy(alert => alert.IsUnacknowledged ? 0 : 1)
        .ThenBy(alert => alert.Priority)
        .ThenByDescending(alert => alert.ActivatedAt)
        .ToArray();

    public AlertCounts Counts()
    {
        int unacknowledged = 0, active = 0, shelved = 0, outOfService = 0;
        AlertPriority? highest = null;
        foreach (var entry in _byPoint.Values)
        {
            var alert = entry.Record;
            switch (alert.State)
            {
                case AlertState.Shelved:
                    shelved++;
                    break;
                case AlertState.OutOfService:
                    outOfService++;
                    break;
            }

            if (alert.IsActive)
            {
                active++;
            }

            if (alert.IsUnacknowledged)
            {
                unacknowledged++;
                if (highest is null || alert.Priority < highest)
                {
                    highest = alert.Priority;
                }
            }
        }

        return new AlertCounts(unacknowledged, active, shelved, outOfService, highest);
    }

    internal AlertEntry? Find(long ruleId, AssetKey asset, string metric) =>
        _byPoint.TryGetValue((ruleId, asset, metric), out var entry) ? entry : null;

    internal AlertEntry? Find(long id) => _byId.TryGetValue(id, out var entry) ? entry : null;

    internal IEnumerable<AlertEntry> Entries => _byPoint.Values;

    internal AlertEntry GetOrAdd(AlertRecord record) =>
        _byPoint.GetOrAdd((record.RuleId, record.Asset, record.Metric), _ => new AlertEntry(record));

    /// <summary>Replaces the record of an entry, indexes a newly stored id and tells subscribers.</summary>
    internal void Update(AlertEntry entry, AlertRecord record)
    {
        entry.Record = record;
        if (record.Id != 0)
        {
            _byId[record.Id] = entry;
        }

        _subscribers.Notify(record.Asset);
    }

    internal void Clear()
    {
        _byPoint.Clear();
        _byId.Clear();
    }
}
