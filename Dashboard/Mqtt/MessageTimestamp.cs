using System.Globalization;
using System.Text.RegularExpressions;

namespace Dashboard.Mqtt;

/// <summary>
/// Parses the <c>ts</c> field of the MQTT contract.
/// </summary>
/// <remarks>
/// A string must be an ISO-8601 instant with an explicit offset or <c>Z</c>. A number is Unix epoch time,
/// read as seconds when it lies in [978,307,200, 4,133,980,800), that is 2001-01-01 to 2101-01-01, and as
/// milliseconds when it lies in the same span times 1,000. The two ranges do not overlap, so the unit follows
/// from the magnitude; any other number is rejected. Strings must name an instant in the same span, so a
/// device whose clock was reset (1970, or year 1) is rejected whichever form it sends.
/// </remarks>
public static partial class MessageTimestamp
{
    public const double MinEpochSeconds = 978_307_200;
    public const double EndEpochSeconds = 4_133_980_800;

    private static readonly DateTimeOffset MinInstant = DateTimeOffset.FromUnixTimeSeconds((long)MinEpochSeconds);
    private static readonly DateTimeOffset EndInstant = DateTimeOffset.FromUnixTimeSeconds((long)EndEpochSeconds);

    public static bool TryParseEpoch(double value, out DateTimeOffset timestamp)
    {
        double milliseconds;
        if (value >= MinEpochSeconds && value < EndEpochSeconds)
        {
            milliseconds = value * 1000;
        }
        else if (value >= MinEpochSeconds * 1000 && value < EndEpochSeconds * 1000)
        {
            milliseconds = value;
        }
        else
        {
            timestamp = default;
            return false;
        }

        // Round to whole ticks so 1.7e9 + 0.1234567 s keeps its sub-millisecond part.
        var ticks = (long)Math.Round(milliseconds * TimeSpan.TicksPerMillisecond);
        timestamp = new DateTimeOffset(DateTime.UnixEpoch.Ticks + ticks, TimeSpan.Zero);
        return true;
    }

    public static bool TryParseIso(string text, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (!IsoInstant().IsMatch(text))
        {
            return false;
        }

        // DateTimeOffset keeps 100 ns ticks, so digits beyond the seventh of a fraction are cut off.
        var match = Fraction().Match(text);
        if (match.Success && match.Length > 8)
        {
            text = string.Concat(text.AsSpan(0, match.Index + 8), text.AsSpan(match.Index + match.Length));
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        if (parsed.UtcTicks < MinInstant.UtcTicks || parsed.UtcTicks >= EndInstant.UtcTicks)
        {
            return false;
        }

        timestamp = parsed.ToUniversalTime();
        return true;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}(:?\d{2})?)$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoInstant();

    [GeneratedRegex(@"\.\d+", RegexOptions.CultureInvariant)]
    private static partial Regex Fraction();
}
