namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// Waits for state that changes on other threads or in other processes (integration and browser tests).
/// Component tests use bUnit's WaitForAssertion instead.
/// </summary>
public static class Poll
{
    /// <summary>Default wait: generous, because the machine may be busy with other builds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Runs <paramref name="assertion"/> until it passes; after <paramref name="timeout"/> the last failure
    /// is thrown, so the test reports what was wrong rather than only that time ran out.
    /// </summary>
    public static async Task UntilPassesAsync(Func<Task> assertion, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            try
            {
                await assertion();
                return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Interval);
            }
        }
    }

    /// <inheritdoc cref="UntilPassesAsync(Func{Task}, TimeSpan?)"/>
    public static Task UntilPassesAsync(Action assertion, TimeSpan? timeout = null) =>
        UntilPassesAsync(() =>
        {
            assertion();
            return Task.CompletedTask;
        }, timeout);
}
