using Dashboard.Hosting;
using Dashboard.Telemetry;
using Microsoft.Extensions.Options;

namespace Dashboard.Storage;

/// <summary>
/// Completes once the schema is up to date, so the writer and the retention job never touch an old schema.
/// </summary>
public sealed class StorageReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsReady => _ready.Task.IsCompleted;

    public Task WaitAsync(CancellationToken cancellationToken) => _ready.Task.WaitAsync(cancellationToken);

    internal void SetReady() => _ready.TrySetResult();
}

/// <summary>
/// Migrates the schema and restores the live state from the store at start. When the database is not
/// reachable the app starts anyway, with live data only, and keeps retrying in the background.
/// </summary>
public sealed class StorageInitializer(
    IReadingStore store,
    StorageReadiness readiness,
    StorageStats stats,
    LiveState live,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<StorageInitializer> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan StartupAttemptTimeout = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource _stopping = new();
    private Task? _retry;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        LogMessages.StorageSelected(logger, store.Description);
        stats.Store = store.Description;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartupAttemptTimeout);
        try
        {
            await InitializeAsync(timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            var delay = TimeSpan.FromSeconds(1);
            LogMessages.MigrationFailed(logger, e, store.Description, 1, delay);
            _retry = RetryAsync(delay, _stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_retry is not null)
        {
            await _retry.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await store.MigrateAsync(cancellationToken);
        readiness.SetReady();
        try
        {
            var assets = await store.LoadLatestAsync(cancellationToken);
            foreach (var asset in assets)
            {
                live.Restore(asset.Asset, asset.Latest, asset.Estimates);
            }

            LogMessages.LiveStateRestored(logger, assets.Count, store.Description);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogMessages.LiveStateRestoreFailed(logger, e);
        }
    }

    private async Task RetryAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var attempt = 1;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(delay, time, cancellationToken);
                await InitializeAsync(cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                attempt++;
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, options.Value.MaxRetryDelay.TotalSeconds));
                LogMessages.MigrationFailed(logger, e, store.Description, attempt, delay);
            }
        }
    }
}
