using System.Globalization;
using Microsoft.Extensions.Options;

namespace Dashboard.Wall;

/// <summary>
/// Converts times to the plant's time zone (<see cref="WallOptions.TimeZone"/>) for the wall. Every conversion
/// starts from the UTC instant and uses the offset that <see cref="TimeZoneInfo"/> gives for that instant, so
/// the clock stays right across daylight saving changes.
/// </summary>
public sealed class PlantClock(IOptions<WallOptions> options)
{
    public TimeZoneInfo Zone { get; } = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public DateTimeOffset ToPlantTime(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>Formats an instant as plant time of day, such as <c>14:03:27</c>.</summary>
    public string TimeOfDay(DateTimeOffset instant) => ToPlantTime(instant).ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Formats the UTC offset in effect at an instant, such as <c>UTC+02:00</c>.</summary>
    public string Offset(DateTimeOffset instant)
    {
        var offset = Zone.GetUtcOffset(instant);
        var sign = offset < TimeSpan.Zero ? "-" : "+";
        return string.Create(CultureInfo.InvariantCulture, $"UTC{sign}{offset.Duration():hh\\:mm}");
    }

    /// <summary>Formats the zone and its offset at an instant, such as <c>Europe/Berlin UTC+02:00</c>, or <c>UTC</c> alone.</summary>
    public string ZoneText(DateTimeOffset instant) =>
        Zone.Id is "UTC" or "Etc/UTC" ? Zone.Id : $"{Zone.Id} {Offset(instant)}";

    /// <summary>Formats the plant date, such as <c>Sun 29 Mar 2026</c>.</summary>
    public string Date(DateTimeOffset instant) => ToPlantTime(instant).ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);
}
