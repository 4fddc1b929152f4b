using Dashboard.Components.Charts;
using Dashboard.Components.Shared;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Dashboard.Components.Pages;

public partial class Asset
{
    private const int DefaultChartMetrics = 3;

    private AssetSnapshot? _snapshot;
    private HealthEstimate? _estimate;
    private IReadOnlyList<string> _selected = [];
    private DateTimeOffset _now;
    private ChartRange _range = ChartRange.Default;
    private bool _customOpen;
    private DateRange? _customDates;
    private AssetKey? _shownKey;

    [Inject]
    public required EstimateSelector Selector { get; init; }

    [SupplyParameterFromQuery(Name = "site")]
    public string? Site { get; set; }

    [SupplyParameterFromQuery(Name = "id")]
    public string? Id { get; set; }

    [SupplyParameterFromQuery(Name = "range")]
    public string? RangeKey { get; set; }

    [SupplyParameterFromQuery(Name = "from")]
    public string? RangeFrom { get; set; }

    [SupplyParameterFromQuery(Name = "to")]
    public string? RangeTo { get; set; }

    [Inject]
    public required NavigationManager Navigation { get; init; }

    private AssetKey Key => new(Site ?? string.Empty, Id ?? string.Empty);

    protected override AssetKey? LiveFilter => Key;

    private bool Stale => _snapshot?.LastReceivedAt is not { } received || _now - received > LiveOptions.Value.StaleAfter;

    private string AgeText => _snapshot?.LastReceivedAt is { } received
        ? $"{(Stale ? "Stale: last" : "Last")} reading {Display.Age(_now - received)} ago, at {Display.Timestamp(_snapshot.LastReadingAt)}"
        : "No telemetry yet";

    private IEnumerable<KeyValuePair<string, LatestValue>> LatestRows =>
        _snapshot?.Latest.OrderBy(pair => pair.Key, StringComparer.Ordinal) ?? Enumerable.Empty<KeyValuePair<string, LatestValue>>();

    protected override void OnParametersSet()
    {
        _range = RangeKey == "custom"
            && Dashboard.Mqtt.MessageTimestamp.TryParseIso(RangeFrom ?? string.Empty, out var from)
            && Dashboard.Mqtt.MessageTimestamp.TryParseIso(RangeTo ?? string.Empty, out var to)
            && from < to
                ? ChartRange.Custom(from, to)
                : ChartRange.FromKey(RangeKey);
        if (_shownKey != Key)
        {
            _shownKey = Key;
            _selected = [];
        }

        Refresh();
    }

    protected override Task OnLiveUpdateAsync()
    {
        Refresh();
        StateHasChanged();
        return Task.CompletedTask;
    }

    private void Refresh()
    {
        _now = Time.GetUtcNow();
        _snapshot = Live.Snapshot(Key);
        _estimate = _snapshot is null ? null : Selector.Select(_snapshot);
        if (_selected.Count == 0 && _snapshot is not null)
        {
            _selected = DefaultMetrics(_snapshot);
        }
    }

    private IReadOnlyList<string> DefaultMetrics(AssetSnapshot snapshot)
    {
        var configured = LiveOptions.Value.KeyMetrics.Where(snapshot.Latest.ContainsKey).Take(DefaultChartMetrics).ToList();
        return configured.Count > 0 ? configured : snapshot.Latest.Keys.Order(StringComparer.Ordinal).Take(DefaultChartMetrics).ToList();
    }

    private void SelectRange(ChartRange range)
    {
        _customOpen = false;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["range"] = range.Key,
            ["from"] = null,
            ["to"] = null,
        }), replace: true);
    }

    private void ApplyCustomRange()
    {
        if (_customDates?.Start is not { } start || _customDates.End is not { } end)
        {
            return;
        }

        var from = new DateTimeOffset(DateTime.SpecifyKind(start.Date, DateTimeKind.Utc));
        var to = new DateTimeOffset(DateTime.SpecifyKind(end.Date.AddDays(1), DateTimeKind.Utc));
        _customOpen = false;
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["range"] = "custom",
            ["from"] = from.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["to"] = to.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        }), replace: true);
    }

    private void OnSelectedChanged(IEnumerable<string?>? selected) =>
        _selected = selected?.OfType<string>().ToList() ?? [];
}
