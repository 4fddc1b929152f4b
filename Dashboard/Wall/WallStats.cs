using System.Collections.Concurrent;

namespace Dashboard.Wall;

/// <summary>
/// The wall displays open in this app and how often each has rendered, for the benchmark and for tests that
/// check the render cap.
/// </summary>
public sealed class WallStats(TimeProvider time)
{
    private readonly ConcurrentDictionary<WallDisplayCounter, byte> _displays = new();

    public int OpenDisplays => _displays.Count;

    public IReadOnlyList<WallDisplayCounter> Displays() => _displays.Keys.ToArray();

    /// <summary>Registers an open display; dispose the result when the display closes.</summary>
    public WallDisplayCounter Open()
    {
        var counter = new WallDisplayCounter(this, time.GetUtcNow());
        _displays.TryAdd(counter, 0);
        return counter;
    }

    internal void Close(WallDisplayCounter counter) => _displays.TryRemove(counter, out _);
}

/// <summary>Render count of one open wall display.</summary>
public sealed class WallDisplayCounter : IDisposable
{
    private readonly WallStats _owner;
    private long _renders;

    internal WallDisplayCounter(WallStats owner, DateTimeOffset openedAt)
    {
        _owner = owner;
        OpenedAt = openedAt;
    }

    public DateTimeOffset OpenedAt { get; }

    public long Renders => Interlocked.Read(ref _renders);

    public void RecordRender() => Interlocked.Increment(ref _renders);

    public void Dispose() => _owner.Close(this);
}
