using Dashboard.Alerts;
using Dashboard.Mqtt;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Dashboard.Telemetry;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Dashboard.Tests.Alerts;

/// <summary>
/// The alert engine, service, board and store wired as in the app, on a real migrated store (a new SQLite
/// file, or a PostgreSQL database), with a <see cref="FakeTimeProvider"/> and without the background loop.
/// Tests feed readings through <see cref="ReadAsync(AssetKey, DateTimeOffset, string, double?)"/> and run
/// ticks through <see cref="TickAsync"/>, so every step has finished when the call returns.
/// </summary>
/// <remarks>
/// The MQTT publisher is never started, so each notification stays in its queue and
/// <see cref="QueuedNotifications"/> counts them.
/// </remarks>
public sealed class AlertTestBed : IAsyncDisposable
{
    public const string Metric = "v";

    public static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private readonly string? _directory;

    private AlertTestBed(ServiceProvider services, FakeTimeProvider time, InMemoryLoggerProvider logs, string? directory)
    {
        _services = services;
        _directory = directory;
        Time = time;
        Logs = logs;
    }

    public FakeTimeProvider Time { get; }

    public InMemoryLoggerProvider Logs { get; }

    public IServiceProvider Services => _services;

    public AlertStore Store => _services.GetRequiredService<AlertStore>();

    public AlertBoard Board => _services.GetRequiredService<AlertBoard>();

    public AlertEngine Engine => _services.GetRequiredService<AlertEngine>();

    public AlertService Service => _services.GetRequiredService<AlertService>();

    public LiveState Live => _services.GetRequiredService<LiveState>();

    public SqlDialect Dialect => _services.GetRequiredService<SqlDialect>();

    /// <summary>Notifications handed to the MQTT publisher so far.</summary>
    public int QueuedNotifications => _services.GetRequiredService<MqttPublisher>().Queued;

