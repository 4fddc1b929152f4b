namespace Dashboard.Mqtt;

/// <summary>
/// Kind of message, named by the last level of its topic.
/// </summary>
public enum TopicKind
{
    Telemetry,
    Health,
    Alerts,
}

/// <summary>
/// Builds and parses the topics of the MQTT contract: <c>{prefix}/{site}/{asset}/{kind}</c>.
/// </summary>
public sealed class TopicNames(string prefix)
{
    public string Prefix { get; } = prefix;

    public string TelemetryFilter => Filter(TopicKind.Telemetry);

    public string HealthFilter => Filter(TopicKind.Health);

    public string Filter(TopicKind kind) => $"{Prefix}/+/+/{LevelName(kind)}";

    public string Topic(AssetKey asset, TopicKind kind) => $"{Prefix}/{asset.Site}/{asset.Asset}/{LevelName(kind)}";

    /// <summary>
    /// Parses a topic of the contract; returns false for a topic of another shape or with an empty site or asset.
    /// </summary>
    public bool TryParse(string topic, out AssetKey asset, out TopicKind kind)
    {
        asset = default;
        kind = default;

        if (topic.Length <= Prefix.Length + 1 || !topic.StartsWith(Prefix, StringComparison.Ordinal) || topic[Prefix.Length] != '/')
        {
            return false;
        }

        var rest = topic.AsSpan(Prefix.Length + 1);
        var firstSlash = rest.IndexOf('/');
        if (firstSlash <= 0)
        {
            return false;
        }

        var afterSite = rest[(firstSlash + 1)..];
        var secondSlash = afterSite.IndexOf('/');
        if (secondSlash <= 0)
        {
            return false;
        }

        var level = afterSite[(secondSlash + 1)..];
        if (!TryParseLevel(level, out kind))
        {
            return false;
        }

        asset = new AssetKey(rest[..firstSlash].ToString(), afterSite[..secondSlash].ToString());
        return true;
    }

    /// <summary>
    /// Returns a problem description when <paramref name="prefix"/> cannot start the contract's topics, else null.
    /// </summary>
    public static string? ValidatePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return "is required, for example 'plant'.";
        }

        if (prefix.IndexOfAny(['+', '#', '\0']) >= 0)
        {
            return $"must not contain '+', '#' or NUL, but is '{prefix}'.";
        }

        if (prefix.StartsWith('$'))
        {
            return $"must not start with '$' (reserved for broker topics), but is '{prefix}'.";
        }

        if (prefix.StartsWith('/') || prefix.EndsWith('/') || prefix.Contains("//", StringComparison.Ordinal))
        {
            return $"must not start or end with '/' or contain an empty level, but is '{prefix}'.";
        }

        return null;
    }

    private static string LevelName(TopicKind kind) => kind switch
    {
        TopicKind.Telemetry => "telemetry",
        TopicKind.Health => "health",
        TopicKind.Alerts => "alerts",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown topic kind."),
    };

    private static bool TryParseLevel(ReadOnlySpan<char> level, out TopicKind kind)
    {
        switch (level)
        {
            case "telemetry":
                kind = TopicKind.Telemetry;
                return true;
            case "health":
                kind = TopicKind.Health;
                return true;
            case "alerts":
                kind = TopicKind.Alerts;
                return true;
            default:
                kind = default;
                return false;
        }
    }
}
