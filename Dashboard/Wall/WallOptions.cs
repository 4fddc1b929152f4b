namespace Dashboard.Wall;

/// <summary>
/// Settings of the <c>Wall</c> configuration section: the full-screen kiosk view at <c>/wall</c>.
/// </summary>
public sealed class WallOptions
{
    public const string SectionName = "Wall";

    /// <summary>Time each page of tiles stays on screen before the next one; the rotation stops when every tile fits on one page.</summary>
    public TimeSpan RotationInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Maximum asset tiles on one page. A page never mixes sites.</summary>
    public int TilesPerPage { get; set; } = 8;

    /// <summary>Maximum key metrics per tile, taken in the order of <c>Live:KeyMetrics</c>.</summary>
    public int MetricsPerTile { get; set; } = 4;

    /// <summary>IANA id of the plant's time zone, such as <c>Europe/Berlin</c>; the clock and all times on the wall use it.</summary>
    public string TimeZone { get; set; } = "UTC";

    /// <summary>
    /// Time without any reading, from any asset, after which the wall covers its tiles with a "no data"
    /// notice, even while the broker connection looks healthy.
    /// </summary>
    public TimeSpan NoDataAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Time span that a sparkline covers, ending now.</summary>
    public TimeSpan SparklineWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Maximum points of one sparkline; longer series are reduced to a minimum and a maximum per bucket.</summary>
    public int SparklinePoints { get; set; } = 120;

    /// <summary>
    /// Minimum time between two recomputations of one sparkline. Values and ages update at
    /// <c>Live:MaxRendersPerSecond</c>; sparklines move more slowly to keep the traffic to each display small.
    /// </summary>
    public TimeSpan SparklineRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Maximum wait between two reconnection attempts of the browser after the connection was lost.</summary>
    public TimeSpan ReconnectMaxInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Time without a server update, while the connection looks open, after which the browser reloads the
    /// page. The server updates the wall every second.
    /// </summary>
    public TimeSpan WatchdogTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public WallSoundOptions Sound { get; set; } = new();
}

/// <summary>
/// Settings of <c>Wall:Sound</c>: the audible annunciation of unacknowledged Critical and High alerts.
/// </summary>
public sealed class WallSoundOptions
{
    public bool Enabled { get; set; }

    /// <summary>Sound file, as a path below wwwroot; the file must be part of the build, because only built assets are served.</summary>
    public string File { get; set; } = "sounds/wall-alert.wav";

    /// <summary>Time between two plays while an unacknowledged Critical or High alert remains; a new alert plays at once.</summary>
    public TimeSpan RepeatInterval { get; set; } = TimeSpan.FromSeconds(30);
}
