namespace Dashboard.Model;

/// <summary>
/// Identity of one piece of equipment: the site and asset segments of its MQTT topics, as published.
/// </summary>
public readonly record struct AssetKey(string Site, string Asset) : IComparable<AssetKey>
{
    public int CompareTo(AssetKey other)
    {
        var bySite = string.CompareOrdinal(Site, other.Site);
        return bySite != 0 ? bySite : string.CompareOrdinal(Asset, other.Asset);
    }

    public override string ToString() => $"{Site}/{Asset}";
}
