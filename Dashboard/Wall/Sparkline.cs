using System.Globalization;
using System.Text;
using Dashboard.Telemetry;

namespace Dashboard.Wall;

/// <summary>
/// A sparkline ready to draw: polyline segments in a <see cref="SparklineBuilder.Width"/> by
/// <see cref="SparklineBuilder.Height"/> view box, split wherever the data has a gap.
/// </summary>
/// <param name="Segments">SVG <c>points</c> lists, one per unbroken run of values.</param>
/// <param name="ValueCount">Readings with a value inside the window, before any reduction to buckets.</param>
/// <param name="Min">Lowest value in the window, or null without values.</param>
/// <param name="Max">Highest value in the window, or null without values.</param>
/// <param name="First">Timestamp of the oldest reading with a value in the window.</param>
/// <param name="Last">Timestamp of the newest reading with a value in the window.</param>
public sealed record Sparkline(
    IReadOnlyList<string> Segments,
    int ValueCount,
    double? Min,
    double? Max,
    DateTimeOffset? First,
    DateTimeOffset? Last)
{
    public static readonly Sparkline Empty = new([], 0, null, null, null, null);
}

/// <summary>
/// Turns the points of one metric into a <see cref="Sparkline"/>. A null value breaks the line, and so does a
/// silence longer than <see cref="GapFactor"/> times the median spacing of the readings, so an outage is
/// drawn as a gap and never as a straight line across it.
/// </summary>
public static class SparklineBuilder
{
    public const int Width = 1000;
    public const int Height = 100;

    /// <summary>A pause longer than this many times the median spacing between readings is drawn as a gap.</summary>
    public const double GapFactor = 3;

    /// <summary>Vertical margin in view box units, so the line's stroke is not cut at the top and bottom.</summary>
    private const double Margin = 6;

    /// <summary>
    /// Builds the sparkline of <paramref name="points"/> (oldest first) over the window from
    /// <paramref name="from"/> to <paramref name="to"/>, with at most about <paramref name="maxPoints"/> vertices.
    /// With <paramref name="markGaps"/> false, only null values break the line, for points whose gaps the
    /// caller has already marked.
    /// </summary>
    public static Sparkline Build(IReadOnlyList<TrendPoint> points, DateTimeOffset from, DateTimeOffset to, int maxPoints, bool markGaps = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(to, from);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPoints, 2);

        var inWindow = points.Where(point => point.Timestamp >= from && point.Timestamp <= to).ToList();
        var samples = markGaps ? MarkGaps(inWindow) : inWindow;
        var valued = inWindow.Where(point => point.Value is not null).ToList();
        if (valued.Count == 0)
        {
            return Sparkline.Empty;
        }

        if (samples.Count > maxPoints)
        {
            samples = Reduce(samples, from, to, Math.Max(1, maxPoints / 2));
        }

        var min = valued.Min(point => point.Value!.Value);
        var max = valued.Max(point => point.Value!.Value);
        var segments = Segments(samples, from, to, min, max);
        return new Sparkline(segments, valued.Count, min, max, valued[0].Timestamp, valued[^1].Timestamp);
    }

    /// <summary>Returns the points with a null-valued marker inserted into every silence that counts as a gap.</summary>
    public static List<TrendPoint> MarkGaps(IReadOnlyList<TrendPoint> points)
    {
        if (points.Count < 3)
        {
            return [.. points];
        }

        var threshold = MedianSpacing(points).Ticks * GapFactor;
        var marked = new List<TrendPoint>(points.Count + 4) { points[0] };
        for (var i = 1; i < points.Count; i++)
        {
            var pause = (points[i].Timestamp - points[i - 1].Timestamp).Ticks;
            if (threshold > 0 && pause > threshold)
            {
                marked.Add(new TrendPoint(points[i - 1].Timestamp + TimeSpan.FromTicks(pause / 2), null));
            }

            marked.Add(points[i]);
        }

        return marked;
    }

    /// <summary>Returns the median time between consecutive points, or zero for fewer than two points.</summary>
    public static TimeSpan MedianSpacing(IReadOnlyList<TrendPoint> points)
    {
        if (points.Count < 2)
        {
            return TimeSpan.Zero;
        }

        var spacings = new long[points.Count - 1];
        for (var i = 1; i < points.Count; i++)
        {
            spacings[i - 1] = (points[i].Timestamp - points[i - 1].Timestamp).Ticks;
        }

        Array.Sort(spacings);
        return TimeSpan.FromTicks(spacings[spacings.Length / 2]);
    }

    /// <summary>
    /// Reduces the points to the minimum and the maximum of each of <paramref name="buckets"/> equal time
    /// buckets, in time order, so that a single spike survives. A gap inside a bucket ends its run.
    /// </summary>
    private static List<TrendPoint> Reduce(List<TrendPoint> points, DateTimeOffset from, DateTimeOffset to, int buckets)
    {
        var width = (to - from).Ticks / (double)buckets;
        var reduced = new List<TrendPoint>((buckets * 2) + 8);
        var index = 0;
        while (index < points.Count)
        {
            var bucket = Math.Min(buckets - 1, (int)((points[index].Timestamp - from).Ticks / width));
            TrendPoint? low = null, high = null;
            var gap = false;
            for (; index < points.Count && Math.Min(buckets - 1, (int)((points[index].Timestamp - from).Ticks / width)) == bucket; index++)
            {
                var point = points[index];
                if (point.Value is not { } value)
                {
                    gap = true;
                    continue;
                }

                if (low is null || value < low.Value.Value)
                {
                    low = point;
                }

                if (high is null || value > high.Value.Value)
                {
                    high = point;
                }
            }

            if (low is { } first && high is { } second)
            {
                reduced.Add(first.Timestamp <= second.Timestamp ? first : second);
                if (first.Timestamp != second.Timestamp)
                {
                    reduced.Add(first.Timestamp <= second.Timestamp ? second : first);
                }
            }

            if (gap)
            {
                reduced.Add(new TrendPoint(from + TimeSpan.FromTicks((long)(width * (bucket + 1))), null));
            }
        }

        return reduced;
    }

    private static List<string> Segments(List<TrendPoint> samples, DateTimeOffset from, DateTimeOffset to, double min, double max)
    {
        var span = (to - from).Ticks;
        var low = min;
        var range = max - min;
        if (range == 0)
        {
            // A flat line is drawn in the middle.
            low = min - 1;
            range = 2;
        }

        var segments = new List<string>();
        var current = new StringBuilder();
        var vertices = 0;
        foreach (var sample in samples)
        {
            if (sample.Value is not { } value)
            {
                Close(segments, current, vertices);
                vertices = 0;
                continue;
            }

            var x = (sample.Timestamp - from).Ticks * (double)Width / span;
            var y = Height - Margin - ((value - low) / range * (Height - (2 * Margin)));
            if (vertices > 0)
            {
                current.Append(' ');
            }

            current.Append(x.ToString("0.#", CultureInfo.InvariantCulture)).Append(',').Append(y.ToString("0.#", CultureInfo.InvariantCulture));
            vertices++;
        }

        Close(segments, current, vertices);
        return segments;
    }

    /// <summary>Ends a run. A run of one vertex is drawn as a dot, which a polyline of one point would not show.</summary>
    private static void Close(List<string> segments, StringBuilder current, int vertices)
    {
        if (vertices == 0)
        {
            return;
        }

        var text = current.ToString();
        segments.Add(vertices == 1 ? $"{text} {text}" : text);
        current.Clear();
    }
}
