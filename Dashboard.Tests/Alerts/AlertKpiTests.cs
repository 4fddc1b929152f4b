using Dashboard.Alerts;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Tests.Alerts;

/// <summary>
/// <see cref="AlertKpiService.Compute"/> on a crafted day of activations, with each figure known in advance.
/// </summary>
public sealed class AlertKpiTests
{
    private static readonly DateTimeOffset From = AlertTestBed.T0;
    private static readonly DateTimeOffset To = From.AddDays(1);

    [Fact]
    public void Compute_CraftedDay()
    {
        var activations = new List<(long AlertId, DateTimeOffset Timestamp, AlertPriority Priority)>();
        void Add(long id, DateTimeOffset timestamp, AlertPriority priority = AlertPriority.Low) => activations.Add((id, timestamp, priority));

        // Alert 1 chatters: 3 activations within exactly one minute (00:01:00 to 00:02:00).
        Add(1, From.AddMinutes(1));
        Add(1, From.AddMinutes(1.5));
        Add(1, From.AddMinutes(2));

        // Alert 2 activates 3 times within 61 s: not chattering.
        Add(2, From.AddMinutes(3));
        Add(2, From.AddMinutes(3.5));
        Add(2, From.AddMinutes(4).AddSeconds(1));

        // Window 00:50–01:00 contains 11 activations of alerts 3–13, a flood. Window 01:00–01:10 contains 10, no flood.
        for (var i = 0; i < 11; i++)
        {
            Add(3 + i, From.AddMinutes(50 + (i * 0.5)), i == 0 ? AlertPriority.Critical : AlertPriority.Medium);
        }

        for (var i = 0; i < 10; i++)
        {
            Add(3 + i, From.AddMinutes(60 + (i * 0.5)), AlertPriority.Medium);
        }

        // Alert 14 is the worst actor: 6 activations an hour apart.
        for (var i = 0; i < 6; i++)
        {
            Add(14, From.AddHours(3 + i), AlertPriority.High);
        }

        activations.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
        var alerts = Enumerable.Range(1, 16).Select(id => Alert(id, AlertState.Normal, null)).ToList();
        alerts[14] = Alert(15, AlertState.ActiveAcknowledged, To.AddHours(-25));
        alerts[15] = Alert(16, AlertState.ActiveUnacknowledged, To.AddHours(-23));
        alerts.Add(Alert(17, AlertState.Normal, To.AddHours(-48)));
        alerts.Add(Alert(18, AlertState.Shelved, To.AddHours(-48)));

        var report = AlertKpiService.Compute(activations, alerts, From, To);

        Assert.Equal(33, report.Activations);
        Assert.Equal(33 / 144.0, report.PerTenMinutes, 9);
        Assert.Equal(33, report.PerDay, 9);
        Assert.Equal(1 / 144.0, report.FloodShare, 9);
        Assert.Equal(11, report.MaxInTenMinutes);
        Assert.Equal([1L], report.Chattering.Select(alert => alert.Id));
        Assert.Equal([15L], report.Stale.Select(alert => alert.Id));

        Assert.Equal(10, report.BadActors.Count);
        Assert.Equal(14, report.BadActors[0].Alert.Id);
        Assert.Equal(6, report.BadActors[0].Activations);
        Assert.All(report.BadActors.Skip(1), actor => Assert.True(actor.Activations <= 3, $"Alert {actor.Alert.Id} has {actor.Activations} activations."));
        Assert.Equal(report.BadActors.Select(actor => actor.Activations).OrderByDescending(count => count), report.BadActors.Select(actor => actor.Activations));
        Assert.DoesNotContain(report.BadActors, actor => actor.Alert.Id == 13);

        Assert.Equal(1 / 33.0, report.PriorityMix[AlertPriority.Critical], 9);
        Assert.Equal(6 / 33.0, report.PriorityMix[AlertPriority.High], 9);
        Assert.Equal(20 / 33.0, report.PriorityMix[AlertPriority.Medium], 9);
        Assert.Equal(6 / 33.0, report.PriorityMix[AlertPriority.Low], 9);
    }

    [Fact]
    public void Compute_NoActivations_IsZero()
    {
        var report = AlertKpiService.Compute([], [], From, From.AddHours(1));

        Assert.Equal(0, report.Activations);
        Assert.Equal(0, report.PerTenMinutes);
        Assert.Equal(0, report.PerDay);
        Assert.Equal(0, report.FloodShare);
        Assert.Equal(0, report.MaxInTenMinutes);
        Assert.Empty(report.Chattering);
        Assert.Empty(report.BadActors);
        Assert.All(report.PriorityMix.Values, share => Assert.Equal(0, share));
    }

    [Fact]
    public void Compute_OneHour_ScalesPerDay()
    {
        var activations = Enumerable.Range(0, 6).Select(i => (1L, From.AddMinutes(i * 10), AlertPriority.Low)).ToArray();

        var report = AlertKpiService.Compute(activations, [Alert(1, AlertState.Normal, null)], From, From.AddHours(1));

        Assert.Equal(1, report.PerTenMinutes, 9);
        Assert.Equal(144, report.PerDay, 9);
        Assert.Equal(0, report.FloodShare);
        Assert.Empty(report.Chattering);
    }

    [Fact]
    public async Task ComputeAsync_ReadsJournal()
    {
        await using var bed = await AlertTestBed.CreateAsync();
        var rule = await bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10, priority: AlertPriority.Medium));
        var pump = new AssetKey("north", "pump-1");
        for (var i = 0; i < 4; i++)
        {
            await bed.ReadAsync(pump, AlertTestBed.T0.AddSeconds((2 * i) + 1), 20);
            await bed.ReadAsync(pump, AlertTestBed.T0.AddSeconds((2 * i) + 2), 5);
        }

        bed.Time.Advance(TimeSpan.FromMinutes(1));
        var report = await bed.Services.GetRequiredService<AlertKpiService>().ComputeAsync(TimeSpan.FromHours(1), CancellationToken.None);

        Assert.Equal(4, report.Activations);
        Assert.Equal([bed.Get(rule, pump).Id], report.Chattering.Select(alert => alert.Id));
        Assert.Equal(1.0, report.PriorityMix[AlertPriority.Medium]);
    }

    private static AlertRecord Alert(long id, AlertState state, DateTimeOffset? activatedAt) => new(
        id, 1, new AssetKey("north", $"asset-{id}"), "v", state, state is AlertState.ActiveAcknowledged or AlertState.ActiveUnacknowledged,
        AlertPriority.Low, $"alert {id}", null, activatedAt, activatedAt, null, null, null, null, null, 1, activatedAt ?? From);
}
