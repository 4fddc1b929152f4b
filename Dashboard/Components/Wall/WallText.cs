using System.Globalization;
using Dashboard.Alerts;

namespace Dashboard.Components.Wall;

/// <summary>Short texts of the wall, written to be read from a distance.</summary>
public static class WallText
{
    public static string Priority(AlertPriority priority) => priority.ToString().ToUpperInvariant();

    public static string AlertState(AlertState state) => state switch
    {
        Dashboard.Alerts.AlertState.ActiveUnacknowledged => "Unacknowledged",
        Dashboard.Alerts.AlertState.ActiveAcknowledged => "Acknowledged",
        Dashboard.Alerts.AlertState.ReturnedUnacknowledged => "Cleared, unacknowledged",
        Dashboard.Alerts.AlertState.Shelved => "Shelved",
        Dashboard.Alerts.AlertState.OutOfService => "Out of service",
        _ => state.ToString(),
    };

    public static string Rul(HealthEstimate? estimate) => estimate?.Rul is { } rul
        ? string.Create(CultureInfo.InvariantCulture, $"RUL {Math.Round(rul.Value):0} {rul.Unit.ToString().ToLowerInvariant()}")
        : "RUL —";

    /// <summary>Formats a duration to the second, such as <c>2 min 05 s</c> or <c>1 h 02 min</c>, for overlays.</summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }

        return duration.TotalMinutes < 1 ? $"{(int)duration.TotalSeconds} s"
            : duration.TotalHours < 1 ? $"{(int)duration.TotalMinutes} min {duration.Seconds:00} s"
            : duration.TotalDays < 2 ? $"{(int)duration.TotalHours} h {duration.Minutes:00} min"
            : $"{(int)duration.TotalDays} d {duration.Hours} h";
    }
}
