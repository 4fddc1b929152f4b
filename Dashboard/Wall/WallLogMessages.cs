namespace Dashboard.Wall;

/// <summary>Log messages of the wall display, event ids 7000 to 7099.</summary>
internal static partial class WallLogMessages
{
    [LoggerMessage(7000, LogLevel.Warning, "History for the sparkline of {Asset} {Metric} could not be read; the sparkline shows live points only")]
    public static partial void SparklineHistoryFailed(ILogger logger, Exception exception, string asset, string metric);

    [LoggerMessage(7001, LogLevel.Information, "Wall display opened for {Scope}; {OpenDisplays} displays open")]
    public static partial void DisplayOpened(ILogger logger, string scope, int openDisplays);

    [LoggerMessage(7002, LogLevel.Information, "Wall display closed for {Scope} after {Duration}; {OpenDisplays} displays open")]
    public static partial void DisplayClosed(ILogger logger, string scope, TimeSpan duration, int openDisplays);

    [LoggerMessage(7003, LogLevel.Information, "Wall display for {Scope} reconnected; reloading its state and sparkline history")]
    public static partial void DisplayReconnected(ILogger logger, string scope);
}
