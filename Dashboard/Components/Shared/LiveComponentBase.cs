using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace Dashboard.Components.Shared;

/// <summary>
/// Base of components that show live data. It subscribes to the live state after the first interactive
/// render (never during prerendering), redraws through a <see cref="RenderThrottle"/> at most
/// <see cref="LiveOptions.MaxRendersPerSecond"/> times per second, ticks once per second so ages and stale
/// states advance without new messages, and unsubscribes on disposal.
/// </summary>
public abstract class LiveComponentBase : ComponentBase, IDisposable
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(1);

    private RenderThrottle? _throttle;
    private IDisposable? _subscription;
    private ITimer? _ticker;
    private AssetKey? _subscribedAsset;

    [Inject]
    public required LiveState Live { get; init; }

    [Inject]
    public required IOptions<LiveOptions> LiveOptions { get; init; }

    [Inject]
    public required TimeProvider Time { get; init; }

    /// <summary>Number of throttled updates so far; tests use it to check the render cap.</summary>
    public long LiveUpdateCount => _throttle?.CallbackCount ?? 0;

    /// <summary>The asset whose changes trigger updates, or null for changes of any asset.</summary>
    protected virtual AssetKey? LiveFilter => null;

    /// <summary>Whether the component ticks every second to advance ages; on by default.</summary>
    protected virtual bool TicksEverySecond => true;

    public void Dispose()
    {
        StopLive();
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            StartLive();
        }
        else if (_subscription is not null && !Equals(_subscribedAsset, LiveFilter))
        {
            // The component now shows another asset: move the subscription with it.
            _subscription.Dispose();
            _subscribedAsset = LiveFilter;
            _subscription = Live.Subscribe(_subscribedAsset, _ => _throttle!.Notify());
        }
    }

    /// <summary>Schedules a throttled update, for changes from sources other than the live state (such as alerts).</summary>
    protected void RequestUpdate() => _throttle?.Notify();

    /// <summary>Runs on the renderer's dispatcher after changes, at most at the configured rate.</summary>
    protected virtual Task OnLiveUpdateAsync()
    {
        StateHasChanged();
        return Task.CompletedTask;
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    private void StartLive()
    {
        _throttle = new RenderThrottle(
            () => InvokeAsync(OnLiveUpdateAsync),
            LiveOptions.Value.RenderInterval,
            Time,
            e => _ = InvokeAsync(() => DispatchExceptionAsync(e)));
        _subscribedAsset = LiveFilter;
        _subscription = Live.Subscribe(_subscribedAsset, _ => _throttle.Notify());
        if (TicksEverySecond)
        {
            _ticker = Time.CreateTimer(_ => _throttle.Notify(), null, TickInterval, TickInterval);
        }
    }

    private void StopLive()
    {
        _subscription?.Dispose();
        _ticker?.Dispose();
        _throttle?.Dispose();
        _subscription = null;
    }
}
