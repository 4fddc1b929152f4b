using Dashboard.Alerts;

namespace Dashboard.Tests.Alerts;

/// <summary>
/// The engine evaluating each rule kind from readings, estimates and ticks, on a real SQLite store and a
/// fake clock. Late and repeated readings must change nothing.
/// </summary>
public sealed class AlertEngineTests : IAsyncLifetime
{
    private static readonly AssetKey Fan = new("north", "turbofan-7");
    private static readonly DateTimeOffset T0 = AlertTestBed.T0;

    private AlertTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await AlertTestBed.CreateAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task HealthBelow_FromShownEstimate()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.HealthBelow, 25, deadband: 5, metric: "*"));

        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(1), 40, null, "model-a"));
        Assert.Null(_bed.Find(rule, Fan, string.Empty));
        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(2), 20, null, "model-a"));

        var alert = _bed.Get(rule, Fan, string.Empty);
        Assert.Equal(AlertState.ActiveUnacknowledged, alert.State);
        Assert.Equal(20, alert.Value);
        Assert.EndsWith("20 against 25", alert.Message, StringComparison.Ordinal);

        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(3), 28, null, "model-a"));
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Fan, string.Empty).State);
        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(4), 31, null, "model-a"));
        Assert.Equal(AlertState.ReturnedUnacknowledged, _bed.Get(rule, Fan, string.Empty).State);
    }

    [Fact]
    public async Task HealthBelow_IgnoresModelNotShown()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.HealthBelow, 25, metric: "*"));
        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(2), 80, null, "model-new"));

        // An older estimate of another model is not the one the dashboard shows, so it raises nothing.
        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(1), 10, null, "model-old"));

        Assert.Null(_bed.Find(rule, Fan, string.Empty));
    }

    [Fact]
    public async Task RulLowerBelow_UsesLowerBoundElseValue()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.RulLowerBelow, 15, metric: "*"));

        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(1), 50, new RulEstimate(40, RulUnit.Cycles, 16, 60), "model-a"));
        Assert.Null(_bed.Find(rule, Fan, string.Empty));
        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(2), 50, new RulEstimate(40, RulUnit.Cycles, 12, 60), "model-a"));
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Fan, string.Empty).State);
        Assert.Equal(12, _bed.Get(rule, Fan, string.Empty).Value);

        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(3), 50, new RulEstimate(30, RulUnit.Cycles, null, null), "model-a"));
        Assert.Equal(AlertState.ReturnedUnacknowledged, _bed.Get(rule, Fan, string.Empty).State);
        await _bed.EstimateAsync(new HealthEstimate(Fan, T0.AddSeconds(4), 50, new RulEstimate(14, RulUnit.Cycles, null, null), "model-a"));
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Fan, string.Empty).State);
        Assert.Equal(14, _bed.Get(rule, Fan, string.Empty).Value);
    }

    [Fact]
    public async Task Stale_ActivatesOnTickAndClearsOnData()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.Stale, 0, window: TimeSpan.FromSeconds(30), metric: "*"));
        await _bed.ReadAsync(Fan, T0, "T50", 1400);

        _bed.Time.Advance(TimeSpan.FromSeconds(30));
        await _bed.TickAsync();
        Assert.Null(_bed.Find(rule, Fan, string.Empty));

        _bed.Time.Advance(TimeSpan.FromSeconds(1));
        await _bed.TickAsync();
        var stale = _bed.Get(rule, Fan, string.Empty);
        Assert.Equal(AlertState.ActiveUnacknowledged, stale.State);
        Assert.Equal(31, stale.Value);

        await _bed.ReadAsync(Fan, _bed.Time.GetUtcNow(), "T50", 1401);
        _bed.Time.Advance(TimeSpan.FromSeconds(1));
        await _bed.TickAsync();
        Assert.Equal(AlertState.ReturnedUnacknowledged, _bed.Get(rule, Fan, string.Empty).State);
    }

    [Fact]
    public async Task RateOfChange_RaisesAlertOnMetric()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.RateOfChange, 5, window: TimeSpan.FromMinutes(1), metric: "T50"));

        await _bed.ReadAsync(Fan, T0, "T50", 1400);
        await _bed.ReadAsync(Fan, T0.AddSeconds(30), "T50", 1401);
        Assert.Null(_bed.Find(rule, Fan, "T50"));
        await _bed.ReadAsync(Fan, T0.AddSeconds(60), "T50", 1410);

        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Fan, "T50").State);
    }

    [Fact]
    public async Task RulePatterns_SelectSitesAssetsMetrics()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10, metric: "T5?") with { SitePattern = "north", AssetPattern = "turbofan-*" });
        var other = new AssetKey("south", "turbofan-7");

        await _bed.ReadAsync(Fan, T0, "T50", 20);
        await _bed.ReadAsync(Fan, T0, "T30", 20);
        await _bed.ReadAsync(other, T0, "T50", 20);
        await _bed.ReadAsync(new AssetKey("north", "pump-1"), T0, "T50", 20);

        Assert.Equal([(Fan, "T50")], _bed.Board.All().Select(alert => (alert.Asset, alert.Metric)));
        Assert.Equal(rule.Id, _bed.Board.All()[0].RuleId);
    }

    [Fact]
    public async Task LateAndRepeatedReadings_ChangeNothing()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Fan, T0.AddSeconds(10), 20);
        var id = _bed.Get(rule, Fan).Id;
        Assert.True((await _bed.Service.AcknowledgeAsync(id, "olsen", "seen", CancellationToken.None)).Succeeded);
        await _bed.ReadAsync(Fan, T0.AddSeconds(20), 5);
        var normal = _bed.Get(rule, Fan);
        Assert.Equal(AlertState.Normal, normal.State);
        var events = await _bed.EventsAsync(id);

        // Redelivered: the activating reading again, an older one, and the clearing one again.
        await _bed.ReadAsync(Fan, T0.AddSeconds(10), 20);
        await _bed.ReadAsync(Fan, T0.AddSeconds(15), 30);
        await _bed.ReadAsync(Fan, T0.AddSeconds(20), 5);

        var after = _bed.Get(rule, Fan);
        Assert.Equal(AlertState.Normal, after.State);
        Assert.Equal(normal.Version, after.Version);
        Assert.Equal(events.Count, (await _bed.EventsAsync(id)).Count);
    }

    [Fact]
    public async Task Restart_RestoresAndIgnoresOldReadings()
    {
        var directory = Path.Combine(Path.GetTempPath(), "dashboard-alert-tests", Guid.NewGuid().ToString("N"));
        try
        {
            AlertRule rule;
            long id;
            await using (var first = await AlertTestBed.CreateAsync(directory: directory))
            {
                rule = await first.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
                await first.ReadAsync(Fan, T0.AddSeconds(10), 20);
                id = first.Get(rule, Fan).Id;
                await first.Service.AcknowledgeAsync(id, "olsen", "seen", CancellationToken.None);
            }

            await using var second = await AlertTestBed.CreateAsync(directory: directory);
            var restored = second.Get(rule, Fan);
            Assert.Equal(id, restored.Id);
            Assert.Equal(AlertState.ActiveAcknowledged, restored.State);
            Assert.True(restored.ConditionActive);

            await second.ReadAsync(Fan, T0.AddSeconds(5), 1);
            await second.ReadAsync(Fan, T0.AddSeconds(10), 20);
            await second.ReadAsync(Fan, T0.AddSeconds(11), 25);

            Assert.Equal(AlertState.ActiveAcknowledged, second.Get(rule, Fan).State);
            Assert.Equal(restored.Version, second.Get(rule, Fan).Version);
            Assert.Equal([AlertEventKind.Activated, AlertEventKind.Acknowledged], await second.EventKindsAsync(id));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task RuleEdit_ReloadsRules()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Fan, T0.AddSeconds(1), 15);
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Fan).State);

        await _bed.AddRuleAsync(rule with { Threshold = 20 });
        Assert.Equal(20, _bed.Engine.Rules.Get(rule.Id)!.Threshold);
        await _bed.ReadAsync(Fan, T0.AddSeconds(2), 15);

        Assert.Equal(AlertState.ReturnedUnacknowledged, _bed.Get(rule, Fan).State);
    }
}
