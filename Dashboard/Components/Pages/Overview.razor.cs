using Dashboard.Alerts;
using Dashboard.Mqtt;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Components.Pages;

public partial class Overview
{
    private IReadOnlyList<AssetSnapshot> _assets = [];
    private ILookup<AssetKey, AlertRecord> _openAlerts = Array.Empty<AlertRecord>().ToLookup(alert => alert.Asset);
    private IDisposable? _alertSubscription;
    private DateTimeOffset _now;

    [Inject]
    public required EstimateSelector Selector { get; init; }

    [Inject]
    public required TopicNames Topics { get; init; }

    [Inject]
    public required AlertBoard Alerts { get; init; }

    private int StaleCount => _assets.Count(asset => asset.LastReceivedAt is not { } received || _now - received > LiveOptions.Value.StaleAfter);

    protected override void OnInitialized() => Refresh();

    protected override void OnAfterRender(bool firstRender)
    {
        base.OnAfterRender(firstRender);
        if (firstRender)
        {
            _alertSubscription = Alerts.Subscribe(_ => RequestUpdate());
        }
    }

    protected override void Dispose(bool disposing) => _alertSubscription?.Dispose();

    private IReadOnlyList<AlertRecord> OpenAlerts(AssetKey asset) => _openAlerts[asset].ToList();

    protected override Task OnLiveUpdateAsync()
    {
        Refresh();
        StateHasChanged();
        return Task.CompletedTask;
    }

    private void Refresh()
    {
        _assets = Live.Snapshot();
        _openAlerts = Alerts.Open().ToLookup(alert => alert.Asset);
        _now = Time.GetUtcNow();
    }
}
