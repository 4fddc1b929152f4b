using Dashboard.Mqtt;
using Dashboard.Storage;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;

namespace Dashboard.Components.Pages;

public partial class Diagnostics
{
    private double _rate;

    [Inject]
    public required IngestStats Stats { get; init; }

    [Inject]
    public required IngestChannel Channel { get; init; }

    [Inject]
    public required EmbeddedMqttBroker Broker { get; init; }

    [Inject]
    public required StorageStats Storage { get; init; }

    [Inject]
    public required RulAccuracy Accuracy { get; init; }

    private string ConnectionIcon => Stats.ConnectionState == BrokerConnectionState.Connected
        ? MudBlazor.Icons.Material.Filled.CheckCircle
        : MudBlazor.Icons.Material.Filled.Error;

    private MudBlazor.Color ConnectionColor => Stats.ConnectionState == BrokerConnectionState.Connected
        ? MudBlazor.Color.Success
        : MudBlazor.Color.Error;

    protected override void OnInitialized() => _rate = Stats.MessagesPerSecond();

    protected override Task OnLiveUpdateAsync()
    {
        _rate = Stats.MessagesPerSecond();
        StateHasChanged();
        return Task.CompletedTask;
    }

    private static string ReasonText(RejectReason reason) => reason switch
    {
        RejectReason.InvalidTopic => "invalid topic",
        RejectReason.TooLarge => "too large",
        RejectReason.NotUtf8 => "not UTF-8",
        RejectReason.InvalidJson => "invalid JSON",
        RejectReason.MissingTimestamp => "missing ts",
        RejectReason.InvalidTimestamp => "invalid ts",
        RejectReason.FutureTimestamp => "ts in the future",
        RejectReason.NoValidValues => "no valid values",
        RejectReason.InvalidHealth => "invalid health",
        _ => reason.ToString(),
    };
}
