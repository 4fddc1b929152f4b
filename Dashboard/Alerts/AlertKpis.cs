namespace Dashboard.Alerts;

/// <summary>One bad actor: an alert and how often it activated in the period.</summary>
public sealed record BadActor(AlertRecord Alert, int Activations);

/// <summary>
/// Alarm-management performance over a period, as ISA-18.2 and EEMUA 191 measure it. The benchmarks are
/// on the page: about 1 alert per 10 minutes is manageable, a 10-minute window with more than 10 alerts is
/// a flood, and the priority mix should be near 80 % Low, 15 % Medium, 5 % High and Critical.
/// </summary>
public sealed record AlertKpiReport(
    DateTimeOffset From,
    DateTimeOffset To,
    int Activations,
    double PerTenMinutes,
    double PerDay,
    double FloodShare,
    int MaxInTenMinutes,
    IReadOnlyList<AlertRecord> Chattering,
    IReadOnlyList<AlertRecord> Stale,
    IReadOnlyList<BadActor> BadActors,
    IReadOnlyDictionary<AlertPriority, double> PriorityMix);

/// <summary>Computes <see cref="AlertKpiReport"/> from the journal and the board.</summary>
public sealed class AlertKpiService(AlertStore store, AlertBoard board, TimeProvider time)
{
    public const int FloodThreshold = 10;
    public const int ChatteringActivations = 3;
    public static readonly TimeSpan FloodWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan ChatteringWindow = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(24);

    public async Task<AlertKpiReport> ComputeAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        var to = time.GetUtcNow();
        var from = to - period;
        var activations = await store.ActivationsAsync(from, to, cancellationToken);
        return Compute(activations, board.All(), from, to);
    }

    /// <summary>Computes the report from activations (oldest first) and the current alerts; pure, for tests.</summary>
    public static AlertKpiReport Compute(
        IReadOnlyList<(long AlertId, DateTimeOffset Timestamp, AlertPriority Priority)> activations,
        IReadOnlyList<AlertRecord> alerts,
        DateTimeOffset from,
        DateTimeOffset to)
    {
        var span = to - from;
        var windows = Math.Max(1, (int)Math.Ceiling(span / FloodWindow));
        var perWindow = new int[windows];
        foreach (var (_, timestamp, _) in activations)
        {
            var index = (int)((timestamp - from) / FloodWindow);
            if (index >= 0 && index < windows)
            {
                perWindow[index]++;
            }
        }

        var byId = alerts.Where(alert => alert.Id != 0).ToDictionary(alert => alert.Id);
        var chattering = new HashSet<long>();
        foreach (var group in activations.GroupBy(activation => activation.AlertId))
        {
            var times = group.Select(activation => activation.Timestamp).ToArray();
            for (var i = ChatteringActivations - 1; i < times.Length; i++)
            {
                if (times[i] - times[i - ChatteringActivations + 1] <= ChatteringWindow)
                {
                    chattering.Add(group.Key);
                    break;
                }
            }
        }

        var priorityMix = Enum.GetValues<AlertPriority>().ToDictionary(
            priority => priority,
            priority => activations.Count == 0 ? 0 : activations.Count(activation => activation.Priority == priority) / (double)activations.Count);

        return new AlertKpiReport(
            from,
            to,
            activations.Count,
            activations.Count / (double)windows,
            activations.Count / Math.Max(span.TotalDays, 1.0 / 24),
            perWindow.Count(count => count > FloodThreshold) / (double)windows,
            perWindow.Length == 0 ? 0 : perWindow.Max(),
            chattering.Where(byId.ContainsKey).Select(id => byId[id]).ToArray(),
            alerts.Where(alert => alert.IsActive && alert.ActivatedAt is { } at && to - at > StaleAfter).ToArray(),
            activations.GroupBy(activation => activation.AlertId)
                .Where(group => byId.ContainsKey(group.Key))
                .Select(group => new BadActor(byId[group.Key], group.Count()))
                .OrderByDescending(actor => actor.Activations)
                .Take(10)
                .ToArray(),
            priorityMix);
    }
}
