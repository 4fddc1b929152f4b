namespace Dashboard.Replay;

/// <summary>
/// Settings of the <c>Replay</c> configuration section: the demo publisher that replays C-MAPSS engines.
/// </summary>
public sealed class ReplayOptions
{
    public const string SectionName = "Replay";

    public bool Enabled { get; set; } = true;

    /// <summary>Time between two replayed cycles of each engine.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Site id of the replayed engines; assets are named <c>turbofan-001</c> and onward.</summary>
    public string Site { get; set; } = "demo";

    /// <summary>C-MAPSS training file to replay, relative to the app's folder unless absolute.</summary>
    public string DataFile { get; set; } = Path.Combine("Datasets", "cmapss", "train_FD001.txt.gz");

    /// <summary>How many units of the file to replay, from the first; 0 replays all.</summary>
    public int Units { get; set; }

    public string ClientId { get; set; } = "dashboard-replay";
}
