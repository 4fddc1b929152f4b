using Dashboard.Hosting;
using Dashboard.Security.Data;
using Microsoft.Extensions.Options;

namespace Dashboard.Security.Displays;

/// <summary>
/// Tells open Blazor circuits of kiosk displays that their display token was revoked, so a wall screen
/// shows that it was disconnected instead of silently freezing.
/// </summary>
public interface IDisplaySessionMonitor
{
    /// <summary>
    /// Calls <paramref name="onRevoked"/> once, on a thread-pool thread, when the display token
    /// <paramref name="displayTokenId"/> is revoked or deleted: at once for a revocation by this instance,
    /// otherwise within <see cref="SecurityOptions.SessionCheckInterval"/>. A token that is already
    /// known to be revoked is reported at once. Dispose the result to stop watching.
    /// </summary>
    IDisposable Watch(string displayTokenId, Func<Task> onRevoked);
}

/// <summary>
/// Watches display tokens that open circuits use: revocations by this instance arrive through
/// <see cref="NotifyRevoked"/>, and a periodic query of <c>display_tokens</c> finds those made by other
/// instances or directly in the database.
/// </summary>
public sealed class DisplaySessionMonitor(
    SecurityDatabase database,
    IOptions<SecurityOptions> options,
    TimeProvider time,
    ILogger<DisplaySessionMonitor> logger) : BackgroundService, IDisplaySessionMonitor
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, List<Watcher>> _watchers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _revoked = new(StringComparer.Ordinal);

    /// <summary>Number of open watches, for tests that check that circuits unsubscribe.</summary>
    public int WatchCount
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Values.Sum(list => list.Count);
            }
        }
    }

    public IDisposable Watch(string displayTokenId, Func<Task> onRevoked)
    {
        var watcher = new Watcher(this, displayTokenId, onRevoked);
        bool alreadyRevoked;
        lock (_lock)
        {
            alreadyRevoked = _revoked.Contains(displayTokenId);
            if (!alreadyRevoked)
            {
                if (!_watchers.TryGetValue(displayTokenId, out var list))
                {
                    _watchers[displayTokenId] = list = [];
                }

                list.Add(watcher);
            }
        }

        if (alreadyRevoked)
        {
            Fire([watcher]);
        }

        return watcher;
    }

    /// <summary>Reports a revocation to every watcher of the token.</summary>
    internal void NotifyRevoked(string displayTokenId)
    {
        List<Watcher>? watchers;
        lock (_lock)
        {
            _revoked.Add(displayTokenId);
            _watchers.Remove(displayTokenId, out watchers);
        }

        if (watchers is not null)
        {
            Fire(watchers);
        }
    }

    /// <summary>Queries the database once and reports every watched token that is no longer active.</summary>
    public async Task CheckOnceAsync(CancellationToken cancellationToken)
    {
        string[] watched;
        lock (_lock)
        {
            watched = [.. _watchers.Keys];
        }

        if (watched.Length == 0)
        {
            return;
        }

        var active = new HashSet<string>(StringComparer.Ordinal);
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = connection.Command("SELECT id FROM display_tokens WHERE revoked_at IS NULL"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                active.Add(reader.GetString(0));
            }
        }

        foreach (var id in watched.Where(id => !active.Contains(id)))
        {
            NotifyRevoked(id);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.SessionCheckInterval;
        try
        {
            await database.WaitUntilReadyAsync(stoppingToken);
            using var timer = new PeriodicTimer(interval, time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await CheckOnceAsync(stoppingToken);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    LogMessages.DisplayCheckFailed(logger, e, interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private void Fire(IEnumerable<Watcher> watchers)
    {
        foreach (var watcher in watchers)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await watcher.Callback();
                }
                catch (Exception e)
                {
                    LogMessages.DisplayRevocationCallbackFailed(logger, e, watcher.TokenId);
                }
            });
        }
    }

    private sealed class Watcher(DisplaySessionMonitor owner, string tokenId, Func<Task> callback) : IDisposable
    {
        public string TokenId => tokenId;

        public Func<Task> Callback => callback;

        public void Dispose()
        {
            lock (owner._lock)
            {
                if (owner._watchers.TryGetValue(tokenId, out var list) && list.Remove(this) && list.Count == 0)
                {
                    owner._watchers.Remove(tokenId);
                }
            }
        }
    }
}
