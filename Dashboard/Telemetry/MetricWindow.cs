namespace Dashboard.Telemetry;

/// <summary>
/// One point of a trend. A null <see cref="Value"/> is a gap and is drawn as one.
/// </summary>
public readonly record struct TrendPoint(DateTimeOffset Timestamp, double? Value);

/// <summary>
/// The most recent points of one metric, kept in timestamp order in a ring of fixed capacity. Not thread-safe:
/// the owning <see cref="AssetState"/> serialises access.
/// </summary>
internal sealed class MetricWindow(int capacity)
{
    private readonly TrendPoint[] _points = new TrendPoint[capacity];
    private int _start;
    private int _count;

    public int Count => _count;

    public TrendPoint Latest => _points[Index(_count - 1)];

    /// <summary>
    /// Inserts a point in timestamp order. A point with the timestamp of one already held replaces it, so a
    /// redelivered message is not drawn twice; a point older than a full window is dropped.
    /// </summary>
    public void Add(TrendPoint point)
    {
        if (_count == 0 || point.Timestamp > Latest.Timestamp)
        {
            Append(point);
            return;
        }

        var position = FindPosition(point.Timestamp);
        if (position < _count && _points[Index(position)].Timestamp == point.Timestamp)
        {
            _points[Index(position)] = point;
            return;
        }

        if (position == 0 && _count == _points.Length)
        {
            return;
        }

        // Out of order but inside the window: shift the newer points right by one.
        if (_count == _points.Length)
        {
            _start = Index(1);
            _count--;
            position--;
        }

        for (var i = _count; i > position; i--)
        {
            _points[Index(i)] = _points[Index(i - 1)];
        }

        _points[Index(position)] = point;
        _count++;
    }

    /// <summary>Copies the points newer than <paramref name="after"/>, oldest first; all points when it is null.</summary>
    public TrendPoint[] CopyAfter(DateTimeOffset? after)
    {
        var first = after is { } bound ? FindPosition(bound) : 0;
        if (first < _count && after is { } exclusive && _points[Index(first)].Timestamp == exclusive)
        {
            first++;
        }

        var result = new TrendPoint[_count - first];
        for (var i = first; i < _count; i++)
        {
            result[i - first] = _points[Index(i)];
        }

        return result;
    }

    private void Append(TrendPoint point)
    {
        if (_count == _points.Length)
        {
            _points[_start] = point;
            _start = Index(1);
            return;
        }

        _points[Index(_count)] = point;
        _count++;
    }

    /// <summary>Returns the position of the first point at or after <paramref name="timestamp"/>.</summary>
    private int FindPosition(DateTimeOffset timestamp)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_points[Index(middle)].Timestamp < timestamp)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private int Index(int position) => (_start + position) % _points.Length;
}
