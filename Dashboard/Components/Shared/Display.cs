using System.Globalization;

namespace Dashboard.Components.Shared;

/// <summary>
/// Text formats shared by the pages: metric values, ages and timestamps.
/// </summary>
public static class Display
{
    public const string Gap = "—";

    /// <summary>Formats a metric value with precision that suits its size; a null value is a gap.</summary>
    public static string Value(double? value)
    {
        if (value is not { } number)
        {
            return Gap;
        }

        var magnitude = Math.Abs(number);
        var format = magnitude >= 1000 ? "0.#" : magnitude >= 100 ? "0.##" : magnitude >= 1 ? "0.###" : "0.####";
        return number.ToString(format, CultureInfo.InvariantCulture);
    }

    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds < 60 ? $"{(int)age.TotalSeconds} s"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} min"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} h {age.Minutes} min"
            : $"{(int)age.TotalDays} d";
    }

    public static string Timestamp(DateTimeOffset? timestamp) =>
        timestamp is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : Gap;

    /// <summary>Returns the link to an asset's page; ids travel in the query so any id routes.</summary>
    public static string AssetHref(AssetKey key) =>
        $"asset?site={Uri.EscapeDataString(key.Site)}&id={Uri.EscapeDataString(key.Asset)}";
}
