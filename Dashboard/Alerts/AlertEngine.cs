using System.Data.Common;
using System.Globalization;
using Dashboard.Hosting;
using Dashboard.Storage;
using Dashboard.Telemetry;
using Microsoft.Extensions.Options;

namespace Dashboard.Alerts;

/// <summary>
/// Evaluates the rules against every accepted reading and estimate, off the ingest path, and moves alerts
/// through the ISA-18.2 states. It restores the stored alerts at start instead of raising them again, ignores
/// readings no newer than an alert's last condition change (retained and redelivered messages), checks
/// staleness and shelve expiry once per tick, and keeps working in memory while the database is down,
/// storing what it missed once the database is back.
/// </summary>
public sealed class AlertEngine : BackgroundService
{
    public const string SystemUser = "system";

    private const int FeedCapacity = 100_000;
    private static readonly TimeSpan StoreRetryInterval = TimeSpan.FromSeconds(5);

    private readonly AlertStore _store;
    private readonly AlertBoard _board;
    private readonly AlertNotifier _notifier;
    private readonly LiveState _live;
    private readonly EstimateSelector _selector;
    private readonly StorageReadiness _readiness;
    private readonly AlertOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AlertEngine> _logger;
    private readonly System.Threading.Channels.ChannelReader<TelemetryEvent> _feed;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long RuleId, AssetKey Asset, string Metric), ConditionTracker> _trackers = new();
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RuleSet _rules = RuleSet.Empty;
    private readonly Dictionary<(AssetKey Asset, string Metric), ConditionTracker[]> _seriesTrackers = [];
    private RuleSet? _trackedRules;
    private DateTimeOffset _storeDownUntil;
    private long _evaluations;

    public AlertEngine(
        AlertStore store,
        AlertBoard board,
        AlertNotifier notifier,
        TelemetryFeed feed,
        LiveState live,
        EstimateSelector selector,
        StorageReadiness readiness,
        IOptions<AlertOptions> options,
        TimeProvider time,
        ILogger<AlertEngine> logger)
    {
        _store = store;
        _board = board;
        _notifier = notifier;
        _live = live;
        _selector = selector;
        _readiness = readiness;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _feed = feed.Subscribe(FeedCapacity);
    }

    public RuleSet Rules => _rules;

    /// <summary>Rule evaluations so far (one per rule and matching value), for diagnostics and benchmarks.</summary>
    public long Evaluations => Volatile.Read(ref _evaluations);

    /// <summary>Completes once rules and alerts are loaded from the store.</summary>
    public Task Loaded => _loaded.Task;

    /// <summary>Loads the rules again after an edit; trackers of the old rules are rebuilt from the stored alerts.</summary>
    public async Task ReloadRulesAsync(CancellationToken cancellationToken) =>
        _rules = new RuleSet(await _store.LoadRulesAsync(cancellationToken));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _readiness.WaitAsync(stoppingToken);
            await LoadAsync(stoppingToken);
            using var timer = new PeriodicTimer(_options.TickInterval, _time);
            var tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();

            // One pending read at a time: a new wait per tick would pile up while no telemetry arrives.
            var read = _feed.WaitToReadAsync(stoppingToken).AsTask();
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.WhenAny(read, tick);
                if (read.IsCompleted)
                {
                    if (!await read)
                    {
                        break;
                    }

                    while (_feed.TryRead(out var item))
                    {
                        await EvaluateAsync(item, stoppingToken);
                    }

                    read = _feed.WaitToReadAsync(stoppingToken).AsTask();
                }

                if (tick.IsCompleted)
                {
                    await tick;
                    await OnTickAsync(stoppingToken);
                    tick = timer.WaitForNextTickAsync(stoppingToken).AsTask();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Evaluates one reading or estimate against the matching rules.</summary>
    public async Task EvaluateAsync(TelemetryEvent item, CancellationToken cancellationToken)
    {
        var rules = _rules;
        if (!ReferenceEquals(rules, _trackedRules))
        {
            _trackers.Clear();
            _seriesTrackers.Clear();
            _trackedRules = rules;
        }

        if (item.Reading is { } reading)
        {
            foreach (var (metric, value) in reading.Values)
            {
                // The trackers of a series are looked up once per value, and the state machine and store are
                // reached only when a condition changes, so evaluation stays synchronous and cheap.
                var trackers = SeriesTrackers(rules, reading.Asset, metric);
                _evaluations += trackers.Length;
                foreach (var tracker in trackers)
                {
                    if (tracker.Evaluate(reading.Timestamp, value) is { } change)
                    {
                        await ApplyConditionAsync(tracker.Rule, reading.Asset, metric, change, cancellationToken);
                    }
                }
            }
        }
        else if (item.Estimate is { } estimate && _live.Snapshot(estimate.Asset) is { } snapshot
            && _selector.Select(snapshot)?.Model == estimate.Model)
        {
            foreach (var rule in rules.ForAsset(estimate.Asset))
            {
                double? value = rule.Kind switch
                {
                    RuleKind.HealthBelow => estimate.Health,
                    RuleKind.RulLowerBelow => estimate.Rul is { } rul ? rul.Lower ?? rul.Value : null,
                    _ => null,
                };
                if (value is not null)
                {
                    await EvaluateAsync(rule, estimate.Asset, string.Empty, estimate.Timestamp, value, cancellationToken);
                }
            }
        }
    }

    private async Task EvaluateAsync(AlertRule rule, AssetKey asset, string metric, DateTimeOffset timestamp, double? value, CancellationToken cancellationToken)
    {
        _evaluations++;
        if (Tracker(rule, asset, metric).Evaluate(timestamp, value) is { } change)
        {
            await ApplyConditionAsync(rule, asset, metric, change, cancellationToken);
        }
    }

    private ConditionTracker[] SeriesTrackers(RuleSet rules, AssetKey asset, string metric)
    {
        if (!_seriesTrackers.TryGetValue((asset, metric), out var trackers))
        {
            trackers = rules.ForMetric(asset, metric).Select(rule => Tracker(rule, asset, metric)).ToArray();
            _seriesTrackers[(asset, metric)] = trackers;
        }

        return trackers;
    }

    /// <summary>Returns the tracker of one alarm point, created with the condition of its stored alert.</summary>
    private ConditionTracker Tracker(AlertRule rule, AssetKey asset, string metric) =>
        _trackers.GetOrAdd((rule.Id, asset, metric), key =>
        {
            var tracker = new ConditionTracker(rule);
            if (_board.Find(key.RuleId, key.Asset, key.Metric)?.Record is { } stored)
            {
                tracker.Restore(stored.ConditionActive, stored.ConditionChangedAt);
            }

            return tracker;
        });

    private async Task ApplyConditionAsync(AlertRule rule, AssetKey asset, string metric, ConditionChange change, CancellationToken cancellationToken)
    {
        var entry = _board.Find(rule.Id, asset, metric);
        if (entry is null)
        {
            if (!change.Active)
            {
                return;
            }

            entry = _board.GetOrAdd(new AlertRecord(
                0, rule.Id, asset, metric, AlertState.Normal, false, rule.Priority, rule.Name, null,
                null, null, null, null, null, null, null, 0, _time.GetUtcNow()));
        }

        await entry.Lock.WaitAsync(cancellationToken);
        try
        {
            var current = entry.Record;
            if (current.ConditionChangedAt is { } changedAt && change.Timestamp <= changedAt)
            {
                return;
            }

            var updated = current with
            {
                ConditionActive = change.Active,
                ConditionChangedAt = change.Timestamp,
                Value = change.Value,
                Priority = rule.Priority,
                Version = current.Version + 1,
                UpdatedAt = _time.GetUtcNow(),
            };

            AlertEvent? alertEvent = null;
            if (AlertStateMachine.OnCondition(current.State, change.Active) is { } transition)
            {
                updated = updated with { State = transition.State };
                if (transition.Event == AlertEventKind.Activated)
                {
                    // The message describes the activation, so it is written then and kept until the next one.
                    updated = updated with
                    {
                        ActivatedAt = change.Timestamp,
                        AcknowledgedBy = null,
                        AcknowledgedAt = null,
                        Message = Render(rule, asset, metric, change.Value),
                    };
                }

                alertEvent = new AlertEvent(0, current.Id, change.Timestamp, transition.Event, current.State, transition.State, SystemUser, null, change.Value);
            }

            await ChangeAsync(entry, updated, alertEvent, cancellationToken);
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    /// <summary>
    /// Applies a change in memory, then stores it. The caller holds the entry's lock. While the store is
    /// down the change stays pending and is stored on a later tick; its MQTT notification waits with it so
    /// that notifications carry the stored alert id.
    /// </summary>
    internal async Task ChangeAsync(AlertEntry entry, AlertRecord updated, AlertEvent? alertEvent, CancellationToken cancellationToken)
    {
        if (alertEvent is not null)
        {
            entry.PendingEvents.Add(alertEvent);
        }

        _board.Update(entry, updated);
        await TrySaveAsync(entry, cancellationToken);
    }

    private async Task TrySaveAsync(AlertEntry entry, CancellationToken cancellationToken)
    {
        if (_time.GetUtcNow() < _storeDownUntil || !entry.IsDirty)
        {
            return;
        }

        try
        {
            var pending = entry.PendingEvents.ToArray();
            var (saved, conflict) = await _store.SaveAsync(entry.Record, entry.StoredVersion, pending, cancellationToken);
            entry.PendingEvents.Clear();
            entry.StoredVersion = saved.Version;
            _board.Update(entry, saved);
            if (conflict)
            {
                // Another instance changed the alert first; its stored state wins and the trackers follow it.
                LogMessages.AlertConflict(_logger, saved.Id);
                if (_trackers.TryGetValue((saved.RuleId, saved.Asset, saved.Metric), out var tracker))
                {
                    tracker.Restore(saved.ConditionActive, saved.ConditionChangedAt);
                }
                return;
            }

            var ruleName = _rules.Get(saved.RuleId)?.Name ?? saved.Message;
            foreach (var alertEvent in pending)
            {
                _notifier.Publish(saved, alertEvent with { AlertId = saved.Id }, ruleName);
            }
        }
        catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
        {
            _storeDownUntil = _time.GetUtcNow() + StoreRetryInterval;
            LogMessages.AlertStoreFailed(_logger, e, StoreRetryInterval);
        }
    }

    /// <summary>Checks staleness and shelve expiry, and retries storing pending changes; the engine calls it once per tick.</summary>
    internal async Task OnTickAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        foreach (var snapshot in _live.Snapshot())
        {
            if (snapshot.LastReadingAt is not { } lastReading)
            {
                continue;
            }

            foreach (var rule in _rules.ForAsset(snapshot.Key).Where(rule => rule.Kind == RuleKind.Stale))
            {
                await EvaluateAsync(rule, snapshot.Key, string.Empty, now, (now - lastReading).TotalSeconds, cancellationToken);
            }
        }

        foreach (var entry in _board.Entries.ToArray())
        {
            if (entry.Record is { State: AlertState.Shelved, ShelvedUntil: { } until } && until <= now)
            {
                await ResumeAsync(entry, AlertEventKind.Unshelved, SystemUser, "shelve time is up", cancellationToken);
            }
            else if (entry.IsDirty)
            {
                await entry.Lock.WaitAsync(cancellationToken);
                try
                {
                    await TrySaveAsync(entry, cancellationToken);
                }
                finally
                {
                    entry.Lock.Release();
                }
            }
        }
    }

    /// <summary>Unshelves or returns an alert to service, into the state its condition calls for.</summary>
    internal async Task ResumeAsync(AlertEntry entry, AlertEventKind kind, string user, string? note, CancellationToken cancellationToken)
    {
        await entry.Lock.WaitAsync(cancellationToken);
        try
        {
            var current = entry.Record;
            var expected = kind == AlertEventKind.Unshelved ? AlertState.Shelved : AlertState.OutOfService;
            if (current.State != expected)
            {
                return;
            }

            var now = _time.GetUtcNow();
            var state = AlertStateMachine.Resume(current.ConditionActive);
            var updated = current with
            {
                State = state,
                ShelvedBy = null,
                ShelvedUntil = null,
                ShelveReason = null,
                ActivatedAt = state == AlertState.ActiveUnacknowledged ? now : current.ActivatedAt,
                AcknowledgedBy = state == AlertState.ActiveUnacknowledged ? null : current.AcknowledgedBy,
                AcknowledgedAt = state == AlertState.ActiveUnacknowledged ? null : current.AcknowledgedAt,
                Version = current.Version + 1,
                UpdatedAt = now,
            };
            await ChangeAsync(entry, updated, new AlertEvent(0, current.Id, now, kind, current.State, state, user, note, current.Value), cancellationToken);
        }
        finally
        {
            entry.Lock.Release();
        }
    }

    /// <summary>Loads the rules (seeding the demo rules into an empty table) and the stored alerts, retrying while the store is down.</summary>
    internal async Task LoadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                var rules = await _store.LoadRulesAsync(cancellationToken);
                if (rules.Count == 0 && _options.SeedDemoRules)
                {
                    foreach (var rule in AlertSeed.DemoRules())
                    {
                        await _store.SaveRuleAsync(rule, SystemUser, _time.GetUtcNow(), cancellationToken);
                    }

                    rules = await _store.LoadRulesAsync(cancellationToken);
                }

                _rules = new RuleSet(rules);
                _board.Clear();
                var alerts = await _store.LoadAlertsAsync(cancellationToken);
                foreach (var alert in alerts)
                {
                    _board.Update(_board.GetOrAdd(alert), alert);
                }

                LogMessages.AlertsLoaded(_logger, rules.Count, alerts.Count(alert => alert.State != AlertState.Normal));
                _loaded.TrySetResult();
                return;
            }
            catch (Exception e) when (e is DbException or TimeoutException or InvalidOperationException)
            {
                LogMessages.AlertStoreFailed(_logger, e, StoreRetryInterval);
                await Task.Delay(StoreRetryInterval, _time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Fills a rule's message template: {site}, {asset}, {metric}, {value}, {threshold} and {rule} are
    /// replaced; other text is kept as written.
    /// </summary>
    public static string Render(AlertRule rule, AssetKey asset, string metric, double? value) => rule.Message
        .Replace("{site}", asset.Site, StringComparison.Ordinal)
        .Replace("{asset}", asset.Asset, StringComparison.Ordinal)
        .Replace("{metric}", metric, StringComparison.Ordinal)
        .Replace("{value}", value is { } number ? number.ToString("0.###", CultureInfo.InvariantCulture) : "—", StringComparison.Ordinal)
        .Replace("{threshold}", rule.Threshold.ToString("0.###", CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{rule}", rule.Name, StringComparison.Ordinal);
}
