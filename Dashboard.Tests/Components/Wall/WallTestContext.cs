using Bunit;
using Dashboard.Alerts;
using Dashboard.Tests.Infrastructure;
using Dashboard.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Components.Wall;

/// <summary>
/// Base of the wall's bUnit tests: the component test services plus the wall's own, with
/// <c>dashboardWall.attach</c> answered as the wall's script would, and helpers that place alerts on the board.
/// </summary>
public abstract class WallTestContext : ComponentTestContext
{
    private long _nextAlertId = 1;

    protected WallTestContext()
    {
        Services.AddSingleton(Options.Create(WallOptions));
        Services.AddSingleton<PlantClock>();
        Services.AddSingleton<WallStats>();
        Services.AddSingleton(sp => new SparklineService(
            sp.GetRequiredService<Dashboard.Telemetry.LiveState>(),
            sp.GetRequiredService<IOptions<WallOptions>>(),
            sp.GetRequiredService<IOptions<Dashboard.Telemetry.LiveOptions>>(),
            sp.GetRequiredService<TimeProvider>(),
            NullLogger<SparklineService>.Instance));
        JSInterop.Setup<bool>("dashboardWall.attach").SetResult(true);
    }

    /// <summary>Wall settings; change them in a test's constructor or before the first render.</summary>
    protected WallOptions WallOptions { get; } = new()
    {
        TilesPerPage = 4,
        RotationInterval = TimeSpan.FromSeconds(20),
        NoDataAfter = TimeSpan.FromMinutes(2),
        TimeZone = "UTC",
    };

    protected AlertBoard Board => Services.GetRequiredService<AlertBoard>();

    protected WallStats WallCounters => Services.GetRequiredService<WallStats>();

    /// <summary>Places an alert on the board as the alert engine would, and returns it.</summary>
    protected AlertRecord RaiseAlert(AssetKey asset, AlertPriority priority, AlertState state, string metric = "T30", string message = "T30 above limit")
    {
        var id = _nextAlertId++;
        var now = Time.GetUtcNow();
        var record = new AlertRecord(
            id, RuleId: id, asset, metric, state, ConditionActive: state is AlertState.ActiveUnacknowledged or AlertState.ActiveAcknowledged,
            priority, message, Value: 1612.5, ActivatedAt: now, ConditionChangedAt: now,
            AcknowledgedBy: null, AcknowledgedAt: null, ShelvedBy: null, ShelvedUntil: null, ShelveReason: null,
            Version: 1, UpdatedAt: now);
        Board.Update(Board.GetOrAdd(record), record);
        return record;
    }

    /// <summary>Changes the state of an alert on the board, such as an acknowledgement by an operator.</summary>
    protected void ChangeAlert(AlertRecord alert, AlertState state)
    {
        var entry = Board.Find(alert.Id)!;
        Board.Update(entry, entry.Record with { State = state, Version = entry.Record.Version + 1 });
    }

    protected void NavigateTo(string relativeUri) => Services.GetRequiredService<NavigationManager>().NavigateTo(relativeUri);
}
