using MudBlazor;

namespace Dashboard.Components.Layout;

/// <summary>
/// The app's MudBlazor theme: muted greys, with saturated colour kept for abnormal states.
/// </summary>
public static class DashboardTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#37474F",
            Secondary = "#546E7A",
            AppbarBackground = "#263238",
            Background = "#F5F5F5",
            Success = "#2E7D32",
            Warning = "#EF6C00",
            Error = "#C62828",
            Info = "#1565C0",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}
