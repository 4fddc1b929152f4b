namespace Dashboard.Telemetry;

/// <summary>
/// Settings of the <c>Live</c> configuration section: what the live state keeps and how often pages redraw.
/// </summary>
public sealed class LiveOptions
{
    public const string SectionName = "Live";

    /// <summary>Points kept per metric for live charts; older points come from history.</summary>
    public int WindowPoints { get; set; } = 600;

    /// <summary>Age of the last reading after which an asset is shown as stale.</summary>
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most re-renders per second of one live view, however many messages arrive.</summary>
    public double MaxRendersPerSecond { get; set; } = 4;

    /// <summary>Metrics shown on Overview cards, in order; an asset with none of them shows its first four metrics.</summary>
    public List<string> KeyMetrics { get; set; } = [];

    public TimeSpan RenderInterval => TimeSpan.FromSeconds(1 / MaxRendersPerSecond);
}
