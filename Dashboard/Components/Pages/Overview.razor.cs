using Dashboard.Mqtt;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Components.Pages;

public partial class Overview
{
    private IReadOnlyList<AssetSnapshot> _assets = [];
    private DateTimeOffset _now;

    [Inject]
    public required EstimateSelector Selector { get; init; }

    [Inject]
    public required TopicNames Topics { get; init; }

    private int StaleCount => _assets.Count(asset => asset.LastReceivedAt is not { } received || _now - received > LiveOptions.Value.StaleAfter);

    protected override void OnInitialized() => Refresh();

    protected override Task OnLiveUpdateAsync()
    {
        Refresh();
        StateHasChanged();
        return Task.CompletedTask;
    }

    private void Refresh()
    {
        _assets = Live.Snapshot();
        _now = Time.GetUtcNow();
    }
}
