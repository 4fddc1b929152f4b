using Dashboard.Alerts;

namespace Dashboard.Tests.Alerts;

/// <summary>
/// Alerts moving through the ISA-18.2 states in the engine and service, on a real SQLite store and a fake
/// clock: acknowledge before and after return to normal, shelving with expiry, out of service, and
/// chattering suppressed by deadband and delays.
/// </summary>
public sealed class AlertLifecycleTests : IAsyncLifetime
{
    private static readonly AssetKey Pump = new("north", "pump-1");
    private static readonly DateTimeOffset T0 = AlertTestBed.T0;

    private AlertTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await AlertTestBed.CreateAsync(new AlertOptions { SeedDemoRules = false, MaxShelveDuration = TimeSpan.FromHours(2) });

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task RtnBeforeAck_AckMakesNormal()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));

        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Pump).State);
        await _bed.ReadAsync(Pump, T0.AddSeconds(2), 5);
        var returned = _bed.Get(rule, Pump);
        Assert.Equal(AlertState.ReturnedUnacknowledged, returned.State);
        Assert.False(returned.ConditionActive);

        var result = await _bed.Service.AcknowledgeAsync(returned.Id, "olsen", "sensor checked", CancellationToken.None);

        Assert.Equal(AlertCommandStatus.Succeeded, result.Status);
        Assert.Equal(AlertState.Normal, _bed.Get(rule, Pump).State);
        Assert.Equal(AlertState.Normal, (await _bed.Store.GetAlertAsync(returned.Id, CancellationToken.None))!.State);
        Assert.Equal([AlertEventKind.Activated, AlertEventKind.ReturnedToNormal, AlertEventKind.Acknowledged], await _bed.EventKindsAsync(returned.Id));
        var acknowledged = (await _bed.EventsAsync(returned.Id))[^1];
        Assert.Equal(AlertState.ReturnedUnacknowledged, acknowledged.FromState);
        Assert.Equal(AlertState.Normal, acknowledged.ToState);
        Assert.Equal("olsen", acknowledged.User);
        Assert.Equal("sensor checked", acknowledged.Note);
    }

    [Fact]
    public async Task AckWhileActive_ThenRtnMakesNormal()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;

        var result = await _bed.Service.AcknowledgeAsync(id, "olsen", "on my way", CancellationToken.None);

        Assert.Equal(AlertCommandStatus.Succeeded, result.Status);
        var acknowledged = _bed.Get(rule, Pump);
        Assert.Equal(AlertState.ActiveAcknowledged, acknowledged.State);
        Assert.Equal("olsen", acknowledged.AcknowledgedBy);
        Assert.Equal(T0, acknowledged.AcknowledgedAt);

        await _bed.ReadAsync(Pump, T0.AddSeconds(2), 5);

        Assert.Equal(AlertState.Normal, _bed.Get(rule, Pump).State);
        Assert.Equal([AlertEventKind.Activated, AlertEventKind.Acknowledged, AlertEventKind.ReturnedToNormal], await _bed.EventKindsAsync(id));
    }

    [Fact]
    public async Task Acknowledge_Twice_SecondConflictsNamingFirst()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;
        Assert.True((await _bed.Service.AcknowledgeAsync(id, "olsen", "first", CancellationToken.None)).Succeeded);
        var versionAfterFirst = _bed.Get(rule, Pump).Version;

        _bed.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await _bed.Service.AcknowledgeAsync(id, "berg", "second", CancellationToken.None);

        Assert.Equal(AlertCommandStatus.Conflict, second.Status);
        Assert.Contains("already acknowledged by olsen at 2026-03-01 12:00:00Z", second.Message, StringComparison.Ordinal);
        var alert = _bed.Get(rule, Pump);
        Assert.Equal(AlertState.ActiveAcknowledged, alert.State);
        Assert.Equal("olsen", alert.AcknowledgedBy);
        Assert.Equal(versionAfterFirst, alert.Version);
        Assert.Single(await _bed.EventsAsync(id), alertEvent => alertEvent.Kind == AlertEventKind.Acknowledged);
    }

    [Fact]
    public async Task Acknowledge_NormalAlert_ConflictsAndStoresNothing()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;
        await _bed.Service.AcknowledgeAsync(id, "olsen", "first", CancellationToken.None);
        await _bed.ReadAsync(Pump, T0.AddSeconds(2), 5);
        Assert.Equal(AlertState.Normal, _bed.Get(rule, Pump).State);

        var result = await _bed.Service.AcknowledgeAsync(id, "berg", "late", CancellationToken.None);

        Assert.Equal(AlertCommandStatus.Conflict, result.Status);
        Assert.Equal(AlertState.Normal, _bed.Get(rule, Pump).State);
        Assert.Single(await _bed.EventsAsync(id), alertEvent => alertEvent.Kind == AlertEventKind.Acknowledged);
    }

    [Fact]
    public async Task Acknowledge_WithoutNote_IsInvalid()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;

        var result = await _bed.Service.AcknowledgeAsync(id, "olsen", "  ", CancellationToken.None);

        Assert.Equal(AlertCommandStatus.Invalid, result.Status);
        Assert.Contains("note is required", result.Message, StringComparison.Ordinal);
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Pump).State);
    }

    [Fact]
    public async Task ShelveExpiry_ReturnsActiveUnacknowledged()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;
        Assert.True((await _bed.Service.AcknowledgeAsync(id, "olsen", "seen", CancellationToken.None)).Succeeded);

        var shelved = await _bed.Service.ShelveAsync(id, "olsen", "valve maintenance", TimeSpan.FromMinutes(30), CancellationToken.None);
        Assert.Equal(AlertCommandStatus.Succeeded, shelved.Status);
        Assert.Equal(AlertState.Shelved, _bed.Get(rule, Pump).State);
        Assert.Equal(T0.AddMinutes(30), _bed.Get(rule, Pump).ShelvedUntil);

        // While shelved the condition is tracked without a transition: it clears and becomes active again.
        await _bed.ReadAsync(Pump, T0.AddSeconds(10), 5);
        Assert.Equal(AlertState.Shelved, _bed.Get(rule, Pump).State);
        Assert.False(_bed.Get(rule, Pump).ConditionActive);
        await _bed.ReadAsync(Pump, T0.AddSeconds(20), 30);
        Assert.Equal(AlertState.Shelved, _bed.Get(rule, Pump).State);
        Assert.True(_bed.Get(rule, Pump).ConditionActive);

        _bed.Time.Advance(TimeSpan.FromMinutes(30) - TimeSpan.FromSeconds(1));
        await _bed.TickAsync();
        Assert.Equal(AlertState.Shelved, _bed.Get(rule, Pump).State);

        _bed.Time.Advance(TimeSpan.FromSeconds(1));
        await _bed.TickAsync();

        var resumed = _bed.Get(rule, Pump);
        Assert.Equal(AlertState.ActiveUnacknowledged, resumed.State);
        Assert.Null(resumed.ShelvedUntil);
        Assert.Null(resumed.AcknowledgedBy);
        Assert.Equal(_bed.Time.GetUtcNow(), resumed.ActivatedAt);
        Assert.Equal(AlertState.ActiveUnacknowledged, (await _bed.Store.GetAlertAsync(id, CancellationToken.None))!.State);
        var unshelved = (await _bed.EventsAsync(id))[^1];
        Assert.Equal(AlertEventKind.Unshelved, unshelved.Kind);
        Assert.Equal(AlertState.Shelved, unshelved.FromState);
        Assert.Equal(AlertState.ActiveUnacknowledged, unshelved.ToState);
        Assert.Equal(AlertEngine.SystemUser, unshelved.User);
    }

    [Fact]
    public async Task ShelveExpiry_AfterClear_ReturnsNormal()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;
        await _bed.Service.ShelveAsync(id, "olsen", "known fault", TimeSpan.FromMinutes(15), CancellationToken.None);
        await _bed.ReadAsync(Pump, T0.AddSeconds(10), 5);

        _bed.Time.Advance(TimeSpan.FromMinutes(15));
        await _bed.TickAsync();

        Assert.Equal(AlertState.Normal, _bed.Get(rule, Pump).State);
        Assert.Equal(
            [AlertEventKind.Activated, AlertEventKind.Shelved, AlertEventKind.Unshelved],
            await _bed.EventKindsAsync(id));
    }

    [Fact]
    public async Task Shelve_RejectsMissingReasonAndLongDuration()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;

        var noReason = await _bed.Service.ShelveAsync(id, "olsen", " ", TimeSpan.FromMinutes(15), CancellationToken.None);
        var tooLong = await _bed.Service.ShelveAsync(id, "olsen", "known fault", TimeSpan.FromHours(3), CancellationToken.None);

        Assert.Equal(AlertCommandStatus.Invalid, noReason.Status);
        Assert.Contains("reason is required", noReason.Message, StringComparison.Ordinal);
        Assert.Equal(AlertCommandStatus.Invalid, tooLong.Status);
        Assert.Contains("at most 02:00:00", tooLong.Message, StringComparison.Ordinal);
        Assert.Contains("but is 03:00:00", tooLong.Message, StringComparison.Ordinal);
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Pump).State);
    }

    [Fact]
    public async Task OutOfService_StaysSilentUntilReturned()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;

        var removed = await _bed.Service.RemoveFromServiceAsync(id, "admin", "sensor replaced", CancellationToken.None);
        Assert.Equal(AlertCommandStatus.Succeeded, removed.Status);
        Assert.Equal(AlertState.OutOfService, _bed.Get(rule, Pump).State);

        await _bed.ReadAsync(Pump, T0.AddSeconds(10), 5);
        await _bed.ReadAsync(Pump, T0.AddSeconds(20), 30);
        _bed.Time.Advance(TimeSpan.FromDays(1));
        await _bed.TickAsync();
        Assert.Equal(AlertState.OutOfService, _bed.Get(rule, Pump).State);
        Assert.Equal(AlertCommandStatus.Conflict, (await _bed.Service.ShelveAsync(id, "olsen", "x", TimeSpan.FromMinutes(5), CancellationToken.None)).Status);
        Assert.Equal(AlertCommandStatus.Conflict, (await _bed.Service.AcknowledgeAsync(id, "olsen", "x", CancellationToken.None)).Status);

        var returned = await _bed.Service.ReturnToServiceAsync(id, "admin", "sensor works", CancellationToken.None);

        Assert.Equal(AlertCommandStatus.Succeeded, returned.Status);
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Pump).State);
        Assert.Equal(
            [AlertEventKind.Activated, AlertEventKind.RemovedFromService, AlertEventKind.ReturnedToService],
            await _bed.EventKindsAsync(id));
        var lastEvent = (await _bed.EventsAsync(id))[^1];
        Assert.Equal("admin", lastEvent.User);
        Assert.Equal("sensor works", lastEvent.Note);
    }

    [Fact]
    public async Task ReturnToService_AfterClear_IsNormal()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;
        await _bed.Service.RemoveFromServiceAsync(id, "admin", "sensor replaced", CancellationToken.None);
        await _bed.ReadAsync(Pump, T0.AddSeconds(10), 5);

        var returned = await _bed.Service.ReturnToServiceAsync(id, "admin", "done", CancellationToken.None);

        Assert.Equal(AlertCommandStatus.Succeeded, returned.Status);
        Assert.Equal(AlertState.Normal, _bed.Get(rule, Pump).State);
        Assert.Equal(AlertCommandStatus.Conflict, (await _bed.Service.ReturnToServiceAsync(id, "admin", "again", CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Unshelve_ByHand_FollowsCondition()
    {
        var rule = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 10));
        await _bed.ReadAsync(Pump, T0.AddSeconds(1), 20);
        var id = _bed.Get(rule, Pump).Id;
        await _bed.Service.ShelveAsync(id, "olsen", "known fault", TimeSpan.FromMinutes(15), CancellationToken.None);

        var result = await _bed.Service.UnshelveAsync(id, "olsen", "fault fixed", CancellationToken.None);

        Assert.Equal(AlertCommandStatus.Succeeded, result.Status);
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(rule, Pump).State);
        var unshelved = (await _bed.EventsAsync(id))[^1];
        Assert.Equal(AlertEventKind.Unshelved, unshelved.Kind);
        Assert.Equal("olsen", unshelved.User);
    }

    [Fact]
    public async Task NoisySignal_DeadbandAndDelaysSuppressChattering()
    {
        var plain = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 100, name: "plain"));
        var deadband = await _bed.AddRuleAsync(AlertTestBed.Rule(RuleKind.High, 100, deadband: 5, name: "deadband"));
        var delays = await _bed.AddRuleAsync(AlertTestBed.Rule(
            RuleKind.High, 100, onDelay: TimeSpan.FromSeconds(3), offDelay: TimeSpan.FromSeconds(10), name: "delays"));
        var both = await _bed.AddRuleAsync(AlertTestBed.Rule(
            RuleKind.High, 100, deadband: 5, onDelay: TimeSpan.FromSeconds(3), offDelay: TimeSpan.FromSeconds(10), name: "both"));

        // One reading per second: noise that alternates across the threshold by up to 3, then a real
        // excursion to 110 for 10 s, then the same noise again.
        var random = new Random(7);
        var second = 0;
        async Task NoiseAsync(int count)
        {
            for (var i = 0; i < count; i++, second++)
            {
                var amplitude = 0.5 + (random.NextDouble() * 2.5);
                await _bed.ReadAsync(Pump, T0.AddSeconds(second), second % 2 == 0 ? 100 + amplitude : 100 - amplitude);
            }
        }

        await NoiseAsync(60);
        for (var i = 0; i < 10; i++, second++)
        {
            await _bed.ReadAsync(Pump, T0.AddSeconds(second), 110);
        }

        await NoiseAsync(60);

        async Task<int> ActivationsAsync(AlertRule rule) =>
            (await _bed.EventKindsAsync(_bed.Get(rule, Pump).Id)).Count(kind => kind == AlertEventKind.Activated);

        Assert.True(await ActivationsAsync(plain) >= 50, $"The rule without deadband or delays activated only {await ActivationsAsync(plain)} times.");
        Assert.Equal(1, await ActivationsAsync(deadband));
        Assert.Equal(1, await ActivationsAsync(delays));
        Assert.Equal(1, await ActivationsAsync(both));
        Assert.Equal(AlertState.ActiveUnacknowledged, _bed.Get(both, Pump).State);
    }
}
