using Dashboard.Alerts;
using MudBlazor;

namespace Dashboard.Components.Alerts;

/// <summary>
/// Colours and words for alert priorities and states, shared by every page so a priority always looks the
/// same: red for Critical, orange for High, yellow for Medium, blue for Low.
/// </summary>
public static class AlertStyles
{
    public static string PriorityColor(AlertPriority priority) => priority switch
    {
        AlertPriority.Critical => "#C62828",
        AlertPriority.High => "#EF6C00",
        AlertPriority.Medium => "#F9A825",
        _ => "#1565C0",
    };

    public static string PriorityTextColor(AlertPriority priority) => priority == AlertPriority.Medium ? "#212121" : "#FFFFFF";

    public static string StateText(AlertState state) => state switch
    {
        AlertState.Normal => "Normal",
        AlertState.ActiveUnacknowledged => "Active, unacknowledged",
        AlertState.ActiveAcknowledged => "Active, acknowledged",
        AlertState.ReturnedUnacknowledged => "Returned, unacknowledged",
        AlertState.Shelved => "Shelved",
        AlertState.OutOfService => "Out of service",
        _ => state.ToString(),
    };

    public static Color StateColor(AlertState state) => state switch
    {
        AlertState.ActiveUnacknowledged => Color.Error,
        AlertState.ReturnedUnacknowledged => Color.Warning,
        AlertState.ActiveAcknowledged => Color.Info,
        _ => Color.Default,
    };
}
