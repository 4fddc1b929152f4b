using System.Globalization;

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
public static class MessageTimestamp
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

    /// <summary>
    /// Parses <c>yyyy-MM-ddTHH:mm[:ss[.fffffffff]]</c> followed by <c>Z</c> or an offset <c>±HH</c>,
    /// <c>±HHmm</c> or <c>±HH:mm</c>, with ASCII digits only. DateTimeOffset keeps 100 ns ticks, so digits beyond
    /// the seventh of a fraction are cut off.
    /// </summary>
    /// <remarks>
    /// A hand-written reader, because every telemetry message carries a timestamp and the general
    /// <see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/> accepts
    /// forms without an offset that the contract refuses.
    /// </remarks>
    public static bool TryParseIso(ReadOnlySpan<char> text, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (text.Length < 17
            || !TryReadDigits(text, 0, 4, out var year) || text[4] != '-'
            || !TryReadDigits(text, 5, 2, out var month) || text[7] != '-'
            || !TryReadDigits(text, 8, 2, out var day) || text[10] is not ('T' or 't')
            || !TryReadDigits(text, 11, 2, out var hour) || text[13] != ':'
            || !TryReadDigits(text, 14, 2, out var minute))
        {
            return false;
        }

        var position = 16;
        var second = 0;
        long fractionTicks = 0;
        if (text[position] == ':')
        {
            if (!TryReadDigits(text, position + 1, 2, out second))
            {
                return false;
            }

            position += 3;
            if (position < text.Length && text[position] == '.')
            {
                position++;
                var digits = 0;
                for (; position < text.Length && char.IsAsciiDigit(text[position]); position++, digits++)
                {
                    if (digits < 7)
                    {
                        fractionTicks = (fractionTicks * 10) + (text[position] - '0');
                    }
                }

                if (digits is 0 or > 9)
                {
                    return false;
                }

                for (; digits < 7; digits++)
                {
                    fractionTicks *= 10;
                }
            }
        }

        if (!TryReadOffset(text[position..], out var offsetMinutes)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var utcTicks = new DateTime(year, month, day, hour, minute, second).Ticks + fractionTicks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (utcTicks < MinInstant.UtcTicks || utcTicks >= EndInstant.UtcTicks)
        {
            return false;
        }

        timestamp = new DateTimeOffset(utcTicks, TimeSpan.Zero);
        return true;
    }

    /// <summary>Reads <c>Z</c>, <c>±HH</c>, <c>±HHmm</c> or <c>±HH:mm</c>, which must fill the whole span.</summary>
    private static bool TryReadOffset(ReadOnlySpan<char> text, out int minutes)
    {
        minutes = 0;
        if (text is ['Z' or 'z'])
        {
            return true;
        }

        if (text.Length is not (3 or 5 or 6) || text[0] is not ('+' or '-') || !TryReadDigits(text, 1, 2, out var hours))
        {
            return false;
        }

        var offsetMinutes = 0;
        if ((text.Length == 5 && !TryReadDigits(text, 3, 2, out offsetMinutes))
            || (text.Length == 6 && (text[3] != ':' || !TryReadDigits(text, 4, 2, out offsetMinutes))))
        {
            return false;
        }

        // DateTimeOffset allows offsets up to 14 hours.
        if (offsetMinutes > 59 || (hours * 60) + offsetMinutes > 14 * 60)
        {
            return false;
        }

        minutes = (text[0] == '-' ? -1 : 1) * ((hours * 60) + offsetMinutes);
        return true;
    }

    private static bool TryReadDigits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        value = 0;
        if (start + count > text.Length)
        {
            return false;
        }

        foreach (var c in text.Slice(start, count))
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
