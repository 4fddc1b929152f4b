using Microsoft.AspNetCore.Components.Server.Circuits;

namespace Dashboard.Components.Shared;

/// <summary>
/// Tells the components of one circuit when the browser reconnects, so they reload what the browser missed
/// while the connection was down (chart points sent during the outage were lost with it).
/// </summary>
public sealed class CircuitEvents : CircuitHandler
{
    private readonly Lock _lock = new();
    private readonly List<Func<Task>> _reconnected = [];
    private int _connections;

    public IDisposable OnReconnected(Func<Task> callback)
    {
        lock (_lock)
        {
            _reconnected.Add(callback);
        }

        return new Unsubscriber(this, callback);
    }

    public override async Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        // The first connection is the page load; every later one is a reconnect.
        if (Interlocked.Increment(ref _connections) == 1)
        {
            return;
        }

        Func<Task>[] callbacks;
        lock (_lock)
        {
            callbacks = [.. _reconnected];
        }

        foreach (var callback in callbacks)
        {
            await callback();
        }
    }

    private sealed class Unsubscriber(CircuitEvents owner, Func<Task> callback) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._lock)
            {
                owner._reconnected.Remove(callback);
            }
        }
    }
}
