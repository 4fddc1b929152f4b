using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Storage;

/// <summary>
/// Deletes raw readings and estimates older than <see cref="StorageOptions.RawRetention"/> and per-minute
/// aggregates older than <see cref="StorageOptions.AggregateRetention"/>, once per
/// <see cref="StorageOptions.RetentionInterval"/>.
/// </summary>
public sealed class RetentionService(
    IReadingStore store,
    StorageReadiness readiness,
    IOptions<StorageOptions> options,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    private readonly StorageOptions _options = options.Value;

    public async Task<RetentionResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var result = await store.DeleteOlderThanAsync(now - _options.RawRetention, now - _options.AggregateRetention, cancellationToken);
        LogMessages.RetentionDeleted(logger, result.Readings, result.Estimates, result.Aggregates);
        return result;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await readiness.WaitAsync(stoppingToken);
            using var timer = new PeriodicTimer(_options.RetentionInterval, time);
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogMessages.RetentionFailed(logger, e, _options.RetentionInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
