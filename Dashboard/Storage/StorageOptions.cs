namespace Dashboard.Storage;

/// <summary>
/// Settings of the <c>Storage</c> configuration section. PostgreSQL is used when the connection string
/// <c>ConnectionStrings:Dashboard</c> is set, otherwise an SQLite file in <see cref="DataDirectory"/>.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";
    public const string ConnectionStringName = "Dashboard";

    /// <summary>False runs the dashboard on live data only, with no history; messages are acknowledged at once.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Folder of the embedded SQLite database, relative to the content root unless absolute.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Most messages written in one transaction.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>How long the writer waits for more messages before it writes a batch smaller than <see cref="BatchSize"/>.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Most messages waiting to be stored. When the store is down and the backlog reaches it, the live view
    /// waits too, and the broker keeps the rest.
    /// </summary>
    public int MaxBacklog { get; set; } = 200_000;

    /// <summary>Longest wait between two attempts to write a batch while the database is unavailable.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Age after which raw readings and health estimates are deleted.</summary>
    public TimeSpan RawRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Age after which per-minute aggregates are deleted; must be at least <see cref="RawRetention"/>.</summary>
    public TimeSpan AggregateRetention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>Time between two runs of the retention job.</summary>
    public TimeSpan RetentionInterval { get; set; } = TimeSpan.FromHours(1);
}
