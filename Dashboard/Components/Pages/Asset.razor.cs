using Dashboard.Components.Shared;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Components.Pages;

public partial class Asset
{
    private const int DefaultChartMetrics = 3;

    private AssetSnapshot? _snapshot;
    private HealthEstimate? _estimate;
    private IReadOnlyList<string> _selected = [];
    private DateTimeOffset _now;

    [Inject]
    public required EstimateSelector Selector { get; init; }

    [SupplyParameterFromQuery(Name = "site")]
    public string? Site { get; set; }

    [SupplyParameterFromQuery(Name = "id")]
    public string? Id { get; set; }

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
        _selected = [];
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

    private void OnSelectedChanged(IEnumerable<string?>? selected) =>
        _selected = selected?.OfType<string>().ToList() ?? [];
}
