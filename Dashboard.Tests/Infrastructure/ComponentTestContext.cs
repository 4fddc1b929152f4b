using Bunit;
using Dashboard.Alerts;
using Dashboard.Components.Charts;
using Dashboard.Mqtt;
using Dashboard.Storage;
using Dashboard.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Base of the bUnit tests of the dashboard's pages: MudBlazor services, the app's live services on a
/// <see cref="FakeTimeProvider"/>, and strict JS interop with the chart module set up.
/// </summary>
/// <remarks>
/// The chart module <c>./js/trend-chart.js</c> is strict: only <c>create</c>, <c>append</c>, <c>replace</c>
/// and <c>dispose</c> are set up, and tests assert their invocations. MudBlazor's own calls (focus, popovers,
/// resize listeners) return defaults in loose mode, because they are not what these tests check.
/// </remarks>
[UseCulture("en-US")]
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    public const int ChartId = 7;

    private bool _disposedAsynchronously;

    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected ComponentTestContext()
    {
        // The machine may be busy with other builds; the default of one second is too tight there.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);

        Time = new FakeTimeProvider(T0);
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(Time);
        Services.AddSingleton(Options.Create(LiveOptions));
        Services.AddSingleton(Options.Create(IngestOptions));
        Services.AddSingleton(Options.Create(new MqttOptions { TopicPrefix = "plant", EmbeddedBroker = { Enabled = false } }));
        Services.AddSingleton(Options.Create(new EstimateOptions()));
        Services.AddSingleton<LiveState>();
        Services.AddSingleton<EstimateSelector>();
        Services.AddSingleton(new TopicNames("plant"));
        Services.AddSingleton<IngestStats>();
        Services.AddSingleton<IngestChannel>();
        Services.AddSingleton<AlertBoard>();
        Services.AddSingleton<StorageStats>();
        Services.AddSingleton<MaintenancePlan>();
        Services.AddSingleton<RulAccuracy>();
        Services.AddSingleton(sp => new EmbeddedMqttBroker(sp.GetRequiredService<IOptions<MqttOptions>>(), NullLogger<EmbeddedMqttBroker>.Instance));

        JSInterop.Mode = JSRuntimeMode.Loose;
        ChartModule = JSInterop.SetupModule(TrendChart.ModulePath);
        ChartModule.Mode = JSRuntimeMode.Strict;
        ChartModule.Setup<int>("create", _ => true).SetResult(ChartId);
        ChartModule.SetupVoid("append", _ => true).SetVoidResult();
        ChartModule.SetupVoid("replace", _ => true).SetVoidResult();
        ChartModule.SetupVoid("dispose", _ => true).SetVoidResult();
    }

    /// <summary>The clock of every component and service; advance it to move ages, ticks and throttles.</summary>
    protected FakeTimeProvider Time { get; }

    /// <summary>Live settings; change them in a test's constructor, before the first render.</summary>
    protected LiveOptions LiveOptions { get; } = new()
    {
        StaleAfter = TimeSpan.FromSeconds(30),
        MaxRendersPerSecond = 4,
        WindowPoints = 600,
        KeyMetrics = ["T30", "P30"],
    };

    protected IngestOptions IngestOptions { get; } = new() { RejectedMessagesKept = 10 };

    protected BunitJSModuleInterop ChartModule { get; }

    protected LiveState Live => Services.GetRequiredService<LiveState>();

    protected IngestStats Stats => Services.GetRequiredService<IngestStats>();

    Task IAsyncLifetime.InitializeAsync() => InitializeAsync();

    /// <summary>
    /// Disposes the context asynchronously, because MudBlazor registers services that implement only
    /// <see cref="IAsyncDisposable"/>; xunit 2 calls this before <see cref="Dispose(bool)"/>.
    /// </summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        _disposedAsynchronously = true;
        await DisposeAsync();
        await DisposeDependenciesAsync();
    }

    /// <summary>Prepares what a test class needs before its test runs, such as a migrated database.</summary>
    protected virtual Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Deletes what <see cref="InitializeAsync"/> created, after the components are disposed.</summary>
    protected virtual Task DisposeDependenciesAsync() => Task.CompletedTask;

    protected override void Dispose(bool disposing)
    {
        if (!_disposedAsynchronously)
        {
            base.Dispose(disposing);
        }
    }

    /// <summary>Applies a telemetry reading received now, as the ingest consumer would.</summary>
    protected void ApplyReading(AssetKey asset, DateTimeOffset timestamp, params (string Metric, double? Value)[] values) =>
        Live.Apply(new TelemetryReading(asset, timestamp, values.Select(value => new MetricValue(value.Metric, value.Value)).ToArray()), Time.GetUtcNow());

    protected void ApplyEstimate(AssetKey asset, double? health, RulEstimate? rul, string model = "model-a") =>
        Live.Apply(new HealthEstimate(asset, Time.GetUtcNow(), health, rul, model));
}
