using System.Collections.Immutable;

namespace Dashboard.Telemetry;

/// <summary>
/// Callbacks to run after a change, kept in an immutable array that is swapped whole, so notifying reads
/// it without a lock while components subscribe and unsubscribe.
/// </summary>
internal sealed class SubscriberList
{
    private ImmutableArray<Action<AssetKey>> _callbacks = [];

    public int Count => _callbacks.Length;

    public IDisposable Add(Action<AssetKey> callback)
    {
        ImmutableInterlocked.Update(ref _callbacks, (list, item) => list.Add(item), callback);
        return new Subscription(this, callback);
    }

    public void Notify(AssetKey asset)
    {
        foreach (var callback in _callbacks)
        {
            callback(asset);
        }
    }

    private void Remove(Action<AssetKey> callback) =>
        ImmutableInterlocked.Update(ref _callbacks, (list, item) => list.Remove(item), callback);

    private sealed class Subscription(SubscriberList owner, Action<AssetKey> callback) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Remove(callback);
            }
        }
    }
}
