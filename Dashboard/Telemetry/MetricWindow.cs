namespace Dashboard.Telemetry;

/// <summary>
/// One point of a trend. A null <see cref="Value"/> is a gap and is drawn as one.
/// </summary>
public readonly record struct TrendPoint(DateTimeOffset Timestamp, double? Value);

/// <summary>
/// The most recent points of one metric, kept in timestamp order in a ring of fixed capacity. Not thread-safe:
/// the owning <see cref="AssetState"/> serialises access.
/// </summary>
/// <remarks>
/// A slot contains UTC ticks and a double, 16 bytes, half the size of a <see cref="TrendPoint"/>. A plant of
/// 1,000 assets with 21 metrics keeps 12.6 million points at the default window, so the size of a slot decides
/// the memory of the live state. A gap is stored as NaN, which readings never carry (the parser drops NaN).
/// </remarks>
internal sealed class MetricWindow(int capacity)
{
    private readonly Slot[] _slots = new Slot[capacity];
    private int _start;
    private int _count;

    public int Count => _count;

    public TrendPoint Latest => _slots[Index(_count - 1)].ToPoint();

    /// <summary>
    /// Inserts a point in timestamp order. A point with the timestamp of one already held replaces it, so a
    /// redelivered message is not drawn twice; a point older than a full window is dropped.
    /// </summary>
    public void Add(TrendPoint point) => Add(point.Timestamp.UtcTicks, point.Value);

    /// <inheritdoc cref="Add(TrendPoint)"/>
    public void Add(long utcTicks, double? value)
    {
        var slot = new Slot(utcTicks, value ?? double.NaN);
        if (_count == 0 || utcTicks > _slots[Index(_count - 1)].Ticks)
        {
            Append(slot);
            return;
        }

        var position = FindPosition(utcTicks);
        if (position < _count && _slots[Index(position)].Ticks == utcTicks)
        {
            _slots[Index(position)] = slot;
            return;
        }

        if (position == 0 && _count == _slots.Length)
        {
            return;
        }

        // Out of order but inside the window: shift the newer points right by one.
        if (_count == _slots.Length)
        {
            _start = Index(1);
            _count--;
            position--;
        }

        for (var i = _count; i > position; i--)
        {
            _slots[Index(i)] = _slots[Index(i - 1)];
        }

        _slots[Index(position)] = slot;
        _count++;
    }

    /// <summary>Copies the points newer than <paramref name="after"/>, oldest first; all points when it is null.</summary>
    public TrendPoint[] CopyAfter(DateTimeOffset? after)
    {
        var first = after is { } bound ? FindPosition(bound.UtcTicks) : 0;
        if (first < _count && after is { } exclusive && _slots[Index(first)].Ticks == exclusive.UtcTicks)
        {
            first++;
        }

        var result = new TrendPoint[_count - first];
        for (var i = first; i < _count; i++)
        {
            result[i - first] = _slots[Index(i)].ToPoint();
        }

        return result;
    }

    private void Append(Slot slot)
    {
        if (_count == _slots.Length)
        {
            _slots[_start] = slot;
            _start = Index(1);
            return;
        }

        _slots[Index(_count)] = slot;
        _count++;
    }

    /// <summary>Returns the position of the first point at or after <paramref name="utcTicks"/>.</summary>
    private int FindPosition(long utcTicks)
    {
        int low = 0, high = _count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_slots[Index(middle)].Ticks < utcTicks)
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

    private int Index(int position)
    {
        // position is at most the capacity, so one subtraction replaces a division.
        var index = _start + position;
        return index >= _slots.Length ? index - _slots.Length : index;
    }

    private readonly record struct Slot(long Ticks, double Value)
    {
        public TrendPoint ToPoint() =>
            new(new DateTimeOffset(Ticks, TimeSpan.Zero), double.IsNaN(Value) ? null : Value);
    }
}
