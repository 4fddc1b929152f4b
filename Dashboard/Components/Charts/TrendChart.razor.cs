using Dashboard.Components.Shared;
using Dashboard.Storage;
using Dashboard.Telemetry;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace Dashboard.Components.Charts;

/// <summary>
/// A multi-series trend of one asset's metrics, drawn by wwwroot/js/trend-chart.js. It backfills the range
/// from history on open, when the range or metrics change and after every circuit reconnect, then sends only
/// the live points that arrived since the last update; the browser keeps a bounded window.
/// </summary>
public partial class TrendChart
{
    public const string ModulePath = "./js/trend-chart.js";

    /// <summary>Points requested from history per metric.</summary>
    public const int HistoryPoints = 500;

    private readonly Dictionary<string, DateTimeOffset?> _lastSent = new(StringComparer.Ordinal);
    private ElementReference _element;
    private IJSObjectReference? _module;
    private int? _chartId;
    private IReadOnlyList<string> _drawnMetrics = [];
    private ChartRange? _drawnRange;
    private IDisposable? _reconnectSubscription;

    [Inject]
    public required IJSRuntime JS { get; init; }

    [Inject]
    public required IServiceProvider Services { get; init; }

    [Inject]
    public required ILogger<TrendChart> Logger { get; init; }

    [Parameter, EditorRequired]
    public required AssetKey Asset { get; set; }

    [Parameter, EditorRequired]
    public required IReadOnlyList<string> Metrics { get; set; }

    [Parameter]
    public ChartRange Range { get; set; } = ChartRange.Default;

    [Parameter]
    public int Height { get; set; } = 320;

    protected override AssetKey? LiveFilter => Asset;

    protected override bool TicksEverySecond => false;

    public async ValueTask DisposeAsync()
    {
        Dispose();
        _reconnectSubscription?.Dispose();
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
            _reconnectSubscription = Services.GetService<CircuitEvents>()?.OnReconnected(() => InvokeAsync(BackfillAsync));
            _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            _chartId = await _module.InvokeAsync<int>("create", _element, new
            {
                series = Metrics.Select(metric => new { name = metric, points = Array.Empty<double?[]>() }).ToArray(),
                maxPoints = (HistoryPoints * 2) + LiveOptions.Value.WindowPoints,
                minIntervalMs = LiveOptions.Value.RenderInterval.TotalMilliseconds,
                height = Height,
                separateAxes = true,
            });
            await BackfillAsync();
        }
        else if (_chartId is not null && (!_drawnMetrics.SequenceEqual(Metrics) || _drawnRange != Range))
        {
            await BackfillAsync();
        }
    }

    protected override async Task OnLiveUpdateAsync()
    {
        if (_module is null || _chartId is not { } id || !Range.IsLive(Time.GetUtcNow()))
        {
            return;
        }

        var additions = new double?[_drawnMetrics.Count][][];
        var any = false;
        for (var i = 0; i < _drawnMetrics.Count; i++)
        {
            var metric = _drawnMetrics[i];
            var points = Live.Window(Asset, metric, _lastSent.GetValueOrDefault(metric));
            additions[i] = points.Select(ToJs).ToArray();
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

    /// <summary>Why history could not be read on the last backfill, or null when it was read.</summary>
    public string? HistoryError { get; private set; }

    /// <summary>Redraws every series: history over the range, then the live points newer than it.</summary>
    private async Task BackfillAsync()
    {
        if (_module is null || _chartId is not { } id)
        {
            return;
        }

        _drawnMetrics = Metrics;
        _drawnRange = Range;
        var hadError = HistoryError is not null;
        HistoryError = null;
        var now = Time.GetUtcNow();
        var (from, to) = Range.Resolve(now);
        var history = Services.GetService<HistoryService>();
        var series = new List<object>(Metrics.Count);
        _lastSent.Clear();

        foreach (var metric in Metrics)
        {
            var points = new List<double?[]>();
            DateTimeOffset? last = null;
            if (history is not null && HistoryError is null)
            {
                try
                {
                    var stored = await history.QueryAsync(Asset, metric, from, to, HistoryPoints, CancellationToken.None);
                    AddHistory(points, stored);
                    if (stored.Points.LastOrDefault(p => p.Value is not null) is { } newest)
                    {
                        // Live points inside the newest bucket are already part of its envelope.
                        last = newest.Timestamp + stored.BucketWidth;
                    }
                }
                catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
                {
                    // The live window still draws; the caption tells why older points are missing.
                    HistoryError = e.Message;
                    Logger.LogWarning(e, "History for {Asset} {Metric} could not be read; the chart shows live points only", Asset, metric);
                }
            }

            if (Range.IsLive(now))
            {
                var live = Live.Window(Asset, metric, last);
                points.AddRange(live.Where(point => point.Timestamp >= from).Select(ToJs));
                last = live.Length > 0 ? live[^1].Timestamp : last;
            }

            _lastSent[metric] = last;
            series.Add(new { name = metric, points });
        }

        await _module.InvokeVoidAsync("replace", id, series);
        if (hadError || HistoryError is not null)
        {
            StateHasChanged();
        }
    }

    /// <summary>
    /// Adds stored points; a bucket becomes two points, its minimum then its maximum, so the line's envelope
    /// keeps every spike that the bucket holds.
    /// </summary>
    private static void AddHistory(List<double?[]> points, HistorySeries stored)
    {
        var half = stored.BucketWidth / 2;
        foreach (var point in stored.Points)
        {
            var start = point.Timestamp.ToUnixTimeMilliseconds();
            if (stored.Source == HistorySource.Raw || point.Min == point.Max)
            {
                points.Add([start, point.Value]);
                continue;
            }

            points.Add([start, point.Min]);
            points.Add([(point.Timestamp + half).ToUnixTimeMilliseconds(), point.Max]);
        }
    }

    private static double?[] ToJs(TrendPoint point) => [point.Timestamp.ToUnixTimeMilliseconds(), point.Value];
}