    /// <summary>Creates a bed on a new SQLite file in a temporary folder, deleted on dispose.</summary>
    public static Task<AlertTestBed> CreateAsync(AlertOptions? options = null, string? directory = null)
    {
        var folder = directory ?? Path.Combine(Path.GetTempPath(), "dashboard-alert-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var dialect = new SqliteDialect(Path.Combine(folder, "dashboard.db"));
        return CreateAsync(
            dialect,
            provider => new SqliteReadingStore(dialect, provider.GetRequiredService<ILogger<SqliteReadingStore>>()),
            options,
            directory is null ? folder : null);
    }

    /// <summary>Creates a bed on a PostgreSQL database, which the caller creates and drops.</summary>
    public static Task<AlertTestBed> CreatePostgresAsync(string connectionString, AlertOptions? options = null)
    {
        var dataSource = new NpgsqlDataSourceBuilder(connectionString).Build();
        return CreateAsync(
            new PostgresDialect(dataSource),
            provider => new PostgresReadingStore(dataSource, provider.GetRequiredService<ILogger<PostgresReadingStore>>()),
            options,
            null,
            dataSource);
    }

    /// <summary>Returns a rule on metric <see cref="Metric"/> of every asset, with the given condition and delays.</summary>
    public static AlertRule Rule(
        RuleKind kind,
        double threshold,
        double deadband = 0,
        TimeSpan? onDelay = null,
        TimeSpan? offDelay = null,
        TimeSpan? window = null,
        AlertPriority priority = AlertPriority.High,
        string metric = Metric,
        string name = "test rule") =>
        new(0, name, kind, "*", "*", metric, threshold, deadband, onDelay ?? TimeSpan.Zero, offDelay ?? TimeSpan.Zero,
            window ?? TimeSpan.Zero, priority, "{asset}: {metric} {value} against {threshold}", true);

    /// <summary>
    /// Registers the engine, service, store and notifier on <paramref name="dialect"/>, with the feed, storage
    /// readiness and an MQTT publisher they need. The caller registers the time provider, options, logging,
    /// live state, estimate selector, topic names and board, as <see cref="ComponentTestContext"/> does.
    /// </summary>
    public static void AddAlertServices(IServiceCollection services, SqlDialect dialect)
    {
        services.AddSingleton<TelemetryFeed>();
        services.AddSingleton<StorageReadiness>();
        services.AddSingleton<MqttPublisher>();
        services.AddSingleton(dialect);
        services.AddSingleton<AlertStore>();
        services.AddSingleton<AlertNotifier>();
        services.AddSingleton<AlertEngine>();
        services.AddSingleton<AlertService>();
        services.AddSingleton<AlertKpiService>();
    }

    /// <summary>Stores a rule through the service, which makes the engine reload its rules.</summary>
    public Task<AlertRule> AddRuleAsync(AlertRule rule) => Service.SaveRuleAsync(rule, "admin", CancellationToken.None);

    /// <summary>Loads rules and alerts from the store, as the engine does at start.</summary>
    public Task LoadAsync() => Engine.LoadAsync(CancellationToken.None);

    /// <summary>Applies a reading to the live state and evaluates it, as the ingest consumer and engine would.</summary>
    public Task ReadAsync(AssetKey asset, DateTimeOffset timestamp, string metric, double? value)
    {
        var reading = new TelemetryReading(asset, timestamp, [new MetricValue(metric, value)]);
        Live.Apply(reading, Time.GetUtcNow());
        return Engine.EvaluateAsync(new TelemetryEvent(reading, null), CancellationToken.None);
    }

    /// <inheritdoc cref="ReadAsync(AssetKey, DateTimeOffset, string, double?)"/>
    public Task ReadAsync(AssetKey asset, DateTimeOffset timestamp, double? value) => ReadAsync(asset, timestamp, Metric, value);

    /// <summary>Applies an estimate to the live state and evaluates it.</summary>
    public Task EstimateAsync(HealthEstimate estimate)
    {
        Live.Apply(estimate);
        return Engine.EvaluateAsync(new TelemetryEvent(null, estimate), CancellationToken.None);
    }

    /// <summary>Runs one engine tick at the fake clock's current time.</summary>
    public Task TickAsync() => Engine.OnTickAsync(CancellationToken.None);

    /// <summary>Returns the alert of one rule on one asset and metric from the board, or null.</summary>
    public AlertRecord? Find(AlertRule rule, AssetKey asset, string metric = Metric) =>
        Board.All().SingleOrDefault(alert => alert.RuleId == rule.Id && alert.Asset == asset && alert.Metric == metric);

    /// <summary>Returns the alert of one rule on one asset and metric, failing the test when there is none.</summary>
    public AlertRecord Get(AlertRule rule, AssetKey asset, string metric = Metric) =>
        Find(rule, asset, metric) ?? throw new Xunit.Sdk.XunitException($"No alert of rule {rule.Id} on {asset}/{metric}. Board: {string.Join("; ", Board.All())}");

    /// <summary>Returns the stored journal of one alert, oldest first.</summary>
    public Task<IReadOnlyList<AlertEvent>> EventsAsync(long alertId) => Store.GetEventsAsync(alertId, CancellationToken.None);

    /// <summary>Returns the kinds of the stored journal of one alert, oldest first.</summary>
    public async Task<AlertEventKind[]> EventKindsAsync(long alertId) =>
        (await EventsAsync(alertId)).Select(alertEvent => alertEvent.Kind).ToArray();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        if (_directory is not null && Directory.Exists(_directory))
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<AlertTestBed> CreateAsync(
        SqlDialect dialect,
        Func<IServiceProvider, IReadingStore> readingStore,
        AlertOptions? options,
        string? ownedDirectory,
        NpgsqlDataSource? dataSource = null)
    {
        var time = new FakeTimeProvider(T0);
        var logs = new InMemoryLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton(Options.Create(new LiveOptions()));
        services.AddSingleton(Options.Create(new EstimateOptions()));
        services.AddSingleton(Options.Create(options ?? new AlertOptions { SeedDemoRules = false }));
        services.AddSingleton(Options.Create(new MqttOptions { TopicPrefix = "plant", EmbeddedBroker = { Enabled = false } }));
        services.AddSingleton(new TopicNames("plant"));
        services.AddSingleton<LiveState>();
        services.AddSingleton<EstimateSelector>();
        services.AddSingleton<AlertBoard>();
        AddAlertServices(services, dialect);
        if (dataSource is not null)
        {
            // Registered so that disposing the bed closes its connections.
            services.AddSingleton(dataSource);
        }

        var provider = services.BuildServiceProvider();
        var bed = new AlertTestBed(provider, time, logs, ownedDirectory);
        try
        {
            await readingStore(provider).MigrateAsync(CancellationToken.None);
            await bed.LoadAsync();
        }
        catch
        {
            await bed.DisposeAsync();
            throw;
        }

        return bed;
    }
}
