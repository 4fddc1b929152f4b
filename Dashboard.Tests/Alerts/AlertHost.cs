using System.Data.Common;
using System.Globalization;
using Dashboard.Alerts;
using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Alerts;

/// <summary>Steps that alert integration tests take on a running <see cref="DashboardHost"/>.</summary>
public static class AlertHost
{
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Waits until the engine has loaded rules and alerts from the store.</summary>
    public static Task WaitUntilLoadedAsync(this DashboardHost host) => host.Get<AlertEngine>().Loaded.WaitAsync(LoadTimeout);

    /// <summary>Stores a rule through the app's alert service once the engine is loaded, and returns it with its id.</summary>
    public static async Task<AlertRule> AddRuleAsync(this DashboardHost host, AlertRule rule)
    {
        await host.WaitUntilLoadedAsync();
        return await host.Get<AlertService>().SaveRuleAsync(rule, "admin", CancellationToken.None);
    }

    /// <summary>Returns a High rule on metric <c>v</c> of the assets of one site, without deadband or delays.</summary>
    public static AlertRule HighRule(string site, double threshold, string name = "v high") =>
        AlertTestBed.Rule(RuleKind.High, threshold, name: name) with { SitePattern = site };

    /// <summary>Publishes one reading of metric <c>v</c> for an asset.</summary>
    public static Task PublishAsync(this DashboardHost host, AssetKey asset, DateTimeOffset timestamp, double value) =>
        host.Publisher.PublishTelemetryAsync(asset, timestamp, new MetricValue(AlertTestBed.Metric, value));

    /// <summary>Waits until the board has a stored alert of the rule on the asset that satisfies <paramref name="condition"/>.</summary>
    public static async Task<AlertRecord> WaitForAlertAsync(
        this DashboardHost host, AlertRule rule, AssetKey asset, Func<AlertRecord, bool> condition, string metric = AlertTestBed.Metric)
    {
        AlertRecord? found = null;
        await Poll.UntilPassesAsync(() =>
        {
            found = host.Get<AlertBoard>().All().SingleOrDefault(alert => alert.RuleId == rule.Id && alert.Asset == asset && alert.Metric == metric);
            Assert.True(found is not null, $"No alert of rule {rule.Id} on {asset}/{metric} yet.");
            Assert.True(found.Id != 0, $"The alert on {asset} is not stored yet: {found}");
            Assert.True(condition(found), $"The alert on {asset} is {found}.");
        });
        return found!;
    }

    /// <summary>Waits until the alert of the rule on the asset is stored and in <paramref name="state"/>.</summary>
    public static Task<AlertRecord> WaitForStateAsync(this DashboardHost host, AlertRule rule, AssetKey asset, AlertState state) =>
        host.WaitForAlertAsync(rule, asset, alert => alert.State == state && !IsDirty(host, alert.Id));

    /// <summary>Counts the journal rows of one alert in the database, by kind, with plain SQL.</summary>
    public static async Task<long> CountEventsAsync(this DashboardHost host, long alertId, AlertEventKind kind)
    {
        await using var connection = await host.Get<SqlDialect>().OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM alert_events WHERE alert_id = @id AND kind = @kind";
        AddParameter(command, "@id", alertId);
        AddParameter(command, "@kind", kind.ToString());
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Counts all journal rows in the database.</summary>
    public static async Task<long> CountAllEventsAsync(this DashboardHost host)
    {
        await using var connection = await host.Get<SqlDialect>().OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM alert_events";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static bool IsDirty(DashboardHost host, long id) => host.Get<AlertBoard>().Find(id)?.IsDirty ?? true;

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
