using Bunit;
using Dashboard.Alerts;
using Dashboard.Components.Shared;
using Dashboard.Storage;
using Dashboard.Storage.Sqlite;
using Dashboard.Tests.Alerts;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Components;

/// <summary>
/// Base of the bUnit tests of the alert pages: the real engine, service, board and store on a new SQLite
/// file, a signed-in operator with every permission, and <see cref="CircuitEvents"/> to simulate a reconnect.
/// </summary>
public abstract class AlertComponentTestContext : ComponentTestContext
{
    public const string UserName = "operator.olsen";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "dashboard-alert-tests", Guid.NewGuid().ToString("N"));

    protected AlertComponentTestContext()
    {
        Directory.CreateDirectory(_directory);
        Services.AddSingleton(Options.Create(new AlertOptions { SeedDemoRules = false }));
        AlertTestBed.AddAlertServices(Services, new SqliteDialect(Path.Combine(_directory, "dashboard.db")));
        Services.AddSingleton<CircuitEvents>();
        Services.AddScoped<CurrentUser>();
        Services.AddScoped<UserPermissions>();

        var authorization = AddAuthorization();
        authorization.SetAuthorized(UserName);
        authorization.SetPolicies(Enum.GetValues<UserPermission>().Select(UserPermissions.PolicyName).ToArray());
    }

    protected AlertEngine Engine => Services.GetRequiredService<AlertEngine>();

    protected AlertService Service => Services.GetRequiredService<AlertService>();

    protected AlertStore Store => Services.GetRequiredService<AlertStore>();

    protected AlertBoard Board => Services.GetRequiredService<AlertBoard>();

    protected CircuitEvents Circuit => Services.GetRequiredService<CircuitEvents>();

    protected override async Task InitializeAsync()
    {
        var dialect = (SqliteDialect)Services.GetRequiredService<SqlDialect>();
        await new SqliteReadingStore(dialect, NullLogger<SqliteReadingStore>.Instance).MigrateAsync(CancellationToken.None);
        await Engine.LoadAsync(CancellationToken.None);
    }

    protected override Task DisposeDependenciesAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>Stores a rule through the service, so the engine reloads it.</summary>
    protected Task<AlertRule> AddRuleAsync(AlertRule rule) => Service.SaveRuleAsync(rule, "admin", CancellationToken.None);

    /// <summary>Applies a reading of one metric to the live state and evaluates it, as ingest and the engine would.</summary>
    protected Task ReadAsync(AssetKey asset, DateTimeOffset timestamp, string metric, double value)
    {
        var reading = new TelemetryReading(asset, timestamp, [new MetricValue(metric, value)]);
        Live.Apply(reading, Time.GetUtcNow());
        return Engine.EvaluateAsync(new Dashboard.Telemetry.TelemetryEvent(reading, null), CancellationToken.None);
    }
}
