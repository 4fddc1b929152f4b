using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Dashboard.Components.Charts;

/// <summary>
/// A live multi-series trend of one asset's metrics, drawn by wwwroot/js/trend-chart.js. On each throttled
/// update it sends only the points that arrived since the last update; the browser keeps a bounded window.
/// </summary>
public partial class TrendChart
{
    public const string ModulePath = "./js/trend-chart.js";

    private readonly Dictionary<string, DateTimeOffset?> _lastSent = new(StringComparer.Ordinal);
    private ElementReference _element;
    private IJSObjectReference? _module;
    private int? _chartId;
    private IReadOnlyList<string> _drawnMetrics = [];

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Parameter, EditorRequired]
    public required AssetKey Asset { get; set; }

    [Parameter, EditorRequired]
    public required IReadOnlyList<string> Metrics { get; set; }

    [Parameter]
    public int Height { get; set; } = 320;

    protected override AssetKey? LiveFilter => Asset;

    protected override bool TicksEverySecond => false;

    public async ValueTask DisposeAsync()
    {
        Dispose();
        if (_module is null)
        {
            return;
        }

        try
        {
            if (_chartId is { } id)
            {
                await _module.InvokeVoidAsync("dispose", id);
            }

            await _module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the browser's chart with it.
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            _chartId = await _module.InvokeAsync<int>("create", _element, new
            {
                series = CurrentSeries(),
                maxPoints = LiveOptions.Value.WindowPoints,
                minIntervalMs = LiveOptions.Value.RenderInterval.TotalMilliseconds,
                height = Height,
            });
            _drawnMetrics = Metrics;
        }
        else if (_chartId is { } id && !_drawnMetrics.SequenceEqual(Metrics))
        {
            _drawnMetrics = Metrics;
            await _module!.InvokeVoidAsync("replace", id, CurrentSeries());
        }
    }

    protected override async Task OnLiveUpdateAsync()
    {
        if (_module is null || _chartId is not { } id)
        {
            return;
        }

        var additions = new double?[_drawnMetrics.Count][][];
        var any = false;
        for (var i = 0; i < _drawnMetrics.Count; i++)
        {
            var metric = _drawnMetrics[i];
            var points = Live.Window(Asset, metric, _lastSent.GetValueOrDefault(metric));
            additions[i] = ToJs(points);
            if (points.Length > 0)
            {
                _lastSent[metric] = points[^1].Timestamp;
                any = true;
            }
        }

        if (any)
        {
            await _module.InvokeVoidAsync("append", id, additions);
        }
    }

    private object[] CurrentSeries()
    {
        _lastSent.Clear();
        return Metrics.Select(metric =>
        {
            var points = Live.Window(Asset, metric);
            _lastSent[metric] = points.Length > 0 ? points[^1].Timestamp : null;
            return (object)new { name = metric, points = ToJs(points) };
        }).ToArray();
    }

    private static double?[][] ToJs(TrendPoint[] points) =>
        points.Select(point => new double?[] { point.Timestamp.ToUnixTimeMilliseconds(), point.Value }).ToArray();
}
